"""Two builds of one commit give the same pages and chart specifications (apart from audit.VOLATILE)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cjreport.audit import VOLATILE, differing_files

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_second_clean_build_is_identical(html_dir, tmp_path):
    out = tmp_path / "_build"
    result = subprocess.run([sys.executable, "-m", "cjreport.build", "--root", str(ROOT), "--out", str(out)],
                            capture_output=True, text=True, timeout=1800, env=dict(os.environ))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert differing_files(html_dir, out / "html") == []
    specs = lambda root: [json.loads(s.string) for p in sorted((root / "book").glob("*.html"))
                          for s in BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").select("script.cj-chart-spec")]
    assert specs(html_dir) == specs(out / "html") and len(specs(html_dir)) >= 5
    # Again, with every chapter taken from the execution cache: Sphinx's environment and the downloads' key are
    # dropped, so every page is read again and every download written again, with no chapter executed.
    built = out / "work" / "_build"
    shutil.rmtree(built / ".doctrees")
    (built / "cjreport" / "downloads.key").unlink()
    result = subprocess.run([sys.executable, "-m", "cjreport.build", "--root", str(ROOT), "--out", str(out)],
                            capture_output=True, text=True, timeout=1800, env=dict(os.environ))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    log = (out / "build.log").read_text(encoding="utf-8")  # jupyter-book's whole output (the terminal is quiet)
    assert "Executing notebook" not in log and "Using cached notebook" in log
    assert differing_files(html_dir, built / "html") == [], "a rebuild from the execution cache differs"


def test_comparison_sees_a_difference(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for root, text in ((a, "one"), (b, "two")):
        (root / "book").mkdir(parents=True)
        (root / "book" / "page.html").write_text(text)
        (root / VOLATILE[0][0]).parent.mkdir(parents=True, exist_ok=True)
        (root / VOLATILE[0][0]).write_text(text)
    assert differing_files(a, b) == ["book/page.html"]
