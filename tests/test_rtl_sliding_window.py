"""Verilator/cocotb regression of the sliding_window core (sim/test_sliding_window.py) and checks of
its numpy reference."""
from __future__ import annotations

import json

import numpy as np
import pytest

from hw.layers.sliding_window import (line_buffer_beats, line_buffer_bram36, pack_sign_windows, sign_windows,
                                      sliding_window_ref)
from hw.numerics import pack, verilog_hex
from sim.runner import rtl_sources, run_cocotb

CASES = {
    # build parameters, groups [H, W, frames back to back]; the cfg changes between groups without reset
    "c1_ew1_rep": (dict(C=1, EW=1, MAX_W=9, DIM_BITS=4, REPLICATE=1),
                   [[5, 7, 2], [9, 9, 1], [2, 2, 2], [3, 9, 1]]),        # W == MAX_W (not a power of 2)
    "c3_ew4_zero": (dict(C=3, EW=4, MAX_W=8, DIM_BITS=4, REPLICATE=0),
                    [[8, 6, 2], [2, 8, 1], [9, 3, 1], [2, 2, 1]]),       # W == MAX_W (power of 2)
    "c3_ew8_rep": (dict(C=3, EW=8, MAX_W=16, DIM_BITS=4, REPLICATE=1),
                   [[6, 5, 2], [2, 3, 1], [3, 15, 1], [4, 2, 1]]),       # W < MAX_W = 2**DIM_BITS
    # an XNOR layer's window: sign bits of every tap, the centre in full
    "c3_ew4_signs": (dict(C=3, EW=4, MAX_W=8, DIM_BITS=4, REPLICATE=0, SIGNS=1),
                     [[8, 6, 2], [2, 8, 1], [9, 3, 1], [2, 2, 1]]),
    "c2_ew8_signs": (dict(C=2, EW=8, MAX_W=16, DIM_BITS=4, REPLICATE=0, SIGNS=1),
                     [[6, 5, 2], [2, 3, 1], [3, 15, 1], [4, 2, 1]]),
    # line buffers in slices (LB_BEATS): an XNOR layer's window, a multi-bit (full) one, edge replicate
    "c4_ew4_signs_beats4": (dict(C=4, EW=4, MAX_W=9, DIM_BITS=4, REPLICATE=0, SIGNS=1, LB_BEATS=4),
                            [[5, 7, 2], [9, 9, 1], [2, 2, 2], [3, 9, 1]]),
    "c4_ew8_zero_beats2": (dict(C=4, EW=8, MAX_W=8, DIM_BITS=4, REPLICATE=0, LB_BEATS=2),
                           [[8, 6, 2], [2, 8, 1], [9, 3, 1], [2, 2, 1]]),
    "c2_ew8_rep_beats2": (dict(C=2, EW=8, MAX_W=16, DIM_BITS=4, REPLICATE=1, LB_BEATS=2),
                          [[6, 5, 2], [2, 3, 1], [3, 15, 1], [4, 2, 1]]),
    # the BBCU block's shift before Sign (signs formed as the pixel enters, kept beside it in line buffer 0):
    # shifts at both clip limits, 0, and values that split the frames' elements
    "c6_ew4_shift": (dict(C=6, EW=4, MAX_W=8, DIM_BITS=4, REPLICATE=0, SIGNS=1, SHIFT_EN=1),
                     [[8, 6, 2], [2, 8, 1], [9, 3, 1], [2, 2, 1]], [-8, 8, 0, 3, -5, 1]),
    "c8_ew8_shift_beats4": (dict(C=8, EW=8, MAX_W=9, DIM_BITS=4, REPLICATE=0, SIGNS=1, SHIFT_EN=1, LB_BEATS=4),
                            [[5, 7, 2], [9, 9, 1], [2, 2, 2], [3, 9, 1]], [-128, 128, 0, 77, -90, 1, -1, 40]),
    "c4_ew8_shift_beats2": (dict(C=4, EW=8, MAX_W=16, DIM_BITS=4, REPLICATE=0, SIGNS=1, SHIFT_EN=1, LB_BEATS=2),
                            [[6, 5, 2], [2, 3, 1], [3, 15, 1], [4, 2, 1]], [100, -3, -128, 5]),
}


def shift_literal(shift, ew: int) -> str:
    """sliding_window.v SHIFT: channel i's EW+1-bit two's-complement shift at [i*(EW+1) +: EW+1]."""
    return verilog_hex(pack(shift, ew + 1), len(shift) * (ew + 1))


