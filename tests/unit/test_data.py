"""The corpus: texts byte-identical to the seeds, metadata complete, parts covering every character."""

from __future__ import annotations

import hashlib
import re

import pytest

from cjreport.data.corpus import PART_KINDS
from cjreport.data.evidence import DEFAULT_DATA_DIR

from tests.conftest import SEEDS

TEXTS = DEFAULT_DATA_DIR / "texts"


def _sums(path):
    return dict(reversed(line.split()) for line in path.read_text().splitlines() if line.strip())


def test_texts_match_recorded_checksums(evidence):
    sums = _sums(TEXTS / "SHA256SUMS")
    assert set(sums) == {s.file for s in evidence.sources.values()}
    for name, digest in sums.items():
        assert hashlib.sha256((TEXTS / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.skipif(not SEEDS.exists(), reason="the shared seeds are not beside this checkout")
def test_texts_are_byte_identical_to_the_seeds():
    seeds = _sums(SEEDS / "SHA256SUMS")
    for name, digest in seeds.items():
        assert (TEXTS / name).read_bytes() == (SEEDS / name).read_bytes(), name
        assert hashlib.sha256((TEXTS / name).read_bytes()).hexdigest() == digest


def test_metadata_schema(evidence):
    assert [s for s in evidence.sources] == sorted(evidence.sources)
    for source in evidence.sources.values():
        for field in ("title", "outlet", "author", "affiliation", "date_basis", "kind", "reliability", "bibkey"):
            assert getattr(source, field).strip(), (source.id, field)
        assert re.fullmatch(r"\d{4}(-\d\d){0,2}", source.date)
        assert source.date_status in ("printed", "inferred")
        assert source.language == "en"
        assert source.file.startswith(source.id + "_")
        assert {p.kind for p in source.parts} <= set(PART_KINDS)
        assert any(p.kind == "body" for p in source.parts)


def test_parts_cover_every_character_once(evidence):
    for source in evidence.sources.values():
        owner = [None] * len(source.text)
        for part in source.parts:
            for i in range(part.start, part.end):
                assert owner[i] is None, (source.id, i)
                owner[i] = part.kind
        loose = [i for i, c in enumerate(source.text) if owner[i] is None and not c.isspace()]
        assert not loose, (source.id, loose[:5])


def test_reader_comment_is_kept_apart(evidence):
    roy = evidence.sources["000"]
    comments = [p for p in roy.parts if p.kind == "comments"]
    assert comments, "source 000 has a reader comment"
    assert "imperialist" in roy.text[comments[0].start : comments[0].end]
    assert "imperialist" not in roy.body_text


def test_dates_printed_or_inferred_as_the_texts_show(evidence):
    s = evidence.sources
    assert (s["001"].date, s["001"].date_status) == ("2022-09-30", "printed")
    assert (s["002"].date, s["002"].date_status) == ("2023-01-08", "printed")
    for sid in ("000", "003"):
        assert s[sid].date_status == "inferred"
