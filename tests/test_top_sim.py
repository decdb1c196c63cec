"""Whole-design simulation: the generated sr_top for a small model on Set5 patches, bit-exact, with
random input idles and output backpressure; and the check that a wrong golden is caught."""
import numpy as np
import pytest

from hw.codegen import write_rtl
from hw.design import Design
from model.export import export_model, golden
from sim.top import set5_patches, simulate


@pytest.fixture(scope="module")
def small_build(small_model, tmp_path_factory):
    build = tmp_path_factory.mktemp("small_build")
    design = Design.from_qonnx(export_model(small_model, build / "m.onnx", 8, 8), max_width=16, max_height=16)
    design.set_folding(8)
    # every other layer keeps its weights in block RAM (mvu WEIGHT_MEM = 1): both stores run in one chain
    for layer in design.layers[::2]:
        layer.set_folding(layer.pe, layer.simd, "block")
    assert {layer.weight_mem for layer in design.layers} == {0, 1}
    # and every third layer's window from body_0 on keeps its line buffers in 2 slices per pixel (LB_BEATS,
    # 3 cycles a position), which frames this narrow would not get by themselves
    for layer in design.layers[1::3]:
        layer.lb_beats = 2
    assert {layer.line_buffer_beats(design.max_width) for layer in design.layers} == {1, 2}
    write_rtl(design, build / "rtl")
    assert (build / "rtl" / "sr_top.v").read_text().count(".LB_BEATS(2)") == len(design.layers[1::3])
    return build, design


def test_top_bit_exact_with_stalls(small_model, small_build):
    build, design = small_build
    lr, where = set5_patches(per_image=2, size=6)
    assert len(lr) >= 8 and any(w["touches_border"] for w in where)
    hr = golden(small_model, lr)
    raw = simulate(build, lr, hr, pauses=True, seed=3, case="stalls")
    bad = [r for r in raw["patches"] if not r["bit_exact"]]
    assert not bad, bad[:2]


def test_top_reports_first_mismatch(small_model, small_build):
    build, _ = small_build
    lr, _ = set5_patches(per_image=1, size=6)
    lr = lr[:2]
    hr = golden(small_model, lr)
    hr[1, 3, 5, 1] ^= 1  # one LSB of one colour of one pixel
    raw = simulate(build, lr, hr, case="mismatch")
    assert raw["patches"][0]["bit_exact"]
    p = raw["patches"][1]
    assert not p["bit_exact"] and p["mismatching_pixels"] == 1
    assert p["first_mismatch"]["hr_row"] == 3 and p["first_mismatch"]["hr_col"] == 5


def test_top_throughput_matches_folding(small_model, small_build):
    build, design = small_build
    lr, _ = set5_patches(per_image=1, size=12)
    raw = simulate(build, lr, golden(small_model, lr), case="rate")
    starts = raw["frame_output_starts"]
    steady = (starts[-1] - starts[0]) / ((len(starts) - 1) * 12 * 12)
    assert all(r["bit_exact"] for r in raw["patches"])
    ii = design.cycles_per_lr_pixel()
    # window padding overhead (H+1)(W+1)/(HW) bounds the slack of the slowest stage
    assert ii <= steady <= ii * (13 * 13) / (12 * 12) + 0.5