@pytest.mark.parametrize("case", list(CASES))
def test_sliding_window(case):
    params, groups, *shift = CASES[case]
    cfg = {**params, "groups": groups, "seed": len(case)}
    if shift:
        params = {**params, "SHIFT": shift_literal(shift[0], params["EW"])}
        cfg["shift"] = shift[0]
    run_cocotb(
        "sliding_window",
        rtl_sources("sliding_window"),
        "sim.test_sliding_window",
        case,
        parameters=params,
        extra_env={"SW_CFG": json.dumps(cfg)},
    )


@pytest.mark.parametrize("replicate", [False, True])
def test_sliding_window_ref(replicate):
    img = np.arange(2 * 3 * 2).reshape(2, 3, 2)
    win = sliding_window_ref(img, replicate)
    assert win.shape == (2, 3, 9, 2)
    assert np.array_equal(win[:, :, 4], img)  # centre tap
    # pixel (0, 0): taps [ky][kx] at offsets -1..1
    exp = np.array([[img[max(y, 0), max(x, 0)] if replicate or (y >= 0 and x >= 0) else [0, 0]
                     for x in (-1, 0, 1)] for y in (-1, 0, 1)]).reshape(9, 2)
    assert np.array_equal(win[0, 0], exp)
    # pixel (1, 2) (bottom-right corner)
    exp = np.array([[img[min(y, 1), min(x, 2)] if replicate or (y <= 1 and x <= 2) else [0, 0]
                     for x in (1, 2, 3)] for y in (0, 1, 2)]).reshape(9, 2)
    assert np.array_equal(win[1, 2], exp)


def test_pack_sign_windows():
    """Signs of every tap (0 -> +1, msb set -> -1; padding 0 -> +1), the centre in full above them."""
    img = np.array([[[0, 200], [127, 128]]])  # 1 x 2 pixels, C = 2, EW = 8: 200 and 128 are negative
    words = pack_sign_windows(sliding_window_ref(img, False), 8)
    signs0 = 0b11_11_11_01_01_11_11_11_11  # taps t8..t0, tap t at bits 2t..2t+1; pixel signs 0b01
    assert words[0] == signs0 | ((0 | 200 << 8) << 18)
    signs1 = 0b11_11_11_11_01_01_11_11_11
    assert words[1] == signs1 | ((127 | 128 << 8) << 18)


def test_sign_windows_shift():
    """Shifted signs: x + shift >= 0 inside the frame, +1 for every padding tap whatever the shift."""
    img = np.array([[[-3, 5], [2, -1]]])  # 1 x 2 pixels, C = 2
    bits = sign_windows(img, np.array([3, -6]))
    # channel 0: -3+3 = 0 -> 1, 2+3 -> 1; channel 1: 5-6 -> 0, -1-6 -> 0
    assert bits[0, 0, 4].tolist() == [1, 0] and bits[0, 0, 5].tolist() == [1, 0]
    assert bits[0, 0, 3].tolist() == [1, 1]  # left of the frame: padding
    assert np.all(bits[0, :, :3] == 1) and np.all(bits[0, :, 6:] == 1)  # rows above and below
    assert np.array_equal(sign_windows(img), sign_windows(img, np.zeros(2, int)))
    assert sign_windows(img, np.array([2, -6]))[0, 0, 4].tolist() == [0, 0]  # one LSB less: -3+2 < 0


def test_line_buffer_beats():
    """The slices per pixel the compiler picks, and the block RAM they save.  The estimates are what Yosys
    (synth_xilinx, xc7) mapped for sliding_window alone at MAX_W = 128, C = 64, EW = 8: 8.5 -> 2.5 BRAM36
    for an XNOR layer's window (SIGNS), 15 -> 4 for the tail's full window."""
    assert line_buffer_bram36(64, 8, True, 128, 1) == 8.5 and line_buffer_bram36(64, 8, True, 128, 4) == 2.5
    assert line_buffer_bram36(64, 8, False, 128, 1) == 15 and line_buffer_bram36(64, 8, False, 128, 4) == 4
    assert line_buffer_beats(64, 8, True, 128, 96) == 4      # the default's body layers: fewest slices at 2.5
    assert line_buffer_beats(64, 8, False, 128, 96) == 4     # its tail
    assert line_buffer_beats(64, 8, True, 128, 9) == 2       # 4 slices (5 cycles a position) > half of 9
    assert line_buffer_beats(64, 8, True, 128, 5) == 1       # a fast layer keeps one pixel per word
    assert line_buffer_beats(3, 8, False, 128, 96) == 1      # the head: 3 channels, nothing to gain
    assert line_buffer_beats(64, 8, True, 64, 96) == 1       # 64 deep: LUT RAM, which slices would not save
