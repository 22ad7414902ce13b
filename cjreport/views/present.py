"""What the chapters display: quotations with their speakers, positions, disagreement tables, the appendix.

Every function returns MyST Markdown built from data/ (see markup.py): chapters call these and add prose.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from cjreport import edition, wording
from cjreport.data import excerpts
from cjreport.data.corpus import Source
from cjreport.data.evidence import Evidence, load
from cjreport.views.markup import Markdown, escape, join, list_table, ref
from cjreport.data.quotations import UNQUOTABLE, Quotation, fold
from cjreport.views.homes import evidence_label, homes
from cjreport.views.style import stance_symbol
from cjreport.analysis.sensitivity import OWN, is_implied
from cjreport.wording import listing, number_word, possessive  # number_word: chapters import it from here


def _ev(evidence: Evidence | None) -> Evidence:
    return evidence or load()


def source_name(sid: str, evidence: Evidence | None = None) -> str:
    """How the book names a source wherever a reader looks: its short name (ids stay link targets and data)."""
    return _ev(evidence).sources[sid].short_name


def cite(sid: str, evidence: Evidence | None = None) -> str:
    return f"{{cite:t}}`{_ev(evidence).sources[sid].bibkey}`"


def appendix_ref(quote: Quotation, text: str) -> str:
    """A link to the quoted passage in the appendix, with `text` as its words (a {ref} role's text is not Markdown:
    only the role's own syntax is taken out)."""
    return ref(text, quote.label)


def speaker_line(quote: Quotation, evidence: Evidence | None = None) -> str:
    """Who speaks, briefly, as plain text: the source's short name where the author speaks, or whom the author reports
    and how ("Kamikawa, quoted by Tanaka"). The full author and affiliation live in the source profile."""
    source = _ev(evidence).sources[quote.source]
    if quote.voice == "author":
        return source.short_name
    if quote.voice == "reported":
        return quote.reported_as(source.short_name)
    return f"{quote.speaker}, a reader comment below {possessive(source.short_name)} article, not the author’s view"


def attribution(quote: Quotation, evidence: Evidence | None = None) -> str:
    """‘— Roy (2024)’ under a displayed quotation: the speaker, linking to the passage in its source's full text (the
    appendix), and the year, linking to the bibliography entry (MyST). A name alone is the author; reported words
    always say who reports them. A 38th reading counted the earlier ‘Roy, the author (2024); in context’ 62 times
    in the report PDF; the introduction's How to read says once that the name is the link."""
    ev = _ev(evidence)
    return f"— {appendix_ref(quote, speaker_line(quote, ev))} ({{cite:year}}`{ev.sources[quote.source].bibkey}`)"


def quote(qid: str, evidence: Evidence | None = None) -> Markdown:
    """One quotation as a block quote, then its speaker, source and a link to it in the appendix."""
    ev = _ev(evidence)
    q = ev.quotations[qid]
    return Markdown(f"> {escape(q.text)}\n\n{{.cj-attribution}}\n{attribution(q, ev)}\n")


def reference_numbers(evidence: Evidence | None = None) -> dict[str, str]:
    """A short reference for each quotation, "Q1" onwards in source and text order: what the appendix's markers
    and the quotation index show instead of ids (ids stay anchors and data)."""
    ev = _ev(evidence)
    ordered = sorted(ev.quotations.values(), key=lambda q: (q.source, q.start, q.end, q.id))
    return {q.id: f"Q{i}" for i, q in enumerate(ordered, 1)}




def pointer_words(q: Quotation, words: str | None = None) -> str:
    """The words a short reference shows, in quotation marks, with an ellipsis outside the marks on each side where
    the quotation goes on: `words` if given (words of the quotation that carry one coded position), else its gist
    (“…capture China in a semicircle…”), else its opening words. What stands between the marks is verbatim (the
    build's audit checks every quoted passage)."""
    if words:
        text = fold(q.text).strip()
        at = text.find(words)
        before, after = at > 0, at + len(words) < len(text)
    else:
        before, words, after = q.key_words()
    return f"{'…' if before else ''}“{words}”{'…' if after else ''}"


def quote_ref(qid: str, evidence: Evidence | None = None, *, author_named: bool = True, words: str | None = None,
              numbered: bool = True) -> str:
    """A short reference to a quotation by its speaker and the words that carry it — Roy: “…remains healthy…”… — as inline
    MyST, linking to where it is displayed in full as evidence (or, if no cell cites it, to its place in the
    appendix). `author_named=False` leaves out the author's name where the line already gives it; `numbered=False`
    leaves out the reference number where the words are displayed in full nearby (the same chapter)."""
    ev = _ev(evidence)
    q = ev.quotations[qid]
    source = ev.sources[q.source].short_name
    who = source if q.voice == "author" else (q.reported_as(source) if q.voice == "reported"
                                              else f"{q.speaker} below {possessive(source)} article, not the author’s view")
    # the reference number (as in the appendix and the quotation index) lets a reader of the PDF find the words
    number = reference_numbers(ev)[qid]
    if not numbered:
        text = (pointer_words(q, words) if q.voice == "author" and not author_named
                else f"{who}: {pointer_words(q, words)}")
    else:
        text = (f"{number}: {pointer_words(q, words)}" if q.voice == "author" and not author_named
                else f"{who} ({number}): {pointer_words(q, words)}")
    return ref(text, quote_target(qid, ev))


def quote_target(qid: str, evidence: Evidence | None = None) -> str:
    """Where a link to a quotation leads: where it is displayed in full as evidence, or, if no cell cites it, its
    place in the appendix."""
    ev = _ev(evidence)
    return evidence_label(qid) if qid in homes(ev) else ev.quotations[qid].label


def carrying_words(question_id: str, sid: str, qid: str, evidence: Evidence | None = None) -> str | None:
    """The words of one of a cell's quotations that carry the cell's position, for a short reference to it: None
    (the quotation's gist stands) where the coder's reason quotes the gist's words, else the longest passage of
    two to twelve words the reason quotes from the quotation, else None. A gist serves every question its
    quotation is cited for; a reference for one cell shows the words that carry that cell (a sixteenth reading
    found Zhang's position on militarism shown by his words on capacity, and a 38th the same of his card on
    Taiwan, which rests on “considering interfering in Taiwan”)."""
    ev = _ev(evidence)
    code, quote = ev.coding[(question_id, sid)], ev.quotations[qid]
    text, gist = fold(quote.text), fold(quote.gist)
    quoted = [fold(m).strip(" ,.;:") for m in re.findall(r"“([^“”]*)”", code.rationale)]
    if gist and any(gist in w for w in quoted):  # the reason rests on the gist's own words: they carry it
        return None
    fitting = [w for w in quoted if 2 <= len(w.split()) <= 12 and w in text and not UNQUOTABLE.search(w)]
    return max(fitting, key=lambda w: len(w.split())) if fitting else None


def stance_label(stance_id: str, evidence: Evidence | None = None) -> str:
    return _ev(evidence).codebook.stance(stance_id).label


def questions(theme_id: str, evidence: Evidence | None = None) -> Markdown:
    """The contested questions of a theme as a numbered list."""
    ev = _ev(evidence)
    theme = ev.codebook.theme(theme_id)
    return Markdown("\n".join(f"{i}. **{escape(q.label)}.** {escape(q.proposition)}"
                              for i, q in enumerate(theme.questions, 1)) + "\n")


def stance_words(stance_id: str, evidence: Evidence | None = None) -> str:
    """A stance as the book prints it, plain text: its symbol, then its label ("± Qualified or mixed")."""
    return f"{stance_symbol(stance_id)} {stance_label(stance_id, _ev(evidence))}"


def implied_mark(question_id: str, sid: str, evidence: Evidence | None = None) -> str:
    """" (implied)" where a cell's position is inferred rather than stated (the stance scale's rule: the coder's
    reason says so), else nothing."""
    code = _ev(evidence).coding[(question_id, sid)]
    return " (implied)" if code.stance in OWN and is_implied(code.rationale) else ""


def position_title(question_id: str, sid: str, evidence: Evidence | None = None) -> str:
    """A coded cell's heading, plain text: "Roy: − Opposes", with "(implied)" where the coder's reason says the
    position is inferred rather than stated (the stance scale's rule)."""
    ev = _ev(evidence)
    code = ev.coding[(question_id, sid)]
    return f"{source_name(sid, ev)}: {stance_words(code.stance, ev)}{implied_mark(question_id, sid, ev)}"


def positions(question_id: str, evidence: Evidence | None = None) -> Markdown:
    """One question side by side: a card per source that addresses it (its stance and the words it rests on), in
    columns on a wide screen and stacked on a phone; then the sources that do not address it and a link to the
    coders' reasons. The reasons are not in the cards: three blind readings found the coding's apparatus (verbs
    of reporting, the codebook's notes) inside the chapters the report's hardest part to read, so they are in
    the coding notes (coding_notes), one click away."""
    ev = _ev(evidence)
    question = ev.codebook.questions[question_id]
    home = homes(ev)
    cards, silent = [], []
    for sid in ev.sources:
        code = ev.coding[(question_id, sid)]
        if code.stance == "not_addressed":
            silent.append(source_name(sid, ev))
            continue
        shown = [qid for qid in code.quotations if home.get(qid) == (question_id, sid)]
        body = [f"({evidence_label(qid)})=\n" + quote(qid, ev).text.strip() for qid in shown]
        # words displayed in full at another question: named by their speaker and words, linking there
        others = [quote_ref(qid, ev, author_named=False, numbered=False, words=carrying_words(question_id, sid, qid, ev))
                  for qid in code.quotations if qid not in shown]
        if others:
            body.append(("*Also:* " if shown else "") + "; ".join(others))
        # the title in bold: the PDF sets a card's title as plain text between blocks (a 38th reading: "not set off")
        cards.append(f":::{{grid-item-card}} **{escape(position_title(question_id, sid, ev))}**\n"
                     f":class-card: cj-position cj-{code.stance}\n\n" + "\n\n".join(body) + "\n:::")
    parts = [f"({positions_label(question_id)})=\n*The proposition:* {escape(question.proposition)}"]
    if cards:
        parts.append("::::{grid} 1 1 2 2\n:gutter: 2\n:class-container: cj-side-by-side\n\n" + "\n\n".join(cards) + "\n::::")
    # the coders' reasons are one click away from the question's name in the theme's table (stance_table), not in
    # a line under every question: a 40th reading counted that line 22 times in the report
    if silent:
        parts.append(f"*Not addressed by:* {escape(listing(silent))}.")
    return Markdown("\n\n".join(parts) + "\n")


def notes_label(question_id: str) -> str:
    """The anchor of a question's coding notes."""
    return f"notes-{question_id}"


def coding_notes(theme_id: str, evidence: Evidence | None = None) -> Markdown:
    """A theme's questions, each with every source's stance and the coder's reason for it, not-addressed cells
    included: the reasons the chapters' cards leave out. The words a reason quotes link to where they are
    displayed in full; the cell's other quotations follow it by speaker and words."""
    ev = _ev(evidence)
    theme = ev.codebook.theme(theme_id)
    home = homes(ev)
    blocks = [f"## {escape(theme.title)}",
              f"The positions themselves, with the words they rest on, are in {{doc}}`{theme.id}`."]
    for question in theme.questions:
        blocks += [f"({notes_label(question.id)})=", f"### {escape(question.label)}",
                   f"*The proposition:* {escape(question.proposition)}"]
        for sid in ev.sources:
            code = ev.coding[(question.id, sid)]
            reason, linked = _rationale_with_links(code.rationale, list(code.quotations), ev, home)
            rest = [quote_ref(qid, ev) for qid in code.quotations if qid not in linked]
            cited = f" *Cited:* {'; '.join(rest)}" if rest else ""  # a reference ends in its own ellipsis
            blocks.append(f"**{escape(position_title(question.id, sid, ev))}.** {reason}{cited}")
    return Markdown("\n\n".join(blocks) + "\n")



def _rationale_with_links(rationale: str, qids: list[str], ev: Evidence,
                          home: dict[str, tuple[str, str]]) -> tuple[str, set[str]]:
    """The coder's reason as MyST, each of `qids` (quotations displayed in full elsewhere) that the reason already
    quotes linked: the author's own words are themselves the link, reported words get one right after them naming
    their speaker, "“…” (US government, as paraphrased by Roy, Q2)", instead of a second line repeating the words
    ("Also cited here"); returns the text and the quotations so linked. A quoted span links the first
    quotation whose text holds it, and each quotation is linked once."""
    spans = [m for m in re.finditer(r"“([^”]+)”", rationale)]
    linked: dict[int, str] = {}
    for qid in qids:
        q = ev.quotations[qid]
        for i, m in enumerate(spans):
            words = fold(m.group(1).strip(" ,.;:"))
            if i not in linked and words and words in fold(q.text):
                linked[i] = qid
                break
    out, at = [], 0
    numbers = reference_numbers(ev) if linked else {}
    for i, m in enumerate(spans):
        if i not in linked:
            continue
        qid = linked[i]
        q = ev.quotations[qid]
        target = evidence_label(qid) if qid in home else q.label
        if q.voice == "author" and len(m.group(1).split()) >= 2:
            # the author's own words are the link (a 33rd reading: a number after them only repeats who said them);
            # a single word is too small a link to find or to follow, and keeps its number
            out += [_escape_spaced(rationale[at:m.start()]), ref(m.group(0), target)]
        else:  # reported words keep a reference that names their speaker beside the author who reports them
            who = "" if q.voice == "author" else f"{q.reported_as(ev.sources[q.source].short_name)}, "
            out += [_escape_spaced(rationale[at:m.end()]), f" ({ref(who + numbers[qid], target)})"]
        at = m.end()
    out.append(_escape_spaced(rationale[at:]))
    return "".join(out), set(linked.values())


def _escape_spaced(text: str) -> str:
    """escape() for a piece of a sentence: the space at either end stays (escape strips it, and a 29th reading
    found "(Q57)and" where the reason went on after a link)."""
    core = text.strip()
    if not core:
        return text and " "
    return (" " if text[:1].isspace() else "") + escape(core) + (" " if text[-1:].isspace() else "")


def positions_label(question_id: str) -> str:
    """The anchor of a question's side-by-side positions (the home page's findings link there)."""
    return f"positions-{question_id}"


def stance_table(theme_id: str | None = None, evidence: Evidence | None = None) -> Markdown:
    """Question × source, the stance in words with its symbol: the compact table of a theme (or of every theme).
    On a phone each row becomes a card with the source names as labels (the cj-cards class)."""
    ev = _ev(evidence)
    themes = [ev.codebook.theme(theme_id)] if theme_id else list(ev.codebook.themes)
    header = ["Question"] + [escape(source_name(sid, ev)) for sid in ev.sources]
    rows = []
    for theme in themes:
        for question in theme.questions:
            # the question's name links to the coders' reasons for its every cell (the link reads as the notes'
            # heading, the question's label, given explicitly: JupyterLab has no titles to look up)
            label = ref(question.label, notes_label(question.id))
            row = [label if theme_id else f"{label} ({escape(theme.short)})"]
            for sid in ev.sources:
                code = ev.coding[(question.id, sid)]
                # "(implied)" as in the position titles: a 45th reading found the tables showing inferred
                # positions as stated ones
                row.append(escape(stance_words(code.stance, ev) + implied_mark(question.id, sid, ev)))
            rows.append(row)
    n = len(ev.sources)
    first = 30
    widths = [first] + [max(1, (100 - first) // n)] * n
    caption = (f"Where the sources stand: {themes[0].title}" if theme_id else "Where the sources stand: every question") + \
        "; a question’s name opens the coders’ reasons"
    name = f"table-{theme_id or 'all'}-stances"
    return list_table(header, rows, caption=caption, name=name, widths=widths, classes="cj-stances cj-cards")


def stance_terms(evidence: Evidence | None = None) -> Markdown:
    """The stances as a reader first meets them: each label with its definition, one line each, from the codebook
    (a 40th reading asked for the coding's words, "qualified" and "implied" among them, to be defined once, in
    plain words, before the report uses them). Methods gives the full scale with its decision rules."""
    ev = _ev(evidence)
    lines = [f"- **{escape(s.label)}.** {escape(s.definition)}" for s in ev.codebook.stances]
    return Markdown("\n".join(lines) + "\n")


def stance_scale(evidence: Evidence | None = None) -> Markdown:
    ev = _ev(evidence)
    rows = [[f"**{stance_symbol(s.id)} {escape(s.label)}**", escape(s.definition), escape(s.rule)] for s in ev.codebook.stances]
    return list_table(["Stance", "Definition", "Decision rule"], rows, caption="The stance scale",
                      name="table-stance-scale", widths=[18, 41, 41], classes="cj-cards")


# A note's dated tag, "(rule of the fourth recoding of 2026-12-06)": the history of a rule, which the coding
# history appendix gives in full (the changelog), not part of the rule a reader applies.
_RULE_DATE = re.compile(r"\s*\(rule of [^()]*\d{4}-\d{2}-\d{2}[^()]*\)")


def coding_note(question, evidence: Evidence | None = None) -> str:
    """A question's note as a coder applies it (MyST): without the dates of its rules, and naming another question
    it routes material to by its label, in italics, not by its id."""
    ev = _ev(evidence)
    # a note routes material to another question by its id (buildup-threat-inflation); a reader sees its label
    ids = re.compile(r"\b(" + "|".join(map(re.escape, sorted(ev.codebook.questions, key=len, reverse=True))) + r")\b")
    # split at the ids first: escaping would put backslashes inside them
    parts = ids.split(_RULE_DATE.sub("", question.note))
    return " ".join(f"*{escape(ev.codebook.questions[p].label)}*" if i % 2 else escape(p)
                    for i, p in enumerate(parts) if p.strip())


def codebook_table(evidence: Evidence | None = None) -> Markdown:
    """The codebook as a coder applies it: each question's note without the dates of its rules."""
    ev = _ev(evidence)
    rows = [[escape(t.short), f"**{escape(q.label)}.** {escape(q.proposition)}", coding_note(q, ev)]
            for t in ev.codebook.themes for q in t.questions]
    return list_table(["Theme", "Question", "Coding note"], rows, caption="The codebook: themes and contested questions",
                      name="table-codebook", widths=[16, 42, 42], classes="cj-cards")


def source_profiles(evidence: Evidence | None = None) -> Markdown:
    """Who wrote what, when, where: the profile table of the sources chapter (cards on a phone)."""
    ev = _ev(evidence)
    rows = []
    for s in ev.sources.values():
        rows.append([f"**{escape(s.short_name)}** {cite(s.id, ev)}", escape(s.title),
                     f"{escape(s.author)}; {escape(s.affiliation)}", escape(s.outlet),
                     f"{escape(s.date)} ({escape(s.date_status)})", escape(s.kind), str(len(s.body_text.split()))])
    return list_table(["Source", "Title", "Author and affiliation", "Outlet", "Date", "Kind", "Body words"], rows,
                      caption=f"The {number_word(len(rows))} sources as they present themselves", name="table-source-profiles",
                      widths=[12, 20, 20, 20, 10, 9, 9], classes="cj-cards cj-profiles")


def date_bases(evidence: Evidence | None = None) -> Markdown:
    """How each source's date was established (printed, or inferred and from what)."""
    ev = _ev(evidence)
    return Markdown("\n".join(f"- **{escape(s.short_name)}**, {escape(s.date)} ({escape(s.date_status)}): {escape(s.date_basis)}"
                              for s in ev.sources.values()) + "\n")


def reliability(evidence: Evidence | None = None) -> Markdown:
    ev = _ev(evidence)
    return Markdown("\n".join(f"- **{escape(source_name(s.id, ev))}**: {escape(s.reliability)}"
                              for s in ev.sources.values()) + "\n")


APPENDIX_NOTE = {
    "local": ("Each source is reproduced in full, as received, from the files in `data/texts/`. Line breaks become "
              "paragraphs and leading spaces are dropped; nothing else changes."),
    "public": ("This is the public edition: each source is reproduced only in the paragraphs the book quotes from, "
               "as received, from the files in `data/texts/`. Every other paragraph of the article is given by a "
               "one-line summary in the book’s words, marked *Summary, not the source’s words*; paragraphs of page "
               "furniture and reader comments that the book does not quote are only counted. The local edition, in "
               "the project’s repository, reproduces the texts in full for verification. Line breaks become "
               "paragraphs and leading spaces are dropped; nothing else changes in a reproduced paragraph."),
}


def appendix_note(evidence: Evidence | None = None) -> Markdown:
    """The appendix's opening paragraph: what this edition reproduces of the sources."""
    return Markdown(APPENDIX_NOTE[edition.name()] + " Page furniture (navigation, captions, related-article lists, "
                    "notices) and reader comments are set apart in boxes, because they are not the article. Every "
                    "passage the book quotes is highlighted and followed by its short reference in brackets (Q1, Q2, "
                    "…, in the order of the sources and the text), the same reference as in {doc}`quotation-index`; "
                    "the book’s quotations link here.\n")


def appendix(sid: str, evidence: Evidence | None = None) -> Markdown:
    """A source, its body as paragraphs, furniture and comments set apart, every quoted passage marked and labelled.
    In full in the local edition; in the public edition (cjreport/edition.py) only the paragraphs a quotation
    touches, the other body paragraphs by their summaries (data/segments.yaml), the rest only counted."""
    ev = _ev(evidence)
    s = ev.sources[sid]
    quotes = sorted(ev.quotes_for(source=sid), key=lambda q: q.start)
    blocks: list[str] = [f"(source-{s.id})=", f"## {escape(s.short_name)}: {escape(s.title)}",
                         f"{escape(s.author)}, {escape(s.outlet)}, {escape(s.date)} ({escape(s.date_status)}). "
                         f"File `{s.file}`; SHA-256 `{s.sha256[:16]}…`. {cite(sid, ev)}"]
    segments = [seg for seg in (ev.segments or []) if seg.source == sid]
    withheld = set(excerpts.withheld(s.text, quotes)) if edition.is_public() else set()
    for part in s.parts:
        paragraphs = _paragraphs(s.text, part.start, part.end, quotes, segments, reference_numbers(ev),
                                 withheld=withheld, summarise=part.kind == "body")
        if part.kind == "body":
            blocks.extend(paragraphs)
        else:
            title = ("Reader comments (not the author’s view)" if part.kind == "comments"
                     else f"Page furniture: {part.label}")
            blocks.append(f":::{{admonition}} {escape(title)}\n:class: cj-{part.kind}\n\n" + "\n\n".join(paragraphs) + "\n:::")
    return Markdown("\n\n".join(blocks) + "\n")


SUMMARY_MARK = "Summary, not the source’s words:"


def _paragraphs(text: str, start: int, end: int, quotes: list[Quotation], segments: list | None = None,
                refs: dict[str, str] | None = None, *, withheld: set[tuple[int, int]] = frozenset(),
                summarise: bool = True) -> list[str]:
    """Split [start, end) at line breaks; wrap quoted spans; put each quotation's label, and the label of the
    segment the paragraph is (data/segments.yaml), before its paragraph, so both can be linked to. A paragraph in
    withheld (the public edition's) is given by its segment's summary when summarise, else counted with the
    withheld paragraphs next to it."""
    out: list[str] = []
    skipped = 0
    pos = start

    def flush() -> None:
        nonlocal skipped
        if skipped:
            words = "paragraph" if skipped == 1 else "paragraphs"
            out.append(f"{{.cj-withheld}}\n*{number_word(skipped).capitalize()} {words} not reproduced in this edition.*")
            skipped = 0

    for line in text[start:end].split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        if not line.strip():
            continue
        labels, pieces, cursor = [], [], line_start
        labels += [f"({seg.id})=" for seg in segments or [] if line_start <= seg.start < line_end]
        first = line_start + len(line) - len(line.lstrip())  # a part may start inside a line
        if any(a <= first < b for a, b in withheld):
            summary = next((seg.summary for seg in segments or [] if line_start <= seg.start < line_end), None)
            if summarise and summary:
                flush()
                out.append("\n".join(labels + ["{.cj-summary}", f"*{SUMMARY_MARK}* {escape(summary)}"]))
            else:
                skipped += 1
            continue
        flush()
        for q in quotes:
            if q.end <= line_start or q.start >= line_end:
                continue
            if q.start >= line_start:
                labels.append(f"({q.label})=")
            s, e = max(q.start, line_start, cursor), min(q.end, line_end)
            if s >= e:
                continue
            pieces.append(escape_keep(text[cursor:s]))
            # the marker is the quotation's short reference (Q12), as in the quotation index; the id is the anchor
            pieces.append(f"[{escape_keep(text[s:e])}]{{.cj-quoted}}[{(refs or {}).get(q.id, '')}]{{.cj-marker}}")
            cursor = e
        pieces.append(escape_keep(text[cursor:line_end]))
        out.append("\n".join(labels + ["".join(pieces).strip()]))
    flush()
    return out


def escape_keep(text: str) -> str:
    """Escape, keeping one leading/trailing space so spans join with the words around them."""
    core = escape(text)
    if not core:
        return " " if text and text.isspace() else ""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() else ""
    return lead + core + trail


def quotation_rows(evidence: Evidence | None = None) -> list[dict[str, str]]:
    """One row per quotation with source, speaker, theme, the questions it supports and their stances."""
    ev = _ev(evidence)
    rows = []
    refs = reference_numbers(ev)
    for q in sorted(ev.quotations.values(), key=lambda q: int(refs[q.id][1:])):
        rows.append({
            "id": q.id, "ref": refs[q.id], "source": source_name(q.source, ev), "speaker": q.speaker, "voice": q.voice,
            "theme": ev.codebook.theme(q.theme).short, "supports": "; ".join(f"{ev.codebook.questions[c.question].label}: {stance_label(c.stance, ev)}"
                                  for c in ev.citing.get(q.id, ())) or "—",
            "text": fold(q.text).strip(),
        })
    return rows


class QuotationIndex:
    """The searchable quotation index: DataTables (vendored, offline) in HTML, a long table in the PDF."""

    def __init__(self, evidence: Evidence | None = None):
        self.evidence = _ev(evidence)
        self.rows = quotation_rows(self.evidence)

    def html(self) -> str:
        # Source and speaker share a column, so the quotation keeps half the table beside the other four
        # (each column is at least as wide as its longest word; tests/browser/test_reading.py).
        cols = [("ref", "Ref."), ("who", "Source: speaker"), ("theme", "Theme"),
                ("supports", "Question: stance"), ("text", "Quotation")]
        head = "".join(f'<th scope="col">{label}</th>' for _, label in cols)
        body = []
        for row in self.rows:
            row = {**row, "who": f"{row['source']}: {row['speaker']}"}
            cells = []
            for key, _ in cols:
                value = html.escape(row[key])
                if key == "ref":  # the short reference shows; the id is only the link's anchor
                    value = f'<a href="appendix.html#{html.escape(row["id"])}" title="in context">{value}</a>'
                order = f' data-order="{row["ref"][1:]}"' if key == "ref" else ""  # DataTables sorts Q2 before Q10
                cells.append(f'<td data-label="{html.escape(dict(cols)[key])}"{order}>{value}</td>')
            body.append("<tr>" + "".join(cells) + "</tr>")
        widths = (8, 13, 10, 13, 56)  # the quotation gets the room
        colgroup = "<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths) + "</colgroup>"
        return (f'<table class="cj-datatable cj-cards display" style="width:100%" aria-label="Quotation index: {len(self.rows)} quotations">'
                f'{colgroup}<caption data-total="{len(self.rows)}">All {len(self.rows)} quotations; type in the search box '
                f"to filter, click a header to sort.</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")

    def markdown(self) -> Markdown:
        # The PDF's form: a theme by its short name (the codebook title up to its colon); the short reference
        # (Q12) links to the passage in the appendix, as the appendix's markers show it.
        rows = [[f"{{ref}}`{r['ref']} <{r['id']}>`", escape(r["source"]), escape(r["speaker"]),
                 escape(r["theme"].split(": ", 1)[0]), escape(r["supports"]), f"“{escape(r['text'])}”"] for r in self.rows]
        return list_table(["Ref.", "Source", "Speaker", "Theme", "Question: stance", "Quotation"], rows,
                          caption="Every quotation in the book", name="table-quotation-index",
                          widths=[8, 11, 14, 12, 18, 37])

    def book_markdown(self) -> Markdown:
        """One MyST form for both builders: the HTML book shows the DataTables table, the PDF the long table."""
        # one row a line: docutils refuses a line over 10,000 characters
        table = self.html().replace("</tr>", "</tr>\n")
        return Markdown(f"`````{{only}} html\n````{{raw}} html\n{table}\n````\n`````\n\n"
                        f"`````{{only}} latex or typst\n{self.markdown().text}`````\n")

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {**self.book_markdown()._repr_mimebundle_(), "text/plain": f"{len(self.rows)} quotations"}


def keyword_in_context(term: str, evidence: Evidence | None = None, width: int = 45) -> Markdown:
    """Every occurrence of a term in the article bodies, with the words either side (a concordance)."""
    from cjreport.analysis.vocab import keyword_in_context as kwic

    ev = _ev(evidence)
    texts = {sid: s.body_text for sid, s in ev.sources.items()}
    rows = [[escape(source_name(c.source, ev)), escape(c.left), f"**{escape(c.match)}**", escape(c.right)]
            for c in kwic(texts, term, width)]
    if not rows:
        return Markdown(f"No source uses the word {escape(term)}.\n")
    return list_table(["Source", "Before", "Term", "After"], rows, caption=f"The word {term} in context",
                      name=f"table-kwic-{re.sub(r'[^a-z0-9]+', '-', term.lower())}", widths=[14, 33, 20, 33])


def other_passages(theme_id: str, evidence: Evidence | None = None) -> Markdown:
    """Everything else the sources say on a theme, one line each: quotations filed under it that no cell of the
    theme cites (by speaker and the words that carry each, linking to the full text), then every paragraph coded to the theme
    that no quotation on the page comes from, as a one-line summary.
    With the theme chapter's side-by-side cards, every segment assigned to the theme is thus quoted or summarised; the
    lists are printed in the appendix of tables (book/tables.md), which every theme chapter points to."""
    ev = _ev(evidence)
    cited = {qid for q in ev.codebook.theme(theme_id).questions for sid in ev.sources
             for qid in ev.coding[(q.id, sid)].quotations}
    rest = sorted((q for q in ev.quotes_for(theme=theme_id) if q.id not in cited), key=lambda q: (q.source, q.start))
    shown = [ev.quotations[qid] for qid in cited] + rest
    unquoted = [seg for seg in (ev.segments or []) if theme_id in seg.themes
                and not any(q.source == seg.source and q.start < seg.end and q.end > seg.start for q in shown)]
    parts = []
    if rest:
        # one line each, by speaker and the words that carry it (its gist): the full words are a click away (issue 19, item 8)
        by_source: dict[str, list[Quotation]] = {}
        for q in rest:
            by_source.setdefault(q.source, []).append(q)
        lines = "\n".join(f"- **{escape(source_name(sid, ev))}**: "
                          + "; ".join(quote_ref(q.id, ev, author_named=False) for q in qs) for sid, qs in by_source.items())
        parts.append(Markdown("Other quotations filed under this theme, one line per source, by the words that carry each "
                              "(each links to its full text):\n\n" + lines))
    if unquoted:
        lines = "\n".join(f"- **{escape(source_name(seg.source, ev))}**: {escape(seg.summary)} "
                          f"({{ref}}`{_role_text(_paragraph_label(seg))} <{seg.id}>`)" for seg in unquoted)
        parts.append(Markdown("Paragraphs on this theme that no quotation in its chapter comes from, summarised in the "
                              "book’s words (each links to the paragraph in the appendix):\n\n" + lines))
    if not parts:
        return Markdown("Every passage filed under this theme is cited in its chapter.\n")
    return join(parts)


def _paragraph_label(segment) -> str:
    number = segment.id.rsplit("-", 1)[-1].lstrip("0") or "0"
    return f"paragraph {number}"


def segment_coverage(evidence: Evidence | None = None) -> Markdown:
    """Every body paragraph accounted for: per source, its paragraphs, how many are analysed, the share of its
    body words they hold, and why the others are not analysed (data/segments.yaml)."""
    ev = _ev(evidence)
    rows = []
    for sid, source in ev.sources.items():
        segments = [seg for seg in ev.segments or [] if seg.source == sid]
        words = {seg.id: len(source.text[seg.start:seg.end].split()) for seg in segments}
        analysed = [seg for seg in segments if seg.themes]
        share = 100 * sum(words[seg.id] for seg in analysed) / (sum(words.values()) or 1)
        reasons = Counter(seg.not_analysed for seg in segments if not seg.themes)
        why = "; ".join(f"{n} × {reason}" for reason, n in sorted(reasons.items())) or "—"
        rows.append([escape(source_name(sid, ev)), str(len(segments)), str(len(analysed)), f"{share:.1f}", escape(why)])
    return list_table(["Source", "Body paragraphs", "Analysed", "Share of body words analysed (%)", "Not analysed, and why"],
                      rows, caption="Every paragraph of every article body, accounted for", name="table-segment-coverage",
                      widths=[14, 14, 12, 18, 42], classes="cj-cards")


def arguments(evidence: Evidence | None = None) -> Markdown:
    """Each source's argument in brief: its central claim, its main points and its recommendations, each in
    the book's words with a verbatim quotation (data/arguments.yaml)."""
    ev = _ev(evidence)
    if not ev.arguments:
        return Markdown("*No argument summaries in data/arguments.yaml.*\n")
    blocks = []
    for sid in ev.sources:
        arg = ev.arguments[sid]
        blocks.append(f"### {escape(source_name(sid, ev))}")
        blocks.append(f"**Central claim.** {escape(arg.claim.summary)}")
        blocks.append(f"In the source’s words: {quote_ref(arg.claim.quotation, ev)}")
        for i, point in enumerate(arg.points, 1):
            blocks.append(f"**Point {i}.** {escape(point.summary)} ({quote_ref(point.quotation, ev)})")
        if arg.recommendations:
            for i, rec in enumerate(arg.recommendations, 1):
                blocks.append(f"**Recommendation {i}.** {escape(rec.summary)} ({quote_ref(rec.quotation, ev)})")
        else:
            blocks.append(f"*Recommendations:* {escape(arg.recommendations_note or 'none stated in the text.')}")
    return Markdown("\n\n".join(blocks) + "\n")


def event_readings(evidence: Evidence | None = None) -> Markdown:
    """Every event that two or more sources describe, with each source's reading side by side: its quotations
    with their speakers, and the stance of any coded cell that cites them."""
    ev = _ev(evidence)
    stances = {qid: [f"{ev.codebook.questions[c.question].label}: {stance_words(c.stance, ev)}"
                     for c in codes] for qid, codes in ev.citing.items()}
    blocks = []
    for event in ev.events:
        if len(event.sources) < 2:
            continue
        cards = []
        for sid in event.sources:
            qids = [q for q in event.quotations if ev.quotations[q].source == sid]
            body = [quote_ref(q, ev) for q in qids] or ["*No quotation on this event.*"]
            coded = sorted({s for q in qids for s in stances.get(q, [])})
            if coded:
                body.append("*Coded:* " + escape("; ".join(coded)))
            cards.append(f":::{{grid-item-card}} {escape(source_name(sid, ev))}\n\n" + "\n\n".join(body) + "\n:::")
        blocks.append(f"**{escape(event.date)}: {escape(event.event)}**")
        blocks.append("::::{grid} 1 1 2 2\n:gutter: 2\n:class-container: cj-side-by-side\n\n" + "\n\n".join(cards) + "\n::::")
    if not blocks:
        return Markdown("No event in data/events.csv is described by more than one source.\n")
    return Markdown("\n\n".join(blocks) + "\n")


def source_list(evidence: Evidence | None = None) -> Markdown:
    """The corpus, one line per source: its name, title, outlet and date, linked to its citation. The outlet is the
    head of sources.yaml's statement of it (before its parenthesis, which says how the page names it; the
    composition table in the sources chapter gives it whole); a date not printed on the page says what is
    inferred. A list, not one paragraph: a 41st-session reading of the PDF found the five run together."""
    ev = _ev(evidence)
    entries = []
    for s in ev.sources.values():
        outlet = s.outlet.split(" (")[0]
        outlet = f"outlet {outlet[:1].lower()}{outlet[1:]}" if outlet.startswith("Not ") else f"in {escape(outlet)}"
        if s.outlet_status == "inferred":
            outlet += " (outlet inferred)"
        entries.append(f"{cite(s.id, ev)}, *{escape(s.title.rstrip('.'))}*, {outlet}, {source_date(s)}")
    return Markdown("\n".join(f"- {e}." for e in entries) + "\n")


def source_date(source: Source, *, marked: bool = True) -> str:
    """A source's date in words, to the precision sources.yaml gives it, marked when it is inferred (unless
    `marked` is false): '30 September 2022', 'August 2024 (date inferred)'. The corpus list and the readings'
    [[date:<id>]] both write it so."""
    text = wording.long_date(source.date)
    return text + (f" ({source.date_mark})" if marked and source.date_mark else "")


def appendix_contents(evidence: Evidence | None = None) -> Markdown:
    """Links to each source's place on the appendix page (its headings are inside an output, off the page menu)."""
    ev = _ev(evidence)
    return Markdown("\n".join(f"- {{ref}}`{_role_text(s.short_name)} <source-{s.id}>`: {escape(s.title)}"
                              for s in ev.sources.values()) + "\n")


def _role_text(text: str) -> str:
    """Link text inside a role is not Markdown: keep only characters that need no escaping there."""
    return re.sub(r"[^A-Za-z0-9 ,.’-]", "", text).strip() or "source"
