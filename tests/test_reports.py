"""Report rendering: quality and Table 1 Markdown from their JSON."""
import pytest

from model.paper_table1 import BICUBIC_X2, PAPER_TABLE1
from model.report import markdown
from model.table1 import TABLE1_ORDER, render


def test_paper_table_transcribed():
    assert PAPER_TABLE1["Both-Spatial-SE"]["set5"] == {"psnr": 37.68, "ssim": 0.976}
    assert PAPER_TABLE1["EDSR"]["gflops"] == 45.1 and len(PAPER_TABLE1) == 25
    assert BICUBIC_X2 == {"set5": 33.66, "set14": 30.24, "b100": 29.56, "urban100": 26.88}


def test_every_table1_row_is_a_registered_block():
    from model.arch import BLOCKS

    assert len(TABLE1_ORDER) == 25 and all(n in BLOCKS for n in TABLE1_ORDER)
    assert {n for n in PAPER_TABLE1 if n != "EDSR"} <= set(TABLE1_ORDER)


def test_quality_markdown_has_reference_rows():
    q = {"bicubic": {"set5": {"psnr": 33.68, "ssim": 0.93}}, "default": {"set5": {"psnr": 35.7, "ssim": 0.95}}}
    md = markdown(q, {"default": {"block": "Base", "description": "x"}}, ["set5"])
    assert "| default | Base | 35.70 / 0.9500 |" in md and "| _published_ |  | 33.66 |" in md
    assert "37.61 / 0.975" in md


def test_table1_render():
    r = {"block": "Base", "seed": 0, "ops": {"gflops": 0.1},
         "float": {"set5": {"psnr": 35.0, "ssim": 0.9}}, "quantised": {"set5": {"psnr": 34.5, "ssim": 0.9}}}
    md = render([r], ["set5"], "tiny")
    assert "| Base | 0 | 6.93 / 5.97 | 35.00 / 34.50 | 37.61 |" in md


def test_table1_seed_summary():
    """Variants with several seeds get mean and range of quantised PSNR (best mean first); one seed gets none."""
    def run(block, seed, q):
        return {"block": block, "seed": seed, "float": {"set5": {"psnr": q, "ssim": 0.9}},
                "quantised": {"set5": {"psnr": q, "ssim": 0.9}}}
    md = render([run("Base", 0, 35.0), run("Base", 1, 35.4), run("BBCU", 0, 35.6), run("BBCU", 2, 35.5),
                 run("FP", 0, 36.0)], ["set5"], "tiny")
    assert "| BBCU | 0, 2 | 35.55 | 35.50-35.60 |\n| Base | 0, 1 | 35.20 | 35.00-35.40 |" in md
    assert "| FP | 0 |" in md and "| FP | 0 | 36.00" not in md.split("several seeds")[1]
    assert "several seeds" not in render([run("Base", 0, 35.0)], ["set5"], "tiny")


def test_report_model_spec():
    from pathlib import Path

    from model.report import parse_spec
    assert parse_spec("default=a/b.pt") == ("default", Path("a/b.pt"), None, False)
    assert parse_spec("default_float=a/b.pt:float") == ("default_float", Path("a/b.pt"), False, False)
    assert parse_spec("q=c.pt:quant") == ("q", Path("c.pt"), True, False)
    assert parse_spec("default_x8=a/b.pt:x8") == ("default_x8", Path("a/b.pt"), None, True)
    assert parse_spec("f8=a/b.pt:float:x8") == ("f8", Path("a/b.pt"), False, True)
    with pytest.raises(ValueError, match="NAME=CHECKPOINT"):
        parse_spec("a/b.pt")


def test_table1_rerender_from_stored_runs(tmp_path):
    import json

    from model.table1 import rerender
    r = {"block": "Base", "seed": 0, "budget": "tiny", "ops": {},
         "float": {"set14": {"psnr": 31.0, "ssim": 0.9}, "set5": {"psnr": 35.0, "ssim": 0.9}},
         "quantised": {"set14": {"psnr": 30.5, "ssim": 0.9}, "set5": {"psnr": 34.5, "ssim": 0.9}}}
    (tmp_path / "table1.json").write_text(json.dumps([r]))
    md = rerender(tmp_path / "table1.json").read_text()
    assert md.startswith("Budget per variant: tiny.") and "| 35.00 / 34.50 | 31.00 / 30.50 | 37.61 | 33.09 |" in md
