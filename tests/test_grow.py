"""Growing a trained network deeper (model/grow.py, ``model.train --init`` with more ``--resblocks``)."""
import pytest
import torch

from conftest import trained_small
from model.arch import BinarySRNet, SRConfig, load_checkpoint, load_state_dict_for_qat, save_checkpoint
from model.grow import EPS, grow_state_dict
from model.train import WARMUP_INIT

BLOCK = "Single-Spatial"


def _grown(src: BinarySRNet, resblocks: int, **kw) -> BinarySRNet:
    cfg = SRConfig(channels=src.cfg.channels, n_resblocks=resblocks, block=src.cfg.block, quant=src.cfg.quant)
    state, record = grow_state_dict(src.state_dict(), src.cfg, cfg, **kw)
    assert record["grow"]["resblocks"] == [src.cfg.n_resblocks, resblocks]
    m = BinarySRNet(cfg)
    load_state_dict_for_qat(m, state)
    return m.eval()


def _float_src() -> BinarySRNet:
    """A float C=8 one-resblock model with every parameter moved off its initial value."""
    torch.manual_seed(0)
    m = BinarySRNet(SRConfig(channels=8, n_resblocks=1, block=BLOCK, quant=False))
    with torch.no_grad():
        for p in m.parameters():
            p.add_(0.1 * torch.randn_like(p))
    return m.eval()


def _lr():
    torch.manual_seed(1)
    return torch.randint(0, 256, (2, 3, 16, 16)).float() / 256


@pytest.mark.parametrize("quant", [False, True])
def test_grown_keeps_old_blocks_and_with_eps_0_the_function_exactly(quant):
    src = trained_small(BLOCK) if quant else _float_src()  # quantised: scales calibrated by a few steps
    dst = _grown(src, 2, eps=0.0)
    s_sd, d_sd = src.state_dict(), dst.state_dict()
    assert all(torch.equal(v, d_sd[k]) for k, v in s_sd.items())  # head, tail, scales, old units 0, 1
    assert len(dst.body) == 4
    for j, i in ((2, 0), (3, 1)):  # the new units' binary weights copy the old units'
        assert torch.equal(dst.body[j].conv.weight, src.body[i].conv.weight)
    x = _lr()
    with torch.no_grad():
        assert torch.equal(dst(x), src(x))  # branch exactly 0: X' = X in float and on the quantised grids


@pytest.mark.parametrize("quant", [False, True])
def test_grown_with_default_eps_is_close_and_trains(quant):
    src = trained_small(BLOCK) if quant else _float_src()
    dst, full = _grown(src, 2), _grown(src, 2, eps=1.0)  # full: the new units plain copies
    x = _lr()
    with torch.no_grad():
        y0, y, y_full = src(x), dst(x), full(x)
    # Not exact by design (eps = 0 would starve the binary weights of gradient, see model/grow.py): each new
    # unit adds EPS times a copy's residual update, so the output moves by about EPS times as much as with
    # plain copies (measured 0.96x in float, 0.5x quantised); allowed 2x, plus one uint8 level (1/256) of
    # output rounding in the quantised model.
    d, d_full = float((y - y0).abs().mean()), float((y_full - y0).abs().mean())
    assert d_full > 0.01 and d <= 2 * EPS * d_full + (1 / 256 if quant else 0), (d, d_full)
    dst.train()
    (dst(x) - torch.rand_like(y)).abs().mean().backward()
    for j in (2, 3):  # the new units get gradients from the first step, the binary weights included
        assert float(dst.body[j].a.grad.abs().max()) > 0 and float(dst.body[j].conv.weight.grad.abs().max()) > 0
    assert EPS > 0


def test_mismatch_other_than_depth_is_a_clear_error():
    src = _float_src()
    for cfg, what in ((SRConfig(channels=16, n_resblocks=2, block=BLOCK, quant=False), "channels 8"),
                      (SRConfig(channels=8, n_resblocks=2, block="Base", quant=False), "block 'Single-Spatial'")):
        with pytest.raises(ValueError, match=f"differs in more than depth: {what}"):
            grow_state_dict(src.state_dict(), src.cfg, cfg)
    with pytest.raises(ValueError, match="shrinking"):
        grow_state_dict(src.state_dict(), SRConfig(channels=8, n_resblocks=3, block=BLOCK, quant=False), src.cfg)
    both = SRConfig(channels=8, n_resblocks=2, block="Both-SE-SE", quant=False)
    with pytest.raises(ValueError, match="no identity initialisation"):
        grow_state_dict({}, SRConfig(channels=8, n_resblocks=1, block="Both-SE-SE", quant=False), both)


def test_train_grows_init_and_records_it(tmp_path):
    from model.report import training_summary
    from model.train import main as train

    common = ["--block", BLOCK, "--channels", "8", "--batch", "2", "--patch", "12", "--eval-every", "1",
              "--train-sets", "train/t91", "--threads", "1", "--iters", "1"]
    src = trained_small(BLOCK)
    ck1 = tmp_path / "r1.pt"
    save_checkpoint(ck1, src, {"iter": 5, "train_args": {"batch": "2", "patch": "12"}, "device": "cpu"})
    out = tmp_path / "r2.pt"
    train([*common, "--resblocks", "2", "--init", str(ck1), "--out", str(out)])
    m, ck = load_checkpoint(out)
    assert m.cfg.n_resblocks == 2 and len(m.body) == 4
    assert ck["history"][0]["iter"] == 5
    assert ck["log"][0]["lr"] == pytest.approx(1e-3 / WARMUP_INIT)  # a fresh Adam on trained weights: warm-up
    assert ck["history"][1]["grow"]["resblocks"] == [1, 2] and ck["history"][1]["grow"]["init"] == str(ck1)
    assert training_summary(ck).startswith("5 (batch 2, LR patch 12, cpu) + grown 1 -> 2 resblocks + 1 (")
    with pytest.raises(ValueError, match="channels 8"):
        train([*common[:2], "--channels", "16", *common[4:], "--resblocks", "2", "--init", str(ck1),
               "--out", str(tmp_path / "bad.pt")])


