"""The report PDF, the report on its own (cjreport/project.py REPORT_PDF_NAME): what it holds, where its links
out of it lead, and that it is as accessible as the complete book.

It holds the introduction, the chapters of the first part of _toc.yml and the reference pages its prose cites
(REPORT_REFERENCE_PAGES), and nothing else. A link to a page it leaves out opens the complete book at that page:
the test reads each link's words off the report's page (poppler's word boxes inside the link's quadrilaterals)
and finds them on the page of the complete book the link opens; where the report prints "(complete book, p. N)"
after a link, N is that page's printed number (its page label)."""

from __future__ import annotations

import functools
import re
import subprocess
import xml.etree.ElementTree as ET

import pikepdf
import pytest
import yaml

from cjreport.project import PDF_NAME, REPORT_LEAVES_OUT, REPORT_PDF_NAME, REPORT_REFERENCE_PAGES
from tests.book.test_pdf import PDF, ROOT, _prose, squash

REPORT = ROOT / "_build" / REPORT_PDF_NAME
SUFFIX = re.compile(r"^\(complete book, p\. (\w+)\)")


def _title(docname: str) -> str:
    heading = next(line for line in _prose(docname).splitlines() if line.startswith("# "))
    return heading[2:].strip()


def _toc() -> tuple[list[str], list[str]]:
    """The chapters the report holds and the ones it leaves out, in _toc.yml's order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    parts = [[chapter["file"] for chapter in part["chapters"]] for part in toc["parts"]]
    rest = [name for part in parts[1:] for name in part]
    return parts[0] + [n for n in rest if n in REPORT_REFERENCE_PAGES], [n for n in rest if n not in REPORT_REFERENCE_PAGES]


@pytest.fixture(scope="module")
def report_pages() -> list[str]:
    if not REPORT.exists():
        pytest.fail("the report PDF is not built: run `make book` first (README, Quick start)")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(REPORT), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def _words(pdf) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words, in reading order, with their boxes in PDF space (origin bottom left)."""
    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = []
    for page in ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", out).replace('xmlns="http://www.w3.org/1999/xhtml"', "")).iter("page"):
        height = float(page.get("height"))
        pages.append([(float(w.get("xMin")), height - float(w.get("yMax")), float(w.get("xMax")),
                       height - float(w.get("yMin")), w.text or "") for w in page.iter("word")])
    return pages


def _inside(word, quads) -> bool:
    x = (word[0] + word[2]) / 2
    y = (word[1] + word[3]) / 2
    for quad in quads:
        xs, ys = quad[0::2], quad[1::2]
        if min(xs) - 1 <= x <= max(xs) + 1 and min(ys) - 1 <= y <= max(ys) + 1:
            return True
    return False


@pytest.fixture(scope="module")
def links_out():
    """Every link of the report into the complete book: (report page, complete page, its words, the words after)."""
    if not REPORT.exists():
        pytest.fail("the report PDF is not built: run `make book` first (README, Quick start)")
    words = _words(REPORT)
    found = []
    with pikepdf.open(REPORT) as pdf:
        for number, page in enumerate(pdf.pages):
            for annot in page.get("/Annots", []):
                uri = str(annot.get("/A", {}).get("/URI", ""))
                if not uri.startswith(PDF_NAME):
                    continue
                raw = [float(v) for v in annot.get("/QuadPoints", annot.Rect)]
                quads = [raw[i:i + 8] for i in range(0, len(raw), 8)] if len(raw) >= 8 else [
                    [raw[0], raw[1], raw[2], raw[1], raw[2], raw[3], raw[0], raw[3]]]
                index = [i for i, w in enumerate(words[number]) if _inside(w, quads)]
                text = " ".join(words[number][i][4] for i in index)
                after = " ".join(w[4] for w in words[number][index[-1] + 1:index[-1] + 5]) if index else ""
                found.append((number + 1, uri, text, after))
    return found


def test_the_report_holds_its_part_and_the_reference_pages_and_nothing_else(report_pages):
    held, left_out = _toc()
    outline = ET.fromstring(subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", str(REPORT)], capture_output=True,
                                           check=True).stdout)
    items = [re.sub(r"^\d+(\.\d+)*\s+", "", "".join(i.itertext()).strip()) for i in outline.iter("item")]
    for name in held:
        assert any(squash(_title(name)) == squash(item) for item in items), name
    for name in left_out:
        assert not any(squash(_title(name)) == squash(item) for item in items), f"{name} is in the report"
    complete = len(pikepdf.open(PDF).pages)
    assert len(report_pages) < complete * 0.5, (len(report_pages), complete)


