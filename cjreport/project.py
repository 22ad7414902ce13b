"""Where the project lives and which edition a build is: the one home of the repository's paths, the PDF's name
and the commit. Nothing heavy is imported here: `make check` and every layer of the package read it."""

from __future__ import annotations

import datetime
import os
import subprocess
from functools import lru_cache
from pathlib import Path

from cjreport.bundle import project_root

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = project_root()  # the repository, or the copy of its files an installed wheel carries (cjreport/bundle.py)
DATA_DIR = ROOT / "data"
BOOK_DIR = ROOT / "book"
PDF_NAME = "china-japan-security.pdf"  # the complete book
# The report on its own (cjreport/sphinx_ext/typst_pdf.py): the introduction, the first part of _toc.yml and, of the
# reference matter, these pages, which its prose links to on almost every page (terms and cited works); a link to
# anything else opens the complete book at its page.
REPORT_PDF_NAME = "china-japan-security-report.pdf"
REPORT_REFERENCE_PAGES = ("book/glossary", "book/bibliography")
# sections of the root page the report leaves out: the citation records (its title page says how to cite it)
REPORT_LEAVES_OUT = ("how-to-cite",)
# what the build says when a chapter it read is missing from the execution cache (cjreport/sphinx_ext, build.py)
CACHE_MISS = "not in the execution cache"


def package_files() -> list[Path]:
    """Every module of the package, sub-packages included: the build's caches are keyed on them."""
    return sorted(PACKAGE_DIR.rglob("*.py"))


@lru_cache(maxsize=8)
def _git(root: str) -> tuple[str, bool, str] | None:
    """(commit, has uncommitted changes, commit time as a Unix epoch) of the checkout at root; None outside git.
    Asked once per process: the colophon, the title page and the build's date all read this."""
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", root, *args], capture_output=True, text=True, timeout=10)

    try:
        head = git("log", "-1", "--format=%H %ct")
        if head.returncode != 0 or not head.stdout.strip():
            return None
        sha, epoch = head.stdout.split()
        dirty = bool(git("status", "--porcelain", "--untracked-files=no").stdout.strip())
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return sha, dirty, epoch


def commit(root: Path = ROOT, short: bool = False) -> str:
    """The checked-out commit (12 digits if short), marked when the working tree differs from it; "unversioned"
    outside git."""
    found = _git(str(root))
    if found is None:
        return "unversioned"
    sha, dirty, _ = found
    if short:
        return sha[:12] + (" with uncommitted changes" if dirty else "")
    return sha + (" (with uncommitted changes)" if dirty else "")


def commit_epoch(root: Path = ROOT) -> str:
    """The time of the checked-out commit: Sphinx and the PDF date the book by it, so rebuilds match."""
    found = _git(str(root))
    return found[2] if found and found[2].isdigit() else "1700000000"  # outside git: a fixed date, not the clock


def stamp() -> datetime.datetime | None:
    """The build's time from SOURCE_DATE_EPOCH (the build sets it from the commit), so rebuilds agree."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch.isdigit() else None


def build_date() -> str:
    """The build's date from SOURCE_DATE_EPOCH (the build sets it from the commit), so rebuilds agree."""
    when = stamp()
    return when.strftime("%Y-%m-%d %H:%M UTC") if when else "not recorded (built without SOURCE_DATE_EPOCH)"


def edition(root: Path = ROOT) -> tuple[str, str, str]:
    """(commit, date, year) of this edition, for the PDF's title page: the commit checked out, shortened (marked
    when the tree has uncommitted changes), and the date the build is stamped with. Outside git: "unversioned"."""
    when = stamp() or datetime.datetime.now(datetime.timezone.utc)
    return commit(root, short=True), f"{when.day} {when:%B %Y}", f"{when:%Y}"
