"""``make eval``: PSNR/SSIM (Y, shave = scale) of bicubic and of checkpoints on the benchmark sets.

    python -m model.report [--model default=model/checkpoints/default.pt ...] [--sets set5,set14,b100,urban100]
    python -m model.report --model default=ck.pt --model default_float=ck.pt:float   # same weights, quantisers off
    python -m model.report --model default_x8=ck.pt:x8           # x8 self-ensemble, on --x8-sets only

Writes ``reports/quality.json`` ({model: {set: {psnr, ssim}}}, with a ``bicubic`` row), the Markdown
table ``reports/quality.md`` (ours beside the paper's Table 1 row of the same block, bicubic beside the
published values) and side-by-side crops ``reports/crops/<image>.png`` (LR nearest x2 | bicubic | ours | HR);
re-renders the Markdown Table 1 (``reports/table1*.md``) from the stored runs ``reports/table1*.json``.
The models are evaluated as their checkpoint's config says (quantised: what the hardware computes) unless
the spec ends in ``:float`` or ``:quant``; ``:x8`` (last) evaluates the x8 self-ensemble (model/ensemble.py).
Crops show the quantised single-pass models.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from PIL import Image

from model.arch import DEFAULT_CHECKPOINT, WIDTH_OPTIONS, load_checkpoint
from model.data import dataset_dir, list_images, load_rgb, make_pair
from model.evaluate import evaluate, upscale
from model.imresize import imresize_u8
from model.paper_table1 import BICUBIC_X2, PAPER_TABLE1
from model.table1 import rerender

REPO = Path(__file__).resolve().parents[1]
SETS = ["set5", "set14", "b100", "urban100"]
B100_NOTE = ("- B100: the images here are 480 x 321 (BSDS originals: 481 x 321).  Modcrop to a multiple of the "
             "scale cuts 481 to 480 for x2, x3 and x4 alike (modcrop drops the last column), so if the stored "
             "images lack the last column the evaluated HR images are exactly the standard ones; the bicubic "
             "row reproducing the published 29.56 dB to 0.01 dB bounds any difference by that.")


def markdown(quality: dict, meta: dict, sets: list[str]) -> str:
    head = "| model | block | " + " | ".join(f"{s} PSNR / SSIM" for s in sets) + " |"
    out = [head, "|" + "---|" * (len(sets) + 2)]
    shown = set()
    for name, res in quality.items():
        block = meta.get(name, {}).get("block", "")
        cells = [f"{res[s]['psnr']:.2f} / {res[s]['ssim']:.4f}" if s in res else "" for s in sets]
        out.append(f"| {name} | {block} | " + " | ".join(cells) + " |")
        ref = ({s: {"psnr": BICUBIC_X2[s]} for s in sets} if name == "bicubic" else PAPER_TABLE1.get(block))
        if ref and block not in shown:
            shown.add(block)
            cells = [(f"{ref[s]['psnr']:.2f}" + (f" / {ref[s]['ssim']:.3f}" if "ssim" in ref[s] else "")) for s in sets]
            label = "published" if name == "bicubic" else "paper Table 1 (16x64 EDSR backbone)"
            out.append(f"| _{label}_ | {block} | " + " | ".join(cells) + " |")
    notes = [f"- {n}: {m.get('description', '')}" for n, m in meta.items()]
    if "b100" in sets:
        notes.append(B100_NOTE)
    return "\n".join(out) + "\n\n" + "\n".join(notes) + "\n"


def crops(models: dict, out_dir: Path, images=("butterfly", "baby"), size: int = 48) -> list[Path]:
    """LR (nearest x2) | bicubic | each model | HR, for a ``size`` x ``size`` HR region of each Set5 image."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    files = {p.stem: p for p in list_images(dataset_dir("set5"))}
    for stem in images:
        lr, hr = make_pair(load_rgb(files[stem]), 2)
        y, x = (hr.shape[0] // 2) & ~1, (hr.shape[1] // 2) & ~1
        panels = [np.repeat(np.repeat(lr, 2, 0), 2, 1), imresize_u8(lr, 2.0)]
        panels += [upscale(m, lr) for m in models.values()]
        panels.append(hr)
        row = np.concatenate([p[y:y + size, x:x + size] for p in panels], axis=1)
        path = out_dir / f"{stem}.png"
        Image.fromarray(np.repeat(np.repeat(row, 3, 0), 3, 1)).save(path)
        paths.append(path)
    return paths


def training_summary(ck: dict) -> str:
    """'24000 (batch 16, LR patch 24, cpu) + 1986 (batch 32, LR patch 48, NVIDIA H100 80GB HBM3) iterations':
    each run the weights went through (the checkpoint's history, then its own run), with the training options
    that change what a run does (--binary-lr, --teacher)."""
    parts = []
    for run in [*ck.get("history", []), ck]:
        changed = [w for w in WIDTH_OPTIONS if w in run]  # model.train --res-bits etc.: a width changed at --init
        if changed:
            parts.extend(f"{WIDTH_OPTIONS[w]} {run[w]['from']} -> {run[w]['to']} bits" for w in changed)
            continue
        if "skip_maps" in run or "grow" in run:  # model/grow.py
            if "skip_maps" in run:  # Single-A given skip maps -> Both-A-B
                parts.append("skip maps added ({from} -> {to})".format(**run["skip_maps"]))
            if "grow" in run:  # a shallower checkpoint grown deeper
                parts.append("grown {} -> {} resblocks".format(*run["grow"]["resblocks"]))
            continue
        ta = run.get("train_args") or {}
        what = [f"batch {ta['batch']}" if "batch" in ta else None, f"LR patch {ta['patch']}" if "patch" in ta else None,
                "float" if ta.get("fp") == "True" else None, run.get("device")]
        if ta.get("binary_lr") not in (None, "1.0", "1"):  # model.train --binary-lr
            what.append(f"binary weights at {ta['binary_lr']} x lr")
        if ta.get("teacher") not in (None, "None"):  # model.train --teacher CK --distill W
            what.append(f"distilled from {Path(ta['teacher']).name} (weight {ta.get('distill', '1.0')})")
        what = ", ".join(w for w in what if w)
        parts.append(f"{run.get('iter')}" + (f" ({what})" if what else ""))
    return " + ".join(parts) + " iterations"


def parse_spec(spec: str) -> tuple[str, Path, bool | None, bool]:
    """``NAME=CHECKPOINT[:float|:quant][:x8]`` -> (name, checkpoint, quant override or None, self-ensemble)."""
    if "=" not in spec:
        raise ValueError(f"--model {spec!r}: expected NAME=CHECKPOINT[:float|:quant][:x8]")
    name, path = spec.split("=", 1)
    ensemble = path.endswith(":x8")
    if ensemble:
        path = path[:-3]
    mode = None
    if path.endswith((":float", ":quant")):
        path, tag = path.rsplit(":", 1)
        mode = tag == "quant"
    return name, Path(path), mode, ensemble


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", action="append", default=[], metavar="NAME=CHECKPOINT",
                    help="default: default=model/checkpoints/default.pt; append :float or :quant to override "
                         "the checkpoint's mode, then :x8 for its x8 self-ensemble")
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--x8-sets", default="set5,set14",
                    help="the sets a :x8 model is evaluated on (8 passes per image: Urban100 would take hours)")
    ap.add_argument("--out", type=Path, default=REPO / "reports")
    a = ap.parse_args(argv)
    specs = a.model or [f"default={DEFAULT_CHECKPOINT}"]
    sets = a.sets.split(",")
    for s in sets:
        dataset_dir(s)  # a clear error naming the missing set, before any work
    x8_sets = [s for s in a.x8_sets.split(",") if s in sets]
    models, ensembled = {}, set()
    meta = {"bicubic": {"description": "MATLAB-compatible bicubic x2 (model/imresize.py)"}}
    for spec in specs:
        name, path, mode, ensemble = parse_spec(spec)
        models[name], ck = load_checkpoint(path, quant=mode)
        if ensemble:
            ensembled.add(name)
        cfg = models[name].cfg
        how = "quantised" if cfg.quant else "float"
        trained_quant = ck["config"].get("quant", True)
        if cfg.quant != trained_quant:
            how += (f" (checkpoint trained {'quantised' if trained_quant else 'float'}, evaluated with its "
                    f"quantisers {'on' if cfg.quant else 'off'})")
        meta[name] = {"block": cfg.block, "checkpoint": str(Path(path).resolve().relative_to(REPO)),
                      "config": ck["config"], "iterations": ck.get("iter"), "train_args": ck.get("train_args"),
                      "history": ck.get("history", []),
                      "description": f"{cfg.block}, C={cfg.channels}, {cfg.n_resblocks} resblocks, {how}, "
                                     f"{training_summary(ck)}"
                                     + (f", x8 self-ensemble (8 passes, integer mean; {', '.join(x8_sets)})"
                                        if ensemble else "")}
    quality = {"bicubic": evaluate(None, sets, with_ssim=True)}
    for name, m in models.items():
        x8 = name in ensembled
        quality[name] = evaluate(m, x8_sets if x8 else sets, with_ssim=True, self_ensemble=x8)
        print(name, json.dumps(quality[name]), flush=True)
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "quality.json").write_text(json.dumps(quality, indent=2, sort_keys=True) + "\n")
    (a.out / "quality_meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    (a.out / "quality.md").write_text(markdown(quality, meta, sets))
    crops({n: m for n, m in models.items() if m.cfg.quant and n not in ensembled}, a.out / "crops")
    for stored in sorted(a.out.glob("table1*.json")):  # the Table 1 runs (python -m model.table1), re-rendered
        print("re-rendered", rerender(stored))
    print((a.out / "quality.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
