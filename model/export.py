"""Export the quantised model to QONNX (the hardware specification) and compute golden outputs.

``export_qonnx(..., dynamo=False, opset_version=13)``: torch >= 2.9 exports with dynamo by default,
which rewrites pooling and loses the Brevitas custom-op symbolics.  The exported graph is cleaned with
qonnx (shape inference, constant folding, unique readable names) before anything else reads it.

Golden = the PyTorch/Brevitas model in eval mode, evaluated in float64 so that no sum can round.
"""
from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
import torch

from model.arch import BinarySRNet, load_checkpoint
from model.data import to_tensor, to_u8


def export_model(model: BinarySRNet, path: Path, height: int = 16, width: int = 16) -> Path:
    """Write the cleaned QONNX graph of ``model`` for a 1x3xHxW input to ``path``."""
    from brevitas.export import export_qonnx
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.util.cleanup import cleanup_model

    model = model.float().eval()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    x = torch.zeros(1, 3, height, width)
    model.set_export_mode(True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            export_qonnx(model, x, export_path=str(path), dynamo=False, opset_version=13)
    finally:
        model.set_export_mode(False)
    cleaned = cleanup_model(ModelWrapper(str(path)))
    cleaned.save(str(path))
    return path


@torch.no_grad()
def golden(model: BinarySRNet, lr_u8: np.ndarray) -> np.ndarray:
    """PyTorch reference output (uint8 (N, 2H, 2W, 3)) for uint8 (N, H, W, 3) or (H, W, 3) input, in float64.

    The quantised model's output must lie on the uint8 grid (checked); a float model's is rounded.
    """
    model.eval().double()
    dev = next(model.parameters()).device  # the model's device (CPU, or a GPU during training)
    try:
        return to_u8(model(to_tensor(lr_u8).double().to(dev)), exact=model.cfg.quant)
    finally:
        model.float()


def qonnx_execute(onnx_path: Path, lr_u8: np.ndarray) -> np.ndarray:
    """Run the QONNX graph with qonnx's executor on a uint8 (H, W, 3) image; uint8 (1, 2H, 2W, 3) out."""
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.core.onnx_exec import execute_onnx

    m = ModelWrapper(str(onnx_path))
    x = to_tensor(lr_u8).numpy()
    iname = m.graph.input[0].name
    ishape = tuple(m.get_tensor_shape(iname))
    if ishape != x.shape:
        raise ValueError(f"{onnx_path} was exported for input {ishape}, got {x.shape}")
    out = execute_onnx(m, {iname: x})[m.graph.output[0].name]
    return to_u8(torch.from_numpy(np.asarray(out)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--checkpoint", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--size", type=int, nargs=2, default=(16, 16), metavar=("H", "W"))
    a = ap.parse_args(argv)
    model, _ = load_checkpoint(a.checkpoint)
    print(export_model(model, a.out, *a.size))


if __name__ == "__main__":
    main()
