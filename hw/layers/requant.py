"""requant: per-channel fixed-point scale/bias, RPReLU, requantisation and residual add.

Per channel c of a vector of C accumulators (the RTL is hw/rtl/requant.v, which needs hw/rtl/rhe_shift.v)::

    z = acc*K[c] + B[c]
    t = clip(rhe_shift(z, S1), T_MIN, T_MAX)                       T_WIDTH-bit signed
    if HAS_PRELU: u = t >= 0 ? t << BETA_FRAC : t*BETA[c];  v = u + ZETA[c]
    else:         v = t
    if HAS_MAP:   v = v * map                                      map: one unsigned MAP_WIDTH value per vector
    y = clip(rhe_shift(v, S2), Y_MIN, Y_MAX)                       Y_WIDTH bits, Y_SIGNED
    if HAS_RESIDUAL: y = clip(y + res[c], Y_MIN, Y_MAX)
    if HAS_SKIP_MAP (instead): y = clip(rhe_shift(res[c] * skip_map + (y << SKIP_FRAC), SKIP_FRAC), Y_MIN, Y_MAX)

:class:`RequantParams` holds everything the core needs; the compiler builds it (usually through
:meth:`RequantParams.from_constants`, which sizes the constant widths with :func:`requant_const_widths`)
and writes :meth:`RequantParams.verilog_params` into the instance.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Sequence

import numpy as np

from hw.numerics import bits_for_range, clip, int_range, pack, rhe_shift, verilog_hex


def signed_width(lo: int, hi: int) -> int:
    """Smallest two's-complement width holding every integer in [lo, hi] (>= 1)."""
    w, _ = bits_for_range(min(int(lo), -1), int(hi))
    return w


def requant_const_widths(k, b, beta=None, zeta=None) -> dict[str, int]:
    """Minimal signed widths of the per-channel constants, from their integer bounds.

    Returns ``K_WIDTH``, ``B_WIDTH``, ``BETA_WIDTH``, ``ZETA_WIDTH`` (the PReLU ones are 1 when the
    constants are absent).  The core treats all four as signed.
    """
    def w(a) -> int:
        if a is None or len(a) == 0:
            return 1
        a = np.asarray(a, dtype=np.int64)
        return signed_width(int(a.min()), int(a.max()))

    return {"K_WIDTH": w(k), "B_WIDTH": w(b), "BETA_WIDTH": w(beta), "ZETA_WIDTH": w(zeta)}


def requant_internal_widths(p: "RequantParams") -> dict[str, int]:
    """The internal widths requant.v derives (localparams), for information and checks."""
    prod = p.ACC_WIDTH + p.K_WIDTH
    z_w = max(prod, p.B_WIDTH) + 1
    m_w = max(p.BETA_WIDTH, p.BETA_FRAC + 1) + 1
    v_w = max(p.T_WIDTH + m_w, p.ZETA_WIDTH) + 1 if p.HAS_PRELU else p.T_WIDTH
    q_w = v_w + p.MAP_WIDTH + 1 if p.HAS_MAP else v_w
    out = {"Z_W": z_w, "M_W": m_w, "V_W": v_w, "Q_W": q_w, "R_W": p.Y_WIDTH + 2}
    if p.HAS_SKIP_MAP:
        out["RM_W"] = p.Y_WIDTH + p.MAP_WIDTH + 1
        out["SS_W"] = max(out["RM_W"], p.Y_WIDTH + p.SKIP_FRAC) + 1
    return out


