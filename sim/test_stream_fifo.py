"""cocotb tests of hw/rtl/stream_fifo.v: data leaves unchanged and in order, capacity, throughput.

Environment: FIFO_CFG = JSON object with the build parameters ``WIDTH``, ``DEPTH``, ``ASYNC_READ`` and ``seed``.
ASYNC_READ = 1 has no output register: latency 1, capacity DEPTH (else 2 and DEPTH + 1).
"""
from __future__ import annotations

import json
import os
import random

import cocotb
from cocotb.triggers import with_timeout

from sim.tb import StreamTB

CFG = json.loads(os.environ.get("FIFO_CFG", "{}"))
WIDTH = int(CFG.get("WIDTH", 8))
DEPTH = int(CFG.get("DEPTH", 16))
ASYNC = int(CFG.get("ASYNC_READ", 0))
SEED = int(CFG.get("seed", 1))
LATENCY = 1 if ASYNC else 2
CAPACITY = DEPTH if ASYNC else DEPTH + 1
MASK = (1 << WIDTH) - 1


def words(rng: random.Random, n: int) -> list[int]:
    """Extremes (0, all ones, alternating bits, single bits) then random words."""
    ext = [0, MASK, 0x5555555555555555 & MASK, 0xAAAAAAAAAAAAAAAA & MASK, 1, 1 << (WIDTH - 1), MASK, 0]
    return (ext + [rng.getrandbits(WIDTH) for _ in range(n)])[:n]


@cocotb.test(timeout_time=1, timeout_unit="ms")
@cocotb.parametrize(idle=[False, True], backpressure=[False, True])
async def run_stream(dut, idle: bool, backpressure: bool):
    tb = StreamTB(dut)
    seed = SEED * 4 + 2 * idle + backpressure
    tb.set_pauses(idle, backpressure, seed=seed)
    await tb.reset()
    beats_in = tb.log_beats("s_axis")
    beats_out = tb.log_beats("m_axis")
    data = words(random.Random(seed), 3 * DEPTH + 20)
    send = cocotb.start_soon(tb.send_words("s_axis", data))
    got = await with_timeout(tb.recv_words("m_axis", len(data)), 100 * len(data) + 1000, "ns")
    await send
    assert got == data, "data changed or reordered"
    await tb.cycles(4)
    assert tb.snk["m_axis"].empty() and int(dut.m_axis_tvalid.value) == 0, "extra output beats"
    if not idle and not backpressure:
        n = len(data)
        assert beats_in[-1] - beats_in[0] == n - 1, "input not one word per cycle"
        assert beats_out[-1] - beats_out[0] == n - 1, "output not one word per cycle"
        assert beats_out[0] - beats_in[0] == LATENCY, \
            f"latency {beats_out[0] - beats_in[0]} cycles, expected {LATENCY}"


@cocotb.test(timeout_time=1, timeout_unit="ms")
async def capacity(dut):
    """With the output stalled the FIFO takes exactly CAPACITY words, then drains them in order."""
    tb = StreamTB(dut)
    tb.set_pauses(False, False)
    snk = tb.snk["m_axis"]
    snk.pause = True
    await tb.reset()
    beats_in = tb.log_beats("s_axis")
    data = words(random.Random(SEED + 99), DEPTH + 5)
    send = cocotb.start_soon(tb.send_words("s_axis", data))
    await tb.cycles(2 * DEPTH + 20)
    assert len(beats_in) == CAPACITY, f"accepted {len(beats_in)} words with the output stalled, expected {CAPACITY}"
    tb.set_pauses(False, True, seed=SEED + 5)
    got = await with_timeout(tb.recv_words("m_axis", len(data)), 100 * len(data) + 1000, "ns")
    await send
    assert got == data
