"""Altair charts built from data/, shown interactively in HTML (offline Vega bundle) and as PNG in the PDF.

A `Figure` displays as one output with two forms: `text/html` (a container the book's own charts.js
draws, with the chart's data as a table beneath it) and `image/png` (vl-convert, same spec) for LaTeX.
"""

from __future__ import annotations

import base64
import html
import json
from collections import Counter
from dataclasses import dataclass

import altair as alt
import pandas as pd
import vl_convert

from .evidence import Evidence, load
from .present import source_name
from .quotations import fold
from .vocab import distinctive_words

VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
# Okabe & Ito's colour-blind-safe palette; every chart also labels its marks in text.
STANCE_COLOURS = {"supports": "#0072B2", "qualified": "#56B4E9", "opposes": "#D55E00",
                  "reports": "#E69F00", "not_addressed": "#EEEEEE"}
SOURCE_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
STANCE_MARKS = {"supports": "+", "qualified": "±", "opposes": "−", "reports": "R", "not_addressed": "·"}


@dataclass(frozen=True)
class Figure:
    chart: alt.TopLevelMixin
    name: str
    alt_text: str
    data: pd.DataFrame

    def spec(self) -> dict:
        # Vega-Lite's description becomes the SVG's aria-label, so the drawn chart is labelled too.
        return self.chart.properties(description=self.alt_text).to_dict()

    def png(self) -> bytes:
        return vl_convert.vegalite_to_png(self.spec(), scale=2, vl_version=VL_VERSION)

    def html(self) -> str:
        # "</" would end the script element early: JSON allows "<\/" for it.
        spec = json.dumps(self.spec(), ensure_ascii=False, sort_keys=True).replace("</", "<\\/").replace("<!--", "<\\!--")
        table = self.data.to_html(index=False, border=0, classes="cj-chart-data", escape=True)
        alt_text = html.escape(self.alt_text, quote=True)
        # role=figure, not img: the chart holds controls (dropdowns) that must stay reachable; tabindex lets
        # keyboard users scroll a chart wider than the page.
        return (f'<div class="cj-chart" id="chart-{self.name}" role="figure" aria-label="{alt_text}" tabindex="0">'
                f'<div class="cj-chart-canvas"></div>'
                f'<script type="application/json" class="cj-chart-spec">{spec}</script></div>'
                f'<details class="cj-chart-table"><summary>The data behind this chart, as a table</summary>{table}</details>')

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {"text/html": self.html(), "image/png": base64.b64encode(self.png()).decode("ascii"),
                "text/plain": f"Chart: {self.alt_text}"}


def _ev(evidence: Evidence | None) -> Evidence:
    return evidence or load()


def _source_scale(ev: Evidence) -> alt.Scale:
    names = [source_name(s, ev) for s in ev.sources]
    return alt.Scale(domain=names, range=[SOURCE_COLOURS[i % len(SOURCE_COLOURS)] for i in range(len(names))])


def stance_frame(evidence: Evidence | None = None) -> pd.DataFrame:
    ev = _ev(evidence)
    rows = []
    for theme in ev.codebook.themes:
        for question in theme.questions:
            for sid in ev.sources:
                code = ev.coding[(question.id, sid)]
                first = ev.quotations[code.quotations[0]] if code.quotations else None
                rows.append({"theme": theme.title, "question": question.id, "proposition": question.proposition,
                             "source": source_name(sid, ev), "stance": ev.codebook.stance(code.stance).label,
                             "mark": STANCE_MARKS.get(code.stance, "?"), "rationale": code.rationale,
                             "quotation": fold(first.text).strip() if first else "—",
                             "speaker": first.attribution if first else "—"})
    return pd.DataFrame(rows)


def stance_matrix(evidence: Evidence | None = None) -> Figure:
    """Questions × sources, coloured by stance and marked with a symbol; the tooltip shows the quotation."""
    ev = _ev(evidence)
    df = stance_frame(ev)
    stances = list(ev.codebook.stances)
    colour = alt.Scale(domain=[s.label for s in stances],
                       range=[STANCE_COLOURS.get(s.id, "#999999") for s in stances])
    themes = [t.title for t in ev.codebook.themes]
    pick = alt.selection_point(fields=["theme"], name="theme_pick",
                               bind=alt.binding_select(options=[None, *themes], labels=["All themes", *themes], name="Theme: "))
    base = alt.Chart(df).encode(
        x=alt.X("source:N", title=None, sort=[source_name(s, ev) for s in ev.sources], axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("question:N", title=None, sort=list(df["question"].drop_duplicates())),
        tooltip=[alt.Tooltip("proposition:N", title="Question"), alt.Tooltip("source:N", title="Source"),
                 alt.Tooltip("stance:N", title="Stance"), alt.Tooltip("rationale:N", title="Why"),
                 alt.Tooltip("quotation:N", title="Quotation"), alt.Tooltip("speaker:N", title="Speaker")],
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("stance:N", scale=colour, title="Stance", legend=alt.Legend(orient="bottom")),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.15)),
    ).add_params(pick)
    marks = base.mark_text(fontSize=13).encode(text="mark:N", opacity=alt.condition(pick, alt.value(1.0), alt.value(0.15)))
    chart = (cells + marks).properties(
        width=72 * len(ev.sources), height=alt.Step(20),
        title=alt.Title("Stance of each source on each contested question",
                        subtitle="Symbols: + supports, ± qualified, − opposes, R reports only, · not addressed"),
    )
    return Figure(chart, "stance-matrix",
                  f"Matrix of {df['question'].nunique()} questions by {len(ev.sources)} sources, each cell coloured and "
                  "marked by the source's stance; the same data is in the table below the chart.",
                  df[["theme", "question", "source", "stance", "quotation"]])


