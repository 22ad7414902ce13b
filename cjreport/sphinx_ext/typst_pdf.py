"""The PDF edition through Typst: a tagged PDF/UA-1 file, built offline (no TeX).

sphinxcontrib-typstbuilder (pinned) turns the Sphinx doctree into Typst markup; the `typst` package (the
compiler as a Python binding) compiles it with its PDF/UA-1 standard on, so the file carries its structure
tree (headings, paragraphs, lists, block quotations, tables with header cells, figures with alternative text),
its language, title and bookmarks. What this module adds to the builder, and why:

- Jupyter Book 1 runs Sphinx 7, which writes page by page (`Builder.write`), where the builder expects Sphinx
  8's `write_documents`; Sphinx 7's `copy_asset_file` has no `force`; on Python 3.11
  `importlib.resources.as_file` fails on the builder's template folder (a namespace package). The builder
  below writes the one book, copies with shutil, and takes its template from book/_typst/ (the stock templates
  import packages from Typst Universe, which an offline build cannot fetch).
- The book's own structure: part titles from _toc.yml's captions, an "Introduction" heading for the root page,
  chapter numbers as the HTML book has them (numbered parts only), figure and table numbers as Sphinx gives
  them (the prose's "Fig. 1.1" references match the captions), images with their alternative text (the
  builder drops `alt`), text in Chinese or Japanese marked with its language (cjreport/views/cjk.py).
- Charts (cjreport/charts.py `Figure`): the output offers its print form as SVG (Typst refuses PDF images in
  PDF/UA mode); the chart's alternative text and "the data behind this chart", which the HTML edition keeps in
  its text/html form, are taken from there, so the PDF prints the same table under the chart.

Under PDF/UA-1 Typst itself refuses an image without alternative text and a character no font can draw: the
build stops (one line, SphinxError) rather than write such a file. Chinese is set in AR PL UMing, a TrueType
font: with Noto CJK (CID-keyed CFF whose glyphs take their default width from one of several private
dictionaries) page-validation reported PDFUA1-FONT-GLYPH-WIDTH-001 ("CID 1 width 0.000 in its embedded
CIDFontType0C program but 1000.000 in /W"), while fontTools reads that glyph's width in the embedded program as
1000 (the defaultWidthX of its own font dictionary): the checker reads the wrong private dictionary, the file
is consistent, and a font with glyf outlines leaves nothing for it to misread.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import SphinxError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.nodes import inline_all_toctrees
from sphinxcontrib_typstbuilder._builder import TypstBuilder
from sphinxcontrib_typstbuilder._writer import TypstTranslator, escape_str

from cjreport.data.schema import QUOTE_ID
from cjreport.views import cjk

logger = logging.getLogger(__name__)

TEMPLATE = "cjreport"
TEMPLATE_DIR = "book/_typst"  # relative to the book's root (Sphinx's srcdir)
PDF_STANDARD = "ua-1"
COMPLETE_PAGES = "complete-pages.json"  # in the report's folder: where the complete book's labels fell
DATA_LINE_CHARS = 85  # characters of a table's 8.5 pt type in a line of the text block, cell padding deducted


class part(nodes.Element):
    """A part of the book (a caption of _toc.yml): a level-1 heading before its chapters."""


def _source_date() -> int | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(epoch) if epoch.isdigit() else None


class BookTypstBuilder(TypstBuilder):
    """The builder, fitted to Sphinx 7 and Python 3.11, writing and compiling the one book."""

    name = "typst"
    # PDF/UA-1 takes no PDF images in Typst; the book's charts come as SVG.
    supported_image_types = ["image/svg+xml", "image/png", "image/jpeg"]

    # the document being written: "complete" (the whole book) or "report" (_documents below)
    document = "complete"

    def write(self, *ignored: Any, **kwignored: Any) -> None:
        # Sphinx 7 calls write(); each document is assembled from the root page's toctrees.
        self.write_documents(set())

    def _write_doc(self, startdocname: str, targetname: str, title: str, template: str, appendices: list[str],
                   extra_metadata: dict[str, Any]) -> None:
        self.document = extra_metadata.get("document", "complete")
        super()._write_doc(startdocname, targetname, title, template, appendices, extra_metadata)

    def _assemble_doctree(self, startdocname: str, appendices: list[str]) -> nodes.document:
        from cjreport.project import REPORT_LEAVES_OUT, REPORT_REFERENCE_PAGES

        self.docnames = {startdocname, *appendices}
        tree = self.env.get_doctree(startdocname)
        if self.document == "report":
            for ident in REPORT_LEAVES_OUT:
                found = [s for s in tree.findall(nodes.section) if ident in s["ids"]]
                if not found:  # a renamed heading would otherwise slip back into the report unnoticed
                    raise SphinxError(f"{startdocname}: no section #{ident} to leave out of the report "
                                      "(cjreport/project.py REPORT_LEAVES_OUT)")
                for section in found:
                    section.parent.remove(section)
        captioned = [toctree for toctree in tree.findall(addnodes.toctree) if toctree.get("caption")]
        for index, toctree in enumerate(captioned):
            if self.document == "report" and index > 0:
                # the report: its own part whole, and of the rest only the reference pages its prose cites
                keep = [entry for entry in toctree["entries"] if entry[1] in REPORT_REFERENCE_PAGES]
                if not keep:
                    toctree.parent.remove(toctree)
                    continue
                toctree["entries"] = keep
                toctree["includefiles"] = [docname for _, docname in keep]
            marker = part(caption=toctree["caption"], numbered=bool(toctree.get("numbered")))
            toctree.parent.insert(toctree.parent.index(toctree), marker)
        tree = inline_all_toctrees(self, self.docnames, startdocname, tree, lambda s: s, [startdocname])
        tree["docname"] = startdocname
        self._fresh_citation_nodes()
        self.env.resolve_references(tree, startdocname, self)
        if self.document == "report":
            drop_uncited_entries(tree)
        return tree

    def _fresh_citation_nodes(self) -> None:
        """sphinxcontrib-bibtex fills the bibliography with citation nodes it keeps in its domain, adding a label
        and the entry to each node every time it runs: the second document's bibliography had each entry twice
        (and Typst refused it, "unexpected argument"). Each document gets copies of the nodes as they were."""
        bibliographies = getattr(self.env.domains.get("cite"), "bibliographies", {})
        if not hasattr(self, "_pristine_citations"):
            self._pristine_citations = {key: {name: node.deepcopy() for name, node in value.citation_nodes.items()}
                                        for key, value in bibliographies.items()}
        for key, value in bibliographies.items():
            value.citation_nodes.update({name: node.deepcopy()
                                         for name, node in self._pristine_citations.get(key, {}).items()})

    def _copy_images(self, outdir: Path) -> None:
        for image, name in self.images.items():
            shutil.copyfile(Path(self.srcdir) / image, outdir / name)

    def _copy_download_files(self, outdir: Path) -> None:
        # the downloads belong to the HTML edition; the PDF names them and attaches none
        return

    def _copy_template(self, template_name: str, outdir: Path) -> None:
        source = Path(self.srcdir) / TEMPLATE_DIR
        if not (source / f"{template_name}.typ").is_file():
            raise SphinxError(f"{TEMPLATE_DIR}/{template_name}.typ: no such Typst template")
        shutil.copytree(source, outdir / "templates", dirs_exist_ok=True)

    def _write_metadata(self, title: str, extra_metadata: dict[str, Any], outdir: Path) -> None:
        import datetime

        from cjreport import edition as editions
        from cjreport.project import edition

        commit, date, year = edition(Path(self.confdir))
        released = datetime.date.fromisoformat(editions.date_released(Path(self.confdir)))
        stamp = _source_date() or int(time.time())
        day = time.gmtime(stamp)
        metadata = {
            "title": title,
            "author": self.config.author,
            "language": self.config.language or "en",
            "date": {"year": day.tm_year, "month": day.tm_mon, "day": day.tm_mday},
            "commit": commit,
            "edition_date": date,
            "year": year,
            # the edition's identifier, from CITATION.cff (cjreport/edition.py): "1.0.0", "6 December 2026"
            "version": editions.version(Path(self.confdir)),
            "released": f"{released.day} {released:%B %Y}",
            **extra_metadata,
        }
        (outdir / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False, indent=1), encoding="utf-8")

    def finish(self) -> None:
        """Compile each written document to PDF/UA-1 beside its folder: <outdir>/<targetname>.pdf. The complete
        book comes first: where each of its labels fell (page) is what the report's links into it need."""
        import typst

        complete: dict[str, Any] = {}
        for document in self.config.typst_documents:
            target = document["targetname"]
            folder = Path(self.outdir) / target
            if document.get("metadata", {}).get("document") == "report":
                (folder / COMPLETE_PAGES).write_text(json.dumps(complete, ensure_ascii=False), encoding="utf-8")
            started = time.perf_counter()
            try:
                compiler = typst.Compiler(str(folder / f"{target}.typ"), root=str(folder))
                compiler.compile(output=str(Path(self.outdir) / f"{target}.pdf"), pdf_standards=[PDF_STANDARD],
                                 timestamp=_source_date())
                if document.get("metadata", {}).get("document") == "complete":
                    # the template's <cj-label-pages>: every label → [physical page, printed page number]
                    pages = json.loads(compiler.query("<cj-label-pages>", field="value", one=True))
                    complete = {"pdf": f"{target}.pdf", "labels": pages}
            except Exception as exc:  # Typst reports one message per problem; the build stops on the first
                message = " ".join(str(exc).split())
                raise SphinxError(f"typst: {folder / target}.typ: {message[:600]}") from None
            logger.info(f"typst: {target}.pdf ({PDF_STANDARD}) in {time.perf_counter() - started:.1f} s")


