"""cocotb tests of hw/rtl/sliding_window.v against hw.layers.sliding_window.sliding_window_ref.

Environment: SW_CFG = JSON object with the build parameters ``C``, ``EW``, ``MAX_W``, ``DIM_BITS``,
``REPLICATE``, ``SIGNS``, ``LB_BEATS``, ``SHIFT_EN`` with ``shift`` (the per-channel shifts as integers),
``groups``: a list of ``[H, W, n]`` (n frames of H rows x W columns sent back to back; the next group's cfg
is applied as soon as the last pixel of a group has been accepted, while its tail is still in flight, and its
first pixel follows right away), and ``seed``.
"""
from __future__ import annotations

import json
import os

import cocotb
import numpy as np
from cocotb.triggers import with_timeout

from hw.layers.sliding_window import pack_sign_windows, pack_windows, sign_windows, sliding_window_ref
from hw.numerics import pack
from sim.tb import StreamTB

CFG = json.loads(os.environ.get("SW_CFG", "{}"))
C = int(CFG.get("C", 1))
EW = int(CFG.get("EW", 8))
REPLICATE = bool(CFG.get("REPLICATE", 0))
SIGNS = bool(CFG.get("SIGNS", 0))
LB_BEATS = int(CFG.get("LB_BEATS", 1))
SHIFT = np.array(CFG["shift"], dtype=np.int64) if CFG.get("SHIFT_EN") else None
GROUPS = [tuple(int(v) for v in g) for g in CFG.get("groups", [[5, 7, 2]])]
SEED = int(CFG.get("seed", 1))
PMAX = (1 << EW) - 1


def make_frame(rng: np.random.Generator, h: int, w: int, kind: int) -> np.ndarray:
    """kind 0: random with some all-0 / all-max pixels; 1: only 0 / max elements; 2: uniform random."""
    if kind == 1:
        return rng.integers(0, 2, size=(h, w, C)) * PMAX
    img = rng.integers(0, PMAX + 1, size=(h, w, C))
    if kind == 0:
        sel = rng.random((h, w))
        img[sel < 0.15] = PMAX
        img[(sel >= 0.15) & (sel < 0.3)] = 0
    return img


def plan(rng: np.random.Generator):
    """[(h, w, [frames])] for every group."""
    out = []
    k = 0
    for h, w, n in GROUPS:
        frames = []
        for _ in range(n):
            frames.append(make_frame(rng, h, w, k % 3))
            k += 1
        out.append((h, w, frames))
    return out


async def send_groups(tb: StreamTB, groups) -> None:
    dut = tb.dut
    src = tb.src["s_axis"]
    for gi, (h, w, frames) in enumerate(groups):
        if gi:
            await src.wait()  # last pixel of the previous group accepted; its tail is still in flight
        dut.cfg_height.value = h
        dut.cfg_width.value = w
        words = [pack(f[y, x], EW) for f in frames for y in range(h) for x in range(w)]
        await tb.send_words("s_axis", words)
    await src.wait()


def signed(f: np.ndarray) -> np.ndarray:
    """The frame's elements as EW-bit two's-complement numbers (an XNOR layer's input)."""
    return np.where(f >= 1 << (EW - 1), f - (1 << EW), f)


def expected_words(groups) -> list[int]:
    out = []
    for h, w, frames in groups:
        for f in frames:
            win = sliding_window_ref(f, REPLICATE)
            if not SIGNS:
                out += pack_windows(win, EW)
            else:
                out += pack_sign_windows(win, EW, sign_windows(signed(f), SHIFT))
    return out


