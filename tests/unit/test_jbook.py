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
