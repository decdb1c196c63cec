"""cocotb tests of hw/rtl/stream_broadcast.v: both outputs receive every word unchanged and in order,
each with its own handshake.

Environment: BC_CFG = JSON object with the build parameter ``WIDTH`` and ``seed``.
"""
from __future__ import annotations

import json
import os
import random

import cocotb
from cocotb.triggers import with_timeout

from sim.tb import StreamTB

CFG = json.loads(os.environ.get("BC_CFG", "{}"))
WIDTH = int(CFG.get("WIDTH", 8))
SEED = int(CFG.get("seed", 1))
MASK = (1 << WIDTH) - 1
SINKS = ("m_axis_a", "m_axis_b")


def words(rng: random.Random, n: int) -> list[int]:
    """Extremes (0, all ones, alternating bits, single bits) then random words."""
    ext = [0, MASK, 0x5555555555555555 & MASK, 0xAAAAAAAAAAAAAAAA & MASK, 1, 1 << (WIDTH - 1), MASK, 0]
    return (ext + [rng.getrandbits(WIDTH) for _ in range(n)])[:n]


@cocotb.test(timeout_time=1, timeout_unit="ms")
@cocotb.parametrize(idle=[False, True], backpressure=[False, True])
async def run_stream(dut, idle: bool, backpressure: bool):
    tb = StreamTB(dut, sinks=SINKS)
    seed = SEED * 4 + 2 * idle + backpressure
    tb.set_pauses(idle, backpressure, seed=seed)  # the two sinks get different pause patterns
    await tb.reset()
    beats_in = tb.log_beats("s_axis")
    beats_out = {p: tb.log_beats(p) for p in SINKS}
    data = words(random.Random(seed), 200)
    send = cocotb.start_soon(tb.send_words("s_axis", data))
    recv = {p: cocotb.start_soon(tb.recv_words(p, len(data))) for p in SINKS}
    for p in SINKS:
        got = await with_timeout(recv[p], 100 * len(data) + 1000, "ns")
        assert got == data, f"{p}: data changed or reordered"
    await send
    await tb.cycles(4)
    for p in SINKS:
        assert tb.snk[p].empty() and int(getattr(dut, f"{p}_tvalid").value) == 0, f"{p}: extra output beats"
    if not idle and not backpressure:
        n = len(data)
        assert beats_in[-1] - beats_in[0] == n - 1, "input not one word per cycle"
        for p in SINKS:
            assert beats_out[p][-1] - beats_out[p][0] == n - 1, f"{p}: not one word per cycle"
            assert beats_out[p][0] - beats_in[0] == 1, f"{p}: latency {beats_out[p][0] - beats_in[0]}, expected 1"


@cocotb.test(timeout_time=1, timeout_unit="ms")
async def one_output_stalled(dut):
    """With output b stalled the input stops after one word and output a gets that word only once."""
    tb = StreamTB(dut, sinks=SINKS)
    tb.set_pauses(False, False)
    tb.snk["m_axis_b"].pause = True
    await tb.reset()
    beats_in = tb.log_beats("s_axis")
    beats_a = tb.log_beats("m_axis_a")
    data = words(random.Random(SEED + 3), 12)
    send = cocotb.start_soon(tb.send_words("s_axis", data))
    await tb.cycles(20)
    assert len(beats_in) == 1 and len(beats_a) == 1, f"in {len(beats_in)} a {len(beats_a)} beats with b stalled"
    tb.snk["m_axis_b"].pause = False
    tb.snk["m_axis_a"].pause = True
    await tb.cycles(20)
    assert len(beats_in) == 2 and len(beats_a) == 1, f"in {len(beats_in)} a {len(beats_a)} beats with a stalled"
    tb.set_pauses(False, True, seed=SEED + 4)
    recv = {p: cocotb.start_soon(tb.recv_words(p, len(data))) for p in SINKS}
    for p in SINKS:
        assert await with_timeout(recv[p], 100 * len(data) + 1000, "ns") == data, p
    await send
