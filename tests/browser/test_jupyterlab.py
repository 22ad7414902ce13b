"""Rerunning chapters in a real JupyterLab, as README's `make lab` starts it, driven by headless Chromium.

One server from the project's .venv (the flags of the Makefile's `lab` target) serves a scratch copy of the
book; every request that leaves it is blocked. For every chapter with code: open it (a double-click opens a
.md chapter as a Jupytext notebook), run all cells, wait for the kernel, then check what a reader sees: no
error, no MyST source (roles, directives, fences) in any output, a drawn chart (svg or canvas) for every chart
cell, and a save that leaves the chapter byte-identical. In methods, the explorer answers a filter change.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import jupytext
import pytest
from bs4 import BeautifulSoup

from cjreport import chapters
from tests.browser import ARGS, CHROMIUM
from tests.conftest import HTML
from tests.book.test_notebooks import NOTEBOOKS, ROOT

pytestmark = pytest.mark.browser

TOKEN = "cjreport-test"
# What a rendered output must never show: MyST roles and directives, code fences, colon fences.
RAW_MYST = re.compile(r"\{(cite|ref|glue|eval|term|numref|doc|list-table|only|raw|admonition)[}:]|```|:::|\{\.cj-")
# ... and in the prose, a MyST substitution (an output may hold "{{", as BibTeX does)
RAW_PROSE = re.compile(RAW_MYST.pattern + r"|\{\{")


def _lab_flags() -> list[str]:
    """The flags of the Makefile's `lab` target, so the test starts JupyterLab as README tells the reader to."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    match = re.search(r"^LAB_FLAGS := (.*)$", text, re.M)
    assert match, "Makefile has no LAB_FLAGS"
    return shlex.split(match[1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a scratch copy of the book, its settings and workspaces kept apart from the user's."""
    work = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "book", work / "book", ignore=shutil.ignore_patterns("_generated"))
    shutil.copytree(ROOT / "scripts" / "jupyterlab", work / "scripts" / "jupyterlab")
    shutil.copyfile(ROOT / "jupytext.toml", work / "jupytext.toml")
    # a chapter as the book's downloads page gives it (executed, the prose's values stored in its cells)
    shutil.copytree(HTML / "downloads" / "notebooks", work / "downloaded")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "CJREPORT_TARGET"}
    env.update(PYTHONPATH=str(ROOT), JUPYTERLAB_SETTINGS_DIR=str(work / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(work / "workspaces"), JUPYTER_RUNTIME_DIR=str(work / "runtime"))
    log = open(work / "server.log", "w")
    cmd = [str(Path(sys.executable).with_name("jupyter")), "lab", *_lab_flags(), f"--port={port}",
           f"--IdentityProvider.token={TOKEN}", "--LabApp.expose_app_in_browser=True"]
    server = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start: " + (work / "server.log").read_text()[-2000:])
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        blocked: list[str] = []

        def route(r):
            if r.request.url.startswith(base):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.goto(f"{base}/lab/tree/book?token={TOKEN}")
        page.wait_for_function("window.jupyterapp && window.jupyterapp.started !== undefined", timeout=60000)
        page.wait_for_selector(".jp-DirListing-item", timeout=60000)
        yield {"page": page, "work": work, "blocked": blocked, "log": work / "server.log"}
        browser.close()
    server.terminate()
    server.wait(timeout=30)
    log.close()


def _chart_cells(name: str) -> int:
    nb = jupytext.read(ROOT / "book" / f"{name}.md")
    return sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip().splitlines()[-1].startswith("charts."))


