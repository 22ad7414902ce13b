"""Altair charts built from data/, shown interactively in HTML (offline Vega bundle) and as vector SVG in the PDF.

A `Figure` displays as one output with two forms: `text/html` (a container the book's own charts.js
draws, with the chart's data as a table beneath it) and `image/svg+xml` for the PDF (Typst, which refuses
PDF images in PDF/UA mode): a print variant of the same spec and data (no interaction, a layout and type sizes
for the printed page), drawn by vl-convert. The PDF takes the alternative text and the data table from the
text/html form (cjreport/sphinx_ext/typst_pdf.py).
"""

from __future__ import annotations

import html
import json
import os
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert

from cjreport.data.evidence import Evidence, load
from cjreport.views.markup import for_book
from cjreport.views.present import implied_mark, reference_numbers, source_name
from cjreport.views.style import stance_colour, stance_symbol
from cjreport.data.quotations import fold
from cjreport.analysis.vocab import distinctive_words
from cjreport.wording import possessive

VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
# Okabe & Ito's colour-blind-safe palette; every chart also labels its marks in text.
SOURCE_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
# On screen no text is smaller than 11 px (the floor is 10 px). Colours that differ between the light
# and the dark page live here, in the config, not on the marks: the lines between cells (rect stroke), the
# chronology's column rules, the heat map's ramp (zero is a neutral grey, not a tint of blue).
SCREEN_CONFIG = {
    "background": "white",
    "axis": {"labelFontSize": 11, "titleFontSize": 11},
    "legend": {"labelFontSize": 11, "titleFontSize": 11},
    "header": {"labelFontSize": 11, "titleFontSize": 11},
    "title": {"fontSize": 14, "subtitleFontSize": 11, "anchor": "start"},
    "view": {"stroke": None},
    "rect": {"stroke": "white"},
    "rule": {"color": "#dddddd"},
    "range": {"heatmap": ["#f2f2f2", "#08519c"]},
}
# The dark page's theme, merged over SCREEN_CONFIG by charts.js when the reader's page is dark: light text
# and dark gridlines on the page's own dark background; the stance and source colours stay (Okabe & Ito's
# palette reads on dark as on white), the heat map runs from a dark neutral grey to a light blue.
DARK_BACKGROUND = "#14181e"  # pydata-sphinx-theme's dark --pst-color-background
DARK_TEXT = "#e6e6e6"
DARK_CONFIG = {
    "background": DARK_BACKGROUND,
    "title": {"color": DARK_TEXT, "subtitleColor": DARK_TEXT},
    "axis": {"labelColor": DARK_TEXT, "titleColor": DARK_TEXT, "gridColor": "#3a3f47", "domainColor": "#8a8f98",
             "tickColor": "#8a8f98"},
    "legend": {"labelColor": DARK_TEXT, "titleColor": DARK_TEXT},
    "header": {"labelColor": DARK_TEXT, "titleColor": DARK_TEXT},
    "text": {"color": DARK_TEXT},
    "rect": {"stroke": DARK_BACKGROUND},
    "rule": {"color": "#3a3f47"},
    "range": {"heatmap": ["#2b2b2b", "#9ecae1"]},
}
# Where the matrix's stances are written out in words: book/tables.md, "Every question and every source".
STANCES_IN_WORDS = "“Every question and every source, in words” in Appendix: evidence, timing and robustness"
# Width of the chart's box below which the narrow (phone) layout is drawn; matches charts.js.
NARROW_PX = 560


