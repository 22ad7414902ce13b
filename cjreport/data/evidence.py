"""Everything in data/, loaded and verified in one call."""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from cjreport.data import schema
from cjreport.data.coding import (Adjudication, ChangelogEntry, Code, Codebook, Event, SecondCode, load_adjudication, load_changelog,
                     load_codebook, load_coding, load_events, load_first_coding, load_second_coding)
from cjreport.data.corpus import Source, load_sources
from cjreport.data.readers import MAX_BYTES, read_yaml
from cjreport.data.errors import DataError, DataErrors, Problems, all_errors
from cjreport.data.quotations import Quotation, load_quotations
from cjreport.data.evidence_kinds import EvidenceKinds, load_evidence_kinds
from cjreport.data.open_matters import OpenMatter, load_open_matters
from cjreport.project import DATA_DIR

DEFAULT_DATA_DIR = DATA_DIR


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
    kind: str | None = None  # the kind of argument, in the book's reading (checked against readings.yaml there)
    kind_readings: tuple[str, ...] = ()
    line: int = 0  # where the entry starts in arguments.yaml, for an error about its readings


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
    evidence_kinds: EvidenceKinds | None = None  # data/evidence-kinds.yaml
    open_matters: tuple[OpenMatter, ...] | None = None  # data/open-matters.yaml

    @cached_property
    def citing(self) -> dict[str, tuple[Code, ...]]:
        """Quotation id → the coded cells that cite it, in the coding's order: the one index every view and export
        reads (a quotation no cell cites is absent)."""
        index: dict[str, list[Code]] = {}
        for code in self.coding.values():
            for qid in code.quotations:
                index.setdefault(qid, []).append(code)
        return {qid: tuple(codes) for qid, codes in index.items()}
    first_coding: dict[tuple[str, str], str] | None = None  # data/coding-first.csv: the first coder's codes as coded

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
    problems = Problems()
    for record, line in zip(records, lines):
        with problems.each():
            try:
                regex = re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in record.patterns) + r")(?![\w])")
            except (re.error, RecursionError, OverflowError) as exc:
                raise DataError(path, f"bad pattern: {exc}", line=line, item=record.id) from None
            if regex.search(""):
                raise DataError(path, "a pattern matches the empty string", line=line, item=record.id)
            actors.append(Actor(record.id, record.label, record.kind, regex))
    problems.raise_any()
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
    problems = Problems()
    for record, line in zip(records, lines):
        with problems.each():
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
    missing: dict[str, list[tuple[int, int]]] = {}
    for sid, start, end in sorted(expected - set(found)):
        missing.setdefault(sid, []).append((start, end))
    for sid, lines_missing in missing.items():  # one line per source: the fix is one command
        start, end = lines_missing[0]
        more = f" and {len(lines_missing) - 1} more line(s)" if len(lines_missing) > 1 else ""
        problems.errors.append(DataError(path, f"no segment for line [{start}, {end}) of source {sid} "
                                         f"(“{sources[sid].text[start:end][:50]}”){more}: every body line is one segment "
                                         f"(`python -m cjreport segments {sid} --append` writes them)", item=sid))
    problems.raise_any()
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
    problems = Problems()
    for record, line in zip(records, lines):
        with problems.each():
            sid = record.source
            if sid not in sources:
                raise DataError(path, f"unknown source id {sid!r}", line=line, item=sid)
            for item in (record.claim, *record.points, *record.recommendations):
                if item.quotation not in quotes:
                    raise DataError(path, f"unknown quotation id {item.quotation!r}", line=line, item=sid)
                if quotes[item.quotation].source != sid:
                    raise DataError(path, f"quotation {item.quotation!r} belongs to source {quotes[item.quotation].source}",
                                    line=line, item=sid)
                if quotes[item.quotation].voice != "author":  # the source's argument is in its author's words
                    raise DataError(path, f"quotation {item.quotation!r} is {quotes[item.quotation].voice} speech: a claim, point "
                                    "or recommendation of the source is shown by the author's own words", line=line, item=sid)

            def items(values):
                return tuple(ArgumentItem(v.summary, v.quotation) for v in values)

            arguments[sid] = Argument(sid, ArgumentItem(record.claim.summary, record.claim.quotation), items(record.points),
                                      items(record.recommendations), record.recommendations_note,
                                      record.kind.summary if record.kind else None,
                                      tuple(record.kind.readings) if record.kind else (), line or 0)
    for sid in sorted(set(sources) - {r.source for r in records}):
        problems.errors.append(DataError(path, f"no entry for source {sid}: every source has one", item=sid))
    problems.raise_any()
    return arguments