def _figure_number(env: Any, docname: str, kind: str, ids: list[str]) -> str | None:
    numbers = env.toc_fignumbers.get(docname, {}).get(kind, {})
    for ident in ids:
        if ident in numbers:
            return ".".join(map(str, numbers[ident]))
    return None


class BookTypstTranslator(TypstTranslator):
    """The builder's translator, with the book's headings, numbers, alternative text and languages."""

    def __init__(self, document: nodes.document, builder: Any) -> None:
        super().__init__(document, builder)
        self.numbered_part = False

    # Headings: Introduction and the parts at level 1, chapters at 2, their sections at 3 and below.

    def _local_depth(self, node: nodes.Element) -> int:
        """How deep a section is inside its own page (the page's title section is 1)."""
        depth, parent = 0, node.parent
        while parent is not None and not isinstance(parent, (addnodes.start_of_file, nodes.document)):
            if isinstance(parent, nodes.section):
                depth += 1
            parent = parent.parent
        return depth

    def visit_title(self, node: nodes.Element) -> None:
        if not isinstance(node.parent, nodes.section):
            return super().visit_title(node)
        depth = self._local_depth(node)
        root = len(self.curr_files) == 1
        if root and depth == 1:
            # the root page's title is the book's (on the title page); its text is the introduction
            self.this_is_the_title = False
            self.curr_element().body.append("#chapter-break()\n")
            self.append_block_fun(node, name="heading", named_params={"level": "1", "numbering": "none"},
                                  positional_params=[], body=["Introduction"])
            self.absorb_fun_in_body()
            raise nodes.SkipNode
        params = {"level": str(depth if root else depth + 1)}
        if not root and depth == 1:
            self.curr_element().body.append("#chapter-break()\n")  # a chapter starts on a new page
            params["supplement"] = "[Chapter]"  # the template keeps a chapter's title above its charts
        if root or not self.numbered_part:
            params["numbering"] = "none"
        self.append_block_fun(node, name="heading", named_params=params)

    def visit_part(self, node: part) -> None:
        self.numbered_part = node["numbered"]
        self.curr_element().body.append(f"#part({escape_str(node['caption'])})\n")
        raise nodes.SkipNode

    # Figures and tables carry Sphinx's numbers ("Fig. 1.1", "Table 2.1"), as the prose's references do.

    def visit_figure(self, node: nodes.Element) -> None:
        number = _figure_number(self.builder.env, self.curr_files[-1], "figure", node["ids"])
        self.append_block_fun(node, name="book-figure",
                              named_params={"number": escape_str(f"Fig. {number}") if number else "none"})

    def visit_table(self, node: nodes.Element) -> None:
        super().visit_table(node)
        # the widths the chapter gave (list-table :widths:, or data_table's for a chart's data) as fractions of the line
        self.curr_element().colwidths_given = True
        number = _figure_number(self.builder.env, self.curr_files[-1], "table", node["ids"])
        self.curr_element().name = "book-table"
        self.curr_element().named_params["number"] = escape_str(f"Table {number}") if number else "none"

    def visit_image(self, node: nodes.Element) -> None:
        super().visit_image(node)
        alt = (node.get("alt") or "").strip()
        if alt:
            self.curr_element().named_params["alt"] = escape_str(alt)

    # A link from the report to a page it leaves out opens the complete book at that page (the template's
    # complete-link, which prints that page's number beside the link).

    def visit_reference(self, node: nodes.Element) -> None:
        target = node.get("refuri", "")
        outside = (self.builder.document == "report" and target.startswith("%") and "refid" not in node
                   and target[1:].split("#")[0] not in self.builder.docnames)
        if not outside:
            return super().visit_reference(node)
        # a quotation's place in its source's full text: its number (Q12), the link's text, is its printed reference
        quotation = re.match(QUOTE_ID, target.partition("#")[2]) is not None
        self.append_inline_fun(node, name="complete-link", positional_params=[escape_str(target)],
                               named_params={"page": "false"} if quotation else {})

    # myst-nb wraps an output's inline text in this element: its text is printed as it is.
    def visit_PassthroughTextElement(self, node: nodes.Element) -> None:  # noqa: N802
        pass

    def depart_PassthroughTextElement(self, node: nodes.Element) -> None:  # noqa: N802
        pass

    # Text: passages in Chinese or Japanese marked with their language (and set in a font for it).

    def visit_Text(self, node: nodes.Text) -> None:  # noqa: N802
        for piece, language in cjk.runs(node.astext()):
            if language is None:
                self.curr_element().body.append("#" + escape_str(piece))
            else:
                self.curr_element().body.append(f"#cjk({escape_str(language.tag)}, {escape_str(piece)})")


