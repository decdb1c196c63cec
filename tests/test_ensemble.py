"""x8 self-ensemble (model/ensemble.py): the transforms, the integer mean, and equivariant upscalers."""
import numpy as np
import pytest

from model.ensemble import TRANSFORMS, average_u8, forward_transform, inverse_transform, self_ensemble


def test_the_eight_transforms_are_distinct_and_undone():
    img = np.random.default_rng(0).integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    seen = set()
    for k, flip in TRANSFORMS:
        t = forward_transform(img, k, flip)
        assert t.shape == ((5, 7, 3) if k % 2 == 0 else (7, 5, 3))
        seen.add(t.tobytes() + bytes(t.shape))
        assert np.array_equal(inverse_transform(t, k, flip), img)
    assert len(seen) == 8


def test_integer_mean_rounds_half_up_exactly():
    def members(values):
        return [np.full((2, 2, 3), v, dtype=np.uint8) for v in values]

    assert average_u8(members([0] * 7 + [4]))[0, 0, 0] == 1        # 0.5 -> 1
    assert average_u8(members([0] * 7 + [3]))[0, 0, 0] == 0        # 0.375 -> 0
    assert average_u8(members([0] * 5 + [4, 4, 4]))[0, 0, 0] == 2  # 1.5 -> 2
    assert average_u8(members([255] * 8))[0, 0, 0] == 255         # no wrap-around
    assert average_u8(members([254] * 7 + [255]))[0, 0, 0] == 254  # 254.125
    with pytest.raises(ValueError, match="expected 8"):
        average_u8(members([1] * 7))
    with pytest.raises(ValueError, match="uint8"):
        average_u8(members([1] * 7) + [np.zeros((2, 2, 3), np.int32)])


def test_an_equivariant_upscaler_is_its_own_ensemble():
    lr = np.random.default_rng(1).integers(0, 256, size=(6, 9, 3), dtype=np.uint8)

    def nearest_x2(im):
        return np.repeat(np.repeat(im, 2, axis=0), 2, axis=1)

    assert np.array_equal(self_ensemble(nearest_x2, lr), nearest_x2(lr))


def test_members_are_mapped_back_before_the_mean():
    # an upscaler that marks the output's top-left pixel: each member marks a different LR corner, so the
    # ensemble's four HR corners each hold 2 of the 8 marks (255 * 2 / 8 -> 64) and the rest stays 0
    lr = np.zeros((4, 6, 3), dtype=np.uint8)

    def mark_top_left(im):
        hr = np.zeros((2 * im.shape[0], 2 * im.shape[1], 3), dtype=np.uint8)
        hr[0, 0] = 255
        return hr

    out = self_ensemble(mark_top_left, lr)
    corners = [(0, 0), (0, -1), (-1, 0), (-1, -1)]
    assert all(out[r, c, 0] == (2 * 255 + 4) >> 3 for r, c in corners)
    assert int(out.astype(np.int64).sum()) == 4 * 3 * ((2 * 255 + 4) >> 3)


def test_bicubic_has_no_ensemble():
    from model.evaluate import evaluate

    with pytest.raises(ValueError, match="needs a model"):
        evaluate(None, ["set5"], self_ensemble=True)
