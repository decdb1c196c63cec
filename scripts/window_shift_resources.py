"""Yosys xc7 figure of one binary layer's sliding_window with and without BBCU's shift before Sign (SHIFT_EN).

    python scripts/window_shift_resources.py   # about 3 min; writes reports/pynq-z2/window_shift_resources.json

Cases: the default's body window (C = 64, EW = 8, MAX_W = 128, LB_BEATS = 4) and a C = 16 window with one
pixel per line-buffer word; the shifts are random in [-60, 60).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hw.numerics import pack  # noqa: E402
from hw.synth import synth_xc7  # noqa: E402


def main() -> int:
    rng = np.random.default_rng(0)
    out = {}
    for c, beats in ((64, 4), (16, 1)):
        base = dict(C=str(c), EW="8", MAX_W="128", DIM_BITS="9", SIGNS="1", LB_BEATS=str(beats))
        shift = rng.integers(-60, 60, c)
        for name, p in (("plain", base), ("shift", {**base, "SHIFT_EN": "1", "SHIFT": f"{c * 9}'h{pack(shift, 9):x}"})):
            key = f"C{c}_beats{beats}_{name}"
            out[key] = synth_xc7([REPO / "hw/rtl/sliding_window.v"], "sliding_window",
                                 REPO / "build" / "window_shift" / key, p)["resources"]
            print(key, out[key], flush=True)
    path = REPO / "reports" / "pynq-z2" / "window_shift_resources.json"
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
