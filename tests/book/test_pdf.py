"""The PDF edition, read as a reader of the printed report would: every chapter and quotation in it, a title
page and contents, no blank page, no page that is only a chart, no instruction that only works on screen,
no text outside the page or drawn over other text, chart text at least 7 pt on the A4 page, every chart's data
printed, the chronology in full, metadata, bookmarks and links.

The pages are read with poppler: pdftotext for the text, pdftohtml -xml for fonts, sizes, links and outline.
The PDF is made by Typst (cjreport/sphinx_ext/typst_pdf.py); its structure tree and PDF/UA-1 are tested in
tests/test_pdf_tags.py."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import jupytext
import pytest
import yaml
from bs4 import BeautifulSoup

from cjreport.audit import pages as html_pages
from cjreport.project import PDF_NAME

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "_build" / PDF_NAME
TEMPLATE = ROOT / "book" / "_typst" / "cjreport.typ"
MIN_CHART_TEXT_PT = 7.0
MAX_PAGES = 150  # the book runs to about 140 pages (the teaching chapter added 7); a layout fault (a page per table row, blank pages) adds far more
WEB_ONLY = ("hover", "click", "drag", "type in the search box", "pick a theme", "scroll to zoom", "tap ")
CHART_FONT = "DejaVuSans"  # the charts' print font (cjreport/charts.py PRINT_FONT): the text of the charts, and nothing else
# Typst's contents: dot leaders with spaces between the dots, and a word joiner before the page number
LEADER = r"[\s.\u2060]*"


def is_chart_font(family: str) -> bool:
    """pdftohtml's family ("ABCDEF+DejaVuSans", "…+DejaVuSans-Bold"): the chart font, not its Mono cousin."""
    name = family.split("+", 1)[-1]
    return name == CHART_FONT or name.startswith(CHART_FONT + "-")


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
        heading = next(line for line in _prose(name).splitlines() if line.startswith("# "))
        titles.append(heading[2:].strip())
    # the introduction's heading takes the count of sources from its code ({eval}`sources_in_words`)
    from cjreport import load
    from cjreport.wording import count_words

    n = count_words(len(load().sources))
    return [re.sub(r"\{eval\}`sources_in_words`", n, title) for title in titles]


def test_every_chapter_title_is_in_the_pdf(pdf_text):
    for title in _chapter_titles():
        assert squash(title) in squash(pdf_text), title


def test_contents_with_page_numbers(pdf_text):
    assert "CONTENTS" in pdf_text[:5000].upper()
    assert re.search(r"Taiwan" + LEADER + r"\d+", pdf_text[:8000]), "no page number after a chapter in the contents"


# --- Page by page ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages() -> list[str]:
    if not PDF.exists():
        pytest.fail("the PDF is not built: run `make book` first (README, Quick start)")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(PDF), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@pytest.fixture(scope="module")
def layout():
    """pdftohtml's XML: per page its text pieces with font family and size (zoomed, so sizes are finer than
    whole points), the links and the outline (bookmarks)."""
    import xml.etree.ElementTree as ET

    out = subprocess.run(["pdftohtml", "-xml", "-i", "-zoom", "4", "-stdout", str(PDF)], capture_output=True,
                         check=True).stdout
    return ET.fromstring(out)


def _part_captions() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [part["caption"] for part in toc["parts"]]


def _prose(name: str) -> str:
    """A page's Markdown without its code cells (a chapter may compute its title's count before the title)."""
    text = (ROOT / f"{name}.md").read_text(encoding="utf-8")
    if "```{code-cell}" not in text:
        return text
    return "\n\n".join(c.source for c in jupytext.reads(text, fmt="md:myst").cells if c.cell_type == "markdown")


def _intro_page(pages: list[str]) -> int:
    first = " ".join(_prose("book/intro").split("# ", 1)[1].split("\n\n")[1].split()[:8])
    hits = [i for i, page in enumerate(pages) if squash(first) in squash(page)]
    assert hits, "the introduction's first sentence is not in the PDF"
    return hits[0]


def test_page_count(pages):
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True,
                                                              check=True).stdout).group(1))
    assert count == len(pages)
    assert 30 <= count <= MAX_PAGES, count


def test_no_blank_pages(pages):
    """Every page carries text; the only short pages are the part titles (the parts of the HTML book)."""
    captions = {squash(c) for c in _part_captions()}
    short = []
    for number, page in enumerate(pages, 1):
        words = [line.strip() for line in page.splitlines() if line.strip() and not line.strip().isdigit()]
        if len(squash(" ".join(words))) >= 200:
            continue
        if len(words) == 1 and squash(words[0]) in captions:
            continue
        short.append((number, words))
    assert not short, short


