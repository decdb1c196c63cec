"""Whole-design simulation: the generated sr_top on LR patches of the Set5 images against the golden.

``python -m sim.top --target pynq-z2`` (what ``make sim`` runs) reads the build of ``make hls``
(``build/<target>/``: RTL, the checkpoint it was built from), cuts patches from every Set5 image (the
first at the image's top-left corner, so it touches two borders), computes the PyTorch golden of each
patch (float64), simulates them back to back with Verilator and writes ``build/<target>/sim_report.json``.
Exit status 0 only if every patch is bit-exact.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from sim.runner import REPO, run_cocotb


def set5_patches(per_image: int, size: int, seed: int = 0) -> tuple[np.ndarray, list[dict]]:
    """LR patches [N, size, size, 3] from Set5 (MATLAB bicubic x1/2 of the modcropped HR) and their origin."""
    from model.data import dataset_dir, list_images, load_rgb, make_pair

    rng = np.random.default_rng(seed)
    patches, where = [], []
    for j, p in enumerate(list_images(dataset_dir("set5"))):
        lr, _ = make_pair(load_rgb(p), 2)
        h, w = lr.shape[:2]
        for k in range(per_image):
            if k == 0 and j == 0:
                y, x = 0, 0  # top-left corner: touches the image border
            elif k == 0:
                y, x = h - size, w - size  # bottom-right corner
            else:
                y, x = int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))
            patches.append(lr[y:y + size, x:x + size])
            where.append({"image": p.name, "row": y, "col": x, "touches_border": bool(
                y == 0 or x == 0 or y + size == h or x + size == w)})
    return np.stack(patches), where


def simulate(build: Path, lr: np.ndarray, hr: np.ndarray, pauses: bool = False, seed: int = 1,
             case: str = "top") -> dict:
    """Run sim/test_sr_top.py on the RTL in ``build/rtl``; returns the raw results dict."""
    rtl = build / "rtl"
    srcs = sorted(p for p in rtl.glob("*.v") if p.name != "sr_top.v") + [rtl / "sr_top.v"]
    work = build / "sim"
    work.mkdir(parents=True, exist_ok=True)
    cases, results = work / f"{case}_cases.npz", work / f"{case}_results.json"
    np.savez(cases, lr=lr, hr=hr)
    if results.exists():
        results.unlink()
    try:
        run_cocotb("sr_top", srcs, "sim.test_sr_top", case, build_root=work,
                   extra_env={"SR_TOP_CASES": str(cases), "SR_TOP_RESULTS": str(results),
                              "SR_TOP_PAUSES": "1" if pauses else "0", "SR_TOP_SEED": str(seed),
                              "PYTHONPATH": str(REPO)})
    except AssertionError:
        if not results.exists():
            raise
    return json.loads(results.read_text())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--target", default="pynq-z2")
    ap.add_argument("--per-image", type=int, default=2, help="patches per Set5 image (>= 2 gives 10)")
    ap.add_argument("--size", type=int, default=16, help="LR patch size")
    ap.add_argument("--pauses", action="store_true", help="random input idles and output backpressure")
    a = ap.parse_args(argv)
    from model.arch import load_checkpoint
    from model.export import golden

    build = REPO / "build" / a.target
    if not (build / "hls_report.json").is_file():
        print(f"make sim: error: no build for target {a.target!r} in {build}: run `make hls TARGET={a.target}` first",
              file=sys.stderr)
        return 2
    hls = json.loads((build / "hls_report.json").read_text())
    model, _ = load_checkpoint((REPO / hls["checkpoint"]).resolve())
    lr, where = set5_patches(a.per_image, a.size)
    t0 = time.time()
    hr = golden(model, lr)
    raw = simulate(build, lr, hr, pauses=a.pauses)
    wall = time.time() - t0
    patches = [{**w, **r} for w, r in zip(where, raw["patches"])]
    n_exact = sum(p["bit_exact"] for p in patches)
    starts = raw["frame_output_starts"]
    frame_px = a.size * a.size
    steady = (starts[-1] - starts[0]) / ((len(starts) - 1) * frame_px) if len(starts) > 1 else None
    report = {
        "target": a.target, "simulator": "verilator (cocotb 2.1)", "checkpoint": hls["checkpoint"],
        "patch_size_lr": [a.size, a.size], "patches": len(patches), "bit_exact_patches": n_exact,
        "lr_pixels": raw["lr_pixels"], "cycles": raw["cycles"],
        "cycles_per_lr_pixel": raw["cycles"] / raw["lr_pixels"],
        "steady_state_cycles_per_lr_pixel": steady,
        "analytical_cycles_per_lr_pixel": hls["cycles_per_lr_pixel"],
        "first_output_latency_cycles": raw["first_output_latency_cycles"],
        "random_stalls": raw["pauses"], "wall_seconds": round(wall, 1), "per_patch": patches,
    }
    out = build / ("sim_report_stalls.json" if a.pauses else "sim_report.json")
    out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    print(f"{n_exact}/{len(patches)} patches bit-exact; {report['cycles_per_lr_pixel']:.2f} cycles/LR pixel "
          f"overall, {steady if steady is None else round(steady, 2)} steady state "
          f"(analytical {hls['cycles_per_lr_pixel']}); report: {out}")
    for p in patches:
        if not p["bit_exact"]:
            print(f"  patch {p['index']} ({p['image']} @ {p['row']},{p['col']}): {p['mismatching_pixels']} pixels "
                  f"differ, first {p.get('first_mismatch')}, tlast_ok={p['tlast_ok']} tuser_ok={p['tuser_ok']}")
    return 0 if n_exact == len(patches) and len(patches) >= 8 else 1


if __name__ == "__main__":
    sys.exit(main())
