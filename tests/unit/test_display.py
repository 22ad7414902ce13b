"""Every display object has two renderings from one call: MyST for the book, HTML for JupyterLab.

The HTML form must show no MyST source (JupyterLab would print it as text); the book's form must be the
object's MyST unchanged; under the book's build (CJREPORT_TARGET=book) the HTML form is not even made.
"""

from __future__ import annotations

import inspect
import json
import re

import pytest
from bs4 import BeautifulSoup

from cjreport.views import charts, present
from cjreport.views.markup import Markdown

RAW_MYST = re.compile(r"\{(cite|ref|glue|eval|term|numref|doc|list-table|only|raw|admonition)[}:]|```|:::|\{\.cj-|\]\{\.")


def _objects(ev) -> list[tuple[str, object]]:
    """Every function of present.py that returns a display object, called with the first theme, question,
    quotation and source of the data (found by parameter name, so a new function is covered too)."""
    theme = ev.codebook.themes[0]
    args = {"theme_id": theme.id, "question_id": theme.questions[0].id, "qid": next(iter(ev.quotations)),
            "sid": next(iter(ev.sources)), "term": "alliance"}
    found = []
    for name, fn in inspect.getmembers(present, inspect.isfunction):
        if fn.__module__ != present.__name__ or name.startswith("_"):
            continue
        params = inspect.signature(fn).parameters
        if "evidence" not in params:
            continue
        required = [p for p in params.values() if p.default is inspect.Parameter.empty and p.name != "evidence"]
        if any(p.name not in args for p in required):
            continue
        result = fn(*[args[p.name] for p in required], evidence=ev)
        if isinstance(result, Markdown):
            found.append((name, result))
    found.append(("QuotationIndex", present.QuotationIndex(ev)))
    # the readings and the corpus tables (modules of their own) render through the same Markdown object
    from cjreport.views import readings, sample

    found += [("readings.show", readings.show(theme.id, ev)), ("readings.show same-event", readings.show("same-event", ev)),
              ("sample.composition", sample.composition(ev)), ("sample.reported_voices", sample.reported_voices(ev)),
              ("sample.alone_list", sample.alone_list(ev))]
    return found


@pytest.fixture(scope="module")
def objects(evidence):
    return _objects(evidence)


def test_every_display_object_is_covered(objects):
    names = {n for n, _ in objects}
    assert {"quote", "positions", "stance_table", "appendix", "QuotationIndex"} <= names, names
    assert len(objects) >= 10


def test_html_form_shows_no_myst(objects, monkeypatch):
    monkeypatch.delenv("CJREPORT_TARGET", raising=False)
    for name, obj in objects:
        bundle = obj._repr_mimebundle_()
        html = bundle["text/html"]
        shown = BeautifulSoup(html, "html.parser").get_text(" ")
        raw = RAW_MYST.search(shown)
        assert not raw, f"{name}: MyST source in its HTML form: {shown[max(0, raw.start() - 60):raw.end() + 60]!r}"
        # escape() puts a backslash before punctuation; rendered, none is left
        assert not re.search(r"\\[^\w\s]", shown), f"{name}: a MyST escape shows in its HTML form"
        assert "system-message" not in html and "Unknown interpreted text role" not in shown, name
        markdown = bundle["text/markdown"]
        if "{cite:t}" in markdown:
            assert 'href="../_build/html/book/bibliography.html"' in html, name
        if "{ref}" in markdown:
            assert re.search(r'href="\.\./_build/html/book/[a-z-]+\.html#', html), name


def test_book_form_is_the_myst_unchanged(objects, monkeypatch):
    monkeypatch.setenv("CJREPORT_TARGET", "book")
    for name, obj in objects:
        bundle = obj._repr_mimebundle_()
        assert "text/html" not in bundle, f"{name}: the book's build makes an HTML form it never shows"
        expected = obj.book_markdown().text if name == "QuotationIndex" else obj.text
        assert bundle["text/markdown"] == expected, name


