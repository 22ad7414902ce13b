from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cjreport import load
from cjreport.data.evidence import DEFAULT_DATA_DIR

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


TIERS = {"unit": "unit", "book": "book", "browser": "browser"}  # the folder a test lives in is its tier


def pytest_collection_modifyitems(config, items):
    """Mark every test with its tier (tests/unit, tests/book, tests/browser), so `-m unit` selects a tier too."""
    for item in items:
        folder = Path(str(item.fspath)).parent.name
        if folder in TIERS:
            item.add_marker(getattr(pytest.mark, TIERS[folder]))
