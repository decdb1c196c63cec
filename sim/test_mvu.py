"""cocotb testbench of ``hw/rtl/mvu.v`` against ``hw.layers.mvu.mvu_ref``.

The configuration arrives as JSON in the ``MVU_CFG`` environment variable (see
``tests/test_rtl_mvu.py``): the HDL parameters, the weight matrix (the same one the wrapper packed
into the WEIGHTS parameter) and a seed.

* ``test_matrix``: {no idle, random idle} x {no backpressure, random backpressure}; random inputs and
  sideband plus extremes (all +1 / all -1, max / min multi-bit values); every output beat is checked.
* ``test_throughput``: no pauses, a long run of back-to-back vectors: every output beat must follow the
  previous one after exactly NF*SF cycles, and the first one after the documented latency.
"""
from __future__ import annotations

import json
import os
import random

import cocotb
import numpy as np
from cocotb.triggers import RisingEdge, with_timeout

from hw.layers.mvu import mvu_ref
from hw.numerics import int_range, pack, unpack
from sim.tb import CLOCK_NS, StreamTB


def bursty_pauses(seed: int, burst: int):
    """Backpressure mixing per-cycle random tready drops with stalls longer than a fold period, so the
    output skid entry (and the pipeline stall it causes) is exercised even for deeply folded layers."""
    rng = random.Random(seed)
    while True:
        if rng.random() < 0.5:
            for _ in range(burst):
                yield 1 if rng.random() < 0.3 else 0
        else:
            for _ in range(rng.randint(1, 3 * burst)):
                yield 1
            for _ in range(rng.randint(1, 2 * burst)):
                yield 0


def load_cfg() -> dict:
    cfg = json.loads(os.environ["MVU_CFG"])
    cfg["w"] = np.array(cfg["w"], dtype=np.int64)
    return cfg


