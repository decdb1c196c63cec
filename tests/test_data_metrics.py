"""Data loading errors, MATLAB bicubic and the PSNR protocol."""
import numpy as np
import pytest
from PIL import Image

from model.data import ImageError, load_rgb
from model.evaluate import evaluate
from model.metrics import psnr_y, rgb_to_y


def test_bicubic_set5_x2_matches_published():
    # published bicubic x2 on Set5: 33.66 dB (Y, shave 2, MATLAB imresize)
    assert abs(evaluate(None, ["set5"])["set5"]["psnr"] - 33.66) < 0.05


def test_psnr_known_value():
    a = np.zeros((8, 8, 3), np.uint8)
    b = a.copy()
    b[..., :] = 1  # Y differs by (65.481+128.553+24.966)/255 = 219/255 everywhere
    d = 219.0 / 255.0
    assert psnr_y(a, b, 0) == pytest.approx(10 * np.log10(255 ** 2 / d ** 2))
    assert rgb_to_y(np.array([[255, 255, 255]], np.uint8))[0] == pytest.approx(235.0)


@pytest.mark.parametrize("mode", ["RGBA", "L", "CMYK"])
def test_non_rgb_images_are_rejected(tmp_path, mode):
    p = tmp_path / f"x_{mode}.png" if mode != "CMYK" else tmp_path / "x.jpg"
    Image.new(mode, (8, 8)).save(p)
    with pytest.raises(ImageError, match="not RGB"):
        load_rgb(p)


def test_gray_allowed_when_asked(tmp_path):
    p = tmp_path / "g.png"
    Image.new("L", (8, 8), 7).save(p)
    assert load_rgb(p, allow_gray=True).shape == (8, 8, 3)


def test_corrupt_and_missing_files(tmp_path):
    p = tmp_path / "bad.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    with pytest.raises(ImageError, match="not a readable image"):
        load_rgb(p)
    with pytest.raises(ImageError, match="no such image"):
        load_rgb(tmp_path / "missing.png")


def test_bicubic_protocol_all_sets_within_0_05_db():
    """Published MATLAB bicubic x2: 33.66 / 30.24 / 29.56 / 26.88 (Set14's 1-channel bridge measured on its
    gray level, as the MATLAB scripts do).  Needs the data root ($SR_DATA or ../shared/data); Urban100
    only in the full run."""
    from model.paper_table1 import BICUBIC_X2
    from tests.conftest import FULL

    sets = ["set14", "b100"] + (["urban100"] if FULL else [])
    res = evaluate(None, sets)
    for s in sets:
        assert abs(res[s]["psnr"] - BICUBIC_X2[s]) < 0.05, (s, res[s])


def test_gray_luma_is_the_gray_level():
    from model.metrics import luma

    g = np.full((2, 2, 3), 200, np.uint8)
    assert np.allclose(luma(g, gray=True), 200.0)


def test_pair_bank_crops_only_from_images_that_hold_the_patch(tmp_path):
    from model.data import PairBank

    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (200, 160, 3), dtype=np.uint8)).save(tmp_path / "big.png")
    Image.fromarray(rng.integers(0, 256, (70, 70, 3), dtype=np.uint8)).save(tmp_path / "small.png")
    bank = PairBank([tmp_path], 2)
    assert len(bank.pairs) == 2
    assert len(bank.fitting(30)) == 2 and len(bank.fitting(48)) == 1  # small.png's LR is 35 x 35
    lr, hr = bank.batch(rng, 8, 48)  # would draw small.png, and fail, about half the time without the filter
    assert lr.shape == (8, 48, 48, 3) and hr.shape == (8, 96, 96, 3)
    with pytest.raises(ValueError, match="LR patch of 81"):
        bank.batch(rng, 1, 81)


def test_device_bank_gives_the_host_crops(tmp_path):
    # the same draws, cropped and turned by a gather on the device (here the CPU), equal the host path's
    # crops value for value, for each of the 8 dihedral turns and images of different sizes
    import torch

    from model.data import DeviceBank, PairBank

    rng = np.random.default_rng(1)
    Image.fromarray(rng.integers(0, 256, (120, 90, 3), dtype=np.uint8)).save(tmp_path / "tall.png")
    Image.fromarray(rng.integers(0, 256, (64, 150, 3), dtype=np.uint8)).save(tmp_path / "wide.png")
    bank = PairBank([tmp_path], 2)
    dev = DeviceBank(bank, "cpu")
    assert {int(k) for k in bank.draw(np.random.default_rng(5), 64, 12)[:, 3]} == set(range(8))
    for seed, patch in ((5, 12), (6, 7), (7, 32)):
        host = bank.tensors(np.random.default_rng(seed), 64, patch, "cpu")
        gathered = dev.tensors(np.random.default_rng(seed), 64, patch, "cpu")
        for h, g in zip(host, gathered):
            assert h.shape == g.shape and h.dtype == g.dtype == torch.float32
            assert torch.equal(h, g)
