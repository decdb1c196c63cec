"""Block-RAM estimate of one memory on the 7-series (xc7): the shape Yosys maps it to, counted in BRAM36."""
from __future__ import annotations

RAMB18_SHAPES = ((16384, 1), (8192, 2), (4096, 4), (2048, 9), (1024, 18), (512, 36))  # depth x width (SDP)


def bram36(depth: int, width: int) -> float:
    """BRAM36 of a ``depth`` x ``width`` memory in the RAMB18 shape that needs fewest (two RAMB18 to a
    BRAM36; a RAMB36 in 512 x 72 is two RAMB18 of 512 x 36)."""
    return min(-(-depth // d) * -(-width // w) for d, w in RAMB18_SHAPES) / 2
