"""Sphinx extension: serve every script the book needs from its own files, and link the PDF.

- Vega, Vega-Lite and vega-embed (vendored classic scripts in book/_static/vendor) and the book's chart
  loader, only on pages that hold a chart;
- jQuery and DataTables (vendored likewise), only on the page with the quotation index;
- a "Download PDF" link at the top of every page, and on every chapter a link to the chapter as an
  executed notebook;
- the downloads (cjreport/exports.py) written into the HTML output when the build finishes;
- the {eval} role of the chapters' prose (cjreport/prose_values.py);
- the colophon directive, whose page is re-read on every build (commit and date are not in any source file).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import sphinxcontrib.bibtex.plugin
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

from .exports import DOWNLOADS, notebook_name
from .prose_values import shown_values


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")")


@dataclass
class RoundAuthorYear(AuthorYearReferenceStyle):
    """Author–year citations in round brackets, "Roy (2024)", as the social sciences write them."""

    bracket_parenthetical: BracketStyle = field(default_factory=_round)
    bracket_textual: BracketStyle = field(default_factory=_round)
    bracket_author: BracketStyle = field(default_factory=_round)
    bracket_label: BracketStyle = field(default_factory=_round)
    bracket_year: BracketStyle = field(default_factory=_round)


sphinxcontrib.bibtex.plugin.register_plugin(
    "sphinxcontrib.bibtex.style.referencing", "author_year_round", RoundAuthorYear)

PDF_NAME = "china-japan-security.pdf"
# Classic scripts from book/_static (vendored UMD builds, see book/_static/vendor/README.md): Chromium runs
# them on file:// pages, where it refuses ES modules, so the book draws its charts opened from disk too.
CHART_SCRIPTS = ("vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js", "cjreport-charts.js")
TABLE_SCRIPTS = ("vendor/jquery.min.js", "vendor/dataTables.min.js", "cjreport-tables.js")


def _on_builder_inited(app: Sphinx) -> None:
    if app.builder.format == "html":
        (Path(app.outdir) / "_static").mkdir(parents=True, exist_ok=True)
        # myst-nb copies its stylesheet only when the build ends; pages written before it exists lack the
        # ?v= checksum that pages of a later, incremental build get. Copy it first, so every build matches.
        from myst_nb.sphinx_ext import add_global_html_resources

        add_global_html_resources(app, None)


def _on_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if app.builder.format != "html" or "body" not in context:
        return
    body: str = context["body"]
    if "cj-chart" in body:
        for script in CHART_SCRIPTS:
            app.add_js_file(script, loading_method="defer")
    if "cj-datatable" in body:
        # the index needs the width the page-contents sidebar would take; it has no sections anyway
        context["theme_secondary_sidebar_items"] = []
        app.add_css_file("vendor/dataTables.dataTables.min.css")
        for script in TABLE_SCRIPTS:
            app.add_js_file(script, loading_method="defer")
    _drop_kernel_assets(context)
    if "<table" in body:
        body = tables_for_reading(body)
    pdf = context["pathto"](f"_static/{PDF_NAME}", 1)
    notebook = ""
    if pagename in _notebooks(app):
        href = context["pathto"](f"{DOWNLOADS}/{notebook_name(pagename)}", 1)
        notebook = f' · <a href="{href}" download>Download this chapter as a notebook (.ipynb)</a>'

    # docutils marks the bibliography role="list" around doc-biblioentry items, which axe-core rates a
    # critical ARIA error (a list must own listitems); the entries keep their own roles.
    body = body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')
    context["body"] = (
        f'<p class="cj-pdf-link"><a href="{pdf}" download>Download PDF</a> of the whole book{notebook}</p>\n' + body
    )


def tables_for_reading(body: str) -> str:
    """Tables a reader can use on any screen.

    Every table the theme wraps for horizontal scrolling becomes a labelled, keyboard-reachable region, as
    WCAG advises for content that scrolls (its label is the table's caption); tables marked `cj-cards` also
    carry their column labels on each cell, so that on a phone the stylesheet shows each row as a card.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    for box in soup.select("div.pst-scrollable-table-container"):
        caption = box.select_one("caption .caption-text")
        label = caption.get_text(" ", strip=True) if caption else "Table"
        box["role"] = "region"
        box["tabindex"] = "0"
        box["aria-label"] = f"{label} (scrolls sideways on a narrow screen)"
    for table in soup.select("table.cj-cards"):
        labels = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        for row in table.select("tbody tr"):
            for label, cell in zip(labels, row.find_all("td", recursive=False)):
                cell["data-label"] = label
    return str(soup)


def _drop_kernel_assets(context: dict[str, Any]) -> None:
    """Drop what only a live kernel could use.

    Jupyter Book always loads sphinx-thebe, which declares THEBE_JS_URL twice (a console error on every
    page) and points at a CDN; myst-nb embeds the explorer's widget state (random model ids, so two builds
    would differ) for a widget the static book does not show. The book launches no kernel: both go.
    """
    def keep(asset: Any) -> bool:
        name = str(getattr(asset, "filename", asset) or "")
        attributes = getattr(asset, "attributes", {})
        body = str(attributes.get("body", ""))
        widget = "jupyter.widget" in str(attributes.get("type", ""))
        return "thebe" not in name and "THEBE" not in body and not widget

    context["script_files"] = [a for a in context.get("script_files", []) if keep(a)]
    context["css_files"] = [a for a in context.get("css_files", []) if keep(a)]


NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def count_words(n: int) -> str:
    """A count as the title prints it: words up to twelve, digits after."""
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def titled(title: str, n_sources: int) -> str:
    """The configured title with its count of sources taken from the data ("… in five sources" → "… in six sources")."""
    return re.sub(r"\b(?:\w+) (sources?)\b", lambda m: f"{count_words(n_sources)} sources" if n_sources != 1 else "one source",
                  title, count=1)


def _on_config_inited(app: Sphinx, config: Any) -> None:
    """Write the sources' BibTeX from data/ into this build's own directory, before sphinxcontrib-bibtex reads
    its files, so a new source needs no hand-made entry and two builds never share the file. (The titles'
    count of sources: titled() here and in _on_env_before_read_docs; the introduction's heading computes its own.)"""
    from . import bib
    from .evidence import load

    evidence = load()
    path = Path(app.doctreedir).parent / "cjreport" / "sources.bib"
    bib.write(evidence, path)
    config.bibtex_bibfiles = [str(path), *config.bibtex_bibfiles]
    n = len(evidence.sources)
    config.project = titled(config.project, n)
    config.html_title = titled(config.html_title or config.project, n)


def _on_env_before_read_docs(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """Jupyter Book sets the PDF's title after config-inited: correct its count of sources here, before writing."""
    from .evidence import load

    n = len(load().sources)
    app.config.latex_documents = [(doc[0], doc[1], titled(doc[2], n), *doc[3:]) for doc in app.config.latex_documents]


def _notebooks(app: Sphinx) -> dict[str, Path]:
    """This build's notebook pages: myst-nb writes each beside the output directory (jupyter_execute/)."""
    executed = Path(app.outdir).parent / "jupyter_execute"
    found = {doc: executed / f"{doc}.ipynb" for doc in sorted(app.env.found_docs)}
    return {doc: path for doc, path in found.items() if path.exists()}


def _executed(app: Sphinx, docname: str, written: Path) -> str:
    """A chapter as executed, nbformat JSON. myst-nb writes jupyter_execute/<doc>.ipynb from the notebook it
    read, so a chapter it took from the execution cache is written there without a single output; the cache
    holds the executed chapter, matched on the text the build read (the prose's values cell included)."""
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook

    from .prose_values import with_values_cell

    folder = app.config.nb_execution_cache_path or str(Path(app.outdir).parent / ".jupyter_cache")
    if app.config.nb_execution_mode != "cache" or not Path(folder).exists():
        return written.read_text(encoding="utf-8")
    text, _ = with_values_cell((Path(app.srcdir) / f"{docname}.md").read_text(encoding="utf-8"))
    try:
        _, notebook = get_cache(folder).merge_match_into_notebook(read_myst_markdown_notebook(text))
    except KeyError:
        raise RuntimeError(f"{docname}.md: not in the execution cache ({folder}); run `make book` again") from None
    return nbformat.writes(notebook)


def _on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    """Write the downloads into the HTML output; skipped when nothing they are made from has changed
    (rendering the charts takes seconds, and an unchanged rebuild should not)."""
    if exception is not None or app.builder.format != "html":
        return
    from . import edition
    from .build import PACKAGE_DIR
    from .evidence import data_dir, fingerprint, load
    from .exports import ROOT, clean_notebook, write_downloads

    root, prose = Path(app.srcdir), shown_values(app.env)
    notebooks = {doc: _executed(app, doc, path) for doc, path in _notebooks(app).items()}
    # the notebooks as readers get them, and the key taken from them (clean_notebook numbers the cell ids,
    # which myst-nb's reader draws at random), so an unchanged rebuild finds the same key and skips the charts
    written = {doc: clean_notebook(nb, prose.get(doc)) for doc, nb in notebooks.items()}
    digest = hashlib.sha256(fingerprint(data_dir()).encode() + json.dumps(written, sort_keys=True).encode())
    # everything the wheel, the citation and the source archive are made from (the archive is of the commit)
    for path in [*sorted(PACKAGE_DIR.glob("*.py")), ROOT / "CITATION.cff", root / "_toc.yml", root / "_config.yml",
                 root / "requirements.txt", root / "pyproject.toml", root / "setup.py", root / "book" / "references.bib",
                 *sorted(root.glob("LICENSE*")), *sorted(root.glob("RIGHTS*"))]:
        if path.is_file():
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
    digest.update(edition.commit(root).encode() + edition.commit(PACKAGE_DIR.parent).encode())
    key_file = Path(app.outdir).parent / "cjreport" / "downloads.key"
    target = Path(app.outdir) / DOWNLOADS
    if target.exists() and key_file.exists() and key_file.read_text() == digest.hexdigest():
        return
    write_downloads(target, written, load(), root)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(digest.hexdigest())


class ColophonDirective(SphinxDirective):
    """The colophon's tables (commit, build date, package versions, the sources' checksums), made at read time."""

    def run(self) -> list[nodes.Node]:
        from .exports import colophon

        self.env.metadata[self.env.docname]["cj-colophon"] = True
        container = nodes.container()
        self.state.nested_parse(StringList(colophon().text.splitlines(), source=self.env.docname), self.content_offset, container)
        return container.children


class RightsDirective(SphinxDirective):
    """The table of the source texts' authors and publishers (exports.rights), from data/sources.yaml."""

    def run(self) -> list[nodes.Node]:
        from .exports import rights

        container = nodes.container()
        self.state.nested_parse(StringList(rights().text.splitlines(), source=self.env.docname), self.content_offset, container)
        return container.children


def _always_reread_colophon(app: Sphinx, env: Any, added: set, changed: set, removed: set) -> list[str]:
    return [doc for doc, meta in env.metadata.items() if meta.get("cj-colophon") and doc not in removed]


# --- The PDF (LaTeX builder) -------------------------------------------------------------------------------

def edition(root: Path) -> tuple[str, str, str]:
    """(commit, date, year) of this build, for the title page: the commit checked out (marked when the
    tree has uncommitted changes) and the date the build is stamped with (SOURCE_DATE_EPOCH, set by
    cjreport.build from the commit's time). Outside git: "unversioned"."""
    import datetime

    from . import edition as editions

    stamp = editions.stamp() or datetime.datetime.now(datetime.timezone.utc)
    return editions.commit(root, short=True), f"{stamp.day} {stamp:%B %Y}", f"{stamp:%Y}"


def datetime_words(iso: str) -> str:
    """2026-12-06 -> 6 December 2026, as the title page writes dates."""
    import datetime

    day = datetime.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def _latex_edition(app: Sphinx, config: Any) -> None:
    """Define \\cjcommit, \\cjeditiondate and \\cjedityear, which the title page (_config.yml) prints."""
    from . import edition as editions

    commit, date, _ = edition(Path(app.confdir))
    # the citation's year is the edition's (CITATION.cff), as in the HTML book's "How to cite"
    year = editions.date_released(Path(app.confdir))[:4]
    released = datetime_words(editions.date_released(Path(app.confdir)))
    elements = dict(config.latex_elements)
    elements["preamble"] = (f"\\newcommand{{\\cjcommit}}{{{commit}}}\n\\newcommand{{\\cjeditiondate}}{{{date}}}\n"
                            f"\\newcommand{{\\cjedityear}}{{{year}}}\n"
                            f"\\newcommand{{\\cjedition}}{{{editions.version(Path(app.confdir))}}}\n"
                            f"\\newcommand{{\\cjreleased}}{{{released}}}\n" + elements.get("preamble", ""))
    config.latex_elements = elements


def _visit_root_header(self: Any, node: Any) -> None:
    # The introduction's own subheadings: unnumbered sections (jupyterbook-latex draws them as bold list items).
    self.body.append("\n\\section*{")


def _depart_root_header(self: Any, node: Any) -> None:
    self.body.append("}\n")


def _part_numbering(app: Sphinx, doctree: Any, docname: str) -> None:
    """Number parts and chapters as the HTML book does: parts by caption only, chapters of numbered parts
    1, 2, 3 … across parts, chapters of an unnumbered part (Reference) without numbers."""
    from docutils import nodes

    if app.builder.format != "latex" or docname != app.config.root_doc:
        return
    sitemap = getattr(app.config, "external_site_map", None)
    if sitemap is None:
        return
    numbered = {tree.caption: bool(tree.numbered) for tree in sitemap.root.subtrees}
    for section in list(doctree.findall(nodes.section)):
        caption = section.get("docname")
        if caption not in numbered or not section.children or not isinstance(section[0], nodes.title):
            continue
        # before the \\part: no "Part I" line; after it: chapter numbers on or off for this part
        section.parent.insert(section.parent.index(section),
                              nodes.raw("", "\\setcounter{secnumdepth}{-2}\n", format="latex"))
        section.insert(1, nodes.raw("", f"\\setcounter{{secnumdepth}}{{{2 if numbered[caption] else -1}}}\n",
                                    format="latex"))


def _bibliography_in_place(app: Sphinx, doctree: Any, docname: str) -> None:
    """jupyterbook-latex moves every bibliography to the end of the PDF, after whatever chapter comes last:
    put it back into the chapter that holds the bibliography directive."""
    from sphinx import addnodes
    from sphinx.builders.latex.nodes import thebibliography

    if app.builder.format != "latex" or docname != app.config.root_doc:
        return
    homes = {key.docname for key in app.env.get_domain("cite").bibliographies}
    targets = [node for node in doctree.findall(addnodes.start_of_file) if node.get("docname") in homes]
    if len(targets) != 1:
        return
    sections = [child for child in targets[0].children if child.tagname == "section"]
    for bib in [node for node in doctree.children if isinstance(node, thebibliography)]:
        doctree.remove(bib)
        (sections[0] if sections else targets[0]).append(bib)


def _breakable_literals(app: Sphinx, doctree: Any, docname: str) -> None:
    """A long unbroken code string (a checksum, a file path) may break across lines in the PDF: split it into
    pieces with a break allowed between them. The characters are unchanged, so a copy from the PDF matches."""
    from docutils import nodes

    if app.builder.format != "latex":
        return
    for literal in list(doctree.findall(nodes.literal)):
        text = literal.astext()
        if len(text) < 24 or " " in text or literal.children and not isinstance(literal[0], nodes.Text):
            continue
        pieces = []
        for start in range(0, len(text), 8):
            if pieces:
                pieces.append(nodes.raw("", "\\allowbreak{}", format="latex"))
            pieces.append(nodes.literal(text[start:start + 8], text[start:start + 8], classes=literal.get("classes", [])))
        literal.replace_self(pieces)


# Tables whose columns are the sources' fields, one row per source: on the page they are turned so each
# source is a column and each field a row (seven fields in eight narrow columns broke words letter by letter).
PRINT_TRANSPOSED = {"table-source-profiles"}


def _transpose_for_print(app: Sphinx, doctree: Any, docname: str) -> None:
    from docutils import nodes

    if app.builder.format != "latex":
        return
    for table in list(doctree.findall(nodes.table)):
        if not PRINT_TRANSPOSED & set(table.get("ids", [])):
            continue
        tgroup = next(iter(table.findall(nodes.tgroup)))
        head = [row for thead in tgroup.findall(nodes.thead) for row in thead.children]
        body = [row for tbody in tgroup.findall(nodes.tbody) for row in tbody.children]
        if len(head) != 1 or not body:
            continue
        columns = [list(head[0].children)] + [list(row.children) for row in body]  # one per source, then fields
        fields = len(columns[0])
        new = nodes.tgroup(cols=len(columns))
        first = 16
        for i in range(len(columns)):
            new += nodes.colspec(colwidth=first if i == 0 else (100 - first) // (len(columns) - 1))
        thead, tbody = nodes.thead(), nodes.tbody()
        thead += nodes.row("", *[column[0] for column in columns])
        for f in range(1, fields):
            tbody += nodes.row("", *[column[f] for column in columns])
        new += thead
        new += tbody
        tgroup.replace_self(new)


def setup(app: Sphinx) -> dict[str, Any]:
    # {eval}`name` in the prose: the same role in the book and in JupyterLab (cjreport/prose_values.py)
    app.setup_extension("cjreport.prose_values")
    app.add_directive("cj-colophon", ColophonDirective)
    app.add_directive("cj-rights", RightsDirective)
    app.connect("env-get-outdated", _always_reread_colophon)
    app.connect("build-finished", _on_build_finished)
    app.connect("doctree-resolved", _transpose_for_print)
    app.connect("config-inited", _on_config_inited, priority=100)
    app.connect("env-before-read-docs", _on_env_before_read_docs)
    app.connect("config-inited", _latex_edition, priority=900)
    app.connect("doctree-resolved", _part_numbering)
    app.connect("doctree-resolved", _bibliography_in_place)
    app.connect("doctree-resolved", _breakable_literals)
    from sphinx_jupyterbook_latex.nodes import RootHeader

    app.add_node(RootHeader, override=True, latex=(_visit_root_header, _depart_root_header))
    app.connect("builder-inited", _on_builder_inited)
    app.connect("html-page-context", _on_page_context)
    # citation tags on every page, and a root page with a title (before sphinx-external-toc's bare redirect)
    from . import page_meta

    app.connect("html-page-context", page_meta.on_page_context)
    app.connect("build-finished", page_meta.write_root_page, priority=400)
    app.add_css_file("cjreport.css")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
