"""Verilator/cocotb regression of the bilinear_upsample core (sim/test_bilinear_upsample.py)."""
from __future__ import annotations

import pytest

from sim.runner import rtl_sources, run_cocotb

CASES = {
    "rgb8": dict(C=3, EW=8),   # the configuration the network uses
    "c1w5": dict(C=1, EW=5),   # odd widths (one lane per beat in cocotbext-axi), single channel
}


@pytest.mark.parametrize("case", list(CASES))
def test_bilinear_upsample(case):
    p = CASES[case]
    run_cocotb(
        "bilinear_upsample",
        rtl_sources("bilinear_upsample"),
        "sim.test_bilinear_upsample",
        case,
        parameters=p,
        extra_env={"BU_C": str(p["C"]), "BU_EW": str(p["EW"]), "BU_SEED": str(len(case))},
    )
