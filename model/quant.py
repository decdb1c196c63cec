"""Quantisers of the hardware model: every tensor the hardware computes is an integer times 2^-f.

* Activations use Brevitas quantisers (``QuantIdentity``): a constant-scale uint8 image in/out
  quantiser, learned power-of-two signed quantisers for the residual stream and the intermediates,
  and the bipolar ``Sign`` (Brevitas ``binary_sign``: x >= 0 -> +1; see ``hw/numerics.sign_bit``).
* Per-channel constants that are *computed* from several parameters (k = a * alpha, the folded
  bias b - gamma, RPReLU's beta and zeta) go through :class:`FixedPointQuant`: round-half-even to a
  power-of-two grid with a straight-through gradient, exported as a QONNX ``Quant`` node on a constant
  via Brevitas' own QONNX export function, so the graph records their integer form.
* The paper's ApproxSign backward (Eq. 6) is :class:`ApproxSignGrad`, an identity in the forward pass.
* Attention maps (model/attention.py) leave their sigmoid on the unsigned 8-bit grid k * 2^-8
  (:func:`map_quant`); the sigmoid's input is a quantised logit, so hardware can use a table.
* The float model (``SRConfig.quant = False``) skips every quantiser except Sign and the binary weights;
  :func:`float_conv` runs a Brevitas conv with its float parameters.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

import brevitas.nn as qnn
from brevitas.core.scaling import ScalingImplType
from brevitas.export.onnx.qonnx.function import BrevitasQuantTorchScriptFn
from brevitas.quant import (Int8ActPerTensorFixedPoint, Int8WeightPerTensorFixedPoint, Int16Bias, Int32Bias,
                            SignedBinaryActPerTensorConst, SignedBinaryWeightPerTensorConst,
                            Uint8ActPerTensorFixedPoint)


class ImageQuant(Uint8ActPerTensorFixedPoint):
    """uint8 image <-> value * 2^-8 (constant scale; 0..255 maps to 0..255/256)."""

    scaling_impl_type = ScalingImplType.CONST
    scaling_init = 1.0


class MapQuant(ImageQuant):
    """Attention map (a sigmoid output in (0, 1)) <-> k * 2^-8, k in 0..255 (constant scale)."""


class ActQuant(Int8ActPerTensorFixedPoint):
    """Signed activation with a learned power-of-two scale; ``bit_width`` set per use."""


class WeightQuant(Int8WeightPerTensorFixedPoint):
    """Multi-bit conv weights: signed, per-tensor power-of-two scale from max |w|."""


class BiasQuant(Int16Bias):
    """Conv bias on the accumulator grid (scale = input scale * weight scale), 16 bit."""


class AttentionBiasQuant(Int32Bias):
    """Bias of an attention conv: 32 bit on the accumulator grid (its input -- a pooled mean, a sparse ReLU
    output -- can have a small scale, and 16 bit would then clip the logit bias)."""


class BinaryWeightQuant(SignedBinaryWeightPerTensorConst):
    """Sign(W) with scale 1; alpha = mean|W| is applied per output channel by the block."""

    scaling_const = 1.0


class SignQuant(SignedBinaryActPerTensorConst):
    """Sign(x) in {-1, +1} with scale 1 (x >= 0 -> +1)."""


class ApproxSignGrad(torch.autograd.Function):
    """Identity forward; backward multiplies by ApproxSign' = 2 - 2|x| on [-1, 1], 0 elsewhere (Eq. 6)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * torch.clamp(2.0 - 2.0 * x.abs(), min=0.0)


class BinarySign(nn.Module):
    """Sign activation: Brevitas bipolar quantiser, ApproxSign gradient while training.

    Brevitas' binary STE passes the gradient through (clamped to |x| <= 1); the ApproxSign factor is
    applied in front of it, so the product is exactly the paper's ApproxSign derivative.
    """

    def __init__(self):
        super().__init__()
        self.quant = qnn.QuantIdentity(act_quant=SignQuant, return_quant_tensor=False)

    def forward(self, x):
        if self.training:
            x = ApproxSignGrad.apply(x)
        return self.quant(x)


def _round_ste(x):
    return x + (torch.round(x) - x).detach()


class FixedPointQuant(nn.Module):
    """Quantise a computed per-channel constant to ``bit_width`` signed bits on a power-of-two grid.

    The grid is either chosen from max |x| (``pot_scale_of``) or given (``scale``, e.g. a bias on the
    grid of the product it is added to).  Forward: ``clamp(round(x / s)) * s`` with a straight-through
    gradient, returned in ``dtype`` (default: x's).  In export mode the constant is detached and emitted
    as a QONNX ``Quant`` node.

    The rounding runs in float64 whatever x's dtype, and callers compute x in float64 too
    (``BaseBinaryBlock.scale_rprelu``): a product such as a * mean|W| rounded in float32 can land exactly on
    a tie (4.5) that float64 puts just beside it, and then the float32 model (training, export: the hardware's
    constants) and the float64 golden would take different integers.  The exported constant is the rounded
    grid value, so the Quant node's own rounding of it is exact in any precision.
    """

    def __init__(self, bit_width: int):
        super().__init__()
        self.bit_width = bit_width
        self.export_mode = False

    @property
    def qmax(self) -> int:
        return (1 << (self.bit_width - 1)) - 1

    def pot_scale_of(self, x: torch.Tensor) -> float:
        """Smallest power of two s with max|x| <= qmax * s."""
        m = float(x.detach().double().abs().max())
        if m == 0.0:
            return 1.0
        return 2.0 ** math.ceil(math.log2(m / self.qmax))

    def forward(self, x: torch.Tensor, scale: float | None = None, dtype: torch.dtype | None = None) -> torch.Tensor:
        dtype = x.dtype if dtype is None else dtype
        s = self.pot_scale_of(x) if scale is None else float(scale)
        q = torch.clamp(_round_ste(x.double() / s), -self.qmax - 1, self.qmax) * s
        if self.export_mode:
            const = torch.tensor(q.detach().cpu().numpy(), dtype=dtype)  # on the grid: exact in float32
            t = lambda v: torch.tensor(v, dtype=dtype)  # noqa: E731
            return BrevitasQuantTorchScriptFn.apply(const, t(s), t(0.0), t(float(self.bit_width)), False, True,
                                                    "ROUND")
        return q.to(dtype)


def act_quant(bit_width: int, return_quant_tensor: bool = False) -> qnn.QuantIdentity:
    """Signed learned power-of-two activation quantiser of ``bit_width`` bits."""
    return qnn.QuantIdentity(act_quant=ActQuant, bit_width=bit_width, return_quant_tensor=return_quant_tensor)


def image_quant(return_quant_tensor: bool) -> qnn.QuantIdentity:
    """uint8 image quantiser (scale 2^-8, round half even, clip to 0..255)."""
    return qnn.QuantIdentity(act_quant=ImageQuant, return_quant_tensor=return_quant_tensor)


def map_quant() -> qnn.QuantIdentity:
    """Unsigned 8-bit quantiser of an attention map: scale 2^-8, values 0..255/256, plain tensor out."""
    return qnn.QuantIdentity(act_quant=MapQuant, return_quant_tensor=False)


def float_conv(conv: nn.Conv2d, x: torch.Tensor) -> torch.Tensor:
    """``conv`` with its float weight and bias, no quantiser (the float model's view of a QuantConv2d)."""
    return F.conv2d(x, conv.weight, conv.bias, conv.stride, conv.padding, conv.dilation, conv.groups)
