"""QONNX graph -> hardware layers (hw.design.Design).

Steps: qonnx cleanup, FoldQuantConstants, FoldConstants, then a walk from the input that matches the
only graph shapes the hardware implements and raises :class:`UnsupportedGraph` naming the node
otherwise:

    Quant(uint8, 2^-8) -> Conv3x3 -> Quant(res)                                         head
    [Pad(0) -> BipolarQuant -> Conv3x3(+-1) -> Mul(k) -> Add(b) -> Quant(t) -> PRelu(beta)
       -> Add(zeta) -> Quant(res) -> Add(x) -> Quant(res)]*                              body_i (Base)
    Single-Spatial: the same, with -> Mul(map) between Add(zeta) and Quant(res), where
       map = Quant(uint, 2^-m) <- Sigmoid <- Quant(logit) <- Conv1x1(x, bias)             body_i.spatial_map
    Both-Spatial-Spatial: Single-Spatial with Add(Mul(x, map2)) instead of Add(x), map2 a second Spatial
       attention of x                                                                   body_i.skip_map
    BBCU: Base with Add(x, delta) before the Pad (a per-channel shift before Sign)      body_i.sign_shift
    Conv3x3 -> Quant(tail) -> DepthToSpace(2, CRD) -> Add(Resize(input, x2 linear half_pixel))
       -> Quant(uint8, 2^-8)                                                             tail, output
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from qonnx.core.modelwrapper import ModelWrapper
from qonnx.transformation.fold_constants import FoldConstants
from qonnx.util.cleanup import cleanup_model

from hw.layers.conv_layer import ConvLayer
from hw.layers.image_skip_output import ImageSkipOutput
from hw.layers.requant import RequantParams
from hw.layers.spatial_map import SpatialMapParams, sigmoid_table
from hw.transforms.fold_quant_constants import FoldQuantConstants, node_attr

SUPPORTED_OPS = {"Quant", "BipolarQuant", "Conv", "Mul", "Add", "PRelu", "Pad", "DepthToSpace", "Resize", "Sigmoid"}


class UnsupportedGraph(ValueError):
    """The QONNX graph contains something the hardware flow cannot build."""


def to_fixed(values, what: str) -> tuple[np.ndarray, int]:
    """Exact (ints, f) with values == ints * 2^-f, f minimal; raises if not on a power-of-two grid."""
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    for f in range(-32, 48):
        q = v * 2.0 ** f
        if np.all(q == np.round(q)):
            return np.round(q).astype(np.int64), f
    raise UnsupportedGraph(f"{what}: constants are not integers times a power of two")


def pot_frac(scale, what: str) -> int:
    """f for a scalar power-of-two scale 2^-f."""
    s = np.asarray(scale, dtype=np.float64).reshape(-1)
    if s.size != 1 or s[0] <= 0:
        raise UnsupportedGraph(f"{what}: scale must be a positive scalar, got {s}")
    f = -math.log2(s[0])
    if f != round(f):
        raise UnsupportedGraph(f"{what}: scale {s[0]} is not a power of two")
    return int(round(f))


class _Walker:
    def __init__(self, model: ModelWrapper):
        self.m = model

    def const(self, t: str):
        return self.m.get_initializer(t)

    def only_consumer(self, t: str, op: str | tuple):
        cons = self.m.find_consumers(t) or []
        ops = (op,) if isinstance(op, str) else op
        if len(cons) != 1 or cons[0].op_type not in ops:
            found = ", ".join(f"{c.name} ({c.op_type})" for c in cons) or "nothing"
            raise UnsupportedGraph(f"tensor {t}: expected one consumer of type {'/'.join(ops)}, found {found}")
        return cons[0]

    def other_input(self, node, t: str) -> str:
        ins = [i for i in node.input if i != t]
        if len(ins) != 1:
            raise UnsupportedGraph(f"{node.name} ({node.op_type}): expected two distinct inputs")
        return ins[0]

    def act_quant(self, node, what: str) -> tuple[int, int, bool]:
        """(f, bits, signed) of an activation Quant node with constant scale, zero point 0, no narrow range."""
        if node.op_type != "Quant":
            raise UnsupportedGraph(f"{node.name}: expected Quant for {what}, got {node.op_type}")
        scale, zp, bw = (self.const(i) for i in node.input[1:4])
        if scale is None or zp is None or bw is None:
            raise UnsupportedGraph(f"{node.name}: {what} quantiser needs constant scale/zero point/bit width")
        if np.any(np.asarray(zp) != 0):
            raise UnsupportedGraph(f"{node.name}: {what} quantiser has a non-zero zero point")
        if node_attr(node, "rounding_mode", "ROUND") != "ROUND" or node_attr(node, "narrow", 0):
            raise UnsupportedGraph(f"{node.name}: {what} quantiser must round half-even without narrow range")
        return pot_frac(scale, node.name), int(np.asarray(bw)), bool(node_attr(node, "signed", 1))

    def conv(self, node, pad: int, what: str) -> tuple[np.ndarray, np.ndarray | None]:
        """Weights [O, C, 3, 3] and bias of a 3x3 stride-1 conv with ``pad`` zero padding."""
        if node.op_type != "Conv":
            raise UnsupportedGraph(f"{node.name}: expected Conv for {what}, got {node.op_type}")
        if (list(node_attr_ints(node, "kernel_shape")) != [3, 3]
                or list(node_attr_ints(node, "strides", [1, 1])) != [1, 1]
                or list(node_attr_ints(node, "dilations", [1, 1])) != [1, 1]
                or node_attr(node, "group", 1) != 1
                or list(node_attr_ints(node, "pads", [0, 0, 0, 0])) != [pad] * 4):
            raise UnsupportedGraph(f"{node.name}: {what} must be a 3x3, stride 1, dilation 1, group 1 conv "
                                   f"with padding {pad}")
        w = self.const(node.input[1])
        if w is None:
            raise UnsupportedGraph(f"{node.name}: {what} weights are not constant")
        b = self.const(node.input[2]) if len(node.input) > 2 and node.input[2] else None
        return np.asarray(w, dtype=np.float64), (None if b is None else np.asarray(b, dtype=np.float64))


def node_attr_ints(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return list(a.ints)
    return default


def window_columns(w: np.ndarray) -> np.ndarray:
    """[O, C, 3, 3] -> [O, 9*C] in sliding-window tap order (column (3*ky + kx)*C + c)."""
    return w.transpose(0, 2, 3, 1).reshape(w.shape[0], -1)


def prepare(onnx_path: Path) -> ModelWrapper:
    """Load, clean and constant-fold a QONNX graph; check every op is supported."""
    m = cleanup_model(ModelWrapper(str(onnx_path)))
    m = m.transform(FoldQuantConstants())
    m = m.transform(FoldConstants())
    bad = sorted({f"{n.op_type} ({n.name})" for n in m.graph.node if n.op_type not in SUPPORTED_OPS})
    if bad:
        raise UnsupportedGraph("unsupported ONNX op(s) for the hardware flow: " + ", ".join(bad))
    if len(m.graph.input) != 1 or len(m.graph.output) != 1:
        raise UnsupportedGraph("the graph must have one input and one output")
    return m


def build_layers(m: ModelWrapper) -> tuple[list[ConvLayer], ImageSkipOutput]:
    """Match the graph (see module docstring) into conv layers and the output stage."""
    g = _Walker(m)
    inp = m.graph.input[0].name
    shape = m.get_tensor_shape(inp)
    if len(shape) != 4 or shape[1] != 3:
        raise UnsupportedGraph(f"input {inp} must be NCHW RGB, got shape {shape}")
    q_in = g.only_consumer(inp, "Quant")
    f_in, b_in, s_in = g.act_quant(q_in, "input")
    if (f_in, b_in, s_in) != (8, 8, False):
        raise UnsupportedGraph(f"{q_in.name}: input must be uint8 with scale 2^-8, got {b_in}-bit 2^-{f_in}")
    x_img = q_in.output[0]
    cons = m.find_consumers(x_img) or []
    heads = [c for c in cons if c.op_type == "Conv"]
    resizes = [c for c in cons if c.op_type == "Resize"]
    if len(heads) != 1 or len(resizes) != 1 or len(cons) != 2:
        raise UnsupportedGraph(f"{x_img}: the quantised input must feed exactly one Conv (head) and one Resize (skip)")

    layers: list[ConvLayer] = []
    # ---- head: multi-bit conv, bias, requant to the residual stream
    head = heads[0]
    w, b = g.conv(head, 1, "head")
    q_res = g.only_consumer(head.output[0], "Quant")
    f_r, b_r, s_r = g.act_quant(q_res, "residual stream")
    if not s_r:
        raise UnsupportedGraph(f"{q_res.name}: the residual stream must be signed")
    layers.append(mac_layer("head", w, b, f_in, 8, False, f_r, b_r))
    x = q_res.output[0]

    # ---- body: Base binary blocks until the tail conv
    i = 0
    while True:
        consumers = m.find_consumers(x) or []
        # the residual Add and a Spatial attention's 1x1 conv also read the block input
        # (and BBCU's shift before Sign is an Add too: it leads to the Pad)
        main = [c for c in consumers if (c.op_type != "Add" or _is_sign_shift(g, c)) and not _is_conv1x1(c)
                and not _is_skip_mul(g, c)]
        if len(main) != 1 or main[0].op_type not in ("Pad", "Conv", "Add"):
            raise UnsupportedGraph(
                f"tensor {x}: expected a binary block (Pad, or a shift before Sign) or the tail Conv, found "
                + (", ".join(f"{c.name} ({c.op_type})" for c in consumers) or "nothing")
                + " (the hardware builds the Base, Single-Spatial, Both-Spatial-Spatial and BBCU blocks, whose "
                  "residual Add is the only skip; an extra skip, as in Base-Residual, is not supported)")
        nxt = main[0]
        if nxt.op_type == "Conv":
            break
        shift = None
        if nxt.op_type == "Add":
            shift, nxt = sign_shift(g, f"body_{i}", nxt, x, f_r), g.only_consumer(nxt.output[0], "Pad")
        layer, x = base_block(g, f"body_{i}", nxt, x, f_r, b_r, shift)
        layers.append(layer)
        i += 1

    # ---- tail conv + quant
    w, b = g.conv(nxt, 1, "tail")
    q_tail = g.only_consumer(nxt.output[0], "Quant")
    f_t, b_t, s_t = g.act_quant(q_tail, "tail")
    if not s_t:
        raise UnsupportedGraph(f"{q_tail.name}: the tail output must be signed")
    if w.shape[0] != 12:
        raise UnsupportedGraph(f"{nxt.name}: the tail conv must have 3*2*2 = 12 outputs for x2, got {w.shape[0]}")
    layers.append(mac_layer("tail", w, b, f_r, b_r, True, f_t, b_t))

    # ---- output: DepthToSpace + Resize skip -> uint8
    d2s = g.only_consumer(q_tail.output[0], "DepthToSpace")
    if node_attr(d2s, "blocksize") != 2 or node_attr(d2s, "mode", "DCR") != "CRD":
        raise UnsupportedGraph(f"{d2s.name}: only DepthToSpace blocksize 2, mode CRD (PixelShuffle) is supported")
    add = g.only_consumer(d2s.output[0], "Add")
    rs = resizes[0]
    if g.other_input(add, d2s.output[0]) != rs.output[0]:
        raise UnsupportedGraph(f"{add.name}: expected DepthToSpace + Resize(input)")
    scales = g.const(rs.input[2]) if len(rs.input) > 2 else None
    if (node_attr(rs, "mode") != "linear" or node_attr(rs, "coordinate_transformation_mode") != "half_pixel"
            or scales is None or list(np.asarray(scales)) != [1, 1, 2, 2]):
        raise UnsupportedGraph(f"{rs.name}: the image skip must be Resize x2, linear, half_pixel (bilinear, "
                               "align_corners=False)")
    q_out = g.only_consumer(add.output[0], "Quant")
    if g.act_quant(q_out, "output") != (8, 8, False) or q_out.output[0] != m.graph.output[0].name:
        raise UnsupportedGraph(f"{q_out.name}: the graph must end in a uint8 Quant with scale 2^-8")
    return layers, ImageSkipOutput.build(b_t, f_t)


def mac_layer(name, w, b, f_x, x_bits, x_signed, f_y, y_bits) -> ConvLayer:
    """Multi-bit conv + bias + Quant: y = clip(rhe_shift(acc + B, f_x + f_w - f_y))."""
    w_int, f_w = to_fixed(w, f"{name} weights")
    w_int = w_int.reshape(w.shape)
    w_width = max(2, int(np.abs(w_int).max()).bit_length() + 1)
    f_acc = f_x + f_w
    if b is None:
        b_int = np.zeros(w.shape[0], dtype=np.int64)
    else:
        b_int, f_b = to_fixed(b, f"{name} bias")
        if f_b > f_acc:
            raise UnsupportedGraph(f"{name}: bias grid 2^-{f_b} is finer than the accumulator grid 2^-{f_acc}")
        b_int = b_int << (f_acc - f_b)
    rq = RequantParams.from_constants(PE=1, ACC_WIDTH=1, K=np.ones(w.shape[0], dtype=np.int64), B=b_int,
                                      S1=f_acc - f_y, T_WIDTH=y_bits, S2=0, Y_WIDTH=y_bits, Y_SIGNED=1)
    return ConvLayer(name=name, binary=False, c_in=w.shape[1], c_out=w.shape[0], in_width=x_bits,
                     in_signed=x_signed, w_width=w_width, weights=window_columns(w_int), requant=rq)


def _is_conv1x1(node) -> bool:
    return node.op_type == "Conv" and list(node_attr_ints(node, "kernel_shape") or []) == [1, 1]


def _is_skip_mul(g: "_Walker", node) -> bool:
    """A Mul of the block input whose only consumer is an Add: the scaled skip of Both-X-Y."""
    cons = g.m.find_consumers(node.output[0]) or []
    return node.op_type == "Mul" and len(cons) == 1 and cons[0].op_type == "Add"


def _is_sign_shift(g: "_Walker", node) -> bool:
    """An Add of a constant whose only consumer is a Pad: BBCU's shift before Sign."""
    cons = g.m.find_consumers(node.output[0]) or []
    return (node.op_type == "Add" and any(g.const(i) is not None for i in node.input)
            and len(cons) == 1 and cons[0].op_type == "Pad")


