"""What the teacher's guide (book/teaching.md) displays: the blind-coding exercise (the codebook's wording for its
questions, the form a student fills in, the agreement with the book's codes), the table of reported words to
attribute, the sources' standing as sources.yaml records it, and where to look for each theme's discussion
questions. Every row comes from data/; the guide's own prose interprets no source."""

from __future__ import annotations

from dataclasses import replace

from cjreport.analysis import agreement, teaching
from cjreport.data.evidence import Evidence, load
from cjreport.data.quotations import Quotation, fold
from cjreport.views.markup import Markdown, escape, join, list_table, ref
from cjreport.views.present import (appendix_ref, coding_note, implied_mark, notes_label, pointer_words,
                                    positions_label, source_date, source_name, speaker_line, stance_words)
from cjreport.wording import capital, count, listing, number_word


class Exercise:
    """The blind-coding exercise: its questions (chosen by analysis.teaching's rule), their codebook wording, the
    blank form and the check of a student's codes against the book's."""

    def __init__(self, evidence: Evidence | None = None):
        self.evidence = evidence or load()
        self.questions = teaching.exercise_questions(self.evidence)
        counts = teaching.disagreements(self.evidence)
        self.disagreed = [counts[q] for q in self.questions]  # sources on which the coders differed, per question
        self.next_most = max((counts[q] for q in self.evidence.codebook.questions if q not in self.questions), default=0)

    def codebook(self) -> Markdown:
        """The two questions as the codebook words them, then the stance scale a coder chooses from."""
        ev = self.evidence
        blocks = []
        for i, qid in enumerate(self.questions, 1):
            q = ev.codebook.questions[qid]
            theme = ev.codebook.theme(q.theme)
            blocks.append(f"**Question {i}: {escape(q.label)}** (theme: {escape(theme.short)}). *The proposition:* "
                          f"{escape(q.proposition)}\n\n*The codebook’s note:* {coding_note(q, ev)}")
        stances = "\n".join(f"- **{escape(stance_words(s.id, ev))}**, written `{s.id}`: {escape(s.definition)} "
                            f"*Rule:* {escape(s.rule)}" for s in ev.codebook.stances)
        disagreed = " and ".join(f"{count(n, 'text')} on question {i}" for i, n in enumerate(self.disagreed, 1))
        blocks.append(f"*Why these two:* the book’s first and second codings differed on {disagreed}; on no other "
                      f"question of the codebook on more than {number_word(self.next_most, zero='none')}.")
        blocks.append("The stances to choose from, as the codebook defines them:\n\n" + stances)
        return Markdown("\n\n".join(blocks) + "\n")

    def blank(self) -> dict[tuple[str, int], str | None]:
        """The form: (source's short name, question number) → None, one entry per cell."""
        return teaching.blank_codes(self.evidence, self.questions)

    def check(self, codes: dict | None = None) -> Markdown:
        """Krippendorff's alpha between the codes given and the book's final codes, and each cell where they
        differ with the book's reason; with no code given, the same for the book's own first coding."""
        ev = self.evidence
        result = teaching.compare(ev, codes, self.questions)
        a = result.alpha
        if result.demonstration:
            opening = ("No code has been entered yet (every value in `my_codes` is `None`), so this is a demonstration: "
                       f"it compares the book’s **first coding** of these {number_word(len(self.questions))} questions, as made before the "
                       "disagreements were adjudicated, with the book’s **final codes**, by the same calculation "
                       "that your codes will get.")
            who = "the first coding"
        else:
            opening = f"You coded {number_word(a.units)} of the {count(result.cells, 'cell')}: those are compared with the book’s final codes."
            who = "your codes"
        if a.units and a.value == a.value:  # defined (not NaN)
            interval = (f" (95% interval {agreement.fmt(a.low)} to {agreement.fmt(a.high)}, from "
                        f"{agreement.RESAMPLES} bootstrap resamples of the cells)" if a.low == a.low else "")
            stances = number_word(len(ev.codebook.stances))
            measure = (f"Krippendorff’s alpha, nominal, on the {stances} stances: **{agreement.fmt(a.value)}**{interval}. "
                       f"Alpha is 1 for perfect agreement and 0 for agreement no better than chance.")
        else:
            measure = ("Krippendorff’s alpha is undefined here: every cell compared carries the same code, so chance "
                       "agreement cannot be estimated. Code more cells.")
        agreed = f"Of the {count(a.units, 'cell')} compared, {who} and the final codes agree on {number_word(a.agreed, zero='none')}. {measure}"
        parts = [Markdown(opening + "\n\n" + agreed + "\n")]
        if result.differences:
            questions = ev.codebook.questions
            number = {q: i for i, q in enumerate(self.questions, 1)}
            rows = [[escape(source_name(d.source, ev)), f"{number[d.question]}: {escape(questions[d.question].label)}",
                     escape(stance_words(d.given, ev)), escape(stance_words(d.final, ev)),
                     f"{escape(d.rationale)} ({ref('every text’s reason', notes_label(d.question))})"]
                    for d in result.differences]
            head = "First coding" if result.demonstration else "Your code"
            parts.append(list_table(["Text", "Question", head, "Book’s final code", "The book’s reason for its code"],
                                    rows, caption=f"Where {who} and the book’s final codes differ",
                                    name="table-teaching-differences", widths=[12, 18, 14, 14, 42], classes="cj-cards"))
        elif a.units:
            parts.append(Markdown(f"{capital(who)} and the final codes agree on every cell compared.\n"))
        return join(parts)


