"""The ipywidgets explorer, driven headlessly: set widget values, read what it shows."""

from __future__ import annotations

from cjreport.views.explorer import ALL, QuotationExplorer


def test_starts_with_everything(evidence):
    ex = QuotationExplorer(evidence)
    assert len(ex.matches()) == len(evidence.quotations)
    assert ex.count.value == f"{len(evidence.quotations)} of {len(evidence.quotations)} quotations"


def test_filters_combine(evidence):
    ex = QuotationExplorer(evidence)
    ex.source.value = "000"
    assert {q.source for q in ex.matches()} == {"000"}
    ex.theme.value = "territory"
    found = ex.matches()
    assert found and all(q.theme == "territory" and q.source == "000" for q in found)
    assert ex.count.value.startswith(f"{len(found)} of")
    assert all(f'href="appendix.html#{q.id}"' in ex.results.value for q in found)


def test_speaker_and_stance(evidence):
    ex = QuotationExplorer(evidence)
    reported = next(q for q in evidence.quotations.values() if q.voice == "reported")
    ex.speaker.value = reported.speaker
    assert all(q.speaker == reported.speaker for q in ex.matches())
    ex.speaker.value = ALL
    ex.stance.value = "opposes"
    expected = {qid for c in evidence.coding.values() if c.stance == "opposes" for qid in c.quotations}
    assert {q.id for q in ex.matches()} == expected


def test_free_text_and_no_match(evidence):
    ex = QuotationExplorer(evidence)
    ex.text.value = "senkaku"
    found = ex.matches()
    assert found and all("senkaku" in q.text.lower() for q in found)
    ex.text.value = "zzzz no such words"
    assert ex.matches() == [] and "No quotation matches" in ex.results.value
