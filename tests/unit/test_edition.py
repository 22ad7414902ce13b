"""The edition setting (cjreport/edition.py): local (the texts in full) or public (only the quoted paragraphs)."""

from __future__ import annotations

import pytest

from cjreport import edition, exports
from cjreport.data import excerpts
from cjreport.data.evidence import load
from cjreport.views import present


def _redact_copy(data_copy, evidence):
    """data_copy's texts as the public wheel carries them."""
    for sid, source in evidence.sources.items():
        (data_copy / "texts" / source.file).write_text(excerpts.redact(source, evidence.quotes_for(source=sid)),
                                                      encoding="utf-8", newline="")
    (data_copy / "texts" / excerpts.REDACTED_NOTE).write_text(excerpts.NOTE, encoding="utf-8")


def test_the_setting_defaults_to_local_and_refuses_a_stranger(monkeypatch):
    monkeypatch.delenv(edition.EDITION_ENV, raising=False)
    assert edition.name() == "local"
    monkeypatch.setenv(edition.EDITION_ENV, "public")
    assert edition.is_public()
    monkeypatch.setenv(edition.EDITION_ENV, "publik")
    with pytest.raises(edition.EditionError, match="expected one of local, public"):
        edition.name()


def test_redaction_keeps_every_offset_and_every_quotation(evidence):
    for sid, source in evidence.sources.items():
        quotes = list(evidence.quotes_for(source=sid))
        text = excerpts.redact(source, quotes)
        assert len(text) == len(source.text) and len(text.split()) == len(source.text.split())
        for q in quotes:
            assert text[q.start:q.end] == source.text[q.start:q.end]
        for start, end in excerpts.withheld(source.text, quotes):
            assert all(c == excerpts.REDACTION or c.isspace() for c in text[start:end])
        assert excerpts.quoted(source.text, quotes), sid


def test_the_public_wheels_redacted_texts_load(data_copy, evidence, monkeypatch):
    _redact_copy(data_copy, evidence)
    monkeypatch.setenv("CJREPORT_DATA", str(data_copy))
    redacted = load(data_copy)
    assert len(redacted.quotations) == len(evidence.quotations)
    assert all(s.redacted for s in redacted.sources.values())
    # without the note, the blanked texts are refused: their checksums are not the corpus's
    (data_copy / "texts" / excerpts.REDACTED_NOTE).unlink()
    with pytest.raises(Exception, match="checksum"):
        load(data_copy)


def test_public_appendix_shows_nothing_of_a_withheld_paragraph(data_copy, evidence, monkeypatch):
    """Rendered from the full texts and from texts whose withheld paragraphs are blanked, the public appendix is
    the same: it cannot show a word of those paragraphs. Every quotation, and every withheld body paragraph's
    summary, is in it."""
    monkeypatch.setenv(edition.EDITION_ENV, "public")
    full = {sid: present.appendix(sid, evidence).text for sid in evidence.sources}
    _redact_copy(data_copy, evidence)
    redacted = load(data_copy)
    assert {sid: present.appendix(sid, redacted).text for sid in evidence.sources} == full
    segments = {(seg.source, seg.start): seg for seg in evidence.segments}
    summaries = 0
    for sid, source in evidence.sources.items():
        quotes = list(evidence.quotes_for(source=sid))
        for q in quotes:
            assert f"({q.label})=" in full[sid]
        for start, end in excerpts.withheld(source.text, quotes):
            first = start + len(source.text[start:end]) - len(source.text[start:end].lstrip())
            if (sid, first) in segments:
                assert present.escape(segments[(sid, first)].summary) in full[sid]
                summaries += 1
    assert summaries == full_count(evidence) and summaries > 0
    monkeypatch.setenv(edition.EDITION_ENV, "local")
    assert all(present.SUMMARY_MARK not in present.appendix(sid, evidence).text for sid in evidence.sources)


def full_count(evidence) -> int:
    """Withheld body paragraphs that have a segment (a summary): counted from data/, never typed."""
    starts = {(seg.source, seg.start) for seg in evidence.segments}
    n = 0
    for sid, source in evidence.sources.items():
        for start, end in excerpts.withheld(source.text, evidence.quotes_for(source=sid)):
            line = source.text[start:end]
            n += (sid, start + len(line) - len(line.lstrip())) in starts
    return n


def test_public_downloads_offer_no_full_text(evidence, monkeypatch):
    monkeypatch.setenv(edition.EDITION_ENV, "public")
    paths = [item.path for item in exports.catalogue(evidence)]
    assert not any(p.startswith(("texts/0", "source/")) for p in paths), paths
    monkeypatch.setenv(edition.EDITION_ENV, "local")
    local = [item.path for item in exports.catalogue(evidence)]
    assert {f"texts/{s.file}" for s in evidence.sources.values()} <= set(local)


def test_each_coding_file_is_labelled_for_what_it_is(evidence):
    """coding.csv is the final coding (after adjudication), not the first; each coding file has its own entry in
    the data dictionary (not the charts' generic one)."""
    from cjreport.exports import datapackage

    labels = {item.path: item.description for item in exports.catalogue(evidence)}
    assert labels["data/coding.csv"].startswith("Final coding, after adjudication")
    assert labels["data/coding-first.csv"].startswith("First coding, as the first coder coded it")
    assert labels["data/coding-second.csv"].startswith("Blind second coding")
    assert labels["data/adjudication.csv"].startswith("Adjudication")
    assert not any("First (adjudicated)" in d for d in labels.values())
    tables = [p for p in labels if p.startswith("data/") and p.endswith(".csv")]
    assert tables and all(p in datapackage.TABLES for p in tables), set(tables) - set(datapackage.TABLES)


def test_the_edition_is_no_older_than_the_last_change_to_the_coding(evidence):
    """A change to the codebook or the codes after an edition's release would make the cited edition name a book it
    no longer is (the 1.0.0 edition of 2026-12-06 was followed by a recoding of 2026-12-07): record the change,
    then raise the edition's version and date in CITATION.cff."""
    last = max(entry.date for entry in evidence.changelog or [])
    assert edition.date_released() >= last, (edition.date_released(), last)
