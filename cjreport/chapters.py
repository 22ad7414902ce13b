"""The book's chapter files: which pages the table of contents lists, which are notebooks, what a chapter is
called as a download, and the numbers and names its prose takes from its code: {eval}`name` in a Markdown cell.

One role, shown the same way wherever a chapter is read:

- In JupyterLab, jupyterlab-myst evaluates every {eval} expression of a Markdown cell in the chapter's kernel
  when the cell runs (Run All runs the cells in order) and shows the value in the sentence.
- In the book, myst-nb evaluates {eval} only when it executes a notebook inline, which would give up the
  execution cache (every prose edit would rerun its chapter). Instead, before a chapter is parsed, one hidden
  cell is appended that glues each expression of its prose under the expression itself; the cache executes it
  with the chapter, and the role `eval` is myst-nb's `glue:text` of that key.
- In a downloaded notebook, the values are stored where jupyterlab-myst keeps them (the Markdown cell's
  `user_expressions`), so the sentences read whole before anything is run.

An expression is a name or an attribute path (`n_quotes`, `summary.split`): enough for prose, and nothing
else of Python runs from a chapter's text. The book evaluates after the chapter's last cell, JupyterLab where
the sentence stands, so a chapter does not rebind a name after its prose has shown it (tests/test_jupyterlab.py
compares the two).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from cjreport.project import ROOT

EVAL = re.compile(r"\{eval\}`([^`]*)`")
EXPRESSION = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
# The appended cell is marked so the downloads can drop it (and store its values in the prose instead).
TAG = "cjreport-prose-values"


def expressions(markdown: str) -> list[str]:
    """The {eval} expressions of one Markdown cell's text, in order."""
    return EVAL.findall(markdown)


def chapter_expressions(text: str) -> list[tuple[str, int]]:
    """Every {eval} expression of a chapter's prose (outside its code cells) with its line, in reading order."""
    found: list[tuple[str, int]] = []
    fence = ""  # the fence of the code cell being skipped, if any
    for number, line in enumerate(text.splitlines(), 1):
        if fence:
            if line.rstrip() == fence:
                fence = ""
        elif line.lstrip("`").startswith("{code-cell}") and line.startswith("```"):
            fence = line[: len(line) - len(line.lstrip("`"))]
        else:
            found += [(expr, number) for expr in expressions(line)]
    return found


def values_cell(names: list[str]) -> str:
    """The hidden code cell that glues every expression of the prose, in MyST notebook form."""
    lines = ["from myst_nb import glue as _cjreport_glue"]
    lines += [f"_cjreport_glue({name!r}, {name}, display=False)" for name in dict.fromkeys(names)]
    lines.append("del _cjreport_glue")
    return "\n```{code-cell} ipython3\n:tags: [remove-cell, " + TAG + "]\n\n" + "\n".join(lines) + "\n```\n"


def with_values_cell(text: str) -> tuple[str, list[tuple[int, str]]]:
    """The chapter with its values cell appended, and (line, message) for every expression that is not a name
    or an attribute path. Appended at the end, so every line of the chapter keeps its number in messages."""
    found = chapter_expressions(text)
    bad = [(line, f"{{eval}}`{expr}` must be a name or an attribute path, such as n_quotes or summary.split")
           for expr, line in found if not EXPRESSION.fullmatch(expr)]
    if bad or not found:
        return text, bad
    return text.rstrip("\n") + "\n" + values_cell([expr for expr, _ in found]), []


def fold_values_into_prose(notebook: dict[str, Any], values: dict[str, str]) -> None:
    """In an executed chapter (nbformat JSON), drop the values cell and store each Markdown cell's values
    (expression → text/plain, as the book showed them) in its `user_expressions`, as jupyterlab-myst stores
    them after a run."""
    notebook["cells"] = [c for c in notebook.get("cells", []) if TAG not in c.get("metadata", {}).get("tags", [])]
    for cell in notebook["cells"]:
        if cell.get("cell_type") != "markdown":
            continue
        source = "".join(cell["source"]) if isinstance(cell.get("source"), list) else cell.get("source", "")
        names = [n for n in dict.fromkeys(expressions(source)) if n in values]
        if names:
            cell.setdefault("metadata", {})["user_expressions"] = [
                {"expression": n, "result": {"status": "ok", "data": {"text/plain": values[n]}, "metadata": {}}}
                for n in names]


def toc_docnames(root: Path = ROOT) -> list[str]:
    """Every page of the book in _toc.yml order (root first)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]
    for part in toc.get("parts", []):
        names.extend(chapter["file"] for chapter in part.get("chapters", []))
    return names


def is_notebook(docname: str, root: Path = ROOT) -> bool:
    """A page is a notebook (and executed by the build) when its front matter names a kernel."""
    return names_kernel((root / f"{docname}.md").read_text(encoding="utf-8"))


def names_kernel(text: str) -> bool:
    """Whether a page's text opens with front matter that names a kernel."""
    if not text.startswith("---\n"):
        return False
    front = yaml.safe_load(text[4 : text.index("\n---", 4)]) or {}
    return "kernelspec" in front


def notebook_name(docname: str) -> str:
    return f"notebooks/{Path(docname).name}.ipynb"


