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
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

import brevitas.nn as qnn

from model.quant import (BiasQuant, BinarySign, BinaryWeightQuant, FixedPointQuant, WeightQuant, act_quant,
                         image_quant)


@dataclass(frozen=True)
class SRConfig:
    """Network size and fixed-point formats.

    channels: feature channels C of the body.  n_resblocks: EDSR residual blocks, each two binary convs.
    scale: upscaling factor (the hardware supports 2).  *_bits: signed widths of the residual stream,
    the scale-block output t, the tail output, and the per-channel constants k, bias, beta, zeta.
    """

    channels: int = 32
    n_resblocks: int = 4
    scale: int = 2
    block: str = "Base"
    res_bits: int = 8
    t_bits: int = 12
    tail_bits: int = 10
    k_bits: int = 10
    bias_bits: int = 18
    beta_bits: int = 8
    zeta_bits: int = 18

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict) -> "SRConfig":
        return cls(**d)


class BaseBinaryBlock(nn.Module):
    """The paper's Base block (Eq. 10) around one 3x3 binary conv; ``res_quant`` is shared."""

    def __init__(self, cfg: SRConfig, res_quant: qnn.QuantIdentity):
        super().__init__()
        c = cfg.channels
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

    def alpha(self) -> torch.Tensor:
        """alpha_l = mean |W_l| per output channel (Eq. 8), shape (C,)."""
        return self.conv.weight.abs().mean(dim=(1, 2, 3))

    def forward(self, x):
        xv = x.value
        acc = self.conv(self.sign(F.pad(xv, (1, 1, 1, 1))))
        ka = self.a * self.alpha()
        s_k = self.k_quant.pot_scale_of(ka)
        k = self.k_quant(ka, s_k)
        bg = self.bias_quant(self.b - self.gamma, s_k)
        t = self.t_quant(acc * k.view(1, -1, 1, 1) + bg.view(1, -1, 1, 1))
        beta = self.beta_quant(self.beta)
        s_u = float(t.scale.detach()) * self.beta_quant.pot_scale_of(self.beta)
        u = F.prelu(t.value, beta)
        v = u + self.zeta_quant(self.zeta, s_u).view(1, -1, 1, 1)
        y = self.res_quant(v)
        return self.res_quant(xv + y.value)


BLOCKS = {"Base": BaseBinaryBlock}


class BinarySRNet(nn.Module):
    """x``scale`` binary SR network; input and output are images as value = uint8 / 256, NCHW RGB."""

    def __init__(self, cfg: SRConfig = SRConfig()):
        super().__init__()
        if cfg.block not in BLOCKS:
            raise KeyError(f"unknown block {cfg.block!r}; known: {sorted(BLOCKS)}")
        self.cfg = cfg
        c, s = cfg.channels, cfg.scale
        self.in_quant = image_quant(return_quant_tensor=True)
        self.head = qnn.QuantConv2d(3, c, 3, padding=1, bias=True, weight_quant=WeightQuant, bias_quant=BiasQuant)
        self.res_quant = act_quant(cfg.res_bits, return_quant_tensor=True)
        self.body = nn.ModuleList(BLOCKS[cfg.block](cfg, self.res_quant) for _ in range(2 * cfg.n_resblocks))
        self.tail = qnn.QuantConv2d(c, 3 * s * s, 3, padding=1, bias=True, weight_quant=WeightQuant,
                                    bias_quant=BiasQuant)
        with torch.no_grad():  # start near the bilinear skip: small residual from the tail
            self.tail.weight.mul_(0.1)
            self.tail.bias.zero_()
        self.tail_quant = act_quant(cfg.tail_bits)
        self.out_quant = image_quant(return_quant_tensor=False)

    def forward(self, lr: torch.Tensor) -> torch.Tensor:
        xq = self.in_quant(lr)
        x = self.res_quant(self.head(xq))
        for block in self.body:
            x = block(x)
        t = F.pixel_shuffle(self.tail_quant(self.tail(x)), self.cfg.scale)
        up = F.interpolate(xq.value, scale_factor=self.cfg.scale, mode="bilinear", align_corners=False)
        return self.out_quant(t + up)

    def set_export_mode(self, on: bool) -> None:
        for m in self.modules():
            if isinstance(m, FixedPointQuant):
                m.export_mode = on


def save_checkpoint(path: Path, model: BinarySRNet, extra: dict | None = None) -> None:
    torch.save({"config": json.loads(model.cfg.to_json()), "state_dict": model.state_dict(), **(extra or {})}, path)


def load_checkpoint(path: Path) -> tuple[BinarySRNet, dict]:
    ck = torch.load(path, map_location="cpu", weights_only=False)
    model = BinarySRNet(SRConfig.from_dict(ck["config"]))
    model.load_state_dict(ck["state_dict"])
    model.eval()
    return model, ck