def _run_chapter(page, name: str) -> None:
    # Double-click in the file browser, as a reader does: the chapter must open as a notebook, not as text.
    page.evaluate("path => window.jupyterapp.commands.execute('filebrowser:go-to-path', {path: 'book'})", "")
    item = page.locator(f'.jp-DirListing-item[title^="Name: {name}.md"]')
    item.dblclick()
    panel = page.locator(".jp-NotebookPanel:visible")
    panel.wait_for(timeout=60000)
    # Run All as soon as the chapter has a kernel (starting or not), as a hasty reader does: JupyterLab's default
    # windowing would by then not have parsed the Markdown cells below the fold, and jupyterlab-myst would leave
    # their {eval} values out (3 of 6 trial runs of methods); `make lab`'s windowingMode "none" must prevent that.
    page.wait_for_function(
        """() => { const w = window.jupyterapp.shell.currentWidget;
                   return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel; }""",
        timeout=60000)
    unparsed = page.evaluate("""() => { const ws = window.jupyterapp.shell.currentWidget.content.widgets;
        return ws.map((w, i) => [w, i]).filter(([w]) => w.model.type === 'markdown' && w.placeholder).map(([, i]) => i); }""")
    assert not unparsed, f"{name}: Markdown cells {unparsed} not yet laid out when Run All can start (windowingMode?)"
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # Done when every code cell has an execution count and the kernel is idle again.
    page.wait_for_function(
        """() => { const w = window.jupyterapp.shell.currentWidget;
                   const cells = w.content.model.cells; let n = 0, done = 0;
                   for (let i = 0; i < cells.length; i++) { const c = cells.get(i);
                     if (c.type === 'code') { n++; if (c.executionCount) done++; } }
                   return n > 0 && done === n && w.sessionContext.session.kernel.status === 'idle'; }""",
        timeout=120000)


# The text a reader sees in an element, offscreen cells included (innerText skips them), styles excluded.
TEXT = "(e => { const c = e.cloneNode(true); c.querySelectorAll('style, script').forEach(x => x.remove()); return c.textContent; })"


def _outputs(page) -> list[dict]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output'))
              .map(o => ({mime: o.dataset.mimeType || '', text: TEXT(o),
                          error: o.dataset.mimeType === 'application/vnd.jupyter.stderr' || !!o.querySelector('.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]'),
                          drawn: !!o.querySelector('.vega-embed svg.marks, .vega-embed canvas.marks'),
                          width: (o.querySelector('.vega-embed svg, .vega-embed canvas') || {getBoundingClientRect: () => ({width: 0})})
                                 .getBoundingClientRect().width}))""".replace("TEXT", TEXT))


def _displaying_cells(name: str) -> int:
    """Code cells that end in a call of the package's display functions (cells that only glue show nothing)."""
    nb = jupytext.read(ROOT / "book" / f"{name}.md")
    return sum(1 for c in nb.cells if c.cell_type == "code"
               and re.match(r"(present|charts)\.|explorer\(", c.source.strip().splitlines()[-1]))


def _close(page) -> None:
    """Shut the kernel down and close the notebook without a dialog, so chapters do not pile up kernels."""
    page.evaluate("""async () => { for (const w of Array.from(window.jupyterapp.shell.widgets('main'))) {
                       if (w.sessionContext) { await w.sessionContext.shutdown(); w.dispose(); } } }""")
    page.wait_for_function("() => !document.querySelector('.jp-NotebookPanel')", timeout=30000)


@pytest.mark.parametrize("chapter", NOTEBOOKS)
def test_chapter_runs_and_reads_in_jupyterlab(lab, chapter):
    page = lab["page"]
    name = Path(chapter).name
    original = (ROOT / f"{chapter}.md").read_bytes()
    try:
        _run_chapter(page, name)
        _check_chapter(page, name)
        # Saving must leave the chapter byte-identical (Jupytext, jupytext.toml, the chapter's header).
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30000)
        saved = (lab["work"] / f"{chapter}.md").read_bytes()
        assert saved == original, f"{name}: saving the notebook in JupyterLab changed the .md file"
    finally:
        _close(page)
    assert lab["blocked"] == [], f"requests that left the local server: {lab['blocked'][:5]}"
    assert "without encryption" not in lab["log"].read_text(), "a kernel warned of unencrypted transport"


