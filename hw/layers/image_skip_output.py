"""image_skip_output: the end of the network in hardware.

tail output (12 values per LR pixel, k = c*4 + di*2 + dj) + bilinear x2 of the input image
(``sliding_window`` with edge replicate -> ``bilinear_upsample``, fed through a ``stream_fifo`` from the
input) -> ``skip_add`` (align grids, add, round half even, clip to uint8) -> ``pixel_shuffle`` (HR raster).
The ONNX pattern is DepthToSpace(tail) + Resize(image) -> Quant(uint8); the addition and rounding commute
with the depth-to-space permutation, so they happen per LR pixel before the reorder.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hw.layers.bilinear_upsample import bilinear_upsample_ref
from hw.layers.pixel_shuffle import pixel_shuffle_ref
from hw.layers.skip_add import SkipAddParams, skip_add_ref

BILINEAR_FRAC = 12  # bilinear_upsample outputs 16x a 2^-8 image: grid 2^-12, 12 bits unsigned
BILINEAR_WIDTH = 12


@dataclass
class ImageSkipOutput:
    """skip_add parameters for tail (``tail_width`` bits signed on grid 2^-tail_frac) + bilinear skip."""

    name: str
    skip_add: SkipAddParams

    @classmethod
    def build(cls, tail_width: int, tail_frac: int, out_frac: int = 8) -> "ImageSkipOutput":
        f = max(tail_frac, BILINEAR_FRAC)
        p = SkipAddParams(N=12, A_WIDTH=tail_width, A_SIGNED=1, A_SHIFT=f - tail_frac, B_WIDTH=BILINEAR_WIDTH,
                          B_SIGNED=0, B_SHIFT=f - BILINEAR_FRAC, S=f - out_frac, Y_WIDTH=8, Y_SIGNED=0)
        return cls("output", p)

    def execute(self, lr_u8: np.ndarray, tail: np.ndarray) -> np.ndarray:
        """lr_u8[H, W, 3], tail[H, W, 12] ints -> HR uint8 [2H, 2W, 3]."""
        up = bilinear_upsample_ref(lr_u8)
        y = skip_add_ref(tail, up, self.skip_add)
        return pixel_shuffle_ref(y).astype(np.uint8)
