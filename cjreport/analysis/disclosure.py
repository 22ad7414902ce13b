"""Figures the methods chapter discloses about the coding: which coder the adjudication followed, and what the
agreement figures rest on at this sample size. Computed from data/, never typed into the prose."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from cjreport.analysis import agreement
from cjreport.data.evidence import Evidence, load


@dataclass(frozen=True)
class Direction:
    total: int  # cells the two codings disagreed on, each adjudicated
    kept_first: int
    kept_second: int
    citing_rules: int  # reasons that appeal to the question's note or a rule of the codebook


def direction(evidence: Evidence | None = None) -> Direction:
    ev = evidence or load()
    decisions = agreement.decisions(ev)
    rules = re.compile(r"\b(note|rule)\b", re.IGNORECASE)
    return Direction(len(decisions), sum(d.final == d.first for d in decisions),
                     sum(d.final == d.second for d in decisions), sum(bool(rules.search(d.reason)) for d in decisions))


@dataclass(frozen=True)
class SampleSize:
    cells: int  # cells both coders coded
    both_not_addressed: int  # cells both coded not_addressed: agreement that needs no reading of a position
    positioned: int  # cells where at least one coder found something other than not_addressed
    positioned_agreed: int
    theme_min: int  # fewest and most cells in one theme
    theme_max: int
    widest_theme: str  # short name of the theme with the widest 95% interval
    widest_low: float
    widest_high: float


def sample_size(evidence: Evidence | None = None) -> SampleSize:
    ev = evidence or load()
    pairs = agreement.pairs(ev)
    blank = sum(a == b == "not_addressed" for _, a, b in pairs)
    positioned = [(a, b) for _, a, b in pairs if not (a == b == "not_addressed")]
    per_theme = [agreement.alpha(ev, t.id) for t in ev.codebook.themes]
    defined = [a for a in per_theme if not (math.isnan(a.low) or math.isnan(a.high))]
    widest = max(defined, key=lambda a: a.high - a.low)
    return SampleSize(len(pairs), blank, len(positioned), sum(a == b for a, b in positioned),
                      min(a.units for a in per_theme), max(a.units for a in per_theme),
                      ev.codebook.theme(widest.scope).short, widest.low, widest.high)
