"""Verilator/cocotb regression of the pixel_shuffle core (sim/test_pixel_shuffle.py), and the reference's
equality with torch.nn.functional.pixel_shuffle."""
from __future__ import annotations

import numpy as np
import pytest

from hw.layers.pixel_shuffle import pixel_shuffle_ref
from sim.runner import rtl_sources, run_cocotb

CASES = {
    # MAX_W, DIM_BITS, LR frames (W x H) run in sequence without reset
    "w5": (dict(MAX_W=5, DIM_BITS=3), "3x2,5x4,1x1,2x3"),   # width == MAX_W, minimal DIM_BITS
    "w16": (dict(MAX_W=16, DIM_BITS=8), "16x3,7x5,2x2"),   # width == MAX_W, non power-of-two widths
}


@pytest.mark.parametrize("case", list(CASES))
def test_pixel_shuffle(case):
    params, frames = CASES[case]
    run_cocotb(
        "pixel_shuffle",
        rtl_sources("pixel_shuffle"),
        "sim.test_pixel_shuffle",
        case,
        parameters=params,
        extra_env={"PS_FRAMES": frames, "PS_SEED": str(len(case))},
    )


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (5, 4)])
def test_pixel_shuffle_ref_matches_torch(shape):
    torch = pytest.importorskip("torch")
    h, w = shape
    lr = np.random.default_rng(h * 10 + w).integers(0, 256, size=(h, w, 12))
    t = torch.nn.functional.pixel_shuffle(torch.tensor(lr).permute(2, 0, 1), 2)  # (12,H,W) CRD -> (3,2H,2W)
    assert np.array_equal(pixel_shuffle_ref(lr), t.permute(1, 2, 0).numpy())
    assert pixel_shuffle_ref(lr.astype(np.uint8)).dtype == np.uint8
