"""A board-size model of a block that is not trained yet, for hardware checks only (resources, bit-exact simulation):
the shipped default's weights where the names match, the rest fresh, the activation scales calibrated by 20 steps
on random crops (targets: the bilinear x2 of the input).  Not a trained model.

    python scripts/hw_check_model.py --block Both-Spatial-Spatial --out build/bss4_check.pt
    make hls CHECKPOINT=build/bss4_check.pt && make sim      (reports/pynq-z2/bss4_check was made so)
    python scripts/hw_check_model.py --block Single-Spatial --channels 64 --res-bits 10 --out build/ss_r10_check.pt
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from model.arch import BinarySRNet, SRConfig, load_checkpoint, save_checkpoint  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--block", required=True)
    ap.add_argument("--channels", type=int, default=32)
    ap.add_argument("--resblocks", type=int, default=4)
    ap.add_argument("--res-bits", type=int, default=SRConfig.res_bits, help="width of the residual stream")
    ap.add_argument("--init", type=Path, default=Path("model/checkpoints/default.pt"))
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    torch.manual_seed(0)
    src, _ = load_checkpoint(a.init)
    m = BinarySRNet(SRConfig(channels=a.channels, n_resblocks=a.resblocks, block=a.block, backbone="board",
                             res_bits=a.res_bits))
    own = m.state_dict()
    m.load_state_dict({k: v for k, v in src.state_dict().items() if k in own and own[k].shape == v.shape},
                      strict=False)
    opt = torch.optim.Adam(m.parameters(), 1e-4)
    m.train()
    for _ in range(20):
        x = torch.randint(0, 256, (2, 3, 16, 16)).float() / 256
        loss = (m(x) - torch.nn.functional.interpolate(x, scale_factor=2, mode="bilinear")).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    m.eval()
    a.out.parent.mkdir(parents=True, exist_ok=True)
    save_checkpoint(a.out, m, {"history": [{"hw_check_model": {"init": str(a.init), "steps": 20}}]})
    print(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
