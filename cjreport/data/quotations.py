"""Quotations as data: each one verified, on every load, against the text of its source.

A quotation is anchored the way W3C Web Annotations anchor a passage: by position (start/end, a
TextPositionSelector) and by exact text with a little prefix and suffix (a TextQuoteSelector). The only
folding allowed when comparing is of white space runs; quote marks, apostrophes and dashes must match.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cjreport.data.corpus import Source
from cjreport.data import schema
from cjreport.data.readers import read_yaml
from cjreport.data.errors import DataError, Problems

VOICES = schema.VOICES
QUOTE_ID = re.compile(schema.QUOTE_ID)
_SPACE = re.compile(r"\s+")
OPENING_MARKS, CLOSING_MARKS = "“\"‘'", "”\"’'"
# what a gist, or the words a short reference shows, may not hold: quotation marks (the reference sets the words
# in its own) and what a link's text cannot carry (a backtick, angle brackets, a backslash)
UNQUOTABLE = re.compile(r"[“”\"`<>\\]|^‘")


@dataclass(frozen=True)
class Quotation:
    id: str
    source: str
    theme: str
    speaker: str
    voice: str  # author | reported | commenter
    reported_by: str
    text: str  # exact text of the source (the stored form; white space as in data/quotations.yaml)
    start: int
    end: int
    prefix: str
    suffix: str
    part: str  # kind of the part of the source it lies in: body | furniture | comments
    gist: str = ""  # the words that carry what the speaker says (a substring of the text), or "" for none

    def key_words(self, n: int = 5) -> tuple[bool, str, bool]:
        """The words a short reference shows, verbatim, and whether the quotation has words before and after them:
        the gist where there is one, or else the opening words, at most `n`, stopping before a word that holds
        a quotation mark or a character a link's text cannot carry (so a reference never nests quotation marks)."""
        text = fold(self.text).strip()
        if self.gist:
            gist = fold(self.gist).strip()
            at = text.find(gist)
            return at > 0, gist, at + len(gist) < len(text)
        words = text.split(" ")
        kept = []
        for word in words[:n + 2 if len(words) <= n + 2 else n]:
            if UNQUOTABLE.search(word):
                break
            kept.append(word)
        kept = kept or words[:1]
        shown = " ".join(kept).rstrip(",;:—–-")
        return False, shown, shown != text

    @property
    def label(self) -> str:
        """The cross-reference label of the quoted passage in the appendix."""
        return self.id

    @property
    def direct(self) -> bool:
        """Reported words the author sets in quotation marks (direct speech), as against the author's own account
        of what someone said or did (indirect speech: the words are the author's paraphrase)."""
        # a closing mark may follow the sentence's own punctuation, set inside the quotation marks: “…,” said
        return self.prefix.rstrip()[-1:] in OPENING_MARKS and self.suffix.lstrip().lstrip(",.;:!?")[:1] in CLOSING_MARKS

    def reported_as(self, by: str) -> str:
        """'Speaker, quoted by Author' for direct speech; 'Speaker, as paraphrased by Author' for indirect speech,
        so that no reader takes an author's paraphrase for the speaker's own words."""
        return f"{self.speaker}, {'quoted' if self.direct else 'as paraphrased'} by {by}"

    @property
    def attribution(self) -> str:
        if self.voice == "reported":
            return self.reported_as(self.reported_by)
        if self.voice == "commenter":
            return f"{self.speaker} (a reader comment, not the author's view)"
        return self.speaker


def fold(text: str) -> str:
    """Fold every run of white space (including U+00A0) to one space."""
    return _SPACE.sub(" ", text)