@dataclass(frozen=True)
class Figure:
    """One chart: a wide layout for screens, an optional narrow one for phones, and its data as a table.

    Screen layouts size themselves to their column (`width="container"`); charts.js picks the layout that
    fits the column and swaps it when the column crosses NARROW_PX.
    """

    chart: alt.TopLevelMixin
    name: str
    alt_text: str
    data: pd.DataFrame
    narrow: alt.TopLevelMixin | None = None
    printed: alt.TopLevelMixin | None = None  # a layout of its own for the PDF (default: chart or narrow)
    # Where the PDF finds this chart's data, when a table of the book already prints it (a sentence). The PDF then
    # prints that pointer under the chart instead of the data table: the stance matrix's table ran to eight
    # pages and repeated the appendix's table of every stance in words. The HTML keeps its table either way.
    data_printed_in: str | None = None

    def spec(self, chart: alt.TopLevelMixin | None = None) -> dict:
        # Vega-Lite's description becomes the SVG's aria-label, so the drawn chart is labelled too.
        spec = (chart or self.chart).properties(description=self.alt_text).to_dict()
        # Fit the whole chart (axis labels, legend, title included) into the column's width, not just the plot.
        spec.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
        config = spec.setdefault("config", {})
        for key, value in SCREEN_CONFIG.items():
            config[key] = {**value, **config.get(key, {})} if isinstance(value, dict) else config.get(key, value)
        return spec

    def svg(self) -> str:
        """The print variant (see print_spec below) as SVG: the PDF edition's form of the chart."""
        return vl_convert.vegalite_to_svg(print_spec(self), vl_version=VL_VERSION)

    def html(self) -> str:
        def script(spec: dict, cls: str) -> str:
            # "</" would end the script element early: JSON allows "<\/" for it.
            text = json.dumps(spec, ensure_ascii=False, sort_keys=True).replace("</", "<\\/").replace("<!--", "<\\!--")
            return f'<script type="application/json" class="{cls}">{text}</script>'

        wide = self.spec()
        specs = script(wide, "cj-chart-spec") + script(DARK_CONFIG, "cj-chart-config-dark")
        if self.narrow is not None:
            specs += script(_without_shared_data(self.spec(self.narrow), wide), "cj-chart-spec-narrow")
        table = self.data.to_html(index=False, border=0, classes="cj-chart-data", escape=True)
        alt_text = html.escape(self.alt_text, quote=True)
        # role=figure, not img: the chart holds controls (dropdowns) that must stay reachable. The data table
        # is the keyboard and screen-reader path to everything a tooltip shows; on a phone it scrolls inside
        # a labelled region rather than widening the page.
        elsewhere = (f' data-printed-in="{html.escape(self.data_printed_in, quote=True)}"'
                     if self.data_printed_in else "")
        return (f'<div class="cj-chart" id="chart-{self.name}" role="figure" aria-label="{alt_text}"{elsewhere}>'
                f'<div class="cj-chart-canvas"></div>{specs}</div>'
                f'<details class="cj-chart-table"><summary>The data behind this chart, as a table</summary>'
                f'<div class="cj-scroll" role="region" tabindex="0" aria-label="Data behind the chart ({html.escape(self.name)}); '
                f'scrolls sideways on narrow screens">{table}</div></details>')

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict | tuple[dict, dict]:
        if for_book():
            return {"text/html": self.html(), "image/svg+xml": self.svg(),
                    "text/plain": f"Chart: {self.alt_text}"}
        # In Jupyter: the same chart as Altair's JupyterChart widget, whose JavaScript is vl-convert's offline
        # Vega bundle (no CDN); JupyterLab draws it through anywidget, with the chart's selections and tooltips.
        _offline_jupyter_chart()
        widget = alt.JupyterChart(self.jupyter_chart())
        bundle = widget._repr_mimebundle_(include=include, exclude=exclude)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        return {**data, "text/plain": f"Chart: {self.alt_text}"}, metadata

    def jupyter_chart(self) -> alt.TopLevelMixin:
        """The book's screen spec as an Altair chart with a fixed width: a widget's box in JupyterLab is only
        as wide as its content, so a chart sized to its container would shrink to nothing."""
        spec = self.spec()
        _fix_width(spec, JUPYTER_WIDTH)
        kinds = {"layer": alt.LayerChart, "hconcat": alt.HConcatChart, "vconcat": alt.VConcatChart,
                 "concat": alt.ConcatChart, "facet": alt.FacetChart, "repeat": alt.RepeatChart}
        cls = next((c for key, c in kinds.items() if key in spec), alt.Chart)
        return cls.from_dict(spec)


JUPYTER_WIDTH = 720  # a notebook's output column at JupyterLab's default layout, 1280 px wide


def _without_shared_data(narrow: dict, wide: dict) -> dict:
    """The narrow spec less the datasets the wide spec already carries, which charts.js gives back to it.

    Both layouts of a chart usually draw the same rows, and Altair names a dataset by a hash of its rows, so the
    two specs name the same dataset: written into the page once, not twice. The stance matrix's 105 cells with
    their quotations, twice, took the synthesis page over its 300 KB target (cjreport/audit.py). The wide spec
    stays whole: the downloads draw it as it is (cjreport/exports/portable.py). The data stays in the page,
    as a book opened from disk (file://) may fetch no other file."""
    shared = wide.get("datasets", {})
    own = {name: rows for name, rows in narrow.get("datasets", {}).items() if shared.get(name) != rows}
    slim = {key: value for key, value in narrow.items() if key != "datasets"}
    return {**slim, "datasets": own} if own else slim


