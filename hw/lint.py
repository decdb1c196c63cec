"""``make lint``: ``verilator --lint-only -Wall`` on every hand-written core (default parameters)."""
from __future__ import annotations

import subprocess
import sys

from hw.codegen import CORES, RTL
from sim.runner import ensure_verilator_on_path


def main() -> int:
    ensure_verilator_on_path()
    srcs = [str(RTL / f"{c}.v") for c in CORES]
    bad = 0
    for core in CORES:
        r = subprocess.run(["verilator", "--lint-only", "-Wall", "--top-module", core, *srcs],
                           capture_output=True, text=True)
        status = "ok" if r.returncode == 0 else "FAIL"
        print(f"{core:20s} {status}")
        if r.returncode:
            print(r.stderr[-3000:])
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
