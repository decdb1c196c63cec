"""model/: the Base binary block, quantisation on power-of-two grids, and the training pieces."""
import numpy as np
import pytest
import torch

from model.arch import BaseBinaryBlock, BinarySRNet, SRConfig
from model.quant import ApproxSignGrad, FixedPointQuant


def test_approxsign_gradient_is_papers_eq6():
    x = torch.tensor([-1.5, -1.0, -0.5, 0.0, 0.25, 0.9, 1.0, 2.0], requires_grad=True)
    ApproxSignGrad.apply(x).sum().backward()
    expected = torch.clamp(2 - 2 * x.detach().abs(), min=0)
    assert torch.equal(x.grad, expected)
    assert x.grad[2].item() == 1.0 and x.grad[3].item() == 2.0 and x.grad[0].item() == 0.0


def test_binary_sign_forward_and_gradient(small_model):
    blk = small_model.body[0]
    blk.train()
    x = torch.tensor([[-0.5, 0.0, 0.5, 3.0]], requires_grad=True)
    y = blk.sign(x)
    assert y.tolist() == [[-1.0, 1.0, 1.0, 1.0]]  # 0 -> +1: the project's one sign convention
    y.sum().backward()
    assert torch.allclose(x.grad, torch.tensor([[1.0, 2.0, 1.0, 0.0]]))
    blk.eval()


def test_alpha_is_mean_abs_weight_per_output_channel(small_model):
    blk = small_model.body[0]
    w = blk.conv.weight.detach()
    assert torch.allclose(blk.alpha(), w.abs().mean(dim=(1, 2, 3)))
    assert blk.alpha().shape == (w.shape[0],)


def test_fixed_point_quant_rounds_half_even_on_pot_grid():
    q = FixedPointQuant(4)  # qmax 7
    x = torch.tensor([0.5, 1.5, 2.5, -3.5, 100.0])
    s = q.pot_scale_of(torch.tensor([3.0]))
    assert s == 0.5
    assert q(x, 1.0).tolist() == [0.0, 2.0, 2.0, -4.0, 7.0]


def test_forward_backward_and_output_grid(small_model):
    m = BinarySRNet(SRConfig(channels=8, n_resblocks=1))
    x = torch.randint(0, 256, (2, 3, 10, 12)).float() / 256
    m.train()
    y = m(x)
    assert y.shape == (2, 3, 20, 24)
    y.mean().backward()
    for name in ("head.weight", "body.0.conv.weight", "body.0.a", "body.0.beta", "body.0.zeta", "tail.weight"):
        g = dict(m.named_parameters())[name].grad
        assert g is not None and torch.isfinite(g).all(), name
    with torch.no_grad():
        out = small_model(x).double() * 256
    assert torch.equal(out, out.round()) and out.min() >= 0 and out.max() <= 255


def test_every_body_tensor_is_on_a_power_of_two_grid(small_model):
    """The residual stream after a block is int * 2^-f with |int| < 2^(res_bits-1)."""
    x = torch.randint(0, 256, (1, 3, 9, 9)).float() / 256
    with torch.no_grad():
        xq = small_model.in_quant(x)
        r = small_model.res_quant(small_model.head(xq))
        r2 = small_model.body[0](r)
    s = float(r2.scale)
    assert 2 ** round(np.log2(s)) == s
    ints = r2.value / s
    assert torch.equal(ints, ints.round()) and ints.abs().max() <= 128


def test_unknown_block_name_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown block"):
        BinarySRNet(SRConfig(block="Nope"))


