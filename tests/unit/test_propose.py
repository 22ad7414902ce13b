"""scaffold's proposal of a new text's parts, against the parts a person set for the texts already in data/."""

from __future__ import annotations

import pytest

from cjreport.authoring.propose import propose_parts, show_parts


def _kind(parts, i):
    for p in parts:
        start, end, kind = (p["start"], p["end"], p["kind"]) if isinstance(p, dict) else (p.start, p.end, p.kind)
        if start <= i < end:
            return kind
    return None


def _agreement(source) -> float:
    proposal = propose_parts(source.text)
    ink = [i for i, c in enumerate(source.text) if not c.isspace()]
    return sum(_kind(proposal, i) == _kind(source.parts, i) for i in ink) / len(ink)


def test_most_of_every_text_gets_the_kind_a_person_gave_it(evidence):
    """Character by character, the proposal agrees with the recorded parts on at least 95% of each text."""
    for sid, source in evidence.sources.items():
        assert _agreement(source) >= 0.95, (sid, _agreement(source), show_parts(source.text, propose_parts(source.text)))


def test_texts_laid_out_as_the_tool_reads_them_get_exactly_their_kinds(evidence):
    """Where the page says what each block is (captions, notices, author notes with an address, comments,
    trailing links), every character gets the kind a person gave it: at least half of the corpus."""
    exact = [sid for sid, s in evidence.sources.items() if _agreement(s) == 1.0]
    assert len(exact) >= len(evidence.sources) / 2, exact


def test_an_empty_text_is_refused():
    with pytest.raises(ValueError):
        propose_parts(" \n\n ")