class ChartsForPrint(SphinxPostTransform):
    """A chart's print form (SVG) with the alternative text and the data table of its HTML form.

    Runs before myst-nb picks one form of each output for the builder (SelectMimeType, priority 4).
    """

    default_priority = 3
    builders = ("typst",)

    def run(self, **kwargs: Any) -> None:
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            forms = {child.get("mime_type"): child for child in bundle.children}
            html, svg = forms.get("text/html"), forms.get("image/svg+xml")
            if html is None or svg is None or "cj-chart" not in html.astext():
                continue
            soup = BeautifulSoup(html.astext(), "html.parser")
            chart = soup.select_one("div.cj-chart")
            images = list(svg.findall(nodes.image))
            if chart is None or len(images) != 1:
                continue
            images[0]["alt"] = chart.get("aria-label", "")
            # the print variant is drawn exactly as wide as the text block (charts.py PRINT_WIDTH_PT) in SVG px,
            # which Typst reads as 0.75 pt: printed at the column's width, an SVG px is a pt again
            images[0]["width"] = "100%"
            table = soup.select_one("table.cj-chart-data")
            figure = bundle.parent
            while figure is not None and not isinstance(figure, nodes.figure):
                figure = figure.parent
            bundle.replace_self(images[0])
            anchor = figure if figure is not None else images[0]
            if chart.get("data-printed-in"):
                # the data is printed in a table elsewhere in the book: say where, instead of printing it twice
                text = f"{_data_title(figure, self.env)}: {chart['data-printed-in']}."
                anchor.parent.insert(anchor.parent.index(anchor) + 1, nodes.paragraph(text, text))
            elif table is not None:
                anchor.parent.insert(anchor.parent.index(anchor) + 1, data_table(table, figure, self.env))


