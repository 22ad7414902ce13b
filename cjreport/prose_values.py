"""Numbers and names a chapter's prose takes from its code: {eval}`name` in a Markdown cell.

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
from typing import Any

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


def shown_values(env: Any) -> dict[str, dict[str, str]]:
    """What the book's pages showed for each {eval}: docname → expression → text/plain. myst-nb takes glued
    values out of the executed notebooks it writes, so the role keeps them here for the downloads."""
    if not hasattr(env, "cjreport_prose_values"):
        env.cjreport_prose_values = {}
    return env.cjreport_prose_values


def setup(app: Any) -> dict[str, Any]:
    """Sphinx: append the values cell to every chapter that uses {eval}, and read {eval} as glue:text."""
    from myst_nb.ext.glue.roles import PasteTextRole
    from myst_nb.ext.glue.utils import retrieve_glue_data
    from sphinx.util import logging

    from .exports import names_kernel

    logger = logging.getLogger(__name__)

    def append_values(app: Any, docname: str, source: list[str]) -> None:
        if not names_kernel(source[0]):
            return
        source[0], problems = with_values_cell(source[0])
        for line, problem in problems:
            logger.warning(problem, location=(docname, line))

    class EvalRole(PasteTextRole):
        """{eval}`name`: the value glued under that name by the chapter's values cell."""

        def run(self):  # type: ignore[no-untyped-def]
            result = super().run()
            env = self.document.settings.env
            try:
                plain = retrieve_glue_data(self.document, self.text).data["text/plain"]
            except Exception:  # noqa: BLE001 - glue:text above has already reported it (a warning fails the build)
                return result
            shown_values(env).setdefault(env.docname, {})[self.text] = plain
            return result

    def register(app: Any) -> None:
        # myst-nb registers its own (inline-only) eval role in its setup; this one replaces it afterwards
        app.add_role("eval", EvalRole(), override=True)

    def purge(app: Any, env: Any, docname: str) -> None:
        shown_values(env).pop(docname, None)

    def merge(app: Any, env: Any, docnames: set[str], other: Any) -> None:
        shown_values(env).update({d: v for d, v in shown_values(other).items() if d in docnames})

    app.connect("source-read", append_values)
    app.connect("builder-inited", register)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
