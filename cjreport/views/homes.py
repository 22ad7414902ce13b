"""Where each quotation is displayed in full as evidence (its "home"): every other place that names it gives a
short reference linking there. Apart from present.py, so the Jupyter renderer (jupyter_html.py) can resolve those
links without importing the display functions that use it."""

from __future__ import annotations

from cjreport.data.evidence import Evidence, load


def evidence_label(qid: str) -> str:
    """The anchor of the one place where a quotation is displayed in full as evidence (an id, never shown)."""
    return f"quote-{qid}"


def homes(evidence: Evidence | None = None) -> dict[str, tuple[str, str]]:
    """Where each cited quotation is displayed in full: the first coded cell (question, source) that cites it,
    preferring a question of the quotation's own theme, in codebook and source order. Every other place that
    names it (another cell, the arguments, the events, the home page) gives a short reference instead (issue 19:
    one quotation was displayed five times). Quotations no cell cites have no home: they are shown in context
    in the appendix, and references lead there."""
    ev = evidence or load()
    found: dict[str, tuple[str, str]] = {}
    for own_theme_first in (True, False):
        for theme in ev.codebook.themes:
            for question in theme.questions:
                for sid in ev.sources:
                    for qid in ev.coding[(question.id, sid)].quotations:
                        if qid not in found and (ev.quotations[qid].theme == theme.id) == own_theme_first:
                            found[qid] = (question.id, sid)
    return found