def _picker(field: str, name: str, options: list[str], everything: str, prompt: str):
    """A drop-down that highlights one value of `field` (None, shown as `everything`, highlights all)."""
    return alt.selection_point(fields=[field], name=name,
                               bind=alt.binding_select(options=[None, *options], labels=[everything, *options],
                                                       name=prompt))


def _fix_width(spec: dict, width: int) -> None:
    """Replace container-relative widths by a fixed one, for renderers with no page to measure."""
    if spec.get("width") == "container":
        spec["width"] = width
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key, []):
            _fix_width(sub, width)
    if isinstance(spec.get("spec"), dict):
        _fix_width(spec["spec"], width)


def _offline_jupyter_chart() -> None:
    """Altair's JupyterChart with vl-convert's offline bundle. Bundling takes 3–5 s in every kernel, so the
    bundle is kept in the user's cache, keyed by the Altair and vl-convert versions that made it."""
    if alt.JupyterChart._is_offline:
        return
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cjreport"
    bundle = cache / f"jupyterchart-altair{alt.__version__}-vlconvert{vl_convert.__version__}.js"
    if bundle.exists():
        alt.JupyterChart._esm = bundle.read_text(encoding="utf-8")
        alt.JupyterChart._is_offline = True
        return
    alt.JupyterChart.enable_offline()
    try:
        cache.mkdir(parents=True, exist_ok=True)
        partial = bundle.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(alt.JupyterChart._esm, encoding="utf-8")
        partial.replace(bundle)  # atomic: two kernels may write at once
    except OSError:
        pass  # a read-only home: bundle again next time


# Vega expression: white text reads better than black on the colour the named scale gives the value (WCAG
# contrast, Vega's contrast()); the text on a coloured cell follows its cell in either colour mode.
_WHITE_READS_BETTER = "contrast('white', scale('{scale}', {value})) > contrast('black', scale('{scale}', {value}))"


def _ev(evidence: Evidence | None) -> Evidence:
    return evidence or load()


def _source_scale(ev: Evidence) -> alt.Scale:
    names = [source_name(s, ev) for s in ev.sources]
    return alt.Scale(domain=names, range=[SOURCE_COLOURS[i % len(SOURCE_COLOURS)] for i in range(len(names))])


def _source_axis(narrow: bool) -> alt.Axis:
    """Source names across the top: level on a wide column, upright on a phone so five names fit their columns."""
    return alt.Axis(orient="top", labelAngle=-90 if narrow else 0, labelAlign="left" if narrow else "center",
                    labelBaseline="middle" if narrow else "bottom", labelPadding=4, domain=False, ticks=False)


def stance_frame(evidence: Evidence | None = None) -> pd.DataFrame:
    ev = _ev(evidence)
    rows = []
    for theme in ev.codebook.themes:
        for question in theme.questions:
            for sid in ev.sources:
                code = ev.coding[(question.id, sid)]
                first = ev.quotations[code.quotations[0]] if code.quotations else None
                implied = bool(implied_mark(question.id, sid, ev))
                rows.append({"theme": theme.short, "question": question.label, "proposition": question.proposition,
                             "source": source_name(sid, ev), "stance": ev.codebook.stance(code.stance).label,
                             # an inferred position carries an asterisk: a 44th reading found the matrix, the
                             # figure most readers look at, showing the coders' inferences as stated positions
                             "mark": stance_symbol(code.stance) + ("*" if implied else ""),
                             "implied": "yes" if implied else "no",
                             "rationale": code.rationale,
                             "quotation": fold(first.text).strip() if first else "—",
                             "speaker": first.speaker if first else "—"})
    return pd.DataFrame(rows)


