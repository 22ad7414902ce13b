"""Counts and comparisons the chapters write in running prose, computed so the prose follows the data.

Each function returns the words a sentence needs (names joined with “and”, numbers in words, the verb in
the right number), so a tie or a new source changes the sentence instead of making it false.
"""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

from cjreport.data.evidence import Evidence
from cjreport.wording import capital, listing, number_word  # noqa: F401  (chapters call counts.capital, counts.number_word)


def names(items: list[str]) -> str:
    """‘A’, ‘A and B’, ‘A, B and C’ (wording.listing)."""
    return listing(items)


def short_names(evidence: Evidence, ids: list[str]) -> list[str]:
    return [evidence.sources[s].short_name for s in ids]


def silent_on_theme(evidence: Evidence, theme: str) -> list[str]:
    """Sources coded not addressed on every question of a theme."""
    questions = [q.id for q in evidence.codebook.theme(theme).questions]
    return [s for s in evidence.sources if all(evidence.coding[(q, s)].stance == "not_addressed" for q in questions)]


def without_paragraphs_on_theme(evidence: Evidence, theme: str) -> list[str]:
    """Sources none of whose body paragraphs is assigned to a theme (segments.yaml): the ones that do not
    discuss it. Coding alone cannot say so: a source may mention the theme's subject without taking a position
    on any of its questions. Without segments, falls back to the coding (silent_on_theme)."""
    if evidence.segments is None:
        return silent_on_theme(evidence, theme)
    discussing = {seg.source for seg in evidence.segments if theme in seg.themes}
    return [s for s in evidence.sources if s not in discussing]


def all_but(evidence: Evidence, excluded: list[str]) -> str:
    """‘All the sources but Tanaka, who does not discuss it,’ — or ‘All the sources’ when none is left out."""
    if not excluded:
        return "All the sources"
    who = names(short_names(evidence, excluded))
    return f"All the sources but {who}, who {'does' if len(excluded) == 1 else 'do'} not discuss it,"


def most_quoted(evidence: Evidence, theme: str) -> list[str]:
    """The sources with the most quotations filed under a theme (all of them when tied)."""
    counts = Counter(q.source for q in evidence.quotes_for(theme=theme))
    top = max(counts.values(), default=0)
    return [s for s in evidence.sources if counts[s] == top and top > 0]


def sources_mentioning(evidence: Evidence, word: str) -> list[str]:
    return [s for s, src in evidence.sources.items() if word in src.body_text]


def every_or_count(evidence: Evidence, ids: list[str]) -> str:
    """‘every source’ when all of them, else ‘three of the five sources’."""
    n = len(evidence.sources)
    return "every source" if len(ids) == n else f"{number_word(len(ids))} of the {number_word(n)} sources"


def reader_comments(evidence: Evidence) -> list[str]:
    """Ids of the quotations from reader comments."""
    return [q.id for q in evidence.quotations.values() if q.voice == "commenter"]


def cells_by_stance(evidence: Evidence) -> SimpleNamespace:
    """How many coded cells take each stance, by stance id (`tally.supports`), every stance of the codebook
    present, zero included."""
    counted = Counter(code.stance for code in evidence.coding.values())
    return SimpleNamespace(**{stance.id: counted[stance.id] for stance in evidence.codebook.stances})
