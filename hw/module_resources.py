"""Yosys xc7 resource figure of every core at the parameters it has in a built design.

    python -m hw.module_resources [--target pynq-z2]

Reads ``build/<target>/design.json`` (from ``make hls``) and synthesises each distinct core instance
(conv_layer per layer, the skip-path cores) on its own, and the spatial_map inside each Single-Spatial layer
(``<layer>.attention``; Both-Spatial-Spatial also ``<layer>.skip_attention``); writes
``build/<target>/module_resources.json``.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from hw.numerics import parse_verilog_hex
from hw.synth import synth_xc7

REPO = Path(__file__).resolve().parents[1]


def instances(top_v: str) -> list[tuple[str, str, dict[str, str]]]:
    """(module, instance, parameters) of every instance in a generated top."""
    out = []
    for m in re.finditer(r"^(\w+) #\((.*?)\) (\w+) \(", top_v, re.S | re.M):
        params = dict(re.findall(r"\.(\w+)\(([^()]*)\)", m.group(2)))
        out.append((m.group(1), m.group(3), params))
    return out


def chparam_values(params: dict[str, str], dim_bits: str, max_w: str) -> dict[str, str]:
    """An instance's parameters as Yosys ``chparam -set`` takes them: the top's localparams substituted, integer
    expressions evaluated, and a concatenation of hex literals (hw.numerics.verilog_hex: a value too wide for one
    Verilator literal) joined into one (chparam takes one constant per parameter; Yosys has no width limit)."""
    out = {}
    for k, v in params.items():
        v = v.replace("DIM_BITS", dim_bits).replace("MAX_W", max_w)
        if re.fullmatch(r"[0-9*+ ()-]+", v):
            v = str(eval(v))
        elif v.startswith("{"):
            v = "{1}'h{0:x}".format(*parse_verilog_hex(v))
        out[k] = v
    return out


def spatial_map_params(conv: dict[str, str], prefix: str = "SM_") -> dict[str, str]:
    """The parameters conv_layer.v gives its spatial_map instance (``SM2_``: the skip map's, beside the first),
    from the conv_layer's: a binary layer's window beat is {centre tap, 9*C_IN sign bits}."""
    p = {k[len(prefix):]: v for k, v in conv.items() if k.startswith(prefix)}
    p.update(C=conv["C_IN"], EW=conv["EW"], MAP_WIDTH=conv.get("RQ_MAP_WIDTH", "8"),
             PASS_WIDTH=str(9 * int(conv["C_IN"])))
    return p


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--target", default="pynq-z2")
    a = ap.parse_args(argv)
    build = REPO / "build" / a.target
    rtl = build / "rtl"
    top = (rtl / "sr_top.v").read_text()
    srcs = sorted(p for p in rtl.glob("*.v") if p.name != "sr_top.v")
    dim_bits = re.search(r"DIM_BITS = (\d+)", top).group(1)
    max_w = re.search(r"MAX_W = (\d+);", top).group(1)
    report = {}
    for module, inst, params in instances(top):
        params = chparam_values(params, dim_bits, max_w)
        r = synth_xc7(srcs, module, build / "module_synth" / inst, params)
        report[inst] = {"module": module, "resources": r["resources"]}
        print(f"{inst:16s} {module:18s} {json.dumps(r['resources'])}", flush=True)
        for flag, suffix, prefix in (("RQ_HAS_MAP", "attention", "SM_"), ("RQ_HAS_SKIP_MAP", "skip_attention", "SM2_")):
            if module == "conv_layer" and params.get(flag) == "1":
                sub = f"{inst}.{suffix}"
                r = synth_xc7(srcs, "spatial_map", build / "module_synth" / sub, spatial_map_params(params, prefix))
                report[sub] = {"module": "spatial_map", "resources": r["resources"]}
                print(f"{sub:16s} {'spatial_map':18s} {json.dumps(r['resources'])}", flush=True)
    out = build / "module_resources.json"
    out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
