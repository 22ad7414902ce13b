"""A chapter that fails to execute, or a Sphinx warning, fails the build and leaves the last good book in place."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _copy_book(target: Path) -> Path:
    shutil.copytree(ROOT / "book", target / "book")
    for name in ("_config.yml", "_toc.yml", "CITATION.cff"):  # the build reads CITATION.cff (How to cite)
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, target / name)
    return target


def _build_fails(root: Path) -> str:
    out = root / "_build"
    (out / "html").mkdir(parents=True)
    (out / "html" / "index.html").write_text("last good book")
    result = subprocess.run([sys.executable, "-m", "cjreport.build", "--root", str(root), "--out", str(out)],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode != 0
    assert (out / "html" / "index.html").read_text() == "last good book"
    return result.stdout + result.stderr


def test_failing_chapter_fails_the_build(tmp_path):
    root = _copy_book(tmp_path)
    chapter = root / "book" / "taiwan.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        'present.positions("taiwan-shift", evidence)', 'present.positions("no-such-question", evidence)'), encoding="utf-8")
    log = _build_fails(root)
    assert "no-such-question" in log and "taiwan" in log


def test_sphinx_warning_fails_the_build(tmp_path):
    root = _copy_book(tmp_path)
    chapter = root / "book" / "conclusion.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nSee {ref}`a-label-that-does-not-exist`.\n", encoding="utf-8")
    log = _build_fails(root)
    assert "a-label-that-does-not-exist" in log