def _data_title(figure: nodes.figure | None, env: Any) -> str:
    number = None
    if figure is not None:
        for doc in env.toc_fignumbers:
            number = _figure_number(env, doc, "figure", figure["ids"])
            if number:
                break
    return f"The data behind Fig. {number}" if number else "The data behind the chart above"


def data_table(table: Any, figure: nodes.figure | None, env: Any) -> nodes.table:
    """The chart's data (an HTML table from pandas) as a docutils table with a header row."""
    heads = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"], recursive=False)]
            for tr in table.select("tbody tr")]
    title = _data_title(figure, env)
    result = nodes.table(classes=["cj-chart-data"])
    result += nodes.title(title, title)
    group = nodes.tgroup(cols=len(heads))
    result += group
    # Each column at least as wide as its longest word (a date, a name: they cannot break), the rest of the line
    # shared by the cells' mean length (a quotation wide, a stance narrow). Widths in characters of the tables'
    # type, of which a line of the text block holds about DATA_LINE_CHARS.
    columns = [[head] + [row[i] for row in rows if i < len(row)] for i, head in enumerate(heads)]
    least = [max(len(word) for cell in cells for word in cell.split() or [""]) + 1 for cells in columns]
    means = [sum(map(len, cells[1:] or cells)) / len(cells[1:] or cells) for cells in columns]
    spare = max(0.0, DATA_LINE_CHARS - sum(least))
    for low, mean in zip(least, means):
        group += nodes.colspec(colwidth=round(10 * (low + spare * mean / (sum(means) or 1))))
    thead, tbody = nodes.thead(), nodes.tbody()
    thead += _row(heads)
    for row in rows:
        tbody += _row(row)
    group += thead
    group += tbody
    return result


