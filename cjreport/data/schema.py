"""The declared schema of every file in data/: types, enums, patterns, required non-blank strings, real dates.

Each record of each file is validated against one of the pydantic models below before the loaders build the
package's objects from it; the loaders then check what a schema of one record cannot see (ids unique within
a file, cross-references, anchors against the texts, the rules of the method). `data/README.md` documents
these models and a test checks that it names every field and every allowed value (tests/test_schema.py).

A schema error becomes one DataError: `data/<file>:<line> [<id>]: <field>: <what is wrong>`.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from cjreport.data.errors import DataError, DataErrors, Problems

VOICES = ("author", "reported", "commenter")
PART_KINDS = ("body", "furniture", "comments")
SOURCE_KINDS = ("commentary", "essay", "opinion", "news-analysis", "analysis")
STANCES = ("supports", "qualified", "opposes", "reports", "not_addressed")
DATE_STATUSES = ("printed", "inferred")
PRECISIONS = ("year", "month", "day")
ACTOR_KINDS = ("country", "polity", "leader", "institution", "grouping")
CHANGES = ("split", "rule", "add", "remove", "wording")

SOURCE_ID = r"^[0-9]{3}$"
QUOTE_ID = r"^q[a-z0-9][a-z0-9-]*$"
SLUG = r"^[a-z][a-z0-9-]*$"
EVENT_ID = r"^ev-[a-z0-9][a-z0-9-]*$"
SEGMENT_ID = r"^seg-[0-9]{3}-[0-9]{2,}$"
READING_ID = r"^r-[a-z0-9][a-z0-9-]*$"  # a reading of data/readings.yaml
BIBKEY = r"^[A-Za-z][A-Za-z0-9_-]*$"  # letters, digits, - and _: nothing BibTeX or Sphinx would read as syntax
TEXT_FILE = r"^[0-9]{3}_[A-Za-z0-9][A-Za-z0-9._-]*\.txt$"  # a plain name: no directory, so it stays in texts/


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or blank")
    if value.lstrip().upper().startswith("TODO"):
        # `python -m cjreport scaffold` writes TODO for what it cannot know: the build waits until it is filled in.
        raise ValueError(f"still a placeholder ({value.strip()[:40]!r}): fill it in")
    return value


def _real_date(value: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD, and a real calendar date (no month 00 or 13, no 30 February)."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not match:
        raise ValueError(f"{value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date ({exc})") from None
    if int(year) < 1000:
        raise ValueError(f"{value!r} is not a plausible year")
    return value


def _full_date(value: str) -> str:
    _real_date(value)
    if len(value) != 10:
        raise ValueError(f"{value!r} must be a full date YYYY-MM-DD")
    return value


def _space_ids(pattern: str):
    def check(value: str) -> str:
        for token in value.split():
            if not re.match(pattern, token):
                raise ValueError(f"{token!r} is not an id ({pattern})")
        return value
    return check


NonBlank = Annotated[str, AfterValidator(_non_blank)]
Date = Annotated[str, AfterValidator(_real_date)]
FullDate = Annotated[str, AfterValidator(_full_date)]
SourceId = Annotated[str, Field(pattern=SOURCE_ID)]
QuoteId = Annotated[str, Field(pattern=QUOTE_ID)]
Slug = Annotated[str, Field(pattern=SLUG)]
Offset = Annotated[int, Field(ge=0)]
Stance = Literal["supports", "qualified", "opposes", "reports", "not_addressed"]


class Record(BaseModel):
    """Strict: no coercion (a number is not a string, "12" is not an integer) and no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Span(Record):
    @model_validator(mode="after")
    def _ordered(self):
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be greater than start ({self.start})")
        return self


# --- sources.yaml -------------------------------------------------------------------------------------------

class PartRecord(_Span):
    kind: Literal["body", "furniture", "comments"]
    start: Offset
    end: Offset
    label: Optional[NonBlank] = None


