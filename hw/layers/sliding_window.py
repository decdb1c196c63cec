"""Numpy reference of the ``sliding_window`` core: 3x3 windows with zero or edge-replicate padding."""
from __future__ import annotations

import numpy as np

from hw.layers.bram import bram36
from hw.numerics import pack, sign_bit


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


def sign_windows(img: np.ndarray, shift: np.ndarray | None = None) -> np.ndarray:
    """Sign bits of the zero-padded 3x3 windows of an XNOR layer's input: ``bits[H, W, 9, C]``, 1 (+1) where
    ``tap + shift >= 0`` (``shift``: per channel, on the input's integer grid; None: 0), and 1 for every tap
    outside the frame (the model shifts before it pads: Sign(pad(x + shift)), and Sign(0) = +1)."""
    img = np.asarray(img, dtype=np.int64)
    win = sliding_window_ref(img, replicate=False)
    if shift is None:
        return sign_bit(win)
    inside = sliding_window_ref(np.ones(img.shape[:2] + (1,), dtype=np.int64), replicate=False) == 1
    return np.where(inside, sign_bit(win + np.asarray(shift, dtype=np.int64)), 1)


def pack_windows(win: np.ndarray, ew: int) -> list[int]:
    """Stream words of ``win[H, W, 9, C]``: tap t at bits ``[t*C*ew +: C*ew]``, channel i of a tap at
    ``[i*ew +: ew]`` within it; one word per pixel, raster order."""
    h, w, nt, c = win.shape
    return [pack(win[y, x].reshape(nt * c), ew) for y in range(h) for x in range(w)]


def pack_sign_windows(win: np.ndarray, ew: int, signs: np.ndarray | None = None) -> list[int]:
    """Stream words of the SIGNS=1 window: the sign bits of every tap (bit ``t*C + i`` = 1 where element i of
    tap t is >= 0 as an ``ew``-bit two's-complement number, i.e. its msb is 0; or ``signs[H, W, 9, C]``, e.g.
    :func:`sign_windows` with a shift) and the centre tap in full above them, at ``[9*C +: C*ew]``; one word
    per pixel, raster order."""
    h, w, nt, c = win.shape
    if signs is None:
        signs = 1 - ((np.asarray(win, dtype=np.int64) >> (ew - 1)) & 1)
    return [pack(signs[y, x].reshape(nt * c), 1) | (pack(win[y, x, 4], ew) << (nt * c))
            for y in range(h) for x in range(w)]


# Yosys (synth_xilinx) mapped a 64-channel window's line buffers to LUT RAM up to 64 pixels deep and to block
# RAM from 128 (MAX_W 32 / 64: 0 BRAM36, 388 / 772 LUTs as memory; 128: 8.5 BRAM36)
LUTRAM_DEPTH = 64


def line_buffer_bram36(c: int, ew: int, signs: bool, max_width: int, beats: int, shift: bool = False) -> float:
    """Estimated BRAM36 of the window's two line buffers (``sliding_window.v``): row r-1 in full (C*ew bits
    per pixel; with a ``shift`` before Sign its C sign bits beside) and row r-2 in full or, for an XNOR layer
    (``signs``), as C sign bits; ``max_width`` pixels deep, each pixel in ``beats`` slices (LB_BEATS)."""
    depth = max_width * beats
    row1 = c * ew + (c if signs and shift else 0)
    return bram36(depth, row1 // beats) + bram36(depth, (c if signs else c * ew) // beats)


def line_buffer_beats(c: int, ew: int, signs: bool, max_width: int, window_cycles: int, shift: bool = False) -> int:
    """LB_BEATS for a window of C channels of ``ew`` bits that may take ``window_cycles`` per pixel (the mvu's
    cycles per pixel, less a spatial map's: ``ConvLayer.window_cycles``): the fewest slices per pixel (a power
    of two dividing C) that give the fewest BRAM36 (``line_buffer_bram36``), among those whose N + 1 cycles
    per window position, twice at a row boundary, fit in ``window_cycles`` (so the window never holds the
    layer back; N = 1 is one position per cycle, always allowed).  Buffers at most
    LUTRAM_DEPTH pixels deep stay one pixel per word: Yosys puts them in LUT RAM, not block RAM."""
    if max_width <= LUTRAM_DEPTH:
        return 1
    best, best_bram = 1, line_buffer_bram36(c, ew, signs, max_width, 1, shift)
    n = 2
    while c % n == 0 and 2 * (n + 1) <= window_cycles:
        b = line_buffer_bram36(c, ew, signs, max_width, n, shift)
        if b < best_bram:
            best, best_bram = n, b
        n *= 2
    return best
