"""The codebook (stance scale, themes, questions), the coding of every question × source, and events."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cjreport.data.corpus import Source
from cjreport.data import schema
from cjreport.data.readers import read_csv, read_yaml
from cjreport.data.errors import DataError, Problems
from cjreport.data.quotations import Quotation

SLUG = re.compile(schema.SLUG)


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
    qualified_reads: str = ""  # what "qualified" means for this question, for the findings' sentences


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
        raise DataError(path, "expected a mapping with stances and themes", line=getattr(raw, "line", None))
    book = schema.check(schema.CodebookRecord, raw, path)
    raw_themes = raw["themes"]
    ids: list[tuple[str, int | None]] = []
    for i, theme in enumerate(book.themes):
        ids.append((theme.id, schema.line_of(raw_themes, i)))
        ids.extend((q.id, schema.line_of(raw_themes[i]["questions"], j)) for j, q in enumerate(theme.questions))
    schema.unique(ids, path, "theme or question id")
    # What readers see must tell things apart too: two questions, themes or stances with one label read as one.
    raw_stances = raw["stances"]
    schema.unique([(s.label, schema.line_of(raw_stances, i)) for i, s in enumerate(book.stances)], path, "stance label")
    schema.unique([(t.short, schema.line_of(raw_themes, i)) for i, t in enumerate(book.themes)], path, "theme short title")
    schema.unique([(q.label, schema.line_of(raw_themes[i]["questions"], j)) for i, t in enumerate(book.themes)
                   for j, q in enumerate(t.questions)], path, "question label")
    stances = tuple(Stance(s.id, s.label, s.definition, s.rule) for s in book.stances)
    themes = tuple(Theme(t.id, t.title, t.chapter, t.summary,
                         tuple(Question(q.id, t.id, q.proposition, q.note or "", q.label, q.qualified_reads or "") for q in t.questions), t.short)
                   for t in book.themes)
    return Codebook(stances, themes)


def _rows(path: Path, model: type, columns: list[str], *, item=None) -> list[tuple[int, object]]:
    """Every row checked against its model; all bad rows of the file are reported together."""
    problems = Problems()
    rows = []
    for row in read_csv(path, columns):
        with problems.each():
            name = item(row.values) if item else f"{row.values[columns[0]]} × {row.values[columns[1]]}"
            rows.append((row.line, schema.check(model, row.values, path, line=row.line, item=name)))
    problems.raise_any()
    return rows


def _cell(path: Path, line: int, item: str, question: str, source: str, questions, sources) -> None:
    if question not in questions:
        raise DataError(path, f"unknown question {question!r}", line=line, item=item)
    if source not in sources:
        raise DataError(path, f"unknown source id {source!r}", line=line, item=item)


def _complete(path: Path, seen: dict, questions, sources, problems: Problems) -> None:
    for qid in questions:
        for sid in sources:
            if (qid, sid) not in seen:
                problems.errors.append(DataError(path, f"no row for question {qid} × source {sid}: every cell needs a stance "
                                                 "(not_addressed is a value)", item=f"{qid} × {sid}"))


def load_coding(data_dir: Path, codebook: Codebook, sources: dict[str, Source],
                quotes: dict[str, Quotation]) -> dict[tuple[str, str], Code]:
    """coding.csv, with the rules of the method (data/README.md, "Rules of the method")."""
    path = data_dir / "coding.csv"
    questions = codebook.questions
    codes: dict[tuple[str, str], Code] = {}
    problems, attempted = Problems(), set()
    for line, row in _rows(path, schema.CodingRow, CODING_COLUMNS):
        with problems.each():
            item = f"{row.question} × {row.source}"
            _cell(path, line, item, row.question, row.source, questions, sources)
            key = (row.question, row.source)
            attempted.add(key)  # a bad row is reported as bad, not also as missing
            if key in codes:
                raise DataError(path, f"duplicate coding for {item} (first at line {codes[key].line})", line=line, item=item)
            qids = tuple(row.quotations.split())
            for qid in qids:
                if qid not in quotes:
                    raise DataError(path, f"unknown quotation id {qid!r}", line=line, item=item)
                if quotes[qid].source != row.source:
                    raise DataError(path, f"quotation {qid!r} belongs to source {quotes[qid].source}, not {row.source}", line=line, item=item)
                if quotes[qid].voice == "commenter":
                    raise DataError(path, f"quotation {qid!r} is a reader comment and cannot support a source's stance", line=line, item=item)
            if len(set(qids)) != len(qids):
                raise DataError(path, "a quotation is cited twice", line=line, item=item)
            voices = {quotes[q].voice for q in qids}
            if row.stance == "not_addressed" and qids:
                raise DataError(path, "not_addressed takes no quotations", line=line, item=item)
            if row.stance in ("supports", "opposes", "qualified"):
                if "author" not in voices:
                    raise DataError(path, f"stance {row.stance!r} needs at least one quotation in the author's own voice "
                                    "(reported words never show the author's view)", line=line, item=item)
                # A position is the author's: evidence in anyone else's voice would lend the author words they only
                # relay (issue 19). Reported words may still be named in the rationale, as context.
                other = next((q for q in qids if quotes[q].voice != "author"), None)
                if other is not None:
                    raise DataError(path, f"stance {row.stance!r} cites {other!r}, {quotes[other].voice} words of "
                                    f"{quotes[other].speaker}: a position cites only the author's own voice "
                                    "(mention reported words in the rationale instead)", line=line, item=item)
            if row.stance == "reports" and voices != {"reported"}:
                raise DataError(path, "stance 'reports' cites the reported words, and only them "
                                f"(found voices: {', '.join(sorted(voices)) or 'none'})", line=line, item=item)
            codes[key] = Code(row.question, row.source, row.stance, row.rationale, qids, line)
    _complete(path, attempted, questions, sources, problems)
    problems.raise_any()
    return codes


def load_events(data_dir: Path, sources: dict[str, Source], quotes: dict[str, Quotation]) -> list[Event]:
    path = data_dir / "events.csv"
    events: list[Event] = []
    rows = _rows(path, schema.EventRow, EVENT_COLUMNS, item=lambda values: values["id"] or None)
    schema.unique([(row.id, line) for line, row in rows], path, "event id")
    problems = Problems()
    for line, row in rows:
        with problems.each():
            eid = row.id
            sids = tuple(row.sources.split())
            for sid in sids:
                if sid not in sources:
                    raise DataError(path, f"unknown source id {sid!r}", line=line, item=eid)
            qids = tuple(row.quotations.split())
            for qid in qids:
                if qid not in quotes:
                    raise DataError(path, f"unknown quotation id {qid!r}", line=line, item=eid)
                if quotes[qid].source not in sids:
                    raise DataError(path, f"quotation {qid!r} is from source {quotes[qid].source}, which the event does not list", line=line, item=eid)
            events.append(Event(eid, row.date, row.precision, row.event, sids, qids))
    problems.raise_any()
    return sorted(events, key=lambda e: (e.date, e.id))


# --- files added by the second coding, the adjudication, the segmentation and the argument maps -------------

@dataclass(frozen=True)
class ChangelogEntry:
    date: str
    change: str  # split | rule | add | remove | wording
    questions: tuple[str, ...]
    what: str
    why: str
    after_reading: bool = False  # the change answered an independent reading of the book


@dataclass(frozen=True)
class SecondCode:
    question: str
    source: str
    stance: str
    rationale: str
    evidence: tuple[str, ...]  # verbatim excerpts of the source's body
    line: int


@dataclass(frozen=True)
class Adjudication:
    question: str
    source: str
    first: str
    second: str
    final: str
    reason: str
    line: int


def load_changelog(data_dir: Path, codebook: Codebook) -> list[ChangelogEntry] | None:
    path = data_dir / "codebook-changelog.yaml"
    if not path.exists() and not path.is_symlink():
        return None
    raw = read_yaml(path)
    records = schema.check_list(schema.ChangelogRecord, raw, path, what="codebook changes")
    entries = []
    problems = Problems()
    for i, record in enumerate(records):
        with problems.each():
            line = schema.line_of(raw, i)
            for qid in record.questions:
                if qid not in codebook.questions and record.change != "remove":
                    raise DataError(path, f"unknown question {qid!r} (only a 'remove' entry may name a question that no "
                                    "longer exists)", line=line, item=record.date)
            entries.append(ChangelogEntry(record.date, record.change, tuple(record.questions), record.what, record.why,
                                          record.after_reading))
    problems.raise_any()
    return entries


def load_second_coding(data_dir: Path, codebook: Codebook, sources: dict[str, Source]) -> dict[tuple[str, str], SecondCode] | None:
    """coding-second.csv: the blind second coder's stances; each excerpt verbatim in the source's body."""
    from cjreport.data.quotations import fold

    path = data_dir / "coding-second.csv"
    if not path.exists() and not path.is_symlink():
        return None
    questions = codebook.questions
    # each body part on its own: an excerpt may not join the end of one part to the start of the next (across a caption)
    bodies = {sid: [fold(s.text[p.start:p.end]) for p in s.parts if p.kind == "body"] for sid, s in sources.items()}
    codes: dict[tuple[str, str], SecondCode] = {}
    problems, attempted = Problems(), set()
    for line, row in _rows(path, schema.SecondCodingRow, SECOND_COLUMNS):
        with problems.each():
            item = f"{row.question} × {row.source}"
            _cell(path, line, item, row.question, row.source, questions, sources)
            key = (row.question, row.source)
            attempted.add(key)
            if key in codes:
                raise DataError(path, f"duplicate row for {item} (first at line {codes[key].line})", line=line, item=item)
            excerpts = tuple(e.strip() for e in row.evidence.split(" | ")) if row.evidence.strip() else ()
            for excerpt in excerpts:
                if not excerpt:
                    raise DataError(path, "empty excerpt between ' | ' separators", line=line, item=item)
                if not sources[row.source].redacted and not any(fold(excerpt) in body for body in bodies[row.source]):
                    raise DataError(path, f"evidence “{excerpt[:60]}” is not verbatim in the body of source {row.source}",
                                    line=line, item=item)
            codes[key] = SecondCode(row.question, row.source, row.stance, row.rationale, excerpts, line)
    _complete(path, attempted, questions, sources, problems)
    problems.raise_any()
    return codes


def load_first_coding(data_dir: Path, codebook: Codebook, sources: dict[str, Source]) -> dict[tuple[str, str], str] | None:
    """coding-first.csv: the first coder's stance on every cell as coded, before adjudication. It is stored, not
    rebuilt from the adjudication's `first` column, so the agreement measured cannot change when an
    adjudication row is dropped or edited: agreement is computed from the two codings alone."""
    path = data_dir / "coding-first.csv"
    if not path.exists() and not path.is_symlink():
        return None
    codes: dict[tuple[str, str], str] = {}
    lines: dict[tuple[str, str], int] = {}
    problems = Problems()
    for line, row in _rows(path, schema.FirstCodingRow, FIRST_COLUMNS):
        with problems.each():
            item = f"{row.question} × {row.source}"
            _cell(path, line, item, row.question, row.source, codebook.questions, sources)
            key = (row.question, row.source)
            if key in codes:
                raise DataError(path, f"duplicate row for {item} (first at line {lines[key]})", line=line, item=item)
            codes[key], lines[key] = row.stance, line
    missing: dict[str, int] = {}
    for qid in codebook.questions:
        for sid in sources:
            if (qid, sid) not in codes:
                missing[sid] = missing.get(sid, 0) + 1
    for sid, n in missing.items():  # one line per source: the fix is one command
        problems.errors.append(DataError(path, f"no first coding of source {sid} ({n} question(s)): once it is coded in "
                                         f"coding.csv, `python -m cjreport adjudicate {sid} --append` records it here",
                                         item=sid))
    problems.raise_any()
    return codes


def load_adjudication(data_dir: Path, codebook: Codebook, sources: dict[str, Source], coding: dict[tuple[str, str], Code],
                      second: dict[tuple[str, str], SecondCode] | None,
                      first: dict[tuple[str, str], str] | None = None) -> dict[tuple[str, str], Adjudication] | None:
    """adjudication.csv: a written decision for every cell where the two codings differ (the first coding as
    stored in coding-first.csv when present; else the final coding), and none for a code changed without one."""
    path = data_dir / "adjudication.csv"
    if not path.exists() and not path.is_symlink():
        return None
    if second is None:
        raise DataError(path, "adjudication.csv needs coding-second.csv (the codes it adjudicates)")
    rows: dict[tuple[str, str], Adjudication] = {}
    problems, attempted = Problems(), set()
    for line, row in _rows(path, schema.AdjudicationRow, ADJUDICATION_COLUMNS):
        with problems.each():
            item = f"{row.question} × {row.source}"
            _cell(path, line, item, row.question, row.source, codebook.questions, sources)
            key = (row.question, row.source)
            attempted.add(key)
            if key in rows:
                raise DataError(path, f"duplicate row for {item} (first at line {rows[key].line})", line=line, item=item)
            if row.second != second[key].stance:
                raise DataError(path, f"second is {row.second!r} but coding-second.csv has {second[key].stance!r}", line=line, item=item)
            if row.final != coding[key].stance:
                raise DataError(path, f"final is {row.final!r} but coding.csv has {coding[key].stance!r}", line=line, item=item)
            if first is not None and row.first != first[key]:
                raise DataError(path, f"first is {row.first!r} but coding-first.csv has {first[key]!r}", line=line, item=item)
            if row.first == row.second:
                raise DataError(path, "first and second agree: there was nothing to adjudicate", line=line, item=item)
            if row.final not in (row.first, row.second):
                raise DataError(path, f"final is {row.final!r}, neither the first code nor the second", line=line, item=item)
            rows[key] = Adjudication(row.question, row.source, row.first, row.second, row.final, row.reason, line)
    for key, code in coding.items():
        if first is not None and key not in attempted:
            if key in second and first[key] != second[key].stance:
                problems.errors.append(DataError(path, f"no row for {key[0]} × {key[1]}, where coding-first.csv ({first[key]}) "
                                                 f"and coding-second.csv ({second[key].stance}) differ: every disagreement has "
                                                 "a written decision", item=f"{key[0]} × {key[1]}"))
            elif code.stance != first[key]:
                problems.errors.append(DataError(path, f"coding.csv has {code.stance!r} for {key[0]} × {key[1]} but the first "
                                                 f"coding had {first[key]!r} and no decision here changed it",
                                                 item=f"{key[0]} × {key[1]}"))
            continue
        if key in second and second[key].stance != code.stance and key not in attempted:
            problems.errors.append(DataError(path, f"no row for {key[0]} × {key[1]}, where coding.csv ({code.stance}) and coding-second.csv "
                            f"({second[key].stance}) differ", item=f"{key[0]} × {key[1]}"))
    problems.raise_any()
    return rows


CODING_COLUMNS = ["question", "source", "stance", "rationale", "quotations"]
SECOND_COLUMNS = ["question", "source", "stance", "rationale", "evidence"]
FIRST_COLUMNS = ["question", "source", "stance"]
ADJUDICATION_COLUMNS = ["question", "source", "first", "second", "final", "reason"]
EVENT_COLUMNS = ["id", "date", "precision", "event", "sources", "quotations"]
