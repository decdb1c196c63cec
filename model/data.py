"""Images and data: loading with clear errors, modcrop, LR generation, training crops.

The data root is ``$SR_DATA`` or ``../shared/data`` beside the repository; Set5 also ships in
``data/set5`` inside the repository so tests and the default flow need nothing else.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from model.imresize import imresize_u8

REPO = Path(__file__).resolve().parents[1]
IMAGE_EXTS = (".png", ".bmp", ".jpg", ".jpeg", ".webp", ".tif", ".tiff")


class ImageError(ValueError):
    """An image file that cannot be used (missing, corrupt, or not RGB)."""


def data_root() -> Path:
    """``$SR_DATA`` if set, else ``../shared/data`` next to the repo; raises naming what is missing."""
    env = os.environ.get("SR_DATA")
    root = Path(env) if env else REPO.parent / "shared" / "data"
    if not root.is_dir():
        raise FileNotFoundError(
            f"SR data root {root} not found: set SR_DATA to a folder holding set5/, set14/, b100/, urban100/ "
            "(HR test images) and train/ (HR training images, e.g. T91 and BSDS)")
    return root


def dataset_dir(name: str) -> Path:
    """Folder of a named set (``set5`` falls back to the copy shipped in the repo)."""
    if name == "set5":
        shipped = REPO / "data" / "set5"
        if shipped.is_dir():
            return shipped
    d = data_root() / name
    if not d.is_dir():
        raise FileNotFoundError(f"dataset {name!r} not found at {d}")
    return d


def original_mode(path: Path) -> str:
    """The image's mode as originally published: ``MANIFEST.tsv`` of the data root records it for files
    re-encoded as WebP (which stores 1-channel images as RGB); otherwise the file's own PIL mode."""
    path = Path(path).resolve()
    try:
        root = data_root().resolve()
        manifest = root / "MANIFEST.tsv"
        if manifest.is_file() and root in path.parents:
            rel = str(path.relative_to(root))
            for line in manifest.read_text().splitlines()[1:]:
                cols = line.split("\t")
                if cols[0] == rel:
                    return cols[3]
    except FileNotFoundError:
        pass
    with Image.open(path) as im:
        return im.mode


def list_images(folder: Path) -> list[Path]:
    files = sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in IMAGE_EXTS)
    if not files:
        raise FileNotFoundError(f"no images ({', '.join(IMAGE_EXTS)}) under {folder}")
    return files


def load_rgb(path: Path, allow_gray: bool = False) -> np.ndarray:
    """Load an image as uint8 (H, W, 3).

    RGB files load as they are.  Gray files are replicated to RGB only with ``allow_gray`` (benchmark
    sets contain a few); RGBA, palette-with-alpha or other modes are rejected: their meaning for an
    RGB upscaler is ambiguous, so the caller must convert them deliberately.
    """
    path = Path(path)
    if not path.is_file():
        raise ImageError(f"{path}: no such image file")
    try:
        with Image.open(path) as im:
            im.load()
            mode = im.mode
            if mode == "RGB":
                arr = np.asarray(im, dtype=np.uint8)
            elif mode in ("L", "P") and allow_gray and (mode == "L" or "transparency" not in im.info):
                arr = np.asarray(im.convert("RGB"), dtype=np.uint8)
            else:
                raise ImageError(f"{path}: image mode {mode!r} is not RGB"
                                 + (" (gray images are accepted only where allowed)" if mode == "L" else
                                    "; convert it to RGB first (e.g. drop the alpha channel)"))
    except (UnidentifiedImageError, OSError, SyntaxError) as e:
        raise ImageError(f"{path}: not a readable image ({e})") from e
    if arr.ndim != 3 or arr.shape[2] != 3 or arr.shape[0] < 2 or arr.shape[1] < 2:
        raise ImageError(f"{path}: unexpected image shape {arr.shape}")
    return arr


def modcrop(img: np.ndarray, scale: int) -> np.ndarray:
    h, w = img.shape[:2]
    return img[: h - h % scale, : w - w % scale]


def make_pair(hr: np.ndarray, scale: int) -> tuple[np.ndarray, np.ndarray]:
    """(LR, HR) uint8: HR modcropped to a multiple of ``scale``, LR = MATLAB bicubic 1/scale."""
    hr = modcrop(hr, scale)
    return imresize_u8(hr, 1.0 / scale), hr


def to_tensor(img_u8: np.ndarray):
    """uint8 (H, W, 3) or (N, H, W, 3) -> float32 NCHW tensor of value u8 / 256 (the model's domain)."""
    import torch

    a = np.asarray(img_u8)
    if a.ndim == 3:
        a = a[None]
    return torch.from_numpy(np.ascontiguousarray(a.transpose(0, 3, 1, 2))).float() / 256.0


def to_u8(t, exact: bool = True) -> np.ndarray:
    """Model output (N, 3, H, W), values k/256 -> uint8 (N, H, W, 3).

    ``exact``: the output of the quantised model must already lie on the grid (checked); otherwise (a
    float model) it is rounded and clipped, as any SR evaluation saves its output as an 8-bit image.
    """
    a = t.detach().cpu().double().numpy() * 256.0
    r = np.round(a)
    if not exact:
        return np.clip(r, 0, 255).astype(np.uint8).transpose(0, 2, 3, 1)
    if np.abs(a - r).max() > 1e-6 or r.min() < 0 or r.max() > 255:
        raise ValueError("model output is not a uint8 image on the 1/256 grid")
    return r.astype(np.uint8).transpose(0, 2, 3, 1)