def stance_matrix(evidence: Evidence | None = None) -> Figure:
    """Questions × sources, coloured by stance and marked with a symbol; the tooltip shows the quotation."""
    ev = _ev(evidence)
    df = stance_frame(ev)
    stances = list(ev.codebook.stances)
    colour = alt.Scale(domain=[s.label for s in stances],
                       range=[stance_colour(s.id) for s in stances])
    themes = [t.short for t in ev.codebook.themes]
    sources = [source_name(s, ev) for s in ev.sources]

    def layout(narrow: bool) -> alt.LayerChart:
        pick = _picker("theme", "theme_pick", themes, "All themes", "Highlight a theme: ")
        base = alt.Chart(df).encode(
            x=alt.X("source:N", title=None, sort=sources, axis=_source_axis(narrow)),
            y=alt.Y("question:N", title=None, sort=list(df["question"].drop_duplicates()),
                    axis=alt.Axis(domain=False, ticks=False)),
            tooltip=[alt.Tooltip("proposition:N", title="Question"), alt.Tooltip("source:N", title="Source"),
                     alt.Tooltip("stance:N", title="Stance"), alt.Tooltip("implied:N", title="Implied"),
                     alt.Tooltip("rationale:N", title="Why"),
                     alt.Tooltip("quotation:N", title="Quotation"), alt.Tooltip("speaker:N", title="Speaker")],
        )
        cells = base.mark_rect(strokeWidth=2).encode(
            color=alt.Color("stance:N", scale=colour, title="Stance",
                            legend=alt.Legend(orient="bottom", direction="horizontal", columns=1 if narrow else 3)),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.15)),
        ).add_params(pick)
        # each symbol white or black, whichever has the more contrast with its cell's colour (black on orange
        # 5.4:1 where white had 3.9:1)
        marks = base.mark_text(fontSize=14).encode(
            text="mark:N", opacity=alt.condition(pick, alt.value(1.0), alt.value(0.15)),
            color=alt.condition(_WHITE_READS_BETTER.format(scale="color", value="datum.stance"),
                                alt.value("white"), alt.value("black")))
        return (cells + marks).properties(
            width="container", height=alt.Step(24),
            title=alt.Title(["Stance of each source", "on each contested question"] if narrow
                            else "Stance of each source on each contested question",
                            subtitle=["+ supports  ± qualified  − opposes", "R reports only  · not addressed",
                                      "* implied: inferred by the coders"] if narrow
                            else ["Symbols: + supports, ± qualified, − opposes, R reports only, · not addressed;",
                                  "* implied: inferred by the coders, not stated"]),
        )

    return Figure(layout(False), "stance-matrix",
                  f"Matrix of {df['question'].nunique()} questions by {len(ev.sources)} sources, each cell coloured and "
                  f"marked by the source's stance, an asterisk marking a position the coders infer; the same stances are "
                  f"written out in the table {STANCES_IN_WORDS}.",
                  df[["theme", "question", "source", "stance", "implied", "speaker", "quotation"]], narrow=layout(True),
                  data_printed_in=f"the table {STANCES_IN_WORDS} gives every stance in words, and each theme "
                                  "chapter the words of the source behind it")


def theme_words(evidence: Evidence | None = None) -> pd.DataFrame:
    """Per source and theme: quotations, and the share of the source's body words in segments assigned to the
    theme (data/segments.yaml: every body paragraph is a segment; a paragraph on two themes counts for both)."""
    ev = _ev(evidence)
    if not ev.segments:
        raise ValueError("data/segments.yaml is needed: the coverage counts come from the segment coding")
    rows = []
    for sid in ev.sources:
        segments = [seg for seg in ev.segments if seg.source == sid]
        words = {seg.id: len(ev.sources[sid].text[seg.start:seg.end].split()) for seg in segments}
        body = sum(words.values()) or 1
        count = Counter(q.theme for q in ev.quotes_for(source=sid))
        for theme in ev.codebook.themes:
            on_theme = sum(words[seg.id] for seg in segments if theme.id in seg.themes)
            rows.append({"source": source_name(sid, ev), "theme": theme.short, "quotations": count[theme.id],
                         "body words": on_theme, "share of body (%)": round(100 * on_theme / body, 1)})
    return pd.DataFrame(rows)


def coverage(evidence: Evidence | None = None) -> Figure:
    ev = _ev(evidence)
    df = theme_words(ev)
    order = [t.short for t in ev.codebook.themes]
    names = [source_name(s, ev) for s in ev.sources]

    def layout(narrow: bool) -> alt.Chart:
        pick = _picker("source", "source_pick", names, "All sources", "Highlight a source: ")
        return alt.Chart(df).mark_bar().encode(
            y=alt.Y("theme:N", sort=order, title=None),
            yOffset=alt.YOffset("source:N", sort=names),
            x=alt.X("share of body (%):Q", title="% of the source’s body" if narrow
                    else "Share of the source’s article body on the theme (%)"),
            color=alt.Color("source:N", scale=_source_scale(ev), title="Source",
                            legend=alt.Legend(orient="bottom", direction="horizontal", columns=2 if narrow else 5)),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.2)),
            tooltip=["source:N", "theme:N", alt.Tooltip("share of body (%):Q", title="Share of body (%)"),
                     alt.Tooltip("body words:Q", title="Body words"), "quotations:Q"],
        ).add_params(pick).properties(
            width="container", height=alt.Step(9),
            title=alt.Title(["How much each source", "says on each theme"] if narrow
                            else "How much each source says on each theme",
                            subtitle=["Every body paragraph is coded; one on", "two themes counts for both.",
                                      "Pick a source below to highlight it"] if narrow
                            else ["Every body paragraph is coded; one on two themes counts for both",
                                  "Pick a source below the chart to highlight it"]))

    return Figure(layout(False), "coverage",
                  "Grouped bar chart: per theme, the share of each source's article body in paragraphs coded to the "
                  "theme, one bar per source; the table below gives the shares, the words and the quotations per theme.",
                  df, narrow=layout(True))


