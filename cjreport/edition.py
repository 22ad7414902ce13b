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


# --- which edition: local (the full texts) or public (only the quoted paragraphs) ----------------------------

EDITION_ENV = "CJREPORT_EDITION"  # the one setting: `CJREPORT_EDITION=public make book` (or `make book-public`)
EDITIONS = ("local", "public")
EDITION_FILE = "EDITION"  # written into the public wheel's copy of the project (cjreport/exports/distribution.py)


class EditionError(ValueError):
    """CJREPORT_EDITION (or a wheel's EDITION file) names no edition: one line says what is expected."""


def name(root: Path = ROOT) -> str:
    """"local" (the default: the five source texts in full, for verification and teaching in the repository) or
    "public" (for a public website: the appendix reproduces only the paragraphs the book quotes, the others by
    their one-line summaries, and no download carries a full text).

    The setting is the environment variable CJREPORT_EDITION; an installed public wheel, which has no such
    variable around it, records its edition in its copy of the project (the file EDITION). Unset: local."""
    value = os.environ.get(EDITION_ENV, "").strip()
    where = EDITION_ENV
    if not value and (root / EDITION_FILE).is_file():
        value, where = (root / EDITION_FILE).read_text(encoding="utf-8").strip(), str(root / EDITION_FILE)
    value = value or "local"
    if value not in EDITIONS:
        raise EditionError(f"{where}={value!r} names no edition: expected one of {', '.join(EDITIONS)}")
    return value


def is_public(root: Path = ROOT) -> bool:
    return name(root) == "public"


def description(root: Path = ROOT) -> str:
    """One sentence for the colophon and the downloads page: which edition this is and what it reproduces."""
    if is_public(root):
        return ("Public edition: the appendix reproduces each source only in the paragraphs the book quotes from and "
                "gives the others by one-line summaries; no download carries a full source text. The local edition "
                "(the repository) has the texts in full.")
    return ("Local edition: the five source texts are reproduced in full, for verification and teaching. A public "
            "edition, which reproduces only the paragraphs the book quotes from, is the one meant for public websites.")
