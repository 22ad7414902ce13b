"""The PDF as an accessible publication (issue 20): PDF/UA-1 by an offline checker, and its structure tree as a
screen reader gets it: language, title, headings for the parts and chapters, tables with header cells, one figure
with alternative text per chart, Chinese passages in their own language.

The structure tree is read with pikepdf; the counts it is compared with come from the book's sources (_toc.yml,
the chapters' headings) and from the built HTML edition, never from literals."""

from __future__ import annotations

import re
from collections import Counter

import pikepdf
import pytest
import yaml
from bs4 import BeautifulSoup

from cjreport.views import cjk
from cjreport.audit import pages as html_pages
from tests.book.test_pdf import PDF, ROOT, _part_captions, _prose


@pytest.fixture(scope="module")
def pdf():
    if not PDF.exists():
        pytest.fail("the PDF is not built: run `make book` first (README, Quick start)")
    with pikepdf.open(PDF) as document:
        yield document


def structure(pdf) -> list[tuple[str, pikepdf.Dictionary, int]]:
    """Every structure element (type after the role map, the element, its depth), in reading order."""
    roles = {str(k).lstrip("/"): str(v).lstrip("/") for k, v in (pdf.Root.StructTreeRoot.get("/RoleMap") or {}).items()}
    out = []

    def walk(node, depth):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid, depth)
            return
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            return
        kind = str(node.S).lstrip("/")
        out.append((roles.get(kind, kind), node, depth))
        if "/K" in node:
            walk(node.K, depth + 1)

    walk(pdf.Root.StructTreeRoot.K, 0)
    return out


def text_of(pdf, element) -> str:
    """An element's /ActualText or /Alt, else the text of its kids that carry /ActualText (empty otherwise)."""
    for key in ("/ActualText", "/Alt"):
        if key in element:
            return str(element[key])
    return ""


def test_pdf_ua_1_passes_every_rule():
    import page

    report = page.validate_pdf(str(PDF), profile="ua1")
    assert report.rules.failed == 0 and report.rules.passed == report.rules.total, str(report)
    assert report.rules.total >= 100, report.rules  # the checker ran its whole rule set


def test_document_language_title_and_ua_identifier(pdf):
    assert str(pdf.Root.Lang) == "en"
    assert bool(pdf.Root.MarkInfo.Marked)
    assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)  # the viewer shows the title, not the file name
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    with pdf.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1"
        assert meta.get("dc:title") == config["title"]


def _chapters() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]


def test_headings_for_parts_chapters_and_sections(pdf):
    """Level 1: the contents, the introduction and each part; level 2: each chapter and the introduction's
    sections; level 3: the chapters' sections (## in their Markdown)."""
    kinds = Counter(kind for kind, _, _ in structure(pdf))
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    intro_sections = sum(line.startswith("## ") for line in _prose(toc["root"]).splitlines())
    chapter_sections = sum(line.startswith("## ") for name in _chapters() for line in _prose(name).splitlines())
    assert kinds["H1"] == 2 + len(_part_captions()), kinds
    assert kinds["H2"] == len(_chapters()) + intro_sections, kinds
    assert kinds["H3"] == chapter_sections, kinds


def _html_tables(html_dir) -> int:
    """The HTML edition's tables, the downloads page's counted once: it gives each group of files a table of
    its own, which the PDF prints as one table (cjreport/exports.py Downloads.markdown). A chart whose data
    the book prints in another table (data-printed-in, cjreport/views/charts.py) has its data table on
    screen only: the PDF says where that table is instead (tests/book/test_pdf.py)."""
    count = 0
    for page in html_pages(html_dir):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        count += len(soup.select("table:not(.cj-downloads)")) + bool(soup.select("table.cj-downloads"))
        count -= len(soup.select(".cj-chart[data-printed-in] + details table.cj-chart-data"))
    return count


def test_every_table_is_a_table_with_header_cells(pdf, html_dir):
    """Each table of the HTML edition (the charts' data tables included) is a Table in the PDF, and each
    Table's first row is header cells (TH)."""
    elements = structure(pdf)
    tables = [(i, depth) for i, (kind, _, depth) in enumerate(elements) if kind == "Table"]
    assert len(tables) == _html_tables(html_dir)
    for i, depth in tables:
        inside = []
        for kind, _, d in elements[i + 1:]:
            if d <= depth:
                break
            inside.append(kind)
        first_row = inside[inside.index("TR") + 1:] if "TR" in inside else []
        first_row = first_row[: first_row.index("TR")] if "TR" in first_row else first_row
        assert "TH" in first_row and "TD" not in first_row, (i, inside[:12])


def test_one_figure_with_its_alt_text_per_chart(pdf, html_dir):
    """Each chart of the HTML edition is a Figure whose /Alt is the chart's own alternative text (what it
    shows, not a file name), and the PDF holds no bitmap: the charts are vector drawings."""
    wanted = Counter(chart["aria-label"] for page in html_pages(html_dir)
                     for chart in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select(".cj-chart"))
    figures = Counter(str(element.Alt) for kind, element, _ in structure(pdf) if kind == "Figure" and "/Alt" in element)
    assert sum(wanted.values()) >= 5 and figures == wanted, (wanted, figures)
    images = [image for page in pdf.pages for image in page.get_images()]
    assert not images, images


def _marked_languages(page) -> Counter:
    """The languages of a page's marked content (Typst sets /Lang on the Span around text in another language)."""
    found = Counter()
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC" and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary) \
                and "/Lang" in operands[1]:
            found[str(operands[1].Lang)] += 1
    return found


def test_chinese_passages_carry_their_language(pdf):
    """On every page, each run of Chinese or Japanese characters pdftotext reads there (its language told by
    cjreport/views/cjk.py) is matched by marked content in that language, as Typst writes it (language-region)."""
    import subprocess

    as_typst = {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "zh": "zh", "ja": "ja"}
    checked, missing = 0, []
    for number, page in enumerate(pdf.pages, 1):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number), str(PDF), "-"],
                              capture_output=True, text=True, check=True).stdout
        # a run broken across two lines (a line may end between two ideographs) is one run
        text = re.sub(r"(?<=[\u3400-\u9fff])\n(?=[\u3400-\u9fff])", "", text)
        wanted = Counter(as_typst[language.tag] for _, language in cjk.runs(text) if language is not None)
        if not wanted:
            continue
        checked += 1
        marked = _marked_languages(page)
        missing += [(number, tag, n, marked[tag]) for tag, n in wanted.items() if marked[tag] < n]
    assert checked, "no CJK passage in the PDF to check"
    assert not missing, f"(page, language, runs, marked): {missing}"
