"""The built teacher's guide (book/teaching.md): its exercises are on the page, the blind-coding exercise shows the
editable cell and an alpha this test recomputes from data/ with the krippendorff library, the answers name
speakers, and the chapter is in the complete PDF, not in the report's."""

from __future__ import annotations

import csv
import re
import subprocess
from collections import Counter

import krippendorff
import yaml
from bs4 import BeautifulSoup

from cjreport.project import PDF_NAME, REPORT_PDF_NAME
from tests.book.test_pdf import ROOT

DATA = ROOT / "data"


def _rows(name: str) -> dict[tuple[str, str], str]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return {(r["question"], r["source"]): r["stance"] for r in csv.DictReader(f)}


def _page(html_dir) -> BeautifulSoup:
    return BeautifulSoup((html_dir / "book" / "teaching.html").read_text(encoding="utf-8"), "html.parser")


def _words(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())


def test_the_chapter_shows_its_exercises(html_dir):
    soup = _page(html_dir)
    headings = [" ".join(h.get_text(" ").split()) for h in soup.select("article h2")]
    for start in ("Learning objectives", "Exercise 1: code two questions blind", "Exercise 2: whose words",
                  "Exercise 3: the standing", "The “For discussion” questions"):
        assert any(start in h for h in headings), (start, headings)
    code = " ".join(c.get_text() for c in soup.select("div.cell_input"))
    assert "my_codes = exercise.blank()" in code and "exercise.check(my_codes)" in code
    for table in ("table-teaching-differences", "table-teaching-whose-words", "table-teaching-standing"):
        assert soup.find(id=table) is not None, table


def test_the_exercise_shows_the_alpha_recomputed_from_the_data(html_dir):
    """The built book has no student codes: the exercise compares the first coding with the final codes on the
    questions its rule picks (most sources on which first and second codings differ; the codebook's order breaks
    ties), and prints Krippendorff's alpha for them."""
    first, second, final = _rows("coding-first.csv"), _rows("coding-second.csv"), _rows("coding.csv")
    codebook = yaml.safe_load((DATA / "codebook.yaml").read_text(encoding="utf-8"))
    order = [q["id"] for t in codebook["themes"] for q in t["questions"]]
    differ = Counter(q for (q, s), st in first.items() if st != second[(q, s)])
    chosen = sorted(order, key=lambda q: (-differ[q], order.index(q)))[:2]
    cells = [c for c in final if c[0] in chosen]
    scale = [s["id"] for s in codebook["stances"]]
    alpha = krippendorff.alpha(reliability_data=[[scale.index(first[c]) for c in cells],
                                                 [scale.index(final[c]) for c in cells]],
                               level_of_measurement="nominal", value_domain=range(len(scale)))
    text = _words(_page(html_dir))
    labels = {q["id"]: q["label"] for t in codebook["themes"] for q in t["questions"]}
    assert f"Question 1: {labels[chosen[0]]}" in text and f"Question 2: {labels[chosen[1]]}" in text
    assert "this is a demonstration" in text
    shown = f"{alpha:.2f}".replace("-", "\u2212")
    assert re.search(rf"Krippendorff’s alpha, nominal, on the \w+ stances: {re.escape(shown)} \(95% interval", text), shown
    rows = _page(html_dir).find(id="table-teaching-differences").select("tbody tr")
    assert len(rows) == sum(first[c] != final[c] for c in cells)


def test_the_answers_name_every_reported_speaker(html_dir):
    quotes = yaml.safe_load((DATA / "quotations.yaml").read_text(encoding="utf-8"))
    others = [q for q in quotes if q["voice"] != "author"]
    soup = _page(html_dir)
    assert len(soup.find(id="table-teaching-whose-words").select("tbody tr")) == len(others)
    text = _words(soup)
    assert all(" ".join(q["speaker"].split()) in text for q in others)


def test_the_chapter_is_in_the_complete_book_only():
    def text(name: str) -> str:
        return subprocess.run(["pdftotext", str(ROOT / "_build" / name), "-"], capture_output=True, text=True,
                              check=True).stdout

    assert "Teaching with this book" in text(PDF_NAME)
    assert "Teaching with this book" not in text(REPORT_PDF_NAME)
