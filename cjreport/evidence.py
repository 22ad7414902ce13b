"""Everything in data/, loaded and verified in one call."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import schema
from .coding import (Adjudication, ChangelogEntry, Code, Codebook, Event, SecondCode, load_adjudication, load_changelog,
                     load_codebook, load_coding, load_events, load_second_coding)
from .corpus import Source, load_sources
from .dataio import MAX_BYTES, read_yaml
from .bundle import project_root
from .errors import DataError
from .quotations import Quotation, load_quotations

# data/ of the repository, or the copy an installed wheel carries (cjreport/bundle.py)
DEFAULT_DATA_DIR = project_root() / "data"


@dataclass(frozen=True)
class Actor:
    id: str
    label: str
    kind: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Segment:
    id: str
    source: str
    start: int
    end: int
    themes: tuple[str, ...]
    questions: tuple[str, ...]
    summary: str
    not_analysed: str | None


@dataclass(frozen=True)
class ArgumentItem:
    summary: str
    quotation: str


@dataclass(frozen=True)
class Argument:
    source: str
    claim: ArgumentItem
    points: tuple[ArgumentItem, ...]
    recommendations: tuple[ArgumentItem, ...]
    recommendations_note: str | None


@dataclass(frozen=True)
class Evidence:
    data_dir: Path
    sources: dict[str, Source]
    quotations: dict[str, Quotation]
    codebook: Codebook
    coding: dict[tuple[str, str], Code]
    events: list[Event]
    actors: list[Actor]
    # Present only when their files are (None otherwise): data/codebook-changelog.yaml, coding-second.csv,
    # adjudication.csv, segments.yaml, arguments.yaml.
    changelog: list[ChangelogEntry] | None = None
    second_coding: dict[tuple[str, str], SecondCode] | None = None
    adjudication: dict[tuple[str, str], Adjudication] | None = None
    segments: list[Segment] | None = None
    arguments: dict[str, Argument] | None = None

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
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and not p.is_symlink()):
        digest.update(str(path.relative_to(directory)).encode())
        try:
            size = path.stat().st_size
            # Beyond the loader's limit the file is refused anyway: hash its size rather than read it all.
            digest.update(path.read_bytes() if size <= MAX_BYTES else f"size {size}".encode())
        except OSError:  # unreadable: the loader names it, one line
            digest.update(b"unreadable")
    return digest.hexdigest()


def load_actors(directory: Path) -> list[Actor]:
    path = directory / "actors.yaml"
    raw = read_yaml(path)
    records = schema.check_list(schema.ActorRecord, raw, path, what="actors")
    lines = [schema.line_of(raw, i) for i in range(len(records))]
    schema.unique([(r.id, line) for r, line in zip(records, lines)], path, "actor id")
    actors = []
    for record, line in zip(records, lines):
        try:
            regex = re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in record.patterns) + r")(?![\w])")
        except (re.error, RecursionError, OverflowError) as exc:
            raise DataError(path, f"bad pattern: {exc}", line=line, item=record.id) from None
        if regex.search(""):
            raise DataError(path, "a pattern matches the empty string", line=line, item=record.id)
        actors.append(Actor(record.id, record.label, record.kind, regex))
    return actors


def load_segments(directory: Path, sources: dict[str, Source], codebook: Codebook) -> list[Segment] | None:
    """segments.yaml: every non-blank line of every body part is exactly one segment."""
    path = directory / "segments.yaml"
    if not path.exists() and not path.is_symlink():
        return None
    raw = read_yaml(path)
    records = schema.check_list(schema.SegmentRecord, raw, path, what="segments")
    lines = [schema.line_of(raw, i) for i in range(len(records))]
    schema.unique([(r.id, line) for r, line in zip(records, lines)], path, "segment id")
    themes = {t.id: {q.id for q in t.questions} for t in codebook.themes}
    expected = {(sid, start, end) for sid, source in sources.items() for start, end in body_lines(source)}
    found: dict[tuple[str, int, int], str] = {}
    segments = []
    for record, line in zip(records, lines):
        if record.source not in sources:
            raise DataError(path, f"unknown source id {record.source!r}", line=line, item=record.id)
        for theme in record.themes:
            if theme not in themes:
                raise DataError(path, f"unknown theme {theme!r}", line=line, item=record.id)
        for question in record.questions:
            if not any(question in themes[t] for t in record.themes):
                raise DataError(path, f"question {question!r} is not in the segment's themes", line=line, item=record.id)
        key = (record.source, record.start, record.end)
        if key not in expected:
            text = sources[record.source].text
            raise DataError(path, f"[{record.start}, {record.end}) is not one whole non-blank line of a body part of source "
                            f"{record.source} (it holds “{text[record.start:record.end][:50]}”)", line=line, item=record.id)
        if key in found:
            raise DataError(path, f"the same line as segment {found[key]}", line=line, item=record.id)
        found[key] = record.id
        segments.append(Segment(record.id, record.source, record.start, record.end, tuple(record.themes),
                                tuple(record.questions), record.summary, record.not_analysed))
    missing = sorted(expected - set(found))
    if missing:
        sid, start, end = missing[0]
        raise DataError(path, f"no segment for line [{start}, {end}) of source {sid} "
                        f"(“{sources[sid].text[start:end][:50]}”): every body line is one segment", item=sid)
    return segments


def body_lines(source: Source) -> list[tuple[int, int]]:
    """[start, end) of every non-blank line of every body part, stripped of surrounding white space."""
    spans = []
    for part in source.parts:
        if part.kind != "body":
            continue
        for match in re.finditer(r"[^\n]+", source.text[part.start : part.end]):
            line = match.group()
            if line.strip():
                start = part.start + match.start() + len(line) - len(line.lstrip())
                spans.append((start, part.start + match.end() - (len(line) - len(line.rstrip()))))
    return spans


def load_arguments(directory: Path, sources: dict[str, Source], quotes: dict) -> dict[str, Argument] | None:
    path = directory / "arguments.yaml"
    if not path.exists() and not path.is_symlink():
        return None
    raw = read_yaml(path)
    records = schema.check_list(schema.ArgumentRecord, raw, path, what="argument maps")
    lines = [schema.line_of(raw, i) for i in range(len(records))]
    schema.unique([(r.source, line) for r, line in zip(records, lines)], path, "entry for source")
    arguments = {}
    for record, line in zip(records, lines):
        sid = record.source
        if sid not in sources:
            raise DataError(path, f"unknown source id {sid!r}", line=line, item=sid)
        for item in (record.claim, *record.points, *record.recommendations):
            if item.quotation not in quotes:
                raise DataError(path, f"unknown quotation id {item.quotation!r}", line=line, item=sid)
            if quotes[item.quotation].source != sid:
                raise DataError(path, f"quotation {item.quotation!r} belongs to source {quotes[item.quotation].source}",
                                line=line, item=sid)

        def items(values):
            return tuple(ArgumentItem(v.summary, v.quotation) for v in values)

        arguments[sid] = Argument(sid, ArgumentItem(record.claim.summary, record.claim.quotation), items(record.points),
                                  items(record.recommendations), record.recommendations_note)
    missing = sorted(set(sources) - set(arguments))
    if missing:
        raise DataError(path, f"no entry for source {missing[0]}: every source has one", item=missing[0])
    return arguments


def load(directory: Path | str | None = None) -> Evidence:
    """Load and verify everything in data/. Raises DataError (one line: file, line or id, what is wrong)."""
    directory = Path(directory).resolve() if directory else data_dir()
    try:
        return _load(directory, fingerprint(directory))
    except DataError as exc:
        raise exc.relative_to(directory.parent) from None


@lru_cache(maxsize=4)
def _load(directory: Path, _fingerprint: str) -> Evidence:
    if not directory.is_dir():
        raise DataError(directory, "the data directory does not exist")
    sources = load_sources(directory)
    codebook = load_codebook(directory)
    quotes = load_quotations(directory, sources, {t.id for t in codebook.themes})
    coding = load_coding(directory, codebook, sources, quotes)
    events = load_events(directory, sources, quotes)
    actors = load_actors(directory)
    changelog = load_changelog(directory, codebook)
    second = load_second_coding(directory, codebook, sources)
    adjudication = load_adjudication(directory, codebook, sources, coding, second)
    segments = load_segments(directory, sources, codebook)
    arguments = load_arguments(directory, sources, quotes)
    return Evidence(directory, sources, quotes, codebook, coding, events, actors, changelog, second, adjudication,
                    segments, arguments)