@dataclass(frozen=True)
class RequantParams:
    """All parameters of one requant instance (names as the Verilog parameters).

    Per-channel constants are tuples of python ints (length C); BETA / ZETA are ignored (and may be
    empty) when HAS_PRELU is 0.
    """
    C: int
    PE: int
    ACC_WIDTH: int
    K: tuple
    B: tuple
    S1: int
    T_WIDTH: int
    S2: int
    Y_WIDTH: int
    Y_SIGNED: int = 1
    HAS_PRELU: int = 0
    BETA: tuple = ()
    BETA_FRAC: int = 0
    ZETA: tuple = ()
    HAS_RESIDUAL: int = 0
    HAS_MAP: int = 0       # the Spatial attention map (hw/layers/spatial_map.py) multiplies v
    MAP_WIDTH: int = 8
    HAS_SKIP_MAP: int = 0  # Both-Spatial-Spatial: the residual is scaled by its own map before the add
    SKIP_FRAC: int = 8     # fraction bits of the skip map
    K_WIDTH: int = 0       # 0: derive from K
    B_WIDTH: int = 0       # 0: derive from B
    BETA_WIDTH: int = 0    # 0: derive from BETA
    ZETA_WIDTH: int = 0    # 0: derive from ZETA

    def __post_init__(self) -> None:
        def put(name, value):
            object.__setattr__(self, name, value)

        for name in ("K", "B", "BETA", "ZETA"):
            put(name, tuple(int(v) for v in getattr(self, name)))
        for name in ("HAS_PRELU", "HAS_RESIDUAL", "HAS_MAP", "HAS_SKIP_MAP", "Y_SIGNED"):
            put(name, int(bool(getattr(self, name))))
        if not self.HAS_PRELU:
            put("BETA", self.BETA or (0,) * self.C)
            put("ZETA", self.ZETA or (0,) * self.C)
        derived = requant_const_widths(self.K, self.B, self.BETA, self.ZETA)
        for name, w in derived.items():
            if getattr(self, name) == 0:
                put(name, w)
            elif getattr(self, name) < w:
                raise ValueError(f"{name}={getattr(self, name)} too small for its constants (needs {w})")
        if self.C < 1 or self.PE < 1 or self.C % self.PE:
            raise ValueError(f"PE={self.PE} must divide C={self.C}")
        for name in ("K", "B", "BETA", "ZETA"):
            if len(getattr(self, name)) != self.C:
                raise ValueError(f"{name} needs {self.C} values")
        if self.T_WIDTH < 2 or self.Y_WIDTH < 1 + self.Y_SIGNED or self.ACC_WIDTH < 1:
            raise ValueError("bad T_WIDTH / Y_WIDTH / ACC_WIDTH")
        if self.BETA_FRAC < 0:
            raise ValueError("BETA_FRAC must be >= 0")
        if self.HAS_SKIP_MAP and not (self.HAS_RESIDUAL and self.HAS_MAP):
            raise ValueError("HAS_SKIP_MAP needs HAS_RESIDUAL and HAS_MAP")
        if self.HAS_SKIP_MAP and self.SKIP_FRAC < 1:
            raise ValueError("SKIP_FRAC must be >= 1")

    @classmethod
    def from_constants(cls, *, C: int | None = None, PE: int, ACC_WIDTH: int, K, B, S1: int, T_WIDTH: int,
                       S2: int, Y_WIDTH: int, Y_SIGNED: int = 1, BETA=None, BETA_FRAC: int = 0, ZETA=None,
                       HAS_RESIDUAL: int = 0, HAS_MAP: int = 0, MAP_WIDTH: int = 8, HAS_SKIP_MAP: int = 0,
                       SKIP_FRAC: int = 8) -> "RequantParams":
        """Build with minimal constant widths; HAS_PRELU follows from BETA being given."""
        k = tuple(int(v) for v in np.asarray(K).reshape(-1))
        has_prelu = BETA is not None
        return cls(C=C or len(k), PE=PE, ACC_WIDTH=ACC_WIDTH, K=k, B=tuple(np.asarray(B).reshape(-1).tolist()),
                   S1=S1, T_WIDTH=T_WIDTH, S2=S2, Y_WIDTH=Y_WIDTH, Y_SIGNED=Y_SIGNED,
                   HAS_PRELU=int(has_prelu),
                   BETA=tuple(np.asarray(BETA).reshape(-1).tolist()) if has_prelu else (),
                   BETA_FRAC=BETA_FRAC,
                   ZETA=tuple(np.asarray(ZETA if ZETA is not None else np.zeros(len(k))).reshape(-1).tolist())
                   if has_prelu else (),
                   HAS_RESIDUAL=HAS_RESIDUAL, HAS_MAP=HAS_MAP, MAP_WIDTH=MAP_WIDTH, HAS_SKIP_MAP=HAS_SKIP_MAP,
                   SKIP_FRAC=SKIP_FRAC)

    # ------------------------------------------------------------------ ranges
    @property
    def t_range(self) -> tuple[int, int]:
        return int_range(self.T_WIDTH, True)

    @property
    def y_range(self) -> tuple[int, int]:
        return int_range(self.Y_WIDTH, bool(self.Y_SIGNED))

    @property
    def latency(self) -> int:
        """Cycles from the input handshake (last fold) to m_axis_tvalid, without back-pressure."""
        return 4 + self.HAS_PRELU + self.HAS_MAP + self.HAS_RESIDUAL

    @property
    def in_width(self) -> int:
        return (self.C * self.ACC_WIDTH + (self.C * self.Y_WIDTH if self.HAS_RESIDUAL else 0)
                + (self.MAP_WIDTH if self.HAS_MAP else 0) + (self.MAP_WIDTH if self.HAS_SKIP_MAP else 0))

    # ------------------------------------------------------------------ Verilog
    def verilog_params(self) -> dict[str, int]:
        """Parameter dict of requant.v: scalars as ints, K/B/BETA/ZETA packed with hw.numerics.pack."""
        out: dict[str, int] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in ("K", "B", "BETA", "ZETA"):
                out[f.name] = pack(v, getattr(self, f.name + "_WIDTH"))
            else:
                out[f.name] = int(v)
        return out

    def verilog_param_widths(self) -> dict[str, int]:
        """Bit widths of the wide (packed) parameters."""
        return {n: self.C * getattr(self, n + "_WIDTH") for n in ("K", "B", "BETA", "ZETA")}

    def verilog_param_literals(self) -> dict[str, str]:
        """verilog_params() as Verilog literal strings (wide ones sized hex), e.g. for -G / chparam."""
        widths = self.verilog_param_widths()
        return {n: (verilog_hex(v, widths[n]) if n in widths else str(v)) for n, v in self.verilog_params().items()}

    def to_json(self) -> dict:
        return {f.name: (list(getattr(self, f.name)) if isinstance(getattr(self, f.name), tuple)
                         else getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_json(cls, d: dict) -> "RequantParams":
        return cls(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items()})


def requant_stages(acc: np.ndarray, res: np.ndarray | None, p: RequantParams,
                   map_: np.ndarray | None = None, skip_map: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Every intermediate of the requant arithmetic (z, t, v, y0 before the residual, y), int64 [N, C].

    ``map_`` [N]: the per-vector map (HAS_MAP only); v is then the product v * map.  ``skip_map`` [N]: the
    per-vector map of the residual (HAS_SKIP_MAP only).
    """
    acc = np.asarray(acc, dtype=np.int64)
    k = np.asarray(p.K, dtype=np.int64)
    b = np.asarray(p.B, dtype=np.int64)
    z = acc * k + b
    t = clip(rhe_shift(z, p.S1), *p.t_range)
    if p.HAS_PRELU:
        beta = np.asarray(p.BETA, dtype=np.int64)
        zeta = np.asarray(p.ZETA, dtype=np.int64)
        u = np.where(t >= 0, t << p.BETA_FRAC, t * beta)
        v = u + zeta
    else:
        v = t
    if p.HAS_MAP:
        if map_ is None:
            raise ValueError("HAS_MAP needs the map")
        v = v * np.asarray(map_, dtype=np.int64).reshape(-1, 1)
    y0 = clip(rhe_shift(v, p.S2), *p.y_range)
    if p.HAS_RESIDUAL:
        if res is None:
            raise ValueError("HAS_RESIDUAL needs res")
        r = np.asarray(res, dtype=np.int64)
        if p.HAS_SKIP_MAP:
            if skip_map is None:
                raise ValueError("HAS_SKIP_MAP needs the skip map")
            sm = np.asarray(skip_map, dtype=np.int64).reshape(-1, 1)
            y = clip(rhe_shift(r * sm + (y0 << p.SKIP_FRAC), p.SKIP_FRAC), *p.y_range)
        else:
            y = clip(y0 + r, *p.y_range)
    else:
        y = y0
    return {"z": z, "t": t, "v": v, "y0": y0, "y": y}


def requant_ref(acc: np.ndarray, res: np.ndarray | None, params: RequantParams,
                map_: np.ndarray | None = None, skip_map: np.ndarray | None = None) -> np.ndarray:
    """acc[N, C] (and res[N, C] when HAS_RESIDUAL, map[N] when HAS_MAP, skip_map[N] when HAS_SKIP_MAP)
    -> y[N, C], int64, bit exact with requant.v."""
    return requant_stages(acc, res, params, map_, skip_map)["y"]


def requant_pack_input(acc: Sequence[int], res: Sequence[int] | None, p: RequantParams,
                       map_: int | None = None, skip_map: int | None = None) -> int:
    """One input beat {skip_map, map, res, acc} as an integer word."""
    word = pack(acc, p.ACC_WIDTH)
    if p.HAS_RESIDUAL:
        word |= pack(res, p.Y_WIDTH) << (p.C * p.ACC_WIDTH)
    if p.HAS_MAP:
        word |= int(map_) << (p.C * p.ACC_WIDTH + (p.C * p.Y_WIDTH if p.HAS_RESIDUAL else 0))
    if p.HAS_SKIP_MAP:
        word |= int(skip_map) << (p.C * p.ACC_WIDTH + p.C * p.Y_WIDTH + p.MAP_WIDTH)
    return word
