"""This edition: its identifier and date, the commit it was built from, and where the book and its source live.

One home for each fact:
- the edition's version and release date: CITATION.cff (`version`, `date-released`), which reference managers
  and GitHub read; the wheel's version is taken from it too (setup.py);
- the repository's URL and the published book's URL: _config.yml, in the keys Jupyter Book itself defines
  (`repository.url`, `html.baseurl`). Both may be empty (the project has no public address yet): then nothing
  links outside the book, and the source travels as the edition's archive on the downloads page;
- the commit and the build date: git and SOURCE_DATE_EPOCH (cjreport.build sets it from the commit's time).
"""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import yaml

from .bundle import project_root

ROOT = project_root()


def citation(root: Path = ROOT) -> dict:
    return yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))


def version(root: Path = ROOT) -> str:
    return str(citation(root)["version"])


def date_released(root: Path = ROOT) -> str:
    return str(citation(root)["date-released"])


def identifier(root: Path = ROOT) -> str:
    """How the book names this edition: "1.0.0 of 2026-12-06"."""
    return f"{version(root)} of {date_released(root)}"


def _config(root: Path) -> dict:
    path = root / "_config.yml"
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.is_file() else {}


def _url(value: object) -> str:
    text = str(value or "").strip()
    return text if text.startswith(("https://", "http://")) else ""


def repository_url(root: Path = ROOT) -> str:
    """The public repository (`repository.url` in _config.yml), or "" when none is configured."""
    return _url((_config(root).get("repository") or {}).get("url"))


def book_url(root: Path = ROOT) -> str:
    """The published book's address (`html.baseurl` in _config.yml) ending in "/", or "" when none."""
    url = _url((_config(root).get("html") or {}).get("baseurl"))
    return url if not url or url.endswith("/") else url + "/"


def commit(root: Path = ROOT, short: bool = False) -> str:
    """The checked-out commit, marked when the working tree differs from it; "unversioned" outside git."""
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", *(["--short=12"] if short else []), "HEAD"],
                              capture_output=True, text=True, timeout=10)
        if head.returncode != 0 or not head.stdout.strip():
            return "unversioned"
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unversioned"
    mark = (" with uncommitted changes" if short else " (with uncommitted changes)") if dirty else ""
    return head.stdout.strip() + mark


def stamp() -> datetime | None:
    """The build's time from SOURCE_DATE_EPOCH (the build sets it from the commit), so rebuilds agree."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch.isdigit() else None


def build_date() -> str:
    when = stamp()
    return when.strftime("%Y-%m-%d %H:%M UTC") if when else "not recorded (built without SOURCE_DATE_EPOCH)"