def theme_words(evidence: Evidence | None = None) -> pd.DataFrame:
    """Per source and theme: quotations, and words of the body paragraphs that hold that theme's quotations."""
    ev = _ev(evidence)
    rows = []
    for sid, source in ev.sources.items():
        quotes = ev.quotes_for(source=sid)
        words: Counter[str] = Counter()
        for part in source.parts:
            if part.kind != "body":
                continue
            pos = part.start
            for line in source.text[part.start : part.end].split("\n"):
                start, end = pos, pos + len(line)
                pos = end + 1
                themes = {q.theme for q in quotes if q.start < end and q.end > start}
                for theme in themes:
                    words[theme] += len(line.split())
        count = Counter(q.theme for q in quotes)
        for theme in ev.codebook.themes:
            rows.append({"source": source_name(sid, ev), "theme": theme.title, "quotations": count[theme.id],
                         "body words": words[theme.id]})
    return pd.DataFrame(rows)


def coverage(evidence: Evidence | None = None) -> Figure:
    ev = _ev(evidence)
    df = theme_words(ev)
    order = [t.title for t in ev.codebook.themes]
    pick = alt.selection_point(fields=["source"], bind="legend", name="source_pick")

    def bars(field: str, title: str) -> alt.Chart:
        return alt.Chart(df).mark_bar().encode(
            y=alt.Y("theme:N", sort=order, title=None),
            x=alt.X(f"sum({field}):Q", title=title),
            color=alt.Color("source:N", scale=_source_scale(ev), title="Source"),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.2)),
            tooltip=["source:N", "theme:N", alt.Tooltip(f"{field}:Q", title=title)],
        ).properties(width=260, height=alt.Step(26))

    chart = alt.hconcat(bars("quotations", "Quotations in the book").add_params(pick),
                        bars("body words", "Words of body paragraphs quoted on the theme")).properties(
        title=alt.Title("How much each source says on each theme",
                        subtitle="Click a source in the legend to highlight it"))
    return Figure(chart, "coverage",
                  "Two stacked bar charts: per theme, the number of quotations and the words of quoted body paragraphs, "
                  "split by source; the table below gives the numbers.", df)


def _midpoint(iso: str) -> str:
    parts = iso.split("-")
    if len(parts) == 1:
        return f"{iso}-07-01"
    if len(parts) == 2:
        return f"{iso}-15"
    return iso


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def timeline(evidence: Evidence | None = None) -> Figure:
    ev = _ev(evidence)
    events = pd.DataFrame([{"date": _midpoint(e.date), "as stated": e.date, "precision": e.precision, "event": e.event,
                            "label": f"{e.date}: {_shorten(e.event, 60)}",
                            "mentioned by": ", ".join(source_name(s, ev) for s in e.sources),
                            "quotations": " ".join(e.quotations) or "—"} for e in ev.events])
    published = pd.DataFrame([{"date": _midpoint(s.date), "as stated": s.date, "source": source_name(s.id, ev),
                               "dating": f"{s.date_status}: {s.date_basis}"} for s in ev.sources.values()])
    zoom = alt.selection_interval(encodings=["x"], bind="scales", name="zoom")
    points = alt.Chart(events).mark_point(filled=True, size=70, shape="diamond", color="#333333").encode(
        x=alt.X("date:T", title="Date (year-only dates drawn at mid-year, month-only at mid-month)"),
        # Labels are shortened here, not by Vega's labelLimit, whose text measuring costs a second per render.
        y=alt.Y("label:N", sort=list(events["label"]), title=None, axis=alt.Axis(labelLimit=0)),
        tooltip=["as stated:N", "event:N", "mentioned by:N", "quotations:N"],
    )
    rules = alt.Chart(published).mark_rule(strokeDash=[4, 3], strokeWidth=2).encode(
        x="date:T", color=alt.Color("source:N", scale=_source_scale(ev), title="Publication date of"),
        tooltip=["source:N", "as stated:N", "dating:N"],
    )
    chart = (rules + points).add_params(zoom).properties(
        width=560, height=alt.Step(22),
        title=alt.Title("Dated events the sources mention, and when each source appeared",
                        subtitle="Drag or scroll to zoom the time axis; dashed lines mark publication dates"))
    table = events[["as stated", "event", "mentioned by"]]
    return Figure(chart, "timeline",
                  f"Timeline of {len(events)} dated events mentioned in the sources, from {events['as stated'].iloc[0]} "
                  f"to {events['as stated'].iloc[-1]}, with the publication date of each source as a dashed line.", table)