def geometry(cfg: dict) -> dict:
    """Folding and the exact pipeline latency of mvu.v for this configuration."""
    p = cfg["params"]
    nf, sf = p["MH"] // p["PE"], p["MW"] // p["SIMD"]
    leaves = -(-p["SIMD"] // 6) if p["BINARY"] else p["SIMD"]
    levels = (leaves - 1).bit_length()  # clog2
    ts = (levels + 1) // 2  # registered adder-tree stages
    # edges from the input handshake to the output handshake (output never stalled); a weight memory adds
    # its read stage
    latency = nf * sf + ts + 2 + p.get("WEIGHT_MEM", 0)
    return {"nf": nf, "sf": sf, "fold": nf * sf, "ts": ts, "latency": latency}


def make_inputs(cfg: dict, rng: np.random.Generator, n_random: int) -> np.ndarray:
    """x[N, MW]: extremes first, then random vectors."""
    p = cfg["params"]
    mw = p["MW"]
    if p["BINARY"]:
        lo, hi = 0, 1
    else:
        lo, hi = int_range(p["IN_WIDTH"], bool(p["IN_SIGNED"]))
    w = cfg["w"]
    ext = [np.full(mw, hi), np.full(mw, lo), np.where(np.arange(mw) % 2 == 0, hi, lo),
           np.where(np.arange(mw) % 2 == 0, lo, hi)]
    if p["BINARY"]:
        ext += [w[0].copy(), 1 - w[0], w[-1].copy()]  # y = +MW / -MW for those neurons
    else:
        ext += [np.where(w[0] >= 0, hi, lo), np.where(w[0] >= 0, lo, hi)]  # per-neuron max / min
    rnd = rng.integers(lo, hi + 1, size=(n_random, mw))
    return np.concatenate([np.array(ext, dtype=np.int64), rnd.astype(np.int64)])


def encode(cfg: dict, x: np.ndarray, side: np.ndarray) -> list[int]:
    p = cfg["params"]
    ew = 1 if p["BINARY"] else p["IN_WIDTH"]
    xbits = p["MW"] * ew
    return [pack(row, ew) | (int(s) << xbits) for row, s in zip(x, side)]


def decode(cfg: dict, word: int) -> tuple[np.ndarray, int]:
    p = cfg["params"]
    aw = p["ACC_WIDTH"]
    acc = unpack(word, p["MH"], aw, True)
    return acc, int(word) >> (p["MH"] * aw)


def check(cfg: dict, x: np.ndarray, side: np.ndarray, words: list[int], tag: str) -> None:
    p = cfg["params"]
    ref = mvu_ref(x, cfg["w"], bool(p["BINARY"]))
    assert len(words) == len(x), f"{tag}: {len(words)} outputs for {len(x)} inputs"
    for i, word in enumerate(words):
        acc, s = decode(cfg, word)
        assert s == int(side[i]), f"{tag} beat {i}: side {s:#x}, expected {int(side[i]):#x}"
        if not np.array_equal(acc, ref[i]):
            raise AssertionError(f"{tag} beat {i}: acc {acc.tolist()}, expected {ref[i].tolist()}")


async def run_batch(tb: StreamTB, cfg: dict, x: np.ndarray, side: np.ndarray) -> list[int]:
    """Send x (with sideband) and receive as many output beats; fails instead of hanging on lost beats."""
    fold = geometry(cfg)["fold"]
    send = cocotb.start_soon(tb.send_words("s_axis", encode(cfg, x, side)))
    limit = (len(x) * (fold + 8) * 8 + 2000) * CLOCK_NS  # far above the slowest pause pattern
    words = await with_timeout(tb.recv_words("m_axis", len(x)), limit, "ns")
    await send
    return words


@cocotb.test()
async def test_matrix(dut):
    cfg = load_cfg()
    p = cfg["params"]
    g = geometry(cfg)
    tb = StreamTB(dut)
    rng = np.random.default_rng(cfg["seed"])
    n_random = int(np.clip(3000 // g["fold"], 6, 40))
    stalls = 0

    async def count_stalls():  # cycles the datapath is held by a full output buffer
        nonlocal stalls
        while True:
            await RisingEdge(dut.clk)
            stalls += int(dut.oskid_valid.value)

    cocotb.start_soon(count_stalls())
    for k, (idle, bp) in enumerate([(False, False), (True, False), (False, True), (True, True)]):
        tb.set_pauses(idle, bp, seed=cfg["seed"] + k)
        if bp:
            tb.snk["m_axis"].set_pause_generator(bursty_pauses(cfg["seed"] + 17 * k, g["fold"] + 2))
        await tb.reset()
        stalls = 0
        x = make_inputs(cfg, rng, n_random)
        side = rng.integers(0, 1 << p["SIDE_WIDTH"], size=len(x))
        words = await run_batch(tb, cfg, x, side)
        check(cfg, x, side, words, f"idle={idle} backpressure={bp}")
        tb.log.info("idle=%s backpressure=%s: %d vectors OK, %d stall cycles", idle, bp, len(x), stalls)
        if bp:
            assert stalls > 0, "backpressure never filled the output buffer: stall path not exercised"
        else:
            assert stalls == 0, f"{stalls} stall cycles without backpressure"
    tb.set_pauses(False, False)


@cocotb.test()
async def test_throughput(dut):
    cfg = load_cfg()
    p = cfg["params"]
    g = geometry(cfg)
    tb = StreamTB(dut)
    tb.set_pauses(False, False)
    await tb.reset()
    rng = np.random.default_rng(cfg["seed"] + 1000)
    n = int(np.clip(4000 // g["fold"], 8, 64))
    x = make_inputs(cfg, rng, n)[-n:]
    side = rng.integers(0, 1 << p["SIDE_WIDTH"], size=n)

    s_times: list[int] = []
    m_times: list[int] = []

    async def monitor():
        cycle = 0
        while True:
            await RisingEdge(dut.clk)
            cycle += 1
            if int(dut.s_axis_tvalid.value) and int(dut.s_axis_tready.value):
                s_times.append(cycle)
            if int(dut.m_axis_tvalid.value) and int(dut.m_axis_tready.value):
                m_times.append(cycle)

    mon = cocotb.start_soon(monitor())
    words = await run_batch(tb, cfg, x, side)
    await tb.cycles(2)
    mon.cancel()
    check(cfg, x, side, words, "throughput run")

    assert len(s_times) == n and len(m_times) == n, (len(s_times), len(m_times))
    latency = m_times[0] - s_times[0]
    gaps = np.diff(m_times)
    tb.log.info("NF*SF=%d, output gaps %s, latency %d (expected %d)", g["fold"],
                sorted(set(gaps.tolist())), latency, g["latency"])
    assert (gaps == g["fold"]).all(), f"output spacing {gaps.tolist()} != NF*SF = {g['fold']}"
    assert latency == g["latency"], f"latency {latency} != {g['latency']}"
    # the input side keeps pace too: no vector waits for more than one fold period
    in_gaps = np.diff(s_times)
    assert in_gaps.max() <= g["fold"], f"input spacing {in_gaps.tolist()}"
