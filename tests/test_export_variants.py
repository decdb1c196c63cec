"""Every Table 1 variant exports to QONNX by name, and the QONNX graph computes exactly what the quantised
PyTorch model computes (0 LSB); the hardware compiler builds Base, Single-Spatial, Both-Spatial-Spatial and
BBCU (tests/test_bbcu_hw.py and tests/test_spatial_hw.py check their layers against PyTorch), and it rejects
the others with an error naming what it cannot build (nothing half-built)."""
import numpy as np
import pytest
import torch

from hw.frontend import UnsupportedGraph, build_layers, prepare
from model.arch import BinarySRNet, SRConfig
from model.blocks import TABLE1
from model.export import export_model, golden, qonnx_execute

HW_BLOCKS = ("Base", "Single-Spatial", "Both-Spatial-Spatial", "BBCU")  # what hw/ builds


@pytest.mark.parametrize("name", TABLE1)
def test_variant_exports_bit_exact_and_hw_builds_its_blocks(name, tmp_path):
    torch.manual_seed(0)
    m = BinarySRNet(SRConfig(block=name, channels=8, n_resblocks=1))
    m.train()
    with torch.no_grad():
        for _ in range(3):  # run the activation quantisers' statistics so the scales are not their init
            m(torch.rand(2, 3, 12, 12))
    m.eval()
    onnx_path = export_model(m, tmp_path / f"{name}.onnx", 8, 8)
    img = np.random.default_rng(0).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    assert np.array_equal(qonnx_execute(onnx_path, img)[0], golden(m, img[None])[0])
    if name in HW_BLOCKS:
        assert len(build_layers(prepare(onnx_path))[0]) == 4
    else:
        with pytest.raises(UnsupportedGraph, match=r"unsupported ONNX op|expected a binary block|residual add|"
                                                   r"Spatial attention|expected one consumer|RescalePost"):
            build_layers(prepare(onnx_path))