def _opening(q: Quotation, n: int = 5) -> str:
    """The passage's opening words in quotation marks (verbatim), never its gist: the exercise names it by where
    it starts, as a reader finds it in the text."""
    return pointer_words(q, replace(q, gist="").key_words(n)[1])


def _openings(passages: list[Quotation]) -> dict[str, str]:
    """Each passage's opening words, longer where two passages open alike: a 42nd reading could not tell two rows
    apart on paper ("the parties confirmed that they" twice)."""
    n = {q.id: 5 for q in passages}
    while True:
        shown = {q.id: _opening(q, n[q.id]) for q in passages}
        alike = [q for q in passages if list(shown.values()).count(shown[q.id]) > 1
                 and len(fold(q.text).split()) > n[q.id]]
        if not alike:
            return shown
        for q in alike:
            n[q.id] += 2


def reported_passages(evidence: Evidence | None = None) -> list[Quotation]:
    """Every quotation whose speaker is not its source's author (reported words and reader comments), in the
    book's order of sources and then of the text."""
    ev = evidence or load()
    order = list(ev.sources)
    return sorted((q for q in ev.quotations.values() if q.voice != "author"),
                  key=lambda q: (order.index(q.source), q.start))


def whose_words(evidence: Evidence | None = None) -> Markdown:
    """The exercise's table: each passage by its source and opening words, linking to it in its text."""
    ev = evidence or load()
    passages = reported_passages(ev)
    opening = _openings(passages)
    rows = [[str(i), escape(source_name(q.source, ev)), appendix_ref(q, opening[q.id])]
            for i, q in enumerate(passages, 1)]
    return list_table(["No.", "Text", "The passage opens (a link to it in the text)"], rows,
                      caption="Passages to attribute", name="table-teaching-whose-words", widths=[8, 22, 70],
                      classes="cj-cards")


def whose_words_answers(evidence: Evidence | None = None) -> Markdown:
    """The answers, as the data records them: each passage by its speaker and opening words."""
    ev = evidence or load()
    passages = reported_passages(ev)
    opening = _openings(passages)
    lines = [f"{i}. {escape(opening[q.id])}: {escape(speaker_line(q, ev))}."
             for i, q in enumerate(passages, 1)]
    return Markdown("\n".join(lines) + "\n")


def standing(evidence: Evidence | None = None) -> Markdown:
    """Each text's standing as data/sources.yaml records it from the page itself: who, in what role, where, when,
    whether a user submitted it, and the caveats the text shows (its kind is in the sources chapter's profiles: a
    column for it was too narrow for the PDF's page)."""
    ev = evidence or load()
    rows = []
    for s in ev.sources.values():
        outlet = escape(s.outlet) + (" *(outlet inferred)*" if s.outlet_status == "inferred" else "")
        submitted = "Yes: the page says a user submitted it" if s.user_submitted else "No such notice on the page"
        rows.append([f"**{escape(s.short_name)}**", f"{escape(s.author)}; {escape(s.affiliation)}", outlet,
                     escape(source_date(s)), submitted, escape(s.reliability)])
    return list_table(["Text", "Author and role, as the text gives them", "Outlet", "Date",
                       "Submitted by a user of the site?", "Caveats the text itself shows"], rows,
                      caption="Each text’s standing, as the page itself shows it", name="table-teaching-standing",
                      widths=[10, 19, 18, 11, 12, 30], classes="cj-cards")


def where_to_look(evidence: Evidence | None = None) -> Markdown:
    """For each theme chapter's discussion questions: every question of the theme with the sources grouped by their
    coded stance, and links to the positions (the words) and to the coders' reasons."""
    ev = evidence or load()
    blocks = []
    for theme in ev.codebook.themes:
        lines = [f"At the end of {{doc}}`{theme.chapter}`:"]
        for q in theme.questions:
            groups = []
            for stance in ev.codebook.stances:
                held = [source_name(sid, ev) + implied_mark(q.id, sid, ev)
                        for sid in ev.sources if ev.coding[(q.id, sid)].stance == stance.id]
                if held:
                    groups.append(f"{escape(stance_words(stance.id, ev))}: {escape(listing(held))}")
            lines.append(f"- *{escape(q.label)}*. " + "; ".join(groups) + ". "
                         f"({ref('The words', positions_label(q.id))}; {ref('the reasons', notes_label(q.id))}.)")
        blocks.append("\n".join(lines[:1]) + "\n\n" + "\n".join(lines[1:]))
    return Markdown("\n\n".join(blocks) + "\n")
