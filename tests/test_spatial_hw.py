"""The Spatial attention blocks in hardware (Single-Spatial, and Both-Spatial-Spatial with its second map on the
skip path): the sigmoid table, the compiler's integer reference against the PyTorch golden (0 LSB), its sensitivity
to one LSB of each map, and the generated sr_top simulated bit-exact with stalls."""
from dataclasses import replace

import numpy as np
import pytest
import torch

from hw.codegen import write_rtl
from hw.design import Design
from hw.layers.spatial_map import SpatialMapParams, sigmoid_table, spatial_map_ref
from model.export import export_model, golden
from model.quant import map_quant
from sim.top import set5_patches, simulate
from tests.conftest import corner_patches, trained_small

SIZE = 12
SPATIAL_BLOCKS = ("Single-Spatial", "Both-Spatial-Spatial")


@pytest.mark.parametrize("logit_frac", [0, 3, 5, 7])
def test_sigmoid_table_is_the_models_quantised_sigmoid(logit_frac):
    """Every entry equals map_quant(sigmoid(L * 2^-f)) as the golden (float64) computes it."""
    q = map_quant().eval().double()
    logits = torch.arange(-128, 128, dtype=torch.float64)
    with torch.no_grad():
        want = torch.round(q(torch.sigmoid(logits * 2.0 ** -logit_frac)) * 256).long().numpy()
    table = np.array(sigmoid_table(logit_frac))
    assert np.array_equal(table[np.arange(-128, 128) & 255], want)
    assert table[0] == 128  # sigmoid(0) = 0.5 exactly


def test_spatial_map_reference_by_hand():
    p = SpatialMapParams(C=2, EW=8, W=(3, -2), B=5, S=2, L_WIDTH=8, MAP_WIDTH=8, TABLE=sigmoid_table(2))
    x = np.array([[4, 1], [0, 0], [127, -128], [-128, 127]])
    # acc = 3*x0 - 2*x1 + 5 -> 15, 5, 642, -633; logit = rhe(acc / 4) clipped -> 4 (3.75), 1 (1.25), 127, -128
    assert spatial_map_ref(x, p).tolist() == [sigmoid_table(2)[4], sigmoid_table(2)[1], sigmoid_table(2)[127],
                                              sigmoid_table(2)[128]]


@pytest.fixture(scope="module", params=SPATIAL_BLOCKS)
def spatial_model(request, small_spatial_model):
    return small_spatial_model if request.param == "Single-Spatial" else trained_small(request.param)


@pytest.fixture(scope="module")
def spatial_design(spatial_model, tmp_path_factory):
    return Design.from_qonnx(export_model(spatial_model, tmp_path_factory.mktemp("onnx") / "m.onnx", SIZE, SIZE))


def test_spatial_layers_found(spatial_model, spatial_design):
    both = spatial_model.cfg.block == "Both-Spatial-Spatial"
    body = [layer for layer in spatial_design.layers if layer.binary]
    assert len(body) == 2 and all(layer.spatial_map is not None and layer.requant.HAS_MAP for layer in body)
    assert all((layer.skip_map is not None) == both == bool(layer.requant.HAS_SKIP_MAP) for layer in body)
    assert spatial_design.layers[0].spatial_map is None and spatial_design.layers[-1].spatial_map is None


def test_spatial_integer_reference_equals_pytorch(spatial_model, spatial_design, set5_lr):
    for patch in corner_patches(set5_lr, SIZE):
        assert np.array_equal(spatial_design.execute(patch), golden(spatial_model, patch)[0])


def test_one_lsb_of_each_attention_bias_changes_the_output(spatial_design, set5_lr):
    patch = corner_patches(set5_lr, SIZE)[2]
    base = spatial_design.execute(patch)
    layer = spatial_design.layers[1]
    maps = [w for w in ("spatial_map", "skip_map") if getattr(layer, w) is not None]
    assert maps[0] == "spatial_map"
    for which in maps:  # Both-Spatial-Spatial: the skip map too
        sm = getattr(layer, which)
        setattr(layer, which, replace(sm, B=sm.B + (1 << max(sm.S, 0))))  # one logit LSB
        try:
            assert not np.array_equal(spatial_design.execute(patch), base), which
        finally:
            setattr(layer, which, sm)


def test_spatial_top_bit_exact_with_stalls(spatial_model, tmp_path):
    design = Design.from_qonnx(export_model(spatial_model, tmp_path / "m.onnx", 8, 8), max_width=16,
                               max_height=16)
    design.set_folding(8)
    write_rtl(design, tmp_path / "rtl")
    lr, where = set5_patches(per_image=2, size=6)
    assert any(w["touches_border"] for w in where)
    raw = simulate(tmp_path, lr, golden(spatial_model, lr), pauses=True, seed=5,
                   case="spatial_stalls_" + spatial_model.cfg.block)
    bad = [r for r in raw["patches"] if not r["bit_exact"]]
    assert not bad, bad[:2]
    assert len(raw["patches"]) == len(lr)
