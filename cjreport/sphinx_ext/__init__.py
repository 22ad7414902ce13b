"""Sphinx extension: serve every script the book needs from its own files, and link the PDF.

- Vega, Vega-Lite and vega-embed (vendored classic scripts in book/_static/vendor) and the book's chart
  loader, only on pages that hold a chart;
- jQuery and DataTables (vendored likewise), only on the page with the quotation index;
- links to the two PDFs (the report, the complete book) at the top of every page, and on every chapter a link to the chapter as an
  executed notebook;
- the downloads (cjreport/exports/) written into the HTML output when the build finishes;
- the {eval} role of the chapters' prose (cjreport/chapters.py and sphinx_ext/prose_values.py);
- the colophon directive, whose page is re-read on every build (commit and date are not in any source file).
"""

from __future__ import annotations

import hashlib
import json
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

from cjreport.chapters import is_notebook, notebook_name
from cjreport.data.bib import register_book_style
from cjreport.exports import DOWNLOADS
from cjreport.project import CACHE_MISS, PDF_NAME, REPORT_PDF_NAME, ROOT, package_files
from cjreport.sphinx_ext.prose_values import shown_values


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
register_book_style()  # the bibliography's own style (_config.yml bibtex_default_style)

# Classic scripts from book/_static (vendored UMD builds, see book/_static/vendor/README.md): Chromium runs
# them on file:// pages, where it refuses ES modules, so the book draws its charts opened from disk too.
CHART_SCRIPTS = ("vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js", "cjreport-charts.js")
TABLE_SCRIPTS = ("vendor/jquery.min.js", "vendor/dataTables.min.js", "cjreport-tables.js")


# Two of Jupyter Book's extensions do not say whether they are parallel-safe, so Sphinx reads every chapter in
# one process. Both are: sphinx_multitoc_numbering renumbers sections once the environment is merged, and
# sphinx_jupyterbook_latex acts only in the LaTeX builder's transforms. With them declared, `cjreport.jbook`'s
# parallel reading executes two chapters at once; the HTML is byte-identical to a serial build (measured).
PARALLEL_SAFE_UNDECLARED = ("sphinx_multitoc_numbering", "sphinx_jupyterbook_latex")


def _declare_parallel_safe(app: Sphinx) -> None:
    for name in PARALLEL_SAFE_UNDECLARED:
        extension = app.extensions.get(name)
        if extension is not None and extension.parallel_read_safe is None:
            extension.parallel_read_safe = extension.parallel_write_safe = True


def _create_execution_cache(app: Sphinx) -> None:
    """Create the execution cache's database before the parallel readers start: each would otherwise create its
    tables at once ("table nbcache already exists")."""
    if app.config.nb_execution_mode != "cache":
        return
    from jupyter_cache import get_cache

    get_cache(app.config.nb_execution_cache_path or str(Path(app.outdir).parent / ".jupyter_cache")).list_cache_records()


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
    report = context["pathto"](f"_static/{REPORT_PDF_NAME}", 1)
    notebook = ""
    if pagename in _notebooks(app):
        href = context["pathto"](f"{DOWNLOADS}/{notebook_name(pagename)}", 1)
        notebook = f' · <a href="{href}" download>Download this chapter as a notebook (.ipynb)</a>'

    # docutils marks the bibliography role="list" around doc-biblioentry items, which axe-core rates a
    # critical ARIA error (a list must own listitems); the entries keep their own roles.
    body = body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')
    body = languages_marked(body)  # after the replace above: BeautifulSoup reorders attributes
    context["body"] = (
        f'<p class="cj-pdf-link">PDF: <a href="{report}" download>the report</a> · '
        f'<a href="{pdf}" download>the complete book</a>{notebook}</p>\n' + body
    )


def tables_for_reading(body: str) -> str:
    """Tables a reader can use on any screen.

    Every table the theme wraps for horizontal scrolling becomes a labelled, keyboard-reachable region, as
    WCAG advises for content that scrolls (its label is the table's caption); tables marked `cj-cards` also
    carry their column labels on each cell, so that on a phone the stylesheet shows each row as a card.
    """
    from bs4 import BeautifulSoup

    from cjreport.sphinx_ext.reading import break_points

    soup = BeautifulSoup(body, "html.parser")
    for box in soup.select("div.pst-scrollable-table-container"):
        caption = box.select_one("caption .caption-text")
        label = caption.get_text(" ", strip=True) if caption else "Table"
        box["role"] = "region"
        box["tabindex"] = "0"
        box["aria-label"] = f"{label} (scrolls sideways on a narrow screen)"
    for table in soup.select("table"):
        break_points(soup, table)  # an e-mail address or an id breaks after its punctuation, not in a word
    for table in soup.select("table.cj-cards"):
        labels = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        for row in table.select("tbody tr"):
            for label, cell in zip(labels, row.find_all("td", recursive=False)):
                cell["data-label"] = label
    return str(soup)