# The screen chronology (timeline): px per line of its 11 px labels, px between events, characters a line holds
# (at the narrowest box of each layout: 560 px wide, with the labels in the left TIMELINE_LABEL_SHARE; 288 px on
# a 320 px phone), and the share of the width the labels take on a wide column.
TIMELINE_LINE = 13
TIMELINE_GAP = 9
TIMELINE_WRAP_WIDE = 50
TIMELINE_WRAP_NARROW = 44
TIMELINE_LABEL_SHARE = 0.6


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def timeline(evidence: Evidence | None = None) -> Figure:
    """The chronology as rows in date order, one column per source: empty decades take no room."""
    ev = _ev(evidence)
    names = [source_name(s, ev) for s in ev.sources]
    refs = reference_numbers(ev)  # quotations by their short reference (Q12), as the index and appendix show them
    rows = []
    for e in ev.events:
        for sid in e.sources:
            rows.append({"date": e.date, "kind": "event", "event": e.event, "source": source_name(sid, ev),
                         "mentioned by": ", ".join(source_name(s, ev) for s in e.sources),
                         "quotations": " ".join(refs[q] for q in e.quotations if ev.quotations[q].source == sid) or "—"})
    for s in ev.sources.values():
        inferred = f" ({s.date_mark})" if s.date_mark else ""
        rows.append({"date": s.date, "kind": "publication", "event": f"{possessive(source_name(s.id, ev))} text appears{inferred}",
                     "source": source_name(s.id, ev), "mentioned by": f"dating: {s.date_status}",
                     "quotations": "—"})
    df = pd.DataFrame(rows).sort_values(["date", "kind"], kind="stable").reset_index(drop=True)
    # Labels are shortened here, not by Vega's labelLimit, whose text measuring costs a second per render.
    df["row wide"] = [f"{d} · {_shorten(t, 52)}" for d, t in zip(df["date"], df["event"])]
    df["row narrow"] = [f"{d[:7]} {_shorten(t, 24)}" for d, t in zip(df["date"], df["event"])]

    def layout(narrow: bool) -> alt.LayerChart:
        field = "row narrow" if narrow else "row wide"
        order = list(df[field].drop_duplicates())
        base = alt.Chart(df).encode(
            x=alt.X("source:N", sort=names, title=None, axis=_source_axis(narrow)),
            y=alt.Y(f"{field}:N", sort=order, title=None, axis=alt.Axis(domain=False, ticks=False, labelLimit=0)),
            tooltip=[alt.Tooltip("date:N", title="Date as stated"), alt.Tooltip("event:N", title="Event"),
                     alt.Tooltip("mentioned by:N", title="Mentioned by"), alt.Tooltip("quotations:N", title="Quotations")],
        )
        grid = alt.Chart(df).mark_rule().encode(x=alt.X("source:N", sort=names))
        marks = base.mark_point(filled=True, size=110, opacity=1).encode(
            color=alt.Color("source:N", scale=_source_scale(ev), legend=None),
            shape=alt.Shape("kind:N", scale=alt.Scale(domain=["event", "publication"], range=["circle", "square"]),
                            legend=None),
        )
        return (grid + marks).properties(
            width="container", height=alt.Step(22),
            title=alt.Title(["Dated events the sources mention,", "in date order"] if narrow
                            else "Dated events the sources mention, in date order",
                            subtitle=["In date order, not to scale: empty decades", "take no room. ● mentions the event,",
                                      "■ the source appears"] if narrow
                            else ["Rows are in date order, not to scale: gaps of decades take no room",
                                  "● the source mentions the event  ■ the source appears"]))

    def screen(narrow: bool) -> alt.LayerChart:
        """On screen each event's whole text, wrapped (rows as tall as their text; Vega's y in px): on a wide
        column beside the source columns, on a phone above its row of marks, across the full width."""
        wrap = TIMELINE_WRAP_NARROW if narrow else TIMELINE_WRAP_WIDE
        blocks, y = [], 0
        for (date, kind, event), _ in df.groupby(["date", "kind", "event"], sort=False):
            lines = textwrap.wrap(f"{date} · {event}", wrap)
            text_h = len(lines) * TIMELINE_LINE
            mark_y = y + text_h + TIMELINE_LINE // 2 if narrow else y + min(text_h, 2 * TIMELINE_LINE) // 2
            blocks.append({"date": date, "kind": kind, "event": event, "lines": lines, "top": y, "mark y": mark_y})
            y += text_h + (TIMELINE_LINE + TIMELINE_GAP if narrow else TIMELINE_GAP)
        where = pd.DataFrame(blocks)
        # the printed layout's row labels are no part of the screen's: left out of the page's data
        marks_df = df.drop(columns=["row wide", "row narrow"]).merge(where[["date", "kind", "event", "mark y"]],
                                                                     on=["date", "kind", "event"], how="left")
        # the source columns: right of the labels on a wide column, the full width on a phone
        x_range = [0, {"expr": "width"}] if narrow else [{"expr": f"width * {TIMELINE_LABEL_SHARE}"}, {"expr": "width"}]
        x = alt.X("source:N", sort=names, title=None, axis=_source_axis(narrow),
                  scale=alt.Scale(domain=names, range=x_range))
        labels = alt.Chart(where).mark_text(align="left", baseline="top", fontSize=11, lineHeight=TIMELINE_LINE).encode(
            text="lines", x=alt.value(0), y=alt.Y("top:Q", scale=None))
        tooltip = [alt.Tooltip("date:N", title="Date as stated"), alt.Tooltip("event:N", title="Event"),
                   alt.Tooltip("mentioned by:N", title="Mentioned by"), alt.Tooltip("quotations:N", title="Quotations")]
        dots = alt.Chart(marks_df).mark_point(filled=True, size=110, opacity=1).encode(
            x=x, y=alt.Y("mark y:Q", scale=None), tooltip=tooltip,
            color=alt.Color("source:N", scale=_source_scale(ev), legend=None),
            shape=alt.Shape("kind:N", scale=alt.Scale(domain=["event", "publication"], range=["circle", "square"]),
                            legend=None))
        layers = [labels, dots] if narrow else [alt.Chart(marks_df).mark_rule().encode(x=x), labels, dots]
        return alt.layer(*layers).properties(
            width="container", height=y,
            title=alt.Title(["Dated events the sources mention,", "in date order"] if narrow
                            else "Dated events the sources mention, in date order",
                            subtitle=["In date order, not to scale: empty decades", "take no room. ● mentions the event,",
                                      "■ the source appears"] if narrow
                            else ["Rows are in date order, not to scale: gaps of decades take no room",
                                  "● the source mentions the event  ■ the source appears"]))

    table = df[["date", "event", "source", "quotations"]].rename(columns={"source": "mentioned by"})
    first, last = df["date"].iloc[0], df["date"].iloc[-1]
    return Figure(screen(False), "timeline",
                  f"Chronology of {len(ev.events)} dated events the sources mention, from {first} to {last}, in date "
                  "order with one column per source and a dot where that source mentions the event; squares mark when "
                  "each source appeared.", table, narrow=screen(True), printed=layout(False))


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
    # One view (so it can take its column's width): a row per source and word, grouped by source.
    plot = df.assign(row=[f"{s}|{w}" for s, w in zip(df["source"], df["word"])],
                     order=[names.index(s) * 1000 + r for s, r in zip(df["source"], df["rank"])])

    def layout(narrow: bool) -> alt.Chart:
        pick = _picker("source", "vocab_pick", names, "All sources", "Show one source: ")
        return alt.Chart(plot).mark_bar().encode(
            x=alt.X("z:Q", title="z-score (source vs the rest)" if narrow else "z-score of the log-odds ratio (source vs the rest)"),
            y=alt.Y("row:N", sort=alt.EncodingSortField("order"), title=None,
                    axis=alt.Axis(labelExpr="split(datum.label, '|')[1]", ticks=False)),
            color=alt.Color("source:N", scale=_source_scale(ev), title="Source",
                            legend=alt.Legend(orient="bottom", direction="horizontal", columns=2 if narrow else 5)),
            tooltip=["source:N", "word:N", "count:Q", "log-odds:Q", "z:Q"],
        ).transform_filter(pick).add_params(pick).properties(
            width="container", height=alt.Step(15),
            title=alt.Title(["The words most distinctive", "of each source"] if narrow
                            else "The words most distinctive of each source",
                            subtitle=("Log-odds ratio, informative Dirichlet prior;", "short texts give noisy estimates")
                            if narrow else "Log-odds ratio with an informative Dirichlet prior; short texts give noisy estimates"))

    return Figure(layout(False), "vocabulary",
                  f"Bar chart of the {top} most distinctive words of each source's article body, by z-score, grouped and "
                  "coloured by source; the table below lists word, count, log-odds and z.", df, narrow=layout(True))


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

    def layout(narrow: bool) -> alt.LayerChart:
        pick = _picker("kind", "kind_pick", kinds, "All kinds", "Kind of actor: ")
        base = alt.Chart(df).encode(
            x=alt.X("source:N", sort=names, title=None, axis=_source_axis(narrow)),
            y=alt.Y("actor:N", sort=keep, title=None, axis=alt.Axis(domain=False, ticks=False)),
            tooltip=["actor:N", "kind:N", "source:N", "mentions:Q"],
        ).transform_filter(pick)
        # the ramp is the config's range "heatmap" (SCREEN_CONFIG, DARK_CONFIG): zero cells neutral grey
        heat = base.mark_rect().encode(
            color=alt.Color("mentions:Q", scale=alt.Scale(zero=True), title="Mentions",
                            legend=alt.Legend(orient="bottom", gradientLength=160)))
        text = base.mark_text(fontSize=11).encode(
            text="mentions:Q", color=alt.condition(_WHITE_READS_BETTER.format(scale="color", value="datum.mentions"),
                                                   alt.value("white"), alt.value("black")))
        return (heat + text).add_params(pick).properties(
            width="container", height=alt.Step(20),
            title=alt.Title(["Who is named: mentions of", "actors in each article body"] if narrow
                            else "Who is named: mentions of actors in each article body",
                            subtitle=("Counts of the name forms in data/actors.yaml", "each cell shows its count") if narrow
                            else "Counts of name forms listed in data/actors.yaml; each cell shows its count"))

    return Figure(layout(False), "actors",
                  f"Heat map of mentions of {len(keep)} actors across {len(names)} sources, each cell printed with its count; "
                  "the table below gives the counts.", df[df["mentions"] > 0], narrow=layout(True))


