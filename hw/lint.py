"""``make lint``: ``verilator --lint-only -Wall`` on every hand-written core, with its default parameters and
with the parameter sets in VARIANTS (code paths the defaults leave out)."""
from __future__ import annotations

import subprocess
import sys

from hw.codegen import CORES, RTL
from sim.runner import ensure_verilator_on_path


# core -> extra parameter sets (-G overrides) to lint besides the defaults
VARIANTS = {
    "stream_fifo": [["-GASYNC_READ=1"]],
    "sliding_window": [["-GC=8", "-GSIGNS=1", "-GLB_BEATS=4", "-GMAX_W=128", "-GDIM_BITS=9"],
                       ["-GC=4", "-GREPLICATE=1", "-GLB_BEATS=2"],
                       # the BBCU block's shift before Sign (signs stored beside the pixel), whole and in slices
                       ["-GC=8", "-GSIGNS=1", "-GSHIFT_EN=1", "-GSHIFT=72'h1ff_0000_0000_0000_80"],
                       ["-GC=8", "-GSIGNS=1", "-GSHIFT_EN=1", "-GLB_BEATS=4", "-GMAX_W=128", "-GDIM_BITS=9"]],
    "conv_layer": [["-GLB_BEATS=4"],
                   ["-GRQ_HAS_RESIDUAL=1", "-GRQ_HAS_PRELU=1", "-GSHIFT_EN=1", "-GLB_BEATS=4"],  # BBCU
                   # Single-Spatial and Both-Spatial-Spatial blocks (the maps between window and mvu)
                   ["-GRQ_HAS_RESIDUAL=1", "-GRQ_HAS_PRELU=1", "-GRQ_HAS_MAP=1"],
                   ["-GRQ_HAS_RESIDUAL=1", "-GRQ_HAS_PRELU=1", "-GRQ_HAS_MAP=1", "-GRQ_HAS_SKIP_MAP=1"]],
}


def main() -> int:
    ensure_verilator_on_path()
    srcs = [str(RTL / f"{c}.v") for c in CORES]
    bad = 0
    for core, params in [(c, []) for c in CORES] + [(c, v) for c, vs in VARIANTS.items() for v in vs]:
        r = subprocess.run(["verilator", "--lint-only", "-Wall", *params, "--top-module", core, *srcs],
                           capture_output=True, text=True)
        status = "ok" if r.returncode == 0 else "FAIL"
        print(f"{core:20s} {' '.join(params) or '(defaults)'}: {status}")
        if r.returncode:
            print(r.stderr[-3000:])
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