def test_citation_and_crossreference_read_as_text_with_links(evidence, monkeypatch):
    monkeypatch.delenv("CJREPORT_TARGET", raising=False)
    q = next(q for q in evidence.quotations.values() if q.voice == "author")
    source = evidence.sources[q.source]
    soup = BeautifulSoup(present.quote(q.id, evidence).html(), "html.parser")
    attribution = soup.find(class_="cj-attribution")
    assert attribution is not None
    text = " ".join(attribution.get_text(" ").split())
    # author–year as text, whichever form the package cites in: "Roy (2024)", "(Roy, 2024)" or the short
    # attribution "Roy, the author (2024)"
    assert re.search(rf"{re.escape(source.short_name)}(, the authors?)?\W+{source.date[:4]}\b", text), text
    links = {a.get_text(): a["href"] for a in attribution.find_all("a")}
    assert links[source.date[:4]] == "../_build/html/book/bibliography.html"
    assert any(href == f"../_build/html/book/appendix.html#{q.label}" for href in links.values()), links
    assert soup.find("blockquote").get_text(" ").split() == " ".join(q.text.split()).split()


def test_quotation_index_book_form_keeps_the_datatable_for_html_and_the_long_table_for_latex(evidence):
    md = present.QuotationIndex(evidence).book_markdown().text
    html_part, latex_part = md.split("{only} latex")
    assert "{only} html" in html_part and 'class="cj-datatable' in html_part and "{raw} html" in html_part
    assert "{list-table}" in latex_part and "{ref}" in latex_part
    assert max(len(line) for line in md.splitlines()) < 10000  # docutils refuses longer lines


def test_chart_in_jupyter_is_the_offline_altair_widget(monkeypatch):
    import altair as alt

    monkeypatch.delenv("CJREPORT_TARGET", raising=False)
    figure = charts.timeline()
    data, _meta = figure._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert alt.JupyterChart._is_offline
    # a widget's box is as wide as its content: a chart sized to its container would collapse
    assert '"container"' not in json.dumps(figure.jupyter_chart().to_dict())
    # the widget's JavaScript is vl-convert's bundle: nothing is imported from a CDN
    assert not re.search(r"""(import|from)\s*\(?\s*["']https?://""", alt.JupyterChart._esm)


def test_chart_in_the_book_is_html_and_svg(monkeypatch):
    monkeypatch.setenv("CJREPORT_TARGET", "book")
    bundle = charts.timeline()._repr_mimebundle_()
    # SVG (vector) is the PDF's (Typst builder's) form of the chart: see tests/book/test_pdf.py
    assert {"text/html", "image/svg+xml"} <= set(bundle)
    assert bundle["image/svg+xml"].lstrip().startswith("<svg")
    assert "application/vnd.jupyter.widget-view+json" not in bundle


def test_chronology_names_each_source_with_the_grammar_layer(monkeypatch):
    # "CIIS fellows’s text appears" was once written by hand in the chart; every source's name goes through
    # wording.possessive, so a plural name takes the apostrophe alone
    from cjreport import load
    from cjreport.views.present import source_name
    from cjreport.wording import possessive

    monkeypatch.setenv("CJREPORT_TARGET", "book")
    ev = load()
    spec = json.dumps(charts.timeline(ev).chart.to_dict(), ensure_ascii=False)
    for sid in ev.sources:
        name = source_name(sid, ev)
        assert f"{possessive(name)} text appears" in spec
        if possessive(name).endswith("’"):
            assert f"{name}’s text" not in spec


def _chart_scripts(figure) -> dict[str, dict]:
    return {cls: json.loads(text.replace("<\\/", "</")) for cls, text in
            re.findall(r'<script type="application/json" class="([^"]+)">(.*?)</script>', figure.html(), re.S)}


def test_both_layouts_of_a_chart_carry_its_data_once(evidence):
    """The page writes a dataset the wide and narrow layouts share once, in the wide spec; charts.js gives it
    back to the narrow spec (Object.assign, done here with dicts). The stance matrix's rows written twice took
    the synthesis page over its size target."""
    for figure in (charts.stance_matrix(evidence), charts.timeline(evidence)):
        found = _chart_scripts(figure)
        wide, narrow = found["cj-chart-spec"], found["cj-chart-spec-narrow"]
        assert wide == figure.spec(), figure.name  # whole: the downloads draw it as it is
        assert not set(narrow.get("datasets", {})) & set(wide["datasets"]), figure.name
        given_back = {**narrow, "datasets": {**wide["datasets"], **narrow.get("datasets", {})}}
        whole = figure.spec(figure.narrow)
        # (the wide layout's datasets the narrow one never names come along too; Vega-Lite ignores them)
        assert {**given_back, "datasets": {name: given_back["datasets"][name] for name in whole["datasets"]}} == whole
    # the matrix's layouts draw the same rows: none is left in the narrow spec; the chronology's phone layout
    # places its rows differently and keeps its own
    assert "datasets" not in _chart_scripts(charts.stance_matrix(evidence))["cj-chart-spec-narrow"]
    assert _chart_scripts(charts.timeline(evidence))["cj-chart-spec-narrow"]["datasets"]


