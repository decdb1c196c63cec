"""Training-step throughput of the model family on one device: eager against torch.compile, one process.

    python scripts/gpu_bench.py [--seconds 15] [--small]      (on the lent GPU: see scripts/gpu_runs.sh)
    python scripts/gpu_bench.py --case Single-Spatial:32:6:board:float:128:48 [--case ...]

``--case BLOCK:CHANNELS:RESBLOCKS:BACKBONE:{float,quant}:BATCH:PATCH[:compiled]`` replaces the default cases.

Each case times full training steps (forward, L1 loss, backward, Adam) on random tensors of the training
shape, after warm-up, and prints steps/s and LR pixels/s.  Quantised cases first run the 301 steps that
calibrate Brevitas' runtime-statistics activation scales (on 1 x 8 x 8 inputs), since those steps
take another code path (a k-th value per scale) and are not what a long run spends its time in.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from model.arch import BinarySRNet, SRConfig  # noqa: E402
from model.train import STATS_STEPS  # noqa: E402


def bench(cfg: SRConfig, batch: int, patch: int, compiled: bool, seconds: float, dev: torch.device) -> dict:
    torch.manual_seed(0)
    model = BinarySRNet(cfg).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)

    def step(net, b, p):
        x = torch.rand(b, 3, p, p, device=dev)
        y = torch.rand(b, 3, 2 * p, 2 * p, device=dev)
        loss = (net(x) - y).abs().mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss

    t = time.time()
    if cfg.quant:
        for _ in range(STATS_STEPS):
            step(model, 1, 8)
    calib = time.time() - t
    net = torch.compile(model) if compiled else model
    t = time.time()
    for _ in range(3):
        step(net, batch, patch)
    if dev.type == "cuda":
        torch.cuda.synchronize()
    warm = time.time() - t
    n, t = 0, time.time()
    while time.time() - t < seconds:
        step(net, batch, patch)
        n += 1
    if dev.type == "cuda":
        torch.cuda.synchronize()
    dt = time.time() - t
    return {"block": cfg.block, "channels": cfg.channels, "resblocks": cfg.n_resblocks, "backbone": cfg.backbone, "quant": cfg.quant,
            "batch": batch, "patch": patch, "compiled": compiled, "steps_per_s": n / dt,
            "lr_pixels_per_s": n * batch * patch * patch / dt, "warmup_s": warm, "calibration_s": calib}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--small", action="store_true", help="tiny sizes (a CPU smoke test of this script)")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--case", action="append", default=[], help="BLOCK:C:R:BACKBONE:{float,quant}:BATCH:PATCH[:compiled]")
    a = ap.parse_args(argv)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if dev.type == "cuda":
        torch.backends.cudnn.benchmark = True
    board = dict(channels=8, n_resblocks=1) if a.small else dict(channels=32, n_resblocks=4)
    paper = dict(channels=8, n_resblocks=2) if a.small else dict(channels=64, n_resblocks=16)
    bp = (2, 12) if a.small else (32, 48)
    pp = (2, 12) if a.small else (16, 48)
    bq = SRConfig(**board, block="Base", backbone="board", quant=True)
    pf = SRConfig(**paper, block="Base", backbone="edsr", quant=False)
    pq = SRConfig(**paper, block="Base", backbone="edsr", quant=True)
    # most telling first: a device call may end before the last case
    cases = [(bq, bp, False), (bq, bp, True), (pq, pp, False), (pf, pp, False), (pf, pp, True), (pq, pp, True)]
    if a.case:
        cases = []
        for spec in a.case:
            f = spec.split(":")
            cfg = SRConfig(channels=int(f[1]), n_resblocks=int(f[2]), block=f[0], backbone=f[3], quant=f[4] == "quant")
            cases.append((cfg, (int(f[5]), int(f[6])), len(f) > 7 and f[7] == "compiled"))
    rows = []
    for cfg, (b, p), compiled in cases:
        try:
            r = bench(cfg, b, p, compiled, a.seconds, dev)
        except Exception as e:  # noqa: BLE001  (a compile failure is a result too)
            r = {"channels": cfg.channels, "quant": cfg.quant, "compiled": compiled, "error": repr(e)[:300]}
        rows.append(r)
        print(json.dumps(r), flush=True)
    if a.out:
        a.out.write_text(json.dumps({"device": str(torch.cuda.get_device_name() if dev.type == "cuda" else "cpu"),
                                     "torch": torch.__version__, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
