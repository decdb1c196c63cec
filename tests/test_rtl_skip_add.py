"""Verilator/cocotb regression of the skip_add core (sim/test_skip_add.py)."""
from __future__ import annotations

import json

import pytest

from hw.layers.skip_add import SkipAddParams
from sim.runner import rtl_sources, run_cocotb

SAT_TIE = ["sat_hi", "sat_lo", "in_range", "tie", "tie_odd"]
CASES = {
    # the network's tail: a = tail output with 2 fraction bits, b = 16x bilinear image, y = uint8
    "tail_a2": dict(seed=21, cover=SAT_TIE,
                    p=dict(N=12, A_WIDTH=10, A_SIGNED=1, A_SHIFT=2, B_WIDTH=12, B_SIGNED=0, B_SHIFT=0,
                           S=4, Y_WIDTH=8, Y_SIGNED=0)),
    # a with 7 fraction bits: b shifted up instead
    "tail_b3": dict(seed=22, cover=SAT_TIE,
                    p=dict(N=12, A_WIDTH=10, A_SIGNED=1, A_SHIFT=0, B_WIDTH=12, B_SIGNED=0, B_SHIFT=3,
                           S=7, Y_WIDTH=8, Y_SIGNED=0)),
    # unsigned a + signed b, S = 1, signed output
    "mixed_s1": dict(seed=23, cover=SAT_TIE,
                     p=dict(N=5, A_WIDTH=7, A_SIGNED=0, A_SHIFT=1, B_WIDTH=9, B_SIGNED=1, B_SHIFT=0,
                            S=1, Y_WIDTH=6, Y_SIGNED=1)),
    # negative final shift (left shift), signed operands and output
    "left_shift": dict(seed=24, cover=["sat_hi", "sat_lo", "in_range"],
                       p=dict(N=3, A_WIDTH=5, A_SIGNED=1, A_SHIFT=0, B_WIDTH=4, B_SIGNED=1, B_SHIFT=2,
                              S=-1, Y_WIDTH=7, Y_SIGNED=1)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_skip_add(case):
    cfg = CASES[case]
    p = SkipAddParams(**cfg["p"])
    env = dict(cfg["p"], seed=cfg["seed"], n_random=200, cover=cfg["cover"])
    run_cocotb(
        "skip_add",
        rtl_sources("skip_add", "rhe_shift"),
        "sim.test_skip_add",
        case,
        parameters=p.verilog_params(),
        extra_env={"SKIP_ADD_CFG": json.dumps(env)},
    )
