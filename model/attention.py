"""Attention modules of the paper (Fig. 1), computed from a block's full-precision input.

Each module takes the block input ``x`` (a Brevitas QuantTensor on the residual grid in the quantised
model, a plain tensor in the float model) and returns a map in (0, 1) that multiplies a branch:

* :class:`SEAttention` (squeeze-and-excitation, Hu et al.): GAP -> FC C->C/r -> ReLU -> FC C/r->C ->
  sigmoid; a per-channel map (N, C, 1, 1).  ``r = 4`` by default (the text gives no ratio; the SE paper
  uses 16, which leaves a single hidden unit at the small widths used here); hidden width max(1, C // r).
  The FCs are 1x1 convs on the pooled (N, C, 1, 1) tensor (the same thing as Linear layers).
* :class:`SpatialAttention`: 1x1 conv C->1 (with bias) -> sigmoid; a per-pixel map (N, 1, H, W).
* :class:`GlobalAttention`: GAP -> 1x1 conv C->C (with bias) -> sigmoid; a per-channel map (N, C, 1, 1).

Quantised model (``cfg.quant``): the input is already on the residual grid; the pooled input and the SE
hidden activation are requantised with the learned power-of-two activation quantiser (8 bit, its scale
floored at 2^-10 so that a dead ReLU or a zero mean cannot collapse the grid of the next bias), the conv
weights are 8-bit power-of-two (``WeightQuant``), biases 32-bit on the accumulator grid
(``AttentionBiasQuant``), the logit is quantised the same way (8 bit) before the sigmoid, so the sigmoid
is a 256-entry table in hardware, and the map to unsigned 8 bit, k * 2^-8 (``map_quant``; a map can
therefore be exactly 0, never 1).  The float
model skips all of these.  The hardware compiler (hw/) builds the Spatial map of the Single-Spatial
block (hw/rtl/spatial_map.v); SE and Global need a frame-wide pooling and are not built.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

import brevitas.nn as qnn

from model.quant import ActQuant, AttentionBiasQuant, WeightQuant, float_conv, map_quant

ATT_BITS = 8  # pooled input, SE hidden activation and logit (signed, learned power-of-two scale)
ATT_MIN_SCALE = 2.0 ** -10  # floor of those scales
SE_REDUCTION = 4  # SE hidden width C // r


def _conv1x1(cin: int, cout: int) -> qnn.QuantConv2d:
    return qnn.QuantConv2d(cin, cout, 1, bias=True, weight_quant=WeightQuant, bias_quant=AttentionBiasQuant)


def _act(return_quant_tensor: bool) -> qnn.QuantIdentity:
    return qnn.QuantIdentity(act_quant=ActQuant, bit_width=ATT_BITS, scaling_min_val=ATT_MIN_SCALE,
                             return_quant_tensor=return_quant_tensor)


class Attention(nn.Module):
    """Common part: quantised logit -> sigmoid -> quantised map (or plain sigmoid in the float model)."""

    per_pixel = False  # True: map (N, 1, H, W); False: map (N, C, 1, 1)
    uses_gap = False

    def __init__(self, cfg):
        super().__init__()
        self.quant = cfg.quant
        self.logit_quant = _act(False)
        self.map_quant = map_quant()

    def _map(self, z: torch.Tensor) -> torch.Tensor:
        if not self.quant:
            return torch.sigmoid(z)
        return self.map_quant(torch.sigmoid(self.logit_quant(z)))

    def _gap(self, x):
        """Global average pool of the block input; requantised (QuantTensor) in the quantised model."""
        if not self.quant:
            return x.mean(dim=(2, 3), keepdim=True)
        return self.gap_quant(x.value.mean(dim=(2, 3), keepdim=True))


class SEAttention(Attention):
    uses_gap = True

    def __init__(self, cfg, reduction: int = SE_REDUCTION):
        super().__init__(cfg)
        c = cfg.channels
        hidden = max(1, c // reduction)
        self.gap_quant = _act(True)
        self.fc1 = _conv1x1(c, hidden)
        self.hidden_quant = _act(True)
        self.fc2 = _conv1x1(hidden, c)

    def forward(self, x) -> torch.Tensor:
        g = self._gap(x)
        if not self.quant:
            return self._map(float_conv(self.fc2, F.relu(float_conv(self.fc1, g))))
        h = self.hidden_quant(F.relu(self.fc1(g)))
        return self._map(self.fc2(h))


class SpatialAttention(Attention):
    per_pixel = True

    def __init__(self, cfg):
        super().__init__(cfg)
        self.conv = _conv1x1(cfg.channels, 1)

    def forward(self, x) -> torch.Tensor:
        return self._map(self.conv(x) if self.quant else float_conv(self.conv, x))


class GlobalAttention(Attention):
    uses_gap = True

    def __init__(self, cfg):
        super().__init__(cfg)
        self.gap_quant = _act(True)
        self.conv = _conv1x1(cfg.channels, cfg.channels)

    def forward(self, x) -> torch.Tensor:
        g = self._gap(x)
        return self._map(self.conv(g) if self.quant else float_conv(self.conv, g))


ATTENTIONS = {"SE": SEAttention, "Spatial": SpatialAttention, "Global": GlobalAttention}
