"""Table 1 reproduction: every block variant under one equal training budget.

    python -m model.table1 --iters 600 --qat-iters 150 --channels 16 --resblocks 2 [--variants Base,...]

Per variant: train the float model (``--float``) for ``--iters`` iterations, then quantisation-aware
fine-tune from it for ``--qat-iters``; evaluate both (PSNR/SSIM on Y, shave 2) on ``--sets``.  Runs are
resumable (each checkpoint is skipped when complete) and results accumulate in ``<out>/table1.json``;
``reports/table1.md`` is rendered from it beside the paper's numbers.  ``--seeds`` trains a variant more
than once (to read the ranking against seed noise).
"""
from __future__ import annotations

import argparse
import functools
import json
import time
from pathlib import Path

import torch

from model.arch import BLOCKS, SRConfig, load_checkpoint
from model.evaluate import evaluate
from model.ops import count_ops
from model.paper_table1 import BICUBIC_X2, PAPER_TABLE1
from model.train import main as train

REPO = Path(__file__).resolve().parents[1]
TABLE1_ORDER = ["FP", "Base", "Base-Residual"] + [f"RescalePre-{a}" for a in ("Global", "SE", "Spatial")] \
    + [f"RescalePost-{a}" for a in ("Global", "SE", "Spatial")] + [f"Single-{a}" for a in ("Spatial", "SE", "Global")] \
    + ["Dual-SE-Spatial", "Dual-Global-Spatial", "Dual-SE-Global"] \
    + [f"Both-{x}-{y}" for x in ("SE", "Spatial", "Global") for y in ("SE", "Spatial", "Global")] + ["BBCU"]
PAPER_NAME = {"FP": "EDSR"}


def _done(path: Path, iters: int) -> bool:
    return path.exists() and torch.load(path, map_location="cpu", weights_only=False).get("iter") == iters


def run_variant(block: str, seed: int, a, out: Path) -> dict:
    common = ["--block", block, "--backbone", a.backbone, "--channels", str(a.channels), "--resblocks",
              str(a.resblocks), "--batch", str(a.batch), "--patch", str(a.patch), "--seed", str(seed),
              "--threads", str(a.threads), "--eval-every", str(10 ** 9)]
    fp, q = out / f"{a.backbone}_{block}_s{seed}_float.pt", out / f"{a.backbone}_{block}_s{seed}_qat.pt"
    t0 = time.time()
    if not _done(fp, a.iters):
        train([*common, "--float", "--iters", str(a.iters), "--out", str(fp), "--resume"])
    t_fp = time.time() - t0
    res = {"block": block, "backbone": a.backbone, "seed": seed, "float_iters": a.iters, "qat_iters": a.qat_iters}
    res["float"] = evaluate(load_checkpoint(fp)[0], a.sets, with_ssim=True)
    if block != "FP":
        if not _done(q, a.qat_iters):
            train([*common, "--init", str(fp), "--iters", str(a.qat_iters), "--lr", str(a.lr / 10), "--out", str(q),
                   "--resume"])
        res["quantised"] = evaluate(load_checkpoint(q)[0], a.sets, with_ssim=True)
    res["ops"] = count_ops(load_checkpoint(fp)[0].cfg, 64, 64)
    res["train_minutes"] = round((time.time() - t0) / 60, 2)
    res["float_train_minutes"] = round(t_fp / 60, 2)
    return res


@functools.lru_cache(maxsize=None)
def paper_size_gflops(block: str) -> float:
    """GFLOPs of the variant at the paper's size (EDSR backbone, 16 x 64, 128 x 128 LR input, 2 FLOPs/MAC)."""
    return count_ops(SRConfig(channels=64, n_resblocks=16, block=block, backbone="edsr"), 128, 128)["paper_gflops"]


def render(results: list[dict], sets: list[str], budget: str) -> str:
    lines = [f"Budget per variant: {budget}.  PSNR dB / SSIM on Y, shave 2; ours = float / quantised;",
             "paper = Table 1 (16 resblocks x 64 channels, EDSR backbone, full training).  GFLOPs: of the "
             "paper-size network (EDSR backbone, 16 x 64) on a 128 x 128 LR input, 2 FLOPs per MAC, binary "
             "ops / 64 (model/ops.py), ours / paper.", "",
             "| block | seed | GFLOPs ours / paper | " + " | ".join(f"{s} ours (float / quant)" for s in sets)
             + " | " + " | ".join(f"{s} paper" for s in sets) + " |",
             "|" + "---|" * (3 + 2 * len(sets))]
    key = {n: i for i, n in enumerate(TABLE1_ORDER)}
    for r in sorted(results, key=lambda r: (key.get(r["block"], 99), r["seed"])):
        paper = PAPER_TABLE1.get(PAPER_NAME.get(r["block"], r["block"]), {})
        ours = []
        for s in sets:
            f = r["float"][s]
            qs = r.get("quantised", {}).get(s)
            ours.append(f"{f['psnr']:.2f} / " + (f"{qs['psnr']:.2f}" if qs else "-"))
        ref = [f"{paper[s]['psnr']:.2f}" if s in paper else "" for s in sets]
        gf = f"{paper_size_gflops(r['block']):.2f} / " + (f"{paper['gflops']:g}" if paper else "-")
        lines.append(f"| {r['block']} | {r['seed']} | {gf} | " + " | ".join(ours) + " | "
                     + " | ".join(ref) + " |")
    lines += seed_summary(results, sets[0], order=key)
    return "\n".join(lines) + "\n"


