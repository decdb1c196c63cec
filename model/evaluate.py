"""Evaluate a checkpoint (or bicubic) on benchmark sets: PSNR/SSIM on Y, shave = scale."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from model.arch import BinarySRNet, load_checkpoint
from model.data import dataset_dir, list_images, load_rgb, make_pair, original_mode
from model.ensemble import self_ensemble as x8
from model.export import golden
from model.imresize import imresize_u8
from model.metrics import psnr_y, ssim_y


def upscale(model: BinarySRNet, lr_u8: np.ndarray) -> np.ndarray:
    """The model's uint8 output for one uint8 RGB image (the float64 golden, see model.export.golden)."""
    return golden(model, lr_u8)[0]


def evaluate(model: BinarySRNet | None, sets: list[str], scale: int = 2, with_ssim: bool = False,
             self_ensemble: bool = False) -> dict:
    """{set: {psnr, ssim?}} for ``model`` (None = MATLAB bicubic); ``self_ensemble``: the model's x8
    self-ensemble (model/ensemble.py) instead of one pass."""
    if self_ensemble and model is None:
        raise ValueError("self-ensemble needs a model (bicubic is the same in all 8 orientations)")
    res = {}
    for name in sets:
        ps, ss = [], []
        for p in list_images(dataset_dir(name)):
            lr, hr = make_pair(load_rgb(p, allow_gray=True), scale)
            gray = original_mode(p) == "L"
            if model is None:
                sr = imresize_u8(lr, scale)
            else:
                sr = x8(lambda im: upscale(model, im), lr) if self_ensemble else upscale(model, lr)
            ps.append(psnr_y(sr, hr, scale, gray))
            if with_ssim:
                ss.append(ssim_y(sr, hr, scale, gray))
        res[name] = {"psnr": float(np.mean(ps))}
        if with_ssim:
            res[name]["ssim"] = float(np.mean(ss))
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--checkpoint", type=Path, help="model checkpoint (omit for bicubic)")
    ap.add_argument("--sets", default="set5", help="comma-separated: set5,set14,b100,urban100")
    ap.add_argument("--ssim", action="store_true")
    ap.add_argument("--self-ensemble", action="store_true",
                    help="x8 geometric self-ensemble (8 flips/rotations, integer mean; model/ensemble.py)")
    ap.add_argument("--out", type=Path, help="write the result as JSON here")
    ap.add_argument("--device", default="cpu", help="torch device to run the model on (e.g. cuda)")
    a = ap.parse_args(argv)
    model = load_checkpoint(a.checkpoint)[0].to(a.device) if a.checkpoint else None
    res = {"model": str(a.checkpoint) if a.checkpoint else "bicubic",
           "self_ensemble": a.self_ensemble,
           "results": evaluate(model, a.sets.split(","), with_ssim=a.ssim, self_ensemble=a.self_ensemble)}
    txt = json.dumps(res, indent=2, sort_keys=True)
    print(txt)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(txt + "\n")


if __name__ == "__main__":
    main()
