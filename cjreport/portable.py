"""A downloaded chapter that reads anywhere: nbconvert (what nbviewer uses), GitHub's preview, VS Code and a
plain JupyterLab render Markdown cells as CommonMark and draw no chart that needs the book's JavaScript.

The chapters in book/ stay MyST; only the downloads are converted, from the executed notebook:

- Markdown cells: the MyST is rendered by myst-parser's docutils parser with the stand-ins of
  jupyter_html.py (citations as "Author (year)", cross-references as links to the book's pages, cards as
  boxes), the {eval} values the page showed are put in their place, and the HTML is written back as CommonMark
  with markdownify. A "References" cell at the end lists every work the chapter cites.
- Outputs in MyST (tables, quotations) get the same treatment: CommonMark in `text/markdown`, and the HTML
  beside it in `text/html`, which notebook viewers prefer.
- Charts: the book's chart output is a container that only the book's charts.js draws. The download keeps it
  (with its data table) and puts the chart's static SVG inside it, and offers the SVG as `image/svg+xml` too,
  so a viewer without JavaScript shows the chart. Rerun in Jupyter, the chapter draws the interactive chart.

Links into the book go to the published book when `html.baseurl` is configured (cjreport/edition.py), and
otherwise to the book's pages relative to the notebook's place in the book's downloads folder.
"""

from __future__ import annotations

import ast
import base64
import html
import json
import re
from typing import Any

from . import edition, jupyter_html

# from downloads/notebooks/<chapter>.ipynb to the book's pages in book/
RELATIVE_BOOK = "../../book/"
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")
EVAL = re.compile(r"\{eval\}`([^`]*)`")
CHART_SPEC = re.compile(r'<script type="application/json" class="cj-chart-spec">(.*?)</script>', re.S)
CHART_CANVAS = '<div class="cj-chart-canvas"></div>'
STATIC_WIDTH = 640  # px, as the chart downloads


def book_base() -> str:
    published = edition.book_url()
    return f"{published}book/" if published else RELATIVE_BOOK


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _shown(value: str) -> str:
    """An {eval} value as the page shows it: str() of the value whose repr the notebook stored."""
    try:
        return str(ast.literal_eval(value))
    except (ValueError, SyntaxError):
        return value


def commonmark(myst: str, values: dict[str, str] | None = None) -> tuple[str, str]:
    """(CommonMark, HTML) of a MyST fragment, with {eval} expressions replaced by their values."""
    from markdownify import markdownify

    from .markup import escape

    values = values or {}
    text = EVAL.sub(lambda m: escape(_shown(values[m[1]])) if m[1] in values else f"`{m[1]}`", myst)
    body = jupyter_html.body_html(text, header_level=1)
    # docutils wraps sections in <section>; markdownify keeps their content, headings as ATX (#).
    markdown = markdownify(body, heading_style="ATX", bullets="-", escape_underscores=False,
                           escape_asterisks=True, strip=["style"])
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n", body


def _chart_svg(spec: dict) -> str:
    import vl_convert

    from .charts import VL_VERSION, _fix_width

    _fix_width(spec, STATIC_WIDTH)  # a file has no column to fit
    return vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)


def _portable_output(output: dict) -> None:
    data = output.get("data") or {}
    page_html = data.get("text/html")
    page_html = "".join(page_html) if isinstance(page_html, list) else page_html
    if page_html and CHART_CANVAS in page_html and (found := CHART_SPEC.search(page_html)):
        svg = _chart_svg(json.loads(found[1].replace("<\\/", "</")))
        alt = html.escape(str(json.loads(found[1].replace("<\\/", "</")).get("description", "Chart")), quote=True)
        image = f'<img alt="{alt}" src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}">'
        data["text/html"] = page_html.replace(CHART_CANVAS, f'<div class="cj-chart-canvas">{image}</div>', 1)
        data["image/svg+xml"] = svg
        return
    myst = data.get("text/markdown")
    if myst:
        markdown, body = commonmark("".join(myst) if isinstance(myst, list) else myst)
        data["text/markdown"] = markdown
        data["text/html"] = f'<div class="cj-jupyter">{body}</div>'


def _references(keys: list[str]) -> str:
    """The works the chapter cites, formatted by pybtex (its plain style, rendered as Markdown)."""
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    entries = parse_string(jupyter_html.bibliography_text(), "bibtex")
    known = [k for k in dict.fromkeys(keys) if k in entries.entries]
    style = find_plugin("pybtex.style.formatting", "plain")()
    formatted = style.format_entries(entries.entries[k] for k in known)
    # plain text, one line an entry; only what CommonMark would read as markup is escaped
    lines = sorted(re.sub(r"([\\`*_\[\]<>])", r"\\\1", " ".join(entry.text.render_as("text").split()))
                   for entry in formatted)
    return "# References\n\n" + "\n".join(f"- {line}" for line in lines) + "\n"


def portable(notebook: dict[str, Any]) -> dict[str, Any]:
    """Convert an executed chapter (nbformat JSON, as clean_notebook left it) in place; returns it."""
    cited: list[str] = []
    with jupyter_html.book_links(book_base()):
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") == "markdown":
                source = _source(cell)
                values = {e["expression"]: e["result"]["data"]["text/plain"]
                          for e in cell.get("metadata", {}).pop("user_expressions", [])
                          if e.get("result", {}).get("status") == "ok"}
                cited += [key.strip() for group in CITE.findall(source) for key in group.split(",") if key.strip()]
                cell["source"] = commonmark(source, values)[0]
            for output in cell.get("outputs", []):
                if isinstance(output.get("data", {}).get("text/markdown"), (str, list)):
                    cited += [k.strip() for g in CITE.findall("".join(output["data"]["text/markdown"]))
                              for k in g.split(",") if k.strip()]
                _portable_output(output)
    if cited:
        notebook["cells"].append({"cell_type": "markdown", "id": f"cell-{len(notebook['cells']) + 1}",
                                  "metadata": {}, "source": _references(cited)})
    return notebook