def _pieces(layout) -> list[tuple[float, list[tuple[float, float, str, bool]]]]:
    """Per page: its height, and its text pieces as (top, bottom, words, drawn in a chart's font), top down."""
    fonts = {f.get("id"): f.get("family") for f in layout.iter("fontspec")}
    out = []
    for page in layout.iter("page"):
        pieces = [(float(t.get("top")), float(t.get("top")) + float(t.get("height")), "".join(t.itertext()).strip(),
                   is_chart_font(fonts[t.get("font")])) for t in page.iter("text")]
        out.append((float(page.get("height")), sorted((p for p in pieces if p[2]), key=lambda p: p[0])))
    return out


def test_no_page_holds_only_a_small_chart(layout):
    """A chart shares its page with the book's text, unless it is a full-page figure: a chart too tall to share
    its page (it spans at least half the page) may stand alone with its caption; a small one may not."""
    alone = []
    for number, (height, pieces) in enumerate(_pieces(layout), 1):
        chart = [(top, bottom) for top, bottom, _, charted in pieces if charted]
        body = sum(len(words) for top, _, words, charted in pieces
                   if not charted and 0.08 * height < top < 0.9 * height and not words.startswith("Fig."))
        span = max(b for _, b in chart) - min(t for t, _ in chart) if chart else 0
        if chart and body < 150 and span < 0.5 * height:
            alone.append((number, body, round(span / height, 2)))
    assert not alone, f"pages holding only a small chart (page, characters of text, share of the page): {alone}"


def test_no_chart_leaves_half_a_page_blank_before_it(layout):
    """A chart that would not fit below the text goes to the next page and leaves the rest of this one blank
    (figures are placed where the text puts them, `figure_align: H`). Only a full-page chart (at least 60% of a
    page) may do so; a smaller one must be printed small enough to fit, as the stance matrix is."""
    pages = _pieces(layout)
    gaps = []
    for number, ((height, before), (_, after)) in enumerate(zip(pages, pages[1:]), 1):
        filled = max((bottom for top, bottom, _, _ in before if top < 0.9 * height), default=0) / height
        following = [p for p in after if 0.08 * height < p[0] < 0.9 * height]
        if filled >= 0.55 or not following or not following[0][3]:
            continue
        tall = (max(bottom for _, bottom, _, charted in following if charted) - following[0][0]) / height
        if tall < 0.6:
            gaps.append((number, round(filled, 2), round(tall, 2)))
    assert not gaps, f"pages left part blank before a chart that is not full-page (page, share filled, chart share): {gaps}"


def test_position_card_titles_stand_on_their_own_line(pages, evidence):
    """Each position card's title (source and stance) is a line of its own, above the words it rests on."""
    from collections import Counter

    from cjreport.views.present import position_title

    wanted = Counter(position_title(qid, sid, evidence)
                     for (qid, sid), code in evidence.coding.items() if code.stance != "not_addressed")
    lines = Counter(line.strip() for page in pages for line in page.splitlines())
    short = {title: (lines[title], n) for title, n in wanted.items() if lines[title] < n}
    assert not short, f"card titles not on a line of their own (title: lines found, cards): {short}"


def test_introduction_has_its_heading_on_its_first_page(pages):
    page = pages[_intro_page(pages)]
    assert re.search(r"^\s*INTRODUCTION\s*$", page, re.MULTILINE | re.IGNORECASE), page[:400]


def test_contents_running_head_only_on_contents_pages(pages):
    intro = _intro_page(pages)
    marked = [i + 1 for i, page in enumerate(pages) if i >= intro
              and re.search(r"^\s*CONTENTS\s*$", page, re.MULTILINE | re.IGNORECASE)]
    assert not marked, f"pages outside the contents headed Contents: {marked}"


def test_each_chapter_once_in_contents(pages):
    """Each chapter has one line in the contents (the introduction too); no second Bibliography, no Index."""
    lines = [re.sub(LEADER + r"\d+$", "", line).strip() for page in pages[1: _intro_page(pages)]
             for line in page.splitlines() if re.search(r"\d+\s*$", line)]
    entries = [re.sub(r"^(\d+(\.\d+)*)\s+", "", line) for line in lines]
    titles = ["Introduction"] + _chapter_titles()[1:]
    counts = {title: sum(squash(entry) == squash(title) for entry in entries) for title in titles}
    assert all(n == 1 for n in counts.values()), counts
    assert not [e for e in entries if e in ("Index", "Bibliography")] or counts.get("Bibliography") == 1
    assert "Index" not in entries, "an index in the contents"