# --- Print: the PDF edition's variant of each chart ---------------------------------------------------------
# Typst draws an SVG px as a PDF pt, at the chart's own size. The print variant is the screen spec fitted (autosize fit-x) to exactly the text block's width,
# so it prints at its own size and its text at the sizes set here: the same data and marks, without
# interaction, with the narrow (phone) layout where the wide one needs a wider page than A4.
PRINT_WIDTH_PT = 451    # the PDF's text width: A4 (595 pt) less one-inch margins (book/_typst/cjreport.typ)
PRINT_FONT_PT = 9       # smallest chart text on paper (the tests require at least 7 pt)
# Chart text in a face the PDF uses for nothing else (tests/test_pdf.py tells chart text by it), from Debian's
# fonts-dejavu-core, which every Debian system has.
PRINT_FONT = "DejaVu Sans"
PRINT_CONFIG = {
    "axis": {"labelFontSize": PRINT_FONT_PT, "titleFontSize": PRINT_FONT_PT},
    "legend": {"labelFontSize": PRINT_FONT_PT, "titleFontSize": PRINT_FONT_PT},
    "header": {"labelFontSize": PRINT_FONT_PT, "titleFontSize": PRINT_FONT_PT},
    "title": {"fontSize": PRINT_FONT_PT + 2, "subtitleFontSize": PRINT_FONT_PT},
}
# Row heights on paper (pt): tall enough for 9 pt labels, short enough that a chart shares its page with text.
# The stance matrix at 14 pt fits below its chapter's opening paragraphs (at 17 pt it left 60% of that page blank).
PRINT_STEPS = {"stance-matrix": 14, "coverage": 7, "timeline": 20, "vocabulary": 11, "actors": 12}
# Charts whose source columns are too narrow on paper for level names: names upright, as on a phone.
PRINT_UPRIGHT_SOURCES = {"timeline"}
SCREEN_ONLY_WORDS = ("click", "hover", "tap", "drag", "scroll", "zoom", "pick", "select")


