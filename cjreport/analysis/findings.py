"""Key findings of the home page as values, computed from the coding so they cannot drift from the evidence
(cjreport/views/findings.py words them).

A source "takes a position" on a question when it is coded supports, qualified or opposes; "reports only"
and "not addressed" are not positions. The findings report counts of coded stances and link to the
chapter and the quotations behind them; they never state a proposition as true.
"""

from __future__ import annotations

from dataclasses import dataclass

from cjreport.data.evidence import Evidence

POSITIONS = ("supports", "qualified", "opposes")


@dataclass(frozen=True)
class Finding:
    kind: str  # agreement | split | single
    question: str
    stances: dict[str, tuple[str, ...]]  # stance id -> source ids holding it (positions only)
    addressed: tuple[str, ...]  # sources coded anything but not_addressed
    quotations: tuple[str, ...]  # the supporting quotations of the cells the finding rests on


def positions_held(question: str, ev: Evidence) -> dict[str, tuple[str, ...]]:
    held: dict[str, list[str]] = {}
    for sid in ev.sources:
        stance = ev.coding[(question, sid)].stance
        if stance in POSITIONS:
            held.setdefault(stance, []).append(sid)
    return {s: tuple(held[s]) for s in POSITIONS if s in held}


def _finding(kind: str, question: str, ev: Evidence) -> Finding:
    stances = positions_held(question, ev)
    addressed = tuple(sid for sid in ev.sources if ev.coding[(question, sid)].stance != "not_addressed")
    cells = [ev.coding[(question, sid)] for sid in addressed]
    return Finding(kind, question, stances, addressed, tuple(q for c in cells for q in c.quotations))


def agreements(ev: Evidence) -> list[Finding]:
    """Questions on which at least two sources take a position and every one of them takes the same one."""
    return [_finding("agreement", q, ev) for q in ev.codebook.questions
            if len(stances := positions_held(q, ev)) == 1 and len(next(iter(stances.values()))) >= 2]


def splits(ev: Evidence, top: int = 3) -> list[Finding]:
    """Questions where some sources support and others oppose, sharpest first: ranked by the smaller side,
    then by how many sources take a position, then in codebook order."""
    order = list(ev.codebook.questions)
    found = [_finding("split", q, ev) for q in order
             if {"supports", "opposes"} <= positions_held(q, ev).keys()]
    found.sort(key=lambda f: (-min(len(f.stances["supports"]), len(f.stances["opposes"])),
                              -sum(len(s) for s in f.stances.values()), order.index(f.question)))
    return found[:top]


def single_voices(ev: Evidence) -> list[Finding]:
    """Questions that only one source addresses at all (in its own voice or by reporting others)."""
    return [_finding("single", q, ev) for q in ev.codebook.questions
            if sum(ev.coding[(q, sid)].stance != "not_addressed" for sid in ev.sources) == 1]


def lone_dissents(ev: Evidence) -> list[Finding]:
    """Questions where exactly one source supports while at least two oppose, or the reverse."""
    out = []
    for q in ev.codebook.questions:
        stances = positions_held(q, ev)
        sides = [len(stances.get("supports", ())), len(stances.get("opposes", ()))]
        if sorted(sides)[0] == 1 and max(sides) >= 2:
            lone = "supports" if sides[0] == 1 else "opposes"
            sid = stances[lone][0]
            out.append(Finding("lone", q, {lone: (sid,)}, (sid,), ev.coding[(q, sid)].quotations))
    return out
