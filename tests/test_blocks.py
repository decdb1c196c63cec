"""model/blocks.py, model/attention.py, model/ops.py: every Table 1 variant as float and quantised model."""
import types
from dataclasses import replace

import pytest
import torch
import torch.nn.functional as F

from model.arch import BLOCKS, BaseBinaryBlock, BinarySRNet, Registry, SRConfig, load_checkpoint, save_checkpoint
from model.attention import ATTENTIONS
from model.blocks import TABLE1
from model.ops import _hooked_counts, count_ops

TINY = dict(channels=8, n_resblocks=1)
SCALE_KEY = ".scaling_impl.value"  # learned activation scales: used only by the quantised model


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny tensors: one thread is faster, and much faster on a loaded 2-core machine."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _images(n=2, h=12, w=12, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, 256, (n, 3, h, w), generator=g).float() / 256


def _calibrated(name, steps=4, **kw):
    """A quantised tiny model whose activation scales have seen a few training-mode batches."""
    torch.manual_seed(0)
    m = BinarySRNet(SRConfig(block=name, **TINY, **kw))
    m.train()
    with torch.no_grad():
        for i in range(steps):
            m(_images(seed=i))
    return m.eval()


def test_every_table1_name_is_registered():
    names = {"FP", "BBCU", "Base", "Base-Residual"}
    for a in ("SE", "Spatial", "Global"):
        names |= {f"RescalePre-{a}", f"RescalePost-{a}", f"Single-{a}"}
        names |= {f"Both-{a}-{b}" for b in ("SE", "Spatial", "Global")}
    names |= {"Dual-SE-Spatial", "Dual-Global-Spatial", "Dual-SE-Global"}
    assert len(names) == len(TABLE1) == 25 and names == set(TABLE1)
    assert names <= set(BLOCKS)


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_variant_builds_trains_and_quantises(name):
    x = _images()
    names = {}
    for quant in (False, True):
        torch.manual_seed(0)
        m = BinarySRNet(SRConfig(block=name, quant=quant, **TINY))
        per_unit = getattr(BLOCKS[name], "convs_per_unit", 1)
        assert len(m.body) == 2 * TINY["n_resblocks"] // per_unit
        names[quant] = [n for n, _ in m.named_parameters()]
        m.train()
        y = m(x)
        assert y.shape == (2, 3, 24, 24)
        y.abs().mean().backward()
        for n, p in m.named_parameters():
            if p.grad is None:  # only the quantised model's activation scales may be unused
                assert not quant and n.endswith(SCALE_KEY), n
            else:
                assert torch.isfinite(p.grad).all(), n
        if quant:
            m.eval()
            with torch.no_grad():
                out = m(x).double() * 256
            assert torch.equal(out, out.round()) and out.min() >= 0 and out.max() <= 255
    assert names[False] == names[True]  # one definition, one layout


@pytest.mark.parametrize("name", sorted(set(BLOCKS) - {"Base-Residual"}))
def test_float_and_quantised_block_agree(name):
    """The same unit with its quantisers skipped differs from the quantised one by about an LSB.

    (Base-Residual's convs are Base's, its skip has its own test; after this short calibration the
    second conv of its pair clips at the t quantiser, so it is left out here.)
    """
    m = _calibrated(name)
    blk = m.body[0]
    with torch.no_grad():
        x = m.res_quant(0.25 * m.head(m.in_quant(_images(seed=9))))
        yq = blk(x).value
        flags = [mod for mod in blk.modules() if isinstance(getattr(mod, "quant", None), bool)]
        for mod in flags:
            mod.quant = False
        try:
            yf = blk(x.value)
        finally:
            for mod in flags:
                mod.quant = True
    lsb = float(m.res_quant.act_quant.scale())
    assert yq.abs().max() < 127 * lsb  # not saturated
    assert (yq - yf).abs().max() <= 2 * lsb


@pytest.mark.parametrize("kind", sorted(ATTENTIONS))
@pytest.mark.parametrize("quant", [False, True])
def test_attention_map_shape_and_range(kind, quant):
    cfg = SRConfig(quant=quant, **TINY)
    torch.manual_seed(0)
    att = ATTENTIONS[kind](cfg)
    x = torch.randn(2, 8, 6, 5)
    if quant:
        res = BinarySRNet(cfg).res_quant
        att.train()
        res.train()
        with torch.no_grad():
            for _ in range(3):
                att(res(torch.randn(2, 8, 6, 5)))
        att.eval()
        res.eval()
        x = res(x)
    with torch.no_grad():
        m = att(x)
    expected = (2, 1, 6, 5) if kind == "Spatial" else (2, 8, 1, 1)
    assert m.shape == expected and att.per_pixel == (kind == "Spatial")
    if quant:  # unsigned 8 bit, k / 256
        assert torch.equal(m * 256, (m * 256).round()) and m.min() >= 0 and m.max() <= 255 / 256
        assert m.max() > 0
    else:
        assert m.min() > 0 and m.max() < 1
    assert not torch.equal(m[0], m[1])  # computed from the input