def _row(cells: list[str]) -> nodes.row:
    row = nodes.row()
    for text in cells:
        entry = nodes.entry()
        entry += nodes.paragraph(text, text)
        row += entry
    return row


def _documents(app: Sphinx, config: Any) -> None:
    """Two documents, under the names the HTML links to: the complete book from its root page, and the report on
    its own (cjreport/project.py REPORT_PDF_NAME says what it holds)."""
    from cjreport.project import PDF_NAME, REPORT_PDF_NAME

    title = config.html_title or config.project
    config.typst_documents = [
        {"startdocname": config.root_doc, "targetname": PDF_NAME.removesuffix(".pdf"), "title": title,
         "template": TEMPLATE, "metadata": {"document": "complete"}},
        {"startdocname": config.root_doc, "targetname": REPORT_PDF_NAME.removesuffix(".pdf"), "title": title,
         "template": TEMPLATE, "metadata": {"document": "report", "complete": PDF_NAME}},
    ]
    config.typst_template = TEMPLATE
    # a reference to a page the report leaves out keeps its target, for BookTypstTranslator.visit_reference
    config.typst_ignore_outside_references = False


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib_typstbuilder")
    app.add_builder(BookTypstBuilder, override=True)
    # The translator is the builder's own default, not registered with app.set_translator: pydata-sphinx-theme
    # wraps the HTML translator (adding aria-level to every role="heading") only while no translator is registered,
    # and a registered one for typst left the HTML sidebar's captions without it (axe: aria-required-attr).
    BookTypstBuilder.default_translator_class = BookTypstTranslator
    app.add_node(part)
    app.add_post_transform(ChartsForPrint)
    app.connect("config-inited", _documents, priority=950)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


def drop_uncited_entries(tree: nodes.document) -> None:
    """The report's bibliography keeps only the works the report cites: a 42nd reading found about twenty entries
    cited only in the complete book printed in the report, with no sentence there citing them. A work is cited by
    a {cite} role (a reference to its entry) or, in the chapters' plain author-year form, by its label's author and
    year ("Kyodo News, 2022"), as the bibliography prints them."""
    citations = list(tree.findall(nodes.citation))
    if not citations:
        return
    referred = {node.get("refid") or node.get("refuri", "").rpartition("#")[2] for node in tree.findall(nodes.reference)}
    # the text squashed as a whole: a soft line break is an empty node between two, and a 44th reading found
    # "(China.org.cn, 2011)" and a citation split over two lines missing from the report's bibliography
    text = " ".join(" ".join(node.astext() for node in tree.findall(nodes.Text)
                             if not any(isinstance(a, nodes.citation) for a in _ancestors(node))).split())
    text = text.replace("’", "'")
    for citation in citations:
        author, _, year = citation.children[0].astext().strip("[]").rpartition(" ")
        # two works of one author and year are labelled "n.d.-a" and "n.d.-b"; the chapters' plain form cites
        # "MGIMO University, n.d.", so it keeps both (the 44th reading found both left out)
        year = re.sub(r"-[a-z]$", "", year)
        if not (set(citation["ids"]) & referred or f"{author.replace('’', chr(39))}, {year}" in text):
            citation.parent.remove(citation)


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node