def test_no_web_only_instruction(pdf_text):
    lowered = re.sub(r"\s+", " ", pdf_text.lower())
    found = {phrase: lowered.count(phrase) for phrase in WEB_ONLY if phrase in lowered}
    assert not found, found


def test_chart_text_is_at_least_7pt(layout):
    """Chart text is vector text in vl-convert's font: its size on the page, after LaTeX fitted the chart to
    the text block, is what pdftohtml reports (tenths of a point at zoom 10)."""
    # pdftohtml's sizes are in its own unit: calibrate on a line of body text (the introduction's first),
    # which is set at the template's point size.
    body_pt = float(re.search(r"set text\(font: \(body-font,\), size: ([\d.]+)pt", TEMPLATE.read_text(encoding="utf-8")).group(1))
    fonts = {f.get("id"): (f.get("family"), float(f.get("size"))) for f in layout.iter("fontspec")}
    intro = next(t for t in layout.iter("text") if "".join(t.itertext()).startswith("This book compares"))
    unit = fonts[intro.get("font")][1] / body_pt
    used = {t.get("font") for t in layout.iter("text") if is_chart_font(fonts[t.get("font")][0])}
    assert len(used) >= 2, "no chart text found: the charts are not vector text in the PDF"
    smallest = min(fonts[f][1] for f in used) / unit
    assert smallest >= MIN_CHART_TEXT_PT, f"smallest chart text {smallest:.1f} pt"


def test_source_002_keeps_its_straight_quotes(pdf_text, evidence):
    straight = [q for q in evidence.quotations.values() if q.source == "002" and '"' in q.text]
    assert straight, "no quotation of 002 with straight quotes to check"
    flat = re.sub(r"\s+", "", pdf_text)
    for q in straight:
        assert re.sub(r"\s+", "", q.text) in flat or squash(q.text) in squash(pdf_text), q.id
        curly = q.text.replace('"', "\u201c")
        assert squash(curly) not in squash(pdf_text), q.id


def test_metadata(pdf_text):
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True).stdout
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    fields = dict(re.findall(r"^(\w+):\s+(.*)$", info, re.MULTILINE))
    assert fields.get("Title") == config["title"]
    assert fields.get("Author") == config["author"]
    assert fields.get("Subject") and fields.get("Keywords"), fields


def test_title_page_names_edition_and_citation(pages):
    first = squash(pages[0])
    assert "Edition" in pages[0] and "Howtocite" in first
    from cjreport import edition  # the edition's version (CITATION.cff) and its licence, on the title page

    assert f"Edition{edition.version()}of" in first and "CCBY4.0" in first
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert commit and commit in first or "unversioned" in first


def test_bookmarks_for_parts_chapters_and_sections(layout):
    items = ["".join(i.itertext()).strip() for i in layout.iter("item")]
    section = next(line[3:].strip() for line in (ROOT / "book" / "alliance.md").read_text(encoding="utf-8").splitlines()
                   if line.startswith("## "))
    # Typst's bookmarks carry the chapter and section numbers the headings show ("3 The US–Japan alliance …")
    items = [re.sub(r"^\d+(\.\d+)*\s+", "", item) for item in items]
    for title in _part_captions() + _chapter_titles()[1:] + ["Introduction", section]:
        assert any(squash(title) == squash(item) for item in items), title


def test_quotation_links_lead_into_the_appendix(layout):
    outline = [(int(i.get("page")), "".join(i.itertext()).strip()) for i in layout.iter("item") if i.get("page")]
    chapters = sorted({p for p, t in outline if t in _chapter_titles()})
    # the appendix of the full texts (book/appendix.md), not the appendix of tables before it
    appendix = next(line for line in _prose("book/appendix").splitlines() if line.startswith("# "))[2:].strip()
    start = next(p for p, t in outline if t == appendix)
    end = min(p for p in chapters if p > start)
    # the speaker under a displayed quotation, "— Roy (2024)", links to the passage (present.attribution): the first
    # link of a line that starts with the dash
    targets = [int(a.get("href").rsplit("#", 1)[1]) for line in layout.iter("text")
               if "".join(line.itertext()).startswith("— ") and (a := line.find("a")) is not None
               and "#" in a.get("href", "")]
    assert len(targets) >= 20, len(targets)
    outside = [t for t in targets if not start <= t < end]
    assert not outside, outside