def test_base_residual_extra_skip():
    torch.manual_seed(0)
    # float: with the pair's branch zeroed, the unit is the identity
    unit = BinarySRNet(SRConfig(block="Base-Residual", quant=False, **TINY)).body[0]
    x = torch.randn(1, 8, 5, 5)
    assert not torch.equal(unit(x), x)
    unit.branch = lambda t: torch.zeros_like(t)
    assert torch.equal(unit(x), x)
    # quantised: with both binary branches zero each Base conv is the identity, so the pair gives X and
    # the resblock skip doubles it; Base itself has no resblock skip
    for name, factor in (("Base-Residual", 2), ("Base", 1)):
        m = BinarySRNet(SRConfig(block=name, **TINY)).eval()
        convs = m.body[0].convs if name == "Base-Residual" else m.body
        with torch.no_grad():
            for blk in convs:
                for p in (blk.a, blk.b, blk.gamma, blk.zeta):
                    p.zero_()
            lsb = float(m.res_quant.act_quant.scale())
            xq = m.res_quant(torch.randint(-30, 30, (1, 8, 5, 5)).float() * lsb)
            y = xq
            for u in m.body:
                y = u(y)
            assert torch.equal(y.value, factor * xq.value)
    # and the quantised unit with its branch replaced by zero is the identity as well
    unit = m = BinarySRNet(SRConfig(block="Base-Residual", **TINY)).eval().body[0]
    unit.branch = lambda t: types.SimpleNamespace(value=torch.zeros_like(t.value))
    with torch.no_grad():
        assert torch.equal(unit(xq).value, xq.value)


def test_base_keeps_its_parameter_names_and_block():
    m = BinarySRNet(SRConfig(**TINY))
    assert [type(b) for b in m.body] == [BaseBinaryBlock, BaseBinaryBlock]
    assert [n for n, _ in m.named_parameters() if n.startswith("body.0.") and not n.endswith(SCALE_KEY)] == [
        "body.0.a", "body.0.b", "body.0.gamma", "body.0.beta", "body.0.zeta", "body.0.conv.weight"]


def test_bbcu_has_no_scale_block_and_a_shift_before_sign():
    blk = BinarySRNet(SRConfig(block="BBCU", **TINY)).body[0]
    names = {n for n, _ in blk.named_parameters()}
    assert {"shift", "gamma", "beta", "zeta", "conv.weight"} <= names and not {"a", "b"} & names
    ablation = BinarySRNet(SRConfig(block="BBCU-NoShift", **TINY)).body[0]  # BBCU less delta: no a, b, shift
    assert {n for n, _ in ablation.named_parameters()} == names - {"shift"}


def test_shift_variants_add_only_the_shift():
    """``<block>+Shift`` (not Table 1 rows): the block's parameters plus BBCU's shift; 0 at init, and with a shift
    of delta the binary conv sees Sign(pad(X + delta))."""
    from model.blocks import SHIFT_BASES

    assert "Single-Spatial" in SHIFT_BASES and "BBCU" not in SHIFT_BASES and "RescalePre-SE" not in SHIFT_BASES
    for name in ("Base", "Single-Spatial", "Both-Spatial-Spatial"):
        plain = {n for n, _ in BinarySRNet(SRConfig(block=name, **TINY)).body[0].named_parameters()}
        blk = BinarySRNet(SRConfig(block=name + "+Shift", **TINY)).body[0]
        assert {n for n, _ in blk.named_parameters()} == plain | {"shift"}
        assert float(blk.shift.abs().max()) == 0
    blk = BinarySRNet(SRConfig(block="Single-Spatial+Shift", quant=False, **TINY)).body[0]
    x = torch.randn(1, TINY["channels"], 5, 5)
    with torch.no_grad():
        blk.shift.fill_(0.5)
    assert torch.equal(blk.binary_input(x, x), blk.sign(F.pad(x + 0.5, (1, 1, 1, 1))))


def test_rescale_pre_sign_leaves_the_forward_pass_of_base():
    """The paper's reading of RescalePre (Sign(X * A)) computes exactly Base's forward pass."""
    torch.manual_seed(0)
    base = BinarySRNet(SRConfig(quant=False, **TINY)).eval()
    pre = BinarySRNet(SRConfig(block="RescalePre-SE", quant=False, **TINY)).eval()
    missing, unexpected = pre.load_state_dict(base.state_dict(), strict=False)
    assert not unexpected and all(".pre_att." in k or k.endswith(SCALE_KEY) for k in missing)
    x = _images()
    with torch.no_grad():
        assert torch.equal(pre(x), base(x))


