"""scripts/quant_sensitivity.py on a tiny float checkpoint: one calibrated quantised model per case, the float ceiling,
and each case a different config (the width raised is the one the row names)."""
import importlib.util
import json
from pathlib import Path

from model.train import main as train

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "quant_sensitivity.py"


def test_quant_sensitivity_rows(tmp_path, monkeypatch):
    fp = tmp_path / "fp.pt"
    train(["--block", "Single-Spatial", "--channels", "8", "--resblocks", "1", "--batch", "2", "--patch", "12",
           "--float", "--iters", "2", "--train-sets", "train/t91", "--threads", "1", "--out", str(fp)])
    spec = importlib.util.spec_from_file_location("quant_sensitivity", SCRIPT)
    qs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(qs)
    seen = []
    real = qs.calibrated
    monkeypatch.setattr(qs, "calibrated", lambda cfg, *a: seen.append(cfg) or real(cfg, *a))
    out = tmp_path / "sens.json"
    qs.main(["--checkpoint", str(fp), "--widths", "res_bits,t_bits", "--batch", "2", "--patch", "12",
             "--out", str(out)])
    rep = json.loads(out.read_text())
    assert rep["done"] and list(rep["set5_psnr"]) == ["float", "as is", "res_bits +2", "t_bits +2"]
    assert all(10 < v < 60 for v in rep["set5_psnr"].values())
    assert [(c.quant, c.res_bits, c.t_bits) for c in seen] == [(True, 8, 12), (True, 10, 12), (True, 8, 14)]
