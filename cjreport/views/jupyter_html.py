"""The HTML form of a chapter's MyST output, for readers who rerun a chapter in Jupyter.

JupyterLab renders `text/markdown` as CommonMark, so MyST roles and directives would show as source text.
Each display object therefore also offers `text/html`, made here from the SAME MyST with myst-parser's docutils
parser. The roles that only Sphinx knows get local stand-ins: a citation becomes "Author (year)" linking to the
built book's bibliography, a cross-reference a link to its place in the built book (chapters live in book/, the
built book in _build/html/book/), a glossary term the term linking to the glossary. The book itself never uses
this form: `_config.yml` makes its builders take `text/markdown` first.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache

from docutils import nodes
from docutils.core import publish_parts
from docutils.parsers.rst import Directive, directives, roles

from cjreport.project import ROOT

# Where the built book is, seen from a chapter in book/ (JupyterLab resolves links against the notebook).
BOOK = "../_build/html/book/"

# Enough style to read: table borders, the attribution muted, quoted spans marked as the book marks them.
STYLE = """<style>
.cj-jupyter table{border-collapse:collapse;margin:.5em 0}
div.cj-jupyter table th,div.cj-jupyter table td{border:1px solid #bbb;padding:.25em .5em;vertical-align:top;text-align:left}
.cj-jupyter caption{font-weight:bold;text-align:left;padding:.25em 0}
.cj-jupyter blockquote{border-left:3px solid #bbb;margin:.5em 0;padding-left:.75em}
.cj-jupyter .cj-attribution{color:#555;font-size:.92em;margin-top:-.25em}
.cj-jupyter .cj-quoted{color:#00598c}
.cj-jupyter .cj-marker{vertical-align:super;font-size:.75em}
.cj-jupyter .admonition{border:1px solid #ccc;background:#f6f6f6;padding:.25em .75em;margin:.5em 0}
.cj-jupyter .admonition-title,.cj-jupyter .cj-card-title{font-weight:bold}
.cj-jupyter .cj-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:.75em;margin:.5em 0}
.cj-jupyter .cj-card,.cj-jupyter .cj-item{border:1px solid #ccc;border-radius:4px;padding:.25em .75em}
</style>"""


def bibliography_text() -> str:
    """Every BibTeX entry the chapters may cite: the sources' (written from data/) and book/references.bib."""
    from cjreport.data import bib
    from cjreport.data.evidence import load

    text = "\n".join(bib.entry(s) for s in load().sources.values())
    references = ROOT / "book" / "references.bib"
    if references.exists():
        text += "\n" + references.read_text(encoding="utf-8")
    return text


@lru_cache(maxsize=1)
def _bibliography() -> dict[str, tuple[str, str]]:
    """bibkey -> (author names as cited, year), from data/ (the sources) and book/references.bib."""
    from pybtex.database import parse_string

    from cjreport.data import bib

    text = bibliography_text()
    out = {}
    for key, entry in parse_string(text, "bibtex").entries.items():
        out[key] = (bib.cited_names(entry.persons.get("author") or entry.persons.get("editor") or []) or key,
                    entry.fields.get("year", "n.d."))
    return out


def _link(text: str, href: str, rawtext: str) -> nodes.reference:
    return nodes.reference(rawtext, text, refuri=href)


_TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


def _split(text: str) -> tuple[str, str]:
    """`title <target>` or `target` (the explicit-title syntax of Sphinx roles)."""
    match = _TARGET.match(text)
    return (match["text"], match["target"]) if match else (text, text)


def _anchor(label: str) -> str:
    # Sphinx turns a label into an id the way docutils does: lowercase, runs of other characters become "-".
    return nodes.make_id(label)


def _cite(textual: bool):
    def role(name, rawtext, text, lineno, inliner, options=None, content=None):
        refs = _bibliography()
        parts = []
        for key in [k.strip() for k in text.split(",") if k.strip()]:
            who, year = refs.get(key, (key, "n.d."))
            parts.append((who, year))
        children: list[nodes.Node] = []
        if not textual:
            children.append(nodes.Text("("))
        for i, (who, year) in enumerate(parts):
            if i:
                children.append(nodes.Text("; "))
            if textual:
                children += [nodes.Text(f"{who} ("), _link(year, BOOK + "bibliography.html", rawtext), nodes.Text(")")]
            else:
                children += [nodes.Text(f"{who}, "), _link(year, BOOK + "bibliography.html", rawtext)]
        if not textual:
            children.append(nodes.Text(")"))
        return [nodes.inline(rawtext, "", *children, classes=["cj-cite"])], []
    return role


def _cite_year(name, rawtext, text, lineno, inliner, options=None, content=None):
    """{cite:year}: the year alone, linking to the bibliography (the attribution line names the author)."""
    refs = _bibliography()
    years = [refs.get(k.strip(), (k, "n.d."))[1] for k in text.split(",") if k.strip()]
    children: list[nodes.Node] = []
    for i, year in enumerate(years):
        children += ([nodes.Text("; ")] if i else []) + [_link(year, BOOK + "bibliography.html", rawtext)]
    return [nodes.inline(rawtext, "", *children, classes=["cj-cite"])], []


def _ref(name, rawtext, text, lineno, inliner, options=None, content=None):
    # Every label the package links to is on the appendix page (a quoted passage, a source), except a quotation's
    # full display as evidence (present.evidence_label) and a question's positions, which are in the chapter of
    # the question, a question's coding notes (present.notes_label), on their own page, and the readings' blocks.
    title, target = _split(text)
    page = "appendix"
    if target.startswith(("quote-", "positions-")):
        from cjreport.data.evidence import load
        from cjreport.views.homes import homes

        evidence = load()
        question = (homes(evidence)[target.removeprefix("quote-")][0] if target.startswith("quote-")
                    else target.removeprefix("positions-"))
        page = evidence.codebook.theme(evidence.codebook.questions[question].theme).chapter
    elif target.startswith("notes-"):
        page = "coding-notes"
    elif target.startswith(("divide-", "reading-")):
        # a reading's block (views/readings.block_label) is in its theme's chapter; a group's, and a divide of the
        # home page's table, in the synthesis
        from cjreport.data.evidence import load

        themes = {t.id: t.chapter for t in load().codebook.themes}
        page = themes.get(target.removeprefix("reading-"), "synthesis")
    return [_link(title, f"{BOOK}{page}.html#{_anchor(target)}", rawtext)], []


@lru_cache(maxsize=None)
def page_title(page: str) -> str:
    """A chapter's title (its first heading), as the book's {doc} links show it; the page's name if none."""
    path = ROOT / "book" / f"{page}.md"
    heading, fence = page, ""
    for line in path.read_text(encoding="utf-8").splitlines() if path.is_file() else []:
        if fence:  # inside a code cell, where "# " starts a comment
            fence = "" if line.rstrip() == fence else fence
        elif line.startswith("```"):
            fence = line[: len(line) - len(line.lstrip("`"))]
        elif line.startswith("# "):
            heading = line[2:].strip()
            break
    # a heading that takes a value from the code ({eval}) would show its name: the page's name reads better
    return page if "{" in heading else heading


def _doc(name, rawtext, text, lineno, inliner, options=None, content=None):
    title, target = _split(text)
    page = target.removesuffix(".md").lstrip("/").removeprefix("book/")
    return [_link(page_title(page) if title == target else title, f"{BOOK}{page}.html", rawtext)], []


def _term(name, rawtext, text, lineno, inliner, options=None, content=None):
    title, target = _split(text)
    return [_link(title, f"{BOOK}glossary.html#{_anchor('term-' + target)}", rawtext)], []


def _numref(name, rawtext, text, lineno, inliner, options=None, content=None):
    title, target = _split(text)
    return [_link(title if title != target else target, f"{BOOK}index.html", rawtext)], []


class _Only(Directive):
    """Sphinx's `only`: in Jupyter, show what the HTML book shows."""

    has_content = True
    required_arguments = 1
    final_argument_whitespace = True

    def run(self):
        if "html" not in self.arguments[0].split():
            return []
        node = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, node)
        return node.children


class _AnyOption(dict):
    """sphinx-design directives take many layout options (gutter, class-card, ...): accept them all as text."""

    def __contains__(self, key) -> bool:
        return True

    def __getitem__(self, key):
        return directives.unchanged

    def get(self, key, default=None):
        return directives.unchanged


class _Box(Directive):
    """sphinx-design's grid and cards (Sphinx-only): a titled box in a CSS grid, holding the same content."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = _AnyOption(gutter=directives.unchanged)  # not empty: an empty spec means "no options"

    def run(self):
        kind = self.name.split("-")[-1] if self.name != "grid" else "grid"
        node = nodes.container(classes=[f"cj-{kind}"])
        if self.arguments and kind != "grid":  # a grid's argument is its column counts ("1 1 2 2"), not a title
            title, _ = self.state.inline_text(self.arguments[0], self.lineno)
            node += nodes.paragraph("", "", nodes.strong("", "", *title), classes=["cj-card-title"])
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


@lru_cache(maxsize=1)
def _register() -> None:
    for name in ("grid", "grid-item", "grid-item-card", "card", "tab-set", "tab-item", "dropdown"):
        directives.register_directive(name, _Box)
    roles.register_local_role("cite:t", _cite(textual=True))
    roles.register_local_role("cite:p", _cite(textual=False))
    roles.register_local_role("cite", _cite(textual=False))
    roles.register_local_role("cite:year", _cite_year)
    roles.register_local_role("ref", _ref)
    roles.register_local_role("doc", _doc)
    roles.register_local_role("term", _term)
    roles.register_local_role("numref", _numref)
    directives.register_directive("only", _Only)


@contextmanager
def book_links(base: str):
    """Within the block, links into the book point at base (the published book's book/ folder, or a path to
    it) instead of the built book beside the chapters: a downloaded notebook is not beside them."""
    global BOOK
    saved, BOOK = BOOK, base
    try:
        yield
    finally:
        BOOK = saved


def to_html(myst: str, header_level: int = 2) -> str:
    """Render a MyST fragment to an HTML fragment (docutils' html5 writer), with the local stand-in roles."""
    return f'{STYLE}<div class="cj-jupyter">{body_html(myst, header_level)}</div>'


def body_html(myst: str, header_level: int = 2) -> str:
    """The HTML of a MyST fragment, without the stylesheet and wrapper to_html adds."""
    from myst_parser.parsers.docutils_ import Parser

    _register()
    parts = publish_parts(
        myst, parser=Parser(), writer_name="html5",
        settings_overrides={
            "myst_enable_extensions": ["colon_fence", "deflist", "attrs_inline", "attrs_block", "substitution"],
            # a problem shows in the output and is not printed to the kernel's stderr
            "report_level": 5, "halt_level": 5, "warning_stream": False,
            "embed_stylesheet": False, "output_encoding": "unicode", "input_encoding": "unicode",
            "syntax_highlight": "none", "doctitle_xform": False, "sectsubtitle_xform": False,
            "initial_header_level": header_level,
        },
    )
    # Raw HTML written for the book (the quotation index, the downloads table) links to pages beside it and to
    # files above it (../downloads/): in Jupyter both are in the built book. (The roles' links already point
    # into the book, and are left alone.)
    body = re.sub(r'href="(?!' + re.escape(BOOK) + r')\.\./', f'href="{BOOK}../', parts["body"])
    return _BOOK_PAGE_LINK.sub(lambda m: f'href="{BOOK}{m[1]}', body)


_BOOK_PAGE_LINK = re.compile(r'href="(?![a-zA-Z][\w+.-]*:|/|#|\.\./)([\w-]+\.html)')
