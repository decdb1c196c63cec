"""Verilator/cocotb regression of the requant core (sim/test_requant.py), random per-channel constants."""
from __future__ import annotations

import json

import numpy as np
import pytest

from hw.layers.requant import RequantParams
from hw.numerics import int_range
from sim.runner import rtl_sources, run_cocotb


def _rand(rng, width, n, nonzero=False):
    lo, hi = int_range(width, True)
    v = rng.integers(lo, hi + 1, size=n)
    if nonzero:
        v[v == 0] = 1
    v[0], v[-1] = lo, hi  # the extreme constants are always present
    return v


def make_params(seed: int, *, C, PE, ACC_WIDTH, K_WIDTH, B_WIDTH, S1, T_WIDTH, S2, Y_WIDTH, Y_SIGNED,
                HAS_PRELU, HAS_RESIDUAL, BETA_WIDTH=8, BETA_FRAC=7, ZETA_WIDTH=12, HAS_MAP=0,
                HAS_SKIP_MAP=0) -> RequantParams:
    rng = np.random.default_rng(seed)
    k, b = _rand(rng, K_WIDTH, C, nonzero=True), _rand(rng, B_WIDTH, C)
    beta = _rand(rng, BETA_WIDTH, C) if HAS_PRELU else None
    zeta = _rand(rng, ZETA_WIDTH, C) if HAS_PRELU else None
    if HAS_PRELU:  # every other channel: ZETA on the 2^BETA_FRAC grid, so t >= 0 also lands on S2 ties
        zeta[1:-1:2] &= ~((1 << BETA_FRAC) - 1)
    return RequantParams.from_constants(
        PE=PE, ACC_WIDTH=ACC_WIDTH, K=k, B=b, S1=S1, T_WIDTH=T_WIDTH, S2=S2, Y_WIDTH=Y_WIDTH,
        Y_SIGNED=Y_SIGNED, BETA=beta, BETA_FRAC=BETA_FRAC, ZETA=zeta, HAS_RESIDUAL=HAS_RESIDUAL, HAS_MAP=HAS_MAP,
        HAS_SKIP_MAP=HAS_SKIP_MAP)