def sign_shift(g: _Walker, name: str, add, x: str, f_r: int) -> np.ndarray:
    """The per-channel shift delta of Sign(pad(x + delta)) on x's integer grid 2^-f_r: x + delta >= 0 exactly
    when X + floor(D * 2^(f_r - f_d)) >= 0 for X = x * 2^f_r and delta = D * 2^-f_d (a finer delta rounds down:
    X >= -D/2^k is X >= ceil(-D/2^k) = -floor(D/2^k))."""
    delta = g.const(g.other_input(add, x))
    if delta is None:
        raise UnsupportedGraph(f"{add.name}: the shift before Sign must be a constant added to {x}")
    delta = np.asarray(delta)
    if delta.ndim != 4 or delta.shape[0] != 1 or delta.shape[2:] != (1, 1):
        raise UnsupportedGraph(f"{add.name}: the shift before Sign must be per channel (shape [1, C, 1, 1]), got "
                               f"{list(delta.shape)}")
    return shift_to_grid(*to_fixed(delta, f"{name} shift before Sign"), f_r)


def shift_to_grid(d_int: np.ndarray, f_d: int, f_r: int) -> np.ndarray:
    """D * 2^-f_d as the integer shift S on the grid 2^-f_r with (X * 2^-f_r + D * 2^-f_d >= 0) == (X + S >= 0)
    for every integer X: S = floor(D * 2^(f_r - f_d))."""
    d_int = np.asarray(d_int, dtype=np.int64)
    return d_int >> (f_d - f_r) if f_d > f_r else d_int << (f_r - f_d)