def vocabulary_frame(evidence: Evidence | None = None, top: int = 8) -> pd.DataFrame:
    ev = _ev(evidence)
    texts = {source_name(s.id, ev): s.body_text for s in ev.sources.values()}
    rows = []
    for name, scores in distinctive_words(texts, top=top).items():
        for rank, score in enumerate(scores, 1):
            rows.append({"source": name, "rank": rank, "word": score.word, "count": score.count,
                         "log-odds": round(score.delta, 3), "z": round(score.z, 2)})
    return pd.DataFrame(rows)


def vocabulary(evidence: Evidence | None = None, top: int = 8) -> Figure:
    ev = _ev(evidence)
    df = vocabulary_frame(ev, top)
    names = [source_name(s, ev) for s in ev.sources]
    pick = alt.selection_point(fields=["source"], name="vocab_pick",
                               bind=alt.binding_select(options=[None, *names], labels=["All sources", *names], name="Source: "))
    chart = alt.Chart(df).mark_bar().encode(
        x=alt.X("z:Q", title="z-score of the log-odds ratio (source vs the rest)"),
        y=alt.Y("word:N", sort=alt.EncodingSortField("z", order="descending"), title=None),
        color=alt.Color("source:N", scale=_source_scale(ev), legend=None),
        row=alt.Row("source:N", sort=names, title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
        tooltip=["source:N", "word:N", "count:Q", "log-odds:Q", "z:Q"],
    ).transform_filter(pick).add_params(pick).properties(width=360, height=alt.Step(14)).resolve_scale(y="independent").properties(
        title=alt.Title("Framing vocabulary: the words most distinctive of each source",
                        subtitle="Log-odds ratio with an informative Dirichlet prior; five short texts give noisy estimates"))
    return Figure(chart, "vocabulary",
                  f"Bar charts of the {top} most distinctive words of each source's article body, by z-score; the table "
                  "below lists word, count, log-odds and z.", df)


def actor_frame(evidence: Evidence | None = None) -> pd.DataFrame:
    ev = _ev(evidence)
    rows = []
    for s in ev.sources.values():
        body = s.body_text
        for actor in ev.actors:
            n = len(actor.pattern.findall(body))
            rows.append({"source": source_name(s.id, ev), "actor": actor.label, "kind": actor.kind, "mentions": n})
    return pd.DataFrame(rows)


def actors(evidence: Evidence | None = None) -> Figure:
    ev = _ev(evidence)
    df = actor_frame(ev)
    named = df.groupby("actor")["mentions"].sum()
    keep = named[named > 0].sort_values(ascending=False).index.tolist()
    df = df[df["actor"].isin(keep)]
    names = [source_name(s, ev) for s in ev.sources]
    kinds = sorted(df["kind"].unique())
    pick = alt.selection_point(fields=["kind"], name="kind_pick",
                               bind=alt.binding_select(options=[None, *kinds], labels=["All kinds", *kinds], name="Kind of actor: "))
    base = alt.Chart(df).encode(
        x=alt.X("source:N", sort=names, title=None, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("actor:N", sort=keep, title=None),
        tooltip=["actor:N", "kind:N", "source:N", "mentions:Q"],
    ).transform_filter(pick)
    heat = base.mark_rect(stroke="white").encode(
        color=alt.Color("mentions:Q", scale=alt.Scale(scheme="blues"), title="Mentions"))
    text = base.mark_text(fontSize=11).encode(
        text="mentions:Q", color=alt.condition("datum.mentions > 15", alt.value("white"), alt.value("black")))
    chart = (heat + text).add_params(pick).properties(
        width=72 * len(names), height=alt.Step(18),
        title=alt.Title("Who is named: mentions of actors in each article body",
                        subtitle="Counts of name forms listed in data/actors.yaml; each cell shows its count"))
    return Figure(chart, "actors",
                  f"Heat map of mentions of {len(keep)} actors across {len(names)} sources, each cell printed with its count; "
                  "the table below gives the counts.", df[df["mentions"] > 0])