def test_every_quotation_is_in_the_pdf(pdf_text, evidence):
    flat = squash(pdf_text)
    missing = [q.id for q in evidence.quotations.values() if squash(q.text) not in flat]
    assert not missing


def test_no_code_in_the_pdf(pdf_text):
    for marker in ("from cjreport", "present.", "evidence = load()", "alt.Chart(", "<IPython"):
        assert marker not in pdf_text, marker


def test_no_text_outside_the_page_or_drawn_over_other_text(layout):
    """Every piece of text lies on its page, and no two pieces are drawn over each other (a word too long for
    its table column runs into the next one; Typst, unlike LaTeX, writes no log of overfull lines)."""
    outside, over = [], []
    for page in layout.iter("page"):
        width, height = float(page.get("width")), float(page.get("height"))
        boxes = [(float(t.get("left")), float(t.get("top")), float(t.get("width")), float(t.get("height")),
                  "".join(t.itertext()).strip()) for t in page.iter("text")]
        boxes = [b for b in boxes if b[4]]
        for x, y, w, h, words in boxes:
            if x < 0 or y < 0 or x + w > width or y + h > height:
                outside.append((page.get("number"), words[:40]))
        for i, (x, y, w, h, words) in enumerate(boxes):
            for x2, y2, w2, h2, words2 in boxes[i + 1:]:
                dx, dy = min(x + w, x2 + w2) - max(x, x2), min(y + h, y2 + h2) - max(y, y2)
                # pdftohtml's boxes of neighbouring pieces of a justified line may overlap by up to 0.75 pt;
                # overlapping by more than a point across (zoom 4) and half a line down is text drawn over text
                if dx > 4 and dy > 0.5 * min(h, h2):
                    over.append((page.get("number"), words[:30], words2[:30]))
    assert not outside, outside[:10]
    assert not over, over[:10]


def test_cjk_header_of_source_001_is_typeset(pdf_text):
    assert "简体" in pdf_text and "繁體" in pdf_text


def test_every_chart_is_vector_and_its_data_printed(html_dir, pdf_text):
    """Every chart of the HTML book is in the PDF as a vector drawing (no bitmap in the file), and the table the
    HTML offers as "the data behind this chart" is printed under it (its structure: tests/test_pdf_tags.py)."""
    charts = sum(len(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").select(".cj-chart")) for p in html_pages(html_dir))
    listing = subprocess.run(["pdfimages", "-list", str(PDF)], capture_output=True, text=True, check=True).stdout
    bitmaps = [line for line in listing.splitlines()[2:] if line.split()[2] == "image"]
    # a chart in a numbered chapter is Fig. 8.1; one in the Reference part (the chronology) is Fig. 1
    printed = re.findall(r"The data behind Fig\. \d+(?:\.\d+)?", pdf_text)
    assert charts >= 5 and len(printed) == charts, (charts, printed)
    assert not bitmaps, bitmaps


def test_a_chart_whose_data_is_printed_elsewhere_says_where(html_dir, pdf_text):
    """The stance matrix's data is the appendix's table of every stance in words: the PDF prints, under the
    chart, where that table is (cjreport/views/charts.py data_printed_in) instead of the same stances again,
    and the section it names is in the PDF, under the heading the pointer quotes."""
    flat = squash(pdf_text)
    pointers = [chart["data-printed-in"] for page in html_pages(html_dir)
                for chart in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select(".cj-chart[data-printed-in]")]
    assert pointers
    for pointer in pointers:
        assert squash(pointer) in flat, pointer
        heading = re.search(r"“(.+?)”", pointer).group(1)
        # the pointer, and the heading of the section it names
        assert flat.count(squash(heading)) >= 2, heading


def test_chronology_in_full_with_inferred_dates_marked(evidence):
    """Each event of the chronology in full (an event whose date is inferred says so in its own text), and each
    source whose publication date is inferred marked so (cjreport/charts.py timeline). The text is read in the
    order it is drawn (pdftotext -raw): a table cell's lines are then together, where the default reading order
    may slip a neighbouring cell's word between them."""
    from cjreport.views.present import source_name

    flat = squash(subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(PDF), "-"], capture_output=True, text=True,
                                 check=True).stdout)
    cut = [e.id for e in evidence.events if squash(e.event) not in flat]
    assert not cut, cut
    inferred = [s for s in evidence.sources.values() if s.date_status == "inferred"]
    assert inferred, "no source with an inferred date to check"
    for s in inferred:
        assert squash(f"{source_name(s.id, evidence)}’s text appears ({s.date_mark})") in flat, s.id
