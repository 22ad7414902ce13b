"""The home page's key findings (cjreport/analysis/findings.py), worded as MyST: counts of coded stances, with
links to the chapter and the quotations behind them; they never state a proposition as true."""

from __future__ import annotations

from cjreport.analysis.findings import Finding, agreements, lone_dissents, positions_held, single_voices, splits
from cjreport.data.evidence import Evidence, load
from cjreport.views.markup import Markdown, escape, join
from cjreport.wording import names, number_word


def _name(sid: str, ev: Evidence) -> str:
    """Sources by their short names, as the book's prose names them."""
    return ev.sources[sid].short_name


def _names(sids: tuple[str, ...], ev: Evidence) -> str:
    return names([_name(s, ev) for s in sids])


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
        n = len(positions_held(f.question, ev)[other])
        parts.append(Markdown(f"- On {_proposition(f.question, ev)}, one source {stance} it, {escape(_name(sid, ev))}, "
                              f"where {number_word(n)} {_verb(other, n)} it. " + _evidence(f, ev)))
    return join(parts)