@pytest.mark.parametrize("name", ["Base", "Both-Spatial-SE"])
def test_float_checkpoint_loads_into_quantised_model(name, tmp_path):
    torch.manual_seed(0)
    f = BinarySRNet(SRConfig(block=name, quant=False, **TINY))
    opt = torch.optim.Adam(f.parameters(), 1e-2)
    for i in range(2):
        loss = (f(_images(seed=i)) - torch.rand(2, 3, 24, 24)).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    save_checkpoint(tmp_path / "float.pt", f)
    q, ck = load_checkpoint(tmp_path / "float.pt", quant=True)
    assert q.cfg.quant and not ck["config"]["quant"] and q.cfg == replace(f.cfg, quant=True)
    qsd, fsd = q.state_dict(), f.state_dict()
    assert set(fsd) <= set(qsd)
    for k, v in fsd.items():
        assert torch.equal(qsd[k], v), k
    # quantisation-aware fine-tuning runs, and the calibrated scales are then saved
    q.train()
    q(_images()).abs().mean().backward()
    assert all(k.endswith(SCALE_KEY) for k in set(q.state_dict()) - set(fsd))
    q.eval()
    with torch.no_grad():
        out = q(_images()) * 256
    assert torch.equal(out, out.round())
    # and back: a quantised checkpoint loads into the float model
    save_checkpoint(tmp_path / "quant.pt", q)
    f2, _ = load_checkpoint(tmp_path / "quant.pt", quant=False)
    assert not f2.cfg.quant and set(f2.state_dict()) == set(q.state_dict())


def test_count_ops_hand_computed():
    """C = 8, one resblock (2 binary convs), 4 x 4 LR input = 16 pixels.

    head 3*8*9 = 216 and tail 8*12*9 = 864 MAC per pixel: 16 * 1080 = 17280 FP MACs; binary convs
    2 * 8*8*9 * 16 = 18432 bit-ops (/64 = 288).  Single-Spatial adds per block a 1x1 conv 8->1
    (8 * 16 MACs) and 8*16 map products + 16 sigmoids; Single-SE adds per block FCs 8->2->8 (32 MACs)
    and 8*16 pool additions + 8*16 products + 8 sigmoids.
    """
    def ops(block):
        return count_ops(SRConfig(block=block, **TINY), 4, 4)

    base = ops("Base")
    assert (base["fp_macs"], base["binary_ops"], base["attention_elementwise"]) == (17280, 18432, 0)
    assert base["flops"] == 17280 + 18432 / 64 and base["gflops"] == base["flops"] / 1e9
    sp = ops("Single-Spatial")
    assert (sp["fp_macs"], sp["binary_ops"], sp["attention_elementwise"]) == (17280 + 256, 18432, 2 * 144)
    assert sp["flops"] == 17536 + 288 + 288
    se = ops("Single-SE")
    assert (se["fp_macs"], se["attention_elementwise"]) == (17280 + 64, 2 * (128 + 128 + 8))
    fp = ops("FP")
    assert (fp["fp_macs"], fp["binary_ops"]) == (17280 + 2 * 8 * 8 * 9 * 16, 0)
    assert ops("Base-Residual") == base and ops("BBCU") == base
    # the a * H * W + b extrapolation equals counting at the full size
    for block in ("Both-SE-Spatial", "Dual-Global-Spatial"):
        cfg = SRConfig(block=block, **TINY)
        full = _hooked_counts(BinarySRNet(cfg).eval(), 5, 7)
        assert {k: v for k, v in count_ops(cfg, 5, 7).items() if k in full} == full


def test_unknown_block_is_a_key_error_naming_the_registry():
    with pytest.raises(KeyError, match="BLOCKS registry"):
        BinarySRNet(SRConfig(block="Nope"))
    with pytest.raises(KeyError, match="unknown block 'Single-Nope'.*BLOCKS"):
        BLOCKS["Single-Nope"]


def test_registry_rejects_duplicates():
    with pytest.raises(KeyError, match="already registered"):
        BLOCKS.register("Base", BaseBinaryBlock)
    r = Registry("TEST")

    @r.register("x")
    class X:
        pass

    assert r["x"] is X
    with pytest.raises(KeyError, match="already registered in the TEST registry"):
        r["x"] = int
    with pytest.raises(KeyError, match="already registered"):
        r.update({"x": int})


def test_paper_gflops_reproduces_edsr_row():
    """EDSR-baseline x2 (16 resblocks x 64) at a 128 x 128 LR input: per LR pixel, head 3->64, 32 body convs,
    body-end conv, upsampler 64->256, and the HR tail 64->3 on 4 HR pixels; 2 FLOPs per MAC gives
    44.98 G, Table 1's 45.1 within its uncounted biases/ReLUs."""
    per_px = 9 * (3 * 64 + 32 * 64 * 64 + 64 * 64 + 64 * 256 + 4 * 64 * 3)
    fp = count_ops(SRConfig(channels=64, n_resblocks=16, block="FP", backbone="edsr"), 128, 128)
    assert fp["fp_macs"] == per_px * 128 * 128 and fp["binary_ops"] == 0
    assert fp["paper_gflops"] == 2 * fp["fp_macs"] / 1e9
    assert abs(fp["paper_gflops"] - 45.1) < 0.15
