"""What the methods and synthesis chapters display of the coding's reliability: agreement between the coders,
the adjudication, the codebook's changes and the findings' sensitivity, as MyST tables."""

from __future__ import annotations

import re

from cjreport.analysis.agreement import changelog, decisions, fmt_alpha, reliability
from cjreport.analysis.sensitivity import sensitivity
from cjreport.data.evidence import Evidence
from cjreport.views.markup import Markdown, escape, list_table
from cjreport.views.present import escape_keep
from cjreport.wording import capital


def agreement_table(evidence: Evidence) -> Markdown:
    rows = []
    for nominal, ordinal in reliability(evidence):
        scope = "All questions" if nominal.scope == "all" else evidence.codebook.theme(nominal.scope).short
        rows.append([escape(scope), f"{nominal.agreed} of {nominal.units}", escape(fmt_alpha(nominal)),
                     f"{ordinal.agreed} of {ordinal.units}", escape(fmt_alpha(ordinal))])
    return list_table(["Scope", "Cells agreed", "Nominal alpha [95% CI]", "Ordered cells agreed", "Ordinal alpha [95% CI]"],
                      rows, caption="Agreement between the first coding (before adjudication) and the blind second coding",
                      name="table-agreement", widths=[34, 14, 18, 16, 18], classes="cj-cards")


def adjudication_table(evidence: Evidence) -> Markdown:
    label = {s.id: s.label for s in evidence.codebook.stances}
    questions = evidence.codebook.questions
    rows = [[f"**{escape(questions[a.question].label)}**: {escape(questions[a.question].proposition)}\n\n"
             f"*{escape(evidence.sources[a.source].short_name)}*",
             f"First coder: {escape(label[a.first])}\n\nSecond coder: {escape(label[a.second])}\n\n"
             f"**Final: {escape(label[a.final])}**",
             escape(a.reason)] for a in decisions(evidence)]
    return list_table(["Question and source", "Codes", "Reason for the final code"], rows,
                      caption="Every disagreement between the two codings and its adjudication", name="table-adjudication",
                      widths=[30, 20, 50], classes="cj-cards")


def _wording(text: str) -> str:
    """Escape, setting the codebook's old wording (in double quotes in the changelog) in italics: it is the
    codebook's text, not a source's, and quotation marks in the book are kept for the sources' words."""
    parts = re.split(r'"([^"]+)"', text)
    return "".join(f"*{escape(p)}*" if i % 2 else escape_keep(p) for i, p in enumerate(parts)).strip()


def changelog_table(evidence: Evidence) -> Markdown:
    rows = [[escape(e["date"]), escape(e["change"]), escape(e["questions"]), _wording(e["what"]), _wording(e["why"])]
            for e in changelog(evidence)]
    return list_table(["Date", "Change", "Questions", "What changed", "Why"], rows,
                      caption="Changes to the codebook, oldest first", name="table-codebook-changelog",
                      widths=[11, 8, 17, 38, 26], classes="cj-cards")


def sensitivity_table(evidence: Evidence) -> Markdown:
    """One row per finding: the variants in which it does not hold, and those that cannot test it.

    A finding × variant grid has too many columns for a phone or a printed page; the variants are listed
    by name instead, and the caption names them all, so every cell of the grid can still be read off.
    """
    vs, rows = sensitivity(evidence)
    body = []
    for f, results in rows:
        fails = [capital(v.label) for v, r in zip(vs, results) if r is False]
        untestable = [capital(v.label) for v, r in zip(vs, results) if r is None]
        body.append([escape(f.text), "**" + escape("; ".join(fails)) + "**" if fails else "none: it holds in every variant",
                     escape("; ".join(untestable)) if untestable else "—"])
    caption = "Which findings hold in each variant: " + "; ".join(v.label for v in vs)
    return list_table(["Finding", "Does not hold", "Cannot be tested (names a source left out)"], body,
                      caption=caption, name="table-sensitivity", widths=[46, 30, 24], classes="cj-sensitivity cj-cards")


def implied_table(evidence: Evidence) -> Markdown:
    """Each source's positions and how many of them the coding infers rather than finds stated (one rule for all)."""
    from cjreport.analysis.disclosure import implied_by_source

    rows = [[escape(evidence.sources[i.source].short_name), str(i.positions), str(i.implied)]
            for i in implied_by_source(evidence)]
    return list_table(["Source", "Positions (supports, qualified or opposes)", "Of them implied"], rows,
                      caption="Implied positions by source: inferred by the coders rather than found stated",
                      name="table-implied", widths=[30, 40, 30], classes="cj-cards")
