"""The BBCU block in hardware: its shift before Sign becomes a per-channel sign threshold of the window
(hw/rtl/sliding_window.v SHIFT_EN), and the compiler's integer layers compute exactly what PyTorch computes; the
same for Single-Spatial+Shift (the shift beside a Spatial map)."""
import numpy as np
import pytest
import torch

from hw.design import Design
from hw.frontend import shift_to_grid
from model.export import export_model, golden
from tests.conftest import corner_patches, sim_top_with_stalls, trained_small

SIZE = 12


@pytest.fixture(scope="module", params=["BBCU", "Single-Spatial+Shift"])
def bbcu_model(request, set5_lr):
    """The small BBCU model with each shift set to minus a value its block's input takes on a Set5 patch (so some
    inputs sit exactly on the threshold, where >= and > part), except three channels: 0, and far beyond the
    residual stream's range both ways (past the hardware's clip limits).  A few training steps leave them near 0."""
    m = trained_small(request.param)
    inputs = []
    hooks = [blk.register_forward_pre_hook(lambda mod, args: inputs.append(args[0].value.detach()))
             for blk in m.body]
    golden(m, corner_patches(set5_lr, SIZE)[0])
    for h in hooks:
        h.remove()
    rng = np.random.default_rng(1)
    with torch.no_grad():
        for blk, x in zip(m.body, inputs[-len(m.body):]):
            for c in range(blk.shift.numel()):
                vals = x[0, c].flatten()
                blk.shift[c] = -vals[rng.integers(vals.numel())]
            blk.shift[0], blk.shift[1], blk.shift[2] = 0.0, 40.0, -40.0
    return m.eval()


@pytest.fixture(scope="module")
def bbcu_design(bbcu_model, tmp_path_factory):
    return Design.from_qonnx(export_model(bbcu_model, tmp_path_factory.mktemp("onnx") / "m.onnx", SIZE, SIZE))


def test_bbcu_layers_carry_their_shifts(bbcu_model, bbcu_design):
    body = [layer for layer in bbcu_design.layers if layer.binary]
    assert len(body) == 2
    for layer in body:
        lim = 1 << (layer.in_width - 1)
        assert layer.sign_shift is not None
        assert (layer.spatial_map is not None) == bbcu_model.cfg.block.startswith("Single-Spatial")
        assert layer.sign_shift[0] == 0 and layer.sign_shift[1] == lim and layer.sign_shift[2] == -lim
        assert np.count_nonzero(np.abs(layer.sign_shift) < lim) > 2
        assert layer.verilog_params()["SHIFT_EN"] == "1"
    assert all(layer.sign_shift is None for layer in bbcu_design.layers if not layer.binary)


def test_bbcu_integer_reference_equals_pytorch(bbcu_model, bbcu_design, set5_lr):
    for patch in corner_patches(set5_lr, SIZE):
        assert np.array_equal(bbcu_design.execute(patch), golden(bbcu_model, patch)[0])


def test_one_lsb_of_a_shift_changes_the_output(bbcu_design, set5_lr):
    """Moving one channel's shift by one LSB of the residual grid moves the layer's output: the bit-exact test
    above would see a threshold off by one."""
    patch = corner_patches(set5_lr, SIZE)[0]
    _, base = bbcu_design.execute(patch, return_features=True)
    layer = bbcu_design.layers[1]
    shift = layer.sign_shift.copy()
    changed = 0
    for c in range(3, len(shift)):
        for d in (-1, 1):
            layer.sign_shift = shift + d * (np.arange(len(shift)) == c)
            changed += not np.array_equal(bbcu_design.execute(patch, return_features=True)[1][layer.name],
                                          base[layer.name])
    layer.sign_shift = shift
    assert changed >= len(shift) - 3, changed


def test_bbcu_top_bit_exact_with_stalls(bbcu_model, tmp_path):
    """The generated sr_top of the BBCU model, one body layer's window in 2 slices per pixel (the signs kept
    beside each slice), on Set5 patches with random input idles and output backpressure."""
    top = sim_top_with_stalls(bbcu_model, tmp_path, seed=7, case="shift_stalls_" + bbcu_model.cfg.block)
    assert top.count(".SHIFT_EN(1)") == 2


@pytest.mark.parametrize("f_d", [3, 5, 6, 8])
def test_shift_to_grid_matches_the_float_comparison(f_d):
    """x + delta >= 0 for every 8-bit X on the grid 2^-5, with delta on a coarser, equal or finer grid."""
    f_r = 5
    d = np.random.default_rng(f_d).integers(-400, 400, 64)
    s = shift_to_grid(d, f_d, f_r)
    x = np.arange(-128, 128)[:, None]
    assert np.array_equal(x * 2.0 ** -f_r + d * 2.0 ** -f_d >= 0, x + s >= 0)
