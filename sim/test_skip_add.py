"""cocotb tests of hw/rtl/skip_add.v against hw.layers.skip_add.skip_add_ref.

Configuration: env SKIP_ADD_CFG = JSON of SkipAddParams fields plus "seed", "n_random" and "cover"
(coverage classes that must be hit).  Stimulus: operand extremes (all combinations of min/max/0 of a
and b), vectors picked from a large random pool so that rounding ties of the final shift and
saturation on both sides are hit, then random vectors.  The two inputs get independent idle patterns.
With neither idle nor back-pressure the test also checks one vector per cycle and LATENCY = 1.
"""
from __future__ import annotations

import json
import os

import cocotb
import numpy as np
from cocotb.triggers import with_timeout

from hw.layers.skip_add import SkipAddParams, skip_add_ref, skip_add_sum
from hw.numerics import pack, rhe_shift, unpack
from sim.tb import HandshakeMonitor, StreamTB

CFG = json.loads(os.environ.get("SKIP_ADD_CFG", "{}"))
SEED = int(CFG.pop("seed", 1))
N_RANDOM = int(CFG.pop("n_random", 200))
REQUIRED = list(CFG.pop("cover", []))
P = SkipAddParams(**CFG) if CFG else None
PER_CLASS = 24  # picked elements per coverage class


def cover_classes(p: SkipAddParams, a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    s = skip_add_sum(a, b, p)
    r = rhe_shift(s, p.S)
    lo, hi = p.y_range
    cls = {"sat_hi": r > hi, "sat_lo": r < lo, "in_range": (r >= lo) & (r <= hi)}
    if p.S > 0:
        cls["tie"] = (s & ((1 << p.S) - 1)) == (1 << (p.S - 1))
        cls["tie_odd"] = cls["tie"] & (((s >> p.S) & 1) == 1)
    return cls


def stimulus(p: SkipAddParams, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    (alo, ahi), (blo, bhi) = p.a_range, p.b_range
    # every pairing of the operand extremes
    ea = np.array(sorted({alo, ahi, 0, min(ahi, 1), max(alo, -1)}))
    eb = np.array(sorted({blo, bhi, 0, min(bhi, 1), max(blo, -1)}))
    xa, xb = np.meshgrid(ea, eb)
    a_parts, b_parts = [xa.reshape(-1)], [xb.reshape(-1)]
    # pool picks for ties and saturation
    pool_a = rng.integers(alo, ahi + 1, size=1 << 17)
    pool_b = rng.integers(blo, bhi + 1, size=1 << 17)
    for mask in cover_classes(p, pool_a, pool_b).values():
        idx = rng.permutation(np.flatnonzero(mask))[:PER_CLASS]
        a_parts.append(pool_a[idx])
        b_parts.append(pool_b[idx])
    a, b = np.concatenate(a_parts), np.concatenate(b_parts)
    perm = rng.permutation(len(a))
    a, b = a[perm], b[perm]
    n = -(-len(a) // p.N)
    pad = n * p.N - len(a)
    a = np.concatenate([a, rng.integers(alo, ahi + 1, size=pad)]).reshape(n, p.N)
    b = np.concatenate([b, rng.integers(blo, bhi + 1, size=pad)]).reshape(n, p.N)
    a = np.concatenate([a, rng.integers(alo, ahi + 1, size=(N_RANDOM, p.N))])
    b = np.concatenate([b, rng.integers(blo, bhi + 1, size=(N_RANDOM, p.N))])
    return a, b


@cocotb.test()
@cocotb.parametrize(idle=[False, True], backpressure=[False, True])
async def run_stream(dut, idle: bool, backpressure: bool):
    p = P
    assert p is not None, "SKIP_ADD_CFG not set"
    tb = StreamTB(dut, sources=("s_axis_a", "s_axis_b"))
    seed = SEED * 4 + 2 * idle + backpressure
    tb.set_pauses(idle, backpressure, seed=seed)
    mon = HandshakeMonitor(dut, sources=("s_axis_a", "s_axis_b"))
    await tb.reset()
    rng = np.random.default_rng(seed)

    a, b = stimulus(p, rng)
    hits = {k: int(v.sum()) for k, v in cover_classes(p, a, b).items()}
    dut._log.info("coverage hits: %s", hits)
    missing = [k for k in REQUIRED if hits.get(k, 0) == 0]
    assert not missing, f"coverage classes not hit: {missing}"

    expect = skip_add_ref(a, b, p)
    n = len(a)
    send_a = cocotb.start_soon(tb.send_words("s_axis_a", [pack(v, p.A_WIDTH) for v in a]))
    send_b = cocotb.start_soon(tb.send_words("s_axis_b", [pack(v, p.B_WIDTH) for v in b]))
    got = await with_timeout(tb.recv_words("m_axis", n), 10 * 8 * n + 2000, "ns")
    await send_a
    await send_b
    for i, word in enumerate(got):
        y = unpack(word, p.N, p.Y_WIDTH, bool(p.Y_SIGNED))
        assert np.array_equal(y, expect[i]), (
            f"vector {i}: got {y.tolist()} expected {expect[i].tolist()}; a={a[i].tolist()} b={b[i].tolist()}")
    await tb.cycles(5)
    assert not tb.snk["m_axis"].queue.qsize(), "extra output beats"
    assert len(mon.ins) == n and len(mon.outs) == n, (len(mon.ins), len(mon.outs), n)

    if not idle and not backpressure:
        lat = mon.first_out_valid - mon.ins[0]
        assert lat == p.latency, f"latency {lat}, expected {p.latency}"
        assert np.all(np.diff(mon.outs) == 1), "not one vector per cycle"
        dut._log.info("latency %d cycle(s), one vector per cycle", lat)
    dut._log.info("N=%d idle=%s bp=%s: %d vectors ok", p.N, idle, backpressure, n)
