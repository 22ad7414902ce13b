"""Issue 19, item 2: what each source offers as evidence (data/evidence-kinds.yaml), and which texts predate
which events (publication dates against data/events.csv), as the synthesis chapter shows them."""

from __future__ import annotations

import calendar
import csv
from datetime import date

import pytest
import yaml
from bs4 import BeautifulSoup

from cjreport.views import support
from cjreport.data.quotations import fold
from tests.unit.test_schema import check, edit


def _bounds(text: str) -> tuple[date, date]:
    """Independent of cjreport.support.span: the first and last day a YYYY, YYYY-MM or YYYY-MM-DD date can mean."""
    y, *rest = (int(p) for p in text.split("-"))
    if not rest:
        return date(y, 1, 1), date(y, 12, 31)
    m, *day = rest
    last = day[0] if day else calendar.monthrange(y, m)[1]
    return date(y, m, day[0] if day else 1), date(y, m, last)


@pytest.fixture(scope="module")
def raw(evidence):
    d = evidence.data_dir
    records = yaml.safe_load((d / "sources.yaml").read_text(encoding="utf-8"))
    # in the book's order of sources: of publication, then of id
    sources = {str(s["id"]): s for s in sorted(records, key=lambda s: (str(s["date"]), str(s["id"])))}
    with open(d / "events.csv", encoding="utf-8", newline="") as f:
        events = list(csv.DictReader(f))
    kinds = yaml.safe_load((d / "evidence-kinds.yaml").read_text(encoding="utf-8"))
    quotes = {q["id"]: q for q in yaml.safe_load((d / "quotations.yaml").read_text(encoding="utf-8"))}
    return sources, events, kinds, quotes


def test_spans_and_order():
    assert support.span("2024") == (date(2024, 1, 1), date(2024, 12, 31))
    assert support.span("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert support.order("2022-09-30", "2022-12") == "after"
    assert support.order("2024-08", "2024-07-26") == "before"
    assert support.order("2024-08", "2024-08-20") == "unknown"
    assert support.order("2023-01-08", "2023") == "unknown"


def test_the_timing_table_marks_every_text_written_before_an_event(html_dir, evidence, raw):
    sources, events, *_ = raw
    soup = BeautifulSoup((html_dir / "book" / "tables.html").read_text(encoding="utf-8"), "html.parser")
    table = soup.find(id="table-timing")
    assert table is not None
    rows = table.find("tbody").find_all("tr")
    expected = [e for e in events if any(_bounds(e["date"])[0] > _bounds(s["date"])[1] for s in sources.values())]
    assert len(rows) == len(expected)
    for row, event in zip(rows, sorted(expected, key=lambda e: (e["date"], e["id"]))):
        cells = [fold(td.get_text(" ")) for td in row.find_all("td")][1:]
        for cell, (sid, s) in zip(cells, sources.items()):
            before = _bounds(event["date"])[0] > _bounds(s["date"])[1]
            assert cell.startswith("before") == before, (event["id"], sid, cell)
            assert ("mentions it" in cell) == (sid in event["sources"].split()), (event["id"], sid, cell)


def test_inferred_dates_are_marked_inferred(html_dir, raw):
    sources, *_ = raw
    soup = BeautifulSoup((html_dir / "book" / "tables.html").read_text(encoding="utf-8"), "html.parser")
    header = [fold(th.get_text(" ")) for th in soup.find(id="table-timing").find("thead").find_all("th")][1:]
    for text, s in zip(header, sources.values()):
        assert text.endswith("*") == (s["date_status"] == "inferred"), text
    caption = fold(soup.find(id="table-timing").find("caption").get_text(" "))
    assert ("* a date inferred in whole or in part" in caption) == any(s["date_status"] == "inferred" for s in sources.values())


def test_evidence_tables_count_the_tags_per_source(html_dir, evidence, raw):
    sources, _, kinds, quotes = raw
    soup = BeautifulSoup((html_dir / "book" / "tables.html").read_text(encoding="utf-8"), "html.parser")
    labels = {k["id"]: k["label"] for k in kinds["kinds"]}
    for sid in sources:
        table = soup.find(id=f"table-evidence-{sid}")
        assert table is not None, sid
        rows = {fold(tr.find("td").get_text(" ")): tr for tr in table.find("tbody").find_all("tr")}
        for kind, label in labels.items():
            tagged = [t["quotation"] for t in kinds["tags"] if kind in t["kinds"] and quotes[t["quotation"]]["source"] == sid]
            links = rows[label].find_all("a")
            assert len(links) == len(tagged), (sid, kind)
            for a, qid in zip(links, sorted(tagged, key=lambda q: quotes[q]["start"])):
                assert a["href"].endswith(f"#quote-{qid}") or a["href"].endswith(f"#{qid}"), (sid, kind, qid)
            if not tagged:
                assert "none" in fold(rows[label].get_text(" ")), (sid, kind)


def test_a_tag_on_an_unknown_quotation_is_one_line(data_copy):
    edit(data_copy / "evidence-kinds.yaml", "{quotation: q000-most-trusted,", "{quotation: q000-no-such-thing,")
    message = check(data_copy)
    assert message.startswith("error: data/evidence-kinds.yaml:") and "q000-no-such-thing" in message


def test_an_unknown_kind_is_one_line(data_copy):
    edit(data_copy / "evidence-kinds.yaml", "kinds: [survey]}", "kinds: [rumour]}")
    message = check(data_copy)
    assert message.startswith("error: data/evidence-kinds.yaml:") and "rumour" in message


def test_a_quotation_tagged_twice_is_one_line(data_copy):
    path = data_copy / "evidence-kinds.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - {quotation: q000-most-trusted, kinds: [figure]}\n", encoding="utf-8")
    message = check(data_copy)
    assert message.startswith("error: data/evidence-kinds.yaml:") and "duplicate tagged quotation" in message