def spatial_attention(g: _Walker, name: str, map_t: str, x: str, f_r: int, b_r: int) -> tuple[SpatialMapParams, int]:
    """Match map_t = Quant(unsigned) <- Sigmoid <- Quant(logit) <- Conv1x1(x) (the Spatial attention of the
    block input x).  Returns the spatial_map parameters and the map's fraction bits."""
    q_map = g.m.find_producer(map_t)
    if q_map is None or q_map.op_type != "Quant":
        raise UnsupportedGraph(f"{name}: the branch is multiplied by {map_t}, which is not a quantised attention map")
    f_m, b_m, s_m = g.act_quant(q_map, f"{name} attention map")
    sig = g.m.find_producer(q_map.input[0])
    if s_m or sig is None or sig.op_type != "Sigmoid":
        raise UnsupportedGraph(f"{q_map.name}: an attention map must be an unsigned Quant of a Sigmoid")
    q_l = g.m.find_producer(sig.input[0])
    if q_l is None or q_l.op_type != "Quant":
        raise UnsupportedGraph(f"{sig.name}: the sigmoid's input (the logit) must be quantised (a table in hardware)")
    f_l, b_l, s_l = g.act_quant(q_l, f"{name} attention logit")
    conv = g.m.find_producer(q_l.input[0])
    if conv is None or not _is_conv1x1(conv) or conv.input[0] != x:
        raise UnsupportedGraph(f"{q_l.name}: only the Spatial attention (a 1x1 conv C->1 of the block input) "
                               "is supported; SE and Global attention need a frame-wide pooling")
    if (list(node_attr_ints(conv, "strides", [1, 1])) != [1, 1] or node_attr(conv, "group", 1) != 1
            or list(node_attr_ints(conv, "pads", [0, 0, 0, 0])) != [0, 0, 0, 0]):
        raise UnsupportedGraph(f"{conv.name}: the attention conv must be 1x1, stride 1, group 1, no padding")
    w = g.const(conv.input[1])
    if w is None or w.shape[0] != 1:
        raise UnsupportedGraph(f"{conv.name}: the Spatial attention conv must have constant weights and 1 output")
    w_int, f_w = to_fixed(w, f"{conv.name} weights")
    b = g.const(conv.input[2]) if len(conv.input) > 2 and conv.input[2] else np.zeros(1)
    b_int, f_b = to_fixed(b, f"{conv.name} bias")
    f_acc = f_r + f_w
    if f_b > f_acc:
        raise UnsupportedGraph(f"{conv.name}: bias grid 2^-{f_b} is finer than the accumulator grid 2^-{f_acc}")
    if not s_l:
        raise UnsupportedGraph(f"{q_l.name}: the attention logit must be signed")
    sm = SpatialMapParams(C=w.shape[1], EW=b_r, W=w_int.reshape(-1), B=int(b_int[0]) << (f_acc - f_b),
                          S=f_acc - f_l, L_WIDTH=b_l, MAP_WIDTH=b_m, TABLE=sigmoid_table(f_l, b_l, b_m, f_m))
    return sm, f_m