def seed_summary(results: list[dict], s: str, order: dict) -> list[str]:
    """Markdown lines: for every variant trained with more than one seed, the mean and range of its quantised
    PSNR on set ``s`` (the ranking read against seed noise); none when no variant has several seeds."""
    by = {}
    for r in results:
        q = r.get("quantised", {}).get(s)
        if q:
            by.setdefault(r["block"], []).append((r["seed"], q["psnr"]))
    multi = {b: v for b, v in by.items() if len(v) > 1}
    if not multi:
        return []
    out = ["", f"Variants trained with several seeds, quantised {s} PSNR: mean (min-max over the seeds).", "",
           "| block | seeds | mean | min-max |", "|---|---|---|---|"]
    for b in sorted(multi, key=lambda b: (-sum(p for _, p in multi[b]) / len(multi[b]), order.get(b, 99))):
        ps = [p for _, p in multi[b]]
        out.append(f"| {b} | {', '.join(str(sd) for sd, _ in sorted(multi[b]))} | {sum(ps) / len(ps):.2f} | "
                   f"{min(ps):.2f}-{max(ps):.2f} |")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", default="all", help="comma-separated Table 1 names, or all")
    ap.add_argument("--seeds", default="0", help="seeds for every variant (e.g. 0)")
    ap.add_argument("--extra-seeds", default="Base:1", help="VARIANT:SEED,... trained in addition")
    ap.add_argument("--backbone", default="board", help="board or edsr (the paper's Table 1 backbone)")
    ap.add_argument("--channels", type=int, default=16)
    ap.add_argument("--resblocks", type=int, default=2)
    ap.add_argument("--iters", type=int, default=600)
    ap.add_argument("--qat-iters", type=int, default=150)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--patch", type=int, default=24)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sets", default="set5,set14")
    ap.add_argument("--out", type=Path, default=REPO / "build" / "table1")
    ap.add_argument("--report", type=Path, default=REPO / "reports" / "table1.md")
    a = ap.parse_args(argv)
    a.sets = a.sets.split(",")
    names = TABLE1_ORDER if a.variants == "all" else a.variants.split(",")
    for n in names:
        BLOCKS[n]  # KeyError naming the registry for a wrong name
    jobs = [(n, int(s)) for n in names for s in a.seeds.split(",")]
    jobs += [(v, int(s)) for v, s in (e.split(":") for e in a.extra_seeds.split(",") if e) if v in names]
    a.out.mkdir(parents=True, exist_ok=True)
    store = a.out / "table1.json"
    results = json.loads(store.read_text()) if store.exists() else []
    budget = (f"{a.backbone} backbone, C={a.channels}, {a.resblocks} resblocks, {a.iters} float + "
              f"{a.qat_iters} QAT iterations, batch "
              f"{a.batch}, LR patch {a.patch}, Adam {a.lr} cosine (QAT lr/10), CPU")
    for block, seed in jobs:
        if any(r["block"] == block and r["seed"] == seed and r["float_iters"] == a.iters
               and r.get("backbone", "board") == a.backbone for r in results):
            continue
        r = run_variant(block, seed, a, a.out)
        r["budget"] = budget
        results.append(r)
        store.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
        _write_report(results, a, budget)  # after every variant: a long run shows its progress
        print(json.dumps({k: r[k] for k in ("block", "seed", "float", "train_minutes")}), flush=True)
    if results:
        _write_report(results, a, budget)
    return 0


def _write_report(results: list[dict], a, budget: str) -> None:
    a.report.parent.mkdir(parents=True, exist_ok=True)
    a.report.write_text(render(results, a.sets, budget))
    a.report.with_suffix(".json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


def rerender(json_path: Path) -> Path:
    """Re-render ``<name>.md`` beside a stored Table 1 results file (``make eval`` does this; no training)."""
    results = json.loads(json_path.read_text())
    sets = [s for s in BICUBIC_X2 if s in results[0]["float"]]  # the benchmark order
    md = json_path.with_suffix(".md")
    md.write_text(render(results, sets, results[0]["budget"]))
    return md


if __name__ == "__main__":
    raise SystemExit(main())
