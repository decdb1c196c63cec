"""Multi-bit head and tail weights wider than 8 bits (SRConfig.head_weight_bits / tail_weight_bits): the compiler
takes each layer's weight width from the graph's integers and its integer reference stays bit-exact with PyTorch."""
import numpy as np
import pytest

from hw.design import Design
from model.export import export_model, golden
from tests.conftest import corner_patches, trained_small

SIZE = 12


@pytest.fixture(scope="module")
def wide_weights(tmp_path_factory):
    m = trained_small("Single-Spatial", head_weight_bits=12, tail_weight_bits=10)
    return m, Design.from_qonnx(export_model(m, tmp_path_factory.mktemp("onnx") / "m.onnx", SIZE, SIZE))


def test_the_weights_use_their_width(wide_weights):
    m, design = wide_weights
    head, tail = design.layers[0], design.layers[-1]
    assert (head.name, tail.name) == ("head", "tail")
    # the largest |w| sets the power-of-two scale, so it needs all the bits: 12 and 10 signed
    assert (head.w_width, tail.w_width) == (12, 10)
    for conv, bits in ((m.head, 12), (m.tail, 10)):
        w = conv.quant_weight()
        assert int(w.bit_width) == bits
        ints = (w.value / w.scale).round().detach().numpy()
        assert np.abs(ints).max() < 1 << (bits - 1) and np.abs(ints).max() >= 1 << (bits - 2)


def test_integer_reference_equals_pytorch(wide_weights, set5_lr):
    m, design = wide_weights
    for patch in corner_patches(set5_lr, SIZE):
        assert np.array_equal(design.execute(patch), golden(m, patch)[0])
