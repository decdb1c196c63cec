"""conv_layer RTL (window + mvu + requant, binary and multi-bit) against ConvLayer.execute."""
import zlib
from pathlib import Path

import numpy as np
import pytest

from hw.codegen import TEMPLATES, _param_list, fill
from hw.layers.conv_layer import ConvLayer
from hw.layers.requant import RequantParams
from hw.layers.spatial_map import SpatialMapParams, sigmoid_table
from hw.numerics import int_range
from sim.runner import REPO, rtl_sources, run_cocotb

MAX_W, DIM_BITS = 8, 5


def binary_layer(rng, c, spatial=False, both=False, shift=False):
    """A Base block: bipolar weights, random K/B/beta/zeta, residual; ranges chosen to hit saturation.
    ``spatial``: the Single-Spatial block (random 1x1 conv weights and bias, the sigmoid table); ``both``:
    Both-Spatial-Spatial (a second map, of the residual); ``shift``: the BBCU block's shift before Sign (random,
    some beyond the clip limits +-128, one 0)."""
    spatial = spatial or both
    rq = RequantParams.from_constants(
        PE=1, ACC_WIDTH=1, K=rng.integers(-300, 300, c), B=rng.integers(-2000, 2000, c), S1=4, T_WIDTH=10,
        BETA=rng.integers(-128, 128, c), BETA_FRAC=7, ZETA=rng.integers(-3000, 3000, c), S2=9 + 8 * spatial,
        Y_WIDTH=8, HAS_RESIDUAL=1, HAS_MAP=int(spatial), HAS_SKIP_MAP=int(both))
    sm = SpatialMapParams(C=c, EW=8, W=rng.integers(-8, 9, c), B=int(rng.integers(-500, 500)), S=6,
                          L_WIDTH=8, MAP_WIDTH=8, TABLE=sigmoid_table(4)) if spatial else None
    sm2 = SpatialMapParams(C=c, EW=8, W=rng.integers(-8, 9, c), B=int(rng.integers(-500, 500)), S=5,
                           L_WIDTH=8, MAP_WIDTH=8, TABLE=sigmoid_table(3)) if both else None
    sh = np.concatenate([[0, 200, -300], rng.integers(-100, 100, c - 3)]) if shift else None
    return ConvLayer("body_0", True, c, c, 8, True, 1, rng.integers(0, 2, (c, 9 * c)), rq, spatial_map=sm,
                     skip_map=sm2, sign_shift=sh)


def mac_layer(rng, c_in, c_out, w_bits=8, s1=9):
    """A head-like multi-bit conv: uint8 inputs, ``w_bits`` signed weights, bias, requant to int8."""
    rq = RequantParams.from_constants(PE=1, ACC_WIDTH=1, K=np.ones(c_out, int), B=rng.integers(-5000, 5000, c_out),
                                      S1=s1, T_WIDTH=8, S2=0, Y_WIDTH=8)
    lim = 1 << (w_bits - 1)
    return ConvLayer("head", False, c_in, c_out, 8, False, w_bits, rng.integers(-lim + 1, lim, (c_out, 9 * c_in)), rq)


def wrapper(tmp_path, layer: ConvLayer, params: dict[str, str]) -> Path:
    """A top holding conv_layer with ``params`` written into its instance, by the instance template the generated
    sr_top uses (hw/codegen.py): Verilator's -G takes one literal per parameter, so a value given as a
    concatenation (hw.numerics.verilog_hex, over 32,768 bits) goes this way."""
    instance = fill((TEMPLATES / "conv_layer_instance.v").read_text(), {
        "NAME": "u", "DESCRIPTION": "the layer under test", "PARAMS": _param_list(params),
        "OUT_BITS": layer.c_out * layer.out_width, "IN": "s_axis"})
    v = tmp_path / "conv_layer_wide.v"
    v.write_text(
        "module conv_layer_wide (\n"
        f"    input wire clk, input wire rst, input wire [{DIM_BITS - 1}:0] cfg_width, cfg_height,\n"
        f"    input wire [{layer.c_in * layer.in_width - 1}:0] s_axis_tdata, input wire s_axis_tvalid,\n"
        "    output wire s_axis_tready,\n"
        f"    output wire [{layer.c_out * layer.out_width - 1}:0] m_axis_tdata, output wire m_axis_tvalid,\n"
        "    input wire m_axis_tready);\n"
        f"{instance}"
        "assign m_axis_tdata = u_tdata;\nassign m_axis_tvalid = u_tvalid;\nassign u_tready = m_axis_tready;\n"
        "endmodule\n")
    return v