def languages_marked(body: str) -> str:
    """Every run of Chinese or Japanese text on the page carries its lang (cjreport/sphinx_ext/reading.py): the
    sources' own words (001's language switcher, in the sources table, the appendix, the bibliography)."""
    from cjreport.sphinx_ext.reading import CJK_RUN, mark_languages

    if not CJK_RUN.search(body):
        return body
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    mark_languages(soup)
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


from cjreport.data.citation import titled  # noqa: E402,F401 - the title's count of sources: one rule, in citation.py


def _on_config_inited(app: Sphinx, config: Any) -> None:
    """Write the sources' BibTeX from data/ into this build's own directory, before sphinxcontrib-bibtex reads
    its files, so a new source needs no hand-made entry and two builds never share the file. (The titles'
    count of sources: titled() here and in _on_env_before_read_docs; the introduction's heading computes its own.)"""
    from cjreport.data import bib
    from cjreport.data.evidence import load

    evidence = load()
    path = Path(app.doctreedir).parent / "cjreport" / "sources.bib"
    bib.write(evidence, path)
    config.bibtex_bibfiles = [str(path), *config.bibtex_bibfiles]
    n = len(evidence.sources)
    config.project = titled(config.project, n)
    config.html_title = titled(config.html_title or config.project, n)


def _on_env_before_read_docs(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """Jupyter Book sets the PDF's title after config-inited: correct its count of sources here, before writing."""
    from cjreport.data.evidence import load

    n = len(load().sources)
    app.config.latex_documents = [(doc[0], doc[1], titled(doc[2], n), *doc[3:]) for doc in app.config.latex_documents]


def _notebooks(app: Sphinx) -> dict[str, Path]:
    """This build's notebook pages: myst-nb writes each beside the output directory (jupyter_execute/). A page
    counts only while its front matter names a kernel: jupyter_execute/ keeps the copy of a page that has
    stopped being a notebook, and an incremental build then offered it for download (a page given a Jupytext
    header and then rid of it kept its download link until a clean build)."""
    executed = Path(app.outdir).parent / "jupyter_execute"
    root = Path(app.srcdir)
    found = {doc: executed / f"{doc}.ipynb" for doc in sorted(app.env.found_docs)
             if (root / f"{doc}.md").is_file() and is_notebook(doc, root)}
    return {doc: path for doc, path in found.items() if path.exists()}


def _executed(app: Sphinx, docname: str, written: Path) -> str:
    """A chapter as executed, nbformat JSON. myst-nb writes jupyter_execute/<doc>.ipynb from the notebook it
    read, so a chapter it took from the execution cache is written there without a single output; the cache
    holds the executed chapter, matched on the text the build read (the prose's values cell included)."""
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook

    from cjreport.chapters import with_values_cell

    folder = app.config.nb_execution_cache_path or str(Path(app.outdir).parent / ".jupyter_cache")
    if app.config.nb_execution_mode != "cache" or not Path(folder).exists():
        return written.read_text(encoding="utf-8")
    text, _ = with_values_cell((Path(app.srcdir) / f"{docname}.md").read_text(encoding="utf-8"))
    try:
        _, notebook = get_cache(folder).merge_match_into_notebook(read_myst_markdown_notebook(text))
    except KeyError:
        raise RuntimeError(f"{docname}.md: {CACHE_MISS} ({folder}); run `make book` again") from None
    return nbformat.writes(notebook)


def _on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    """Write the downloads into the HTML output; skipped when nothing they are made from has changed
    (rendering the charts takes seconds, and an unchanged rebuild should not)."""
    if exception is not None or app.builder.format != "html":
        return
    from cjreport import edition
    from cjreport.data.evidence import data_dir, fingerprint, load
    from cjreport.exports import clean_notebook, write_downloads

    root, prose = Path(app.srcdir), shown_values(app.env)
    chapters = _notebooks(app)
    # The key is taken from what the downloads are made of — the chapters' text, the values their prose showed,
    # the data, the package, the pinned requirements, what the wheel, the citation and the source archive are
    # made of (the archive is of the commit) — not from the executed notebooks: a chapter's outputs are a
    # function of these (the execution cache rests on the same premise), and reading 15 executed chapters back
    # out of the cache took most of an unchanged rebuild.
    digest = hashlib.sha256(fingerprint(data_dir()).encode() + json.dumps(prose, sort_keys=True).encode())
    for path in [*package_files(), ROOT / "CITATION.cff", root / "_toc.yml", root / "_config.yml",
                 root / "requirements.txt", root / "pyproject.toml", root / "setup.py", root / "book" / "references.bib",
                 *sorted(root.glob("LICENSE*")), *sorted(root.glob("RIGHTS*")),
                 *(Path(app.srcdir) / f"{doc}.md" for doc in chapters)]:
        if path.is_file():
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
    digest.update(edition.commit(root).encode() + edition.commit(ROOT).encode())
    key_file = Path(app.outdir).parent / "cjreport" / "downloads.key"
    target = Path(app.outdir) / DOWNLOADS
    if target.exists() and key_file.exists() and key_file.read_text() == digest.hexdigest():
        return
    # the notebooks as readers get them (clean_notebook also numbers the cell ids, which myst-nb draws at random)
    written = {doc: clean_notebook(_executed(app, doc, path), prose.get(doc)) for doc, path in chapters.items()}
    write_downloads(target, written, load(), root)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(digest.hexdigest())


class ColophonDirective(SphinxDirective):
    """The colophon's tables (commit, build date, package versions, the sources' checksums), made at read time."""

    def run(self) -> list[nodes.Node]:
        from cjreport.exports import colophon

        self.env.metadata[self.env.docname]["cj-colophon"] = True
        container = nodes.container()
        self.state.nested_parse(StringList(colophon().text.splitlines(), source=self.env.docname), self.content_offset, container)
        return container.children


class RightsDirective(SphinxDirective):
    """The table of the source texts' authors and publishers (exports.rights), from data/sources.yaml."""

    def run(self) -> list[nodes.Node]:
        from cjreport.exports import rights

        container = nodes.container()
        self.state.nested_parse(StringList(rights().text.splitlines(), source=self.env.docname), self.content_offset, container)
        return container.children


def _always_reread_colophon(app: Sphinx, env: Any, added: set, changed: set, removed: set) -> list[str]:
    return [doc for doc, meta in env.metadata.items() if meta.get("cj-colophon") and doc not in removed]


# --- The PDF (the print form of tables) ----------------------------------------------------------------

PRINT_TRANSPOSED = {"table-source-profiles"}


def _transpose_for_print(app: Sphinx, doctree: Any, docname: str) -> None:
    from docutils import nodes

    if app.builder.format not in ("latex", "typst"):
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
    from cjreport.data.bib import cache_plugin_lookups

    cache_plugin_lookups()  # sphinxcontrib-bibtex asks pybtex for plug-ins some 200 times a build
    # {eval}`name` in the prose: the same role in the book and in JupyterLab (cjreport/chapters.py)
    app.setup_extension("cjreport.sphinx_ext.prose_values")
    # the PDF edition: Typst, tagged PDF/UA-1 (cjreport/sphinx_ext/typst_pdf.py)
    app.setup_extension("cjreport.sphinx_ext.typst_pdf")
    app.add_directive("cj-colophon", ColophonDirective)
    app.add_directive("cj-rights", RightsDirective)
    app.connect("env-get-outdated", _always_reread_colophon)
    app.connect("build-finished", _on_build_finished)
    app.connect("doctree-resolved", _transpose_for_print)
    app.connect("config-inited", _on_config_inited, priority=100)
    app.connect("env-before-read-docs", _on_env_before_read_docs)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("builder-inited", _declare_parallel_safe)
    app.connect("builder-inited", _create_execution_cache)
    app.connect("html-page-context", _on_page_context)
    # citation tags on every page, and a root page with a title (before sphinx-external-toc's bare redirect)
    from cjreport.sphinx_ext import page_meta

    app.connect("html-page-context", page_meta.on_page_context)
    app.connect("build-finished", page_meta.write_root_page, priority=400)
    app.add_css_file("cjreport.css")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
