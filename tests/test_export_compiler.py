"""The golden chain: PyTorch (float64) == QONNX execution == the compiler's integer layer references."""
import copy
import json
from dataclasses import replace

import numpy as np
import onnx
import pytest

from hw.codegen import fill
from hw.design import Design
from hw.frontend import UnsupportedGraph, prepare, to_fixed
from model.export import export_model, golden, qonnx_execute
from tests.conftest import corner_patches

SIZE = 12


@pytest.fixture(scope="module")
def exported(small_model, tmp_path_factory):
    return export_model(small_model, tmp_path_factory.mktemp("onnx") / "m.onnx", SIZE, SIZE)


@pytest.fixture(scope="module")
def design(exported):
    return Design.from_qonnx(exported)


def test_qonnx_equals_pytorch_on_set5_patches(small_model, exported, set5_lr):
    for patch in corner_patches(set5_lr, SIZE):
        assert np.array_equal(qonnx_execute(exported, patch), golden(small_model, patch))


def test_integer_reference_equals_pytorch_on_set5_patches(small_model, design, set5_lr):
    for patch in corner_patches(set5_lr, SIZE):
        assert np.array_equal(design.execute(patch), golden(small_model, patch)[0])


def test_layers_found(design):
    names = [layer.name for layer in design.layers]
    assert names == ["head", "body_0", "body_1", "tail"]
    assert [layer.binary for layer in design.layers] == [False, True, True, False]
    assert design.layers[1].requant.HAS_PRELU and design.layers[1].requant.HAS_RESIDUAL


def test_one_lsb_in_any_constant_changes_the_output(design, set5_lr):
    """The reference is sensitive to a single LSB of a per-channel constant (so the bit-exact tests can fail)."""
    patch = corner_patches(set5_lr, SIZE)[2]
    base = design.execute(patch)
    layer = design.layers[1]
    rq = layer.requant
    changed = False
    for c in range(rq.C):
        b = list(rq.B)
        b[c] += 1 << max(rq.S1 - 1, 0)  # half a t-LSB: moves rounding somewhere
        layer.requant = replace(rq, B=tuple(b))
        changed |= not np.array_equal(design.execute(patch), base)
        layer.requant = rq
        if changed:
            break
    assert changed


def test_unsupported_op_is_named(exported, tmp_path):
    m = onnx.load(exported)
    relu_in = m.graph.node[-1].input[0]
    m.graph.node.insert(len(m.graph.node) - 1, onnx.helper.make_node("Relu", [relu_in], ["relu_out"], name="MyRelu"))
    m.graph.node[-1].input[0] = "relu_out"
    p = tmp_path / "bad.onnx"
    onnx.save(m, p)
    with pytest.raises(UnsupportedGraph, match="Relu"):
        prepare(p)


def test_non_power_of_two_constants_rejected():
    assert to_fixed([0.25, -1.5, 3.0], "x")[1] == 2
    with pytest.raises(UnsupportedGraph, match="power of two"):
        to_fixed([0.1], "k")


