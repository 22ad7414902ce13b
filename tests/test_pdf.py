"""The PDF edition: every chapter and quotation in it, no missing glyph, no wide overfull box, every chart an image."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from cjreport.audit import pages
from cjreport.sphinx_ext import PDF_NAME

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "_build" / PDF_NAME
LOG = ROOT / "_build" / "work" / "_build" / "latex" / PDF_NAME.replace(".pdf", ".log")
MAX_OVERFULL_PT = 20.0


def squash(text: str) -> str:
    """Drop white space, hyphens and soft hyphens: LaTeX breaks and hyphenates lines, pdftotext keeps the breaks."""
    return re.sub(r"[\s\u00ad\-‐]+", "", text)


@pytest.fixture(scope="module")
def pdf_text() -> str:
    if not PDF.exists():
        pytest.fail("the PDF is not built: run `make book` first (README, Quick start)")
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(PDF), "-"], capture_output=True, text=True, check=True).stdout


def _chapter_titles() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    titles = []
    for name in files:
        heading = next(line for line in (ROOT / f"{name}.md").read_text(encoding="utf-8").splitlines() if line.startswith("# "))
        titles.append(heading[2:].strip())
    return titles


def test_every_chapter_title_is_in_the_pdf(pdf_text):
    for title in _chapter_titles():
        assert squash(title) in squash(pdf_text), title


def test_contents_with_page_numbers(pdf_text):
    assert "CONTENTS" in pdf_text[:5000].upper()
    assert re.search(r"Taiwan\s*\.*\s*\d+", pdf_text[:8000]), "no page number after a chapter in the contents"


def test_every_quotation_is_in_the_pdf(pdf_text, evidence):
    flat = squash(pdf_text)
    missing = [q.id for q in evidence.quotations.values() if squash(q.text) not in flat]
    assert not missing


def test_no_code_in_the_pdf(pdf_text):
    for marker in ("from cjreport", "present.", "evidence = load()", "alt.Chart(", "<IPython"):
        assert marker not in pdf_text, marker


def test_latex_log_has_no_missing_glyph_or_wide_overfull_box():
    log = LOG.read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log
    widths = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert not [w for w in widths if w > MAX_OVERFULL_PT], sorted(widths)[-5:]


def test_cjk_header_of_source_001_is_typeset(pdf_text):
    assert "简体" in pdf_text and "繁體" in pdf_text


def test_one_image_per_chart(html_dir):
    charts = sum(len(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").select(".cj-chart")) for p in pages(html_dir))
    listing = subprocess.run(["pdfimages", "-list", str(PDF)], capture_output=True, text=True, check=True).stdout
    images = [line for line in listing.splitlines()[2:] if line.split()[2] == "image"]
    assert charts >= 5 and len(images) == charts, (charts, len(images))
