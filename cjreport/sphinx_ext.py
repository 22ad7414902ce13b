"""Sphinx extension: serve every script the book needs from its own files, and link the PDF.

- the Vega/Vega-Lite/vega-embed bundle from vl-convert, written once per book as _static/cjreport/charts.js
  and loaded (as an ES module) only on pages that hold a chart;
- DataTables from itables' offline bundle, loaded only on pages with the quotation index;
- a "Download PDF" link at the top of every page.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sphinxcontrib.bibtex.plugin
from sphinx.application import Sphinx
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle


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

STATIC = "cjreport"
PDF_NAME = "china-japan-security.pdf"

# Draws every chart container on the page. The Vega-Lite spec travels in a JSON script tag next to the
# container, so a page never carries a copy of the library, only its own specs.
CHART_LOADER = """
async function drawCharts() {
  for (const box of document.querySelectorAll('.cj-chart')) {
    const target = box.querySelector('.cj-chart-canvas');
    const spec = JSON.parse(box.querySelector('script.cj-chart-spec').textContent);
    try {
      await vegaEmbed(target, spec, {renderer: 'svg', actions: false});
      box.dataset.drawn = 'true';
    } catch (err) {
      box.dataset.drawn = 'error';
      console.error('chart ' + box.id + ': ' + err);
    }
  }
}
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', drawCharts);
} else {
  drawCharts();
}
"""

TABLE_LOADER = """
import DataTable from './dt_bundle.js';
for (const table of document.querySelectorAll('table.cj-datatable')) {
  new DataTable(table, {paging: true, pageLength: 25, order: [], autoWidth: false});
}
"""


def _write_assets(outdir: Path) -> None:
    import vl_convert

    target = outdir / "_static" / STATIC
    target.mkdir(parents=True, exist_ok=True)
    # Bundling takes a second; redo it only when vl-convert or the loader changed (outdir outlives a build).
    bundle, key_file = target / "charts.js", target / "charts.js.key"
    key = f"{vl_convert.__version__} {hashlib.sha256(CHART_LOADER.encode()).hexdigest()}\n"
    if not bundle.exists() or not key_file.exists() or key_file.read_text() != key:
        bundle.write_text(vl_convert.javascript_bundle(CHART_LOADER), encoding="utf-8")
        key_file.write_text(key)
    itables_html = Path(__import__("itables").__file__).parent / "html"
    for name in ("dt_bundle.js", "dt_bundle.css"):
        shutil.copyfile(itables_html / name, target / name)
    (target / "tables.js").write_text(TABLE_LOADER, encoding="utf-8")


def _on_builder_inited(app: Sphinx) -> None:
    if app.builder.format == "html":
        _write_assets(Path(app.outdir))
        # myst-nb copies its stylesheet only when the build ends; pages written before it exists lack the
        # ?v= checksum that pages of a later, incremental build get. Copy it first, so every build matches.
        from myst_nb.sphinx_ext import add_global_html_resources

        add_global_html_resources(app, None)


def _on_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if app.builder.format != "html" or "body" not in context:
        return
    body: str = context["body"]
    if "cj-chart" in body:
        app.add_js_file(f"{STATIC}/charts.js", type="module")
    if "cj-datatable" in body:
        # the index needs the width the page-contents sidebar would take; it has no sections anyway
        context["theme_secondary_sidebar_items"] = []
        app.add_css_file(f"{STATIC}/dt_bundle.css")
        app.add_js_file(f"{STATIC}/tables.js", type="module")
    _drop_kernel_assets(context)
    pdf = context["pathto"](f"_static/{PDF_NAME}", 1)
    # docutils marks the bibliography role="list" around doc-biblioentry items, which axe-core rates a
    # critical ARIA error (a list must own listitems); the entries keep their own roles.
    body = body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')
    context["body"] = (
        f'<p class="cj-pdf-link"><a href="{pdf}" download>Download PDF</a> of the whole book</p>\n' + body
    )


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
    its files, so a new source needs no hand-made entry and two builds never share the file; and take the
    count of sources in the title from the data (`{{ n_sources }}` in a chapter, the HTML and PDF titles)."""
    from . import bib
    from .evidence import load

    evidence = load()
    path = Path(app.doctreedir).parent / "cjreport" / "sources.bib"
    bib.write(evidence, path)
    config.bibtex_bibfiles = [str(path), *config.bibtex_bibfiles]
    n = len(evidence.sources)
    config.project = titled(config.project, n)
    config.html_title = titled(config.html_title or config.project, n)
    config.myst_substitutions = {**(getattr(config, "myst_substitutions", None) or {}),
                                 "n_sources": count_words(n), "n_sources_capital": count_words(n).capitalize()}


def _on_env_before_read_docs(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """Jupyter Book sets the PDF's title after config-inited: correct its count of sources here, before writing."""
    from .evidence import load

    n = len(load().sources)
    app.config.latex_documents = [(doc[0], doc[1], titled(doc[2], n), *doc[3:]) for doc in app.config.latex_documents]


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _on_config_inited, priority=100)
    app.connect("env-before-read-docs", _on_env_before_read_docs)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("html-page-context", _on_page_context)
    app.add_css_file("cjreport.css")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
