"""Training under torchrun/DDP (gloo on CPU, two processes): runs, resumes, and keeps every rank's weights
identical (model.train checks this at the end of a distributed run and fails otherwise)."""
import os
import subprocess
import sys
from pathlib import Path

from model.arch import load_checkpoint
from model.train import STATS_STEPS

REPO = Path(__file__).resolve().parents[1]


def _torchrun(out: Path, iters: int, *extra: str):
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           "-m", "model.train", "--channels", "8", "--resblocks", "1", "--batch", "2", "--patch", "12",
           "--eval-every", "1000", "--train-sets", "train/t91", "--threads", "1", "--iters", str(iters),
           "--out", str(out), *extra]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    r = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return r


def test_ddp_qat_two_processes_and_resume(tmp_path):
    out = tmp_path / "ddp.pt"
    r = _torchrun(out, STATS_STEPS + 4)  # past the statistics phase of the activation scales
    assert "2 process(es) on cpu" in r.stdout
    m, ck = load_checkpoint(out)
    assert ck["iter"] == STATS_STEPS + 4 and ck["world_size"] == 2 and m.cfg.quant
    _torchrun(out, STATS_STEPS + 8, "--resume")
    _, ck = load_checkpoint(out)
    assert ck["iter"] == STATS_STEPS + 8 and len(ck["log"]) == 2
