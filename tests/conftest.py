from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cjreport import load
from cjreport.evidence import DEFAULT_DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def evidence():
    return load()


@pytest.fixture(scope="session")
def html_dir() -> Path:
    if not (HTML / "book" / "intro.html").exists():
        pytest.fail("the book is not built: run `make book` first (README, Quick start)")
    return HTML


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A scratch copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target
