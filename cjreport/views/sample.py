"""The corpus as a sample: what it is made of and whose voices it holds, computed from data/ for the sources chapter.

Nothing here characterises a source beyond what its page states (sources.yaml records that, field by field);
the chapter's prose says what kind of sample the five texts are and what that does to the findings.
"""

from __future__ import annotations

from dataclasses import dataclass

from cjreport.data.corpus import Source
from cjreport.data.evidence import Evidence, load
from cjreport.analysis.findings import lone_dissents
from cjreport.analysis.sensitivity import is_implied
from cjreport.views.markup import Markdown, escape, list_table
from cjreport.wording import is_plural_name, number_word, verb


def body_words(source: Source) -> int:
    """Words of the article body (page furniture and reader comments left out), split on white space."""
    return len(source.body_text.split())


def composition(evidence: Evidence | None = None) -> Markdown:
    """One row per source: the author's affiliation and the outlet as the page states them, kind, date
    (inferred dates marked), length of the body in words, and whether the page says a user submitted it."""
    ev = evidence or load()
    rows = []
    for s in ev.sources.values():
        date = escape(s.date) + (f" ({s.date_mark})" if s.date_mark else "")
        rows.append([f"**{escape(s.short_name)}**", escape(s.affiliation), escape(s.outlet), f"{escape(s.kind)}, {date}",
                     str(body_words(s)), "yes, per the page" if s.user_submitted else "no"])
    return list_table(["Source", "Author’s affiliation (as stated)", "Outlet (as stated)", "Kind, date", "Words",
                       "User-submitted"], rows,
                      caption=f"Composition of the corpus: the {number_word(len(rows))} texts",
                      name="table-corpus-composition", widths=[13, 22, 26, 15, 10, 14], classes="cj-cards")


def reported_voices(evidence: Evidence | None = None) -> Markdown:
    """Every voice besides the authors' that the book quotes, by the source that reports it: the corpus holds
    governments, ministers and statements only as the authors relay them."""
    ev = evidence or load()
    lines = []
    for s in ev.sources.values():
        speakers = sorted({q.speaker for q in ev.quotes_for(source=s.id) if q.voice == "reported"}, key=str.casefold)
        if speakers:
            lines.append(f"- **{escape(s.short_name)}**: {escape('; '.join(speakers))}.")
        else:
            lines.append(f"- **{escape(s.short_name)}**: no reported speaker among the quotations.")
    return Markdown("\n".join(lines) + "\n")


@dataclass(frozen=True)
class Alone:
    """Positions one source holds alone against two or more (findings.lone_dissents), counted by source."""

    total: int
    by_source: dict[str, int]
    most: str  # short name of the source holding most of them
    most_count: int


def alone(evidence: Evidence | None = None) -> Alone:
    ev = evidence or load()
    lone = lone_dissents(ev)
    counts = {sid: 0 for sid in ev.sources}
    for finding in lone:
        counts[finding.addressed[0]] += 1
    top = max(counts, key=lambda sid: counts[sid]) if lone else next(iter(ev.sources))
    return Alone(len(lone), counts, ev.sources[top].short_name, counts[top])


def alone_sentence(evidence: Evidence | None = None) -> Markdown:
    """The sentence that introduces alone_list, worded for none, one or many such questions (a template with the
    count spliced in read "Of the one questions … CIIS fellows holds one", as the twelfth reading found)."""
    ev = evidence or load()
    found = alone(ev)
    name = f"the {found.most}" if is_plural_name(found.most) else found.most
    rule = ("supports what two or more others oppose, or opposes what two or more support (a qualified position "
            "is not counted as either side)")
    if found.total == 0:
        return Markdown(f"On no question does one source stand alone in this way: no source {escape(rule)}.\n")
    if found.total == 1:
        return Markdown(f"On one question one source {escape(rule)}: {escape(name)}.\n")
    holds = verb(2 if is_plural_name(found.most) else 1, "holds")
    return Markdown(f"On {number_word(found.total)} questions one source {escape(rule)}; {escape(name)} {holds} "
                    f"{number_word(found.most_count)} of them.\n")


def alone_list(evidence: Evidence | None = None) -> Markdown:
    """The positions one source holds alone, one line each: the source, its stance, the proposition, the chapter."""
    ev = evidence or load()
    lines = []
    for finding in lone_dissents(ev):
        (stance, (sid,)), = finding.stances.items()
        question = ev.codebook.questions[finding.question]
        chapter = ev.codebook.theme(question.theme).chapter
        # a position the coding infers rather than finds stated says so, as the key findings do (an eighteenth
        # reading found the one such lone position reported here as if stated)
        how = ", an implied position" if is_implied(ev.coding[(finding.question, sid)].rationale) else ""
        lines.append(f"- *{escape(question.proposition)}* — **{escape(ev.sources[sid].short_name)}**: "
                     f"{escape(ev.codebook.stance(stance).label.lower())}{how} ({{doc}}`{chapter}`)")
    return Markdown("\n".join(lines) + "\n" if lines else "*No source holds a position alone.*\n")
