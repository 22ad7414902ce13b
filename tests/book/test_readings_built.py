"""The readings as the built book shows them (tests/unit/test_readings.py checks the data)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup




def test_built_reading_blocks_link_to_passages_and_literature(html_dir, evidence):
    pages = {t.chapter for t in evidence.codebook.themes} | {"synthesis"}
    for page in sorted(pages):
        soup = BeautifulSoup((html_dir / "book" / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        blocks = soup.select("div.admonition.cj-reading")
        assert blocks, f"{page}: no reading block"
        cites = [a["href"] for block in blocks for a in block.find_all("a", href=True) if "bibliography.html#" in a["href"]]
        assert cites, (page, "no link to the literature")
        for block in blocks:
            title = block.select_one(".admonition-title").get_text()
            assert title.startswith("Reading:") and "the book’s interpretation" in title, (page, title)
            hrefs = [a["href"] for a in block.find_all("a", href=True)]
            assert any("appendix.html#q" in h for h in hrefs), (page, "no link to a passage")
            assert "[[" not in block.get_text() and "{cite" not in block.get_text(), page


def test_the_arguments_at_a_glance_name_each_kind_and_link_to_its_readings(html_dir, evidence):
    """The comparison's first table: a row per source with its kind of argument (arguments.yaml), each link leading
    to a reading block, labelled as the book's interpretation, that quotes that source."""
    soup = BeautifulSoup((html_dir / "book" / "essay.html").read_text(encoding="utf-8"), "html.parser")
    table = soup.select_one("table#table-arguments")
    assert table is not None, "no arguments table on the comparison's page"
    rows = table.select("tbody tr")
    # in the book's order of sources (of publication)
    kinds = {sid: evidence.arguments[sid] for sid in evidence.sources
             if sid in (evidence.arguments or {}) and evidence.arguments[sid].kind}
    assert len(rows) == len(kinds) > 0, (len(rows), len(kinds))
    pages: dict[str, BeautifulSoup] = {}
    for row, (sid, argument) in zip(rows, kinds.items()):
        cells = row.find_all("td")
        assert evidence.sources[sid].short_name in cells[0].get_text(), sid
        assert " ".join(argument.kind.split()) in " ".join(cells[1].get_text().split()), sid
        links = [a["href"] for a in cells[1].find_all("a", href=True)]
        assert len(links) == len(argument.kind_readings), (sid, links)
        for href in links:
            page, _, anchor = href.partition("#")
            page = page or "essay.html"
            soup_page = pages.setdefault(page, BeautifulSoup((html_dir / "book" / page).read_text(encoding="utf-8"),
                                                             "html.parser"))
            block = soup_page.find(id=anchor)
            assert block is not None and "cj-reading" in block.get("class", []), (sid, href)
            quoted = {a["href"].rpartition("#quote-")[2] for a in block.find_all("a", href=True) if "#quote-" in a["href"]}
            quoted |= {a["href"].rpartition("#")[2] for a in block.find_all("a", href=True) if "appendix.html#q" in a["href"]}
            assert any(q.startswith(f"q{sid}") for q in quoted), (sid, href, sorted(quoted)[:5])


def test_each_theme_chapter_ends_with_questions_for_discussion(html_dir, evidence):
    """Every theme of the codebook (read with yaml) has its chapter end on a 'For discussion' section of
    questions (readers asked for teaching material); the build's audit checks that the words they quote are
    verbatim."""
    import yaml
    from bs4 import BeautifulSoup

    themes = yaml.safe_load((evidence.data_dir / "codebook.yaml").read_text(encoding="utf-8"))["themes"]
    for theme in themes:
        chapter = next(t.chapter for t in evidence.codebook.themes if t.id == theme["id"])
        soup = BeautifulSoup((html_dir / "book" / f"{chapter}.html").read_text(encoding="utf-8"), "html.parser")
        sections = soup.select("article section section")
        assert sections, chapter
        last = sections[-1]
        title = last.find(["h2"]).get_text(" ", strip=True)
        assert re.sub(r"^[\d.]+\s*", "", title).startswith("For discussion"), (chapter, title)
        questions = [li.get_text(" ", strip=True) for li in last.find_all("li")]
        assert questions and all(q.endswith("?") for q in questions), (chapter, questions)
