"""Reference for the ``pixel_shuffle`` core: depth-to-space x2 reorder (PyTorch ``pixel_shuffle``, CRD order).

LR pixel (i, j) carries 12 values k = c*4 + di*2 + dj; HR pixel (2i+di, 2j+dj) colour c takes value k.
This equals ``torch.nn.functional.pixel_shuffle(t, 2)`` on the channel-major (12, H, W) tensor ``t``.
"""
from __future__ import annotations

import numpy as np


def pixel_shuffle_ref(lr: np.ndarray) -> np.ndarray:
    """lr[H, W, 4*C] -> hr[2H, 2W, C] (C = 3 for RGB), same dtype."""
    lr = np.asarray(lr)
    if lr.ndim != 3 or lr.shape[2] % 4:
        raise ValueError(f"expected lr[H, W, 4*C], got shape {lr.shape}")
    h, w, k = lr.shape
    c = k // 4
    # [i, j, c, di, dj] -> [i, di, j, dj, c]
    return lr.reshape(h, w, c, 2, 2).transpose(0, 3, 1, 4, 2).reshape(2 * h, 2 * w, c)
