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


def test_verilog_hex_splits_wide_values_and_parses_back():
    """Up to VERILOG_LITERAL_BITS one sized literal; wider, a concatenation of literals of at most that many bits
    (Verilator rejects a literal over 65,536 bits), most significant first; parse_verilog_hex inverts both."""
    from hw.numerics import VERILOG_LITERAL_BITS, parse_verilog_hex, verilog_hex
    assert verilog_hex(0xAB, 12) == "12'hab"
    assert verilog_hex(5, 3) == "3'h5"
    rng = np.random.default_rng(3)
    for width in (1, 8, VERILOG_LITERAL_BITS, VERILOG_LITERAL_BITS + 1, 69120, 3 * VERILOG_LITERAL_BITS + 5):
        value = int.from_bytes(rng.bytes((width + 7) // 8), "little") & ((1 << width) - 1) | (1 << (width - 1))
        text = verilog_hex(value, width)
        parts = text.strip("{}").split(", ")
        assert len(parts) == -(-width // VERILOG_LITERAL_BITS)
        assert all(int(p.split("'")[0]) <= VERILOG_LITERAL_BITS for p in parts)
        assert text.startswith("{") == (width > VERILOG_LITERAL_BITS)
        assert parse_verilog_hex(text) == (value, width)
    assert verilog_hex(1, 2 * VERILOG_LITERAL_BITS) == f"{{{VERILOG_LITERAL_BITS}'h0, {VERILOG_LITERAL_BITS}'h1}}"
    with pytest.raises(ValueError):
        verilog_hex(256, 8)
    with pytest.raises(ValueError):
        verilog_hex(-1, 8)
