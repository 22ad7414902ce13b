"""Every paragraph accounted for: each theme chapter quotes or summarises every segment coded to its theme;
the coverage chart's numbers are the segment coding's; each source's argument and every shared event are shown."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from cjreport.views import charts, present
from cjreport.data.quotations import fold


def _page(html_dir, name: str) -> BeautifulSoup:
    return BeautifulSoup((html_dir / "book" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def _other_passages(html_dir, theme: str) -> BeautifulSoup:
    """The theme's section of the appendix list of other passages (book/tables.md), which its chapter points to."""
    found = _page(html_dir, "tables").find(id=f"other-passages-{theme}")
    assert found is not None, f"no list of other passages on {theme} in the appendix"
    section = found if found.name == "section" else found.find_parent("section")
    return BeautifulSoup(str(section), "html.parser")


def test_each_theme_chapter_quotes_or_summarises_every_segment_of_its_theme(html_dir, evidence):
    """Every paragraph coded to a theme is quoted in its chapter, or listed in the appendix's section on the theme's
    other passages, which the chapter links to (the lists moved there when readers asked for a shorter report)."""
    missing = []
    for theme in evidence.codebook.themes:
        chapter = _page(html_dir, theme.chapter)
        # a link to the appendix page ({doc}: JupyterLab cannot show a {ref} in a chapter's own prose)
        assert any(a["href"].split("#")[0].endswith("tables.html") for a in chapter.find_all("a", href=True)), \
            f"{theme.chapter} does not point to its other passages"
        others = _other_passages(html_dir, theme.id)
        quoted = [fold(b.get_text(" ")).strip() for soup in (chapter, others) for b in soup.find_all("blockquote")]
        # shown in full here, or by a short reference that links to the words (issue 19: shown in full once)
        shown = [q for q in evidence.quotations.values()
                 if fold(q.text).strip() in quoted or _links_to_words(chapter, q, evidence)
                 or _links_to_words(others, q, evidence)]
        links = {a["href"].split("#", 1)[1] for soup in (chapter, others) for a in soup.select("a[href*='#seg-']")}
        for seg in evidence.segments:
            if theme.id not in seg.themes:
                continue
            in_quote = any(q.source == seg.source and q.start < seg.end and q.end > seg.start for q in shown)
            if not in_quote and seg.id not in links:
                missing.append(f"{theme.chapter}: {seg.id}")
    assert not missing, missing


def test_summary_links_lead_to_the_paragraph_in_the_appendix(html_dir, evidence):
    appendix = _page(html_dir, "appendix")
    for seg in evidence.segments:
        assert appendix.find(id=seg.id) is not None, seg.id


def test_coverage_shares_are_the_segment_codings(evidence):
    frame = charts.theme_words(evidence).set_index(["source", "theme"])
    for sid, source in evidence.sources.items():
        segments = [s for s in evidence.segments if s.source == sid]
        body = sum(len(source.text[s.start:s.end].split()) for s in segments)
        assert body == len(source.body_text.split())  # the segments hold the whole body
        for theme in evidence.codebook.themes:
            words = sum(len(source.text[s.start:s.end].split()) for s in segments if theme.id in s.themes)
            row = frame.loc[(source.short_name, theme.short)]
            assert row["body words"] == words and row["share of body (%)"] == round(100 * words / body, 1)


def _links_to_words(soup, quote, evidence) -> bool:
    """A short reference to a quotation (issue 19: its full words are shown once, where they are evidence):
    a link to its full display, or to its passage in the appendix, whose text shows the words that carry the
    quotation (its gist, or else its first words), its reference number (Q1, Q2, …), or words of it in quotation
    marks (a reading or a card that quotes the author's words makes them the link), and which names the speaker's
    source (in the link, at the head of its line, or in the title of the position card it stands in)."""
    words = quote.key_words()[1]
    number = re.compile(rf"\b{present.reference_numbers(evidence)[quote.id]}\b")
    name = evidence.sources[quote.source].short_name
    passage = fold(quote.text)
    quoted = lambda text: any(len(w.split()) >= 2 and w.strip(" ,.;:") in passage for w in re.findall(r"“([^”]+)”", text))
    # the line names the source, or the position card it stands in does, in its title
    line = lambda a: a.find_parent(class_="cj-position") or a.find_parent(["li", "p", "td"])
    return any((words in fold(a.get_text(" ")) or number.search(a.get_text(" ")) or quoted(fold(a.get_text(" "))))
               and name in fold(line(a).get_text(" "))
               for a in soup.select(f'a[href$="#quote-{quote.id}"], a[href$="#{quote.id}"]'))


def test_every_source_argument_and_every_shared_event_is_shown(html_dir, evidence):
    sources = _page(html_dir, "sources")
    for argument in evidence.arguments.values():
        for item in (argument.claim, *argument.points, *argument.recommendations):
            assert fold(item.summary).strip() in fold(sources.get_text(" ")), item.quotation
            assert _links_to_words(sources, evidence.quotations[item.quotation], evidence), item.quotation
    tables = _page(html_dir, "tables")
    for event in evidence.events:
        if len(event.sources) > 1:
            for qid in event.quotations:
                assert _links_to_words(tables, evidence.quotations[qid], evidence), (event.id, qid)