BOTH = "Both-Spatial-Spatial"


def _with_skip_maps(src: BinarySRNet, block: str = BOTH) -> BinarySRNet:
    cfg = SRConfig(channels=src.cfg.channels, n_resblocks=src.cfg.n_resblocks, block=block, quant=src.cfg.quant)
    state, record = grow_state_dict(src.state_dict(), src.cfg, cfg)
    assert record["skip_maps"]["units"] == list(range(len(src.body))) and "grow" not in record
    m = BinarySRNet(cfg)
    load_state_dict_for_qat(m, state)
    return m.eval()


@pytest.mark.parametrize("quant", [False, True])
def test_skip_maps_added_near_identity(quant):
    src = trained_small(BLOCK) if quant else _float_src()
    dst = _with_skip_maps(src)
    d_sd = dst.state_dict()
    assert all(torch.equal(v, d_sd[k]) for k, v in src.state_dict().items())  # every old weight kept
    x = _lr()
    if quant:  # the new maps' activation scales are calibrated by training steps, as model.train does
        opt = torch.optim.Adam([p for n, p in dst.named_parameters() if "skip_att" in n], 0.0)
        dst.train()
        for _ in range(3):
            dst(x).abs().mean().backward()
            opt.step()
        dst.eval()
    seen = []
    hook = dst.body[0].skip_att.register_forward_hook(lambda mod, i, o: seen.append(o))
    with torch.no_grad():
        y0, y = src(x), dst(x)
    hook.remove()
    lo, hi = (255 / 256, 255 / 256) if quant else (0.997, 0.998)  # sigmoid(6 + ~0); quantised: the grid's top
    assert lo <= float(seen[0].min()) and float(seen[0].max()) <= hi
    # the skip maps scale every unit's identity by ~0.9975 (float) / 255/256 (quantised): the output moves by
    # well under 1 % (measured 0.4 % on this float model); a map of 1/2 moves it by far more
    assert float((y - y0).abs().mean()) < 0.01 * float(y0.abs().mean()), float((y - y0).abs().mean())
    dst.train()
    (dst(x) - torch.rand_like(y)).abs().mean().backward()
    assert float(dst.body[0].skip_att.conv.weight.grad.abs().max()) > 0  # the maps learn from the first step


def test_skip_maps_only_single_to_both_of_the_same_branch_map():
    src = _float_src()
    for block, what in (("Both-SE-Spatial", "Single-A -> Both-A-B"), ("Both-Spatial-SE", "SE skip map")):
        cfg = SRConfig(channels=8, n_resblocks=1, block=block, quant=False)
        with pytest.raises(ValueError, match=what):
            grow_state_dict(src.state_dict(), src.cfg, cfg)
    deeper_both = SRConfig(channels=8, n_resblocks=2, block=BOTH, quant=False)
    with pytest.raises(ValueError, match="no identity initialisation"):
        grow_state_dict(src.state_dict(), src.cfg, deeper_both)


@pytest.mark.parametrize("quant", [False, True])
def test_shifts_added_at_zero_keep_the_function_exactly_then_learn(quant):
    """``<block>`` -> ``<block>+Shift``: every unit gets BBCU's shift before Sign at 0, the same function (float
    and on the quantised grids); the shifts then get a gradient (through ApproxSign) from the first step."""
    src = trained_small(BLOCK) if quant else _float_src()
    cfg = SRConfig(channels=8, n_resblocks=1, block=BLOCK + "+Shift", quant=quant)
    state, record = grow_state_dict(src.state_dict(), src.cfg, cfg)
    assert record["shifts"]["units"] == [0, 1] and "grow" not in record
    dst = BinarySRNet(cfg)
    load_state_dict_for_qat(dst, state)
    dst.eval()
    d_sd = dst.state_dict()
    assert all(torch.equal(v, d_sd[k]) for k, v in src.state_dict().items())
    assert all(float(b.shift.abs().max()) == 0 for b in dst.body)
    x = _lr()
    with torch.no_grad():
        assert torch.equal(dst(x), src(x))
    dst.train()
    (dst(x) - torch.rand(2, 3, 32, 32)).abs().mean().backward()
    assert all(float(b.shift.grad.abs().max()) > 0 for b in dst.body)
    # deeper at the same time: the new units copy the old units' shifts
    state2, record2 = grow_state_dict(src.state_dict(), src.cfg, SRConfig(channels=8, n_resblocks=2,
                                                                          block=BLOCK + "+Shift", quant=quant))
    assert "shifts" in record2 and record2["grow"]["resblocks"] == [1, 2] and "body.3.shift" in state2


def test_shift_only_onto_the_same_block():
    src = _float_src()
    with pytest.raises(ValueError, match=r"X -> X\+Shift"):
        grow_state_dict(src.state_dict(), src.cfg, SRConfig(channels=8, n_resblocks=1, block="Base+Shift",
                                                           quant=False))