def _static(node):
    """The spec without interaction: selection parameters, the filters they drive, and conditions on them
    (a channel keeps the value it has when everything is selected). Tooltips draw nothing on paper."""
    if isinstance(node, list):
        return [_static(item) for item in node]
    if not isinstance(node, dict):
        return node
    condition = node.get("condition")
    if isinstance(condition, dict) and "param" in condition:
        return _static({k: v for k, v in condition.items() if k not in ("param", "empty")})
    out = {}
    for key, value in node.items():
        if key in ("params", "tooltip"):
            continue
        if key == "transform":
            value = [t for t in value if not (isinstance(t.get("filter"), dict) and "param" in t["filter"])]
            if not value:
                continue
        out[key] = _static(value)
    return out


def _screen_words_out(spec: dict) -> None:
    """Drop a subtitle line that tells a screen reader what to click, hover, drag or scroll."""
    def visit(d):
        title = d.get("title")
        if isinstance(title, dict) and "subtitle" in title:
            lines = title["subtitle"] if isinstance(title["subtitle"], list) else [title["subtitle"]]
            kept = [line for line in lines if not any(w in line.lower() for w in SCREEN_ONLY_WORDS)]
            if kept:
                title["subtitle"] = kept if len(kept) > 1 else kept[0]
            else:
                title.pop("subtitle")
    _walk(spec, visit)


