"""Train the binary SR network (quantisation-aware) on HR/LR pairs: L1 loss, Adam, cosine decay.

Resumes from ``--out`` when it exists (``--resume``); logs loss and Set5 PSNR; CPU or CUDA.
"""
from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from model.arch import BinarySRNet, SRConfig, save_checkpoint
from model.data import PairBank, data_root, to_tensor
from model.evaluate import evaluate


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--channels", type=int, default=32)
    ap.add_argument("--resblocks", type=int, default=4)
    ap.add_argument("--iters", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--patch", type=int, default=32, help="LR patch size")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--eval-every", type=int, default=1000)
    ap.add_argument("--out", type=Path, required=True, help="checkpoint path")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--train-sets", default="train/t91,train/bsds500_test,train/bsd200")
    a = ap.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    cfg = SRConfig(channels=a.channels, n_resblocks=a.resblocks)
    model = BinarySRNet(cfg).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    start, log = 0, []
    if a.resume and a.out.exists():
        ck = torch.load(a.out, map_location=dev, weights_only=False)
        model.load_state_dict(ck["state_dict"])
        opt.load_state_dict(ck["optimizer"])
        start, log = ck["iter"], ck.get("log", [])
        rng = np.random.default_rng(a.seed + start)
    bank = PairBank([data_root() / s for s in a.train_sets.split(",")], cfg.scale)
    print(f"{len(bank.pairs)} training images; config {cfg.to_json()}", flush=True)
    a.out.parent.mkdir(parents=True, exist_ok=True)

    def save(it):
        save_checkpoint(a.out, model, {"optimizer": opt.state_dict(), "iter": it, "log": log,
                                       "train_args": {k: str(v) for k, v in vars(a).items()}})

    t0, run_loss = time.time(), 0.0
    bar = tqdm(range(start, a.iters), initial=start, total=a.iters, mininterval=10)
    for it in bar:
        for g in opt.param_groups:
            g["lr"] = a.lr * 0.5 * (1 + math.cos(math.pi * it / a.iters))
        model.train()
        lr_u8, hr_u8 = bank.batch(rng, a.batch, a.patch)
        x, y = to_tensor(lr_u8).to(dev), to_tensor(hr_u8).to(dev)
        loss = (model(x) - y).abs().mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        run_loss += loss.item()
        if (it + 1) % 100 == 0:
            bar.set_postfix(loss=f"{run_loss / 100:.5f}")
            run_loss = 0.0
        if (it + 1) % a.eval_every == 0 or it + 1 == a.iters:
            model.eval()
            psnr = evaluate(model.cpu(), ["set5"])["set5"]["psnr"]
            model.to(dev)
            log.append({"iter": it + 1, "set5_psnr": psnr, "loss": loss.item(), "minutes": (time.time() - t0) / 60})
            print(json.dumps(log[-1]), flush=True)
            save(it + 1)


if __name__ == "__main__":
    main()
