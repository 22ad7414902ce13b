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
  (with its data table) and puts the chart's static image inside it, and offers the image as `image/png` too,
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

from cjreport import edition
from cjreport.views import jupyter_html

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

    from cjreport.views.markup import escape

    values = values or {}
    text = EVAL.sub(lambda m: escape(_shown(values[m[1]])) if m[1] in values else f"`{m[1]}`", myst)
    body = jupyter_html.body_html(text, header_level=1)
    # docutils wraps sections in <section>; markdownify keeps their content, headings as ATX (#).
    # docutils writes inline code as <span class="docutils literal">, which markdownify would take for text
    code = re.sub(r'<span class="docutils literal">(.*?)</span>', r"<code>\1</code>", body, flags=re.S)
    markdown = markdownify(code, heading_style="ATX", bullets="-", escape_underscores=False,
                           escape_asterisks=True, strip=["style"])
    markdown = _heading_levels(re.sub(r"\n{3,}", "\n\n", markdown), _levels(text))
    return markdown.strip() + "\n", body


def _levels(myst: str) -> list[int]:
    """The levels of the MyST's headings (#, ## ...), in order, outside code blocks."""
    levels, fence = [], ""
    for line in myst.splitlines():
        if fence:
            fence = "" if line.strip() == fence else fence
        elif line.lstrip().startswith(("```", "~~~")):
            stripped = line.lstrip()
            fence = stripped[: len(stripped) - len(stripped.lstrip(stripped[0]))]
        elif (match := re.match(r"(#{1,6}) ", line)):
            levels.append(len(match[1]))
    return levels


def _heading_levels(markdown: str, levels: list[int]) -> str:
    """docutils numbers a cell's headings from the first it meets (a cell holding only "## Section" gives
    <h1>): give each heading back its level in the chapter."""
    out, fence, heading = [], "", 0
    for line in markdown.split("\n"):
        if fence:
            fence = "" if line.strip() == fence else fence
        elif line.startswith(("```", "~~~")):
            fence = line[: len(line) - len(line.lstrip(line[0]))]
        elif (match := re.match(r"(#{1,6}) ", line)) and heading < len(levels):
            line = "#" * levels[heading] + line[len(match[1]):]
            heading += 1
        out.append(line)
    return "\n".join(out)


def _chart_png(spec: dict) -> tuple[bytes, int, int]:
    """The chart as PNG at twice its size, and its size in CSS pixels. PNG, not SVG: an SVG's text is set in
    whatever font the viewer has, and vl-convert measured the labels in its own, so a viewer with wider fonts
    cut the long axis labels (seen in Chromium); a PNG looks the same everywhere."""
    import struct

    import vl_convert

    from cjreport.views.charts import VL_VERSION, _fix_width

    _fix_width(spec, STATIC_WIDTH)  # a file has no column to fit
    png = vl_convert.vegalite_to_png(spec, scale=2, vl_version=VL_VERSION)
    width, height = struct.unpack(">II", png[16:24])
    return png, width // 2, height // 2


def _portable_output(output: dict) -> None:
    data = output.get("data") or {}
    page_html = data.get("text/html")
    page_html = "".join(page_html) if isinstance(page_html, list) else page_html
    if page_html and CHART_CANVAS in page_html and (found := CHART_SPEC.search(page_html)):
        spec = json.loads(found[1].replace("<\\/", "</"))
        png, width, height = _chart_png(spec)
        encoded = base64.b64encode(png).decode("ascii")
        alt = html.escape(str(spec.get("description", "Chart")), quote=True)
        image = f'<img alt="{alt}" width="{width}" height="{height}" src="data:image/png;base64,{encoded}">'
        data["text/html"] = page_html.replace(CHART_CANVAS, f'<div class="cj-chart-canvas">{image}</div>', 1)
        data["image/png"] = encoded
        output.setdefault("metadata", {})["image/png"] = {"width": width, "height": height}
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
