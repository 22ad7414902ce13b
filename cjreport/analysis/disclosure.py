"""Figures the methods chapter discloses about the coding: which coder the adjudication followed, and what the
agreement figures rest on at this sample size. Computed from data/, never typed into the prose."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from cjreport.analysis import agreement
from cjreport.analysis.sensitivity import OWN, is_implied
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


@dataclass(frozen=True)
class Recoding:
    date: str  # the changelog date of the latest of these rounds
    first_date: str  # and of the first
    rounds: int  # rounds of rule changes or added questions that answered an independent reading
    questions: int  # questions the rounds recoded or added
    cells: int  # their cells, coded again by both coders
    agreed: int
    kept_first: int  # of the round's disagreements, how many the adjudication settled each way
    kept_second: int


def latest_recoding(evidence: Evidence | None = None) -> Recoding | None:
    """The rounds of the codebook changelog that changed rules or added questions in answer to an independent
    reading of the book (`after_reading`), taken together: their cells were coded again, or for the first time,
    by both coders, so the methods chapter says how their agreement and adjudication went (the figures are of
    the cells as they now stand, after the last round that touched each). None when the changelog records no
    such round. (Until a round on a second day, every such round fell on one date, and the latest date stood
    for them all.)"""
    ev = evidence or load()
    rounds = [e for e in (ev.changelog or []) if e.change in ("rule", "add") and e.after_reading]
    if not rounds:
        return None
    date, first_date = max(e.date for e in rounds), min(e.date for e in rounds)
    questions = sorted({q for e in rounds for q in e.questions})
    first, second = agreement.first_coding(ev), agreement.second_codes(ev)
    cells = [(q, s) for q in questions for s in ev.sources]
    decided = [d for d in agreement.decisions(ev) if (d.question, d.source) in set(cells)]
    return Recoding(date, first_date, len(rounds), len(questions), len(cells), sum(first[c] == second[c] for c in cells),
                    sum(d.final == d.first for d in decided), sum(d.final == d.second for d in decided))


@dataclass(frozen=True)
class Implied:
    source: str
    implied: int  # positions (supports, qualified, opposes) the coder's reason marks as inferred, not stated
    positions: int


def implied_by_source(evidence: Evidence | None = None) -> list[Implied]:
    """How many of each source's positions the coding infers rather than finds stated: one rule for every source
    (the coder's reason says "implied"), counted so that a reader can see whether it falls more on one (a 38th
    reading asked for the count)."""
    ev = evidence or load()
    out = []
    for sid in ev.sources:
        cells = [ev.coding[(q, sid)] for q in ev.codebook.questions if ev.coding[(q, sid)].stance in OWN]
        out.append(Implied(sid, sum(is_implied(c.rationale) for c in cells), len(cells)))
    return out
