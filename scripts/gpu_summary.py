"""Summarise a folder of training runs (scripts/gpu_runs.sh's $W, unpacked here): per run, the iterations,
wall minutes, steps/s, the last Set5 PSNR of its training log and its evaluation (NAME.eval.json).

    python scripts/gpu_summary.py DIR [--out summary.json] [--strip-float-optimizer]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch


def summary(folder: Path) -> list[dict]:
    rows = []
    for ck in sorted(folder.glob("*.pt")):
        d = torch.load(ck, map_location="cpu", weights_only=False)
        last = d["log"][-1] if d.get("log") else {}
        ev = folder / f"{ck.stem}.eval.json"
        ta = d.get("train_args") or {}
        start = d.get("run_start", 0)  # the iteration this run (of a resumed checkpoint) started at
        minutes = last.get("minutes", 0.0)
        rows.append({"run": ck.stem, "config": d.get("config"), "device": d.get("device"),
                     "train_args": {k: ta.get(k) for k in ("block", "backbone", "channels", "resblocks", "fp", "init",
                                                           "batch", "patch", "lr", "anneal_minutes", "compile")},
                     "iterations": d.get("iter"), "minutes": minutes,
                     "steps_per_s": (d.get("iter", 0) - start) / (minutes * 60) if minutes else None,
                     "set5_psnr_train_log": last.get("set5_psnr"),
                     "evaluation": json.loads(ev.read_text())["results"] if ev.exists() else None})
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--strip-float-optimizer", action="store_true",
                    help="drop the optimizer state from *_float.pt (a chain's float stage: QAT needs its weights)")
    a = ap.parse_args(argv)
    if a.strip_float_optimizer:
        for ck in sorted(a.folder.glob("*_float.pt")):
            d = torch.load(ck, map_location="cpu", weights_only=False)
            d.pop("optimizer", None)
            torch.save(d, ck)
    rows = summary(a.folder)
    print(f"{'run':34s} {'iters':>7s} {'min':>5s} {'steps/s':>7s}  set5 (log)  evaluation (PSNR/SSIM)")
    for r in rows:
        ev = "  ".join(f"{s} {v['psnr']:.2f}/{v['ssim']:.4f}" for s, v in (r["evaluation"] or {}).items())
        sps = f"{r['steps_per_s']:7.2f}" if r["steps_per_s"] else "      -"
        set5 = r["set5_psnr_train_log"] or 0
        print(f"{r['run']:34s} {r['iterations']:7d} {r['minutes']:5.2f} {sps}  {set5:6.2f}  {ev}")
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
