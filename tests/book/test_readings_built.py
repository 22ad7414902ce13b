"""The readings as the built book shows them (tests/unit/test_readings.py checks the data)."""

from __future__ import annotations

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
