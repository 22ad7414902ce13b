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

from pathlib import Path

import yaml

from cjreport.project import ROOT, build_date, commit, stamp  # noqa: F401 - the edition's commit and date, one home


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
