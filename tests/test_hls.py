"""make hls: target handling, the build tree and its report."""
import json

import pytest

from hw.build import build, main
from hw.synth import cells_to_resources
from hw.targets import get_target
from model.arch import save_checkpoint


def layer_of(report: dict, name: str) -> dict:
    """The layer called ``name`` in an hls_report."""
    return next(layer for layer in report["layers"] if layer["name"] == name)


def test_unknown_target_is_a_clear_error(capsys):
    with pytest.raises(KeyError, match="unknown target 'zcu999'; known targets: pynq-z2"):
        get_target("zcu999")
    assert main(["--target", "zcu999", "--no-synth"]) == 2
    assert "unknown target" in capsys.readouterr().err


def test_missing_checkpoint_is_a_clear_error(tmp_path, capsys):
    assert main(["--checkpoint", str(tmp_path / "nope.pt"), "--no-synth"]) == 2
    assert "not found" in capsys.readouterr().err


def test_build_tree_and_report(small_model, tmp_path):
    ck = tmp_path / "small.pt"
    save_checkpoint(ck, small_model)
    rep = build("pynq-z2", ck, None, synth=False, out_root=tmp_path / "build")
    out = tmp_path / "build" / "pynq-z2"
    assert not (tmp_path / "build" / "pynq-z2.partial").exists()
    for f in ("model.qonnx.onnx", "rtl/sr_top.v", "rtl/conv_layer.v", "folding_config.json", "design.json",
              "vivado/synth.tcl", "hls_report.json"):
        assert (out / f).is_file(), f
    on_disk = json.loads((out / "hls_report.json").read_text())
    assert on_disk["cycles_per_lr_pixel"] == rep["cycles_per_lr_pixel"] <= get_target("pynq-z2").target_cycles_per_pixel
    assert on_disk["part"] == "xc7z020clg400-1" and on_disk["reference_check"]["mismatches"] == 0
    assert json.loads((out / "folding_config.json").read_text())["body_0"]["SIMD"] >= 1


def test_cell_counting():
    r = cells_to_resources({"LUT6": 10, "LUT2": 5, "RAM64M": 2, "FDRE": 7, "FDSE": 1, "RAMB36E1": 3,
                            "RAMB18E1": 3, "DSP48E1": 4, "CARRY4": 9})
    assert r == {"LUT": 23, "LUT_as_memory": 8, "FF": 8, "BRAM36": 4.5, "DSP": 4}


def test_over_budget_names_the_resource():
    from hw.build import over_budget

    dev = get_target("pynq-z2").device
    assert over_budget({"LUT": 100, "FF": 10, "BRAM36": 1, "DSP": 0}, dev) == {}
    assert over_budget({"LUT": 60000, "FF": 10, "BRAM36": 141, "DSP": 0}, dev) == {
        "LUT": (60000, 53200), "BRAM36": (141, 140)}


def test_cycle_goal_folds_further(small_model, tmp_path):
    ck = tmp_path / "small.pt"
    save_checkpoint(ck, small_model)
    fast = build("pynq-z2", ck, None, synth=False, out_root=tmp_path / "a", cycles=8)
    slow = build("pynq-z2", ck, None, synth=False, out_root=tmp_path / "b", cycles=64)
    assert fast["folding_goal"] == 8 and slow["folding_goal"] == 64
    assert fast["cycles_per_lr_pixel"] <= 8 < slow["cycles_per_lr_pixel"] <= 64
    assert slow["reference_check"]["mismatches"] == 0

    def lanes(rep, name):
        return layer_of(rep, name)["PE"] * layer_of(rep, name)["SIMD"]
    assert lanes(slow, "body_0") < lanes(fast, "body_0")
    with pytest.raises(ValueError, match="not both"):
        build("pynq-z2", ck, tmp_path / "f.json", synth=False, out_root=tmp_path / "c", cycles=64)
    assert main(["--checkpoint", str(ck), "--no-synth", "--cycles", "0"]) == 2


def body_0_in_block_ram(model, tmp_path):
    """Checkpoint of ``model``, its build at 8 cycles, and that build's folding config edited to put body_0's
    weights in block RAM."""
    ck = tmp_path / "small.pt"
    save_checkpoint(ck, model)
    first = build("pynq-z2", ck, None, synth=False, out_root=tmp_path / "a", cycles=8)
    cfg = json.loads((tmp_path / "a" / "pynq-z2" / "folding_config.json").read_text())
    cfg["body_0"]["ram_style"] = "block"
    return ck, first, cfg


def test_folding_json_sets_the_weight_store(small_model, tmp_path):
    # a folding config written by one build, edited (one layer's weights to block RAM) and given back
    ck, first, cfg = body_0_in_block_ram(small_model, tmp_path)
    (tmp_path / "f.json").write_text(json.dumps(cfg))
    again = build("pynq-z2", ck, tmp_path / "f.json", synth=False, out_root=tmp_path / "b")

    def store(rep, name):
        return layer_of(rep, name)["weight_mem"]
    assert store(first, "body_0") == "distributed" and store(again, "body_0") == "block"
    assert store(again, "body_1") == "distributed" and again["reference_check"]["mismatches"] == 0
    assert again["cycles_per_lr_pixel"] == first["cycles_per_lr_pixel"]


