"""Training CLI: float training, QAT from the float checkpoint, resume; one tiny run each."""
from model.arch import load_checkpoint
from model.train import main as train


def test_float_then_qat_then_resume(tmp_path):
    common = ["--channels", "8", "--resblocks", "1", "--batch", "2", "--patch", "12", "--eval-every", "2",
              "--train-sets", "train/t91", "--threads", "1"]
    fp = tmp_path / "fp.pt"
    train(["--block", "Single-Spatial", "--float", "--iters", "2", "--out", str(fp), *common])
    m, ck = load_checkpoint(fp)
    assert ck["iter"] == 2 and not m.cfg.quant and m.cfg.block == "Single-Spatial"
    q = tmp_path / "q.pt"
    train(["--block", "Single-Spatial", "--init", str(fp), "--iters", "2", "--out", str(q), *common])
    mq, ckq = load_checkpoint(q)
    assert mq.cfg.quant and ckq["log"][-1]["set5_psnr"] > 10
    # the QAT checkpoint keeps the float run it started from
    assert [(h["iter"], h["train_args"]["fp"]) for h in ckq["history"]] == [(2, "True")]
    from model.report import training_summary
    assert training_summary(ckq) == "2 (batch 2, LR patch 12, float, cpu) + 2 (batch 2, LR patch 12, cpu) iterations"
    train(["--block", "Single-Spatial", "--init", str(fp), "--iters", "4", "--resume", "--out", str(q), *common])
    _, ck2 = load_checkpoint(q)
    assert ck2["iter"] == 4 and len(ck2["log"]) == 2 and len(ck2["history"]) == 1  # resume keeps the history
    assert ck2["log"][0]["iter"] == 2


def test_max_minutes_stops_saves_and_resume_finishes(tmp_path):
    common = ["--channels", "8", "--resblocks", "1", "--batch", "2", "--patch", "12", "--eval-every", "1000",
              "--train-sets", "train/t91", "--threads", "1", "--iters", "50", "--out", str(tmp_path / "ck.pt")]
    train([*common, "--max-minutes", "1e-9"])  # out of time after the first step
    _, ck = load_checkpoint(tmp_path / "ck.pt")
    assert ck["iter"] == 1 and len(ck["log"]) == 1
    train([*common, "--resume"])
    _, ck = load_checkpoint(tmp_path / "ck.pt")
    assert ck["iter"] == 50 and [e["iter"] for e in ck["log"]] == [1, 50]


def test_anneal_minutes_decays_to_zero_on_wall_time_and_resume_continues(tmp_path):
    common = ["--channels", "8", "--resblocks", "1", "--batch", "2", "--patch", "12", "--eval-every", "1000000",
              "--train-sets", "train/t91", "--threads", "1", "--iters", "1000000", "--out", str(tmp_path / "ck.pt")]
    # stopped by --max-minutes first: part-way through the schedule, learning rate still high
    train([*common, "--anneal-minutes", "0.05", "--max-minutes", "0.01"])
    _, ck = load_checkpoint(tmp_path / "ck.pt")
    p = ck["progress"]
    assert 0.1 < p < 0.6, p
    assert 0 < ck["iter"] < 1000000 and ck["log"][-1]["lr"] > 3e-4  # lr at progress < 0.6
    # resumed: the schedule runs from the saved progress to 0 over the new budget, then the run ends
    train([*common, "--anneal-minutes", "0.01", "--resume"])
    _, ck2 = load_checkpoint(tmp_path / "ck.pt")
    assert ck2["progress"] == 1.0 and ck2["iter"] > ck["iter"]
    assert ck2["log"][-1]["lr"] < 5e-5  # the last step's lr: the cosine has decayed to about zero
    train([*common, "--anneal-minutes", "0.01", "--resume"])  # already annealed: nothing to do
    _, ck3 = load_checkpoint(tmp_path / "ck.pt")
    assert ck3["iter"] == ck2["iter"]


def test_compile_wraps_the_training_model_once(tmp_path, monkeypatch):
    import torch

    calls = []
    real = torch.compile

    def spy(m, *args, **kw):
        calls.append(type(m).__name__)
        return real(m, *args, **kw)

    monkeypatch.setattr(torch, "compile", spy)
    out = tmp_path / "ck.pt"
    train(["--channels", "4", "--resblocks", "1", "--batch", "1", "--patch", "8", "--eval-every", "1000",
           "--train-sets", "train/t91", "--threads", "1", "--iters", "3", "--float", "--compile", "--out", str(out)])
    _, ck = load_checkpoint(out)
    assert calls == ["BinarySRNet"] and ck["iter"] == 3 and ck["log"][-1]["set5_psnr"] > 5


