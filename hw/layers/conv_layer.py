"""conv_layer: one 3x3 stride-1 'same' convolution as hardware: sliding_window -> mvu -> requant.

``binary=True``: the XNOR-popcount Base block.  The window holds the full-precision residual-stream
pixels (zero padded *before* Sign, so padding binarises to +1 exactly as in the model); the mvu takes
the sign bits of all 9*C taps and the centre tap rides along as the mvu sideband to requant's residual
input, so the line buffer is also the residual skip buffer.  ``binary=False``: a multi-bit conv
(head, tail) whose bias is added in requant.  ``spatial_map`` (the Single-Spatial block): between window and
mvu, the pixel's attention map is computed from the centre tap while the window holds the pixel, rides in
the mvu sideband, and requant (HAS_MAP) multiplies the RPReLU output by it.  ``skip_map`` as well
(Both-Spatial-Spatial): a second spatial_map beside the first gives the skip path's map, and requant
(HAS_SKIP_MAP) scales the residual by it before the add.  ``sign_shift`` (the BBCU block): the signs the mvu
takes are of x + shift (per channel, on the input grid), formed once per pixel in the window; padding stays +1.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from hw.layers.bram import bram36
from hw.layers.mvu import acc_width, mvu_ref, pack_weights
from hw.layers.requant import RequantParams, requant_ref
from hw.layers.spatial_map import SpatialMapParams, spatial_map_ref
from hw.layers.sliding_window import line_buffer_beats, sign_windows, sliding_window_ref
from hw.numerics import pack, verilog_hex


RAM_STYLES = ("auto", "distributed", "block")
ROM_FUSE_DEPTH = 32  # fold depth up to which a LUT ROM of the weights is the cheapest store (weight_mem)


def divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


@dataclass
class ConvLayer:
    """A conv layer in integer form.

    weights: [c_out, 9*c_in]; column ``(3*ky + kx)*c_in + c`` holds W[o, c, ky, kx] (the sliding-window
    tap order); bits {0,1} (1 = +1) when binary, signed ints otherwise.  Input elements are
    ``in_width``-bit integers (signed per ``in_signed``); the output is requant's Y format.
    """

    name: str
    binary: bool
    c_in: int
    c_out: int
    in_width: int
    in_signed: bool
    w_width: int
    weights: np.ndarray
    requant: RequantParams
    pe: int = 1
    simd: int = 1
    ram_style: str = "auto"  # mvu weights: "distributed" (LUT ROM), "block" (block RAM), "auto" (see weight_mem)
    spatial_map: SpatialMapParams | None = None
    skip_map: SpatialMapParams | None = None  # Both-Spatial-Spatial: the residual's own map
    lb_beats: int = 0  # window line-buffer slices per pixel (sliding_window.v LB_BEATS); 0: line_buffer_beats()
    # BBCU: per-channel shift before Sign on the input's integer grid (sign bit = x + shift >= 0), clipped to
    # [-2^(w-1), 2^(w-1)] for a w-bit input (the same bits: beyond, every sign is fixed); None: plain Sign
    sign_shift: np.ndarray | None = None

    def __post_init__(self):
        if self.weights.shape != (self.c_out, 9 * self.c_in):
            raise ValueError(f"{self.name}: weights shape {self.weights.shape} != {(self.c_out, 9 * self.c_in)}")
        if self.spatial_map is not None and not (self.requant.HAS_MAP and self.requant.HAS_RESIDUAL):
            raise ValueError(f"{self.name}: a spatial map needs requant HAS_MAP and HAS_RESIDUAL")
        if self.spatial_map is not None and (self.spatial_map.MAP_WIDTH != self.requant.MAP_WIDTH
                                             or self.spatial_map.C != self.c_in):
            raise ValueError(f"{self.name}: spatial map C / MAP_WIDTH must match the layer and requant")
        if self.spatial_map is None and self.requant.HAS_MAP:
            raise ValueError(f"{self.name}: requant HAS_MAP needs a spatial map")
        if (self.skip_map is not None) != bool(self.requant.HAS_SKIP_MAP):
            raise ValueError(f"{self.name}: a skip map and requant HAS_SKIP_MAP go together")
        if self.skip_map is not None and (self.skip_map.MAP_WIDTH != self.requant.MAP_WIDTH
                                          or self.skip_map.C != self.c_in or self.spatial_map is None):
            raise ValueError(f"{self.name}: a skip map needs the branch map, and C / MAP_WIDTH matching the layer")
        if self.sign_shift is not None:
            if not self.binary or not self.in_signed:
                raise ValueError(f"{self.name}: a shift before Sign needs a binary layer with a signed input")
            shift = np.asarray(self.sign_shift, dtype=np.int64).reshape(-1)
            if shift.shape != (self.c_in,):
                raise ValueError(f"{self.name}: sign_shift must have {self.c_in} entries, got {shift.shape}")
            lim = 1 << (self.in_width - 1)
            self.sign_shift = np.clip(shift, -lim, lim)
        self.set_folding(self.pe, self.simd, self.ram_style)

    @property
    def mw(self) -> int:
        return 9 * self.c_in

    @property
    def mh(self) -> int:
        return self.c_out

    @property
    def acc_width(self) -> int:
        return acc_width(self.mw, self.binary, self.in_width, self.in_signed, 1 if self.binary else self.w_width)

    @property
    def out_width(self) -> int:
        return self.requant.Y_WIDTH

    def set_folding(self, pe: int, simd: int, ram_style: str | None = None) -> None:
        if self.mh % pe or self.mw % simd:
            raise ValueError(f"{self.name}: PE={pe} must divide MH={self.mh} and SIMD={simd} must divide MW={self.mw}")
        if ram_style is not None and ram_style not in RAM_STYLES:
            raise ValueError(f"{self.name}: ram_style {ram_style!r} is not one of {', '.join(RAM_STYLES)}")
        self.pe, self.simd = pe, simd
        if ram_style is not None:
            self.ram_style = ram_style
        self.requant = replace(self.requant, PE=self.requant_pe(), ACC_WIDTH=self.acc_width)
        if self.spatial_map is not None:
            self.spatial_map = replace(self.spatial_map, PE=self.spatial_map_pe())
        if self.skip_map is not None:
            self.skip_map = replace(self.skip_map, PE=self.spatial_map_pe())

    def requant_pe(self) -> int:
        """Fewest requant lanes that keep up with the mvu (C/PE <= NF*SF).  requant issues the first fold of
        the next vector in the cycle after the last fold of this one and the mvu's output buffer holds the
        next vector by then, so C/PE = NF*SF runs at full rate (checked in sim/test_conv_layer.py)."""
        cycles = self.cycles_per_pixel()
        return next((d for d in divisors(self.mh) if self.mh // d <= cycles), self.mh)

    def spatial_map_pe(self) -> int:
        """Fewest spatial_map multipliers that hide the map in the mvu's cycles.  The maps read the pixel the
        window holds for the mvu (conv_layer.v): between two mvu handshakes the window must produce the next
        pixel -- up to 2 window positions at a row boundary, 2 cycles with one position per cycle -- and the map
        then takes C/PE + 1 cycles, so 2 + C/PE + 1 <= NF*SF (slices in the line buffers take window cycles
        too: :meth:`window_cycles`).  Checked at full rate in sim/test_conv_layer.py."""
        cycles = self.cycles_per_pixel()
        return next((d for d in divisors(self.c_in) if 2 + self.c_in // d + 1 <= cycles), self.c_in)

    def map_cycles(self) -> int:
        """Cycles the spatial maps take per pixel (side by side: one figure), 0 without a map."""
        return self.spatial_map.cycles_per_beat if self.spatial_map is not None else 0

    def window_cycles(self) -> int:
        """Cycles per pixel the window may take between two mvu handshakes: the mvu's, less the maps'."""
        return self.cycles_per_pixel() - self.map_cycles()

    @property
    def weight_mem(self) -> int:
        """mvu.v WEIGHT_MEM: 1 (weights in block RAM, read a stage ahead) for ``block``, and for ``auto`` once
        the fold depth NF*SF exceeds ROM_FUSE_DEPTH; 0 (a LUT ROM) otherwise.  Up to that depth a lane's ROM
        bit and its XNOR share one LUT6 (5 address bits + x), which no memory beats; deeper, the ROM turns
        into LUT trees and muxes (hw/rtl/mvu.v; figures in the README)."""
        if self.ram_style == "auto":
            return int(self.cycles_per_pixel() > ROM_FUSE_DEPTH)
        return int(self.ram_style == "block")

    def weight_bram36(self) -> float:
        """Block RAM of the weight memory in block RAM (``weight_mem`` 1): NF*SF words of PE*SIMD*WW bits in
        the RAMB18 shape that needs fewest, two RAMB18 to a BRAM36 (an estimate of what Yosys maps; it is
        how ``hw.build`` chooses which weights leave block RAM when a design needs more than the part has)."""
        return bram36(self.cycles_per_pixel(), self.pe * self.simd * (1 if self.binary else self.w_width))

    def line_buffer_beats(self, max_width: int) -> int:
        """sliding_window.v LB_BEATS of this layer's window for frames up to ``max_width`` pixels wide: ``lb_beats``
        when set, else the compiler's choice (``hw.layers.sliding_window.line_buffer_beats``)."""
        if self.lb_beats:
            n = self.lb_beats
            if n & (n - 1) or self.c_in % n or (n > 1 and 2 * (n + 1) > self.window_cycles()):
                raise ValueError(f"{self.name}: lb_beats {n} must be a power of two dividing C={self.c_in}, with "
                                 f"2*(lb_beats+1) <= {self.window_cycles()} window cycles per pixel")
            return n
        return line_buffer_beats(self.c_in, self.in_width, self.binary, max_width, self.window_cycles(),
                                 self.sign_shift is not None)

    def cycles_per_pixel(self) -> int:
        """mvu cycles per output pixel, NF * SF (requant takes fewer, the window ~1)."""
        return (self.mh // self.pe) * (self.mw // self.simd)

    def execute(self, x: np.ndarray) -> np.ndarray:
        """x[H, W, c_in] ints -> y[H, W, c_out] ints, bit-exact with the RTL."""
        h, w, _ = x.shape
        if self.binary:
            acc = mvu_ref(sign_windows(x, self.sign_shift).reshape(h * w, self.mw), self.weights, True)
        else:
            acc = mvu_ref(sliding_window_ref(x, replicate=False).reshape(h * w, self.mw), self.weights, False)
        # the residual is the window's centre tap: the input pixel itself
        res = np.asarray(x, dtype=np.int64).reshape(h * w, self.c_in) if self.requant.HAS_RESIDUAL else None
        m = spatial_map_ref(res, self.spatial_map) if self.spatial_map is not None else None
        m2 = spatial_map_ref(res, self.skip_map) if self.skip_map is not None else None
        return requant_ref(acc, res, self.requant, m, m2).reshape(h, w, self.c_out)

    def verilog_params(self) -> dict[str, str]:
        """Parameters of hw/rtl/conv_layer.v as Verilog literals."""
        mvu_w = 1 if self.binary else self.w_width
        p = {
            "C_IN": str(self.c_in), "C_OUT": str(self.c_out), "EW": str(self.in_width),
            "IN_SIGNED": str(int(self.in_signed)), "BINARY": str(int(self.binary)),
            "PE": str(self.pe), "SIMD": str(self.simd), "WEIGHT_MEM": str(self.weight_mem), "W_WIDTH": str(mvu_w),
            "ACC_WIDTH": str(self.acc_width),
            "WEIGHTS": verilog_hex(pack_weights(self.weights, mvu_w), self.mh * self.mw * mvu_w),
        }
        if self.sign_shift is not None:
            p["SHIFT_EN"] = "1"
            p["SHIFT"] = verilog_hex(pack(self.sign_shift, self.in_width + 1), self.c_in * (self.in_width + 1))
        for k, v in self.requant.verilog_param_literals().items():
            if k not in ("C", "ACC_WIDTH") and (self.requant.HAS_MAP or k not in ("HAS_MAP", "MAP_WIDTH")) \
                    and (self.requant.HAS_SKIP_MAP or k not in ("HAS_SKIP_MAP", "SKIP_FRAC")):
                p["RQ_" + k] = v
        if self.spatial_map is not None:
            for k, v in self.spatial_map.verilog_param_literals().items():
                if k not in ("C", "EW", "MAP_WIDTH"):
                    p["SM_" + k] = v
        if self.skip_map is not None:
            for k, v in self.skip_map.verilog_param_literals().items():
                if k not in ("C", "EW", "MAP_WIDTH"):
                    p["SM2_" + k] = v
        return p

    def summary(self) -> dict:
        return {"name": self.name, "type": "xnor_popcount" if self.binary else "mac", "c_in": self.c_in,
                "c_out": self.c_out, "MW": self.mw, "MH": self.mh, "PE": self.pe, "SIMD": self.simd,
                "weight_mem": "block" if self.weight_mem else "distributed", "requant_PE": self.requant.PE,
                "in_width": self.in_width, "acc_width": self.acc_width, "out_width": self.out_width,
                "cycles_per_pixel": self.cycles_per_pixel(), "has_prelu": self.requant.HAS_PRELU,
                "has_residual": self.requant.HAS_RESIDUAL,
                **({"sign_shift": True} if self.sign_shift is not None else {}),
                **({"spatial_map_PE": self.spatial_map.PE} if self.spatial_map is not None else {}),
                **({"skip_map_PE": self.skip_map.PE} if self.skip_map is not None else {})}


def choose_folding(layer: ConvLayer, target_cycles: int) -> tuple[int, int]:
    """Cheapest (PE, SIMD) with NF*SF <= target (fewest PE*SIMD lanes; then widest SIMD).

    Raises if even the fully parallel layer misses the target.
    """
    best = None
    for pe in divisors(layer.mh):
        for simd in divisors(layer.mw):
            cyc = (layer.mh // pe) * (layer.mw // simd)
            if cyc <= target_cycles:
                key = (pe * simd, -simd)
                if best is None or key < best[0]:
                    best = (key, pe, simd)
    if best is None:
        raise ValueError(f"{layer.name}: cannot reach {target_cycles} cycles/pixel")
    return best[1], best[2]
