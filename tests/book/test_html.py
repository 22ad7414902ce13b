"""The built HTML: every quoted passage verbatim, links whole, nothing from outside, the PDF linked everywhere."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from cjreport.audit import PAGE_BYTES_LIMIT, broken_links, external_resources, heavy_pages, pages, unverified_quotations
from cjreport.data.quotations import fold
from cjreport.project import PDF_NAME, REPORT_PDF_NAME, ROOT


def _texts(evidence):
    return [s.text for s in evidence.sources.values()]


def test_no_unverified_quotation_in_the_book(html_dir, evidence):
    assert unverified_quotations(html_dir, _texts(evidence)) == []


def test_scanner_catches_a_paraphrase(tmp_path: Path, evidence):
    page = tmp_path / "page.html"
    page.write_text("<article><p>Roy writes that “Japan is now well past the critical juncture of relations” here.</p>"
                    "<blockquote><p>China and Japan are neighbors and also the world’s biggest economies</p></blockquote>"
                    "<p>A real one: “the China-Japan relationship is at a critical juncture”.</p></article>")
    found = unverified_quotations(tmp_path, _texts(evidence))
    assert [f.text[:20] for f in found] == ["China and Japan are ", "Japan is now well pa"]


def test_every_quotation_is_shown_with_its_text(html_dir, evidence):
    shown = fold(" ".join(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text(" ")
                          for p in pages(html_dir) if p.parent.name == "book"))
    for q in evidence.quotations.values():
        assert fold(q.text).strip() in shown, q.id


def test_theme_chapters_quote_all_five_sources(html_dir, evidence):
    quoted = set()
    for theme in evidence.codebook.themes:
        soup = BeautifulSoup((html_dir / "book" / f"{theme.chapter}.html").read_text(encoding="utf-8"), "html.parser")
        text = fold(" ".join(b.get_text(" ") for b in soup.find_all("blockquote")))
        quoted |= {q.source for q in evidence.quotations.values() if fold(q.text).strip() in text}
    assert quoted == set(evidence.sources)


def test_straight_quotes_survive(html_dir, evidence):
    """Sphinx's smart quotes are off: source 002's straight quotes reach the page unchanged."""
    straight = [q for q in evidence.quotes_for(source="002") if '"' in q.text]
    assert straight, "expected a quotation from 002 with straight quotes"
    # shown in full where it is evidence, which need not be its theme's chapter: look in every chapter
    texts = [fold(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text(" "))
             for p in sorted((html_dir / "book").glob("*.html"))]
    assert any(fold(straight[0].text).strip() in text for text in texts)


def test_no_broken_internal_link_or_anchor(html_dir):
    assert broken_links(html_dir) == []


def test_broken_link_checker_catches_missing_anchor(tmp_path: Path):
    (tmp_path / "a.html").write_text('<a href="b.html#nowhere">x</a><a href="b.html#here">y</a><a href="c.html">z</a>')
    (tmp_path / "b.html").write_text('<p id="here">b</p>')
    assert [f.text for f in broken_links(tmp_path)] == ["missing anchor b.html#nowhere", "missing file c.html"]


def test_every_quotation_link_reaches_the_appendix(html_dir, evidence):
    soup = BeautifulSoup((html_dir / "book" / "appendix.html").read_text(encoding="utf-8"), "html.parser")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    assert {q.id for q in evidence.quotations.values()} <= ids


def test_nothing_loaded_from_outside(html_dir):
    assert external_resources(html_dir) == []


def test_no_page_over_the_size_target(html_dir):
    """The README's benchmark target, "largest HTML page ≤ 300 KB": the chart pages carry their charts' data."""
    assert [str(f) for f in heavy_pages(html_dir)] == []


def test_size_check_catches_a_heavy_page(tmp_path: Path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "light.html").write_bytes(b"x" * PAGE_BYTES_LIMIT)
    (tmp_path / "book" / "heavy.html").write_bytes(b"x" * (PAGE_BYTES_LIMIT + 1))
    assert [f.page for f in heavy_pages(tmp_path)] == ["book/heavy.html"]


def test_every_page_links_the_pdf(html_dir):
    for path in pages(html_dir):
        if path.name == "index.html" and path.parent == html_dir:
            continue  # the redirect to the first chapter
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = {a.get_text(): a["href"] for a in soup.select(".cj-pdf-link a") if a["href"].endswith(".pdf")}
        assert list(links) == ["the report", "the complete book"], path
        assert (path.parent / links["the report"]).resolve() == (html_dir / "_static" / REPORT_PDF_NAME).resolve(), path
        assert (path.parent / links["the complete book"]).resolve() == (html_dir / "_static" / PDF_NAME).resolve(), path
    for name in (PDF_NAME, REPORT_PDF_NAME):
        assert (html_dir / "_static" / name).stat().st_size > 50_000


def test_explorer_is_replaced_by_a_note(html_dir):
    page = (html_dir / "book" / "methods.html").read_text(encoding="utf-8")
    assert "widget-view" not in page and "jupyter-widgets" not in page  # no dead control
    soup = BeautifulSoup(page, "html.parser")
    note = soup.select_one(".cj-kernel-note")
    assert note is not None and "running Python kernel" in note.get_text(" ")
    assert note.find("a", href="quotation-index.html")


def test_every_quotation_is_attributed_to_its_speaker(html_dir, evidence):
    """Each block quote is followed by its speaker; a reported statement names who reports it."""
    seen = set()
    for theme in evidence.codebook.themes:
        soup = BeautifulSoup((html_dir / "book" / f"{theme.chapter}.html").read_text(encoding="utf-8"), "html.parser")
        for block in soup.find_all("blockquote"):
            text = fold(block.get_text(" ")).strip()
            quote = next((q for q in evidence.quotations.values() if fold(q.text).strip() == text), None)
            assert quote is not None, text[:80]
            attribution = fold(block.find_next_sibling("p", class_="cj-attribution").get_text(" "))
            # Attribution lines are short: the source's short name stands for its author (full names and
            # affiliations are in the source profile); reported words name who said them and who reports them.
            short = evidence.sources[quote.source].short_name
            if quote.voice == "reported":
                # direct speech (the source sets the words in quotation marks) is "quoted by"; else the words are
                # the author's paraphrase
                text = evidence.sources[quote.source].text
                direct = text[:quote.start].rstrip()[-1:] in "“\"" and text[quote.end:].lstrip().lstrip(",.;:!?")[:1] in "”\""
                verb = "quoted" if direct else "as paraphrased"
                assert f"{quote.speaker}, {verb} by {short}" in attribution, (quote.id, attribution)
            elif quote.voice == "author":
                # the source's name alone is its author (the 38th reading: "Roy, the author (2024); in context"
                # 62 times), linking to the passage in its full text
                assert attribution.startswith(f"— {short} ("), (quote.id, attribution)
                link = block.find_next_sibling("p", class_="cj-attribution").find("a")
                assert fold(link.get_text(" ")).strip() == short and link["href"].startswith("appendix.html#"), link
            else:
                assert quote.speaker in attribution and "not the author’s view" in attribution, (quote.id, attribution)
            seen.add(quote.id)
    # every quotation a coded cell cites is shown in full, attributed, in a theme chapter (issue 19: once; the
    # others are named by speaker and first words and shown in context in the appendix)
    cited = {qid for code in evidence.coding.values() for qid in code.quotations}
    assert seen == cited, cited ^ seen


def test_appendix_sets_furniture_and_comments_apart(html_dir, evidence):
    soup = BeautifulSoup((html_dir / "book" / "appendix.html").read_text(encoding="utf-8"), "html.parser")
    comments = soup.select(".cj-comments")
    assert len(comments) == sum(p.kind == "comments" for s in evidence.sources.values() for p in s.parts)
    assert "imperialist" in comments[0].get_text(" ") and "not the author" in comments[0].get_text(" ")
    furniture = " ".join(box.get_text(" ") for box in soup.select(".cj-furniture"))
    for phrase in ("You might also like", "Subscribe to our Newsletter", "More on this topic"):
        assert phrase in furniture, phrase


def test_the_bibliography_is_one_alphabetical_run_with_titles_in_their_printed_case(html_dir):
    """A corporate author ({{GMA News}}) once sorted after Z, starting a second run; alpha also lowered every word
    of a title after the first ("south china sea"). cjreport/data/bib.py register_book_style."""
    import pybtex.database

    soup = BeautifulSoup((html_dir / "book" / "bibliography.html").read_text(encoding="utf-8"), "html.parser")
    entries = soup.select("div.citation")
    firsts = [e.select_one("span.label").get_text().strip("[] ")[0].lower() for e in entries]
    assert len(entries) >= 20 and firsts == sorted(firsts), "".join(firsts)
    flat = lambda text: "".join(text.split())  # a span (a Chinese name marked with its language) adds spaces
    shown = flat(" ".join(e.get_text(" ", strip=True) for e in entries))
    # every title of the book's own .bib as it is written (braces dropped), in the page
    bib = pybtex.database.parse_file(str(ROOT / "book" / "references.bib"))
    titles = [" ".join(e.fields["title"].replace("{", "").replace("}", "").split()) for e in bib.entries.values()
              if e.type in ("article", "misc")]
    assert titles and not [t for t in titles if flat(t) not in shown], [t for t in titles if flat(t) not in shown][:5]


def test_every_label_the_package_links_to_resolves_in_jupyter_as_in_the_book(html_dir, evidence):
    """In JupyterLab the display objects' {ref} links are resolved by views/jupyter_html, which must know on which page
    each kind of label stands (a quotation's display, a question's positions or notes, a reading's block, a divide
    of the home page's table): every one must open a built page that has that anchor."""
    from bs4 import BeautifulSoup

    from cjreport.views import findings, jupyter_html, present, readings

    shown = [readings.divides_at_a_glance(evidence).text, readings.arguments_at_a_glance(evidence).text,
             findings.key_findings(evidence).text]
    shown += [present.positions(q, evidence).text for q in evidence.codebook.questions]
    shown += [present.stance_table(t.id, evidence).text for t in evidence.codebook.themes]
    shown += [readings.show(t.id, evidence).text for t in evidence.codebook.themes]
    shown += [readings.show(g, evidence).text for g in readings.GROUPS]
    targets = {m for text in shown for m in re.findall(r"\{ref\}`([^`]*)`", text)}
    kinds = {jupyter_html._split(t)[1].split("-")[0] for t in targets}
    assert {"quote", "positions", "notes", "reading", "divide"} <= kinds, kinds
    ids: dict[str, set[str]] = {}
    missing = []
    for target in sorted(targets):
        [node], _ = jupyter_html._ref("ref", target, target, 0, None)
        page, _, anchor = node["refuri"].removeprefix(jupyter_html.BOOK).partition("#")
        if page not in ids:
            soup = BeautifulSoup((html_dir / "book" / page).read_text(encoding="utf-8"), "html.parser")
            ids[page] = {tag["id"] for tag in soup.find_all(id=True)}
        if anchor not in ids[page]:
            missing.append((target, node["refuri"]))
    assert not missing, missing[:5]