class PairBank:
    """All training images as (LR, HR) uint8 pairs, with random aligned crops and dihedral augmentation."""

    def __init__(self, folders: list[Path], scale: int, min_hr: int = 64):
        self.scale = scale
        self.pairs = []
        self._fit: dict[int, list[int]] = {}
        for f in folders:
            for p in list_images(f):
                hr = load_rgb(p, allow_gray=True)
                if min(hr.shape[:2]) >= min_hr:
                    self.pairs.append(make_pair(hr, scale))
        if not self.pairs:
            raise FileNotFoundError(f"no usable training images in {folders}")

    def fitting(self, lr_patch: int) -> list[int]:
        """Indices of the pairs whose LR image holds an ``lr_patch`` square crop."""
        if lr_patch not in self._fit:
            self._fit[lr_patch] = [i for i, (lr, _) in enumerate(self.pairs) if min(lr.shape[:2]) >= lr_patch]
            if not self._fit[lr_patch]:
                raise ValueError(f"no training image is large enough for an LR patch of {lr_patch} pixels")
        return self._fit[lr_patch]

    def draw(self, rng: np.random.Generator, n: int, lr_patch: int) -> np.ndarray:
        """(n, 4) int64 rows (image index, LR top, LR left, dihedral k) of ``n`` random aligned crops."""
        fit = self.fitting(lr_patch)
        out = np.empty((n, 4), np.int64)
        for j in range(n):
            i = fit[rng.integers(len(fit))]
            lr = self.pairs[i][0]
            out[j] = (i, rng.integers(lr.shape[0] - lr_patch + 1), rng.integers(lr.shape[1] - lr_patch + 1),
                      rng.integers(8))
        return out

    def batch(self, rng: np.random.Generator, n: int, lr_patch: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` aligned random crops (LR ``lr_patch`` square) from the images large enough to hold one, each
        turned by its dihedral k: bit 0 flips left-right, bit 1 up-down, bit 2 transposes (in that order)."""
        s = self.scale
        lrs, hrs = [], []
        for i, y, x, k in self.draw(rng, n, lr_patch):
            lr, hr = self.pairs[i]
            a = lr[y:y + lr_patch, x:x + lr_patch]
            b = hr[y * s:(y + lr_patch) * s, x * s:(x + lr_patch) * s]
            if k & 1:
                a, b = a[:, ::-1], b[:, ::-1]
            if k & 2:
                a, b = a[::-1], b[::-1]
            if k & 4:
                a, b = a.transpose(1, 0, 2), b.transpose(1, 0, 2)
            lrs.append(a)
            hrs.append(b)
        return np.stack(lrs), np.stack(hrs)

    def tensors(self, rng: np.random.Generator, n: int, lr_patch: int, device=None):
        """``batch`` as the model's float NCHW tensors (``to_tensor``) on ``device``."""
        lr, hr = self.batch(rng, n, lr_patch)
        return to_tensor(lr).to(device), to_tensor(hr).to(device)


class DeviceBank:
    """A PairBank's images held on a torch device (uint8, zero-padded to the largest), cropped and turned there.

    ``tensors`` gives exactly ``PairBank.tensors`` for the same generator state (the same draws, one gather per
    batch instead of a host-side loop, copy and conversion of every crop): on a GPU, where those host copies
    held a training step up, the crops cost a few kernels.
    """

    def __init__(self, bank: PairBank, device):
        import torch

        self.bank, self.device, s = bank, torch.device(device), bank.scale
        h = max(lr.shape[0] for lr, _ in bank.pairs)
        w = max(lr.shape[1] for lr, _ in bank.pairs)
        lrs = np.zeros((len(bank.pairs), h, w, 3), np.uint8)
        hrs = np.zeros((len(bank.pairs), h * s, w * s, 3), np.uint8)
        for i, (lr, hr) in enumerate(bank.pairs):
            lrs[i, :lr.shape[0], :lr.shape[1]] = lr
            hrs[i, :hr.shape[0], :hr.shape[1]] = hr
        self.lr = torch.from_numpy(lrs).to(self.device)
        self.hr = torch.from_numpy(hrs).to(self.device)

    def tensors(self, rng: np.random.Generator, n: int, lr_patch: int, device=None):
        import torch

        d = torch.from_numpy(self.bank.draw(rng, n, lr_patch)).to(self.device)
        s = self.bank.scale
        return self._crop(self.lr, d, lr_patch, 1), self._crop(self.hr, d, lr_patch * s, s)

    @staticmethod
    def _crop(images, d, p: int, s: int):
        """Crops ``p`` square at (top, left) * ``s`` of ``images[index]``, turned as ``PairBank.batch`` turns them."""
        import torch

        n = d.shape[0]
        index, top, left, k = (v.view(n, 1, 1) for v in d.unbind(1))
        ar = torch.arange(p, device=d.device)
        r, c = ar.view(1, p, 1).expand(n, p, p), ar.view(1, 1, p).expand(n, p, p)
        t = (k & 4).bool()
        r, c = torch.where(t, c, r), torch.where(t, r, c)  # out[i, j] = turned[j, i]
        r = torch.where((k & 2).bool(), p - 1 - r, r)
        c = torch.where((k & 1).bool(), p - 1 - c, c)
        out = images[index, top * s + r, left * s + c]  # (n, p, p, 3)
        return out.permute(0, 3, 1, 2).contiguous().float() / 256.0
