"""Bad input stops the build with one line naming the file and the line or id, and leaves the last book alone."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cjreport import DataError, load

ROOT = Path(__file__).resolve().parents[2]


def _edit_yaml(path: Path, change) -> None:
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(records)
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


def _first_quote(records):
    return records[0]


def _error(data: Path) -> str:
    with pytest.raises(DataError) as info:
        load(data)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_quotation_not_found_names_id_source_and_closest_passage(data_copy):
    q = {}

    def change(records):
        q.update(records[0])
        records[0]["text"] = records[0]["text"].replace(" ", "  ", 1)[:-3] + "XYZ"

    _edit_yaml(data_copy / "quotations.yaml", change)
    message = _error(data_copy)
    assert "quotations.yaml" in message and q["id"] in message and f"source {q['source']}" in message
    assert "not found" in message and "closest passage" in message
    # the closest passage is the real text
    assert q["text"].split()[1] in message


def test_typographic_marks_are_not_folded(data_copy):
    """Curly apostrophe turned straight: white space may fold, punctuation may not."""
    def change(records):
        for record in records:
            if "’" in record["text"]:
                record["text"] = record["text"].replace("’", "'")
                return
        raise AssertionError("no quotation with a curly apostrophe")

    _edit_yaml(data_copy / "quotations.yaml", change)
    assert "not found" in _error(data_copy)


def test_white_space_runs_fold(data_copy):
    def change(records):
        records[0]["text"] = "  " + records[0]["text"].replace(" ", " \n ", 2) + " "

    _edit_yaml(data_copy / "quotations.yaml", change)
    load(data_copy)  # no error


def test_a_gist_not_in_its_quotation_is_refused_with_one_line(data_copy):
    """The gist is what a short reference quotes: words of the quotation's own, or the reference would misquote."""
    q = {}

    def change(records):
        q.update(records[0])
        words = records[0]["text"].split()
        records[0]["gist"] = " ".join(words[1:4])  # in the text: accepted
        records[1]["gist"] = " ".join(reversed(records[1]["text"].split()[1:4]))  # words out of order: refused

    _edit_yaml(data_copy / "quotations.yaml", change)
    message = _error(data_copy)
    assert "quotations.yaml:" in message and "gist" in message and "is not in the quotation's text" in message
    assert q["id"] not in message


def test_anchor_pointing_elsewhere(data_copy):
    def change(records):
        records[0]["start"] += 7
        records[0]["end"] += 7

    _edit_yaml(data_copy / "quotations.yaml", change)
    message = _error(data_copy)
    assert "points elsewhere" in message and "quotations.yaml:" in message


def test_prefix_mismatch(data_copy):
    def change(records):
        records[0]["prefix"] = "nothing like the source "

    _edit_yaml(data_copy / "quotations.yaml", change)
    assert "prefix" in _error(data_copy)


def test_page_furniture_is_never_the_authors_view(data_copy):
    """Source 003's site disclaimer quoted as if the author said it."""
    text = next((data_copy / "texts").glob("003_*.txt")).read_text(encoding="utf-8")
    passage = "The cover photo is computer generated art for illustrative purposes only"
    start = text.index(passage)

    def change(records):
        records.append({"id": "q003-disclaimer", "source": "003", "theme": "alliance", "speaker": "Hiroto Tanaka",
                        "voice": "author", "text": passage, "start": start, "end": start + len(passage),
                        "prefix": text[start - 20:start], "suffix": text[start + len(passage):start + len(passage) + 20]})

    _edit_yaml(data_copy / "quotations.yaml", change)
    message = _error(data_copy)
    assert "q003-disclaimer" in message and "page furniture" in message and "quotations.yaml:" in message


def test_unknown_source_id(data_copy):
    def change(records):
        records[1]["source"] = "999"

    _edit_yaml(data_copy / "quotations.yaml", change)
    message = _error(data_copy)
    assert "unknown source id '999'" in message and "quotations.yaml:" in message


def test_duplicate_quotation_id(data_copy):
    def change(records):
        records.append(dict(records[0]))

    _edit_yaml(data_copy / "quotations.yaml", change)
    message = _error(data_copy)
    assert "duplicate quotation id" in message


def test_malformed_yaml_names_line(data_copy):
    path = data_copy / "codebook.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "  - {id: broken, label: [unclosed")
    path.write_text("\n".join(lines), encoding="utf-8")
    message = _error(data_copy)
    assert message.startswith("data/codebook.yaml:4: ") and "malformed YAML" in message


def test_malformed_csv_names_line(data_copy):
    path = data_copy / "coding.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(4, "alliance-x,000,supports")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _error(data_copy)
    assert message.startswith("data/coding.csv:5: ") and "malformed CSV" in message


def test_source_not_utf8(data_copy):
    text = next((data_copy / "texts").glob("002_*.txt"))
    raw = text.read_bytes().replace("Kishida".encode(), b"Kish\xe9da", 1)
    text.write_bytes(raw)

    def change(records):
        for record in records:
            if record["file"] == text.name:
                record["sha256"] = hashlib.sha256(raw).hexdigest()

    _edit_yaml(data_copy / "sources.yaml", change)
    sums = data_copy / "texts" / "SHA256SUMS"
    old = hashlib.sha256((ROOT / "data" / "texts" / text.name).read_bytes()).hexdigest()
    sums.write_text(sums.read_text().replace(old, hashlib.sha256(raw).hexdigest()))
    message = _error(data_copy)
    assert text.name in message and "not valid UTF-8" in message and f"{text.name}:" in message


def test_checksum_changed(data_copy):
    text = next((data_copy / "texts").glob("001_*.txt"))
    text.write_bytes(text.read_bytes() + b" ")
    message = _error(data_copy)
    assert text.name in message and "checksum changed" in message and "[001]" in message


def test_coding_cell_missing(data_copy):
    path = data_copy / "coding.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:1] + lines[2:]) + "\n", encoding="utf-8")
    assert "no row for question" in _error(data_copy)


def test_build_refuses_bad_data_and_keeps_the_last_book(data_copy, tmp_path):
    out = tmp_path / "_build"
    (out / "html").mkdir(parents=True)
    (out / "html" / "index.html").write_text("last good book")
    def change(records):
        records[0]["text"] += " and more"
    _edit_yaml(data_copy / "quotations.yaml", change)
    env = {**os.environ, "CJREPORT_DATA": str(data_copy)}
    result = subprocess.run([sys.executable, "-m", "cjreport.build", "--root", str(ROOT), "--out", str(out)],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "quotations.yaml" in lines[0]
    assert (out / "html" / "index.html").read_text() == "last good book"
    assert not (out / "work").exists()