def _walk(node, visit):
    """Call visit on every dict of a spec (views, layers, encodings), depth first."""
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for item in node:
            _walk(item, visit)


def _print_timeline_labels(spec: dict) -> None:
    """The chronology on paper: a taller layout whose rows give each event over two lines, not cut to one. An
    inferred date (the event's text ends "(year inferred)" or "(month inferred)"; a source's "(date inferred)")
    says so right after the date, where a label cut short still shows it; the full text of every label is in
    the table printed under the chart."""
    import re
    import textwrap

    relabel = {}
    for rows in spec.get("datasets", {}).values():
        for row in rows:
            if "row wide" in row and "event" in row:
                found = re.search(r"\s*\(((?:year|month|date) inferred)\)\.?$", row["event"])
                event = row["event"][: found.start()] if found else row["event"]
                date = f"{row['date']} ({found.group(1)})" if found else row["date"]
                lines = textwrap.wrap(f"{date} · {event}", 62)
                text = "|".join(lines[:2]) + ("…" if len(lines) > 2 else "")
                relabel[row["row wide"]] = text
                row["row wide"] = text

    def visit(d):
        if d.get("field") == "row wide" and isinstance(d.get("sort"), list):
            d["sort"] = [relabel.get(v, v) for v in d["sort"]]
            d["axis"] = {**(d.get("axis") or {}), "labelExpr": "split(datum.label, '|')", "labelLineHeight": 10}
    _walk(spec, visit)


PRINT_RELAYOUT = {"timeline": _print_timeline_labels}


def print_spec(figure: Figure) -> dict:
    """The print variant of a figure: the same data and marks, without interaction, fitted to the page."""
    spec = _static(figure.spec(figure.printed or figure.chart))
    # the heat map keeps its printed ramp
    spec.setdefault("config", {})["range"] = {"heatmap": {"scheme": "blues"}}
    _fix_width(spec, PRINT_WIDTH_PT)
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    _screen_words_out(spec)
    if figure.name in PRINT_UPRIGHT_SOURCES:
        _walk(spec, lambda d: d["axis"].update(labelAngle=-90, labelAlign="left", labelBaseline="middle")
              if d.get("field") == "source" and isinstance(d.get("axis"), dict) and d["axis"].get("orient") == "top"
              else None)
    if figure.name in PRINT_RELAYOUT:
        PRINT_RELAYOUT[figure.name](spec)
    step = PRINT_STEPS.get(figure.name)
    if step:
        _walk(spec, lambda d: d.__setitem__("height", {"step": step})
              if isinstance(d.get("height"), dict) and "step" in d["height"] else None)
        # text marks in the cells (the matrix's symbols, the heat map's counts) no taller than their row
        _walk(spec, lambda d: d.__setitem__("fontSize", step - 1)
              if d.get("type") == "text" and d.get("fontSize", 0) > step - 1 else None)
    config = spec.setdefault("config", {})
    for group, values in PRINT_CONFIG.items():
        config[group] = {**config.get(group, {}), **values}
    config["font"] = PRINT_FONT
    return spec
