"""bilinear_upsample_ref is exactly 16x PyTorch's align_corners=False x2 bilinear upsampling.

The core's input is uint8 (image/256 in Q0.8); its output up16 is Q0.12 (value/4096), i.e. 16x the
interpolated uint8-scale value.  Every weight product is a multiple of 1/16 and every pixel a multiple of
1/256, so float64 interpolation is exact and the comparison is bit-exact.
"""
from __future__ import annotations

import numpy as np
import pytest

from hw.layers.bilinear_upsample import bilinear_upsample_ref

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _torch_up16(img: np.ndarray) -> np.ndarray:
    """16 * F.interpolate(img/256) in uint8 units (x256), rearranged to [H, W, c*4 + di*2 + dj]."""
    h, w, c = img.shape
    t = torch.tensor(img / 256.0, dtype=torch.float64).permute(2, 0, 1)[None]  # (1, C, H, W)
    up = F.interpolate(t, scale_factor=2, mode="bilinear", align_corners=False)[0]  # (C, 2H, 2W)
    up16 = (16 * 256 * up).numpy()
    assert np.array_equal(up16, np.round(up16)), "float64 interpolation was not exact"
    # [c, 2i+di, 2j+dj] -> [i, j, c, di, dj]
    return up16.reshape(c, h, 2, w, 2).transpose(1, 3, 0, 2, 4).reshape(h, w, 4 * c).astype(np.int64)


@pytest.mark.parametrize("shape", [(1, 1), (2, 2), (3, 5), (8, 7), (16, 16)])
def test_matches_torch_random(shape):
    rng = np.random.default_rng(shape[0] * 100 + shape[1])
    img = rng.integers(0, 256, size=(*shape, 3), dtype=np.uint8)
    ref = bilinear_upsample_ref(img)
    assert ref.dtype == np.int64 and ref.shape == (*shape, 12)
    assert np.array_equal(ref, _torch_up16(img))


@pytest.mark.parametrize("fill", ["zeros", "max", "checker"])
def test_matches_torch_extremes(fill):
    yy, xx = np.mgrid[0:6, 0:5]
    img = {
        "zeros": np.zeros((6, 5)),
        "max": np.full((6, 5), 255),
        "checker": ((yy + xx) & 1) * 255,
    }[fill]
    img = np.repeat(img[:, :, None], 3, axis=2).astype(np.uint8)
    ref = bilinear_upsample_ref(img)
    assert np.array_equal(ref, _torch_up16(img))
    assert ref.min() >= 0 and ref.max() <= 16 * 255  # fits the core's 12-bit unsigned outputs


def test_hr_value_is_up16_over_16():
    """Plain-scale statement: F.interpolate(img) == up16 / 16 (HR raster via the same rearrangement)."""
    img = np.random.default_rng(7).integers(0, 256, size=(4, 6, 3), dtype=np.uint8)
    t = torch.tensor(img, dtype=torch.float64).permute(2, 0, 1)[None]
    up = F.interpolate(t, scale_factor=2, mode="bilinear", align_corners=False)[0].numpy()
    ref = bilinear_upsample_ref(img).reshape(4, 6, 3, 2, 2).transpose(2, 0, 3, 1, 4).reshape(3, 8, 12)
    assert np.array_equal(up * 16, ref)
