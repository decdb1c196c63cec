"""The per-channel constants k = Q(a * alpha) and Q(b - gamma) are rounded alike in the float32 model (training,
QONNX export: the hardware's constants) and the float64 golden.  A float32 product can land exactly on a rounding
tie that float64 puts just beside it; three CPU checkpoints of 2026-11-28 did, and their hardware then differed from
the golden by up to 8 LSB in one channel."""
import numpy as np
import torch

from hw.design import Design
from model.export import export_model, golden
from tests.conftest import corner_patches, trained_small

SIZE = 12


def _scaled(block, acc: torch.Tensor, dtype) -> torch.Tensor:
    """The block's v = RPReLU(k * acc + b) run with the block in ``dtype`` (the model's own forward path)."""
    block.to(dtype)
    try:
        with torch.no_grad():
            return block.scale_rprelu(acc.to(dtype)).double()
    finally:
        block.float()


def _put_a_on_a_float32_tie(block) -> tuple[int, float]:
    """Set ``a`` of one channel so that a * alpha computed in float32 is exactly (n + 1/2) * s, while float64 puts it
    beside the tie; returns (channel, s)."""
    w = block.conv.weight.detach()
    alpha32, alpha64 = w.abs().mean(dim=(1, 2, 3)), w.double().abs().mean(dim=(1, 2, 3))
    ka = (block.a.detach().double() * alpha64)
    s = block.k_quant.pot_scale_of(ka)
    big = int(ka.abs().argmax())
    for c in range(len(ka)):
        if c == big or float(alpha32[c]) == float(alpha64[c]):
            continue
        tie = torch.tensor((int(float(ka[c]) / s) + 0.5) * s, dtype=torch.float32)
        a = (tie / alpha32[c]).reshape(1)
        for _ in range(64):  # walk a by one float32 ulp until the float32 product is the tie
            prod = a * alpha32[c]
            if prod == tie:
                break
            a = torch.nextafter(a, torch.tensor([np.inf if prod < tie else -np.inf], dtype=torch.float32))
        if (a * alpha32[c]) == tie and float(a.double() * alpha64[c]) != float(tie):
            with torch.no_grad():
                block.a[c] = a[0]
            assert block.k_quant.pot_scale_of(block.a.detach().double() * alpha64) == s
            return c, s
    raise AssertionError("no channel could be put on a float32 tie")


def test_k_on_a_float32_tie_is_the_same_in_float32_float64_and_the_hardware(set5_lr, tmp_path):
    m = trained_small("Single-Spatial")
    block = m.body[0]
    c, s = _put_a_on_a_float32_tie(block)
    # the trap is armed: rounding the float32 product would give another integer than the float64 one
    ka32 = block.a.detach()[c] * block.alpha()[c].detach()
    ka64 = block.a.detach().double()[c] * block.alpha(torch.float64)[c].detach()
    assert float(torch.round(ka32.double() / s)) != float(torch.round(ka64 / s))
    # every value is on a power-of-two grid, so float32 and float64 agree exactly when they use the same constants
    acc = torch.randint(-9 * 8, 9 * 8 + 1, (1, block.a.numel(), 4, 4), generator=torch.Generator().manual_seed(0))
    assert torch.equal(_scaled(block, acc.float(), torch.float32), _scaled(block, acc.float(), torch.float64))
    design = Design.from_qonnx(export_model(m, tmp_path / "m.onnx", SIZE, SIZE))
    for patch in corner_patches(set5_lr, SIZE):
        assert np.array_equal(design.execute(patch), golden(m, patch)[0])
