"""Verilog generation: fill the thin templates in hw/templates with a design's parameters.

The cores in hw/rtl are placeholder-free; only the top level and the per-layer instance are templates,
filled by the one substitution function :func:`fill`.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from hw.design import Design

TEMPLATES = Path(__file__).resolve().parent / "templates"
RTL = Path(__file__).resolve().parent / "rtl"
CORES = ["stream_fifo", "stream_broadcast", "sliding_window", "mvu", "rhe_shift", "requant", "spatial_map", "conv_layer",
         "bilinear_upsample", "skip_add", "pixel_shuffle"]
_PLACEHOLDER = re.compile(r"\$([A-Z_][A-Z0-9_]*)\$")


def fill(template: str, values: dict[str, object]) -> str:
    """Replace every ``$NAME$``; raise on a placeholder without a value or a value without a placeholder."""
    used = set(_PLACEHOLDER.findall(template))
    missing, unknown = used - set(values), set(values) - used
    if missing or unknown:
        raise KeyError(f"template placeholders missing values: {sorted(missing)}; unused values: {sorted(unknown)}")
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)


def _param_list(params: dict[str, str], indent: str = "    ") -> str:
    return ",\n".join(f"{indent}.{k}({v})" for k, v in params.items())


def dim_bits(design: Design) -> int:
    return max(design.max_width, design.max_height).bit_length() + 1


def generate_top(design: Design, module: str = "sr_top", source: str = "QONNX") -> str:
    inst_t = (TEMPLATES / "conv_layer_instance.v").read_text()
    blocks, prev = [], "l0"
    for layer in design.layers:
        params = {**layer.verilog_params(), "MAX_W": str(design.max_width), "DIM_BITS": "DIM_BITS",
                  "LB_BEATS": str(layer.line_buffer_beats(design.max_width))}
        desc = (f"{'XNOR-popcount' if layer.binary else 'multi-bit'} conv {layer.c_in}->{layer.c_out}, "
                f"PE={layer.pe} SIMD={layer.simd}, {layer.cycles_per_pixel()} cycles/pixel")
        blocks.append(fill(inst_t, {"NAME": layer.name, "DESCRIPTION": desc, "PARAMS": _param_list(params),
                                    "OUT_BITS": layer.c_out * layer.out_width, "IN": prev}))
        prev = layer.name
    sa = {k: str(v) for k, v in design.output.skip_add.verilog_params().items()}
    return fill((TEMPLATES / "sr_top.v").read_text(), {
        "MODULE": module, "SOURCE": source, "DIM_BITS": dim_bits(design), "MAX_W": design.max_width,
        "FIFO_DEPTH": design.skip_fifo_depth(), "SHUFFLE_FIFO_DEPTH": design.shuffle_fifo_depth(), "LAYERS": "".join(blocks), "LAST": prev,
        "LAYER_LIST": " -> ".join(layer.name for layer in design.layers) + " -> output",
        "SKIP_ADD_PARAMS": ", ".join(f".{k}({v})" for k, v in sa.items()),
    })


def write_rtl(design: Design, out_dir: Path, module: str = "sr_top", source: str = "QONNX") -> list[Path]:
    """Write the generated top and copies of the cores to ``out_dir``; return the source list (top last)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    srcs = []
    for core in CORES:
        dst = out_dir / f"{core}.v"
        shutil.copyfile(RTL / f"{core}.v", dst)
        srcs.append(dst)
    top = out_dir / f"{module}.v"
    top.write_text(generate_top(design, module, source))
    srcs.append(top)
    return srcs
