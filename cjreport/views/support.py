"""Evidence and timing (issue 19, item 2): what each source offers as evidence, and which events each text came
too early to know.

Evidence kinds come from data/evidence-kinds.yaml (tags on quotations). Timing compares the publication date of
each source (data/sources.yaml, printed or inferred, as precise as known) with the dated events of data/events.csv:
a date known only to the month or year is a span, and an event is after a text only when the event's span begins
after the text's span ends; when the spans overlap the order cannot be told. The book reports these orders; it
does not say that a source would have judged otherwise had it known.
"""

from __future__ import annotations

import re
import calendar
from dataclasses import dataclass
from datetime import date

from cjreport.data.evidence import Evidence
from cjreport.views.markup import Markdown, escape, list_table
from cjreport.views.present import quote_ref
from cjreport.wording import capital, number_word, numbers

POSITIONS = ("supports", "qualified", "opposes")


def span(text: str) -> tuple[date, date]:
    """The first and last day a date of the data (YYYY, YYYY-MM or YYYY-MM-DD) can mean."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        return date(parts[0], parts[1], 1), date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(*parts), date(*parts)


def order(first: str, second: str) -> str:
    """"before", "after" or "unknown": whether the date `second` is certainly before or after `first`."""
    a, b = span(first), span(second)
    if b[0] > a[1]:
        return "after"
    if b[1] < a[0]:
        return "before"
    return "unknown"


def short_date(text: str) -> str:
    """"Sep 2022", "2023": a source's date in a table header, to the month at most."""
    parts = [int(p) for p in text.split("-")]
    return str(parts[0]) if len(parts) == 1 else f"{calendar.month_abbr[parts[1]]} {parts[0]}"


def readable_date(text: str) -> str:
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    month = calendar.month_name[parts[1]]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{parts[2]} {month} {parts[0]}"


def source_date(sid: str, ev: Evidence, *, inline: bool = False) -> str:
    """A source's date as a reader reads it, marked when it is inferred rather than printed ("August 2024
    (date inferred)", "20 August 2024 (year inferred)"; inside a parenthesis, "August 2024, date inferred")."""
    s = ev.sources[sid]
    if not s.date_mark:
        return readable_date(s.date)
    return readable_date(s.date) + (f", {s.date_mark}" if inline else f" ({s.date_mark})")


@dataclass(frozen=True)
class Unknowable:
    source: str
    after: tuple[str, ...]  # event ids certainly after the source's date
    unclear: tuple[str, ...]  # event ids whose order with the source's date cannot be told


def unknowable(ev: Evidence) -> list[Unknowable]:
    """For each source, the events of data/events.csv (events some source mentions) that came after it."""
    out = []
    for sid, s in ev.sources.items():
        # an event the source itself mentions (as upcoming, say) is not one it could not know
        after = tuple(e.id for e in ev.events if order(s.date, e.date) == "after" and sid not in e.sources)
        unclear = tuple(e.id for e in ev.events if order(s.date, e.date) == "unknown" and sid not in e.sources)
        out.append(Unknowable(sid, after, unclear))
    return out


@dataclass(frozen=True)
class DateGap:
    question: str
    earlier: str  # the source that wrote first
    later: str  # the source whose position cites the later event
    event: str
    quotations: tuple[str, ...]  # the later source's quotations in that cell tied to the event


def date_gaps(ev: Evidence) -> list[DateGap]:
    """Cells where two sources take different positions and the later one's cited words are tied (data/events.csv)
    to an event after the earlier source's date: a disagreement that may be, in part, a difference of date."""
    by_quote: dict[str, list[str]] = {}
    for e in ev.events:
        for qid in e.quotations:
            by_quote.setdefault(qid, []).append(e.id)
    events = {e.id: e for e in ev.events}
    gaps = []
    for qid_question in ev.codebook.questions:
        cells = {sid: ev.coding[(qid_question, sid)] for sid in ev.sources}
        for later, code in cells.items():
            if code.stance not in POSITIONS:
                continue
            for earlier, other in cells.items():
                if other.stance not in POSITIONS or other.stance == code.stance or earlier == later:
                    continue
                tied: dict[str, list[str]] = {}
                for quote in code.quotations:
                    for eid in by_quote.get(quote, []):
                        if order(ev.sources[earlier].date, events[eid].date) == "after":
                            tied.setdefault(eid, []).append(quote)
                gaps += [DateGap(qid_question, earlier, later, eid, tuple(qs)) for eid, qs in tied.items()]
    return gaps


