"""The package's layering (.importlinter) holds: layers import only downwards, and no sub-package has an import
cycle. Run by `make test-fast` and `make test`; `lint-imports` prints the offending import lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
    assert "0 broken" in result.stdout


def test_the_data_check_imports_nothing_heavy():
    """`make check` must stay fast: the data layer and the build's check path never import Sphinx, pandas,
    Altair, nbformat or jsonschema (importing them costs seconds; the check needs none of them)."""
    code = ("import sys, cjreport.build, cjreport.data.bib; "
            "print(' '.join(sorted(m for m in ('sphinx', 'pandas', 'altair', 'nbformat', 'jsonschema', 'docutils') "
            "if m in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"heavy modules imported on the check's path: {result.stdout.strip()}"


def test_the_build_cache_key_covers_every_module_of_the_package():
    """A change in any module, sub-packages included, must rerun every chapter: the build's fingerprint and the
    downloads' key read project.package_files()."""
    from cjreport.project import PACKAGE_DIR, package_files

    modules = set(PACKAGE_DIR.rglob("*.py"))
    assert set(package_files()) == modules
    assert any(p.parent != PACKAGE_DIR for p in modules), "the package has sub-packages; the key must see them"
