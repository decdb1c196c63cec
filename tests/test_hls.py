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


def test_folding_json_sets_the_weight_store(small_model, tmp_path):
    # a folding config written by one build, edited (one layer's weights to block RAM) and given back
    ck = tmp_path / "small.pt"
    save_checkpoint(ck, small_model)
    first = build("pynq-z2", ck, None, synth=False, out_root=tmp_path / "a", cycles=8)
    cfg = json.loads((tmp_path / "a" / "pynq-z2" / "folding_config.json").read_text())
    cfg["body_0"]["ram_style"] = "block"
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