def _name(sid: str, ev: Evidence) -> str:
    from cjreport.views.findings import prose_name

    return prose_name(sid, ev)


def evidence_table(evidence: Evidence) -> Markdown:
    """A table per source, one row per kind of evidence: how many of its quotations offer it, and which (by
    speaker and the words that carry it, linking to the words), or that it offers none of that kind."""
    ev = evidence
    kinds = ev.evidence_kinds
    if kinds is None:
        return Markdown("*No evidence tags in data/evidence-kinds.yaml.*\n")
    parts = []
    for sid, source in ev.sources.items():
        found = kinds.of_source(sid, ev.quotations)
        rows = []
        for kind in kinds.kinds:
            qids = found[kind.id]
            rows.append([f"**{escape(kind.label)}**", number_word(len(qids), zero="none"),
                         "; ".join(quote_ref(q, ev) for q in qids) if qids else "none among its quotations"])
        tagged = {q for qs in found.values() for q in qs}
        # a reader comment below the article is not the source's (a sixteenth reading found Roy's count include one)
        article = [q for q in ev.quotes_for(source=sid) if q.voice != "commenter"]
        tagged_n, all_n = numbers(len(tagged & {q.id for q in article}), len(article))
        caption = (f"{source.short_name} ({source_date(sid, ev)}): what its quotations offer as evidence "
                   f"({tagged_n} of its {all_n} quotations offer some)")
        parts.append(list_table(["Kind", "Number", "Which quotations"], rows, caption=caption,
                                name=f"table-evidence-{sid}", widths=[22, 14, 64], classes="cj-cards cj-evidence"))
    return Markdown("\n\n".join(p.text.strip("\n") for p in parts) + "\n")


# A date data/events.csv takes from outside the texts is marked where a line prints it (a 41st reading found
# "(December 2022)" after the CIIS fellows' "at the end of 2022", unmarked); the event's note says so in words.
OUTSIDE_DATE = ", a date from outside the texts"


def dated_from_outside(text: str) -> bool:
    """Whether an event's note in data/events.csv says its date is context from outside the texts."""
    return "context from outside the texts" in text


def outside_date(text: str) -> str:
    """How a reading marks an event's date from outside the texts, with the work the event's note cites for it
    (", a date from outside the texts: The World and Japan Database, n.d."): a 44th reading found the date
    marked but uncited in the report, where the note's citation was not shown."""
    cited = re.search(r":\s*([^:()]+?, (?:n\.d\.(?:-[a-z])?|\d{4}))", text)
    return OUTSIDE_DATE + (f": {cited.group(1)}" if cited else "")


def short_event(text: str) -> str:
    """An event's first clause, without the notes data/events.csv keeps after a semicolon or in parentheses."""
    return text.split(";")[0].split(" (")[0].rstrip(".").strip()


