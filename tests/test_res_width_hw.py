"""The residual stream at other widths than 8 (SRConfig.res_bits, ``model.train --res-bits``): the compiler takes the
width from the graph, and the generated RTL is bit-exact with PyTorch, window and residual adds included."""
import numpy as np
import pytest

from hw.design import Design
from model.export import export_model, golden
from tests.conftest import corner_patches, sim_top_with_stalls, trained_small

SIZE = 12


@pytest.fixture(scope="module", params=[6, 10])
def wide_model(request):
    return trained_small("Single-Spatial", res_bits=request.param)


@pytest.fixture(scope="module")
def wide_design(wide_model, tmp_path_factory):
    return Design.from_qonnx(export_model(wide_model, tmp_path_factory.mktemp("onnx") / "m.onnx", SIZE, SIZE))


def test_layers_take_the_width_from_the_graph(wide_model, wide_design, set5_lr):
    bits = wide_model.cfg.res_bits
    body = [layer for layer in wide_design.layers if layer.binary]
    assert body and all(layer.in_width == bits for layer in body)
    assert wide_design.layers[0].out_width == bits  # the head writes the residual stream
    # the stream uses its width: a model whose values all fit 8 bits would not test a wider datapath
    _, feats = wide_design.execute(corner_patches(set5_lr, SIZE)[0], return_features=True)
    peak = max(int(np.abs(feats[layer.name]).max()) for layer in body)
    assert peak < 1 << (bits - 1)
    assert peak >= 1 << (bits - 2), peak


def test_integer_reference_equals_pytorch(wide_model, wide_design, set5_lr):
    for patch in corner_patches(set5_lr, SIZE):
        assert np.array_equal(wide_design.execute(patch), golden(wide_model, patch)[0])


def test_top_bit_exact_with_stalls(wide_model, tmp_path):
    sim_top_with_stalls(wide_model, tmp_path, seed=11, case=f"res_bits_{wide_model.cfg.res_bits}_stalls")