def test_a_coding_note_keeps_its_reason_whole_around_the_links_it_adds(evidence):
    """A coding note links a quotation its reason already quotes, on the words themselves or, for reported words, right
    after them; taking the links out must give back the reason as written, every space kept (a 29th reading
    found "(Q57)and")."""
    import re

    from cjreport.views import present
    from cjreport.views.markup import escape

    link = re.compile(r" \(\{ref\}`[^`]*`\)")
    words = re.compile(r"\{ref\}`(“[^`<]*”) <[^`>]*>`")  # the author's own words, themselves the link
    linked = 0
    for question in evidence.codebook.questions:
        theme = evidence.codebook.questions[question].theme
        text = present.coding_notes(theme, evidence).text
        for sid in evidence.sources:
            code = evidence.coding[(question, sid)]
            head = f"**{escape(present.position_title(question, sid, evidence))}.** "
            paragraphs = [para.split(" *Cited:* ")[0].removeprefix(head).strip() for para in text.split("\n\n")
                          if para.startswith(head)]
            first = next((para for para in paragraphs
                          if words.sub(lambda m: escape(m.group(1)), link.sub("", para)) == escape(code.rationale)), None)
            assert first is not None, (question, sid)
            linked += first != escape(code.rationale)
    assert linked, "no reason got a link: the test would test nothing"


def test_position_cards_leave_the_reasons_to_the_coding_notes_and_link_there(evidence):
    """The theme chapters' cards show a stance and the words it rests on, never the coder's reason (three blind
    readings found the apparatus inside the chapters the hardest part of the report); every reason is in the
    coding notes, and every question's name in its theme's table links to its notes (a line under every question's
    cards did, 22 times in the report, until a 40th reading)."""
    from cjreport.views import present
    from cjreport.views.markup import escape, ref

    notes = {theme.id: present.coding_notes(theme.id, evidence).text for theme in evidence.codebook.themes}
    cells = 0
    for question in evidence.codebook.questions:
        cards = present.positions(question, evidence).text
        label = evidence.codebook.questions[question].label
        theme = evidence.codebook.questions[question].theme
        assert ref(label, present.notes_label(question)) in present.stance_table(theme, evidence).text, question
        assert present.notes_label(question) not in cards, question
        assert f"({present.notes_label(question)})=" in notes[theme], question
        for sid in evidence.sources:
            code = evidence.coding[(question, sid)]
            title = escape(present.position_title(question, sid, evidence))
            assert f"**{title}.**" in notes[theme], (question, sid)
            # a reason's longest unquoted stretch: in the notes, never in the cards
            stretch = max((s for s in code.rationale.split("“")[0].split("(") if s), key=len).strip()
            assert escape(stretch) in notes[theme], (question, sid)
            assert escape(stretch) not in cards, (question, sid)
            cells += 1
    assert cells == len(evidence.coding)


def test_a_timing_note_marks_a_date_taken_from_outside_the_texts(evidence):
    """A 41st reading found "(December 2022)" printed after the CIIS fellows' "at the end of 2022", unmarked: a date
    that data/events.csv says comes from outside the texts is marked where a timing note prints it, and no other."""
    from dataclasses import replace

    from cjreport.views import support

    events = {e.id: e for e in evidence.events}
    gaps = support.date_gaps(evidence)
    outside = [g for g in gaps if support.dated_from_outside(events[g.event].event)]
    assert outside, "no timing note prints a date from outside the texts: the test would test nothing"
    lines = support.timing_notes(evidence).text.splitlines()
    assert sum(support.OUTSIDE_DATE in line for line in lines) == len(outside), lines
    # and cited, to the work the event's note cites for the date (a 44th reading found it uncited in the report)
    for g in outside:
        note = events[g.event].event
        work = note.split(":")[-1].split(", in the bibliography")[0].strip(" ()")
        assert work and any(f"{support.OUTSIDE_DATE}: {work}" in line for line in lines), (work, lines)
    # the note taken out of the event, its date is no longer marked
    plain = replace(evidence, events=[replace(e, event=e.event.replace("context from outside the texts", "context"))
                                      for e in evidence.events])
    assert support.OUTSIDE_DATE not in support.timing_notes(plain).text
