"""The book's kernels use private Unix sockets (cjreport/jbook.py), so two chapters started at once cannot be handed
the same TCP port. Run through jupyter_cache's executor, the one MyST-NB calls, after the build's set-up."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import nbformat
from jupyter_cache.executors import utils

from cjreport import jbook

# the kernel reports the connection it was started with
ASK = "import json, ipykernel.connect; print(ipykernel.connect.get_connection_info())"


def _connection(tmp_path: Path) -> dict:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(ASK)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    result = utils.single_nb_execution(notebook, cwd=str(tmp_path), timeout=60, allow_errors=False)
    assert result.err is None, result.exc_string
    return json.loads(notebook.cells[0].outputs[0]["text"])


def test_the_builds_kernels_talk_over_sockets_of_their_own(tmp_path, monkeypatch):
    monkeypatch.setattr(utils, "executenb", utils.executenb)  # restored after the test
    jbook.private_socket_kernels()
    first, second = _connection(tmp_path), _connection(tmp_path)
    assert (first["transport"], second["transport"]) == ("ipc", "ipc")
    assert first["ip"] != second["ip"]
    for info in (first, second):
        assert Path(info["ip"]).parent == Path(tempfile.gettempdir())
        left = list(Path(info["ip"]).parent.glob(Path(info["ip"]).name + "-*"))
        assert not left, f"sockets left behind after the kernel stopped: {left}"


class _Log:
    """A build log whose first stage run fails the way a lost execution-cache record does, then succeeds."""

    def __init__(self, path: Path, failures: int):
        self.path, self.failures, self.runs, self.warnings = path, failures, [], []

    def run(self, cmd, *, cwd, env, stage) -> int:
        self.runs.append(stage)
        if len(self.runs) <= self.failures:
            self.warnings.append(f"{stage}: RuntimeError: book/quotation-index.md: not in the execution cache (x)")
            return 1
        return 0


def test_a_chapter_lost_from_the_execution_cache_is_read_again_once(tmp_path, capsys):
    """jupyter-cache once lost a chapter's record in a fresh clone (chapters executed in parallel processes):
    the stage runs again, once, with Sphinx's environment dropped so every page is read; a second loss fails."""
    from cjreport import build
    from cjreport.project import CACHE_MISS

    work = tmp_path / "work"
    (work / "_build" / ".doctrees").mkdir(parents=True)
    log = _Log(tmp_path / "build.log", failures=1)
    build._jupyter_book(tmp_path, work, "html", tmp_path, log)
    assert log.runs == ["html", "html"] and not (work / "_build" / ".doctrees").exists()
    assert "missing from the execution cache" in capsys.readouterr().out
    again = _Log(tmp_path / "build.log", failures=2)
    try:
        build._jupyter_book(tmp_path, work, "html", tmp_path, again)
    except SystemExit as stop:
        assert "build failed" in str(stop) and again.runs == ["html", "html"]
    else:
        raise AssertionError(f"a second {CACHE_MISS!r} did not fail the build")


def test_a_page_that_stopped_being_a_notebook_is_not_offered_as_one(tmp_path):
    """jupyter_execute/ keeps the executed copy of a page after its Jupytext header is removed; the build offers a
    download only for pages whose front matter still names a kernel (an incremental build kept the glossary's
    link and notebook after it stopped being one, and test_reproducible's clean build differed)."""
    from types import SimpleNamespace

    from cjreport.sphinx_ext import _notebooks

    header = "---\nkernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n# A\n"
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "still.md").write_text(header, encoding="utf-8")
    (tmp_path / "book" / "stopped.md").write_text("# B\n", encoding="utf-8")
    executed = tmp_path / "_build" / "jupyter_execute" / "book"
    executed.mkdir(parents=True)
    for name in ("still", "stopped"):
        (executed / f"{name}.ipynb").write_text("{}", encoding="utf-8")
    app = SimpleNamespace(outdir=str(tmp_path / "_build" / "html"), srcdir=str(tmp_path),
                          env=SimpleNamespace(found_docs={"book/still", "book/stopped"}))
    assert list(_notebooks(app)) == ["book/still"]


def test_a_build_that_fails_while_a_reader_is_still_sending_exits_instead_of_hanging(tmp_path):
    """Sphinx's parallel reader can leave a worker blocked sending its chapter's result through a pipe no one reads
    once this process has failed; multiprocessing's exit handler then waits for it forever. cjreport.jbook stops
    such workers at exit. Without it this script hangs (it did, timing out, until the handler was added)."""
    import subprocess
    import sys
    import textwrap

    script = tmp_path / "fails_while_sending.py"
    script.write_text(textwrap.dedent('''
        import time
        from sphinx.util.parallel import ParallelTasks
        from cjreport.jbook import stop_workers_at_exit

        def slow_big(seconds):
            time.sleep(seconds)
            return "x" * 500_000  # more than a pipe's buffer holds

        stop_workers_at_exit()
        tasks = ParallelTasks(2)
        tasks.add_task(slow_big, 0.3)
        time.sleep(0.6)  # the worker is now blocked sending its result
        raise RuntimeError("the build failed while a worker was still sending")
    '''), encoding="utf-8")
    try:
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        raise AssertionError("the failed build hung at exit") from None
    assert done.returncode != 0 and "the build failed while a worker was still sending" in done.stderr, done.stderr
