"""Operation counts of a network configuration at a given LR input size (cf. the GFLOPs column of Table 1).

Counted by forward hooks on the modules of the quantised model of the configuration (the float model has
the same structure but runs its multi-bit convs functionally), for one H x W LR image.  Every layer is a
stride-1 "same" conv, a per-pixel operation or a per-image one after global pooling, so each count is
exactly a * H * W + b: the hooks run on 1 x 1 and 1 x 2 inputs and the counts are extrapolated (a test
checks this against counting at the full size).

* ``fp_macs``: multiply-accumulates of every multi-bit / full-precision conv (head, tail, FP blocks,
  attention 1x1 convs and SE FCs); bias additions not counted.
* ``binary_ops``: multiply-accumulates of the binary 3x3 convs (XNOR-popcount bit-ops), counted on the
  full output (the +1 border taps included).  RescalePre's scaled +-1 input is counted as binary too.
* ``attention_elementwise``: per attention map, one multiply per element of the (C, H, W) tensor it
  scales, one sigmoid per map element, and for SE/Global one addition per input element of the global
  average pool.  Per-channel affine work of every block (scale block, RPReLU, residual add, which the
  hardware folds into its requantiser) and the bilinear skip are not counted.
* ``flops`` = fp_macs + attention_elementwise + binary_ops / 64 -- the Bi-Real / ReActNet / BBCU
  convention (FLOPs + BOPs / 64) with the attention's elementwise products added, since without them an
  attention's cost would be only its tiny 1x1 convs.  ``gflops`` = flops / 1e9.

* ``paper_gflops`` = 2 * flops / 1e9: one MAC = two FLOPs.  The paper does not state its convention; this
  one reproduces its EDSR row: the FP block in the ``edsr`` backbone, 16 resblocks x 64 channels, on a
  128 x 128 LR input (256 x 256 HR output) gives 22.49 G MACs = 44.98 GFLOPs against Table 1's 45.1
  (biases and ReLUs, not counted here, make up about the difference; a test checks this).  The binary rows
  do not reproduce under any one weighting of bit-ops found here: Table 1 charges every attention module
  about 2.1 GFLOPs whatever its type (Global, a per-image 1x1 conv, costs as much as Spatial), which a
  count of the modules as the text defines them cannot give.  ``python -m model.ops`` prints every
  variant at the paper's size (``--backbone edsr``) or the board's.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import replace

import torch
from torch import nn

import brevitas.nn as qnn

from model.arch import BinarySRNet, SRConfig
from model.attention import Attention


def _is_binary(conv: nn.Conv2d) -> bool:
    return isinstance(conv, qnn.QuantConv2d) and float(conv.weight_quant.bit_width()) == 1.0


KEYS = ("fp_macs", "binary_ops", "attention_elementwise")


@torch.no_grad()
def count_ops(cfg: SRConfig, h: int, w: int) -> dict:
    """Operation counts for one ``h`` x ``w`` LR input (see the module docstring for the convention)."""
    model = BinarySRNet(replace(cfg, quant=True)).eval()
    c1, c2 = _hooked_counts(model, 1, 1), _hooked_counts(model, 1, 2)
    counts = {k: (c2[k] - c1[k]) * h * w + 2 * c1[k] - c2[k] for k in KEYS}
    counts["flops"] = counts["fp_macs"] + counts["attention_elementwise"] + counts["binary_ops"] / 64
    counts["gflops"] = counts["flops"] / 1e9
    counts["paper_gflops"] = 2 * counts["flops"] / 1e9
    return counts


@torch.no_grad()
def _hooked_counts(model: BinarySRNet, h: int, w: int) -> dict:
    """The counts of one forward pass of ``model`` (quantised, eval) on a 1 x 3 x h x w input."""
    counts = dict.fromkeys(KEYS, 0)

    def conv_hook(m, inputs, out):
        k = m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
        counts["binary_ops" if _is_binary(m) else "fp_macs"] += out[0].numel() * k

    def attention_hook(m, inputs, out):
        n = getattr(inputs[0], "value", inputs[0])[0].numel()  # C * H * W of the block input, batch 1
        counts["attention_elementwise"] += n + out[0].numel() + (n if m.uses_gap else 0)

    handles = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, Attention):
            handles.append(m.register_forward_hook(attention_hook))
    try:
        model(torch.zeros(1, 3, h, w))
    finally:
        for hd in handles:
            hd.remove()
    return counts


def main(argv=None):
    from model.blocks import TABLE1

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--channels", type=int, default=64)
    ap.add_argument("--resblocks", type=int, default=16)
    ap.add_argument("--backbone", default="edsr", help="edsr (the paper's Table 1 network) or board")
    ap.add_argument("--size", type=int, nargs=2, default=(128, 128), metavar=("H", "W"))
    ap.add_argument("--blocks", default=",".join(TABLE1), help="comma-separated block names")
    a = ap.parse_args(argv)
    rows = {b: count_ops(SRConfig(channels=a.channels, n_resblocks=a.resblocks, block=b, backbone=a.backbone),
                          *a.size)
            for b in a.blocks.split(",")}
    print(json.dumps(rows, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
