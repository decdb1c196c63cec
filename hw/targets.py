"""Boards the flow builds for."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    name: str
    part: str
    clock_mhz: float
    device: dict  # LUT, FF, BRAM36, DSP totals of the part
    max_width: int  # maximum LR frame width (line-buffer depth); the driver tiles wider images
    max_height: int
    target_cycles_per_pixel: int  # default folding goal (mvu cycles per LR pixel)


TARGETS = {
    "pynq-z2": Target(name="pynq-z2", part="xc7z020clg400-1", clock_mhz=100.0,
                      device={"LUT": 53200, "FF": 106400, "BRAM36": 140, "DSP": 220},
                      max_width=128, max_height=2048, target_cycles_per_pixel=32),
}


def get_target(name: str) -> Target:
    if name not in TARGETS:
        raise KeyError(f"unknown target {name!r}; known targets: {', '.join(sorted(TARGETS))}")
    return TARGETS[name]