def test_base_block_residual_is_outside_activation(small_model):
    """With the binary branch forced to zero output, the block returns its input (full-precision skip)."""
    blk: BaseBinaryBlock = small_model.body[0]
    x = torch.randint(-20, 20, (1, 8, 5, 5)).float() * float(small_model.res_quant.act_quant.scale())
    saved = {n: p.detach().clone() for n, p in blk.named_parameters()}
    with torch.no_grad():
        blk.a.zero_()
        blk.b.zero_()
        blk.gamma.zero_()
        blk.zeta.zero_()
        xq = small_model.res_quant(x)
        y = blk(xq)
        assert torch.equal(y.value, xq.value)
        for n, p in blk.named_parameters():
            p.copy_(saved[n])


@pytest.mark.parametrize("quant", [True, False])
def test_edsr_backbone_trains_and_the_hardware_flow_rejects_it(quant, tmp_path):
    """The paper's EDSR form (long skip, C->4C upsampler, HR tail) exists for Table 1; hw/ builds only the board form."""
    from hw.frontend import UnsupportedGraph, build_layers, prepare
    from model.export import export_model

    m = BinarySRNet(SRConfig(channels=8, n_resblocks=1, backbone="edsr", quant=quant))
    x = torch.randint(0, 256, (2, 3, 10, 10)).float() / 256
    m.train()
    m(x).mean().backward()
    new = [(n, p) for n, p in m.named_parameters()
           if n.startswith(("body_end", "upsample", "hr_tail")) and n.endswith(("weight", "bias"))]
    assert len(new) == 6 and all(p.grad is not None and torch.isfinite(p.grad).all() for _, p in new)
    if quant:
        m.eval()
        with pytest.raises(UnsupportedGraph):
            build_layers(prepare(export_model(m, tmp_path / "edsr.onnx", 8, 8)))


def test_unknown_backbone():
    with pytest.raises(KeyError, match="unknown backbone"):
        BinarySRNet(SRConfig(backbone="unet"))


@pytest.mark.parametrize("quant", [False, True])
def test_rprelu_shifts_slopes_and_shifts_per_channel(quant):
    """RPReLU (ReActNet): v = PReLU_beta(t - gamma) + zeta per channel, t = a * alpha * acc + b.  Float:
    exactly that; quantised: the same with every constant on its grid, so close to it but not equal (its
    integer arithmetic is checked bit-exactly by the export and hardware tests)."""
    torch.manual_seed(0)
    c = 4
    blk = BaseBinaryBlock(SRConfig(channels=c, quant=quant), torch.nn.Identity()).eval()
    with torch.no_grad():
        blk.a.copy_(torch.tensor([1.0, 0.5, 2.0, 1.5]))
        blk.b.copy_(torch.tensor([0.25, -0.5, 0.0, 0.125]))
        blk.gamma.copy_(torch.tensor([0.5, 0.0, -0.25, 0.125]))
        blk.beta.copy_(torch.tensor([0.25, 0.125, 0.5, 0.0]))
        blk.zeta.copy_(torch.tensor([0.0, 0.25, -0.5, 1.0]))
        if quant:  # let the learned activation scale calibrate on this range first
            blk.train()
            for _ in range(2):
                blk.scale_rprelu(torch.randint(-36, 37, (8, c, 4, 4)).float())
            blk.eval()
        acc = torch.randint(-36, 37, (2, c, 5, 5)).float()  # a binary 3x3 conv's sums, C = 4
        v = blk.scale_rprelu(acc)
        alpha = blk.alpha().view(1, -1, 1, 1)
        ch = lambda p: p.view(1, -1, 1, 1)  # noqa: E731
        t = acc * ch(blk.a) * alpha + ch(blk.b) - ch(blk.gamma)
        ref = torch.where(t >= 0, t, ch(blk.beta) * t) + ch(blk.zeta)
    if not quant:
        assert torch.allclose(v, ref, atol=1e-6)
        neg = t < 0  # the slope acts on the negative side of the shifted input, per channel
        assert torch.allclose((v - ch(blk.zeta))[neg], (ch(blk.beta).expand_as(t) * t)[neg], atol=1e-6)
    else:
        assert (v - ref).abs().max() < 0.1 and not torch.equal(v, ref)