def base_block(g: _Walker, name: str, pad, x: str, f_r: int, b_r: int,
               shift: np.ndarray | None = None) -> tuple[ConvLayer, str]:
    """Match [Add(delta) ->] Pad -> BipolarQuant -> Conv -> Mul -> Add -> Quant -> PRelu -> Add -> [Mul(map)] -> Quant
    -> Add(x | Mul(x, map2)) -> Quant (the Mul: Single-Spatial, see :func:`spatial_attention`; with the skip
    scaled by a second Spatial map: Both-Spatial-Spatial).

    ``shift``: BBCU's delta on the input grid (:func:`sign_shift`), matched by the caller.
    Returns the layer and the block's output tensor.
    """
    pads = g.const(pad.input[1])
    value = g.const(pad.input[2]) if len(pad.input) > 2 and pad.input[2] else np.zeros(1)
    if (node_attr(pad, "mode", "constant") != "constant" or pads is None
            or list(np.asarray(pads)) != [0, 0, 1, 1, 0, 0, 1, 1] or np.any(np.asarray(value) != 0)):
        raise UnsupportedGraph(f"{pad.name}: binary conv input must be zero-padded by 1 on H and W")
    sign = g.only_consumer(pad.output[0], "BipolarQuant")
    if g.const(sign.input[1]) is None or np.any(np.asarray(g.const(sign.input[1])) != 1.0):
        raise UnsupportedGraph(f"{sign.name}: BipolarQuant scale must be 1")
    conv = g.only_consumer(sign.output[0], "Conv")
    w, b = g.conv(conv, 0, f"{name} binary conv")
    if b is not None or not np.all(np.abs(w) == 1):
        raise UnsupportedGraph(f"{conv.name}: binary conv weights must be +-1 without bias")
    mul = g.only_consumer(conv.output[0], "Mul")
    k = g.const(g.other_input(mul, conv.output[0]))
    if k is None:
        raise UnsupportedGraph(f"{mul.name}: the binary conv output must be scaled by constants; an attention map "
                               "there (RescalePost) is not supported")
    k_int, f_k = to_fixed(k, f"{mul.name} scale")
    add_b = g.only_consumer(mul.output[0], "Add")
    b_int, f_b = to_fixed(g.const(g.other_input(add_b, mul.output[0])), f"{add_b.name} bias")
    f_z = max(f_k, f_b)
    k_int, b_int = k_int << (f_z - f_k), b_int << (f_z - f_b)
    q_t = g.only_consumer(add_b.output[0], "Quant")
    f_t, b_t, s_t = g.act_quant(q_t, f"{name} t")
    prelu = g.only_consumer(q_t.output[0], "PRelu")
    beta_raw, f_beta_raw = to_fixed(g.const(prelu.input[1]), f"{prelu.name} slope")
    add_z = g.only_consumer(prelu.output[0], "Add")
    z_int, f_zeta = to_fixed(g.const(g.other_input(add_z, prelu.output[0])), f"{add_z.name} zeta")
    # u = PReLU(t) on the grid 2^-(f_t + f_beta): the positive branch shifts t left by f_beta.  to_fixed gives
    # the fewest fraction bits that hold the slopes exactly; the model put zeta on the grid of its slopes'
    # power-of-two scale, which is finer when the slopes are coarse (e.g. all 0.25 at init): then u is
    # carried on zeta's grid instead, so the sum stays exact
    f_beta = max(f_beta_raw, f_zeta - f_t, 0)
    beta_int = beta_raw << (f_beta - f_beta_raw)
    f_u = f_t + f_beta
    z_int = z_int << (f_u - f_zeta)
    nxt = g.only_consumer(add_z.output[0], ("Quant", "Mul"))
    sm, f_map = None, 0
    if nxt.op_type == "Mul":
        sm, f_map = spatial_attention(g, name, g.other_input(nxt, add_z.output[0]), x, f_r, b_r)
        q_y = g.only_consumer(nxt.output[0], "Quant")
    else:
        q_y = nxt
    if g.act_quant(q_y, f"{name} y") != (f_r, b_r, True):
        raise UnsupportedGraph(f"{q_y.name}: the block output must use the residual-stream format")
    add_r = g.only_consumer(q_y.output[0], "Add")
    skip = g.other_input(add_r, q_y.output[0])
    sm2, f_map2 = None, 8
    if skip != x:
        mul_s = g.m.find_producer(skip)
        if mul_s is None or mul_s.op_type != "Mul" or x not in mul_s.input or sm is None:
            raise UnsupportedGraph(f"{add_r.name}: the residual add must take the block input {x}, or (Both-Spatial-"
                                   f"Spatial) the block input times a Spatial map, with a Spatial map on the branch")
        sm2, f_map2 = spatial_attention(g, f"{name} skip", g.other_input(mul_s, x), x, f_r, b_r)
        if sm2.MAP_WIDTH != sm.MAP_WIDTH:
            raise UnsupportedGraph(f"{mul_s.name}: the skip map must have the branch map's width ({sm.MAP_WIDTH})")
    c = w.shape[0]
    per_ch = lambda a: np.broadcast_to(a, (c,)) if a.size == 1 else a  # noqa: E731
    rq = RequantParams.from_constants(PE=1, ACC_WIDTH=1, K=per_ch(k_int), B=per_ch(b_int), S1=f_z - f_t, T_WIDTH=b_t,
                                      BETA=per_ch(beta_int), BETA_FRAC=f_beta, ZETA=per_ch(z_int),
                                      S2=f_u + f_map - f_r, Y_WIDTH=b_r, Y_SIGNED=1, HAS_RESIDUAL=1,
                                      HAS_MAP=int(sm is not None), MAP_WIDTH=sm.MAP_WIDTH if sm else 8,
                                      HAS_SKIP_MAP=int(sm2 is not None), SKIP_FRAC=f_map2)
    q_o = g.only_consumer(add_r.output[0], "Quant")
    if g.act_quant(q_o, f"{name} output") != (f_r, b_r, True):
        raise UnsupportedGraph(f"{q_o.name}: the residual sum must be requantised to the residual-stream format")
    bits = (w > 0).astype(np.int64)
    layer = ConvLayer(name=name, binary=True, c_in=w.shape[1], c_out=c, in_width=b_r, in_signed=True, w_width=1,
                      weights=window_columns(bits), requant=rq, spatial_map=sm, skip_map=sm2,
                      sign_shift=None if shift is None else np.broadcast_to(shift, (w.shape[1],)))
    return layer, q_o.output[0]
