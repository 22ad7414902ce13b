"""Every chapter runs top to bottom as a notebook, outside the book (as a reader rerunning it in Jupyter would)."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbclient
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = [TOC["root"]] + [c["file"] for part in TOC["parts"] for c in part["chapters"]]
NOTEBOOKS = [name for name in CHAPTERS if "```{code-cell}" in (ROOT / f"{name}.md").read_text(encoding="utf-8")]


def test_chapters_are_myst_notebooks_with_a_jupytext_header():
    for name in NOTEBOOKS:
        nb = jupytext.read(ROOT / f"{name}.md")
        assert nb.metadata["kernelspec"]["name"] == "python3", name
        assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "myst", name


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_chapter_executes_from_another_directory(name, tmp_path):
    nb = jupytext.read(ROOT / f"{name}.md")
    # run in a scratch directory: the package must import without sys.path tricks
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), name