def test_device_crops_train_exactly_as_host_crops(tmp_path):
    # --device-crops on (the CUDA default) and off take the same crops: the same weights after 3 steps
    import torch

    common = ["--channels", "4", "--resblocks", "1", "--batch", "3", "--patch", "10", "--eval-every", "1000",
              "--train-sets", "train/t91", "--threads", "1", "--iters", "3", "--float"]
    for mode in ("on", "off"):
        train([*common, "--device-crops", mode, "--out", str(tmp_path / f"{mode}.pt")])
    on, off = (torch.load(tmp_path / f"{m}.pt", weights_only=False)["state_dict"] for m in ("on", "off"))
    assert on.keys() == off.keys() and all(torch.equal(on[k], off[k]) for k in on)


def test_zero_iterations_is_a_clear_error(tmp_path, capsys):
    import pytest
    with pytest.raises(SystemExit):
        train(["--iters", "0", "--out", str(tmp_path / "x.pt")])
    assert "--iters must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "x.pt").exists()


def test_res_bits_from_init_changes_the_width_only(tmp_path):
    """QAT with a wider residual stream from an 8-bit checkpoint: the weights and the residual stream's range carry
    over (lr 0: nothing moves), the history says so, and --resume keeps the width."""
    import torch
    common = ["--block", "Single-Spatial", "--channels", "8", "--resblocks", "1", "--batch", "2", "--patch", "12",
              "--eval-every", "1", "--train-sets", "train/t91", "--threads", "1"]
    q8, q10 = tmp_path / "q8.pt", tmp_path / "q10.pt"
    train([*common, "--iters", "2", "--out", str(q8)])
    train([*common, "--init", str(q8), "--res-bits", "10", "--lr", "0", "--iters", "1", "--out", str(q10)])
    m8, ck8 = load_checkpoint(q8)
    m10, ck10 = load_checkpoint(q10)
    assert (m8.cfg.res_bits, m10.cfg.res_bits) == (8, 10)
    assert ck10["history"][-1] == {"res_bits": {"from": 8, "to": 10, "init": str(q8)}}
    from model.report import training_summary
    assert training_summary(ck10) == ("2 (batch 2, LR patch 12, cpu) + residual stream 8 -> 10 bits + "
                                      "1 (batch 2, LR patch 12, cpu) iterations")
    for k, v in ck8["state_dict"].items():
        if "res_quant" not in k:
            assert torch.equal(v, ck10["state_dict"][k]), k
    x = torch.randint(0, 256, (1, 3, 12, 12)).float() / 256
    r8, r10 = m8.res_quant(m8.head(m8.in_quant(x))), m10.res_quant(m10.head(m10.in_quant(x)))
    assert float(r10.scale.detach()) == float(r8.scale.detach()) / 4  # the same range in 2 more bits
    train([*common, "--init", str(q8), "--iters", "2", "--resume", "--out", str(q10)])
    assert load_checkpoint(q10)[0].cfg.res_bits == 10
    import pytest
    with pytest.raises(SystemExit):
        train([*common, "--init", str(q8), "--res-bits", "9", "--iters", "3", "--resume", "--out", str(q10)])


def test_tail_and_head_weight_bits_from_init(tmp_path):
    """--tail-weight-bits / --head-weight-bits change a weight width at --init: the state_dict carries over as is,
    the tail's weights take the new grid (4x finer at 2 more bits, same power-of-two scale range), the history and
    summary say so, and --resume keeps the width."""
    import pytest
    import torch
    common = ["--block", "Single-Spatial", "--channels", "8", "--resblocks", "1", "--batch", "2", "--patch", "12",
              "--eval-every", "1", "--train-sets", "train/t91", "--threads", "1"]
    q8, q10 = tmp_path / "q8.pt", tmp_path / "q10.pt"
    train([*common, "--iters", "2", "--out", str(q8)])
    train([*common, "--init", str(q8), "--tail-weight-bits", "10", "--head-weight-bits", "9", "--lr", "0",
           "--iters", "1", "--out", str(q10)])
    m8, ck8 = load_checkpoint(q8)
    m10, ck10 = load_checkpoint(q10)
    assert (m10.cfg.tail_weight_bits, m10.cfg.head_weight_bits, m10.cfg.res_bits) == (10, 9, 8)
    assert ck10["history"][-2:] == [{"head_weight_bits": {"from": 8, "to": 9, "init": str(q8)}},
                                    {"tail_weight_bits": {"from": 8, "to": 10, "init": str(q8)}}]
    from model.report import training_summary
    assert training_summary(ck10) == ("2 (batch 2, LR patch 12, cpu) + head weights 8 -> 9 bits + "
                                      "tail weights 8 -> 10 bits + 1 (batch 2, LR patch 12, cpu) iterations")
    assert all(torch.equal(v, ck10["state_dict"][k]) for k, v in ck8["state_dict"].items())
    w8, w10 = m8.tail.quant_weight(), m10.tail.quant_weight()
    assert float(w10.scale.detach()) == float(w8.scale.detach()) / 4
    assert int((w10.value / w10.scale).round().abs().max()) > 127  # uses the 10-bit range, not 8
    train([*common, "--init", str(q8), "--iters", "2", "--resume", "--out", str(q10)])
    assert load_checkpoint(q10)[0].cfg.tail_weight_bits == 10
    with pytest.raises(SystemExit):
        train([*common, "--tail-weight-bits", "12", "--iters", "3", "--resume", "--out", str(q10)])
    for bad in ("0", "1"):  # a width below 2 is an error, not the default
        with pytest.raises(SystemExit):
            train([*common, "--tail-weight-bits", bad, "--iters", "1", "--out", str(tmp_path / "bad.pt")])


