"""Intercoder agreement: the blind second coding, the adjudication of every disagreement, Krippendorff's alpha.

Agreement is measured between the first coding as coded (data/coding-first.csv) and the blind second coding
(data/coding-second.csv): the two codings alone, so what the adjudication happens to list cannot bend it. The
loader (cjreport/data/coding.py) checks that the files fit together (a decision for every disagreement, and the final
coding in coding.csv changed only where a decision changed it); this module only measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

import krippendorff
import numpy as np

from cjreport.data.coding import Adjudication
from cjreport.data.errors import DataError
from cjreport.data.evidence import Evidence

Cell = tuple[str, str]  # (question id, source id)
ORDERED = ("opposes", "qualified", "supports")  # the part of the stance scale that has an order
RESAMPLES = 2000
SEED = 20261124  # fixed, so the intervals are the same on every build
T = TypeVar("T")


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's alpha over `units` cells with a percentile bootstrap interval (resampling cells)."""

    scope: str  # "all" or a theme id
    level: str  # nominal | ordinal
    units: int
    agreed: int
    value: float  # nan when undefined (every cell carries the same code)
    low: float
    high: float


def second_codes(evidence: Evidence) -> dict[Cell, str]:
    """The second coder's stance for every cell (data/coding-second.csv, as the loader checked it)."""
    return {cell: code.stance for cell, code in _required(evidence.second_coding, evidence, "coding-second.csv").items()}


def decisions(evidence: Evidence) -> list[Adjudication]:
    """Every disagreement with its final code and reason (data/adjudication.csv, in file order). The loader has
    checked them against both codings: one row per disagreement, `second` and `final` as the two files have them."""
    return list(_required(evidence.adjudication, evidence, "adjudication.csv").values())


def _required(loaded: T | None, evidence: Evidence, name: str) -> T:
    if loaded is None:
        raise DataError(evidence.data_dir / name, "missing: the agreement measures need the second coding and its adjudication")
    return loaded


def first_coding(evidence: Evidence) -> dict[Cell, str]:
    """The first coding before adjudication, as stored in data/coding-first.csv."""
    return dict(_required(evidence.first_coding, evidence, "coding-first.csv"))


def pairs(evidence: Evidence, theme: str | None = None) -> list[tuple[Cell, str, str]]:
    """(cell, first code, second code) for every cell both coders coded, in codebook order, then by source id: the
    bootstrap's intervals resample units in this order, so it must not follow the order the book lists sources in."""
    first, second = first_coding(evidence), second_codes(evidence)
    questions = [q.id for t in evidence.codebook.themes if theme in (None, t.id) for q in t.questions]
    return [((q, s), first[(q, s)], second[(q, s)]) for q in questions for s in sorted(evidence.sources)
            if (q, s) in second]


def _counts(codes: list[tuple[str, str]], domain: tuple[str, ...]) -> np.ndarray:
    """Units × values matrix of how many coders gave each value (the library's value_counts form)."""
    index = {v: i for i, v in enumerate(domain)}
    counts = np.zeros((len(codes), len(domain)))
    for unit, (a, b) in enumerate(codes):
        counts[unit, index[a]] += 1
        counts[unit, index[b]] += 1
    return counts


def _alpha(counts: np.ndarray, level: str) -> float:
    if counts.shape[0] == 0 or np.count_nonzero(counts.sum(axis=0)) < 2:
        return float("nan")  # one value only: expected disagreement is zero and alpha is undefined
    return float(krippendorff.alpha(value_counts=counts, level_of_measurement=level))


@lru_cache(maxsize=64)
def _estimate(codes: tuple[tuple[str, str], ...], domain: tuple[str, ...], level: str) -> tuple[float, float, float]:
    counts = _counts(list(codes), domain)
    value = _alpha(counts, level)
    rng = np.random.default_rng(SEED)
    draws = [_alpha(counts[rng.integers(0, len(codes), len(codes))], level) for _ in range(RESAMPLES)]
    draws = [d for d in draws if not np.isnan(d)]  # resamples with a single code carry no information on alpha
    if not draws:
        return value, float("nan"), float("nan")
    low, high = np.percentile(draws, [2.5, 97.5])
    return value, float(low), float(high)


def alpha(evidence: Evidence, theme: str | None = None, level: str = "nominal") -> Alpha:
    """Nominal alpha on all five stances, or ordinal alpha on cells both coders placed on opposes–qualified–supports."""
    codes = [(a, b) for _, a, b in pairs(evidence, theme)]
    if level == "ordinal":
        codes = [(a, b) for a, b in codes if a in ORDERED and b in ORDERED]
        domain = ORDERED
    else:
        domain = tuple(s.id for s in evidence.codebook.stances)
    return between(codes, domain, level, theme or "all")


def between(codes: list[tuple[str, str]], domain: tuple[str, ...], level: str = "nominal", scope: str = "all") -> Alpha:
    """Alpha, with its bootstrap interval, between two codings given as (code, code) per cell, on `domain`'s values:
    any two codings (the exercise in book/teaching.md compares a student's codes with the book's)."""
    value, low, high = _estimate(tuple(codes), domain, level)
    return Alpha(scope, level, len(codes), sum(a == b for a, b in codes), value, low, high)


def reliability(evidence: Evidence) -> list[tuple[Alpha, Alpha]]:
    """(nominal, ordinal) for all cells, then for each theme."""
    scopes = [None] + [t.id for t in evidence.codebook.themes]
    return [(alpha(evidence, s, "nominal"), alpha(evidence, s, "ordinal")) for s in scopes]


def fmt(x: float) -> str:
    """Two decimals with a typographic minus; a dash when undefined."""
    return "—" if np.isnan(x) else f"{x:.2f}".replace("-", "\u2212")


def fmt_alpha(a: Alpha) -> str:
    if np.isnan(a.value):
        return "undefined"
    interval = f" [{fmt(a.low)}, {fmt(a.high)}]" if not np.isnan(a.low) else ""
    return fmt(a.value) + interval


def changelog(evidence: Evidence) -> list[dict[str, str]]:
    """The dated codebook changes, with questions named by their labels (ids stay out of what readers see)."""
    questions = evidence.codebook.questions
    return [{"date": e.date, "change": e.change, "questions": "; ".join(questions[q].label if q in questions else q for q in e.questions),
             "what": e.what, "why": e.why} for e in _required(evidence.changelog, evidence, "codebook-changelog.yaml")]
