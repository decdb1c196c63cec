"""skip_add: join two vector streams, align binary points, add, round half to even, saturate.

    y = clip(rhe_shift((a << A_SHIFT) + (b << B_SHIFT), S), Y_MIN, Y_MAX)

RTL: hw/rtl/skip_add.v (needs hw/rtl/rhe_shift.v).  In the network it adds the tail output (a, signed)
to the ×16 bilinear image skip (b, unsigned 12-bit) and produces uint8.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from hw.numerics import clip, int_range, rhe_shift


@dataclass(frozen=True)
class SkipAddParams:
    """Parameters of one skip_add instance (names as the Verilog parameters)."""
    N: int
    A_WIDTH: int
    A_SIGNED: int
    A_SHIFT: int
    B_WIDTH: int
    B_SIGNED: int
    B_SHIFT: int
    S: int
    Y_WIDTH: int
    Y_SIGNED: int

    def __post_init__(self) -> None:
        for name in ("A_SIGNED", "B_SIGNED", "Y_SIGNED"):
            object.__setattr__(self, name, int(bool(getattr(self, name))))
        if self.A_SHIFT < 0 or self.B_SHIFT < 0:
            raise ValueError("A_SHIFT and B_SHIFT must be >= 0")
        if self.N < 1 or self.A_WIDTH < 1 or self.B_WIDTH < 1 or self.Y_WIDTH < 1 + self.Y_SIGNED:
            raise ValueError("bad N / widths")

    @property
    def a_range(self) -> tuple[int, int]:
        return int_range(self.A_WIDTH, bool(self.A_SIGNED))

    @property
    def b_range(self) -> tuple[int, int]:
        return int_range(self.B_WIDTH, bool(self.B_SIGNED))

    @property
    def y_range(self) -> tuple[int, int]:
        return int_range(self.Y_WIDTH, bool(self.Y_SIGNED))

    latency = 1  # m_axis_tvalid the cycle after the joint handshake

    def verilog_params(self) -> dict[str, int]:
        return {k: int(v) for k, v in asdict(self).items()}


def skip_add_sum(a: np.ndarray, b: np.ndarray, p: SkipAddParams) -> np.ndarray:
    """The aligned sum before rounding, int64."""
    return (np.asarray(a, dtype=np.int64) << p.A_SHIFT) + (np.asarray(b, dtype=np.int64) << p.B_SHIFT)


def skip_add_ref(a: np.ndarray, b: np.ndarray, params: SkipAddParams) -> np.ndarray:
    """a[..., N], b[..., N] -> y[..., N], int64, bit exact with skip_add.v."""
    return clip(rhe_shift(skip_add_sum(a, b, params), params.S), *params.y_range)
