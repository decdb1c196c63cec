"""Which fixed-point width costs the quantised model its PSNR: post-training quantisation of a float checkpoint.

    python scripts/quant_sensitivity.py --checkpoint model/checkpoints/c64d_float.pt --threads 1 \
        --out reports/quant_sensitivity.json

For the checkpoint's own widths and then for each width of SRConfig (res, t, tail, k, bias, beta, zeta, and the head
and tail conv weights) raised by --plus bits alone, the float weights are loaded into the quantised model, its
activation scales are calibrated on STATS_STEPS training batches (as the first steps of quantisation-aware training
do; no weight moves) and Set5 is evaluated.  The float model's Set5 PSNR is the ceiling.  This ranks the widths by
what they cost *before* QAT (QAT then wins part of it back): it says which width is worth widening in hardware, not by
how much QAT would gain.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from model.arch import BinarySRNet, SRConfig, load_state_dict_for_qat
from model.data import PairBank, data_root
from model.evaluate import evaluate
from model.train import STATS_STEPS, TRAIN_SETS

WIDTHS = ("res_bits", "t_bits", "tail_bits", "k_bits", "bias_bits", "beta_bits", "zeta_bits", "head_weight_bits",
          "tail_weight_bits")


def calibrated(cfg: SRConfig, state: dict, bank: PairBank, batch: int, patch: int, seed: int) -> BinarySRNet:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = BinarySRNet(cfg)
    load_state_dict_for_qat(net, state)
    net.train()
    with torch.no_grad():
        for _ in range(STATS_STEPS):
            x, _y = bank.tensors(rng, batch, patch, torch.device("cpu"))
            net(x)
    return net.eval()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", type=Path, required=True, help="a float (or quantised) checkpoint")
    ap.add_argument("--plus", type=int, default=2, help="bits added to one width at a time")
    ap.add_argument("--widths", default=",".join(WIDTHS))
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--patch", type=int, default=48)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    ck = torch.load(a.checkpoint, map_location="cpu", weights_only=False)
    base = SRConfig.from_dict(ck["config"])
    state = ck["state_dict"]
    bank = PairBank([data_root() / s for s in TRAIN_SETS.split(",")], base.scale)
    fl = BinarySRNet(replace(base, quant=False))
    load_state_dict_for_qat(fl, state)
    rows = {"float": evaluate(fl.eval(), ["set5"])["set5"]["psnr"]}
    print(json.dumps({"float": rows["float"]}), flush=True)
    cases = [("as is", replace(base, quant=True))]
    for w in a.widths.split(","):
        if w not in WIDTHS:
            ap.error(f"unknown width {w!r}; known: {', '.join(WIDTHS)}")
        cases.append((f"{w} +{a.plus}", replace(base, quant=True, **{w: getattr(base, w) + a.plus})))

    def write():
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps({"checkpoint": str(a.checkpoint), "config": json.loads(base.to_json()),
                                     "calibration": {"batches": STATS_STEPS, "batch": a.batch, "patch": a.patch,
                                                     "seed": a.seed},
                                     "set5_psnr": rows, "done": len(rows) == len(cases) + 1}, indent=1) + "\n")

    for name, cfg in cases:  # the file is rewritten after each case ("done": false until the last)
        t0 = time.time()
        net = calibrated(cfg, state, bank, a.batch, a.patch, a.seed)
        rows[name] = evaluate(net, ["set5"])["set5"]["psnr"]
        print(json.dumps({name: rows[name], "seconds": round(time.time() - t0, 1)}), flush=True)
        write()


if __name__ == "__main__":
    main()
