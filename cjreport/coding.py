"""The codebook (stance scale, themes, questions), the coding of every question × source, and events."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .corpus import DATE, Source
from .dataio import read_csv, read_yaml, require
from .errors import DataError
from .quotations import Quotation

SLUG = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Stance:
    id: str
    label: str
    definition: str
    rule: str


@dataclass(frozen=True)
class Question:
    id: str
    theme: str
    proposition: str
    note: str
    label: str  # a short human label for charts, tables and headings (ids stay out of what readers see)


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    chapter: str
    summary: str
    questions: tuple[Question, ...]
    short: str  # a short title for table cells and chart labels


@dataclass(frozen=True)
class Codebook:
    stances: tuple[Stance, ...]
    themes: tuple[Theme, ...]

    @property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for t in self.themes for q in t.questions}

    def theme(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    def stance(self, stance_id: str) -> Stance:
        for stance in self.stances:
            if stance.id == stance_id:
                return stance
        raise KeyError(stance_id)


@dataclass(frozen=True)
class Code:
    question: str
    source: str
    stance: str
    rationale: str
    quotations: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Event:
    id: str
    date: str
    precision: str
    event: str
    sources: tuple[str, ...]
    quotations: tuple[str, ...]


def load_codebook(data_dir: Path) -> Codebook:
    path = data_dir / "codebook.yaml"
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise DataError(path, "expected a mapping with stances and themes")
    stances = []
    for record in require(raw, "stances", path, list):
        sid = require(record, "id", path)
        stances.append(Stance(sid, require(record, "label", path, item=sid), require(record, "definition", path, item=sid),
                              require(record, "rule", path, item=sid)))
    if "not_addressed" not in {s.id for s in stances}:
        raise DataError(path, "the stance scale must include not_addressed")
    themes, seen = [], set()
    for record in require(raw, "themes", path, list):
        tid = require(record, "id", path)
        if not SLUG.match(tid) or tid in seen:
            raise DataError(path, f"theme id {tid!r} is malformed or duplicated", line=record.line, item=tid)
        seen.add(tid)
        questions = []
        for q in require(record, "questions", path, list, item=tid):
            qid = require(q, "id", path, item=tid)
            if not SLUG.match(qid) or qid in seen:
                raise DataError(path, f"question id {qid!r} is malformed or duplicated", line=q.line, item=qid)
            seen.add(qid)
            questions.append(Question(qid, tid, require(q, "proposition", path, item=qid), str(q.get("note") or ""),
                                      require(q, "label", path, item=qid)))
        themes.append(Theme(tid, require(record, "title", path, item=tid), require(record, "chapter", path, item=tid),
                            str(record.get("summary") or ""), tuple(questions),
                            require(record, "short", path, item=tid)))
    return Codebook(tuple(stances), tuple(themes))


def load_coding(data_dir: Path, codebook: Codebook, sources: dict[str, Source],
                quotes: dict[str, Quotation]) -> dict[tuple[str, str], Code]:
    path = data_dir / "coding.csv"
    stance_ids = {s.id for s in codebook.stances}
    questions = codebook.questions
    codes: dict[tuple[str, str], Code] = {}
    for row in read_csv(path, ["question", "source", "stance", "rationale", "quotations"]):
        v = row.values
        item = f"{v['question']} × {v['source']}"
        if v["question"] not in questions:
            raise DataError(path, f"unknown question {v['question']!r}", line=row.line, item=item)
        if v["source"] not in sources:
            raise DataError(path, f"unknown source id {v['source']!r}", line=row.line, item=item)
        if v["stance"] not in stance_ids:
            raise DataError(path, f"stance {v['stance']!r} is not on the scale ({', '.join(sorted(stance_ids))})", line=row.line, item=item)
        if not v["rationale"]:
            raise DataError(path, "empty rationale", line=row.line, item=item)
        key = (v["question"], v["source"])
        if key in codes:
            raise DataError(path, f"duplicate coding for {item} (first at line {codes[key].line})", line=row.line, item=item)
        qids = tuple(v["quotations"].split())
        for qid in qids:
            if qid not in quotes:
                raise DataError(path, f"unknown quotation id {qid!r}", line=row.line, item=item)
            if quotes[qid].source != v["source"]:
                raise DataError(path, f"quotation {qid!r} belongs to source {quotes[qid].source}, not {v['source']}", line=row.line, item=item)
            if quotes[qid].voice == "commenter":
                raise DataError(path, f"quotation {qid!r} is a reader comment and cannot support a source's stance", line=row.line, item=item)
        if v["stance"] == "not_addressed" and qids:
            raise DataError(path, "not_addressed takes no quotations", line=row.line, item=item)
        if v["stance"] != "not_addressed" and not qids:
            raise DataError(path, f"stance {v['stance']!r} needs at least one supporting quotation", line=row.line, item=item)
        codes[key] = Code(v["question"], v["source"], v["stance"], v["rationale"], qids, row.line)
    for qid in questions:
        for sid in sources:
            if (qid, sid) not in codes:
                raise DataError(path, f"no coding for question {qid} × source {sid}: every cell needs a stance (not_addressed is a value)", item=f"{qid} × {sid}")
    return codes


def load_events(data_dir: Path, sources: dict[str, Source], quotes: dict[str, Quotation]) -> list[Event]:
    path = data_dir / "events.csv"
    events: list[Event] = []
    seen: set[str] = set()
    for row in read_csv(path, ["id", "date", "precision", "event", "sources", "quotations"]):
        v = row.values
        eid = v["id"]
        if not eid or eid in seen:
            raise DataError(path, f"event id {eid!r} is empty or duplicated", line=row.line, item=eid)
        seen.add(eid)
        if not DATE.match(v["date"]):
            raise DataError(path, f"date {v['date']!r} is not YYYY, YYYY-MM or YYYY-MM-DD", line=row.line, item=eid)
        expected = {4: "year", 7: "month", 10: "day"}[len(v["date"])]
        if v["precision"] != expected:
            raise DataError(path, f"precision {v['precision']!r} does not fit date {v['date']} (expected {expected})", line=row.line, item=eid)
        sids = tuple(v["sources"].split())
        if not sids:
            raise DataError(path, "an event needs at least one source that mentions it", line=row.line, item=eid)
        for sid in sids:
            if sid not in sources:
                raise DataError(path, f"unknown source id {sid!r}", line=row.line, item=eid)
        qids = tuple(v["quotations"].split())
        for qid in qids:
            if qid not in quotes:
                raise DataError(path, f"unknown quotation id {qid!r}", line=row.line, item=eid)
            if quotes[qid].source not in sids:
                raise DataError(path, f"quotation {qid!r} is from source {quotes[qid].source}, which the event does not list", line=row.line, item=eid)
        events.append(Event(eid, v["date"], v["precision"], v["event"], sids, qids))
    return sorted(events, key=lambda e: (e.date, e.id))
