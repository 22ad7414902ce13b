"""data/open-matters.yaml: the matters between China and Japan that the texts name, each with the quotations
that name it (issue 19: a policy reader's list of live issues, with who names each), read and checked like
every data file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cjreport.data import schema
from cjreport.data.errors import DataError, Problems
from cjreport.data.quotations import Quotation, fold
from cjreport.data.readers import read_yaml

# A label is the book's own words; quoted words would need the verbatim check a reading gets, so it has none.
QUOTE_MARKS = "“”\"‘"  # not ’, the apostrophe


@dataclass(frozen=True)
class OpenMatter:
    id: str
    theme: str
    label: str
    quotations: tuple[str, ...]  # in the file's order
    words: dict[str, str]  # quotation id -> the words its reference shows here, verbatim (white space folded)


def load_open_matters(directory: Path, quotes: dict[str, Quotation], themes: tuple[str, ...]
                      ) -> tuple[OpenMatter, ...] | None:
    """The matters, grouped by theme in the codebook's order, each group in the file's order."""
    path = directory / "open-matters.yaml"
    if not path.exists() and not path.is_symlink():
        return None
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise DataError(path, "expected a mapping with the key matters", line=getattr(raw, "line", None))
    record = schema.check(schema.OpenMattersRecord, raw, path)
    lines = [schema.line_of(raw["matters"], i) for i in range(len(record.matters))]
    schema.unique([(m.id, line) for m, line in zip(record.matters, lines)], path, "matter id")
    problems = Problems()  # every matter's first problem, all at once
    for matter, line in zip(record.matters, lines):
        with problems.each():
            _check(matter, line, path, quotes, themes)
    problems.raise_any()
    matters = sorted(record.matters, key=lambda m: themes.index(m.theme))
    return tuple(OpenMatter(m.id, m.theme, m.label, tuple(m.quotations),
                            {q: fold(w).strip() for q, w in m.words.items()}) for m in matters)


def _check(matter: schema.OpenMatterRecord, line: int | None, path: Path, quotes: dict[str, Quotation],
           themes: tuple[str, ...]) -> None:
    if matter.theme not in themes:
        raise DataError(path, f"theme {matter.theme!r} is not a theme of codebook.yaml ({', '.join(themes)})",
                        line=line, item=matter.id)
    if any(mark in matter.label for mark in QUOTE_MARKS):
        raise DataError(path, "label: a label is the book's own words and quotes nothing (the quotations carry the "
                        "texts' words)", line=line, item=matter.id)
    seen: set[str] = set()
    for qid in matter.quotations:
        if qid not in quotes:
            raise DataError(path, f"unknown quotation id {qid!r}", line=line, item=matter.id)
        if qid in seen:
            raise DataError(path, f"quotation {qid!r} is listed twice", line=line, item=matter.id)
        seen.add(qid)
    for qid, words in matter.words.items():
        if qid not in seen:
            raise DataError(path, f"words: {qid!r} is not among the matter's quotations", line=line, item=matter.id)
        if fold(words).strip() not in fold(quotes[qid].text):
            raise DataError(path, f"words: “{words[:60]}” is not verbatim in {qid}", line=line, item=matter.id)
