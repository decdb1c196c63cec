"""Grow a trained network deeper: a shallower checkpoint's weights mapped onto a config with more resblocks.

    state_dict, record = grow_state_dict(ck["state_dict"], SRConfig.from_dict(ck["config"]), cfg)

The old units keep their place and weights, every non-body weight is kept, and the new units are appended
after the old ones (before the tail).  A new unit is a copy of an old one (the last old units, in order;
cycling when more units are added than there were) -- its binary conv weights, attention, RPReLU slope and
calibrated quantiser scales -- with its residual branch scaled by ``eps``:

    a <- eps * a, b - gamma <- eps * (b - gamma), zeta <- eps * zeta
    =>  v = RPReLU(eps * (k * acc + b - gamma)) = eps * v_copy   (PReLU is positively homogeneous)

so X' = X + eps * v_copy(X) (times the copy's attention map(s)).  ``eps = 0`` is exactly the old function
(t = 0, v = 0, X' = Q_res(X + 0) = X, float and quantised), but it starves the binary weights: their
gradient is proportional to a (k = a * alpha), so they get none on the first step and ~1e-9 per element
after (Adam's eps, 1e-8, then damps their steps: on the 6-block board model grown from the default, the
new units' latent weights moved 14x less than the old ones' in 8 steps at lr 2e-4), and a itself only
grows by about lr per step.  ``eps = 0.01`` costs 0.008 dB of Set5 PSNR at step 0 (quantised: 36.674 vs
36.683 dB) and the new units' weights then move as fast as the old ones' (0.8x); 0.03 costs 0.04 dB, 0.1
0.34 dB.  Only blocks whose skip is the plain identity around one scale block can be scaled this way (Base,
RescalePre/RescalePreScaled/RescalePost, Single, Dual); the others (Both-* multiply the skip by a map,
Base-Residual counts the identity twice, BBCU has no scale ``a``, FP has no binary branch) are rejected,
as is any difference but depth (and float/quant) -- except one:

A ``Single-A`` checkpoint can also be grown into ``Both-A-B`` (:func:`add_skip_maps`): every unit keeps its
weights and gets the skip map B (X' = X * B(X) + branch), its last 1x1 conv started near identity -- weights
N(0, SKIP_W_STD^2) (not exactly 0: the 8-bit weight quantiser's scale comes from max |w|), bias SKIP_LOGIT, so
B(X) = sigmoid(~SKIP_LOGIT) = 255/256 once quantised (the largest map value; a map is k * 2^-8, never 1).
The skip maps' activation scales are absent from the grown checkpoint, so the quantised model calibrates them
in its first training steps.  Only Spatial and Global skip maps (a single last conv) are supported.

Any ``<block>`` checkpoint also grows into ``<block>+Shift`` (:func:`add_shifts`): BBCU's shift before Sign added
to every unit at 0, which is exactly the old function.
"""
from __future__ import annotations

from dataclasses import fields, replace

import torch

from model.arch import BLOCKS, BaseBinaryBlock, SRConfig

EPS = 0.01  # the new units' residual branch scale (see the module doc)
SKIP_LOGIT = 6.0  # a new skip map's bias: sigmoid(6) = 0.9975 -> 255/256 once quantised
SKIP_W_STD = 1e-3  # ... and its weights' spread
RULE = "appended after the old units; copies of the last old units, residual branch scaled by eps"