def check(got: list[int], groups) -> None:
    exp = expected_words(groups)
    assert len(got) == len(exp)
    i = 0
    for gi, (h, w, frames) in enumerate(groups):
        for fi, f in enumerate(frames):
            for y in range(h):
                for x in range(w):
                    if got[i] != exp[i] and SIGNS:
                        raise AssertionError(f"group {gi} ({h}x{w}) frame {fi} pixel ({y},{x}): got {got[i]:#x}, "
                                             f"expected {exp[i]:#x} (signs, then the centre above bit {9 * C})")
                    if got[i] != exp[i]:
                        win = sliding_window_ref(f, REPLICATE)[y, x]
                        taps = [(got[i] >> (t * C * EW)) & ((1 << (C * EW)) - 1) for t in range(9)]
                        raise AssertionError(
                            f"group {gi} ({h}x{w}) frame {fi} pixel ({y},{x}): got taps {taps}, "
                            f"expected {[pack(win[t], EW) for t in range(9)]}")
                    i += 1


@cocotb.test(timeout_time=5, timeout_unit="ms")
@cocotb.parametrize(idle=[False, True], backpressure=[False, True])
async def run_frames(dut, idle: bool, backpressure: bool):
    tb = StreamTB(dut)
    seed = SEED * 4 + 2 * idle + backpressure
    tb.set_pauses(idle, backpressure, seed=seed)
    groups = plan(np.random.default_rng(seed))
    h0, w0, _ = groups[0]
    dut.cfg_height.value = h0
    dut.cfg_width.value = w0
    await tb.reset()
    beats_in = tb.log_beats("s_axis")
    beats_out = tb.log_beats("m_axis")

    n_out = sum(h * w * len(frames) for h, w, frames in groups)
    send = cocotb.start_soon(send_groups(tb, groups))
    got = await with_timeout(tb.recv_words("m_axis", n_out), 100 * n_out + 2000, "ns")
    await send
    check(got, groups)

    await tb.cycles(8)
    assert tb.snk["m_axis"].empty(), "extra output beats"
    assert int(dut.m_axis_tvalid.value) == 0, "output still valid after the last frame"
    assert len(beats_in) == n_out

    h, w, frames = groups[0]
    n = len(frames)
    # cycles per virtual-raster position: 1, or LB_BEATS + 1 with the line buffers in slices
    pos = 1 if LB_BEATS == 1 else LB_BEATS + 1
    per_frame = (h + 1) * (w + 1) * pos
    if not idle and not backpressure:
        # continuous input, ready output: one position every `pos` cycles, frames back to back
        if n > 1:
            assert beats_in[h * w] - beats_in[0] == per_frame, \
                f"frame period {beats_in[h * w] - beats_in[0]} cycles, expected {per_frame}"
        span = beats_out[n * h * w - 1] - beats_out[0]
        assert span == n * per_frame - (w + 3) * pos, f"{n} frames {h}x{w}: output span {span} cycles"
    dut._log.info("C=%d EW=%d REPLICATE=%d idle=%s bp=%s: %d windows ok, first group %d cycles from first "
                  "to last window", C, EW, REPLICATE, idle, backpressure, n_out,
                  beats_out[n * h * w - 1] - beats_out[0] + 1)


@cocotb.test(timeout_time=2, timeout_unit="ms")
async def reset_mid_frame(dut):
    """A reset in the middle of a frame (output stalled) restarts cleanly at the next frame."""
    tb = StreamTB(dut)
    tb.set_pauses(True, True, seed=SEED + 7)
    h, w, _ = GROUPS[-1]
    dut.cfg_height.value = h
    dut.cfg_width.value = w
    await tb.reset()
    rng = np.random.default_rng(SEED + 7)
    junk = make_frame(rng, h, w, 2)
    await tb.send_words("s_axis", [pack(junk[y, x], EW) for y in range(h) for x in range(w)][: w + 3])
    await tb.src["s_axis"].wait()
    tb.snk["m_axis"].clear_pause_generator()
    tb.snk["m_axis"].pause = True  # output stalled when the reset comes
    await tb.cycles(5)
    await tb.reset()
    tb.snk["m_axis"].clear()
    tb.set_pauses(False, True, seed=SEED + 8)
    frame = make_frame(rng, h, w, 0)
    groups = [(h, w, [frame])]
    send = cocotb.start_soon(send_groups(tb, groups))
    got = await with_timeout(tb.recv_words("m_axis", h * w), 100 * h * w + 2000, "ns")
    await send
    check(got, groups)
