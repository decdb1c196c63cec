"""Reference for the ``bilinear_upsample`` core: x2 bilinear upsampling (align_corners=False), fixed point.

For LR pixel (i, j), channel c and HR sub-pixel (di, dj) (HR pixel (2i+di, 2j+dj)) the core outputs

    up16[i, j, c*4 + di*2 + dj] = 9*x[i, j] + 3*x[i+dv, j] + 3*x[i, j+dh] + x[i+dv, j+dh]

with dv = 2*di - 1, dh = 2*dj - 1 and row/column indices clamped to the frame (edge replicate).  That is
exactly 16x ``F.interpolate(scale_factor=2, mode='bilinear', align_corners=False)`` (weights 3/4, 1/4 per
axis; PyTorch clamps the source coordinate at the borders, which equals edge replication).
"""
from __future__ import annotations

import numpy as np


def bilinear_upsample_ref(img: np.ndarray) -> np.ndarray:
    """img[H, W, C] (unsigned ints, normally uint8 RGB) -> up16[H, W, 4*C] int64, k = c*4 + di*2 + dj.

    Computed directly from the image with edge clamping (not from sliding windows).
    """
    x = np.asarray(img).astype(np.int64)
    if x.ndim != 3:
        raise ValueError(f"expected img[H, W, C], got shape {x.shape}")
    h, w, c = x.shape
    rows = np.arange(h)
    cols = np.arange(w)
    out = np.empty((h, w, c, 2, 2), dtype=np.int64)
    for di in range(2):
        rv = np.clip(rows + (2 * di - 1), 0, h - 1)
        for dj in range(2):
            ch = np.clip(cols + (2 * dj - 1), 0, w - 1)
            out[:, :, :, di, dj] = (
                9 * x
                + 3 * x[rv, :, :]
                + 3 * x[:, ch, :]
                + x[rv][:, ch, :]
            )
    return out.reshape(h, w, 4 * c)
