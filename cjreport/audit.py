"""Checks on the built HTML: quoted passages are verbatim, links resolve, nothing is fetched from outside,
no page is heavier than the book's target.

The build runs these on the staged book before publishing it; the tests run them on the published one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from cjreport.data.quotations import fold
from cjreport.project import PDF_NAME, REPORT_PDF_NAME

BLOCKS = ["p", "li", "td", "th", "dd", "dt", "caption", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "summary"]
QUOTED = [re.compile(r"“([^“”]+)”"), re.compile(r'"([^"]+)"')]
# Added by the book beside source text: the quotation-id markers in the appendix.
NOT_SOURCE_TEXT = [".cj-marker", "script", "style", ".cj-attribution"]
SKIP_PAGES = {"genindex.html", "search.html"}
# The most a built page may weigh, in its own bytes (scripts, styles and images it links are not counted): a
# phone downloads and parses all of it, charts' data included, before it draws. The README's benchmark target
# ("largest HTML page ≤ 300 KB", scripts/benchmark.py) and tests/book/test_html.py both read it from here.
PAGE_BYTES_LIMIT = 300 * 1024


@dataclass(frozen=True)
class Finding:
    page: str
    text: str

    def __str__(self) -> str:
        return f"{self.page}: {self.text}"


def pages(html_dir: Path) -> list[Path]:
    return sorted(p for p in html_dir.rglob("*.html") if p.name not in SKIP_PAGES and "_static" not in p.parts)


def _article(path: Path) -> BeautifulSoup:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("article") or soup.body or soup
    for selector in NOT_SOURCE_TEXT:
        for node in main.select(selector):
            node.decompose()
    return main


def unverified_quotations(html_dir: Path, source_texts: list[str], min_words: int = 5) -> list[Finding]:
    """Passages in quotation marks or block quotes, of min_words or more, that are not verbatim in a source."""
    corpus = "\n".join(fold(t) for t in source_texts)
    findings: list[Finding] = []
    for path in pages(html_dir):
        main = _article(path)
        name = str(path.relative_to(html_dir))
        candidates: list[str] = []
        for quote in main.find_all("blockquote"):
            candidates.append(quote.get_text(" "))
        for block in main.find_all(BLOCKS):
            text = block.get_text("")
            for pattern in QUOTED:
                candidates.extend(m.group(1) for m in pattern.finditer(text))
        for candidate in candidates:
            folded = fold(candidate).strip()
            if len(folded.split()) >= min_words and folded not in corpus:
                findings.append(Finding(name, folded[:160]))
    return findings


def external_resources(html_dir: Path) -> list[Finding]:
    """Scripts, styles, images, frames or fonts loaded from anywhere but the book itself."""
    findings = []
    for path in sorted(html_dir.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["script", "link", "img", "iframe", "source", "video", "audio", "embed", "object"]):
            for attr in ("src", "href", "data"):
                url = tag.get(attr)
                if tag.name == "link" and "stylesheet" not in (tag.get("rel") or []) and "preload" not in (tag.get("rel") or []):
                    continue
                if url and urlsplit(url).scheme in ("http", "https") or (url or "").startswith("//"):
                    findings.append(Finding(str(path.relative_to(html_dir)), f"<{tag.name} {attr}={url}>"))
    for path in sorted(html_dir.rglob("*.css")):
        for url in re.findall(r"url\((['\"]?)(https?:)?//[^)]*\)", path.read_text(encoding="utf-8", errors="replace")):
            findings.append(Finding(str(path.relative_to(html_dir)), f"css url {url}"))
    return findings


def heavy_pages(html_dir: Path, limit: int = PAGE_BYTES_LIMIT) -> list[Finding]:
    """Every HTML page (the index and search pages too) larger than limit bytes."""
    return [Finding(str(path.relative_to(html_dir)), f"{size} bytes ({size / 1024:.0f} KB), over {limit // 1024} KB")
            for path in sorted(html_dir.rglob("*.html")) if (size := path.stat().st_size) > limit]


def broken_links(html_dir: Path) -> list[Finding]:
    """Internal links (href) whose file or #anchor does not exist in the built book."""
    ids: dict[Path, set[str]] = {}
    soups: dict[Path, BeautifulSoup] = {}
    for path in sorted(html_dir.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        soups[path] = soup
        ids[path.resolve()] = {tag["id"] for tag in soup.find_all(id=True)} | {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
    findings = []
    for path, soup in soups.items():
        for tag in soup.find_all("a", href=True):
            href = tag["href"]
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//") or href.startswith("mailto:"):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path.resolve()
            if not target.exists():
                findings.append(Finding(str(path.relative_to(html_dir)), f"missing file {href}"))
                continue
            if target.is_dir():
                target = target / "index.html"
            if parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in ids.get(target, set()):
                    findings.append(Finding(str(path.relative_to(html_dir)), f"missing anchor {href}"))
    return findings


# Parts of a build that may differ between two builds of one commit: none in the HTML, since the build sets
# SOURCE_DATE_EPOCH from the commit; the PDFs are there only when the build made them (--pdf), so they are
# compared by their text elsewhere and left out here. Each entry: (path glob, reason).
VOLATILE = [
    *((f"_static/{name}", "PDF: built with --pdf only; its text is tested in tests/book/test_pdf.py and "
                          "test_report_pdf.py") for name in (PDF_NAME, REPORT_PDF_NAME)),
    (".buildinfo", "Sphinx's record of the builder's config hash, not content"),
]


def _search_index(raw: bytes) -> bytes:
    """Sphinx's search index as content. An incremental Sphinx build keeps emptied terms, orders keys by
    history and drops the glossary's index entries of pages it did not rewrite (a Sphinx limitation); so
    terms are compared without the empty ones and the index entries are left out. Two clean builds match
    byte for byte."""
    import json

    text = raw.decode("utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    for key in ("terms", "titleterms"):
        index[key] = {term: docs for term, docs in index.get(key, {}).items() if docs not in ([], {}, None)}
    index.pop("indexentries", None)
    return json.dumps(index, sort_keys=True).encode()


# Files compared by content rather than bytes, with the reason.
NORMALISED = {"searchindex.js": (_search_index, "an incremental Sphinx build keeps emptied terms and drops "
                                                "index entries of unchanged pages")}


def file_hashes(tree: Path, *, as_content: bool = False) -> dict[str, str]:
    """SHA-1 of every file below tree, by relative path. With as_content, VOLATILE files are left out and
    NORMALISED ones hashed by content."""
    hashes = {}
    for path in sorted(tree.rglob("*")):
        rel = str(path.relative_to(tree))
        if not path.is_file() or (as_content and any(Path(rel).match(glob) for glob, _ in VOLATILE)):
            continue
        raw = path.read_bytes()
        if as_content and rel in NORMALISED:
            raw = NORMALISED[rel][0](raw)
        hashes[rel] = hashlib.sha1(raw).hexdigest()
    return hashes


def differing_files(first: Path, second: Path) -> list[str]:
    """Files that differ between two built books (or exist in one only), apart from VOLATILE."""
    a, b = file_hashes(first, as_content=True), file_hashes(second, as_content=True)
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))
