"""The public edition as built (`make book-public`, in _build/public): no paragraph of a source that the book does
not quote appears verbatim in any HTML page, in the PDF's text or in any download (zip archives opened); every
quotation still appears; and the local edition (_build) still has the texts in full.

Texts are compared with all white space removed and folded (cjreport.data.quotations.fold), so a line break in
the PDF or a no-break space cannot hide a paragraph. Paragraphs are counted from data/, never typed. Two kinds of
withheld paragraph are left out of the search, and counted: those whose words are the source's own record, shown
as metadata everywhere (a title that is also the photo caption), and those under MIN_CHARS characters ("3 Comments",
"Join the Conversation"), which would be found in any page by chance.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from cjreport.data import excerpts
from cjreport.data.quotations import fold
from cjreport.project import PDF_NAME, REPORT_PDF_NAME
from tests.conftest import ROOT

PUBLIC = ROOT / "_build" / "public"
LOCAL = ROOT / "_build"
MIN_CHARS = 25


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", fold(text)).replace("\\", "")


def _html_text(path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for marker in soup.select(".cj-marker"):  # the appendix's (Q12) markers, which the source does not have
        marker.decompose()
    return soup.get_text(" ")


def _pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"-\n", "", done.stdout)  # a word hyphenated at a line end


def _download_texts(downloads: Path) -> dict[str, str]:
    """Every download as text; zip archives (.qdpx, .whl) member by member."""
    out = {}
    for path in sorted(p for p in downloads.rglob("*") if p.is_file()):
        rel = path.relative_to(downloads).as_posix()
        if path.suffix in (".qdpx", ".whl", ".zip"):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    out[f"{rel}!{name}"] = archive.read(name).decode("utf-8", "replace")
        elif path.suffix not in (".png", ".gz"):
            out[rel] = path.read_text(encoding="utf-8", errors="replace")
    return out


@pytest.fixture(scope="module")
def public_html() -> Path:
    if not (PUBLIC / "html" / "book" / "appendix.html").exists():
        pytest.fail("the public edition is not built: run `make book-public` first (README)")
    return PUBLIC / "html"


def _paragraphs(evidence, kind: str) -> list[tuple[str, str]]:
    """(source id, text) of every paragraph inside a part of a source: 'withheld' (no quotation touches it),
    'quoted', or 'all'."""
    out = []
    for sid, source in evidence.sources.items():
        quotes = list(evidence.quotes_for(source=sid))
        chosen = {"withheld": excerpts.withheld, "quoted": excerpts.quoted}.get(kind)
        spans = chosen(source.text, quotes) if chosen else excerpts.paragraphs(source.text)
        for start, end in spans:
            if any(p.start <= start + len(source.text[start:end]) - len(source.text[start:end].lstrip()) < p.end
                   for p in source.parts):
                out.append((sid, source.text[start:end].strip()))
    return out


def _searched(evidence) -> list[tuple[str, str]]:
    record = {sid: _flat(" ".join([s.title, s.author, s.affiliation, s.outlet, s.date_basis, s.reliability]))
              for sid, s in evidence.sources.items()}
    return [(sid, text) for sid, text in _paragraphs(evidence, "withheld")
            if len(_flat(text)) >= MIN_CHARS and _flat(text) not in record[sid]]


def _leaks(evidence, haystacks: dict[str, str]) -> list[str]:
    flat = {name: _flat(text) for name, text in haystacks.items()}
    return [f"{sid}: “{text[:60]}” in {name}" for sid, text in _searched(evidence)
            for name, hay in flat.items() if _flat(text) in hay]


def test_the_search_covers_every_withheld_body_paragraph(evidence):
    """The exceptions (the source's record, very short lines) are all page furniture, never the article."""
    searched = set(_searched(evidence))
    body = []
    for sid, source in evidence.sources.items():
        for start, end in excerpts.withheld(source.text, evidence.quotes_for(source=sid)):
            line = source.text[start:end]
            first = start + len(line) - len(line.lstrip())
            if any(p.kind == "body" and p.start <= first < p.end for p in source.parts):
                body.append((sid, line.strip()))
    assert body and set(body) <= searched, sorted(set(body) - searched)[:5]


def test_no_withheld_paragraph_in_any_public_page(evidence, public_html):
    pages = {p.relative_to(public_html).as_posix(): _html_text(p) for p in public_html.rglob("*.html")}
    assert not (leaks := _leaks(evidence, pages)), leaks[:5]


def test_no_withheld_paragraph_in_the_public_pdfs(evidence):
    texts = {name: _pdf_text(PUBLIC / name) for name in (PDF_NAME, REPORT_PDF_NAME)}
    assert not (leaks := _leaks(evidence, texts)), leaks[:5]


def test_no_withheld_paragraph_in_any_public_download(evidence, public_html):
    texts = _download_texts(public_html / "downloads")
    assert any(name.endswith(".whl!cjreport/_project/EDITION") for name in texts), "the wheel is the public edition's"
    assert not (leaks := _leaks(evidence, texts)), leaks[:5]


def test_every_quotation_still_appears_in_the_public_appendix_and_pdf(evidence, public_html):
    page = _flat(_html_text(public_html / "book" / "appendix.html"))
    pdf = _flat(_pdf_text(PUBLIC / "china-japan-security.pdf"))
    missing = [q.id for q in evidence.quotations.values() if _flat(q.text) not in page]
    assert not missing, missing
    assert not [q.id for q in evidence.quotations.values() if _flat(q.text) not in pdf]
    assert "publicedition" in _flat(_html_text(public_html / "book" / "colophon.html")).lower()


def test_the_local_edition_has_every_text_in_full(evidence, html_dir):
    page = _flat(_html_text(html_dir / "book" / "appendix.html"))
    missing = [f"{sid}: {text[:50]}" for sid, text in _paragraphs(evidence, "all") if _flat(text) not in page]
    assert not missing, missing[:5]
    for source in evidence.sources.values():
        assert (html_dir / "downloads" / "texts" / source.file).read_bytes() == \
            (evidence.data_dir / "texts" / source.file).read_bytes()
    assert "localedition" in _flat(_html_text(html_dir / "book" / "colophon.html")).lower()
