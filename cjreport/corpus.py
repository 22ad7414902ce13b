"""The five (or more) source texts and their metadata, loaded from data/ and checked."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .dataio import read_text, read_yaml, require
from .errors import DataError

PART_KINDS = ("body", "furniture", "comments")
SOURCE_ID = re.compile(r"^[0-9]{3}$")
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

    def part_at(self, offset: int) -> Part:
        for part in self.parts:
            if part.start <= offset < part.end:
                return part
        raise KeyError(offset)

    @property
    def body_text(self) -> str:
        return "\n".join(self.text[p.start : p.end] for p in self.parts if p.kind == "body")



def load_sources(data_dir: Path) -> dict[str, Source]:
    path = data_dir / "sources.yaml"
    records = read_yaml(path)
    if not isinstance(records, list):
        raise DataError(path, "expected a list of sources")
    sources: dict[str, Source] = {}
    for record in records:
        if not isinstance(record, dict):
            raise DataError(path, "each source must be a mapping", line=getattr(record, "line", None))
        sid = require(record, "id", path)
        if not SOURCE_ID.match(sid):
            raise DataError(path, f"source id {sid!r} must be three digits in quotes", line=record.line, item=sid)
        if sid in sources:
            raise DataError(path, f"duplicate source id {sid!r}", line=record.line, item=sid)
        fields = {k: require(record, k, path, item=sid) for k in (
            "bibkey", "file", "sha256", "title", "outlet", "author", "affiliation", "date",
            "date_status", "date_basis", "kind", "language", "reliability")}
        if fields["date_status"] not in ("printed", "inferred"):
            raise DataError(path, "date_status must be printed or inferred", line=record.line, item=sid)
        if not DATE.match(fields["date"]):
            raise DataError(path, f"date {fields['date']!r} is not YYYY, YYYY-MM or YYYY-MM-DD", line=record.line, item=sid)
        text_path = data_dir / "texts" / fields["file"]
        if not text_path.exists():
            raise DataError(path, f"text file {text_path} not found", line=record.line, item=sid)
        digest = hashlib.sha256(text_path.read_bytes()).hexdigest()
        if digest != fields["sha256"]:
            raise DataError(text_path, f"checksum changed: sha256 is {digest}, sources.yaml records {fields['sha256']}", item=sid)
        text = read_text(text_path)
        parts = _load_parts(record, text, path, sid)
        short_name = str(record.get("short_name") or fields["author"].split()[-1])
        sources[sid] = Source(id=sid, parts=parts, text=text, short_name=short_name, **fields)
    return sources


def _load_parts(record: dict, text: str, path: Path, sid: str) -> tuple[Part, ...]:
    raw_parts = require(record, "parts", path, list, item=sid)
    parts: list[Part] = []
    for raw in raw_parts:
        kind = require(raw, "kind", path, item=sid)
        if kind not in PART_KINDS:
            raise DataError(path, f"part kind {kind!r} not one of {', '.join(PART_KINDS)}", line=getattr(raw, "line", None), item=sid)
        start = require(raw, "start", path, int, item=sid)
        end = require(raw, "end", path, int, item=sid)
        if not 0 <= start < end <= len(text):
            raise DataError(path, f"part [{start}, {end}) outside the text (length {len(text)})", line=getattr(raw, "line", None), item=sid)
        parts.append(Part(kind, start, end, str(raw.get("label") or kind)))
    parts.sort(key=lambda p: p.start)
    covered = 0
    for part in parts:
        if part.start < covered:
            raise DataError(path, f"part [{part.start}, {part.end}) overlaps the previous part", item=sid)
        gap = text[covered : part.start]
        if gap.strip():
            raise DataError(path, f"characters {covered}-{part.start} ({gap.strip()[:40]!r}) belong to no part", item=sid)
        covered = part.end
    if text[covered:].strip():
        raise DataError(path, f"characters from {covered} ({text[covered:].strip()[:40]!r}) belong to no part", item=sid)
    return tuple(parts)