def _check_chapter(page, name: str) -> None:
    charts = _chart_cells(name)
    if charts:
        page.wait_for_function(
            # Vega's own drawing is the svg/canvas of class "marks" (the actions menu holds an svg icon of its own)
            """n => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output .vega-embed :is(svg, canvas).marks').length >= n""",
            arg=charts, timeout=60000)
    outputs = _outputs(page)
    assert len(outputs) >= _displaying_cells(name), f"{name}: {len(outputs)} outputs shown"
    assert not [o["text"][:300] for o in outputs if o["error"]], f"{name}: error output"
    raw = [(m.group(0), o["text"][max(0, m.start() - 80):m.end() + 80]) for o in outputs for m in [RAW_MYST.search(o["text"])] if m]
    assert not raw, f"{name}: MyST source shown in Jupyter: {raw[:3]}"
    drawn = [o for o in outputs if o["drawn"]]
    assert len(drawn) == charts, f"{name}: {len(drawn)} of {charts} charts drawn"
    narrow = [round(o["width"]) for o in drawn if o["width"] < 500]
    assert not narrow, f"{name}: charts drawn only {narrow} px wide"
    # Prose: jupyterlab-myst renders the Markdown cells as MyST, so no role or directive shows as source.
    # Code blocks are left out: they show source by design (and jupyterlab-myst would show a Sphinx-only
    # directive, such as {only}, as one: see test_no_chapter_prose_uses_a_directive_jupyterlab_cannot_show).
    prose = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell .jp-InputArea > :is(.myst, .jp-RenderedMarkdown)'))
        .map(TEXT).join('\\n')""".replace("TEXT", TEXT.replace("'style, script'", "'style, script, pre'")))
    assert prose.strip(), f"{name}: no prose rendered"
    raw = RAW_PROSE.search(prose)
    assert not raw, f"{name}: MyST source in the prose: {prose[max(0, raw.start() - 80):raw.end() + 80]!r}"
    if os.environ.get("CJREPORT_LAB_SHOTS"):  # to look at what the reader sees: the notebook, screen by screen
        _screenshots(page, Path(os.environ["CJREPORT_LAB_SHOTS"]), name)
    _check_prose_values(page, name)
    if name == "methods":
        _check_explorer(page)


def _screenshots(page, folder: Path, name: str, most: int = 12) -> None:
    scroller = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"
    page.evaluate("s => document.querySelector(s).scrollTo(0, 0)", scroller)
    for n in range(most):
        page.wait_for_timeout(300)
        page.screenshot(path=str(folder / f"{name}-{n:02d}.png"))
        at_end = page.evaluate("""s => { const e = document.querySelector(s); const before = e.scrollTop;
                                         e.scrollBy(0, e.clientHeight - 80); return e.scrollTop === before; }""", scroller)
        if at_end:
            break


def _check_prose_values(page, name: str) -> None:
    """The prose's {eval} values: jupyterlab-myst evaluates each expression in the kernel when its Markdown cell
    runs and shows the value in the sentence. They must be the values the book's page shows, in the same order,
    and no sentence may show an expression in place of its value."""
    source = (ROOT / "book" / f"{name}.md").read_text(encoding="utf-8")
    wanted = [expr for expr, _ in chapters.chapter_expressions(source)]
    if not wanted:
        return
    # Run All runs the Markdown cells too: jupyterlab-myst parses each and asks the kernel for its values after
    # the cell has run, so the last answers can come well after the last code cell (slower on a loaded machine).
    waiting = """() => { const cells = window.jupyterapp.shell.currentWidget.content.model.cells; const left = [];
                   for (let i = 0; i < cells.length; i++) { const c = cells.get(i);
                     if (c.type === 'markdown' && c.sharedModel.getSource().includes('{eval}`')
                         && !(c.getMetadata('user_expressions') || []).length) left.push(i); }
                   return left; }"""
    try:
        page.wait_for_function(f"() => ({waiting})().length === 0", timeout=150000)
    except Exception:  # say which cells never got their values
        pytest.fail(f"{name}: Markdown cells without their {{eval}} values after Run All: {page.evaluate(waiting)}")
    stored = page.evaluate(
        """() => { const cells = window.jupyterapp.shell.currentWidget.content.model.cells; const out = [];
                   for (let i = 0; i < cells.length; i++) { const c = cells.get(i);
                     if (c.type === 'markdown') out.push([c.sharedModel.getSource(), c.getMetadata('user_expressions') || []]); }
                   return out; }""")
    shown = []
    for text, results in stored:
        by_expression = {r["expression"]: r["result"] for r in results}
        for expr in chapters.expressions(text):
            result = by_expression.get(expr, {})
            assert result.get("status") == "ok", f"{name}: {{eval}}`{expr}` gave {result} in {results} for {text[:200]!r}"
            shown.append(str(ast.literal_eval(result["data"]["text/plain"])))
    book = BeautifulSoup((HTML / "book" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    assert shown == [span.get_text() for span in book.select("article .pasted-text")], \
        f"{name}: JupyterLab's values differ from the book's"
    # Without a value, jupyterlab-myst shows the expression itself as code.
    codes = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell .jp-InputArea code')).map(c => c.textContent)""")
    assert not set(codes) & set(wanted), f"{name}: expressions shown instead of values: {set(codes) & set(wanted)}"


