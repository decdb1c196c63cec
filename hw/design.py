"""A hardware design: conv layers, the output stage, frame limits and folding; its integer reference.

``Design.execute`` chains the per-layer numpy references (sliding_window_ref, mvu_ref, requant_ref,
bilinear_upsample_ref, skip_add_ref, pixel_shuffle_ref): the RTL must match it, and it must match the
PyTorch golden, bit for bit.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hw.layers.conv_layer import ConvLayer, choose_folding
from hw.layers.image_skip_output import ImageSkipOutput

PIXEL_SHUFFLE_CYCLES = 4  # pixel_shuffle emits one HR pixel per cycle: 4 per LR pixel


@dataclass
class Design:
    layers: list[ConvLayer]
    output: ImageSkipOutput
    max_width: int = 128
    max_height: int = 4096
    info: dict = field(default_factory=dict)

    @classmethod
    def from_qonnx(cls, onnx_path: Path, **kw) -> "Design":
        from hw.frontend import build_layers, prepare

        layers, out = build_layers(prepare(onnx_path))
        return cls(layers, out, **kw)

    # ------------------------------------------------------------------ reference
    def execute(self, lr_u8: np.ndarray, return_features: bool = False):
        """uint8 [H, W, 3] -> uint8 [2H, 2W, 3] through the integer layer references."""
        lr = np.asarray(lr_u8)
        if lr.ndim != 3 or lr.shape[2] != 3 or lr.dtype != np.uint8:
            raise ValueError(f"expected a uint8 (H, W, 3) image, got {lr.dtype} {lr.shape}")
        x = lr.astype(np.int64)
        feats = {}
        for layer in self.layers:
            x = layer.execute(x)
            feats[layer.name] = x
        hr = self.output.execute(lr, x)
        return (hr, feats) if return_features else hr

    # ------------------------------------------------------------------ folding
    def folding_config(self) -> dict:
        """FINN-style folding config: {"Defaults": {}, layer: {"PE": .., "SIMD": .., "ram_style": ..}}."""
        cfg = {"Defaults": {}}
        for layer in self.layers:
            cfg[layer.name] = {"PE": layer.pe, "SIMD": layer.simd, "ram_style": layer.ram_style}
        return cfg

    def apply_folding(self, cfg: dict) -> None:
        """Apply a FINN-style folding config; unknown layer names are an error."""
        names = {layer.name: layer for layer in self.layers}
        unknown = sorted(set(cfg) - set(names) - {"Defaults"})
        if unknown:
            raise KeyError(f"folding config names unknown layers {unknown}; layers are {sorted(names)}")
        defaults = cfg.get("Defaults", {})
        for name, layer in names.items():
            c = {**defaults, **cfg.get(name, {})}
            layer.set_folding(int(c.get("PE", layer.pe)), int(c.get("SIMD", layer.simd)),
                              c.get("ram_style", layer.ram_style))

    def set_folding(self, target_cycles: int) -> None:
        """Cheapest folding of every layer with at most ``target_cycles`` mvu cycles per LR pixel."""
        for layer in self.layers:
            layer.set_folding(*choose_folding(layer, target_cycles))

    def cycles_per_lr_pixel(self) -> int:
        """Analytical steady-state initiation interval of the whole pipeline (slowest stage)."""
        return max([PIXEL_SHUFFLE_CYCLES] + [layer.cycles_per_pixel() for layer in self.layers])

    def skip_fifo_depth(self) -> int:
        """Depth (pixels) of the input-image FIFO of the bilinear skip path.

        The conv chain holds up to about (W + 2) pixels per sliding window plus a few vectors per
        mvu/requant before its first output; the skip path must buffer that many input pixels or the
        input broadcast stalls forever.  Bound: every window and 8 vectors per layer, rounded up to a
        power of two.
        """
        need = len(self.layers) * (self.max_width + 2 + 8)
        return 1 << (need - 1).bit_length()

    def shuffle_fifo_depth(self) -> int:
        """Depth (LR pixels) of the FIFO before pixel_shuffle: it holds what the chain produces while
        pixel_shuffle emits an odd HR row (2 * width cycles) without taking input."""
        need = -(-2 * self.max_width // self.cycles_per_lr_pixel()) + 2
        return max(2, 1 << (need - 1).bit_length())

    def summary(self) -> dict:
        return {"layers": [layer.summary() for layer in self.layers], "output": self.output.skip_add.verilog_params(),
                "max_width": self.max_width, "max_height": self.max_height,
                "skip_fifo_depth": self.skip_fifo_depth(),
                "shuffle_fifo_depth": self.shuffle_fifo_depth(), "cycles_per_lr_pixel": self.cycles_per_lr_pixel(),
                **self.info}

    def save_summary(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.summary(), indent=2, sort_keys=True) + "\n")
