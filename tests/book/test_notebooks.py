"""Every chapter runs top to bottom as a notebook, outside the book (as a reader rerunning it in Jupyter would)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import jupytext
import nbclient
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = [TOC["root"]] + [c["file"] for part in TOC["parts"] for c in part["chapters"]]
NOTEBOOKS = [name for name in CHAPTERS if "```{code-cell}" in (ROOT / f"{name}.md").read_text(encoding="utf-8")]


def test_chapters_are_myst_notebooks_with_a_jupytext_header():
    for name in NOTEBOOKS:
        nb = jupytext.read(ROOT / f"{name}.md")
        assert nb.metadata["kernelspec"]["name"] == "python3", name
        assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "myst", name


def test_chapters_are_in_jupytexts_own_form():
    """Jupytext writes a chapter back exactly as it is: a save from JupyterLab cannot reformat it."""
    for name in NOTEBOOKS:
        text = (ROOT / f"{name}.md").read_text(encoding="utf-8")
        assert jupytext.writes(jupytext.reads(text, "md:myst"), "md:myst") == text, f"{name}: run `jupytext --to md:myst`"


# Directives and roles a chapter's prose may use: the book (Sphinx) and JupyterLab (jupyterlab-myst) both
# render them. Sphinx-only ones ({only}, {glue:text}, substitutions) print as source or as a bare key in
# JupyterLab; a {numref} or {ref} to a chart is unresolved there (its caption and number are the book's), and
# so is a citation (jupyterlab-myst reads no .bib file): the display objects cite, as author–year links.
PROSE_DIRECTIVES = {"note", "tip", "important", "warning", "seealso", "admonition", "figure", "list-table"}
PROSE_ROLES = {"eval", "doc", "term"}


def test_no_chapter_prose_uses_a_directive_jupyterlab_cannot_show():
    import re

    for name in NOTEBOOKS:
        nb = jupytext.read(ROOT / f"{name}.md")
        prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        directives = set(re.findall(r"^(?:`{3,}|:{3,})\{([^}]+)\}", prose, re.M)) - PROSE_DIRECTIVES
        roles = set(re.findall(r"\{([a-z:-]+)\}`", prose)) - PROSE_ROLES
        assert not directives and not roles, f"{name}: prose uses {directives | roles}, which JupyterLab cannot show"
        assert "{{" not in prose, f"{name}: a MyST substitution, which JupyterLab shows as source"


# What JupyterLab puts in a notebook's metadata when its kernel starts (notebook panel, in this key order).
LAB_KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_chapter_runs_elsewhere_and_saves_unchanged(name, tmp_path):
    """Open a chapter through Jupytext's contents manager (as JupyterLab does), run it in a scratch directory
    (the package must import without sys.path tricks), save it: the .md file is byte-identical."""
    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
    from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

    shutil.copyfile(ROOT / "jupytext.toml", tmp_path / "jupytext.toml")
    path = f"book/{Path(name).name}.md"
    (tmp_path / "book").mkdir()
    original = (ROOT / f"{name}.md").read_bytes()
    (tmp_path / path).write_bytes(original)
    cm = build_async_jupytext_contents_manager_class(AsyncLargeFileManager)(root_dir=str(tmp_path))

    async def open_run_save():
        model = await cm.get(path, type="notebook")
        nb = nbformat.from_dict(model["content"])
        await nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                      resources={"metadata": {"path": str(tmp_path)}}).async_execute()
        nb.metadata["kernelspec"] = dict(LAB_KERNELSPEC)
        await cm.save({"type": "notebook", "format": "json", "content": nb}, path)
        return nb

    nb = asyncio.run(open_run_save())
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    # a cell that ends in an expression (a display call) shows its output; the others compute for the prose
    import ast

    ending = [c for c in nb.cells if c.cell_type == "code" and isinstance((ast.parse(c.source).body or [None])[-1], ast.Expr)]
    assert all(c.get("outputs") for c in ending), f"{name}: a display cell gave no output"
    assert (tmp_path / path).read_bytes() == original, f"{name}: saving the executed notebook changed the .md file"


def test_headless_rerun_prints_only_its_line(tmp_path):
    """README's headless rerun: one line on stdout, nothing on stderr (no kernel transport warning)."""
    import os
    import subprocess
    import sys

    out = tmp_path / "alliance.ipynb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "cjreport.rerun", "alliance", "-o", str(out)],
                            capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.count("\n") == 1 and result.stdout.startswith("alliance.md ran in "), result.stdout
    nb = nbformat.read(out, as_version=4)
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
