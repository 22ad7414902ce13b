"""The coding: a cell for every question × source, quotations that exist and belong, stances on the scale."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_every_question_has_a_cell_for_every_source(evidence):
    for qid in evidence.codebook.questions:
        for sid in evidence.sources:
            assert (qid, sid) in evidence.coding, (qid, sid)
    assert len(evidence.coding) == len(evidence.codebook.questions) * len(evidence.sources)


def test_cited_quotations_exist_and_belong_to_the_source(evidence):
    for (qid, sid), code in evidence.coding.items():
        for quote_id in code.quotations:
            assert evidence.quotations[quote_id].source == sid, (qid, sid, quote_id)


def test_stances_are_on_the_scale(evidence):
    scale = {s.id for s in evidence.codebook.stances}
    assert scale == {"supports", "qualified", "opposes", "reports", "not_addressed"}
    assert {c.stance for c in evidence.coding.values()} <= scale


def test_reported_quotations_support_reports_or_the_author_also_speaks(evidence):
    """A stance other than 'reports' needs at least one quotation in the author's own voice."""
    for code in evidence.coding.values():
        if code.stance in ("supports", "opposes", "qualified"):
            voices = {evidence.quotations[q].voice for q in code.quotations}
            assert "author" in voices, (code.question, code.source, voices)


def test_every_theme_has_a_chapter_in_the_toc(evidence):
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    files = {entry["file"] for part in yaml.safe_load(toc)["parts"] for entry in part["chapters"]}
    for theme in evidence.codebook.themes:
        assert (ROOT / "book" / f"{theme.chapter}.md").exists(), theme.id
        assert f"book/{theme.chapter}" in files, theme.id
