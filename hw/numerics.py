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
