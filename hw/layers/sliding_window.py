"""Numpy reference of the ``sliding_window`` core: 3x3 windows with zero or edge-replicate padding."""
from __future__ import annotations

import numpy as np

from hw.numerics import pack


def sliding_window_ref(img: np.ndarray, replicate: bool) -> np.ndarray:
    """3x3 window around every pixel of a frame, raster order.

    Args:
        img: ``[H, W, C]`` integers (any dtype; values are copied, not interpreted).
        replicate: False: taps outside the frame are 0; True: they take the nearest in-frame pixel
            (row and column clamped independently).

    Returns:
        ``win[H, W, 9, C]`` (dtype of ``img``) with ``win[y, x, 3*ky + kx] = img[y + ky - 1, x + kx - 1]``
        (ky, kx in 0..2), the padded value where that lies outside the frame; tap 4 is the centre.
    """
    img = np.asarray(img)
    if img.ndim != 3:
        raise ValueError(f"img must be [H, W, C], got shape {img.shape}")
    h, w, _ = img.shape
    padded = np.pad(img, ((1, 1), (1, 1), (0, 0)), mode="edge" if replicate else "constant")
    taps = [padded[ky:ky + h, kx:kx + w, :] for ky in range(3) for kx in range(3)]
    return np.stack(taps, axis=2)


def pack_windows(win: np.ndarray, ew: int) -> list[int]:
    """Stream words of ``win[H, W, 9, C]``: tap t at bits ``[t*C*ew +: C*ew]``, channel i of a tap at
    ``[i*ew +: ew]`` within it; one word per pixel, raster order."""
    h, w, nt, c = win.shape
    return [pack(win[y, x].reshape(nt * c), ew) for y in range(h) for x in range(w)]


def pack_sign_windows(win: np.ndarray, ew: int) -> list[int]:
    """Stream words of the SIGNS=1 window: the sign bits of every tap (bit ``t*C + i`` = 1 where element i of
    tap t is >= 0 as an ``ew``-bit two's-complement number, i.e. its msb is 0) and the centre tap in full
    above them, at ``[9*C +: C*ew]``; one word per pixel, raster order."""
    h, w, nt, c = win.shape
    signs = 1 - ((np.asarray(win, dtype=np.int64) >> (ew - 1)) & 1)
    return [pack(signs[y, x].reshape(nt * c), 1) | (pack(win[y, x, 4], ew) << (nt * c))
            for y in range(h) for x in range(w)]