def test_the_report_keeps_the_introductions_sections_but_the_citation_records():
    """The introduction's sections are the report's front matter (what the texts are, how they were coded, the
    key findings), all but those REPORT_LEAVES_OUT names; the complete book keeps every one."""
    def bookmarks(pdf):
        outline = ET.fromstring(subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", str(pdf)], capture_output=True,
                                               check=True).stdout)
        return {squash("".join(i.itertext()).strip()) for i in outline.iter("item")}

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    sections = [line[3:].strip() for line in _prose(toc["root"]).splitlines() if line.startswith("## ")]
    slug = lambda title: re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    left_out = [t for t in sections if slug(t) in REPORT_LEAVES_OUT]
    assert len(left_out) == len(REPORT_LEAVES_OUT), (sections, REPORT_LEAVES_OUT)
    report, complete = bookmarks(REPORT), bookmarks(PDF)
    for title in sections:
        assert squash(title) in complete, title
        assert (squash(title) in report) == (title not in left_out), title


def test_every_link_out_of_the_report_opens_the_complete_book_where_its_words_are(links_out):
    complete_words = [" ".join(w[4] for w in page) for page in _words(PDF)]
    assert len(links_out) >= 20, len(links_out)  # the report cites the quotations' full texts and the method
    wrong = []
    for page, uri, text, after in links_out:
        target = int(re.fullmatch(rf"{re.escape(PDF_NAME)}#page=(\d+)", uri).group(1))
        assert 1 <= target <= len(complete_words), uri
        # A quotation's link in a table reads "Roy (Q4): …“words”…": the full text there marks it "[Q4]" and holds
        # its words. A reading's reads "Roy: …“words”…" or is its words in quotation marks, and the full text holds
        # the words; the speaker under a displayed quotation, or a reading's citation of words its sentence
        # quotes, names no words.
        # Any other link's words are the title of its target.
        number = re.search(r"\bQ(\d+)\b", text)
        quoted = re.findall(r"“([^”]+)”", text)
        if number:
            probes = [f"[Q{number.group(1)}]"] + quoted
        elif _quoted_words(text):  # a reading's quoted words, linked to where they stand in the full text
            probes = [_quoted_words(text)]
        elif quoted:  # a reading's citation: speaker and the words that carry the passage
            probes = quoted
        elif _speaker(text):
            probes = []
        else:
            probes = [text.strip(" ()[],.;:")]
        # a title or quotation may run over onto the next page
        there = squash(" ".join(complete_words[target - 1:target + 1]))
        if any(squash(probe) not in there for probe in probes):
            wrong.append((page, uri, text))
    assert not wrong, wrong[:5]


def _speaker(text: str) -> bool:
    """Whether a link's words are the speaker under a displayed quotation (present.speaker_line), or the part of
    one on one line, which links to the passage in the complete book's appendix."""
    words = squash(text.strip().rstrip("(").strip(" (),.;:"))
    if not words or re.search(r"\bQ\d+\b|“", text):
        return False
    # a part of a line long enough not to be a mere name that other links start with ("Japanese", "CIIS")
    return words in _speakers() or len(words) >= 15 and any(
        line.startswith(words) or line.endswith(words) for line in _speakers())


@functools.cache
def _speakers() -> frozenset[str]:
    from cjreport import load
    from cjreport.views import readings
    from cjreport.views.present import speaker_line

    evidence = load()
    # the line under a displayed quotation, and a reading's citation of words its sentence quotes ("(Zhang)")
    return frozenset(squash(line(q, evidence)) for q in evidence.quotations.values()
                     for line in (speaker_line, readings._speaker))


def _quoted_words(text: str) -> str | None:
    """The words of a link that is a quotation's own words in curly quotation marks (a reading links them to the
    passage), without the marks; None for any other link."""
    match = re.fullmatch(r"\s*\(?“(.+)”[\s.,;:)]*", text, re.S)  # the words a link covers may carry a parenthesis
    return match.group(1).strip(" ,.;:") if match else None


def test_a_link_to_a_section_prints_the_complete_books_page_number(links_out):
    with pikepdf.open(PDF) as pdf:
        labels = [page.label for page in pdf.pages]
    printed = [(page, uri, text, after) for page, uri, text, after in links_out if SUFFIX.match(after)]
    assert len(printed) >= 5, printed  # the report points to the method, the sources and the appendix
    for page, uri, text, after in printed:
        target = int(uri.rsplit("=", 1)[1])
        assert SUFFIX.match(after).group(1) == labels[target - 1], (page, text, after)
    # every link but a quotation's (its Q number or its words are its printed reference) prints the page, the first
    # time its chapter links that target; a later link there to the same target prints none (a 28th reading)
    starts = _chapter_starts()
    chapter = lambda page: max(i for i, start in enumerate(starts) if start <= page)
    seen, bare = set(), []
    for page, uri, text, after in links_out:
        if re.search(r"\bQ\d+\b|“", text) or _speaker(text):
            continue
        key = (chapter(page), uri)
        if SUFFIX.match(after):
            assert key not in seen, ("the page printed twice in one chapter", page, text)
            seen.add(key)
        elif key not in seen:
            bare.append((page, text))
    assert not bare, bare[:5]


