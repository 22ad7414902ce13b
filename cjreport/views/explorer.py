"""An ipywidgets explorer of the quotations, for readers who rerun a chapter in Jupyter.

Filter by theme, source, speaker, stance and free text; the matches show with their speaker and a link to
their place in the appendix. The static book has no kernel, so the chapter shows a note instead of it.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from cjreport.data.evidence import Evidence, load
from cjreport.views.present import source_name, stance_label
from cjreport.data.quotations import Quotation, fold

ALL = "(all)"


class QuotationExplorer:
    def __init__(self, evidence: Evidence | None = None, appendix_url: str = "appendix.html"):
        self.ev = evidence or load()
        self.appendix_url = appendix_url
        self.stances = {qid: {c.stance for c in codes} for qid, codes in self.ev.citing.items()}
        themes = [(ALL, ALL)] + [(t.title, t.id) for t in self.ev.codebook.themes]
        sources = [(ALL, ALL)] + [(source_name(s, self.ev), s) for s in self.ev.sources]
        speakers = [ALL] + sorted({q.speaker for q in self.ev.quotations.values()})
        stances = [(ALL, ALL)] + [(s.label, s.id) for s in self.ev.codebook.stances if s.id != "not_addressed"]
        self.theme = widgets.Dropdown(options=themes, value=ALL, description="Theme")
        self.source = widgets.Dropdown(options=sources, value=ALL, description="Source")
        self.speaker = widgets.Dropdown(options=speakers, value=ALL, description="Speaker")
        self.stance = widgets.Dropdown(options=stances, value=ALL, description="Stance")
        self.text = widgets.Text(value="", description="Text", placeholder="words to find")
        self.count = widgets.Label()
        self.results = widgets.HTML()
        for control in (self.theme, self.source, self.speaker, self.stance, self.text):
            control.observe(lambda _change: self.refresh(), names="value")
        self.widget = widgets.VBox([
            widgets.HBox([self.theme, self.source]), widgets.HBox([self.speaker, self.stance]),
            self.text, self.count, self.results])
        self.refresh()

    def matches(self) -> list[Quotation]:
        needle = " ".join(self.text.value.lower().split())
        found = []
        for q in self.ev.quotations.values():
            if self.theme.value != ALL and q.theme != self.theme.value:
                continue
            if self.source.value != ALL and q.source != self.source.value:
                continue
            if self.speaker.value != ALL and q.speaker != self.speaker.value:
                continue
            if self.stance.value != ALL and self.stance.value not in self.stances.get(q.id, set()):
                continue
            if needle and needle not in fold(q.text).lower():
                continue
            found.append(q)
        return found

    def refresh(self) -> None:
        found = self.matches()
        self.count.value = f"{len(found)} of {len(self.ev.quotations)} quotations"
        items = []
        for q in found:
            stances = ", ".join(stance_label(s, self.ev) for s in sorted(self.stances.get(q.id, set()))) or "not coded"
            items.append(
                f'<li><q>{html.escape(fold(q.text).strip())}</q> — {html.escape(q.attribution)}; '
                f'{html.escape(source_name(q.source, self.ev))}; {html.escape(stances)}; '
                f'<a href="{html.escape(self.appendix_url)}#{html.escape(q.id)}">{html.escape(q.id)}</a></li>')
        self.results.value = "<ol>" + "".join(items) + "</ol>" if items else "<p>No quotation matches.</p>"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def explorer(evidence: Evidence | None = None) -> QuotationExplorer:
    return QuotationExplorer(evidence)
