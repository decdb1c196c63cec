"""Integer arithmetic shared by the golden model, the per-layer numpy references and the RTL tests.

Everything the hardware computes is an integer times a power-of-two scale.  The few primitive
operations used to move between scales live here, once:

* :func:`rhe_shift` -- divide by ``2**s`` and round half to even (what ``torch.round`` /
  ``np.round`` and therefore Brevitas/QONNX ``Quant(rounding_mode="ROUND")`` do), or multiply by
  ``2**-s`` when ``s <= 0``.
* :func:`clip` -- saturate to ``[lo, hi]``.
* :func:`sign_bit` -- THE sign convention: ``x >= 0`` is +1 (bit 1), ``x < 0`` is -1 (bit 0).  This is
  Brevitas ``binary_sign`` / QONNX ``BipolarQuant``; the paper's Eq. 5 (0 -> -1) is *not* used.
* :func:`pack` / :func:`unpack` -- element ``i`` of a vector sits at bits ``[i*width +: width]``
  of a stream word (two's complement when signed).

All functions take and return numpy int64 arrays (python ints for pack/unpack).
"""
from __future__ import annotations

import re

import numpy as np


def rhe_shift(v: np.ndarray, s: int) -> np.ndarray:
    """Round-half-to-even of ``v / 2**s`` for s > 0; exact ``v * 2**-s`` for s <= 0. int64 in/out."""
    v = np.asarray(v, dtype=np.int64)
    if s <= 0:
        return v << (-s)
    q = v >> s  # floor
    r = v - (q << s)  # in [0, 2**s)
    half = np.int64(1) << (s - 1)
    up = (r > half) | ((r == half) & ((q & 1) == 1))
    return q + up.astype(np.int64)


def clip(v: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Saturate to [lo, hi] (int64)."""
    return np.clip(np.asarray(v, dtype=np.int64), lo, hi)


def int_range(width: int, signed: bool) -> tuple[int, int]:
    """(min, max) of a ``width``-bit integer."""
    if signed:
        return -(1 << (width - 1)), (1 << (width - 1)) - 1
    return 0, (1 << width) - 1


def sign_bit(x: np.ndarray) -> np.ndarray:
    """The project's one sign convention: 1 (meaning +1) where x >= 0, else 0 (meaning -1)."""
    return (np.asarray(x) >= 0).astype(np.int64)


def bipolar(bits: np.ndarray) -> np.ndarray:
    """Map bits {0,1} to {-1,+1}."""
    return 2 * np.asarray(bits, dtype=np.int64) - 1


def bits_for_range(lo: int, hi: int) -> tuple[int, bool]:
    """Smallest (width, signed) two's-complement/unsigned type holding every integer in [lo, hi]."""
    if lo >= 0:
        return max(1, int(hi).bit_length()), False
    w = 1
    while not (-(1 << (w - 1)) <= lo and hi <= (1 << (w - 1)) - 1):
        w += 1
    return w, True


def pack(values, width: int) -> int:
    """Pack a 1-D sequence of ints (any sign) into one integer word, element i at bits [i*width +: width]."""
    word = 0
    mask = (1 << width) - 1
    for i, v in enumerate(values):
        word |= (int(v) & mask) << (i * width)
    return word


# Verilator rejects a number literal wider than 65,536 bits ("Too many digits"); a C = 64 tail with 10-bit weights
# is 69,120.  Wider parameter values are written as a concatenation of literals of at most this many bits.
VERILOG_LITERAL_BITS = 32768


def verilog_hex(value: int, width: int) -> str:
    """``value`` (0 <= value < 2**width) as a sized Verilog hex literal, ``W'h...``; wider than
    :data:`VERILOG_LITERAL_BITS`, a concatenation ``{W1'h..., W0'h...}`` of such literals, most significant first."""
    value = int(value)
    if not 0 <= value < 1 << width:
        raise ValueError(f"{value:#x} does not fit {width} unsigned bits")
    chunks = []
    for lo in range(0, width, VERILOG_LITERAL_BITS):
        n = min(VERILOG_LITERAL_BITS, width - lo)
        chunks.append(f"{n}'h{(value >> lo) & ((1 << n) - 1):x}")
    return chunks[0] if len(chunks) == 1 else "{" + ", ".join(reversed(chunks)) + "}"


def parse_verilog_hex(text: str) -> tuple[int, int]:
    """Inverse of :func:`verilog_hex`: (value, width) of ``W'h...`` or a ``{...}`` concatenation of such literals."""
    parts = [t.strip() for t in text.strip().removeprefix("{").removesuffix("}").split(",")]
    value, width = 0, 0
    for part in parts:
        m = re.fullmatch(r"(\d+)'h([0-9a-fA-F_]+)", part)
        if not m:
            raise ValueError(f"not a sized hex literal: {part[:40]!r}")
        n = int(m.group(1))
        value, width = (value << n) | int(m.group(2).replace("_", ""), 16), width + n
    return value, width


def unpack(word: int, n: int, width: int, signed: bool) -> np.ndarray:
    """Inverse of :func:`pack`: n elements of ``width`` bits, two's complement if ``signed``."""
    mask = (1 << width) - 1
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        v = (int(word) >> (i * width)) & mask
        if signed and v >> (width - 1):
            v -= 1 << width
        out[i] = v
    return out
