"""cocotb test of a generated ``sr_top``: LR patches in, HR pixels out, compared with the golden.

Inputs come from ``$SR_TOP_CASES`` (an .npz written by sim/top.py: ``lr`` [N, H, W, 3] uint8 and ``hr``
[N, 2H, 2W, 3] uint8 golden).  Patches are streamed back to back as frames of one size; every output
pixel, tlast and tuser is checked.  Results (per-patch mismatches, cycles) go to ``$SR_TOP_RESULTS``.
``$SR_TOP_PAUSES=1`` adds seeded random input idles and output backpressure.
"""
from __future__ import annotations

import json
import os

import cocotb
import numpy as np

from sim.tb import StreamTB


def rgb_word(p) -> int:
    return int(p[0]) | (int(p[1]) << 8) | (int(p[2]) << 16)


@cocotb.test()
async def run_patches(dut):
    cases = np.load(os.environ["SR_TOP_CASES"])
    lr, hr = cases["lr"], cases["hr"]
    n, h, w, _ = lr.shape
    pauses = os.environ.get("SR_TOP_PAUSES", "0") == "1"
    tb = StreamTB(dut)
    dut.cfg_width.value = w
    dut.cfg_height.value = h
    tb.set_pauses(idle=pauses, backpressure=pauses, seed=int(os.environ.get("SR_TOP_SEED", "1")))
    await tb.reset()
    in_cycles = tb.log_beats("s_axis")
    out_cycles = tb.log_beats("m_axis")

    async def feed():
        for i in range(n):
            await tb.send_words("s_axis", [rgb_word(p) for p in lr[i].reshape(-1, 3)])

    cocotb.start_soon(feed())
    results = []
    per = 4 * h * w
    for i in range(n):
        beats = await tb.recv_beats("m_axis", per)
        got = np.array([[b[0] & 255, (b[0] >> 8) & 255, (b[0] >> 16) & 255] for b in beats], dtype=np.uint8)
        got = got.reshape(2 * h, 2 * w, 3)
        tlast = np.array([b[1] for b in beats]).reshape(2 * h, 2 * w)
        tuser = np.array([b[2] for b in beats]).reshape(2 * h, 2 * w)
        exp_last = np.zeros_like(tlast)
        exp_last[:, -1] = 1
        exp_user = np.zeros_like(tuser)
        exp_user[0, 0] = 1
        bad = np.argwhere(np.any(got != hr[i], axis=-1))
        r = {"index": i, "mismatching_pixels": int(len(bad)),
             "tlast_ok": bool((tlast == exp_last).all()), "tuser_ok": bool((tuser == exp_user).all())}
        if len(bad):
            y, x = (int(v) for v in bad[0])
            r["first_mismatch"] = {"hr_row": y, "hr_col": x, "expected": hr[i, y, x].tolist(), "got": got[y, x].tolist()}
        r["bit_exact"] = r["mismatching_pixels"] == 0 and r["tlast_ok"] and r["tuser_ok"]
        results.append(r)
    await tb.cycles(2)
    first_in, last_out = in_cycles[0], out_cycles[-1]
    frame_starts = [out_cycles[i * per] for i in range(n)]
    summary = {
        "patches": results,
        "pauses": pauses,
        "cycles": int(last_out - first_in + 1),
        "frame_output_starts": [int(c) for c in frame_starts],
        "lr_pixels": int(n * h * w),
        "first_output_latency_cycles": int(out_cycles[0] - first_in),
    }
    with open(os.environ["SR_TOP_RESULTS"], "w") as f:
        json.dump(summary, f, indent=2)
    failed = [r["index"] for r in results if not r["bit_exact"]]
    assert not failed, f"patches not bit-exact: {failed}"