def test_folding_config_roundtrip_and_checks(design):
    design.set_folding(16)
    assert design.cycles_per_lr_pixel() <= 16
    cfg = design.folding_config()
    design.apply_folding({"Defaults": {}, "body_0": {"PE": 2, "SIMD": 72}})
    assert design.layers[1].cycles_per_pixel() == (design.layers[1].mh // 2) * (design.layers[1].mw // 72)
    with pytest.raises(ValueError, match="must divide"):
        design.apply_folding({"body_0": {"PE": 3}})
    with pytest.raises(KeyError, match="unknown layers"):
        design.apply_folding({"nope": {"PE": 1}})
    with pytest.raises(ValueError, match="ram_style 'bram' is not one of"):
        design.apply_folding({"body_0": {"ram_style": "bram"}})
    design.apply_folding(cfg)
    assert design.folding_config() == cfg


def test_weight_store_follows_fold_depth(design):
    """auto: a LUT ROM up to 32 folds (ROM bit + XNOR in one LUT6), block RAM deeper; explicit styles win,
    and the choice reaches the RTL parameters and the report."""
    layer = design.layers[1]
    assert layer.mh <= 32 < 9 * layer.mh
    layer.set_folding(1, layer.mw, "auto")
    assert layer.cycles_per_pixel() == layer.mh and layer.weight_mem == 0
    assert layer.verilog_params()["WEIGHT_MEM"] == "0" and layer.summary()["weight_mem"] == "distributed"
    layer.set_folding(1, layer.mw // 9)  # 9 * MH folds; the style stays "auto"
    assert layer.weight_mem == 1 and layer.verilog_params()["WEIGHT_MEM"] == "1"
    assert layer.summary()["weight_mem"] == "block"
    layer.set_folding(1, layer.mw // 9, "distributed")
    assert layer.weight_mem == 0
    layer.set_folding(layer.mh, layer.mw, "block")
    assert layer.cycles_per_pixel() == 1 and layer.weight_mem == 1


def test_fill_rejects_unknown_and_leftover_placeholders():
    assert fill("a $X$ b", {"X": 1}) == "a 1 b"
    with pytest.raises(KeyError):
        fill("a $X$ $Y$", {"X": 1})
    with pytest.raises(KeyError):
        fill("a $X$", {"X": 1, "Z": 2})


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    from model.arch import DEFAULT_CHECKPOINT, load_checkpoint

    model, _ = load_checkpoint(DEFAULT_CHECKPOINT)
    path = export_model(model, tmp_path_factory.mktemp("shipped") / "default.onnx", 16, 16)
    return model, path, Design.from_qonnx(path)


def test_shipped_model_qonnx_equals_pytorch(shipped, set5_lr):
    model, path, _ = shipped
    for patch in corner_patches(set5_lr, 16):
        assert np.array_equal(qonnx_execute(path, patch), golden(model, patch))


def test_shipped_model_integer_reference_equals_pytorch_on_whole_set5(shipped, set5_lr):
    model, _, design = shipped
    for name, img in set5_lr.items():
        assert np.array_equal(design.execute(img), golden(model, img)[0]), name


def test_zeta_finer_than_the_slopes(small_model, set5_lr, tmp_path):
    """Slopes that need few fraction bits (all 0.25, as at init) with a zeta the model put on the finer grid of
    the slopes' power-of-two scale: the compiler carries PReLU's output on zeta's grid and stays bit-exact."""
    import torch

    m = copy.deepcopy(small_model)
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for n, p in m.named_parameters():
            if n.endswith(".beta"):
                p.fill_(0.25)
            elif n.endswith(".zeta"):
                p.copy_((torch.rand(p.shape, generator=gen) - 0.5) * 0.2)
    d = Design.from_qonnx(export_model(m, tmp_path / "z.onnx", SIZE, SIZE))
    rq = d.layers[1].requant
    assert rq.BETA_FRAC > 2 and all(b == 1 << (rq.BETA_FRAC - 2) for b in rq.BETA)  # 0.25, widened
    assert any(z % 2 for z in rq.ZETA)  # zeta needs the finest bit of the widened grid
    for patch in corner_patches(set5_lr, SIZE):
        assert np.array_equal(d.execute(patch), golden(m, patch)[0])


def test_shipped_model_folding_file_covers_every_layer(shipped):
    # the default's pynq-z2 folding (hw.build.shipped_folding) names each of its layers and nothing else
    from hw.build import shipped_folding
    from model.arch import DEFAULT_CHECKPOINT

    _, _, design = shipped
    path = shipped_folding(DEFAULT_CHECKPOINT, "pynq-z2")
    assert path is not None
    cfg = json.loads(path.read_text())
    assert set(cfg) - {"Defaults"} == {layer.name for layer in design.layers}
    folded = copy.deepcopy(design)
    folded.apply_folding(cfg)  # PE and SIMD divide each layer's MH and MW
    # every layer keeps its weights in block RAM (96 folds, ram_style auto); the head's and tail's take 2 + 8
    # BRAM36 by the estimate (one RAMB18 of 512 x 36 per 36 bits of a 96-word memory: 144 and 576 bits wide),
    # the 10 that Yosys measured between LUT and block-RAM weights for them (72.5 -> 82.5 BRAM36)
    layers = {layer.name: layer for layer in folded.layers}
    assert (layers["head"].weight_bram36(), layers["tail"].weight_bram36()) == (2.0, 8.0)
    assert all(layer.weight_mem == 1 for layer in folded.layers)
    # the 64-channel windows (every layer's but the head's) keep their line buffers in 4 slices per pixel
    beats = {layer.name: layer.line_buffer_beats(folded.max_width) for layer in folded.layers}
    assert beats.pop("head") == 1 and set(beats.values()) == {4}
