"""spatial_map: the Spatial attention map of a block, per pixel, from the block input (hw/rtl/spatial_map.v).

The model (model/attention.py, SpatialAttention) computes from the block input X (C signed values on the
residual grid)::

    acc   = sum_c W[c] * X[c] + B                   1x1 conv C->1, power-of-two weights, bias on acc's grid
    logit = clip(rhe_shift(acc, S), L_MIN, L_MAX)   L_WIDTH-bit signed (the logit quantiser)
    map   = TABLE[logit]                            = clip(round(sigmoid(logit * 2^-F_L) * 2^MAP_WIDTH))

so the sigmoid is a 2^L_WIDTH-entry table of MAP_WIDTH-bit unsigned values (the map quantiser, k * 2^-8).
The table is built by :func:`sigmoid_table` in float64, as the golden model evaluates it; entry ``i`` holds
the map of the logit whose two's-complement bits are ``i`` (so the RTL indexes it with the logit's bits).
requant (HAS_MAP) multiplies its RPReLU output by the map before the output rounding.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from hw.numerics import bits_for_range, clip, int_range, pack, rhe_shift, verilog_hex


def sigmoid_table(logit_frac: int, logit_width: int = 8, map_width: int = 8, map_frac: int | None = None
                  ) -> tuple[int, ...]:
    """Entry i: clip(round_half_even(sigmoid(L * 2^-logit_frac) * 2^map_frac), 0, 2^map_width - 1)
    for the logit L whose ``logit_width``-bit two's-complement pattern is i (float64, like the golden);
    ``map_frac`` defaults to ``map_width`` (the map k * 2^-8 of 8 bits)."""
    map_frac = map_width if map_frac is None else map_frac
    idx = np.arange(1 << logit_width, dtype=np.int64)
    logit = np.where(idx >= 1 << (logit_width - 1), idx - (1 << logit_width), idx).astype(np.float64)
    s = 1.0 / (1.0 + np.exp(-logit * 2.0 ** -logit_frac))
    m = np.clip(np.round(s * 2.0 ** map_frac), 0, (1 << map_width) - 1)
    return tuple(int(v) for v in m)


@dataclass(frozen=True)
class SpatialMapParams:
    """Parameters of one spatial_map instance (names as the Verilog parameters, without requant's MAP_)."""
    C: int
    EW: int          # width of the signed input elements (the residual stream)
    W: tuple         # C signed weights
    B: int           # bias on the accumulator grid
    S: int           # shift from the accumulator grid to the logit grid (> 0 rounds half to even)
    L_WIDTH: int     # logit width (signed); the table has 2^L_WIDTH entries
    MAP_WIDTH: int   # map width (unsigned)
    TABLE: tuple     # 2^L_WIDTH map values, entry = logit bits
    PE: int = 1      # multipliers: the core takes C/PE + 1 cycles per beat
    W_WIDTH: int = 0  # 0: derive from W
    B_WIDTH: int = 0  # 0: derive from B

    def __post_init__(self) -> None:
        object.__setattr__(self, "W", tuple(int(v) for v in self.W))
        object.__setattr__(self, "TABLE", tuple(int(v) for v in self.TABLE))
        object.__setattr__(self, "B", int(self.B))
        need_w = bits_for_range(min(min(self.W), -1), max(self.W))[0]
        need_b = bits_for_range(min(self.B, -1), self.B)[0]
        for name, need in (("W_WIDTH", need_w), ("B_WIDTH", need_b)):
            if getattr(self, name) == 0:
                object.__setattr__(self, name, need)
            elif getattr(self, name) < need:
                raise ValueError(f"spatial_map: {name}={getattr(self, name)} too small (needs {need})")
        if len(self.W) != self.C:
            raise ValueError(f"spatial_map: {len(self.W)} weights for C={self.C}")
        if len(self.TABLE) != 1 << self.L_WIDTH:
            raise ValueError(f"spatial_map: TABLE needs 2^L_WIDTH = {1 << self.L_WIDTH} entries")
        if min(self.TABLE) < 0 or max(self.TABLE) >= 1 << self.MAP_WIDTH:
            raise ValueError(f"spatial_map: TABLE values must be unsigned {self.MAP_WIDTH}-bit")
        if self.PE < 1 or self.C % self.PE:
            raise ValueError(f"spatial_map: PE={self.PE} must divide C={self.C}")
        if self.L_WIDTH < 2 or self.EW < 2:
            raise ValueError("spatial_map: L_WIDTH and EW must be >= 2")

    @property
    def cycles_per_beat(self) -> int:
        """C/PE multiply folds, then one cycle in which the map is on top and the beat leaves."""
        return self.C // self.PE + 1

    def verilog_params(self) -> dict[str, int]:
        """Scalars as ints, W and TABLE packed (hw.numerics.pack)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["W"] = pack(self.W, self.W_WIDTH)
        out["TABLE"] = pack(self.TABLE, self.MAP_WIDTH)
        out["B"] = self.B & ((1 << self.B_WIDTH) - 1)
        return out

    def verilog_param_literals(self) -> dict[str, str]:
        widths = {"W": self.C * self.W_WIDTH, "TABLE": (1 << self.L_WIDTH) * self.MAP_WIDTH, "B": self.B_WIDTH}
        return {k: (verilog_hex(v, widths[k]) if k in widths else str(v)) for k, v in self.verilog_params().items()}

    def to_json(self) -> dict:
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v) for f in fields(self)}

    @classmethod
    def from_json(cls, d: dict) -> "SpatialMapParams":
        return cls(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items()})


def spatial_map_stages(x: np.ndarray, p: SpatialMapParams) -> dict[str, np.ndarray]:
    """x[N, C] (signed ints) -> {"acc", "logit", "map"}, each int64 [N]."""
    x = np.asarray(x, dtype=np.int64)
    if x.ndim != 2 or x.shape[1] != p.C:
        raise ValueError(f"spatial_map: x must be [N, {p.C}], got {x.shape}")
    acc = x @ np.asarray(p.W, dtype=np.int64) + p.B
    logit = clip(rhe_shift(acc, p.S), *int_range(p.L_WIDTH, True))
    table = np.asarray(p.TABLE, dtype=np.int64)
    return {"acc": acc, "logit": logit, "map": table[logit & ((1 << p.L_WIDTH) - 1)]}


def spatial_map_ref(x: np.ndarray, p: SpatialMapParams) -> np.ndarray:
    """x[N, C] -> map[N] (unsigned MAP_WIDTH-bit ints), bit-exact with spatial_map.v."""
    return spatial_map_stages(x, p)["map"]
