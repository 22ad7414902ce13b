"""Key findings of the home page, computed from the coding so they cannot drift from the evidence.

A source "takes a position" on a question when it is coded supports, qualified or opposes; "reports only"
and "not addressed" are not positions. The findings report counts of coded stances and link to the
chapter and the quotations behind them; they never state a proposition as true.
"""

from __future__ import annotations

from dataclasses import dataclass

from .evidence import Evidence, load
from .markup import Markdown, escape, join
from .wording import number_word

POSITIONS = ("supports", "qualified", "opposes")


@dataclass(frozen=True)
class Finding:
    kind: str  # agreement | split | single
    question: str
    stances: dict[str, tuple[str, ...]]  # stance id -> source ids holding it (positions only)
    addressed: tuple[str, ...]  # sources coded anything but not_addressed
    quotations: tuple[str, ...]  # the supporting quotations of the cells the finding rests on


def _stances(question: str, ev: Evidence) -> dict[str, tuple[str, ...]]:
    held: dict[str, list[str]] = {}
    for sid in ev.sources:
        stance = ev.coding[(question, sid)].stance
        if stance in POSITIONS:
            held.setdefault(stance, []).append(sid)
    return {s: tuple(held[s]) for s in POSITIONS if s in held}


def _finding(kind: str, question: str, ev: Evidence) -> Finding:
    stances = _stances(question, ev)
    addressed = tuple(sid for sid in ev.sources if ev.coding[(question, sid)].stance != "not_addressed")
    cells = [ev.coding[(question, sid)] for sid in addressed]
    return Finding(kind, question, stances, addressed, tuple(q for c in cells for q in c.quotations))


def agreements(ev: Evidence) -> list[Finding]:
    """Questions on which at least two sources take a position and every one of them takes the same one."""
    return [_finding("agreement", q, ev) for q in ev.codebook.questions
            if len(stances := _stances(q, ev)) == 1 and len(next(iter(stances.values()))) >= 2]


def splits(ev: Evidence, top: int = 3) -> list[Finding]:
    """Questions where some sources support and others oppose, sharpest first: ranked by the smaller side,
    then by how many sources take a position, then in codebook order."""
    order = list(ev.codebook.questions)
    found = [_finding("split", q, ev) for q in order
             if {"supports", "opposes"} <= _stances(q, ev).keys()]
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
        stances = _stances(q, ev)
        sides = [len(stances.get("supports", ())), len(stances.get("opposes", ()))]
        if sorted(sides)[0] == 1 and max(sides) >= 2:
            lone = "supports" if sides[0] == 1 else "opposes"
            sid = stances[lone][0]
            out.append(Finding("lone", q, {lone: (sid,)}, (sid,), ev.coding[(q, sid)].quotations))
    return out


def _name(sid: str, ev: Evidence) -> str:
    """Sources by their short names, as the book's prose names them."""
    return ev.sources[sid].short_name


def _names(sids: tuple[str, ...], ev: Evidence) -> str:
    names = [_name(s, ev) for s in sids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


SIDES = {"supports": "supporting", "qualified": "qualifying", "opposes": "opposing"}


def _verb(stance: str, n: int) -> str:
    return {"supports": "support", "qualified": "qualify", "opposes": "oppose"}[stance] if n > 1 else stance


def _count(n: int) -> str:
    return "Both" if n == 2 else f"All {number_word(n)}"


def _evidence(f: Finding, ev: Evidence) -> str:
    """Where to read the evidence: the theme chapter and each quotation's place in the full text."""
    question = ev.codebook.questions[f.question]
    chapter = ev.codebook.theme(question.theme).chapter
    quotes = ", ".join(f"{{ref}}`{qid} <{qid}>`" for qid in f.quotations)
    return f"Evidence: chapter {{doc}}`{chapter}`" + (f"; quotations {quotes}" if quotes else "") + "."


def _proposition(question: str, ev: Evidence) -> str:
    # "the proposition" before it, so a proposition's own capital (The…, Japan's…) never starts mid-sentence
    return f"the proposition *{escape(ev.codebook.questions[question].proposition.rstrip('.'))}*"


def key_findings(evidence: Evidence | None = None, top: int = 3) -> Markdown:
    """The home page's key findings as MyST Markdown: agreement, the sharpest splits, single voices."""
    ev = evidence or load()
    parts = [Markdown("**Where every source that takes a position agrees.**")]
    agreed = agreements(ev)
    for f in agreed:
        (stance, held), = f.stances.items()
        n = len(held)
        parts.append(Markdown(
            f"- {_count(n)} sources that take a position on {_proposition(f.question, ev)} {_verb(stance, n)} it: "
            f"{escape(_names(held, ev))}; the other {number_word(len(ev.sources) - n)} take no position of their own. "
            + _evidence(f, ev)))
    if not agreed:
        parts.append(Markdown("- On no question do all the sources that take a position agree."))
    parts.append(Markdown("**The sharpest splits.**"))
    found = splits(ev, top)
    for f in found:
        sides = "; ".join(f"{SIDES[stance]}: {escape(_names(held, ev))}" for stance, held in f.stances.items())
        parts.append(Markdown(f"- On {_proposition(f.question, ev)} — {sides}. " + _evidence(f, ev)))
    if not found:
        parts.append(Markdown("- On no question do some sources support what others oppose."))
    parts.append(Markdown("**What only one source raises.**"))
    single = single_voices(ev)
    for f in single:
        stance = ev.codebook.stance(ev.coding[(f.question, f.addressed[0])].stance).label.lower()
        parts.append(Markdown(f"- Only {escape(_name(f.addressed[0], ev))} addresses {_proposition(f.question, ev)} "
                              f"(coded: {escape(stance)}). " + _evidence(f, ev)))
    if not single:
        parts.append(Markdown("- Every question is addressed by at least two sources."))
    lone = lone_dissents(ev)
    if lone:
        parts.append(Markdown(f"Positions that one source holds alone against two or more that take the opposite one "
                              f"({number_word(len(lone))}):"))
    for f in lone:
        (stance, (sid,)), = f.stances.items()
        other = "opposes" if stance == "supports" else "supports"
        n = len(_stances(f.question, ev)[other])
        parts.append(Markdown(f"- On {_proposition(f.question, ev)}, one source {stance} it, {escape(_name(sid, ev))}, "
                              f"where {number_word(n)} {_verb(other, n)} it. " + _evidence(f, ev)))
    return join(parts)