class SourceRecord(Record):
    id: SourceId
    bibkey: Annotated[str, Field(pattern=BIBKEY)]
    file: Annotated[str, Field(pattern=TEXT_FILE)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    title: NonBlank
    outlet: NonBlank
    # whether the text names its outlet as such (printed) or the outlet is inferred from the page (a photo credit,
    # an e-mail address); the corpus list marks an inferred one (a 33rd reading found Roy's stated as fact)
    outlet_status: Literal["printed", "inferred"] = "printed"
    author: NonBlank
    affiliation: NonBlank
    date: Date
    date_status: Literal["printed", "inferred"]
    # of an inferred date, what is inferred: the whole date (the default) or only the year (day and month printed)
    inferred: Optional[Literal["date", "year"]] = None
    date_basis: NonBlank
    kind: Literal["commentary", "essay", "opinion", "news-analysis", "analysis"]
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
    reliability: NonBlank
    short_name: Optional[NonBlank] = None
    # true only when the page itself says a user submitted the text (a site's submission notice)
    user_submitted: bool = False
    parts: Annotated[list[PartRecord], Field(min_length=1)]

    @model_validator(mode="after")
    def _inferred_only_of_an_inferred_date(self):
        if self.inferred is not None and self.date_status != "inferred":
            raise ValueError(f"inferred: {self.inferred} is set, but date_status is {self.date_status}: "
                             "say what is inferred only of an inferred date")
        return self

    @model_validator(mode="after")
    def _has_body(self):
        if not any(p.kind == "body" for p in self.parts):
            raise ValueError("parts: at least one part must be the body")
        if not self.file.startswith(self.id + "_"):
            raise ValueError(f"file: {self.file!r} must start with the source id ({self.id}_)")
        return self


# --- quotations.yaml ----------------------------------------------------------------------------------------

class QuotationRecord(_Span):
    id: QuoteId
    source: SourceId
    theme: Slug
    speaker: NonBlank
    voice: Literal["author", "reported", "commenter"]
    reported_by: Optional[NonBlank] = None
    text: NonBlank
    # the few words of the text that carry what the speaker says: what a short reference to the quotation shows
    # (“…capture China in a semicircle…”) instead of its opening words; verbatim, checked by the loader
    gist: Optional[NonBlank] = None
    start: Offset
    end: Offset
    prefix: str = ""
    suffix: str = ""

    @model_validator(mode="after")
    def _reported_by(self):
        if self.voice == "reported" and not self.reported_by:
            raise ValueError("reported_by: a reported quotation needs reported_by (the author who reports it)")
        return self


# --- codebook.yaml ------------------------------------------------------------------------------------------

class StanceRecord(Record):
    id: Stance
    label: NonBlank
    definition: NonBlank
    rule: NonBlank


class QuestionRecord(Record):
    id: Slug
    label: NonBlank  # a short human label: charts, tables and headings show it instead of the id
    proposition: NonBlank
    note: Optional[str] = None
    # what "qualified" means for this question, as a phrase the findings add after "take a qualified position"
    # (for example "raising it as a possibility without asserting it"); the note defines it for the coders
    qualified_reads: Optional[str] = None


class ThemeRecord(Record):
    id: Slug
    short: NonBlank  # a short title for table cells and chart labels
    title: NonBlank
    chapter: Slug
    summary: NonBlank
    questions: Annotated[list[QuestionRecord], Field(min_length=1)]


class CodebookRecord(Record):
    stances: Annotated[list[StanceRecord], Field(min_length=1)]
    themes: Annotated[list[ThemeRecord], Field(min_length=1)]

    @model_validator(mode="after")
    def _scale(self):
        ids = [s.id for s in self.stances]
        if sorted(ids) != sorted(STANCES):
            raise ValueError(f"stances: the scale must define each of {', '.join(STANCES)} once, found {', '.join(ids)}")
        return self


# --- coding.csv, coding-second.csv, adjudication.csv, events.csv (one model per row) ------------------------

class CodingRow(Record):
    question: Slug
    source: SourceId
    stance: Stance
    rationale: NonBlank
    quotations: Annotated[str, AfterValidator(_space_ids(QUOTE_ID))]


class SecondCodingRow(Record):
    question: Slug
    source: SourceId
    stance: Stance
    rationale: NonBlank
    evidence: str

    @model_validator(mode="after")
    def _evidence(self):
        if (self.stance == "not_addressed") != (not self.evidence.strip()):
            raise ValueError("evidence: empty exactly when the stance is not_addressed")
        return self


class FirstCodingRow(Record):
    question: Slug
    source: SourceId
    stance: Stance


class AdjudicationRow(Record):
    question: Slug
    source: SourceId
    first: Stance
    second: Stance
    final: Stance
    reason: NonBlank


class EventRow(Record):
    id: Annotated[str, Field(pattern=EVENT_ID)]
    date: Date
    precision: Literal["year", "month", "day"]
    event: NonBlank
    sources: Annotated[str, AfterValidator(_space_ids(SOURCE_ID))]
    quotations: Annotated[str, AfterValidator(_space_ids(QUOTE_ID))]

    @model_validator(mode="after")
    def _precision(self):
        expected = {4: "year", 7: "month", 10: "day"}[len(self.date)]
        if self.precision != expected:
            raise ValueError(f"precision: {self.precision!r} does not fit date {self.date} (expected {expected})")
        if not self.sources.split():
            raise ValueError("sources: an event needs at least one source that mentions it")
        return self


# --- actors.yaml, codebook-changelog.yaml, segments.yaml, arguments.yaml ------------------------------------

class ActorRecord(Record):
    id: Slug
    label: NonBlank
    kind: Literal["country", "polity", "leader", "institution", "grouping"]
    patterns: Annotated[list[NonBlank], Field(min_length=1)]


class ChangelogRecord(Record):
    date: FullDate
    change: Literal["split", "rule", "add", "remove", "wording"]
    questions: Annotated[list[Slug], Field(min_length=1)]
    what: NonBlank
    why: NonBlank
    # the change answered an independent reading of the book: the methods chapter and the introduction count
    # these rounds together (cjreport/analysis/disclosure.py)
    after_reading: bool = False



class SegmentRecord(_Span):
    id: Annotated[str, Field(pattern=SEGMENT_ID)]
    source: SourceId
    start: Offset
    end: Offset
    themes: list[Slug]
    questions: list[Slug]
    summary: NonBlank
    not_analysed: Optional[NonBlank] = None

    @model_validator(mode="after")
    def _analysed(self):
        if (not self.themes) != (self.not_analysed is not None):
            raise ValueError("not_analysed: set exactly when themes is empty (say why the segment is not analysed)")
        if not self.id.startswith(f"seg-{self.source}-"):
            raise ValueError(f"id: {self.id!r} must start with seg-{self.source}-")
        return self


class ArgumentItem(Record):
    summary: NonBlank
    quotation: QuoteId


class ArgumentKind(Record):
    """What kind of argument the source makes, in the book's reading: a short phrase, and the readings of
    data/readings.yaml that make the case for it (each resting on quotations)."""
    summary: NonBlank
    readings: Annotated[list[Annotated[str, Field(pattern=READING_ID)]], Field(min_length=1)]


class ArgumentRecord(Record):
    source: SourceId
    claim: ArgumentItem
    points: list[ArgumentItem]
    recommendations: list[ArgumentItem]
    recommendations_note: Optional[NonBlank] = None
    kind: Optional[ArgumentKind] = None


# What a quotation offers as evidence (data/evidence-kinds.yaml; issue 19, item 2).
EVIDENCE_KINDS = ("survey", "document", "statement", "event", "figure")
EvidenceKind = Literal["survey", "document", "statement", "event", "figure"]


class EvidenceKindRecord(Record):
    id: EvidenceKind
    label: NonBlank
    definition: NonBlank


class EvidenceTagRecord(Record):
    quotation: QuoteId
    kinds: Annotated[list[EvidenceKind], Field(min_length=1)]


class EvidenceKindsRecord(Record):
    kinds: Annotated[list[EvidenceKindRecord], Field(min_length=1)]
    tags: list[EvidenceTagRecord]



# The matters between China and Japan that the texts name (data/open-matters.yaml; issue 19, a policy reader's list).
class OpenMatterRecord(Record):
    id: Slug
    theme: Slug  # a theme id of codebook.yaml: the table groups the matters by theme
    label: NonBlank  # the book's own words for a topic: it quotes nothing
    quotations: Annotated[list[QuoteId], Field(min_length=1)]
    words: dict[QuoteId, NonBlank] = {}  # the words a quotation's reference shows, where its gist is of another matter


class OpenMattersRecord(Record):
    matters: Annotated[list[OpenMatterRecord], Field(min_length=1)]

# --- turning pydantic's errors into one line ----------------------------------------------------------------

# YAML's names for what the reader wrote: the loader's line-tracking subclasses (readers.LineList, LineDict)
# are not the maintainer's business
_YAML_KIND = {list: "a list", dict: "a mapping", str: "a string", int: "a number", float: "a number", bool: "true/false",
              type(None): "nothing"}


def _kind(value: Any) -> str:
    return next((name for base, name in _YAML_KIND.items() if isinstance(value, base) and not
                 (base is int and isinstance(value, bool))), type(value).__name__)


def _describe(value: Any) -> str:
    text = repr(list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value)
    return f"{_kind(value)} {text[:60] + '…' if len(text) > 60 else text}"


def _message(error: dict) -> str:
    loc = [str(p) for p in error["loc"] if not isinstance(p, int)]
    field = ".".join(loc)
    kind, value = error["type"], error.get("input")
    if kind == "extra_forbidden":
        return f"unknown key {loc[-1]!r} (a typo? the allowed keys are listed in data/README.md)"
    if kind == "missing":
        return f"missing field {field!r}"
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        return f"{field}: {value!r} is not one of {allowed}"
    if kind == "string_pattern_mismatch":
        if isinstance(value, str) and value.lstrip().upper().startswith("TODO"):
            return f"{field}: still a placeholder ({value.strip()[:40]!r}): fill it in"
        return f"{field}: {value!r} does not match {error['ctx']['pattern']}"
    if kind in ("string_type", "int_type", "list_type", "model_type", "dict_type", "bool_type"):
        wanted = {"string_type": "a string", "int_type": "an integer", "list_type": "a list", "model_type": "a mapping",
                  "dict_type": "a mapping", "bool_type": "true or false"}[kind]
        return f"{field or 'record'} must be {wanted}, found {_describe(value)}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{field}: {message}" if field else message


def _line_of(raw: Any, loc: tuple) -> int | None:
    """The line of the innermost YAML mapping or list along the error's path."""
    line, node = getattr(raw, "line", None), raw
    for step in loc:
        line = (getattr(node, "key_lines", None) or {}).get(step) or line  # the line of the key itself
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        line = getattr(node, "line", None) or line
    return line


# In a value (not in the file: dataio refuses those bytes): what a YAML escape such as "\x07" or "\ud800" can
# still produce. No free text may carry a control character or half of a surrogate pair into a page, a PDF or a CSV.
_BAD_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_DATE_LIKE = re.compile(r"\s*\d{4}-\d{2}(-\d{2})?\s*")


def _bad_text(raw: Any, where: tuple = ()) -> tuple[tuple, str] | None:
    """The first string in a record (keys included) with a forbidden character, or that looks like a date and is
    not a real one (a speaker or a label given as 2024-02-30 is a slip, not a name)."""
    if isinstance(raw, str):
        bad = _BAD_CHARACTER.search(raw)
        if bad:
            kind = "half of a surrogate pair" if 0xD800 <= ord(bad.group()) <= 0xDFFF else "a control character"
            return where, f"contains {kind} (U+{ord(bad.group()):04X}); only newline and tab are allowed"
        if _DATE_LIKE.fullmatch(raw):
            try:
                _real_date(raw.strip())
            except ValueError as exc:
                return where, str(exc)
        return None
    if isinstance(raw, dict):
        for key, value in raw.items():
            found = _bad_text(key, where + (key,)) or _bad_text(value, where + (key,))
            if found:
                return found
    elif isinstance(raw, list):
        for index, value in enumerate(raw):
            found = _bad_text(value, where + (index,))
            if found:
                return found
    return None


def check(model: type[Record], raw: Any, path, *, line: int | None = None, item: str | None = None) -> Any:
    """Validate one record; on failure raise its errors as DataErrors (one line each: file, line, id, what)."""
    bad = _bad_text(raw)
    if bad is not None:
        where, message = bad
        if item is None and isinstance(raw, dict) and isinstance(raw.get("id"), str):
            item = raw["id"]
        field = ".".join(str(p) for p in where if not isinstance(p, int))
        raise DataError(path, f"{field + ': ' if field else ''}{message}", line=_line_of(raw, where) or line or getattr(raw, "line", None),
                        item=None if item is None else _BAD_CHARACTER.sub("?", item))
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        if item is None and isinstance(raw, dict) and isinstance(raw.get("id"), str):
            item = raw["id"]
        # Every field's error, not only the first: a scaffolded record with five TODOs is five lines in one run.
        raise DataErrors([DataError(path, _message(error), line=_line_of(raw, error["loc"]) or line or getattr(raw, "line", None),
                                    item=item) for error in exc.errors(include_url=False)]) from None


def check_list(model: type[Record], raw: Any, path, *, what: str) -> list:
    """A file that is a list of records: validate each, and refuse anything but a list."""
    if raw is None:  # an empty file: a slip (a truncated save), not "no records" (write [] for none)
        raise DataError(path, f"the file is empty: expected a list of {what} (write [] if there are none)", line=1)
    if not isinstance(raw, list):
        raise DataError(path, f"expected a list of {what}, found {_kind(raw)}", line=getattr(raw, "line", None))
    problems = Problems()
    records = []
    for record in raw:
        with problems.each():
            records.append(check(model, record, path, line=getattr(raw, "line", None)))
    problems.raise_any()  # every bad record of the file at once; the file's other checks wait until they are fixed
    return records


def line_of(raw_list: Any, index: int) -> int | None:
    try:
        return getattr(raw_list[index], "line", None)
    except (IndexError, TypeError):
        return None


def unique(ids: list[tuple[str, int | None]], path, what: str) -> None:
    """Ids unique within a file: the second occurrence is named with the line of the first."""
    seen: dict[str, int | None] = {}
    problems = Problems()
    for ident, line in ids:
        if ident in seen:
            first = f" (first at line {seen[ident]})" if seen[ident] else ""
            problems.errors.append(DataError(path, f"duplicate {what} {ident!r}{first}", line=line, item=ident))
            continue
        seen[ident] = line
    problems.raise_any()


# Every file, its model, and what the README must say about it: tests/test_schema.py reads this.
FILES = {
    "sources.yaml": SourceRecord,
    "quotations.yaml": QuotationRecord,
    "codebook.yaml": CodebookRecord,
    "coding.csv": CodingRow,
    "events.csv": EventRow,
    "actors.yaml": ActorRecord,
    "codebook-changelog.yaml": ChangelogRecord,
    "coding-first.csv": FirstCodingRow,
    "coding-second.csv": SecondCodingRow,
    "adjudication.csv": AdjudicationRow,
    "segments.yaml": SegmentRecord,
    "arguments.yaml": ArgumentRecord,
    "evidence-kinds.yaml": EvidenceKindsRecord,
    "open-matters.yaml": OpenMattersRecord,
}