# A build verifies data/ once and hands the result to Sphinx and to every chapter's kernel through this file
# (cjreport.build writes it and names it in the environment): the processes a build starts then load it instead
# of verifying the same files again (about 0.4 s each, 17 processes a build). It is used only when it was made from
# the very files now in data/ (their fingerprint), so an edit made during a build is still verified.
VERIFIED_ENV = "CJREPORT_VERIFIED"


def save_verified(evidence: Evidence, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps((fingerprint(evidence.data_dir), evidence), protocol=pickle.HIGHEST_PROTOCOL))


def _verified_snapshot(directory: Path, current: str) -> Evidence | None:
    snapshot = os.environ.get(VERIFIED_ENV)
    if not snapshot:
        return None
    try:  # a file the build wrote into its own output directory, never one that came with the data
        made_from, evidence = pickle.loads(Path(snapshot).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return None
    return evidence if made_from == current and evidence.data_dir == directory else None


def load(directory: Path | str | None = None) -> Evidence:
    """Load and verify everything in data/. Raises DataError (one line: file, line or id, what is wrong); when
    there are several problems it is a DataErrors holding them all (`make check` lists them, see check())."""
    directory = Path(directory).resolve() if directory else data_dir()
    current = fingerprint(directory)
    try:
        return _verified_snapshot(directory, current) or _load(directory, current)
    except DataError as exc:
        raise exc.relative_to(directory.parent) from None


@dataclass(frozen=True)
class Skipped:
    """A file not checked because a file it depends on has errors (its own errors would only repeat those)."""

    file: str
    needs: tuple[str, ...]
    directory: str = "data"

    def __str__(self) -> str:
        return f"{self.directory}/{self.file}: not checked until {', '.join(f'{self.directory}/{n}' for n in self.needs)} is fixed"


# Each file, the files it needs, and its loader. Files whose dependencies loaded are checked even when another,
# independent file failed, so one run reports every independent problem; a file whose dependency failed is
# skipped with a note instead of repeating that failure as errors of its own.
_STEPS = (
    ("sources.yaml", (), lambda d, r: load_sources(d)),
    ("codebook.yaml", (), lambda d, r: load_codebook(d)),
    ("actors.yaml", (), lambda d, r: load_actors(d)),
    ("quotations.yaml", ("sources.yaml", "codebook.yaml"),
     lambda d, r: load_quotations(d, r["sources.yaml"], {t.id for t in r["codebook.yaml"].themes})),
    ("coding.csv", ("codebook.yaml", "sources.yaml", "quotations.yaml"),
     lambda d, r: load_coding(d, r["codebook.yaml"], r["sources.yaml"], r["quotations.yaml"])),
    ("events.csv", ("sources.yaml", "quotations.yaml"), lambda d, r: load_events(d, r["sources.yaml"], r["quotations.yaml"])),
    ("codebook-changelog.yaml", ("codebook.yaml",), lambda d, r: load_changelog(d, r["codebook.yaml"])),
    ("coding-second.csv", ("codebook.yaml", "sources.yaml"),
     lambda d, r: load_second_coding(d, r["codebook.yaml"], r["sources.yaml"])),
    ("coding-first.csv", ("codebook.yaml", "sources.yaml"), lambda d, r: load_first_coding(d, r["codebook.yaml"], r["sources.yaml"])),
    ("adjudication.csv", ("codebook.yaml", "sources.yaml", "coding.csv", "coding-second.csv", "coding-first.csv"),
     lambda d, r: load_adjudication(d, r["codebook.yaml"], r["sources.yaml"], r["coding.csv"], r["coding-second.csv"],
                                    r["coding-first.csv"])),
    ("segments.yaml", ("sources.yaml", "codebook.yaml"), lambda d, r: load_segments(d, r["sources.yaml"], r["codebook.yaml"])),
    ("arguments.yaml", ("sources.yaml", "quotations.yaml"),
     lambda d, r: load_arguments(d, r["sources.yaml"], r["quotations.yaml"])),
    ("evidence-kinds.yaml", ("quotations.yaml",), lambda d, r: load_evidence_kinds(d, r["quotations.yaml"])),
    ("open-matters.yaml", ("quotations.yaml", "codebook.yaml"),
     lambda d, r: load_open_matters(d, r["quotations.yaml"], tuple(t.id for t in r["codebook.yaml"].themes))),
)


def check(directory: Path | str | None = None) -> tuple[Evidence | None, list[DataError], list[Skipped]]:
    """Every independent problem in data/ in one pass: (the evidence, or None when anything failed; every
    error, paths relative to the project; the files skipped because a file they need failed)."""
    directory = Path(directory).resolve() if directory else data_dir()
    if not directory.is_dir():
        return None, [DataError(directory, "the data directory does not exist").relative_to(directory.parent)], []
    results, errors, skipped = _run_steps(directory)
    for error in errors:
        error.relative_to(directory.parent)
    if errors:
        return None, errors, skipped
    return _evidence(directory, results), [], []


# Files the loader reads only when present, but that the book needs: their absence is one line, not a chapter's crash.
REQUIRED = {
    "codebook-changelog.yaml": "the methods chapter shows the codebook's changes (an empty list `[]` if there are none)",
    "coding-second.csv": "the methods chapter measures agreement with the blind second coding",
    "coding-first.csv": "agreement is measured between the first coding as coded and the second",
    "adjudication.csv": "the methods chapter shows the decision on every disagreement (a header line if there are none)",
}


def _run_steps(directory: Path) -> tuple[dict, list[DataError], list[Skipped]]:
    results: dict = {}
    errors: list[DataError] = []
    skipped: list[Skipped] = []
    failed: set[str] = set()
    for name, needs, loader in _STEPS:
        broken = tuple(n for n in needs if n in failed)
        if broken:
            failed.add(name)
            skipped.append(Skipped(name, broken, directory.name))
            continue
        try:
            results[name] = loader(directory, results)
            if results[name] is None and name in REQUIRED:
                raise DataError(directory / name, f"missing: {REQUIRED[name]}")
        except DataError as exc:
            failed.add(name)
            errors.extend(all_errors(exc))
    return results, errors, skipped


def _evidence(directory: Path, r: dict) -> Evidence:
    return Evidence(directory, r["sources.yaml"], r["quotations.yaml"], r["codebook.yaml"], r["coding.csv"], r["events.csv"],
                    r["actors.yaml"], r["codebook-changelog.yaml"], r["coding-second.csv"], r["adjudication.csv"],
                    r["segments.yaml"], r["arguments.yaml"], evidence_kinds=r.get("evidence-kinds.yaml"),
                    open_matters=r.get("open-matters.yaml"),
                    first_coding=r["coding-first.csv"])


@lru_cache(maxsize=4)
def _load(directory: Path, _fingerprint: str) -> Evidence:
    if not directory.is_dir():
        raise DataError(directory, "the data directory does not exist")
    results, errors, _ = _run_steps(directory)
    if errors:
        raise DataErrors(errors)
    return _evidence(directory, results)