def test_binary_lr_zero_freezes_the_signs_and_trains_the_rest(tmp_path):
    """--binary-lr 0: every binary conv's latent weight is bit-identical after QAT (so its signs and alpha are),
    while the multi-bit parameters move; a fraction scales only the binary group's learning rate."""
    import torch
    from model.train import binary_weights
    common = ["--block", "Single-Spatial", "--channels", "8", "--resblocks", "1", "--batch", "2", "--patch", "12",
              "--eval-every", "3", "--train-sets", "train/t91", "--threads", "1", "--iters", "3", "--warmup", "0"]
    fp, q = tmp_path / "fp.pt", tmp_path / "q.pt"
    train([*common, "--float", "--out", str(fp)])
    train([*common, "--init", str(fp), "--binary-lr", "0", "--out", str(q)])
    m0, _ = load_checkpoint(fp)
    m1, ck = load_checkpoint(q)
    bw = {id(p) for p in binary_weights(m1)}
    assert len(bw) == 2  # one resblock: two binary convs
    moved = {n: not torch.equal(p, dict(m0.named_parameters())[n]) for n, p in m1.named_parameters()}
    assert not any(moved[n] for n, p in m1.named_parameters() if id(p) in bw)
    assert moved["head.weight"] and moved["tail.weight"]
    assert [g["lr_mult"] for g in ck["optimizer"]["param_groups"]] == [1.0]
    train([*common, "--init", str(fp), "--binary-lr", "0.5", "--out", str(tmp_path / "h.pt")])
    _, ckh = load_checkpoint(tmp_path / "h.pt")
    groups = ckh["optimizer"]["param_groups"]
    assert [g["lr_mult"] for g in groups] == [1.0, 0.5] and groups[1]["lr"] == groups[0]["lr"] / 2
    from model.report import training_summary
    assert training_summary(ckh).endswith(" + 3 (batch 2, LR patch 12, cpu, binary weights at 0.5 x lr) iterations")


def test_teacher_term_is_what_moves_the_weights(tmp_path):
    """--teacher with --distill 0 trains exactly as without a teacher; with a weight, the added L1 to the frozen
    teacher's output changes the step (and the teacher checkpoint is left as it was)."""
    import torch
    common = ["--block", "Single-Spatial", "--channels", "8", "--resblocks", "1", "--batch", "2", "--patch", "12",
              "--eval-every", "2", "--train-sets", "train/t91", "--threads", "1", "--iters", "2", "--warmup", "0",
              "--seed", "5"]
    fp = tmp_path / "fp.pt"
    train([*common, "--float", "--out", str(fp)])
    before = torch.load(fp, weights_only=False)["state_dict"]
    runs = {}
    for name, extra in (("plain", []), ("w0", ["--teacher", str(fp), "--distill", "0"]),
                        ("w1", ["--teacher", str(fp), "--distill", "1"])):
        train([*common, "--init", str(fp), *extra, "--out", str(tmp_path / f"{name}.pt")])
        runs[name] = load_checkpoint(tmp_path / f"{name}.pt")[1]["state_dict"]
    assert all(torch.equal(runs["plain"][k], runs["w0"][k]) for k in runs["plain"])
    assert not torch.equal(runs["plain"]["head.weight"], runs["w1"]["head.weight"])
    from model.report import training_summary
    assert training_summary(load_checkpoint(tmp_path / "w1.pt")[1]).endswith(
        " + 2 (batch 2, LR patch 12, cpu, distilled from fp.pt (weight 1.0)) iterations")
    after = torch.load(fp, weights_only=False)["state_dict"]
    assert all(torch.equal(before[k], after[k]) for k in before)