def timing_table(evidence: Evidence) -> Markdown:
    """Which texts predate which events: one row per event of data/events.csv that came after at least one
    source was published, one column per source (written before the event, after it, or in the same month or
    year, when the order cannot be told). Short words in the cells, so the table fits a column and a phone."""
    ev = evidence
    # no "mentioned by" column: the cells of the sources that mention an event say so
    header = ["Event"] + [
        f"{escape(s.short_name)}, {escape(short_date(s.date))}" + ("\\*" if s.date_status == "inferred" else "")
        for s in ev.sources.values()]
    word = {"after": "**before**", "before": "after", "unknown": "same period"}
    rows = []
    for e in ev.events:
        orders = {sid: order(s.date, e.date) for sid, s in ev.sources.items()}
        if "after" not in orders.values():
            continue
        rows.append([f"**{escape(readable_date(e.date))}**: {escape(short_event(e.event))}"]
                    + [word[o] + (", mentions it" if sid in e.sources else "") for sid, o in orders.items()])
    n = len(ev.sources)
    widths = [35] + [max(1, 65 // n)] * n
    inferred = any(s.date_status == "inferred" for s in ev.sources.values())
    caption = ("Which texts predate which events: for every event the sources mention that came after at least one "
               "text, whether each source was written before it, after it, or in the same period"
               + ("; * a date inferred in whole or in part" if inferred else ""))
    return list_table(header, rows, caption=caption, name="table-timing", widths=widths, classes="cj-cards cj-timing")


def timing_notes(evidence: Evidence) -> Markdown:
    """One line per pair of sources whose different positions on a question may be, in part, a difference of date."""
    ev = evidence
    events = {e.id: e for e in ev.events}
    gaps = date_gaps(ev)
    if not gaps:
        return Markdown("No two sources take different positions where the later one cites an event the earlier "
                        "one could not know.\n")
    from cjreport.wording import is_plural_name, possessive, verb

    # "supports it", not the key findings' "agrees": beside another source's position, "agree" read as agreeing
    # with that source (a 40th reading)
    says_it = {"supports": "supports it", "qualified": "takes a qualified position on it", "opposes": "opposes it"}

    def says(sid: str) -> str:
        first, _, rest = says_it[ev.coding[(g.question, sid)].stance].partition(" ")
        n = 2 if is_plural_name(ev.sources[sid].short_name) else 1
        return " ".join(filter(None, [verb(n, first), rest]))

    lines = []
    for g in gaps:
        question = ev.codebook.questions[g.question]
        event = events[g.event]
        refs = "; ".join(quote_ref(q, ev) for q in g.quotations)
        lines.append(
            f"- **{escape(question.label)}.** {escape(capital(_name(g.earlier, ev)))} "
            f"({escape(source_date(g.earlier, ev, inline=True))}) {escape(says(g.earlier))}; {escape(_name(g.later, ev))} "
            f"({escape(source_date(g.later, ev, inline=True))}) {escape(says(g.later))}, citing an event "
            f"{escape(_name(g.earlier, ev))} could not know: {escape(short_event(event.event))} "
            f"({escape(readable_date(event.date))}{outside_date(event.event) if dated_from_outside(event.event) else ''}). "
            f"In {escape(possessive(_name(g.later, ev)))} words: {refs}.")
    return Markdown("\n".join(lines) + "\n")


def open_matters(evidence: Evidence) -> Markdown:
    """The matters between China and Japan that the texts name (data/open-matters.yaml), grouped by theme, one row
    each: its theme, the book's label, the texts that name it (earliest first; their dates are in the corpus
    list) and the words that name it, by speaker, each linking to them. A policy reader asked for the live issues
    with who names each (a 32nd reading); a 33rd asked for them grouped, and the dates said once."""
    ev = evidence
    if not ev.open_matters:
        return Markdown("*No matters in data/open-matters.yaml.*\n")
    short = {t.id: t.short for t in ev.codebook.themes}
    rows = []
    for matter in ev.open_matters:
        sids = sorted({ev.quotations[q].source for q in matter.quotations}, key=lambda s: span(ev.sources[s].date))
        # the theme on every row, not only its group's first: a row read alone (a screen reader, a copied row) says it
        rows.append([escape(short[matter.theme]), f"**{escape(matter.label)}**",
                     escape(", ".join(_name(s, ev) for s in sids)),
                     "; ".join(quote_ref(q, ev, words=matter.words.get(q)) for q in matter.quotations)])
    return list_table(["Theme", "Matter, in the book’s words", "Named by", "In their words"], rows,
                      caption="The matters between China and Japan that the texts name, and who names each",
                      name="table-open-matters", widths=[14, 24, 16, 46], classes="cj-cards")


def date_range(evidence: Evidence) -> tuple[str, str]:
    """The earliest and the latest of the texts' dates, in words, each marked if inferred: where a page says
    when the corpus was written without repeating each date."""
    ordered = sorted(evidence.sources, key=lambda s: span(evidence.sources[s].date))
    return source_date(ordered[0], evidence), source_date(ordered[-1], evidence)
