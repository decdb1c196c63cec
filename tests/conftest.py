"""Shared fixtures: a small trained-for-a-moment quantised model and Set5 LR patches."""
from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
warnings.filterwarnings("ignore")

FULL = os.environ.get("SR_TEST_FULL") == "1"


def trained_small(block: str, **cfg):
    """A C=8, one-resblock model of ``block`` whose quantiser scales were calibrated by a few training steps;
    ``cfg``: other SRConfig fields (e.g. ``res_bits``)."""
    import torch

    from model.arch import BinarySRNet, SRConfig

    torch.manual_seed(0)
    m = BinarySRNet(SRConfig(channels=8, n_resblocks=1, block=block, **cfg))
    opt = torch.optim.Adam(m.parameters(), 1e-2)
    m.train()
    for _ in range(5):
        x = torch.randint(0, 256, (2, 3, 12, 12)).float() / 256
        loss = (m(x) - torch.rand(2, 3, 24, 24)).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return m.eval()


@pytest.fixture(scope="session")
def small_model():
    """The Base block's small model (see :func:`trained_small`)."""
    return trained_small("Base")


@pytest.fixture(scope="session")
def small_spatial_model():
    """The Single-Spatial block's small model (see :func:`trained_small`)."""
    return trained_small("Single-Spatial")


@pytest.fixture(scope="session")
def set5_lr():
    """The five Set5 LR images (MATLAB bicubic x1/2 of the modcropped HR), uint8."""
    from model.data import dataset_dir, list_images, load_rgb, make_pair

    return {p.stem: make_pair(load_rgb(p), 2)[0] for p in list_images(dataset_dir("set5"))}


def corner_patches(images: dict, size: int) -> list[np.ndarray]:
    """One top-left and one bottom-right patch per image."""
    out = []
    for img in images.values():
        out += [np.ascontiguousarray(img[:size, :size]), np.ascontiguousarray(img[-size:, -size:])]
    return out


def sim_top_with_stalls(model, tmp_path, seed: int, case: str) -> str:
    """The generated sr_top of a small ``model`` (8 x 8 export, folded to 16, the first body layer's window in 2
    slices per pixel) on Set5 patches, some at the border, with random input idles and output backpressure; asserts
    every patch bit-exact and returns the top's Verilog for further checks."""
    from hw.codegen import write_rtl
    from hw.design import Design
    from model.export import export_model, golden
    from sim.top import set5_patches, simulate

    design = Design.from_qonnx(export_model(model, tmp_path / "m.onnx", 8, 8), max_width=16, max_height=16)
    design.set_folding(16)  # a spatial map takes C/PE + 1 of the window's cycles: 16 leave room for 2 slices
    design.layers[2].lb_beats = 2
    write_rtl(design, tmp_path / "rtl")
    lr, where = set5_patches(per_image=2, size=6)
    assert any(w["touches_border"] for w in where)
    raw = simulate(tmp_path, lr, golden(model, lr), pauses=True, seed=seed, case=case)
    bad = [r for r in raw["patches"] if not r["bit_exact"]]
    assert not bad, bad[:2]
    assert len(raw["patches"]) == len(lr)
    return (tmp_path / "rtl" / "sr_top.v").read_text()
