"""cocotb tests of hw/rtl/pixel_shuffle.v against hw.layers.pixel_shuffle.pixel_shuffle_ref.

Environment: PS_FRAMES = comma-separated LR frame sizes "WxH" (each run as three frames back to back,
without reset, cfg changed only while the core is idle), PS_SEED.
"""
from __future__ import annotations

import os

import cocotb
import numpy as np
from cocotb.triggers import with_timeout

from hw.layers.pixel_shuffle import pixel_shuffle_ref
from hw.numerics import pack, unpack
from sim.tb import StreamTB

SIZES = [tuple(int(v) for v in s.split("x")) for s in os.environ.get("PS_FRAMES", "3x2,5x4").split(",")]
SEED = int(os.environ.get("PS_SEED", "1"))
FRAMES_PER_SIZE = 3


def lr_frames(rng: np.random.Generator, w: int, h: int) -> list[np.ndarray]:
    """Random uint8 frame, a frame of only 0/255 values, another random frame."""
    return [
        rng.integers(0, 256, size=(h, w, 12)),
        rng.integers(0, 2, size=(h, w, 12)) * 255,
        rng.integers(0, 256, size=(h, w, 12)),
    ]


@cocotb.test()
@cocotb.parametrize(idle=[False, True], backpressure=[False, True])
async def run_stream(dut, idle: bool, backpressure: bool):
    tb = StreamTB(dut)
    seed = SEED * 4 + 2 * idle + backpressure
    tb.set_pauses(idle, backpressure, seed=seed)
    rng = np.random.default_rng(seed)
    w0, h0 = SIZES[0]
    dut.cfg_width.value = w0
    dut.cfg_height.value = h0
    await tb.reset()
    beats = tb.log_beats("m_axis")

    for w, h in SIZES:
        dut.cfg_width.value = w  # the core is idle here: all previous output has been received
        dut.cfg_height.value = h
        await tb.cycles(1)
        frames = lr_frames(rng, w, h)
        words = [pack(f[i, j], 8) for f in frames for i in range(h) for j in range(w)]
        n_out = FRAMES_PER_SIZE * 4 * w * h
        first = len(beats)
        send = cocotb.start_soon(tb.send_words("s_axis", words))
        got = await with_timeout(tb.recv_beats("m_axis", n_out), 60 * n_out + 1000, "ns")
        await send

        b = 0
        for f_idx, f in enumerate(frames):
            hr = pixel_shuffle_ref(f)
            for y in range(2 * h):
                for x in range(2 * w):
                    word, last, user = got[b]
                    where = f"{w}x{h} frame {f_idx} HR ({y},{x})"
                    rgb = unpack(word, 3, 8, False)
                    assert np.array_equal(rgb, hr[y, x]), f"{where}: got {rgb.tolist()} expected {hr[y, x].tolist()}"
                    assert last == int(x == 2 * w - 1), f"{where}: tlast={last}"
                    assert user == int(y == 0 and x == 0), f"{where}: tuser={user}"
                    b += 1
        await tb.cycles(8)
        assert not tb.snk["m_axis"].queue.qsize(), f"{w}x{h}: extra output beats"
        assert int(dut.m_axis_tvalid.value) == 0, f"{w}x{h}: output still valid after the frames"
        span = beats[first:]
        assert len(span) == n_out
        if not idle and not backpressure:
            # one HR pixel per cycle: 4 cycles per LR pixel, no bubble between rows or frames
            assert span[-1] - span[0] == n_out - 1, f"{w}x{h}: {n_out} beats took {span[-1] - span[0] + 1} cycles"
        dut._log.info("%dx%d idle=%s bp=%s: %d HR pixels ok (%d cycles)", w, h, idle, backpressure, n_out,
                      span[-1] - span[0] + 1)
