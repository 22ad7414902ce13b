"""Everything in data/, loaded and verified in one call."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .coding import Code, Codebook, Event, load_codebook, load_coding, load_events
from .corpus import Source, load_sources
from .dataio import read_yaml, require
from .errors import DataError
from .quotations import Quotation, load_quotations

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Actor:
    id: str
    label: str
    kind: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Evidence:
    data_dir: Path
    sources: dict[str, Source]
    quotations: dict[str, Quotation]
    codebook: Codebook
    coding: dict[tuple[str, str], Code]
    events: list[Event]
    actors: list[Actor]

    def quotes_for(self, *, source: str | None = None, theme: str | None = None) -> list[Quotation]:
        return [q for q in self.quotations.values()
                if (source is None or q.source == source) and (theme is None or q.theme == theme)]


def data_dir() -> Path:
    """data/ of this checkout, or the directory named by CJREPORT_DATA (used by the fixture books in tests)."""
    return Path(os.environ.get("CJREPORT_DATA") or DEFAULT_DATA_DIR).resolve()


def fingerprint(directory: Path | None = None) -> str:
    """A hash of every file in data/: the build uses it so no cached chapter outlives a data change."""
    directory = directory or data_dir()
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_actors(directory: Path) -> list[Actor]:
    path = directory / "actors.yaml"
    actors = []
    for record in read_yaml(path) or []:
        aid = require(record, "id", path)
        patterns = require(record, "patterns", path, list, item=aid)
        try:
            regex = re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?![\w])")
        except re.error as exc:
            raise DataError(path, f"bad pattern: {exc}", line=record.line, item=aid) from None
        actors.append(Actor(aid, require(record, "label", path, item=aid), require(record, "kind", path, item=aid), regex))
    return actors


def load(directory: Path | str | None = None) -> Evidence:
    """Load and verify everything in data/. Raises DataError (one line: file, line or id, what is wrong)."""
    return _load(Path(directory).resolve() if directory else data_dir(), fingerprint(Path(directory) if directory else None))


@lru_cache(maxsize=4)
def _load(directory: Path, _fingerprint: str) -> Evidence:
    sources = load_sources(directory)
    codebook = load_codebook(directory)
    quotes = load_quotations(directory, sources, {t.id for t in codebook.themes})
    coding = load_coding(directory, codebook, sources, quotes)
    events = load_events(directory, sources, quotes)
    actors = load_actors(directory)
    return Evidence(directory, sources, quotes, codebook, coding, events, actors)
