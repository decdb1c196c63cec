"""Verilator/cocotb regression of the stream_fifo core (sim/test_stream_fifo.py)."""
from __future__ import annotations

import json

import pytest

from sim.runner import rtl_sources, run_cocotb

CASES = {
    "w8_d2": dict(WIDTH=8, DEPTH=2),     # smallest depth
    "w5_d7": dict(WIDTH=5, DEPTH=7),     # depth not a power of two; odd width
    "w37_d32": dict(WIDTH=37, DEPTH=32), # wide word (not a multiple of 8)
    # combinational read (a conv layer's input FIFO in LUT RAM)
    "w37_d16_async": dict(WIDTH=37, DEPTH=16, ASYNC_READ=1),
    "w8_d2_async": dict(WIDTH=8, DEPTH=2, ASYNC_READ=1),
}


@pytest.mark.parametrize("case", list(CASES))
def test_stream_fifo(case):
    params = CASES[case]
    run_cocotb(
        "stream_fifo",
        rtl_sources("stream_fifo"),
        "sim.test_stream_fifo",
        case,
        parameters=params,
        extra_env={"FIFO_CFG": json.dumps({**params, "seed": len(case)})},
    )
