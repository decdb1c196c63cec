"""Block variants of the paper's Table 1 (plus ``FP`` and ``BBCU``), registered in ``model.arch.BLOCKS``.

Every variant is one module whose forward pass serves both the float training model (``cfg.quant``
False: every quantiser skipped, Sign and binary weights kept) and the quantised model; both have the same
parameter names.  Notation: X = the block's full-precision input, X^b = Sign(pad(X)), acc = X^b (*) Sign(W)
(the binary conv), S(.) = the scale block a * alpha * (.) + b, R = RPReLU, A(X) = an attention map
computed from X (model/attention.py: SE, Spatial, Global).  Base (model/arch.py, Eq. 10):
X' = R(S(acc)) + X.

Choices the text leaves to the (missing) figures -- all of them, in one place:

* **Base-Residual** (unit = one EDSR resblock = two Base convs): X' = B2(B1(X)) + X, i.e. the EDSR
  resblock skip around the pair on top of each Base conv's own identity path (the text keeps "the
  residual connection for every binary convolution"; Base has no resblock skip).  The identity is
  therefore counted twice per resblock: with both binary branches zero, X' = 2X.  The network builds
  ``n_resblocks`` such units (``convs_per_unit = 2``).
* **RescalePre-A**: rescales the binary conv's *input* before Sign, as the paper's ablation (Sec. 4.3)
  describes it: "RescalePre block doesn't affect forward pass ... having influence only on the backward
  pass".  So the conv input is Sign(pad(X * A(X))): for A > 0 this equals Sign(pad(X)) in the forward
  pass (in the quantised model a product that rounds to 0 gives Sign(0) = +1), while the ApproxSign
  gradient sees the rescaled X * A(X).  An alternative that does change the forward pass, the map
  multiplying the bipolar activations (conv input = Sign(pad(X)) * pad(A(X)), a scaled +-1 tensor; a
  per-pixel map padded by replicating its edge), is registered as **RescalePreScaled-A** (not a Table 1
  name).
* **RescalePost-A**: rescales the binary conv's *output* before the scale block: R(S(acc * A(X))) + X.
* **Single-A**: attention on the RPReLU output before the residual add: R(S(acc)) * A(X) + X.
* **Dual-A1-A2**: both maps computed from X and multiplied: R(S(acc)) * A1(X) * A2(X) + X (a product of
  the two maps; with both maps taken from the block input, "sequential" application is the same thing).
* **Both-A-B**: A on the binary branch (the RPReLU output, as Single) and B on the residual branch (the
  full-precision skip): R(S(acc)) * A(X) + X * B(X).  The first name is the binary branch.
* **FP**: full-precision EDSR resblock conv3x3 -> ReLU -> conv3x3 + skip (biases, res_scale 1, no
  binarisation; ``convs_per_unit = 2``).  In the quantised model its convs are 8-bit (``WeightQuant``)
  and the ReLU output is requantised to ``res_bits``: it is then an 8-bit block, not a float one.
* **BBCU** (Xia et al., BBCU-M's binary conv unit): X' = R(alpha * (Sign(pad(X + delta)) (*) Sign(W))) + X
  with a learnable per-channel shift delta before Sign (BBCU's ``move0``), alpha = mean|W| detached as in
  BBCU, no BatchNorm and no scale block (no a, b: the RPReLU shift gamma is the only bias), and the
  residual added after the activation (outside it), as in BBCU-M's code.  Not implemented: BBCU's
  residual alignment (multiplying the input image by k ~ 130) -- the head conv and the learned residual
  scale play that role here.  In the quantised model delta is put on the residual grid.
* **<block>+Shift** (not Table 1 rows): BBCU's learnable per-channel shift before Sign, Sign(pad(X + delta)),
  added to Base, RescalePost, Single, Dual or Both blocks (``BaseBinaryBlock.SHIFT``); delta starts at 0, so
  ``model/grow.py`` turns a trained ``<block>`` checkpoint into ``<block>+Shift`` with the same function.
* **BBCU-NoShift** (an ablation, not a Table 1 row): BBCU without delta, i.e. Base without the scale block
  (k = alpha detached, the RPReLU shift the only bias); with ``Base+Shift`` it separates BBCU's two changes.
* Attention maps always come from the block's input X (for the quantised model: its value on the
  residual grid); each map is applied once.  In the quantised model the map is on the k * 2^-8 grid
  and products with it are requantised by the next quantiser (t_quant after RescalePost, res_quant
  after Single/Dual/Both); RescalePre's scaled conv input is not requantised (it is exact on the grid).
* The hardware compiler (hw/) builds ``Base``, ``Single-Spatial``, ``Both-Spatial-Spatial`` and ``BBCU``
  (hw/rtl/spatial_map.v, twice for Both; requant's HAS_SKIP_MAP; BBCU's delta: a per-channel sign threshold
  in the window, sliding_window.v SHIFT_EN); the other
  variants train, evaluate, export to QONNX and count operations (model/ops.py) but do not compile to RTL.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

import brevitas.nn as qnn

from model.arch import BLOCKS, BaseBinaryBlock, SRConfig
from model.attention import ATTENTIONS
from model.quant import BiasQuant, WeightQuant, act_quant, float_conv

# The rows of Table 1 in the paper's order; the EDSR row is the FP block in this backbone.
TABLE1 = (
    "FP", "Base", "Base-Residual",
    "RescalePre-Global", "RescalePre-SE", "RescalePre-Spatial",
    "RescalePost-Global", "RescalePost-SE", "RescalePost-Spatial",
    "Single-Spatial", "Single-SE", "Single-Global",
    "Dual-SE-Spatial", "Dual-Global-Spatial", "Dual-SE-Global",
    "Both-SE-SE", "Both-SE-Spatial", "Both-Spatial-SE", "Both-Spatial-Spatial", "Both-Global-Global",
    "Both-Global-Spatial", "Both-Spatial-Global", "Both-Global-SE", "Both-SE-Global",
    "BBCU",
)


def _pad_map(m: torch.Tensor) -> torch.Tensor:
    """Pad a map like the conv input: per-channel maps broadcast, per-pixel maps replicate their edge."""
    if m.shape[-2:] == (1, 1):
        return m
    return F.pad(m, (1, 1, 1, 1), mode="replicate")


class AttentionBlock(BaseBinaryBlock):
    """Base block with attention maps at the positions named by the class attributes (see module doc).

    PRE: map on the binary conv input (PRE_IN_SIGN: inside Sign); POST: map on the conv output;
    BRANCH: maps on the RPReLU output (one: Single, two: Dual); SKIP: map on the residual branch (Both).
    """

    PRE: str | None = None
    PRE_IN_SIGN = False
    POST: str | None = None
    BRANCH: tuple[str, ...] = ()
    SKIP: str | None = None

    def __init__(self, cfg: SRConfig, res_quant: qnn.QuantIdentity):
        super().__init__(cfg, res_quant)
        if self.PRE:
            self.pre_att = ATTENTIONS[self.PRE](cfg)
        if self.POST:
            self.post_att = ATTENTIONS[self.POST](cfg)
        if self.BRANCH:
            self.branch_att = nn.ModuleList(ATTENTIONS[n](cfg) for n in self.BRANCH)
        if self.SKIP:
            self.skip_att = ATTENTIONS[self.SKIP](cfg)

    def binary_input(self, x, xv):
        if not self.PRE:
            return super().binary_input(x, xv)
        m = self.pre_att(x)
        if self.PRE_IN_SIGN:
            return self.sign(F.pad(xv * m, (1, 1, 1, 1)))
        return self.sign(F.pad(xv, (1, 1, 1, 1))) * _pad_map(m)

    def forward(self, x):
        xv = x.value if self.quant else x
        acc = self.conv(self.binary_input(x, xv))
        if self.POST:
            acc = acc * self.post_att(x)
        v = self.scale_rprelu(acc)
        if self.BRANCH:
            for att in self.branch_att:
                v = v * att(x)
        skip = xv * self.skip_att(x) if self.SKIP else xv
        return self.add_residual(skip, v)


def _register_attention_variant(name: str, **positions) -> None:
    cls_name = name.replace("-", "") + "Block"
    cls = type(cls_name, (AttentionBlock,), {"__module__": __name__, "__doc__": f"Table 1 variant {name}.",
                                              **positions})
    globals()[cls_name] = cls  # importable by name (pickling)
    BLOCKS.register(name, cls)


_A = ("Global", "SE", "Spatial")
for _a in _A:
    _register_attention_variant(f"RescalePre-{_a}", PRE=_a, PRE_IN_SIGN=True)
    _register_attention_variant(f"RescalePreScaled-{_a}", PRE=_a)
    _register_attention_variant(f"RescalePost-{_a}", POST=_a)
    _register_attention_variant(f"Single-{_a}", BRANCH=(_a,))
    for _b in _A:
        _register_attention_variant(f"Both-{_a}-{_b}", BRANCH=(_a,), SKIP=_b)
for _a, _b in (("SE", "Spatial"), ("Global", "Spatial"), ("SE", "Global")):
    _register_attention_variant(f"Dual-{_a}-{_b}", BRANCH=(_a, _b))


def _register_shift_variant(name: str) -> None:
    """``<name>+Shift``: the block with BBCU's shift before Sign (module doc)."""
    cls_name = name.replace("-", "") + "ShiftBlock"
    cls = type(cls_name, (BLOCKS[name],), {"__module__": __name__, "SHIFT": True,
                                           "__doc__": f"{name} with BBCU's shift before Sign (not a Table 1 row)."})
    globals()[cls_name] = cls
    BLOCKS.register(f"{name}+Shift", cls)


