"""The {eval} role of the chapters' prose (cjreport/chapters.py): what the book appends, what it refuses,
and what a downloaded notebook keeps. The book's values are checked against the data in test_prose_numbers.py,
JupyterLab's against the book's in test_jupyterlab.py."""

from __future__ import annotations

import json

import jupytext
import nbclient
import nbformat

from cjreport import chapters

CHAPTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3 (ipykernel)
  language: python
---

```{code-cell} ipython3
from types import SimpleNamespace

n_quotes = 126
summary = SimpleNamespace(split="12")
# {eval}`not_prose` in a code cell is code, not prose
```

The book quotes {eval}`n_quotes` passages; {eval}`summary.split` questions divide the sources.

Again: {eval}`n_quotes`.
"""


def test_the_prose_expressions_are_found_with_their_lines():
    assert chapters.chapter_expressions(CHAPTER) == [("n_quotes", 20), ("summary.split", 20), ("n_quotes", 22)]
    longer = "````{code-cell} ipython3\nx = \"\"\"\n```\n{eval}`in_code`\n\"\"\"\n````\n\nProse {eval}`x`.\n"
    assert chapters.chapter_expressions(longer) == [("x", 8)]


def test_a_chapter_gets_one_hidden_cell_that_glues_each_expression_once():
    text, problems = chapters.with_values_cell(CHAPTER)
    assert problems == []
    assert text.startswith(CHAPTER.rstrip("\n"))
    cell = jupytext.reads(text, fmt="md:myst").cells[-1]
    assert cell.cell_type == "code" and cell.metadata["tags"] == ["remove-cell", chapters.TAG]
    assert cell.source.count("_cjreport_glue('n_quotes', n_quotes, display=False)") == 1
    assert "_cjreport_glue('summary.split', summary.split, display=False)" in cell.source


def test_an_expression_that_is_not_a_name_is_refused_with_its_line():
    text = CHAPTER.replace("{eval}`summary.split`", "{eval}`__import__('os').getcwd()`")
    same, problems = chapters.with_values_cell(text)
    assert same == text
    assert problems == [(20, "{eval}`__import__('os').getcwd()` must be a name or an attribute path, such as n_quotes or summary.split")]


def test_a_page_without_a_kernel_or_without_eval_is_left_alone():
    plain = "# Glossary\n\nNo {eval}`code` here: this page is not a notebook.\n"
    assert not chapters.names_kernel(plain)
    no_eval = CHAPTER.replace("{eval}", "")
    assert chapters.with_values_cell(no_eval) == (no_eval, [])


def test_a_downloaded_notebook_carries_the_values_in_its_prose(tmp_path):
    """Executed as the book executes it (values cell appended), then folded with the values the page showed:
    the values cell is gone and the Markdown cell holds its values as jupyterlab-myst stores them after a run."""
    text, _ = chapters.with_values_cell(CHAPTER)
    notebook = jupytext.reads(text, fmt="md:myst")
    nbclient.NotebookClient(notebook, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    data = json.loads(nbformat.writes(notebook))
    chapters.fold_values_into_prose(data, {"n_quotes": "126", "summary.split": "'12'"})
    assert not [c for c in data["cells"] if chapters.TAG in c["metadata"].get("tags", [])]
    assert ["".join(c["source"]) for c in data["cells"] if c["cell_type"] == "code"] == \
        [c.source for c in jupytext.reads(CHAPTER, fmt="md:myst").cells if c.cell_type == "code"]
    markdown = [c for c in data["cells"] if c["cell_type"] == "markdown"]
    assert len(markdown) == 1  # an expression used twice in a cell is stored once, as jupyterlab-myst looks it up
    assert markdown[0]["metadata"]["user_expressions"] == [
        {"expression": "n_quotes", "result": {"status": "ok", "data": {"text/plain": "126"}, "metadata": {}}},
        {"expression": "summary.split", "result": {"status": "ok", "data": {"text/plain": "'12'"}, "metadata": {}}},
    ]
