"""RTL test of the mvu core (hw/rtl/mvu.v) on Verilator through cocotb (sim/test_mvu.py).

Each case draws random weights (seeded), packs them into the WEIGHTS parameter with
``hw.layers.mvu.pack_weights`` and hands the same matrix to the cocotb test as JSON in ``MVU_CFG``.
ACC_WIDTH is the minimal width from ``hw.layers.mvu.acc_width`` so the extremes test the bound.
"""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from hw.layers.mvu import acc_width, mvu_ref, pack_weights
from hw.numerics import int_range, verilog_hex
from sim.runner import REPO, rtl_sources, run_cocotb

CASES = {
    # name: (MW, MH, PE, SIMD, BINARY, IN_WIDTH, IN_SIGNED, W_WIDTH, SIDE_WIDTH, WEIGHT_MEM)
    "bin_fold": (36, 8, 2, 12, 1, 1, 0, 1, 5, 0),
    "bin_parallel": (36, 8, 8, 36, 1, 1, 0, 1, 6, 0),  # one cycle per vector: the most vectors in flight
    "bin_serial": (36, 8, 1, 1, 1, 1, 0, 1, 8, 0),
    "mb_u8xs8": (27, 8, 4, 9, 0, 8, 0, 8, 3, 0),
    "mb_signed": (18, 6, 3, 6, 0, 6, 1, 4, 7, 0),
    # weights in a synchronous memory (block RAM), one more pipeline stage
    "bin_fold_mem": (36, 8, 2, 12, 1, 1, 0, 1, 5, 1),
    "bin_parallel_mem": (36, 8, 8, 36, 1, 1, 0, 1, 6, 1),  # one word: the address never moves
    "mb_signed_mem": (18, 6, 3, 6, 0, 6, 1, 4, 7, 1),
}


def make_weights(mw: int, mh: int, binary: bool, w_width: int, rng: np.random.Generator) -> np.ndarray:
    """Random weights with the extreme rows first (binary: all +1, all -1; multi-bit: all min, all max)."""
    lo, hi = (0, 1) if binary else int_range(w_width, True)
    w = rng.integers(lo, hi + 1, size=(mh, mw))
    w[0, :] = lo
    w[1, :] = hi
    return w.astype(np.int64)


def test_reference_sanity():
    """mvu_ref / acc_width / pack_weights agree with the definitions on small hand cases."""
    x = np.array([[1, 1, 0], [0, 0, 0]])
    w = np.array([[1, 1, 0], [1, 0, 1]])
    assert mvu_ref(x, w, True).tolist() == [[3, -1], [-1, -1]]
    assert mvu_ref(np.array([[255, 0, 3]]), np.array([[-128, 5, -1]]), False).tolist() == [[-32643]]
    assert acc_width(288, True) == 10 and acc_width(255, True) == 9 and acc_width(256, True) == 10
    # 27 x (255 * -128) = -881280 needs 21 signed bits
    assert acc_width(27, False, 8, False, 8) == 21
    # signed x signed: max product (-128)(-128) = 16384; 1 element needs 16 bits
    assert acc_width(1, False, 8, True, 8) == 16
    assert pack_weights(np.array([[1, -1], [-2, 0]]), 2) == 0b00_10_11_01


@pytest.mark.parametrize("case", list(CASES))
def test_mvu(case):
    mw, mh, pe, simd, binary, in_width, in_signed, w_width, side_width, weight_mem = CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)))
    w = make_weights(mw, mh, bool(binary), w_width, rng)
    aw = acc_width(mw, bool(binary), in_width, bool(in_signed), w_width)
    params = dict(MW=mw, MH=mh, PE=pe, SIMD=simd, BINARY=binary, IN_WIDTH=in_width, IN_SIGNED=in_signed,
                  W_WIDTH=w_width, ACC_WIDTH=aw, SIDE_WIDTH=side_width, WEIGHT_MEM=weight_mem)
    nbits = mh * mw * w_width
    hdl_params = dict(params, WEIGHTS=verilog_hex(pack_weights(w, w_width), nbits))
    cfg = {"params": params, "w": w.tolist(), "seed": int(rng.integers(1 << 30))}
    pythonpath = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    run_cocotb(
        toplevel="mvu",
        sources=rtl_sources("mvu"),
        test_module="sim.test_mvu",
        case=case,
        parameters=hdl_params,
        extra_env={"MVU_CFG": json.dumps(cfg), "PYTHONPATH": pythonpath},
    )
