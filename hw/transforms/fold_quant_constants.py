"""FoldQuantConstants: execute Quant/BipolarQuant nodes whose inputs are all constants."""
from __future__ import annotations

import numpy as np
from qonnx.core.modelwrapper import ModelWrapper
from qonnx.custom_op.general.quant import quant as qonnx_quant
from qonnx.transformation.base import Transformation


def node_attr(node, name, default=None):
    """A string or int attribute of an ONNX node."""
    for a in node.attribute:
        if a.name == name:
            return a.s.decode() if a.type == a.STRING else a.i
    return default


class FoldQuantConstants(Transformation):
    """Replace ``Quant(const)`` / ``BipolarQuant(const)`` by its (exactly representable) value.

    The integer form is recovered later from the values themselves (``hw.frontend.to_fixed``): every
    folded constant is an integer times a power of two.
    """

    def apply(self, model: ModelWrapper):
        for node in model.graph.node:
            if node.op_type not in ("Quant", "BipolarQuant"):
                continue
            ins = [model.get_initializer(i) for i in node.input]
            if any(v is None for v in ins):
                continue
            x, scale = np.asarray(ins[0], dtype=np.float64), np.asarray(ins[1], dtype=np.float64)
            if node.op_type == "BipolarQuant":
                val = np.where(x >= 0, 1.0, -1.0) * scale
            else:
                zp, bw = np.asarray(ins[2], dtype=np.float64), np.asarray(ins[3], dtype=np.float64)
                if np.any(zp != 0):
                    raise ValueError(f"{node.name}: a non-zero zero point is not supported")
                val = qonnx_quant(x, scale, zp, bw, int(node_attr(node, "signed", 1)),
                                  int(node_attr(node, "narrow", 0)), node_attr(node, "rounding_mode", "ROUND"))
            model.set_initializer(node.output[0], np.asarray(val, dtype=np.float32))
            model.graph.node.remove(node)
            return model, True
        return model, False