@pytest.mark.parametrize("chapter", ["conclusion", "methods"])
def test_a_downloaded_chapter_reads_whole_before_it_runs(lab, chapter):
    """The executed notebook from the book's downloads page, opened and not run: its sentences show the values
    the book shows (jupyterlab-myst reads them from the cells), not the expressions."""
    page = lab["page"]
    source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    wanted = {expr for expr, _ in chapters.chapter_expressions(source)}
    try:
        page.evaluate("p => { window.jupyterapp.commands.execute('docmanager:open', {path: p}); }", f"downloaded/{chapter}.ipynb")
        page.locator(".jp-NotebookPanel:visible .jp-MarkdownCell").first.wait_for(timeout=60000)
        page.wait_for_timeout(1500)  # jupyterlab-myst renders the Markdown cells after the panel shows
        prose = page.evaluate("""() => Array.from(document.querySelectorAll(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell .jp-InputArea')).map(e => e.textContent).join(' ')""")
        codes = page.evaluate("""() => Array.from(document.querySelectorAll(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell .jp-InputArea code')).map(c => c.textContent)""")
        assert not set(codes) & wanted, f"{chapter}: expressions shown instead of values: {set(codes) & wanted}"
        book = BeautifulSoup((HTML / "book" / f"{chapter}.html").read_text(encoding="utf-8"), "html.parser")
        values = [span.get_text() for span in book.select("article .pasted-text")]
        missing = [v for v in values if v not in prose]
        assert values and not missing, f"{chapter}: values the book shows and the downloaded notebook does not: {missing}"
    finally:
        _close(page)


def _check_explorer(page) -> None:
    """The explorer (a widget in the last cell of methods) narrows its list when a filter changes."""
    count = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .widget-label", has_text=" quotations").first
    count.wait_for(timeout=30000)
    total = count.inner_text()
    n_all, of = re.match(r"(\d+) of (\d+) quotations", total).groups()
    assert n_all == of, total
    source = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .widget-dropdown", has_text="Source").locator("select")
    source.select_option(index=1)
    page.wait_for_function("t => !Array.from(document.querySelectorAll('.widget-label')).some(e => e.innerText === t)",
                           arg=total, timeout=30000)
    narrowed = count.inner_text()
    n = int(re.match(r"(\d+) of", narrowed).group(1))
    assert 0 < n < int(of), narrowed
    items = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .widget-html ol > li")
    assert items.count() == n
