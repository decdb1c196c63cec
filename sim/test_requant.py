"""cocotb tests of hw/rtl/requant.v against hw.layers.requant.requant_ref.

Configuration: env REQUANT_CFG = JSON of RequantParams.to_json() plus "seed", "n_random" and "cover"
(coverage classes that must be hit, see COVER).  tests/test_rtl_requant.py generates random constants
and passes them both as HDL parameters and here.

Stimulus: when 2^ACC_WIDTH <= EXHAUSTIVE every channel sees every accumulator value once (a random
rotation per channel); otherwise values are picked from a large random pool so that every reachable
coverage class (rounding ties at S1 and S2, saturation of t, y and the residual sum on both sides) is
hit, plus the accumulator extremes.  Then random vectors.  Every output is compared exactly.
With neither idle nor back-pressure the test also checks the latency (LATENCY cycles from the input
handshake to m_axis_tvalid) and the steady-state rate (exactly C/PE cycles per vector).
"""
from __future__ import annotations

import json
import os

import cocotb
import numpy as np
from cocotb.triggers import with_timeout

from hw.layers.requant import RequantParams, requant_pack_input, requant_ref, requant_stages
from hw.numerics import int_range, unpack
from sim.tb import HandshakeMonitor, StreamTB

CFG = json.loads(os.environ.get("REQUANT_CFG", "{}"))
SEED = int(CFG.pop("seed", 1))
N_RANDOM = int(CFG.pop("n_random", 100))
REQUIRED = list(CFG.pop("cover", []))
P = RequantParams.from_json(CFG) if CFG else None
EXHAUSTIVE = 1024
PER_CLASS = 6  # picked values per coverage class and channel (pool mode)


