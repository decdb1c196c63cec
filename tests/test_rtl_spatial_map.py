"""Verilator/cocotb regression of the spatial_map core (sim/test_spatial_map.py), random weights."""
from __future__ import annotations

import json

import numpy as np
import pytest

from hw.layers.spatial_map import SpatialMapParams, sigmoid_table
from hw.numerics import int_range
from sim.runner import rtl_sources, run_cocotb


def make_params(seed: int, *, C, PE, EW, W_WIDTH, S, L_WIDTH, logit_frac, MAP_WIDTH=8) -> SpatialMapParams:
    rng = np.random.default_rng(seed)
    lo, hi = int_range(W_WIDTH, True)
    w = rng.integers(lo, hi + 1, size=C)
    w[0], w[-1] = lo, hi  # the extreme weights are always present
    b = int(rng.integers(-(1 << (S + L_WIDTH - 2)), 1 << (S + L_WIDTH - 2))) if S > 0 else int(rng.integers(-8, 8))
    return SpatialMapParams(C=C, EW=EW, W=w, B=b, S=S, L_WIDTH=L_WIDTH, MAP_WIDTH=MAP_WIDTH, PE=PE,
                            TABLE=sigmoid_table(logit_frac, L_WIDTH, MAP_WIDTH))


COVER = ["sat_hi", "sat_lo", "logit_neg", "logit_pos"]
CASES = {
    # the board model's block: C = 32 residual-stream channels, 8-bit weights and logit, 2 multipliers
    "board_c32pe2": dict(seed=31, pass_width=37, cover=COVER + ["tie"],
                         p=dict(C=32, PE=2, EW=8, W_WIDTH=8, S=9, L_WIDTH=8, logit_frac=5)),
    # PE = C (one fold), odd widths
    "pec_c5": dict(seed=32, pass_width=3, cover=COVER + ["tie"],
                   p=dict(C=5, PE=5, EW=6, W_WIDTH=5, S=3, L_WIDTH=6, logit_frac=2, MAP_WIDTH=7)),
    # the second map of Both-Spatial-Spatial: a first map (8 bits) passes above x
    "chained_top8": dict(seed=34, pass_width=9, top_width=8, cover=COVER,
                         p=dict(C=8, PE=2, EW=8, W_WIDTH=8, S=7, L_WIDTH=8, logit_frac=4)),
    # PE = 1, left shift to the logit grid
    "pe1_left": dict(seed=33, pass_width=1, cover=COVER,
                     p=dict(C=3, PE=1, EW=4, W_WIDTH=3, S=-1, L_WIDTH=6, logit_frac=3)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_spatial_map(case):
    cfg = CASES[case]
    p = make_params(cfg["seed"], **cfg["p"])
    env = dict(p.to_json(), pass_width=cfg["pass_width"], top_width=cfg.get("top_width", 0), seed=cfg["seed"],
               n_random=100, cover=cfg["cover"])
    run_cocotb(
        "spatial_map",
        rtl_sources("spatial_map", "rhe_shift"),
        "sim.test_spatial_map",
        case,
        parameters={**p.verilog_param_literals(), "PASS_WIDTH": str(cfg["pass_width"]),
                    "TOP_WIDTH": str(cfg.get("top_width", 0))},
        extra_env={"SPATIAL_MAP_CFG": json.dumps(env)},
    )
