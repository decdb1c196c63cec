"""cocotb tests of hw/rtl/bilinear_upsample.v against hw.layers.bilinear_upsample.bilinear_upsample_ref.

Windows are built from whole frames (edge-replicate 3x3 neighbourhoods, as sliding_window REPLICATE=1
delivers them) and the outputs compared exactly with the reference computed from the frames.
Parameters come from the environment: BU_C (channels), BU_EW (element width), BU_SEED.
"""
from __future__ import annotations

import os

import cocotb
import numpy as np
from cocotb.triggers import with_timeout

from hw.layers.bilinear_upsample import bilinear_upsample_ref
from hw.numerics import pack, unpack
from sim.tb import StreamTB

C = int(os.environ.get("BU_C", "3"))
EW = int(os.environ.get("BU_EW", "8"))
SEED = int(os.environ.get("BU_SEED", "1"))
OW = EW + 4
MAXV = (1 << EW) - 1


def _windows_local(img: np.ndarray) -> np.ndarray:
    """img[H,W,C] -> win[H,W,9,C], tap 3*ky+kx = img[clamp(i+ky-1), clamp(j+kx-1)]."""
    h, w, _ = img.shape
    win = np.empty((h, w, 9) + img.shape[2:], dtype=np.int64)
    rows, cols = np.arange(h), np.arange(w)
    for ky in range(3):
        r = np.clip(rows + ky - 1, 0, h - 1)
        for kx in range(3):
            c = np.clip(cols + kx - 1, 0, w - 1)
            win[:, :, 3 * ky + kx] = img[r][:, c]
    return win


def windows(img: np.ndarray) -> np.ndarray:
    """Edge-replicate windows; the project's sliding_window_ref when it exists (checked against ours)."""
    ours = _windows_local(img)
    try:
        from hw.layers.sliding_window import sliding_window_ref
    except ImportError:
        return ours
    theirs = np.asarray(sliding_window_ref(img, True), dtype=np.int64)
    assert np.array_equal(theirs, ours), "sliding_window_ref(replicate=True) disagrees with edge clamping"
    return theirs


def frames(rng: np.random.Generator) -> list[np.ndarray]:
    """Random frames of a few sizes plus the extremes (all 0, all max, 0/max checkerboard)."""
    out = [rng.integers(0, MAXV + 1, size=(h, w, C)) for h, w in ((5, 7), (2, 2), (3, 9))]
    out.append(np.zeros((3, 4, C), dtype=np.int64))
    out.append(np.full((3, 4, C), MAXV, dtype=np.int64))
    yy, xx = np.mgrid[0:4, 0:5]
    out.append(np.repeat((((yy + xx) & 1) * MAXV)[:, :, None], C, axis=2))
    # values only at the extremes, random
    out.append(rng.integers(0, 2, size=(4, 6, C)) * MAXV)
    return out


@cocotb.test()
@cocotb.parametrize(idle=[False, True], backpressure=[False, True])
async def run_stream(dut, idle: bool, backpressure: bool):
    tb = StreamTB(dut)
    seed = SEED * 4 + 2 * idle + backpressure
    tb.set_pauses(idle, backpressure, seed=seed)
    await tb.reset()
    beats = tb.log_beats("m_axis")
    rng = np.random.default_rng(seed)

    words, expect = [], []
    for img in frames(rng):
        win = windows(img)
        ref = bilinear_upsample_ref(img)
        h, w = img.shape[:2]
        for i in range(h):
            for j in range(w):
                words.append(pack(win[i, j].reshape(-1), EW))  # tap-major, channel-minor
                expect.append(ref[i, j])
    n = len(words)
    send = cocotb.start_soon(tb.send_words("s_axis", words))
    got = await with_timeout(tb.recv_words("m_axis", n), 40 * n + 1000, "ns")
    await send
    for b, (word, exp) in enumerate(zip(got, expect)):
        val = unpack(word, 4 * C, OW, False)
        assert np.array_equal(val, exp), f"beat {b}: got {val.tolist()} expected {exp.tolist()}"
    await tb.cycles(5)
    assert not tb.snk["m_axis"].queue.qsize(), "extra output beats"
    assert len(beats) == n
    if not idle and not backpressure:
        assert beats[-1] - beats[0] == n - 1, f"{n} beats took {beats[-1] - beats[0] + 1} cycles (expected 1/cycle)"
    dut._log.info("C=%d EW=%d idle=%s bp=%s: %d beats ok", C, EW, idle, backpressure, n)