def grow_state_dict(state_dict: dict, src: SRConfig, dst: SRConfig, eps: float = EPS) -> tuple[dict, dict]:
    """``state_dict`` of a model of config ``src`` grown to ``dst`` (more resblocks), and a record of what was
    done (for the checkpoint's history).  Raises ValueError naming the difference when ``dst`` differs from
    ``src`` in anything but ``n_resblocks`` (more) and ``quant``, or when the block cannot be grown."""
    records = {}
    if dst.block == src.block + "+Shift":  # BBCU's shift before Sign, started at 0: the same function
        state_dict, records = add_shifts(state_dict, src, dst)
        src = replace(src, block=dst.block)
    if src.block != dst.block and dst.block.startswith("Both-") and src.block.startswith("Single-"):
        state_dict, records = add_skip_maps(state_dict, src, dst)
        src = replace(src, block=dst.block)
    diff = {f.name: (getattr(src, f.name), getattr(dst, f.name)) for f in fields(SRConfig)
            if f.name not in ("n_resblocks", "quant") and getattr(src, f.name) != getattr(dst, f.name)}
    if diff:
        what = ", ".join(f"{k} {a!r} (checkpoint) vs {b!r} (requested)" for k, (a, b) in diff.items())
        raise ValueError(f"cannot grow the checkpoint: its architecture differs in more than depth: {what}"
                         " (of blocks, only Single-A -> Both-A-B and X -> X+Shift are supported)")
    if dst.n_resblocks == src.n_resblocks:
        return state_dict, records
    if dst.n_resblocks < src.n_resblocks:
        raise ValueError(f"cannot grow the checkpoint: it has {src.n_resblocks} resblocks, more than the "
                         f"{dst.n_resblocks} requested (shrinking is not supported)")
    block = BLOCKS[dst.block]
    scaled = issubclass(block, BaseBinaryBlock) and block.scale_factor is BaseBinaryBlock.scale_factor \
        and block.bias_term is BaseBinaryBlock.bias_term  # branch = RPReLU(a * alpha * acc + b - gamma) (* maps)
    if not scaled or getattr(block, "SKIP", None):
        raise ValueError(f"cannot grow a {dst.block} network: its block has no identity initialisation (needs a "
                         f"Base-like block with a scale a and a plain identity skip)")
    per_unit = getattr(block, "convs_per_unit", 1)
    n_src, n_dst = 2 * src.n_resblocks // per_unit, 2 * dst.n_resblocks // per_unit
    extra = n_dst - n_src
    out = dict(state_dict)
    copied = []
    for j in range(n_src, n_dst):
        i = (j - extra) % n_src  # the last `extra` old units, in order (cycling if extra > n_src)
        copied.append(i)
        for k, v in state_dict.items():
            if k.startswith(f"body.{i}."):
                out[f"body.{j}." + k[len(f"body.{i}."):]] = v.detach().clone()
        p = f"body.{j}."  # branch * eps: a, b - gamma and zeta scaled (PReLU is positively homogeneous)
        out[p + "a"] = out[p + "a"] * eps
        out[p + "b"] = out[p + "gamma"] + (out[p + "b"] - out[p + "gamma"]) * eps
        out[p + "zeta"] = out[p + "zeta"] * eps
    record = {**records, "grow": {"resblocks": [src.n_resblocks, dst.n_resblocks],
                                  "new_units": list(range(n_src, n_dst)), "copied_from_units": copied, "eps": eps,
                                  "rule": RULE}}
    return out, record


def add_shifts(state_dict: dict, src: SRConfig, dst: SRConfig) -> tuple[dict, dict]:
    """``state_dict`` of a ``<block>`` model with every unit given ``<block>+Shift``'s shift before Sign, 0 (the
    same function, float and quantised: Sign(pad(X + 0)))."""
    units = sorted({int(k.split(".")[1]) for k in state_dict if k.startswith("body.")})
    out = dict(state_dict)
    for u in units:
        out[f"body.{u}.shift"] = torch.zeros(src.channels)
    return out, {"shifts": {"from": src.block, "to": dst.block, "units": units, "init": 0.0}}


def add_skip_maps(state_dict: dict, src: SRConfig, dst: SRConfig, seed: int = 0) -> tuple[dict, dict]:
    """``state_dict`` of a ``Single-A`` model with every unit given ``dst``'s (``Both-A-B``) skip map B, started
    near identity (see the module doc), and a record of it.  ValueError when the blocks do not pair so."""
    a = src.block[len("Single-"):]
    parts = dst.block.split("-")
    if not (src.block.startswith("Single-") and len(parts) == 3 and parts[0] == "Both" and parts[1] == a):
        raise ValueError(f"cannot add skip maps: {src.block} -> {dst.block} (needs Single-A -> Both-A-B)")
    b = parts[2]
    if b not in ("Spatial", "Global"):
        raise ValueError(f"cannot add skip maps: a {b} skip map has no near-identity start here (Spatial, Global)")
    gen = torch.Generator().manual_seed(seed)
    c = src.channels
    cout = 1 if b == "Spatial" else c
    units = sorted({int(k.split(".")[1]) for k in state_dict if k.startswith("body.")})
    out = dict(state_dict)
    for u in units:
        p = f"body.{u}.skip_att.conv."
        out[p + "weight"] = torch.randn(cout, c, 1, 1, generator=gen) * SKIP_W_STD
        out[p + "bias"] = torch.full((cout,), SKIP_LOGIT)
    return out, {"skip_maps": {"from": src.block, "to": dst.block, "units": units, "logit": SKIP_LOGIT,
                               "weight_std": SKIP_W_STD}}