def test_make_hls_passes_the_folding_file():
    import subprocess
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    cmd = subprocess.run(["make", "-n", "hls", "FOLDING=f.json"], cwd=repo, capture_output=True, text=True,
                         check=True).stdout
    assert "-m hw.build" in cmd and "--folding f.json" in cmd and "--cycles" not in cmd


def test_checkpoint_ships_its_folding(small_model, tmp_path):
    # <name>.<target>.folding.json beside <name>.pt is the build's folding unless --folding or --cycles says otherwise
    from hw.build import shipped_folding

    ck, first, cfg = body_0_in_block_ram(small_model, tmp_path)
    assert shipped_folding(ck, "pynq-z2") is None
    sidecar = tmp_path / "small.pynq-z2.folding.json"
    sidecar.write_text(json.dumps(cfg))
    assert shipped_folding(ck, "pynq-z2") == sidecar
    shipped = build("pynq-z2", ck, None, synth=False, out_root=tmp_path / "b")
    assert shipped["folding_goal"].endswith("small.pynq-z2.folding.json")
    assert layer_of(shipped, "body_0")["weight_mem"] == "block" and shipped["reference_check"]["mismatches"] == 0
    assert shipped["cycles_per_lr_pixel"] == first["cycles_per_lr_pixel"]
    told = build("pynq-z2", ck, None, synth=False, out_root=tmp_path / "c", cycles=8)  # --cycles wins
    assert told["folding_goal"] == 8 and layer_of(told, "body_0")["weight_mem"] == "distributed"


def test_block_ram_relief_moves_the_smallest_weight_memories_until_it_fits(small_model, tmp_path, monkeypatch):
    # a part with too little block RAM for a cycle goal's folding: the build moves auto layers' weights to LUT
    # ROMs, smallest estimated memory first, as many as cover the excess, re-synthesises and reports each pass;
    # a folding file is built as written
    import dataclasses

    import hw.build as hb

    ck = tmp_path / "small.pt"
    save_checkpoint(ck, small_model)
    built, real_write_rtl, base = [], hb.write_rtl, 0.5

    def write_rtl(design, *args, **kw):
        built.append(design)
        return real_write_rtl(design, *args, **kw)

    def fake_synth(rtl, top, work):  # block RAM: what the estimate says each weight memory in block RAM needs
        bram = base + sum(layer.weight_bram36() for layer in built[-1].layers if layer.weight_mem)
        return {"resources": {"LUT": 1000, "LUT_as_memory": 0, "FF": 1000, "BRAM36": bram, "DSP": 0}, "cells": {}}

    monkeypatch.setattr(hb, "write_rtl", write_rtl)
    build("pynq-z2", ck, None, synth=False, out_root=tmp_path / "a", cycles=64)
    sizes = sorted((layer.weight_bram36(), layer.name) for layer in built[-1].layers if layer.weight_mem)
    assert len(sizes) >= 3
    total = base + sum(b for b, _ in sizes)
    short = sizes[0][0] + sizes[1][0] / 2  # the part lacks the smallest memory and half the next one
    small = dataclasses.replace(get_target("pynq-z2"), device={"LUT": 53200, "FF": 106400, "DSP": 220,
                                                               "BRAM36": total - short})
    monkeypatch.setattr(hb, "synth_xc7", fake_synth)
    monkeypatch.setattr(hb, "get_target", lambda name: small)
    rep = build("pynq-z2", ck, None, out_root=tmp_path / "b", cycles=64)
    assert rep["fits"] and rep["resources"]["BRAM36"] == total - sizes[0][0] - sizes[1][0]
    assert rep["block_ram_relief"] == [{"resources": {"LUT": 1000, "LUT_as_memory": 0, "FF": 1000, "BRAM36": total,
                                                      "DSP": 0}, "weights_moved_to_luts": [sizes[0][1], sizes[1][1]]}]
    cfg = json.loads((tmp_path / "b" / "pynq-z2" / "folding_config.json").read_text())
    assert cfg[sizes[0][1]]["ram_style"] == cfg[sizes[1][1]]["ram_style"] == "distributed"
    assert all(layer_of(rep, name)["weight_mem"] == "block" for _, name in sizes[2:])
    assert rep["reference_check"]["mismatches"] == 0
    # the first pass's folding given as a file: built as written, and reported over budget
    (tmp_path / "f.json").write_text((tmp_path / "a" / "pynq-z2" / "folding_config.json").read_text())
    kept = build("pynq-z2", ck, tmp_path / "f.json", out_root=tmp_path / "c")
    assert not kept["fits"] and "block_ram_relief" not in kept and kept["resources"]["BRAM36"] == total
