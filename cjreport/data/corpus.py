"""The source texts and their metadata, loaded from data/ and checked."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from cjreport.data import schema
from cjreport.data.readers import decode, read_bytes, read_text, read_yaml
from cjreport.data.errors import DataError, Problems

PART_KINDS = schema.PART_KINDS
SOURCE_ID = re.compile(schema.SOURCE_ID)
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Part:
    kind: str  # body | furniture | comments
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Source:
    id: str
    bibkey: str
    file: str
    sha256: str
    title: str
    outlet: str
    author: str
    affiliation: str
    date: str
    date_status: str  # printed | inferred
    date_basis: str
    kind: str
    language: str
    reliability: str
    parts: tuple[Part, ...]
    text: str
    short_name: str
    user_submitted: bool = False  # the page says a user submitted it (data/README.md, sources.yaml)
    outlet_status: str = "printed"  # printed | inferred (from the page's furniture, not named as the outlet)
    inferred: str | None = None  # of an inferred date: "date" (the default) or "year" (day and month printed)
    # the public wheel's texts: paragraphs the book does not quote blanked (cjreport/data/excerpts.py), so the
    # checks that need the full text (checksums, context around quotations, the second coder's excerpts) are skipped
    redacted: bool = False

    def part_at(self, offset: int) -> Part:
        for part in self.parts:
            if part.start <= offset < part.end:
                return part
        raise KeyError(offset)

    @property
    def date_mark(self) -> str:
        """How a reader is told the date is not all printed: "" (printed), "date inferred" or "year inferred"."""
        if self.date_status != "inferred":
            return ""
        return f"{self.inferred or 'date'} inferred"

    @property
    def body_text(self) -> str:
        return "\n".join(self.text[p.start : p.end] for p in self.parts if p.kind == "body")


REDACTION = "·"  # U+00B7: not a word character, so no word of a withheld paragraph is counted or found
REDACTED_NOTE = "REDACTED"  # a file of this name in data/texts/ marks texts redacted (cjreport/data/excerpts.py)


def is_redacted(data_dir: Path) -> bool:
    return (data_dir / "texts" / REDACTED_NOTE).is_file()


def text_path(data_dir: Path, name: str, sources_path: Path, *, line: int | None, item: str) -> Path:
    """texts/<name>, only if it is a regular file inside data/texts/ (not a symlink, not a FIFO or directory)."""
    texts = data_dir / "texts"
    path = texts / name
    if Path(name).name != name or name in (".", ".."):
        raise DataError(sources_path, f"file {name!r} must be a plain file name inside data/texts/", line=line, item=item)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise DataError(sources_path, f"text file texts/{name} not found", line=line, item=item) from None
    if stat.S_ISLNK(info.st_mode):
        raise DataError(sources_path, f"text file texts/{name} is a symbolic link; put the text itself in data/texts/",
                        line=line, item=item)
    if not stat.S_ISREG(info.st_mode):
        raise DataError(sources_path, f"text file texts/{name} is not a regular file", line=line, item=item)
    return path


def read_sums(data_dir: Path) -> dict[str, tuple[str, int]]:
    """texts/SHA256SUMS as {file name: (sha256, line)}, in `sha256sum` format."""
    path = data_dir / "texts" / "SHA256SUMS"
    sums: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        match = re.fullmatch(r"([0-9a-f]{64}) [ *](\S+)", line)
        if not match:
            raise DataError(path, "expected `<sha256>  <file name>` (the output of sha256sum)", line=number)
        digest, name = match.groups()
        if name in sums:
            raise DataError(path, f"{name} is listed twice", line=number, item=name)
        sums[name] = (digest, number)
    return sums


def load_sources(data_dir: Path) -> dict[str, Source]:
    path = data_dir / "sources.yaml"
    raw = read_yaml(path)
    records = schema.check_list(schema.SourceRecord, raw, path, what="sources")
    lines = [schema.line_of(raw, i) for i in range(len(records))]
    schema.unique([(r.id, line) for r, line in zip(records, lines)], path, "source id")
    schema.unique([(r.bibkey, line) for r, line in zip(records, lines)], path, "bibkey")
    schema.unique([(r.file, line) for r, line in zip(records, lines)], path, "text file")
    schema.unique([(r.sha256, line) for r, line in zip(records, lines)], path, "text (the same checksum as another source's)")
    schema.unique([(r.short_name or r.author.split()[-1], line) for r, line in zip(records, lines)], path,
                  "short name (tables and charts would show two sources as one; set short_name)")
    sums = read_sums(data_dir)
    redacted = is_redacted(data_dir)
    sources: dict[str, Source] = {}
    problems = Problems()
    unlisted: list[tuple[str, str]] = []
    for record, line in zip(records, lines):
        with problems.each():
            sid = record.id
            tpath = text_path(data_dir, record.file, path, line=line, item=sid)
            raw_text = read_bytes(tpath, what="text file")
            text = decode(raw_text, tpath)
            digest = hashlib.sha256(raw_text).hexdigest()
            if digest != record.sha256 and not redacted:
                raise DataError(tpath, f"checksum changed: sha256 is {digest[:12]}…, sources.yaml records {record.sha256[:12]}…; "
                                f"if you corrected the text, `python -m cjreport repair {sid}` records the new checksum in "
                                "sources.yaml and texts/SHA256SUMS and moves its parts, quotations and segments with their words",
                                item=sid)
            listed = sums.get(record.file)
            if listed is None:
                unlisted.append((sid, record.file))
                continue
            if listed[0] != record.sha256:
                raise DataError(data_dir / "texts" / "SHA256SUMS", f"checksum of {record.file} differs from sources.yaml "
                                f"(`python -m cjreport repair {sid}` writes the text's checksum in both)", line=listed[1], item=sid)
            parts = _load_parts(record, text, path, sid, line)
            short_name = record.short_name or record.author.split()[-1]
            fields = record.model_dump(exclude={"id", "parts", "short_name"})
            sources[sid] = Source(id=sid, parts=parts, text=text, short_name=short_name, redacted=redacted, **fields)
    extra = sorted(set(sums) - {r.file for r in records})
    for sid, name in unlisted:  # one line for one mistake: a renamed line is "no line for X; it lists Y instead"
        instead = f"; it lists {extra.pop(0)} instead, which no source names" if extra else ""
        problems.errors.append(DataError(data_dir / "texts" / "SHA256SUMS", f"no line for {name} (source {sid}){instead}", item=sid))
    for name in extra:
        problems.errors.append(DataError(data_dir / "texts" / "SHA256SUMS", f"lists {name}, which no source in sources.yaml names",
                                         line=sums[name][1], item=name))
    problems.raise_any()
    # In order of publication, then of id: every table, chart and card lists the sources so, and the timing
    # analysis reads in that order. Two readers (the 38th and the 40th) found Roy, id 000, leading every table
    # and chapter opening, and read it as a tilt.
    return dict(sorted(sources.items(), key=lambda item: (item[1].date, item[0])))


def _load_parts(record: schema.SourceRecord, text: str, path: Path, sid: str, line: int | None) -> tuple[Part, ...]:
    parts: list[Part] = []
    for raw in record.parts:
        if raw.end > len(text):
            raise DataError(path, f"part [{raw.start}, {raw.end}) outside the text (length {len(text)})", line=line, item=sid)
        parts.append(Part(raw.kind, raw.start, raw.end, raw.label or raw.kind))
    parts.sort(key=lambda p: p.start)
    covered = 0
    for part in parts:
        if part.start < covered:
            raise DataError(path, f"part [{part.start}, {part.end}) overlaps the previous part", line=line, item=sid)
        gap = text[covered : part.start]
        if gap.strip():
            raise DataError(path, f"characters {covered}-{part.start} ({gap.strip()[:40]!r}) belong to no part", line=line, item=sid)
        covered = part.end
    if text[covered:].strip():
        raise DataError(path, f"characters from {covered} ({text[covered:].strip()[:40]!r}) belong to no part", line=line, item=sid)
    return tuple(parts)
