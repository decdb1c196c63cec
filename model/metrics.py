"""PSNR / SSIM on the Y channel (float64), the standard SR protocol (BasicSR ``calculate_psnr/ssim``)."""
from __future__ import annotations

import numpy as np


def rgb_to_y(img_u8: np.ndarray) -> np.ndarray:
    """ITU-R BT.601 luma of a uint8 RGB image, in [16, 235] (float64): 16 + (65.481 R + 128.553 G + 24.966 B)/255."""
    x = np.asarray(img_u8, dtype=np.float64) / 255.0
    return 16.0 + x @ np.array([65.481, 128.553, 24.966])


def luma(img_u8: np.ndarray, gray: bool = False) -> np.ndarray:
    """The channel the protocol measures: BT.601 Y in [16, 235] of an RGB image; for an image that was
    published as 1-channel gray, the gray level itself in [0, 255] (the benchmark MATLAB scripts use a
    1-channel image as it is, without rgb2ycbcr), i.e. (Y - 16) * 255 / 219 of its RGB replica."""
    y = rgb_to_y(img_u8)
    return (y - 16.0) * 255.0 / 219.0 if gray else y


def psnr_y(sr: np.ndarray, hr: np.ndarray, shave: int, gray: bool = False) -> float:
    """PSNR (dB) between the Y channels of two uint8 RGB images, ``shave`` border pixels removed
    (``gray``: the image was published 1-channel, see :func:`luma`)."""
    if sr.shape != hr.shape:
        raise ValueError(f"shape mismatch {sr.shape} vs {hr.shape}")
    a, b = luma(sr, gray), luma(hr, gray)
    if shave:
        a, b = a[shave:-shave, shave:-shave], b[shave:-shave, shave:-shave]
    mse = np.mean((a - b) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0 ** 2 / mse))


def ssim_y(sr: np.ndarray, hr: np.ndarray, shave: int, gray: bool = False) -> float:
    """SSIM on Y (Gaussian window 11, sigma 1.5, valid region; Wang et al. 2004 / BasicSR)."""
    a, b = luma(sr, gray), luma(hr, gray)
    if shave:
        a, b = a[shave:-shave, shave:-shave], b[shave:-shave, shave:-shave]
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    g = np.exp(-((np.arange(11) - 5) ** 2) / (2 * 1.5 ** 2))
    g /= g.sum()

    def filt(x):
        x = np.apply_along_axis(lambda r: np.convolve(r, g, mode="valid"), 1, x)
        return np.apply_along_axis(lambda c: np.convolve(c, g, mode="valid"), 0, x)

    mu1, mu2 = filt(a), filt(b)
    s11, s22, s12 = filt(a * a) - mu1 ** 2, filt(b * b) - mu2 ** 2, filt(a * b) - mu1 * mu2
    m = ((2 * mu1 * mu2 + c1) * (2 * s12 + c2)) / ((mu1 ** 2 + mu2 ** 2 + c1) * (s11 + s22 + c2))
    return float(m.mean())