@lru_cache(maxsize=16)
def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Fold white space and keep, for each folded character, its offset in the original (cached: every quotation
    of a source folds the same text; callers must not change the list)."""
    out: list[str] = []
    where: list[int] = []
    for match in re.finditer(r"\s+|\S+", text):
        if match.group().isspace():
            out.append(" ")
            where.append(match.start())
        else:
            out.append(match.group())
            where.extend(range(match.start(), match.end()))
    return "".join(out), tuple(where)


def closest_passage(text: str, source_text: str) -> str:
    """The passage of the source most like `text`, for error messages."""
    needle = fold(text).strip()
    hay = fold(source_text)
    if not needle:
        return ""
    starts = [0] + [m.end() for m in re.finditer(r" ", hay)]
    best, best_ratio = "", -1.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)
    for start in starts:
        window = hay[start : start + len(needle)]
        matcher.set_seq1(window)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = window, ratio
    return best


def verify(quote: Quotation, source: Source, path: Path, line: int | None = None) -> None:
    """Check the quotation against its source; raise DataError naming id, source and closest passage."""
    text = source.text
    folded_quote = fold(quote.text).strip()
    if not folded_quote:
        raise DataError(path, "empty quotation text", line=line, item=quote.id)
    hay, where = fold_with_map(text)
    found = hay.find(folded_quote)
    if found < 0:
        near = closest_passage(quote.text, text)
        raise DataError(path, f"quotation not found in source {source.id} ({source.file}); closest passage: “{near}”",
                        line=line, item=quote.id)
    if not 0 <= quote.start < quote.end <= len(text):
        raise DataError(path, f"anchor [{quote.start}, {quote.end}) lies outside source {source.id} (length {len(text)})",
                        line=line, item=quote.id)
    at_anchor = fold(text[quote.start : quote.end]).strip()
    if at_anchor != folded_quote:
        real_start = where[found]
        real_end = where[found + len(folded_quote) - 1] + 1
        raise DataError(path, f"anchor [{quote.start}, {quote.end}) of source {source.id} points elsewhere than its text "
                        f"(it holds “{at_anchor[:60]}”); the text is at [{real_start}, {real_end})",
                        line=line, item=quote.id)
    before = fold(text[max(0, quote.start - len(quote.prefix) - 40) : quote.start])
    after = fold(text[quote.end : quote.end + len(quote.suffix) + 40])
    if source.redacted:  # the public wheel's text: its context may lie in a withheld paragraph
        return
    if quote.prefix and not before.endswith(fold(quote.prefix)):
        raise DataError(path, f"prefix “{quote.prefix}” does not match source {source.id} before the quotation "
                        f"(found “{before[-len(quote.prefix):]}”)", line=line, item=quote.id)
    if quote.suffix and not after.startswith(fold(quote.suffix)):
        raise DataError(path, f"suffix “{quote.suffix}” does not match source {source.id} after the quotation "
                        f"(found “{after[:len(quote.suffix)]}”)", line=line, item=quote.id)


def load_quotations(data_dir: Path, sources: dict[str, Source], theme_ids: set[str]) -> dict[str, Quotation]:
    path = data_dir / "quotations.yaml"
    raw = read_yaml(path)
    records = schema.check_list(schema.QuotationRecord, raw, path, what="quotations")
    lines = [schema.line_of(raw, i) for i in range(len(records))]
    schema.unique([(r.id, line) for r, line in zip(records, lines)], path, "quotation id")
    quotes: dict[str, Quotation] = {}
    problems = Problems()
    for record, line in zip(records, lines):
        with problems.each():
            qid, sid = record.id, record.source
            if sid not in sources:
                raise DataError(path, f"unknown source id {sid!r}", line=line, item=qid)
            if record.theme not in theme_ids:
                raise DataError(path, f"unknown theme {record.theme!r}", line=line, item=qid)
            source = sources[sid]
            quote = Quotation(**record.model_dump(exclude={"reported_by", "gist"}), reported_by=record.reported_by or "",
                              part="", gist=record.gist or "")
            verify(quote, source, path, line)
            if quote.gist:
                gist = fold(quote.gist).strip()
                if gist not in fold(quote.text):
                    raise DataError(path, f"gist “{gist}” is not in the quotation's text", line=line, item=qid)
                if any(UNQUOTABLE.search(word) for word in gist.split(" ")):
                    raise DataError(path, f"gist “{gist}” holds a quotation mark, backtick, angle bracket or backslash",
                                    line=line, item=qid)
            # The words themselves (not the white space around them) must lie inside one part of the text.
            span = source.text[quote.start : quote.end]
            first = quote.start + len(span) - len(span.lstrip())
            last = quote.end - (len(span) - len(span.rstrip()))
            holders = [p for p in source.parts if p.start <= first and last <= p.end]
            if not holders:
                kinds = sorted({source.part_at(i).kind for i in range(quote.start, quote.end)
                                if not source.text[i].isspace()} or {"no part"})
                raise DataError(path, f"quotation spans several parts of source {sid} ({', '.join(kinds)}): "
                                "a quotation must lie inside one part", line=line, item=qid)
            part = holders[0].kind
            if (part == "comments") != (record.voice == "commenter"):
                raise DataError(path, f"voice {record.voice!r} does not fit a quotation from the {part} of source {sid}: "
                                "a reader comment is never the author's view", line=line, item=qid)
            if part == "furniture" and record.voice == "author":
                raise DataError(path, f"a quotation from the page furniture of source {sid} cannot be in the author's voice: "
                                "captions, notices and site boxes are the site's words (use voice: reported)", line=line, item=qid)
            quotes[qid] = Quotation(**{**quote.__dict__, "part": part})
    problems.raise_any()
    return quotes