ALL_SAT = ["t_sat_hi", "t_sat_lo", "y_sat_hi", "y_sat_lo"]
CASES = {
    # binary conv layer: PReLU + residual, acc = 2*popcount - MW, exhaustive over the 10-bit acc
    "binary_c8pe2": dict(
        seed=11, n_random=64,
        cover=ALL_SAT + ["z_tie", "v_tie", "t_neg", "r_sat_hi", "r_sat_lo"],
        p=dict(C=8, PE=2, ACC_WIDTH=10, K_WIDTH=9, B_WIDTH=14, S1=5, T_WIDTH=12, S2=9, Y_WIDTH=8,
               Y_SIGNED=1, HAS_PRELU=1, HAS_RESIDUAL=1, BETA_WIDTH=8, BETA_FRAC=7, ZETA_WIDTH=16)),
    # Single-Spatial binary block: the RPReLU output times the pixel's attention map (S2 covers its 8 bits)
    "spatial_c8pe2": dict(
        seed=15, n_random=64,
        cover=ALL_SAT + ["z_tie", "v_tie", "t_neg", "r_sat_hi", "r_sat_lo", "map_zero", "map_max"],
        p=dict(C=8, PE=2, ACC_WIDTH=10, K_WIDTH=9, B_WIDTH=14, S1=5, T_WIDTH=12, S2=17, Y_WIDTH=8,
               Y_SIGNED=1, HAS_PRELU=1, HAS_RESIDUAL=1, BETA_WIDTH=8, BETA_FRAC=7, ZETA_WIDTH=16, HAS_MAP=1)),
    # Both-Spatial-Spatial: the branch map as above, and the residual scaled by its own map before one rounding
    "both_spatial_c8pe2": dict(
        seed=17, n_random=64,
        cover=ALL_SAT + ["z_tie", "v_tie", "t_neg", "r_sat_hi", "r_sat_lo", "map_zero", "map_max", "skip_tie",
                         "skip_map_zero", "skip_map_max"],
        p=dict(C=8, PE=2, ACC_WIDTH=10, K_WIDTH=9, B_WIDTH=14, S1=5, T_WIDTH=12, S2=17, Y_WIDTH=8,
               Y_SIGNED=1, HAS_PRELU=1, HAS_RESIDUAL=1, BETA_WIDTH=8, BETA_FRAC=7, ZETA_WIDTH=16, HAS_MAP=1,
               HAS_SKIP_MAP=1)),
    # the board's folding: one lane (PE = 1)
    "both_spatial_c4pe1": dict(
        seed=18, n_random=64,
        cover=ALL_SAT + ["t_neg", "r_sat_hi", "r_sat_lo", "skip_tie", "skip_map_zero", "skip_map_max"],
        p=dict(C=4, PE=1, ACC_WIDTH=10, K_WIDTH=9, B_WIDTH=14, S1=5, T_WIDTH=12, S2=17, Y_WIDTH=8,
               Y_SIGNED=1, HAS_PRELU=1, HAS_RESIDUAL=1, BETA_WIDTH=8, BETA_FRAC=7, ZETA_WIDTH=16, HAS_MAP=1,
               HAS_SKIP_MAP=1)),
    # map without residual, PE = C
    "spatial_pec_nores": dict(
        seed=16, n_random=100, cover=ALL_SAT + ["v_tie", "t_neg", "map_zero", "map_max"],
        p=dict(C=4, PE=4, ACC_WIDTH=9, K_WIDTH=6, B_WIDTH=8, S1=-1, T_WIDTH=10, S2=12, Y_WIDTH=6,
               Y_SIGNED=1, HAS_PRELU=1, HAS_RESIDUAL=0, BETA_WIDTH=6, BETA_FRAC=3, ZETA_WIDTH=10, HAS_MAP=1)),
    # head/tail (multi-bit MAC) style: no PReLU / residual, S2 = 0, wide acc (pool-picked stimulus)
    "head_c12pe4": dict(
        seed=12, n_random=100, cover=ALL_SAT + ["z_tie"],
        p=dict(C=12, PE=4, ACC_WIDTH=20, K_WIDTH=12, B_WIDTH=24, S1=16, T_WIDTH=12, S2=0, Y_WIDTH=10,
               Y_SIGNED=1, HAS_PRELU=0, HAS_RESIDUAL=0)),
    # PE = C, negative S1 (left shift), unsigned output with residual
    "pec_c4_unsigned": dict(
        seed=13, n_random=100,
        cover=ALL_SAT + ["v_tie", "t_neg", "r_sat_hi"],  # unsigned: y0 + res >= 0
        p=dict(C=4, PE=4, ACC_WIDTH=9, K_WIDTH=6, B_WIDTH=8, S1=-1, T_WIDTH=10, S2=4, Y_WIDTH=6,
               Y_SIGNED=0, HAS_PRELU=1, HAS_RESIDUAL=1, BETA_WIDTH=6, BETA_FRAC=3, ZETA_WIDTH=10)),
    # PE = 1, negative S2 (left shift), BETA_FRAC = 0, no residual, pool-picked stimulus
    "pe1_c3": dict(
        seed=14, n_random=60, cover=ALL_SAT + ["z_tie", "t_neg"],
        p=dict(C=3, PE=1, ACC_WIDTH=13, K_WIDTH=7, B_WIDTH=10, S1=6, T_WIDTH=9, S2=-2, Y_WIDTH=12,
               Y_SIGNED=1, HAS_PRELU=1, HAS_RESIDUAL=0, BETA_WIDTH=5, BETA_FRAC=0, ZETA_WIDTH=8)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_requant(case):
    cfg = CASES[case]
    p = make_params(cfg["seed"], **cfg["p"])
    env = dict(p.to_json(), seed=cfg["seed"], n_random=cfg["n_random"], cover=cfg["cover"])
    run_cocotb(
        "requant",
        rtl_sources("requant", "rhe_shift"),
        "sim.test_requant",
        case,
        parameters=p.verilog_param_literals(),
        extra_env={"REQUANT_CFG": json.dumps(env)},
    )
