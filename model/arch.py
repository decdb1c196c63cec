"""Binary super-resolution network (x2) for the board: the paper's Base binary block in a
hardware-cheap backbone.

    uint8 LR --image_quant--> head (8-bit conv 3->C) --res_quant--> body: 2*n_resblocks Base blocks
        --> tail (8-bit conv C->3*s*s) --tail_quant--> PixelShuffle(s) --(+) bilinear x s of the LR image
        --image_quant--> uint8 HR

Backbone choice (see README "Model"): an LR-resolution ESPCN-style tail plus a bilinear skip of the
input image instead of EDSR's body-end conv, long skip, C->4C upsampler and HR tail.  On the xc7z020
the multi-bit upsampler/tail of EDSR costs ~50k MAC per LR pixel at C = 32 (as much as the whole
binary body, against 220 DSPs) and its long skip needs ~9 lines x C x 8 bit of BRAM; the cheap form
needs 9*C*12 MAC per pixel and a 24-bit image FIFO, and measured *better* at equal budget (DESIGN.md).

Base block (Eq. 10), one per binary conv; an EDSR resblock is two of them with no extra skip:
    X_{t+1} = RPReLU(a * (Sign(pad(X_t)) (*) alpha * Sign(W)) + b) + X_t
Every constant the hardware uses is quantised to a power-of-two grid (model/quant.py):
    acc = Sign(pad0(X)) (*) Sign(W)                 integer in [-9C, 9C]
    z   = acc * Q_k(a * alpha) + Q_b(b - gamma)     (bias on the grid of k)
    t   = Q_t(z)                                     (t_bits signed, learned 2^-f)
    u   = PReLU(t, Q_beta(beta)); v = u + Q_zeta(zeta)  (zeta on the grid of u)
    X'  = Q_res(X + Q_res(v))                        (res_bits signed, one shared scale)
RPReLU(x) = PReLU(x - gamma, beta) + zeta, so b and gamma fold into one constant exactly.
Padding happens on the full-precision tensor before Sign (0 -> +1): see hw/numerics.sign_bit.

Float and quantised model from one definition: ``SRConfig.quant = False`` turns every activation and
parameter quantiser into an identity (the forward pass skips it; Sign and the binary weights stay binary,
it is a binary network either way).  Both models have the same modules and parameter names, so a float
checkpoint loads into the quantised model (:func:`load_state_dict_for_qat`, ``load_checkpoint(quant=True)``).

Block variants (the paper's Table 1, FP, BBCU) live in model/blocks.py and register themselves in
:data:`BLOCKS` by table name; a block class says how many binary convs one unit holds
(``convs_per_unit``), and the body is ``2 * n_resblocks / convs_per_unit`` units.  Only ``Base`` is
supported by the hardware compiler.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

import brevitas.config
import brevitas.nn as qnn

from model.quant import (ActQuant, BiasQuant, BinarySign, BinaryWeightQuant, FixedPointQuant, WeightQuant, act_quant,
                         float_conv, image_quant)


@dataclass(frozen=True)
class SRConfig:
    """Network size and fixed-point formats.

    channels: feature channels C of the body.  n_resblocks: EDSR residual blocks, each two binary convs.
    scale: upscaling factor (the hardware supports 2).  *_bits: signed widths of the residual stream,
    the scale-block output t, the tail output, and the per-channel constants k, bias, beta, zeta;
    head_weight_bits / tail_weight_bits: the multi-bit head and tail conv weights (power-of-two scale from
    max |w|; their 16-bit bias grows with them, so its range stays the same).
    block: a name in :data:`BLOCKS` (the paper's Table 1 names, ``FP``, ``BBCU``).  backbone: ``board`` (LR
    tail conv C->3*s*s + PixelShuffle + bilinear image skip: what hw/ builds) or ``edsr`` (the paper's form:
    body-end conv, long skip, conv C->C*s*s + PixelShuffle, HR tail conv C->3; Table 1's backbone).  quant: False gives the
    float training model (every quantiser an identity except Sign and the binary weights), True the
    quantised hardware model; both have the same state_dict layout.
    """

    channels: int = 32
    n_resblocks: int = 4
    scale: int = 2
    block: str = "Base"
    backbone: str = "board"
    res_bits: int = 8
    t_bits: int = 12
    tail_bits: int = 10
    k_bits: int = 10
    bias_bits: int = 18
    beta_bits: int = 8
    zeta_bits: int = 18
    head_weight_bits: int = 8
    tail_weight_bits: int = 8
    quant: bool = True

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict) -> "SRConfig":
        return cls(**d)


# The SRConfig widths a run may change from its --init checkpoint (model.train --res-bits, --head-weight-bits,
# --tail-weight-bits: the state_dict layout is the same at any of them), as model.report's training summary names them.
WIDTH_OPTIONS = {"res_bits": "residual stream", "head_weight_bits": "head weights", "tail_weight_bits": "tail weights"}


class Registry(dict):
    """Name -> block class, BasicSR-style: duplicates are rejected, an unknown name is a KeyError that
    names this registry and lists what it holds."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def __setitem__(self, key, value):
        if key in self:
            raise KeyError(f"{key!r} is already registered in the {self.name} registry")
        super().__setitem__(key, value)

    def register(self, key: str, obj=None):
        """``register(name, obj)``, or ``@register(name)`` as a class decorator."""
        if obj is None:
            def deco(o):
                self[key] = o
                return o
            return deco
        self[key] = obj
        return obj

    def __missing__(self, key):
        raise KeyError(f"unknown block {key!r}: not in the {self.name} registry (model.arch.BLOCKS); "
                       f"known: {sorted(self)}")

    def update(self, *a, **kw):  # keep the duplicate check
        for k, v in dict(*a, **kw).items():
            self[k] = v


BLOCKS = Registry("BLOCKS")


DEFAULT_CHECKPOINT = Path(__file__).resolve().parent / "checkpoints" / "default.pt"  # the shipped board model
BACKBONES = ("board", "edsr")  # board: LR tail + bilinear image skip (hardware); edsr: the paper's form


class BaseBinaryBlock(nn.Module):
    """The paper's Base block (Eq. 10) around one 3x3 binary conv; ``res_quant`` is shared.

    The pieces (:meth:`binary_input`, :meth:`scale_rprelu`, :meth:`add_residual`) are reused by the
    variants in model/blocks.py; with ``cfg.quant`` False each skips its quantisers.
    """

    convs_per_unit = 1  # binary convs in one unit of the body
    SHIFT = False  # a learnable per-channel shift before Sign (BBCU's delta): Sign(pad(X + delta))

    def __init__(self, cfg: SRConfig, res_quant: qnn.QuantIdentity):
        super().__init__()
        c = cfg.channels
        self.quant = cfg.quant
        self.sign = BinarySign()
        self.conv = qnn.QuantConv2d(c, c, 3, padding=0, bias=False, weight_quant=BinaryWeightQuant)
        self.a = nn.Parameter(torch.ones(c))  # scale block a_t
        self.b = nn.Parameter(torch.zeros(c))  # scale block b_t
        self.gamma = nn.Parameter(torch.zeros(c))  # RPReLU shift before PReLU
        self.beta = nn.Parameter(torch.full((c,), 0.25))  # RPReLU negative slope
        self.zeta = nn.Parameter(torch.zeros(c))  # RPReLU shift after PReLU
        self.k_quant = FixedPointQuant(cfg.k_bits)
        self.bias_quant = FixedPointQuant(cfg.bias_bits)
        self.t_quant = act_quant(cfg.t_bits, return_quant_tensor=True)
        self.beta_quant = FixedPointQuant(cfg.beta_bits)
        self.zeta_quant = FixedPointQuant(cfg.zeta_bits)
        self.res_quant = res_quant
        if self.SHIFT:
            self.shift = nn.Parameter(torch.zeros(c))  # delta (BBCU's move0), on the residual grid when quantised
            self.shift_quant = FixedPointQuant(cfg.zeta_bits)

    def alpha(self, dtype: torch.dtype | None = None) -> torch.Tensor:
        """alpha_l = mean |W_l| per output channel (Eq. 8), shape (C,), computed in ``dtype`` (default: W's)."""
        return self.conv.weight.to(dtype or self.conv.weight.dtype).abs().mean(dim=(1, 2, 3))

    def scale_factor(self, dtype: torch.dtype | None = None) -> torch.Tensor:
        """Per-channel factor of the binary conv's output: a * alpha (in ``dtype``, default: the parameters')."""
        return self.a.to(dtype or self.a.dtype) * self.alpha(dtype)

    def bias_term(self, dtype: torch.dtype | None = None) -> torch.Tensor:
        """Per-channel constant added before PReLU: b - gamma (the scale block's b folded into RPReLU)."""
        dtype = dtype or self.b.dtype
        return self.b.to(dtype) - self.gamma.to(dtype)

    def shifted(self, x, xv: torch.Tensor) -> torch.Tensor:
        """X + delta with ``SHIFT`` (delta on X's grid when quantised), else X."""
        if not self.SHIFT:
            return xv
        delta = self.shift_quant(self.shift, float(x.scale.detach())) if self.quant else self.shift
        return xv + delta.view(1, -1, 1, 1)

    def binary_input(self, x, xv: torch.Tensor) -> torch.Tensor:
        """Input of the binary conv: Sign of the zero-padded full-precision input (shifted first with ``SHIFT``)."""
        return self.sign(F.pad(self.shifted(x, xv), (1, 1, 1, 1)))

    def scale_rprelu(self, acc: torch.Tensor) -> torch.Tensor:
        """v = RPReLU(a * alpha * acc + b): on the hardware's grids, or in float when not ``quant``."""
        if not self.quant:
            t = acc * self.scale_factor().view(1, -1, 1, 1) + self.bias_term().view(1, -1, 1, 1)
            return F.prelu(t, self.beta) + self.zeta.view(1, -1, 1, 1)
        # k and the bias are computed and rounded in float64 whatever the model's dtype (FixedPointQuant)
        ka = self.scale_factor(torch.float64)
        s_k = self.k_quant.pot_scale_of(ka)
        k = self.k_quant(ka, s_k, acc.dtype)
        bg = self.bias_quant(self.bias_term(torch.float64), s_k, acc.dtype)
        t = self.t_quant(acc * k.view(1, -1, 1, 1) + bg.view(1, -1, 1, 1))
        beta = self.beta_quant(self.beta)
        s_u = float(t.scale.detach()) * self.beta_quant.pot_scale_of(self.beta)
        u = F.prelu(t.value, beta)
        return u + self.zeta_quant(self.zeta, s_u).view(1, -1, 1, 1)

    def add_residual(self, skip: torch.Tensor, v: torch.Tensor):
        """X' = Q_res(skip + Q_res(v)) (a QuantTensor), or skip + v when not ``quant``."""
        if not self.quant:
            return skip + v
        y = self.res_quant(v)
        return self.res_quant(skip + y.value)

    def forward(self, x):
        xv = x.value if self.quant else x
        acc = self.conv(self.binary_input(x, xv))
        return self.add_residual(xv, self.scale_rprelu(acc))


BLOCKS.register("Base", BaseBinaryBlock)


def multibit_conv(c_in: int, c_out: int, weight_bits: int) -> qnn.QuantConv2d:
    """3x3 conv with ``weight_bits`` signed weights and a bias of ``weight_bits + 8`` bits on its accumulator grid."""
    return qnn.QuantConv2d(c_in, c_out, 3, padding=1, bias=True, weight_quant=WeightQuant, bias_quant=BiasQuant,
                           weight_bit_width=weight_bits, bias_bit_width=weight_bits + 8)


class BinarySRNet(nn.Module):
    """x``scale`` binary SR network; input and output are images as value = uint8 / 256, NCHW RGB."""

    def __init__(self, cfg: SRConfig = SRConfig()):
        super().__init__()
        block = BLOCKS[cfg.block]
        per_unit = getattr(block, "convs_per_unit", 1)
        if (2 * cfg.n_resblocks) % per_unit:
            raise ValueError(f"{cfg.block} holds {per_unit} convs per unit; 2 * n_resblocks = {2 * cfg.n_resblocks}")
        self.cfg = cfg
        c, s = cfg.channels, cfg.scale
        self.in_quant = image_quant(return_quant_tensor=True)
        self.head = multibit_conv(3, c, cfg.head_weight_bits)
        self.res_quant = act_quant(cfg.res_bits, return_quant_tensor=True)
        self.body = nn.ModuleList(block(cfg, self.res_quant) for _ in range(2 * cfg.n_resblocks // per_unit))
        self.tail = multibit_conv(c, 3 * s * s, cfg.tail_weight_bits)
        with torch.no_grad():  # start near the bilinear skip: small residual from the tail
            self.tail.weight.mul_(0.1)
            self.tail.bias.zero_()
        self.tail_quant = act_quant(cfg.tail_bits)
        self.out_quant = image_quant(return_quant_tensor=False)
        if cfg.backbone not in BACKBONES:
            raise KeyError(f"unknown backbone {cfg.backbone!r}; known: {', '.join(BACKBONES)}")
        if cfg.backbone == "edsr":
            # the paper's EDSR x2 form: body-end conv, long skip, conv C->C*s*s + PixelShuffle, HR tail conv
            self.body_end = qnn.QuantConv2d(c, c, 3, padding=1, bias=True, weight_quant=WeightQuant,
                                            bias_quant=BiasQuant)
            self.upsample = qnn.QuantConv2d(c, c * s * s, 3, padding=1, bias=True, weight_quant=WeightQuant,
                                            bias_quant=BiasQuant)
            self.hr_tail = qnn.QuantConv2d(c, 3, 3, padding=1, bias=True, weight_quant=WeightQuant,
                                           bias_quant=BiasQuant, input_quant=ActQuant)
            del self.tail, self.tail_quant

    def forward(self, lr: torch.Tensor) -> torch.Tensor:
        if not self.cfg.quant:
            return self._float_forward(lr)
        xq = self.in_quant(lr)
        x = self.res_quant(self.head(xq))
        h = x
        for block in self.body:
            x = block(x)
        if self.cfg.backbone == "edsr":
            x = self.res_quant(h.value + self.res_quant(self.body_end(x)).value)
            up = F.pixel_shuffle(self.upsample(x), self.cfg.scale)
            return self.out_quant(self.hr_tail(up))
        t = F.pixel_shuffle(self.tail_quant(self.tail(x)), self.cfg.scale)
        up = F.interpolate(xq.value, scale_factor=self.cfg.scale, mode="bilinear", align_corners=False)
        return self.out_quant(t + up)

    def _float_forward(self, lr: torch.Tensor) -> torch.Tensor:
        """The same network with every quantiser an identity (image in/out quantisers included)."""
        x = float_conv(self.head, lr)
        h = x
        for block in self.body:
            x = block(x)
        if self.cfg.backbone == "edsr":
            x = h + float_conv(self.body_end, x)
            return float_conv(self.hr_tail, F.pixel_shuffle(float_conv(self.upsample, x), self.cfg.scale))
        t = F.pixel_shuffle(float_conv(self.tail, x), self.cfg.scale)
        return t + F.interpolate(lr, scale_factor=self.cfg.scale, mode="bilinear", align_corners=False)

    def set_export_mode(self, on: bool) -> None:
        for m in self.modules():
            if isinstance(m, FixedPointQuant):
                m.export_mode = on


def save_checkpoint(path: Path, model: BinarySRNet, extra: dict | None = None) -> None:
    torch.save({"config": json.loads(model.cfg.to_json()), "state_dict": model.state_dict(), **(extra or {})}, path)


def load_checkpoint(path: Path, quant: bool | None = None) -> tuple[BinarySRNet, dict]:
    """Model and checkpoint dict; ``quant`` overrides the saved config (e.g. a float checkpoint -> the
    quantised model for quantisation-aware fine-tuning, loaded with :func:`load_state_dict_for_qat`)."""
    ck = torch.load(path, map_location="cpu", weights_only=False)
    cfg = SRConfig.from_dict(ck["config"])
    # strict except for activation scales Brevitas has not created yet: a float checkpoint, or a quantised
    # one saved before its scales finished calibrating (the first collect_stats_steps steps)
    model = BinarySRNet(cfg if quant is None else replace(cfg, quant=quant))
    load_state_dict_for_qat(model, ck["state_dict"])
    model.eval()
    return model, ck


def load_state_dict_for_qat(model: BinarySRNet, state_dict: dict) -> None:
    """Load a float model's state_dict into the quantised model (or back), strictly except for the learned
    activation scales.

    The float model never runs its activation quantisers, and Brevitas leaves a never-run
    PARAMETER_FROM_STATS scale out of the state_dict; in the quantised model those scales then start from
    runtime statistics (the first ``collect_stats_steps`` training steps), i.e. they are calibrated on
    the trained float network.  Every other key must match exactly.
    """
    prev = brevitas.config.IGNORE_MISSING_KEYS
    brevitas.config.IGNORE_MISSING_KEYS = True
    try:
        model.load_state_dict(state_dict, strict=True)
    finally:
        brevitas.config.IGNORE_MISSING_KEYS = prev


# The variants register themselves in BLOCKS (import at the end: model.blocks imports this module).
from model import blocks as _blocks  # noqa: E402,F401
