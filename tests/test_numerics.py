"""hw/numerics: the rounding, sign and packing every layer shares."""
import numpy as np
import pytest

from hw.numerics import bits_for_range, pack, rhe_shift, sign_bit, unpack


@pytest.mark.parametrize("s", [1, 2, 3, 7])
def test_rhe_shift_matches_numpy_round(s):
    v = np.arange(-5000, 5000)
    assert np.array_equal(rhe_shift(v, s), np.round(v / 2.0 ** s).astype(np.int64))


def test_rhe_shift_ties_go_to_even():
    assert rhe_shift(np.array([2, 6, -2, -6, 1, 3]), 2).tolist() == [0, 2, 0, -2, 0, 1]


def test_rhe_shift_nonpositive_is_exact_left_shift():
    v = np.array([-3, 0, 5])
    assert rhe_shift(v, 0).tolist() == [-3, 0, 5]
    assert rhe_shift(v, -2).tolist() == [-12, 0, 20]


def test_sign_convention_zero_is_plus_one():
    # Brevitas binary_sign / QONNX BipolarQuant: x >= 0 -> +1 (bit 1)
    assert sign_bit(np.array([-1, 0, 1, -128, 127])).tolist() == [0, 1, 1, 0, 1]


def test_pack_unpack_roundtrip_signed():
    vals = [-128, 127, 0, -1, 5]
    assert unpack(pack(vals, 8), 5, 8, True).tolist() == vals


def test_bits_for_range():
    assert bits_for_range(-128, 127) == (8, True)
    assert bits_for_range(-129, 0) == (9, True)
    assert bits_for_range(0, 255) == (8, False)
