"""Verilator/cocotb regression of the stream_broadcast core (sim/test_stream_broadcast.py)."""
from __future__ import annotations

import json

import pytest

from sim.runner import rtl_sources, run_cocotb

CASES = {
    "w1": dict(WIDTH=1),
    "w24": dict(WIDTH=24),
}


@pytest.mark.parametrize("case", list(CASES))
def test_stream_broadcast(case):
    params = CASES[case]
    run_cocotb(
        "stream_broadcast",
        rtl_sources("stream_broadcast"),
        "sim.test_stream_broadcast",
        case,
        parameters=params,
        extra_env={"BC_CFG": json.dumps({**params, "seed": len(case)})},
    )