def _chapter_starts() -> list[int]:
    """The report's pages on which a chapter (the introduction, a chapter of the report, a reference page)
    begins, from its bookmarks."""
    held, _ = _toc()
    titles = {squash("Introduction")} | {squash(_title(name)) for name in held}
    outline = ET.fromstring(subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", str(REPORT)], capture_output=True,
                                           check=True).stdout)
    starts = sorted({int(i.get("page")) for i in outline.iter("item")
                     if squash(re.sub(r"^\d+(\.\d+)*\s+", "", "".join(i.itertext()).strip())) in titles})
    assert len(starts) >= len(held), starts
    return [0] + starts


def test_the_title_page_says_what_the_report_holds_and_names_the_complete_book(report_pages):
    first = squash(report_pages[0])
    assert squash("The report") in first and squash(PDF_NAME) in first
    info = subprocess.run(["pdfinfo", str(REPORT)], capture_output=True, text=True, check=True).stdout
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert re.search(rf"^Title:\s+{re.escape(config['title'])}: the report$", info, re.MULTILINE), info


def test_the_report_passes_pdf_ua_1():
    import page

    report = page.validate_pdf(str(REPORT), profile="ua1")
    assert report.rules.failed == 0 and report.rules.passed == report.rules.total, str(report)
    assert report.rules.total >= 100, report.rules


def test_the_report_keeps_its_bibliography_entries_once(report_pages):
    """sphinxcontrib-bibtex's citation nodes are shared by the two documents: each entry is printed once."""
    start = min(i for i, page in enumerate(report_pages) if i > 1 and squash(_title("book/bibliography")) in squash(page))
    # labels are author and year, "[Walt 1987]", "[CTOL Digital n.d.-a]" (cjreport/data/bib.py)
    labels = re.findall(r"^\s*\[([^\]\n]+? (?:\d{4}|n\.d\.)(?:-?[a-z])?)\]", "\n".join(report_pages[start:]), re.M)
    assert len(labels) >= 10 and len(labels) == len(set(labels)), labels


def _bibliography_labels(pdf) -> tuple[str, list[str]]:
    """A PDF's text before its bibliography, and the labels its bibliography prints ("Kyodo News 2022")."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # without each page's number and running head, so that a citation across a page break reads whole
    pages = [re.sub(r"\n+\d+\s*$", "", page) for page in text.split("\f")]
    text = "\n".join(re.sub(r"^\d+(?:\.\d+)* [^\n]*\n", "", page) for page in pages)
    body, _, entries = text.partition("The sources of the corpus, and the other works the book cites")
    assert entries, f"{pdf.name}: no bibliography"
    labels = re.findall(r"\[([^\[\]]+? (?:\d{4}|n\.d\.)(?:-[a-z])?)\] ", " ".join(entries.split()))
    return " ".join(body.split()).replace("’", "'"), labels


def _author_year(label: str) -> tuple[str, str]:
    """A label's author and year as the chapters cite them ("MGIMO University", "n.d." for "… n.d.-a")."""
    author, year = label.replace("’", "'").rsplit(" ", 1)
    # a label broken at its hyphen over two lines reads "Indo- Pacific" once its lines are joined
    return " ".join(author.split()).replace("- ", "-"), re.sub(r"-[a-z]$", "", year)


def test_every_work_the_report_cites_is_in_its_bibliography():
    """A 44th reading found five works the report cites in the plain "Author, Year" form missing from its
    bibliography: two cited across a line break or beside a linked name ("China.org.cn, 2011"), three whose
    label carries a letter ("MGIMO University n.d.-a"). Each work of the complete book's bibliography that the
    report's text cites is in the report's."""
    body, labels = _bibliography_labels(REPORT)
    _, complete = _bibliography_labels(PDF)
    flat = body.replace("-", "")
    cited = [label for label in complete
             if "{}, {}".format(*_author_year(label)).replace("-", "") in flat]
    assert len(cited) >= 20, cited
    missing = [label for label in cited if label not in labels]
    assert not missing, missing


def test_the_reports_bibliography_lists_only_works_the_report_cites():
    """A 42nd reading found some twenty entries cited only in the complete book printed in the report's
    bibliography (cjreport/sphinx_ext/typst_pdf.py drop_uncited_entries). Each entry the report prints is cited in
    its text, as "Author, Year" or "Author (Year)"; the complete book prints more."""
    body, labels = _bibliography_labels(REPORT)
    _, complete = _bibliography_labels(PDF)
    assert labels and len(labels) < len(complete), (len(labels), len(complete))
    uncited = []
    for label in labels:
        author, year = _author_year(label)
        # pdftotext drops a hyphen at a line's end ("Atanassova-" / "Cornelis"): compare without hyphens
        author, flat = " ".join(author.split()).replace("-", ""), body.replace("-", "")
        if f"{author}, {year}" not in flat and f"{author} ({year})" not in flat:
            uncited.append(label)
    assert not uncited, uncited
