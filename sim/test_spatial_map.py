"""cocotb tests of hw/rtl/spatial_map.v against hw.layers.spatial_map.spatial_map_ref.

Configuration: env SPATIAL_MAP_CFG = JSON of SpatialMapParams.to_json() plus "pass_width", "seed",
"n_random" and "cover" (coverage classes that must be hit).  Stimulus: the element extremes (all min, all
max, zero), vectors picked from a random pool so that logit saturation on both sides, rounding ties of the
shift and every region of the table are hit, then random vectors; the pass-through bits are random.  With
neither idle nor back-pressure the test also checks the rate: exactly C/PE + 1 cycles per beat.  Always: the
core holds no copy of the beat, so every input handshake is an output handshake in the same cycle.
"""
from __future__ import annotations

import json
import os

import cocotb
import numpy as np
from cocotb.triggers import with_timeout

from hw.layers.spatial_map import SpatialMapParams, spatial_map_ref, spatial_map_stages
from hw.numerics import int_range, pack, rhe_shift
from sim.tb import HandshakeMonitor, StreamTB

CFG = json.loads(os.environ.get("SPATIAL_MAP_CFG", "{}"))
SEED = int(CFG.pop("seed", 1))
N_RANDOM = int(CFG.pop("n_random", 100))
REQUIRED = list(CFG.pop("cover", []))
PASS_WIDTH = int(CFG.pop("pass_width", 1))
TOP_WIDTH = int(CFG.pop("top_width", 0))
P = SpatialMapParams.from_json(CFG) if CFG else None
PER_CLASS = 16


def cover_classes(p: SpatialMapParams, x: np.ndarray) -> dict[str, np.ndarray]:
    st = spatial_map_stages(x, p)
    r = rhe_shift(st["acc"], p.S)
    lo, hi = int_range(p.L_WIDTH, True)
    cls = {"sat_hi": r > hi, "sat_lo": r < lo, "logit_neg": (r < 0) & (r >= lo), "logit_pos": (r >= 0) & (r <= hi)}
    if p.S > 0:
        cls["tie"] = (st["acc"] & ((1 << p.S) - 1)) == (1 << (p.S - 1))
    return cls


def stimulus(p: SpatialMapParams, rng: np.random.Generator) -> np.ndarray:
    lo, hi = int_range(p.EW, True)
    parts = [np.full((1, p.C), lo), np.full((1, p.C), hi), np.zeros((1, p.C), dtype=np.int64)]
    # pools at several spreads, so that small and large logits both occur
    pool = np.concatenate([np.clip(np.round(rng.normal(0, s, size=(1 << 13, p.C))), lo, hi).astype(np.int64)
                           for s in (1, 4, 16, 64, hi)])
    for mask in cover_classes(p, pool).values():
        parts.append(pool[rng.permutation(np.flatnonzero(mask))[:PER_CLASS]])
    parts.append(rng.integers(lo, hi + 1, size=(N_RANDOM, p.C)))
    x = np.concatenate(parts)
    return x[rng.permutation(len(x))]


@cocotb.test()
@cocotb.parametrize(idle=[False, True], backpressure=[False, True])
async def run_stream(dut, idle: bool, backpressure: bool):
    p = P
    assert p is not None, "SPATIAL_MAP_CFG not set"
    tb = StreamTB(dut)
    seed = SEED * 4 + 2 * idle + backpressure
    tb.set_pauses(idle, backpressure, seed=seed)
    mon = HandshakeMonitor(dut)
    await tb.reset()
    rng = np.random.default_rng(seed)

    x = stimulus(p, rng)
    hits = {k: int(v.sum()) for k, v in cover_classes(p, x).items()}
    dut._log.info("coverage hits: %s", hits)
    missing = [k for k in REQUIRED if hits.get(k, 0) == 0]
    assert not missing, f"coverage classes not hit: {missing}"
    passed = [int(v) for v in rng.integers(0, 1 << PASS_WIDTH, size=len(x), dtype=np.uint64)]
    tops = [int(v) for v in rng.integers(0, 1 << TOP_WIDTH, size=len(x), dtype=np.uint64)]
    xw = PASS_WIDTH + p.C * p.EW

    expect = spatial_map_ref(x, p)
    words = [pass_ | (pack(x[i], p.EW) << PASS_WIDTH) | (tops[i] << xw) for i, pass_ in enumerate(passed)]
    n = len(words)
    send = cocotb.start_soon(tb.send_words("s_axis", words))
    got = await with_timeout(tb.recv_words("m_axis", n), 10 * 4 * p.cycles_per_beat * n + 2000, "ns")
    await send
    for i, word in enumerate(got):
        m = word >> (xw + TOP_WIDTH)
        assert word & ((1 << (xw + TOP_WIDTH)) - 1) == words[i], f"beat {i}: pass-through bits changed"
        if m != expect[i]:
            st = spatial_map_stages(x[i:i + 1], p)
            raise AssertionError(f"beat {i}: map {m}, expected {expect[i]}; x={x[i].tolist()} "
                                 + " ".join(f"{k}={v[0]}" for k, v in st.items()))
    await tb.cycles(p.cycles_per_beat + 5)
    assert not tb.snk["m_axis"].queue.qsize(), "extra output beats"
    assert len(mon.ins) == n and len(mon.outs) == n, (len(mon.ins), len(mon.outs), n)
    assert mon.ins == mon.outs, "an input handshake without its output handshake in the same cycle"

    if not idle and not backpressure:
        cyc = p.cycles_per_beat
        assert np.all(np.diff(mon.ins) == cyc), f"input beats not every {cyc} cycles: {set(np.diff(mon.ins).tolist())}"
        assert np.all(np.diff(mon.outs) == cyc), "output beats not every C/PE + 1 cycles"
        assert mon.first_out_valid == mon.ins[0], "m_axis_tvalid rose before the map was complete"
        dut._log.info("%d cycles per beat", cyc)
    dut._log.info("C=%d PE=%d idle=%s bp=%s: %d beats ok", p.C, p.PE, idle, backpressure, n)
