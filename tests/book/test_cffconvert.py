"""`cffconvert --validate` on CITATION.cff and on the one the downloads page offers (issue 21).

cffconvert pins jsonschema<4, which the book's own venv cannot take, so it runs from a venv of its own, made
once from requirements-tools.txt (the one home of its version) and kept in ~/.cache/cjreport/tools-<hash of that
file>/. Making it needs PyPI; without a network the test skips and says so. Marked slow: the first run installs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "requirements-tools.txt"


def _pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def cffconvert() -> Path:
    key = hashlib.sha256(TOOLS.read_bytes()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cjreport" / f"tools-{key}"
    exe = cache / "bin" / "cffconvert"
    if exe.is_file():
        return exe
    if not _pypi_reachable():
        pytest.skip("cffconvert is not cached and PyPI is unreachable (no network): cannot install "
                    f"{TOOLS.name}'s cffconvert")
    shutil.rmtree(cache, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(cache)], check=True, capture_output=True)
    done = subprocess.run([str(cache / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r", str(TOOLS)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        shutil.rmtree(cache, ignore_errors=True)
        pytest.fail(f"installing {TOOLS.name} failed: {done.stderr.strip()[-500:]}")
    return exe


def _validate(exe: Path, cff: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(exe), "--validate", "-i", str(cff)], capture_output=True, text=True, timeout=120)


def _offered(html: Path) -> list[Path]:
    return [p for p in [ROOT / "CITATION.cff", html / "downloads" / "cite" / "CITATION.cff"] if p.is_file()]


@pytest.mark.slow
def test_cffconvert_validates_the_citation_files(cffconvert, html_dir):
    files = _offered(html_dir)
    assert len(files) == 2, "the downloads offer no CITATION.cff"
    for cff in files:
        done = _validate(cffconvert, cff)
        assert done.returncode == 0, f"{cff}: {done.stdout}{done.stderr}"
        assert "Citation metadata are valid" in done.stdout, done.stdout


@pytest.mark.slow
def test_cffconvert_refuses_a_broken_citation(cffconvert, tmp_path):
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    broken = tmp_path / "CITATION.cff"
    broken.write_text(text.replace("cff-version:", "cff-versoin:", 1), encoding="utf-8")
    assert _validate(cffconvert, broken).returncode != 0