CASES = {
    "binary_c4_pe2_simd12": lambda rng: (binary_layer(rng, 4), 2, 12),
    "binary_c4_pe4_simd36": lambda rng: (binary_layer(rng, 4), 4, 36),
    "mac_3to4_pe2_simd9": lambda rng: (mac_layer(rng, 3, 4), 2, 9),
    "spatial_c4_pe2_simd12": lambda rng: (binary_layer(rng, 4, spatial=True), 2, 12),
    "spatial_c4_pe4_simd36": lambda rng: (binary_layer(rng, 4, spatial=True), 4, 36),
    # the board's folding (PE = 1, SIMD = 9C): requant has one lane and as many cycles per vector as the mvu
    "binary_c8_pe1_simd72": lambda rng: (binary_layer(rng, 8), 1, 72),
    "spatial_c8_pe1_simd72": lambda rng: (binary_layer(rng, 8, spatial=True), 1, 72),
    "both_c4_pe2_simd12": lambda rng: (binary_layer(rng, 4, both=True), 2, 12),
    "both_c8_pe1_simd72": lambda rng: (binary_layer(rng, 8, both=True), 1, 72),
    # mvu weights in block RAM (WEIGHT_MEM = 1: one more pipeline stage), still at full rate
    "spatial_c8_pe1_simd72_block": lambda rng: (binary_layer(rng, 8, spatial=True), 1, 72, "block"),
    "binary_c4_pe2_simd12_block": lambda rng: (binary_layer(rng, 4), 2, 12, "block"),
    "mac_3to4_pe2_simd9_block": lambda rng: (mac_layer(rng, 3, 4), 2, 9, "block"),
    # the C = 64 tail with 10-bit weights at the board's folding: 12 * 576 * 10 = 69,120 weight bits, more than
    # Verilator takes in one literal (65,536): WEIGHTS is a concatenation, given through a wrapper
    "tail_64to12_w10_block": lambda rng: (mac_layer(rng, 64, 12, w_bits=10, s1=14), 1, 72, "block"),
    # the window's line buffers in 4 slices per pixel (LB_BEATS, 5 cycles per position), still at full rate
    "spatial_c8_pe1_simd18_beats4": lambda rng: (binary_layer(rng, 8, spatial=True), 1, 18),
    # the window's slices and the map both in the mvu's 16 cycles, 1 to spare: 2 * (2 + 1) + (8 + 1) = 15
    "spatial_c8_pe2_simd18_beats2": lambda rng: (binary_layer(rng, 8, spatial=True), 2, 18),
    "mac_4to4_pe1_simd9_beats2": lambda rng: (mac_layer(rng, 4, 4), 1, 9),
    # the BBCU block: a shift before Sign (signs formed as the pixel enters the window), whole and in slices
    "bbcu_c8_pe1_simd72": lambda rng: (binary_layer(rng, 8, shift=True), 1, 72),
    "bbcu_c8_pe1_simd18_beats4": lambda rng: (binary_layer(rng, 8, shift=True), 1, 18),
}


@pytest.mark.parametrize("case", list(CASES))
def test_conv_layer(case, tmp_path):
    rng = np.random.default_rng(zlib.crc32(case.encode()))
    layer, *folding = CASES[case](rng)
    layer.set_folding(*folding)
    assert layer.weight_mem == case.endswith("_block")
    if "pe1_simd72" in case:
        assert layer.requant.PE == 1 and layer.cycles_per_pixel() == layer.c_out
    lo, hi = int_range(layer.in_width, layer.in_signed)
    frames = []
    for h, w in ((4, 5), (4, 5), (4, 5)):  # back to back; extremes in the second frame
        x = rng.integers(lo, hi + 1, (h, w, layer.c_in))
        frames.append(x)
    frames[1][0] = lo
    frames[1][-1] = hi
    x = np.stack(frames)
    y = np.stack([layer.execute(f) for f in frames])
    npz = tmp_path / "case.npz"
    np.savez(npz, x=x, y=y, ew=layer.in_width, ow=layer.out_width, osigned=layer.requant.Y_SIGNED,
             cycles=layer.cycles_per_pixel(), map_cycles=layer.map_cycles())
    params = {k: v for k, v in layer.verilog_params().items()}
    # frames this narrow never need slices (line_buffer_beats gives 1): the _beatsN cases force them
    layer.lb_beats = int(case.rsplit("_beats", 1)[1]) if "_beats" in case else 0
    beats = layer.line_buffer_beats(MAX_W)  # checks a forced count against the window's cycles
    params.update(MAX_W=str(MAX_W), DIM_BITS=str(DIM_BITS), LB_BEATS=str(beats))
    sources = rtl_sources("stream_fifo", "sliding_window", "mvu", "rhe_shift", "requant", "spatial_map", "conv_layer")
    concatenated = [k for k, v in params.items() if v.startswith("{")]
    assert bool(concatenated) == case.startswith("tail_64"), concatenated
    if concatenated:
        sources, top, params = [*sources, wrapper(tmp_path, layer, params)], "conv_layer_wide", {}
    else:
        top = "conv_layer"
    run_cocotb(top, sources, "sim.test_conv_layer", case, parameters=params,
               extra_env={"CONV_LAYER_CASE": str(npz), "PYTHONPATH": str(REPO)})
