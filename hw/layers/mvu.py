"""Matrix-vector unit (``hw/rtl/mvu.v``): numpy reference, WEIGHTS packing and accumulator sizing.

``mvu_ref`` is the golden model of one MVU beat per row of ``x``; the RTL matches it bit for bit.
Binary mode: bits 0/1 stand for -1/+1 (see :func:`hw.numerics.bipolar`), the result is
``2*popcount(~(x ^ w)) - MW``.  Multi-bit mode: plain integer dot products.
"""
from __future__ import annotations

import numpy as np

from hw.numerics import bipolar, bits_for_range, int_range, pack


def mvu_ref(x: np.ndarray, w: np.ndarray, binary: bool) -> np.ndarray:
    """acc[N, MH] (int64) of x[N, MW] and w[MH, MW].

    binary: x and w hold bits (1 = +1, 0 = -1); acc = sum of bipolar products = 2*popcount(xnor) - MW.
    otherwise: x and w hold integers; acc = x @ w.T.
    """
    x = np.asarray(x, dtype=np.int64)
    w = np.asarray(w, dtype=np.int64)
    if x.ndim != 2 or w.ndim != 2 or x.shape[1] != w.shape[1]:
        raise ValueError(f"mvu_ref: x {x.shape} and w {w.shape} must be [N, MW] and [MH, MW]")
    if binary:
        if ((x != 0) & (x != 1)).any() or ((w != 0) & (w != 1)).any():
            raise ValueError("mvu_ref: binary mode takes bits 0/1")
        x, w = bipolar(x), bipolar(w)
    return x @ w.T


def pack_weights(w: np.ndarray, w_width: int) -> int:
    """WEIGHTS parameter value: W[h][w] at bit offset (h*MW + w)*w_width (two's complement).

    Binary mode: w holds bits and ``w_width`` is 1.
    """
    w = np.asarray(w, dtype=np.int64)
    if w.ndim != 2:
        raise ValueError("pack_weights: w must be [MH, MW]")
    lo, hi = (0, 1) if w_width == 1 else int_range(w_width, True)
    if w.size and (w.min() < lo or w.max() > hi):
        raise ValueError(f"pack_weights: weights outside [{lo}, {hi}] for w_width={w_width}")
    return pack(w.reshape(-1), w_width)


def dot_range(mw: int, binary: bool, in_width: int = 1, in_signed: bool = False,
              w_width: int = 1) -> tuple[int, int]:
    """(min, max) a dot product of ``mw`` elements can take (binary: [-mw, mw])."""
    if binary:
        return -mw, mw
    xlo, xhi = int_range(in_width, in_signed)
    wlo, whi = int_range(w_width, True)
    corners = [xlo * wlo, xlo * whi, xhi * wlo, xhi * whi]
    return mw * min(corners), mw * max(corners)


def acc_width(mw: int, binary: bool, in_width: int = 1, in_signed: bool = False, w_width: int = 1) -> int:
    """Minimal signed ACC_WIDTH holding every possible dot product (what mvu.v checks against).

    binary: clog2(mw + 1) + 1.  Multi-bit: signed width of [mw*min product, mw*max product].
    """
    lo, hi = dot_range(mw, binary, in_width, in_signed, w_width)
    width, signed = bits_for_range(lo, hi)
    if not signed:  # hi > 0 = lo: still a signed result
        width += 1
    return width