SHIFT_BASES = ("Base",) + tuple(f"RescalePost-{a}" for a in _A) + tuple(f"Single-{a}" for a in _A) \
    + ("Dual-SE-Spatial", "Dual-Global-Spatial", "Dual-SE-Global") + tuple(f"Both-{a}-{b}" for a in _A for b in _A)
for _n in SHIFT_BASES:
    _register_shift_variant(_n)


@BLOCKS.register("Base-Residual")
class BaseResidualBlock(nn.Module):
    """An EDSR resblock of two Base convs with the resblock-level skip: X' = B2(B1(X)) + X."""

    convs_per_unit = 2

    def __init__(self, cfg: SRConfig, res_quant: qnn.QuantIdentity):
        super().__init__()
        self.quant = cfg.quant
        self.convs = nn.ModuleList(BaseBinaryBlock(cfg, res_quant) for _ in range(2))
        self.res_quant = res_quant

    def branch(self, x):
        return self.convs[1](self.convs[0](x))

    def forward(self, x):
        y = self.branch(x)
        if not self.quant:
            return x + y
        return self.res_quant(x.value + y.value)


@BLOCKS.register("FP")
class FPBlock(nn.Module):
    """EDSR resblock without binarisation: X' = conv(ReLU(conv(X))) + X (8-bit in the quantised model)."""

    convs_per_unit = 2

    def __init__(self, cfg: SRConfig, res_quant: qnn.QuantIdentity):
        super().__init__()
        c = cfg.channels
        self.quant = cfg.quant
        self.conv1 = qnn.QuantConv2d(c, c, 3, padding=1, bias=True, weight_quant=WeightQuant, bias_quant=BiasQuant)
        self.mid_quant = act_quant(cfg.res_bits, return_quant_tensor=True)
        self.conv2 = qnn.QuantConv2d(c, c, 3, padding=1, bias=True, weight_quant=WeightQuant, bias_quant=BiasQuant)
        self.res_quant = res_quant

    def forward(self, x):
        if not self.quant:
            return x + float_conv(self.conv2, F.relu(float_conv(self.conv1, x)))
        h = self.mid_quant(F.relu(self.conv1(x)))
        y = self.res_quant(self.conv2(h))
        return self.res_quant(x.value + y.value)


@BLOCKS.register("BBCU")
class BBCUBlock(BaseBinaryBlock):
    """BBCU-M's binary conv unit: X' = RPReLU(alpha * (Sign(pad(X + delta)) (*) Sign(W))) + X."""

    SHIFT = True  # delta (BBCU's move0): BaseBinaryBlock.shifted

    def __init__(self, cfg: SRConfig, res_quant: qnn.QuantIdentity):
        super().__init__(cfg, res_quant)
        del self.a, self.b  # no scale block

    def scale_factor(self, dtype: torch.dtype | None = None) -> torch.Tensor:
        return self.alpha(dtype).detach()

    def bias_term(self, dtype: torch.dtype | None = None) -> torch.Tensor:
        return -self.gamma.to(dtype or self.gamma.dtype)


@BLOCKS.register("BBCU-NoShift")
class BBCUNoShiftBlock(BBCUBlock):
    """BBCU without its shift before Sign (an ablation, not a Table 1 row):
    X' = RPReLU(alpha * (X^b (*) Sign(W))) + X."""

    SHIFT = False
