"""A book built with a sixth, hostile source (tests/fixturebook.py), in HTML and PDF.

Hostile text renders as text in both outputs; the new source appears in every table, chart and index
with no code change; after a change in data/ the next build shows it (never stale).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from cjreport.audit import broken_links, external_resources, unverified_quotations
from cjreport.data.quotations import fold

from tests import fixturebook as fx

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _build(data: Path, out: Path, pdf: bool) -> subprocess.CompletedProcess:
    env = {**os.environ, "CJREPORT_DATA": str(data)}
    root = data.parent  # the book copied beside the data (fixture_book)
    cmd = [sys.executable, "-m", "cjreport.build", "--root", str(root), "--out", str(out)] + (["--pdf"] if pdf else [])
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result


@pytest.fixture(scope="module")
def fixture_book(tmp_path_factory):
    base = tmp_path_factory.mktemp("fixture")
    data = fx.make(base / "data")
    # The book beside it, with what a maintainer writes for a new source: the count in CITATION.cff (as scaffold
    # writes it) and the source's line in the prose that names every source.
    fx.copy_book(base)
    from cjreport.data.citation import update_cff_count

    update_cff_count(data)
    fx.mention(base, "Fixture", "is a test fixture of hostile text.")
    out = base / "_build"
    _build(data, out, pdf=True)
    yield data, out


def _count(data: Path) -> str:
    """The number of sources in `data`, as titles and prose write it (no test hard-codes the corpus's size)."""
    from cjreport import load
    from cjreport.data.citation import count_words

    return count_words(len(load(data).sources))


def _page(out: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((out / "html" / "book" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def test_hostile_html_is_text(fixture_book):
    data, out = fixture_book
    for name in ("appendix", "quotation-index", "sources"):
        soup = _page(out, name)
        article = soup.find("article")
        text = article.get_text("")
        assert not article.find("img", onerror=True) and not article.find("iframe")
        for script in article.find_all("script"):
            assert "alert(" not in (script.string or "") or script.get("type") == "application/json"
        if name == "appendix":
            for piece in ('<script>alert("boom")</script>', '<img src=x onerror="alert(1)">', "{ref}`intro`",
                          "{{ secret }}", ":::{note}", "```{danger}```", "**not bold**", "50% & more", "#1 _priority_",
                          r"\textbf{bold}", "$x$", "\\\\ backslash", "\u202ereversed\u202c", "e\u0301", "\ufb01ne", "中文",
                          '<iframe src="https://evil.example/"></iframe>', "segment399 end of the long line"):
                assert piece in text, piece
    assert "<script>alert('reliability')</script>" in _page(out, "sources").find("article").get_text("")


def test_hostile_book_is_still_whole(fixture_book):
    data, out = fixture_book
    texts = [p.read_text(encoding="utf-8") for p in sorted((data / "texts").glob("*.txt"))]
    assert unverified_quotations(out / "html", texts) == []
    assert broken_links(out / "html") == []
    assert external_resources(out / "html") == []


def test_sixth_source_everywhere(fixture_book):
    data, out = fixture_book
    name = "Fixture"  # readers see the short name; the id stays a link target
    profiles = _page(out, "sources").find("table", id="table-source-profiles").get_text(" ")
    assert "Mallory Fixture" in profiles and f"{_count(data)} sources" in profiles
    assert name in _page(out, "tables").find("table", class_="cj-stances").get_text(" ")
    index = _page(out, "quotation-index").find("table", class_="cj-datatable")  # ids are anchors, never shown
    assert any(a["href"].endswith(f"#q{fx.SID}-script") for a in index.find_all("a", href=True))
    assert _page(out, "appendix").find(id=f"source-{fx.SID}") is not None
    for chapter in ("synthesis", "tables", "framing", "sources"):
        for spec in _page(out, chapter).select("script.cj-chart-spec"):
            assert name in json.dumps(json.loads(spec.string), ensure_ascii=False), chapter


def test_hostile_pdf_is_text(fixture_book):
    data, out = fixture_book
    pdf = out / "china-japan-security.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    squashed = re.sub(r"[\s\u00ad-]+", "", text)
    for piece in ('<script>alert("boom")</script>', "{{secret}}", "50%&more", r"\textbf{bold}", "$x$", "{braces},~tilde,^caret",
                  "中文", "αβγ", "segment399endofthelongline"):
        assert re.sub(r"[\s-]+", "", piece) in squashed, piece
    # no glyph is missing: Typst refuses, under PDF/UA-1, to write a character its fonts cannot draw, so the
    # build would have failed (cjreport/sphinx_ext/typst_pdf.py)


def test_data_change_shows_on_next_build(fixture_book):
    data, out = fixture_book
    quotes = yaml.safe_load((data / "quotations.yaml").read_text(encoding="utf-8"))
    target = next(q for q in quotes if q["id"] == f"q{fx.SID}-markup")
    target["speaker"] = "Mallory Renamed"
    (data / "quotations.yaml").write_text(yaml.safe_dump(quotes, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    _build(data, out, pdf=False)
    text = fold(_page(out, "quotation-index").get_text(" "))
    assert "Mallory Renamed" in text


def test_titles_count_the_sources(fixture_book):
    """The count in _config.yml's title comes from the data (one more than data/ has) in the HTML and on the PDF's
    title page."""
    data, out = fixture_book
    six = f"{_count(data)} sources"
    assert six in _page(out, "intro").find("title").get_text()
    pdf = out / "china-japan-security.pdf"
    first = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert six in " ".join(first.split())
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert six in info


def test_a_changed_script_or_style_sheet_reaches_every_page(fixture_book):
    """Pages link the book's style sheet (every page) and chart script (pages with a chart) with a checksum
    (cjreport.css?v=…). A changed file must change that link on every page that has it, or a browser that
    cached the old file keeps it; Sphinx writes again only the pages it judges changed, so the build reads
    every page again when one of these files changes."""
    data, out = fixture_book
    static = data.parent / "book" / "_static"
    names = ("cjreport.css", "cjreport-charts.js")
    link = re.compile(r'(cjreport\.css|cjreport-charts\.js)\?v=([0-9a-f]+)"')

    def checksums() -> dict[tuple[str, str], str]:
        pages = sorted((out / "html" / "book").glob("*.html"))
        return {(page.name, name): v for page in pages for name, v in link.findall(page.read_text(encoding="utf-8"))}

    before = checksums()
    for name in names:
        path = static / name
        path.write_text(path.read_text(encoding="utf-8") + "\n/* changed by the test */\n", encoding="utf-8")
    _build(data, out, pdf=False)
    after = checksums()
    stale = [key for key, v in after.items() if before.get(key) == v]
    assert {name for _, name in after} == set(names), after  # the chart pages link the script, every page the sheet
    assert sum(name == "cjreport.css" for _, name in after) > 5 and not stale, stale


def test_a_new_table_of_contents_reaches_every_page(fixture_book):
    """Reordering _toc.yml changes every page's sidebar and chapter numbers. Sphinx writes again only the pages it
    judges changed, so an unchanged chapter kept its old sidebar until the build read every page again on a new
    table of contents. (Last in this module: it leaves the fixture's chapters in another order.)"""
    data, out = fixture_book
    root = data.parent
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    chapters = next(part for part in toc["parts"] if part.get("numbered"))["chapters"]
    chapters[0], chapters[1] = chapters[1], chapters[0]
    (root / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    _build(data, out, pdf=False)
    first = Path(chapters[0]["file"]).name
    pages = sorted((out / "html" / "book").glob("*.html"))
    stale = []
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        numbered = [a.get_text(" ", strip=True) for a in soup.select(f'a.reference.internal[href="{first}.html"]')]
        if numbered and not any(text.startswith("1.") for text in numbered):
            stale.append((page.name, numbered[0]))
    assert len(pages) > 5 and not stale, stale