def cover_classes(p: RequantParams, acc: np.ndarray, res: np.ndarray | None,
                  map_: np.ndarray | None = None, skip_map: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Boolean [N, C] masks of the interesting cases."""
    from hw.numerics import rhe_shift

    st = requant_stages(acc, res, p, map_, skip_map)
    tlo, thi = p.t_range
    ylo, yhi = p.y_range
    zr = rhe_shift(st["z"], p.S1)
    vr = rhe_shift(st["v"], p.S2)
    cls = {
        "t_sat_hi": zr > thi,
        "t_sat_lo": zr < tlo,
        "y_sat_hi": vr > yhi,
        "y_sat_lo": vr < ylo,
    }
    if p.S1 > 0:
        cls["z_tie"] = (st["z"] & ((1 << p.S1) - 1)) == (1 << (p.S1 - 1))
    if p.S2 > 0:
        cls["v_tie"] = (st["v"] & ((1 << p.S2) - 1)) == (1 << (p.S2 - 1))
    if p.HAS_PRELU:
        cls["t_neg"] = st["t"] < 0
    if p.HAS_RESIDUAL and p.HAS_SKIP_MAP:
        sm = np.broadcast_to(np.asarray(skip_map).reshape(-1, 1), acc.shape)
        u = np.asarray(res, dtype=np.int64) * sm + (st["y0"] << p.SKIP_FRAC)
        s = rhe_shift(u, p.SKIP_FRAC)
        cls["r_sat_hi"] = s > yhi
        cls["r_sat_lo"] = s < ylo
        cls["skip_tie"] = (u & ((1 << p.SKIP_FRAC) - 1)) == (1 << (p.SKIP_FRAC - 1))
        cls["skip_map_zero"] = sm == 0
        cls["skip_map_max"] = sm == (1 << p.MAP_WIDTH) - 1
    elif p.HAS_RESIDUAL:
        s = st["y0"] + np.asarray(res, dtype=np.int64)
        cls["r_sat_hi"] = s > yhi
        cls["r_sat_lo"] = s < ylo
    if p.HAS_MAP:
        m = np.broadcast_to(np.asarray(map_).reshape(-1, 1), acc.shape)
        cls["map_zero"] = m == 0
        cls["map_max"] = m == (1 << p.MAP_WIDTH) - 1
    return cls


def rand_map(p: RequantParams, rng: np.random.Generator, n: int, has: int | None = None) -> np.ndarray | None:
    """Per-vector maps (HAS_MAP, or ``has``): uniform, with 0 and the maximum over-represented."""
    if not (p.HAS_MAP if has is None else has):
        return None
    top = (1 << p.MAP_WIDTH) - 1
    m = rng.integers(0, top + 1, size=n)
    ext = rng.random(n)
    m[ext < 0.05] = 0
    m[ext > 0.95] = top
    return m


def stimulus(p: RequantParams, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray | None]:
    amin, amax = int_range(p.ACC_WIDTH, True)
    ylo, yhi = p.y_range
    n_acc = 1 << p.ACC_WIDTH

    def rand_res(shape):
        r = rng.integers(ylo, yhi + 1, size=shape)
        ext = rng.random(shape)
        r[ext < 0.1] = ylo
        r[ext > 0.9] = yhi
        return r

    if n_acc <= EXHAUSTIVE:
        rot = rng.integers(0, n_acc, size=p.C)
        acc = amin + (np.arange(n_acc)[:, None] + rot[None, :]) % n_acc
    else:
        pool_n = 1 << 16
        pool = rng.integers(amin, amax + 1, size=(pool_n, p.C))
        pool[:8] = np.array([amin, amax, 0, -1, 1, amin + 1, amax - 1, amax // 2])[:, None]
        pres = rand_res(pool.shape) if p.HAS_RESIDUAL else None
        classes = cover_classes(p, pool, pres, rand_map(p, rng, pool_n), rand_map(p, rng, pool_n, p.HAS_SKIP_MAP))
        picks = [list(range(8)) for _ in range(p.C)]
        for mask in classes.values():
            for c in range(p.C):
                idx = np.flatnonzero(mask[:, c])
                picks[c].extend(rng.permutation(idx)[:PER_CLASS].tolist())
        n = max(len(x) for x in picks)
        acc = np.empty((n, p.C), dtype=np.int64)
        res_sel = np.empty((n, p.C), dtype=np.int64)
        for c in range(p.C):
            idx = np.array(picks[c] + rng.integers(0, pool_n, size=n - len(picks[c])).tolist())
            idx = rng.permutation(idx)
            acc[:, c] = pool[idx, c]
            if p.HAS_RESIDUAL:
                res_sel[:, c] = pres[idx, c]
    acc = np.concatenate([acc, rng.integers(amin, amax + 1, size=(N_RANDOM, p.C))])
    if not p.HAS_RESIDUAL:
        return acc, None
    res = rand_res(acc.shape)
    if n_acc > EXHAUSTIVE:
        res[: len(res_sel)] = res_sel
    return acc, res


@cocotb.test()
@cocotb.parametrize(idle=[False, True], backpressure=[False, True])
async def run_stream(dut, idle: bool, backpressure: bool):
    p = P
    assert p is not None, "REQUANT_CFG not set"
    nf = p.C // p.PE
    tb = StreamTB(dut)
    seed = SEED * 4 + 2 * idle + backpressure
    tb.set_pauses(idle, backpressure, seed=seed)
    mon = HandshakeMonitor(dut)
    await tb.reset()
    rng = np.random.default_rng(seed)

    acc, res = stimulus(p, rng)
    maps = rand_map(p, rng, len(acc))
    smaps = rand_map(p, rng, len(acc), p.HAS_SKIP_MAP)
    cov = cover_classes(p, acc, res, maps, smaps)
    hits = {k: int(v.sum()) for k, v in cov.items()}
    dut._log.info("coverage hits: %s", hits)
    missing = [k for k in REQUIRED if hits.get(k, 0) == 0]
    assert not missing, f"coverage classes not hit: {missing}"

    expect = requant_ref(acc, res, p, maps, smaps)
    words = [requant_pack_input(acc[i], None if res is None else res[i], p, None if maps is None else maps[i],
                                None if smaps is None else smaps[i])
             for i in range(len(acc))]
    n = len(words)
    send = cocotb.start_soon(tb.send_words("s_axis", words))
    got = await with_timeout(tb.recv_words("m_axis", n), 10 * (nf + 2) * n * 4 + 2000, "ns")
    await send
    for i, word in enumerate(got):
        y = unpack(word, p.C, p.Y_WIDTH, bool(p.Y_SIGNED))
        if not np.array_equal(y, expect[i]):
            st = requant_stages(acc[i:i + 1], None if res is None else res[i:i + 1], p,
                                None if maps is None else maps[i:i + 1], None if smaps is None else smaps[i:i + 1])
            raise AssertionError(
                f"vector {i}: got {y.tolist()} expected {expect[i].tolist()}; acc={acc[i].tolist()} "
                f"res={None if res is None else res[i].tolist()} map={None if maps is None else maps[i]} "
                + " ".join(f"{k}={v[0].tolist()}" for k, v in st.items()))
    await tb.cycles(p.latency + 5)
    assert not tb.snk["m_axis"].queue.qsize(), "extra output beats"
    assert len(mon.ins) == n and len(mon.outs) == n, (len(mon.ins), len(mon.outs), n)

    if not idle and not backpressure:
        lat = mon.first_out_valid - mon.ins[0]
        assert lat == p.latency, f"latency {lat}, expected {p.latency}"
        din, dout = np.diff(mon.ins), np.diff(mon.outs)
        assert np.all(din == nf), f"input beats not every {nf} cycles: {sorted(set(din.tolist()))}"
        assert np.all(dout == nf), f"output beats not every {nf} cycles: {sorted(set(dout.tolist()))}"
        dut._log.info("latency %d cycles, %d cycles per vector", lat, nf)
    dut._log.info("C=%d PE=%d idle=%s bp=%s: %d vectors ok", p.C, p.PE, idle, backpressure, n)
