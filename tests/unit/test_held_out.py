"""Held-out bad inputs of the kinds issue 23 lists, each answered with one clean line (never a traceback, never
silence): hostile characters in free text, impossible dates, files the chapters need, statistics that data could
bend, text spliced into code, authoring commands pointed outside data/, and their usage errors."""

from __future__ import annotations

import csv
import io
import os
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cjreport import load

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^error: [\w./-]+(:\d+)?( \[[^\]]+\])?: \S.*$")


def _run(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CJREPORT_DATA": str(data)}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def one_line(result: subprocess.CompletedProcess, pattern: re.Pattern = LINE) -> str:
    assert result.returncode != 0, result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert pattern.match(lines[0]), lines[0]
    return lines[0]


TOOL_LINE = re.compile(r"^error: \S.*$")  # an authoring command's answer to its arguments names no data file


def check(data: Path) -> str:
    return one_line(_run(data, "-m", "cjreport.build", "--check"))


def _replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _first_speaker(data: Path) -> str:
    return yaml.safe_load((data / "quotations.yaml").read_text(encoding="utf-8"))[0]["speaker"]


@pytest.mark.parametrize("value, says", [
    ('"Denny \\ud800Roy"', "half of a surrogate pair"),          # a lone surrogate, as a YAML escape
    ('"Denny \\x1bRoy"', "control character"),                   # an escape character
    ('"2024-02-30"', "not a real date"),                          # an impossible date, given as a speaker
])
def test_hostile_free_text_in_a_speaker(data_copy, value, says):
    speaker = _first_speaker(data_copy)
    path = data_copy / "quotations.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.strip() == f"speaker: {speaker}")
    path.write_text(text.replace(line, line.replace(speaker, value), 1), encoding="utf-8")
    message = check(data_copy)
    assert message.startswith("error: data/quotations.yaml:") and says in message and "speaker" in message


def test_control_character_in_a_codebook_label(data_copy):
    path = data_copy / "codebook.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    records["themes"][0]["questions"][0]["label"] += "\u0007"
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    assert "control character (U+0007)" in check(data_copy)


@pytest.mark.parametrize("name", ["adjudication.csv", "coding-second.csv", "coding-first.csv", "codebook-changelog.yaml"])
def test_a_file_the_chapters_need_is_required(data_copy, name):
    (data_copy / name).unlink()
    message = check(data_copy)
    assert message.startswith(f"error: data/{name}: missing")


def test_dropping_a_decision_cannot_bend_the_agreement(data_copy):
    """The cell where the second code won: drop its decision and keep coding.csv's final code. Rebuilt from the
    adjudication, the first coding would now agree with the second (alpha would rise); stored, it does not."""
    evidence = load(data_copy)
    path = data_copy / "adjudication.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    won = next(r for r in rows if r["final"] == r["second"])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(r for r in rows if r is not won)
    path.write_text(out.getvalue(), encoding="utf-8")
    message = check(data_copy)
    assert f"{won['question']} × {won['source']}" in message and "differ" in message
    assert evidence.first_coding[(won["question"], won["source"])] == won["first"]


def test_a_code_changed_without_a_decision(data_copy):
    evidence = load(data_copy)
    cell = next(k for k, c in evidence.coding.items() if c.stance == evidence.first_coding[k] == "not_addressed"
                and evidence.second_coding[k].stance == "not_addressed")
    path = data_copy / "coding-first.csv"
    _replace(path, f"{cell[0]},{cell[1]},not_addressed\n", f"{cell[0]},{cell[1]},reports\n")
    message = check(data_copy)
    assert f"{cell[0]} × {cell[1]}" in message


def test_empty_quotations_file(data_copy):
    (data_copy / "quotations.yaml").write_text("", encoding="utf-8")
    assert "the file is empty" in check(data_copy)


def test_text_with_windows_line_endings(data_copy):
    path = next((data_copy / "texts").glob("*.txt"))
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert "CR LF" in check(data_copy)


def test_stance_label_with_quotes_is_data_not_code(data_copy):
    """A stance label with an apostrophe and a quote: no Vega expression of the stance matrix holds a label."""
    from cjreport.views import charts

    path = data_copy / "codebook.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    supports = next(s for s in records["stances"] if s["id"] == "supports")
    supports["label"] = "Supports' \" || alert(1) || '"
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    figure = charts.stance_matrix(load(data_copy))
    spec = figure.chart.to_dict()
    expressions: list[str] = []  # every string Vega evaluates as code: tests, expressions, calculations, filters

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("test", "expr", "signal", "calculate", "filter") and isinstance(value, str):
                    expressions.append(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    assert expressions, "the stance matrix has expressions (the symbol colour): the test must see them"
    assert not [e for e in expressions if "alert(1)" in e], expressions
    assert "alert(1)" in json.dumps(spec, ensure_ascii=False)  # the label is still there, as data
    assert not [e for e in expressions if "datum.stance ==" in e], expressions


def test_reanchor_answers_files_of_the_wrong_shape(data_copy):
    for content, says in (("", "0 quotation(s)"), ("a: 1\n", "must be a list"), ("- just text\n", "not a quotation record")):
        (data_copy / "quotations.yaml").write_text(content, encoding="utf-8")
        result = _run(data_copy, "-m", "cjreport", "reanchor", "--fix")
        assert "Traceback" not in result.stderr and says in result.stdout + result.stderr, (content, result.stderr)


def test_reanchor_fix_keeps_a_flow_style_record_right(data_copy):
    path = data_copy / "quotations.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = dict(records[0], start=records[0]["start"] + 3, end=records[0]["end"] + 3)
    flow = "- " + yaml.safe_dump(first, allow_unicode=True, sort_keys=False, width=100000, default_flow_style=True)
    rest = yaml.safe_dump(records[1:], allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(flow + rest, encoding="utf-8")
    result = _run(data_copy, "-m", "cjreport", "reanchor", "--fix")
    assert result.returncode == 0, result.stdout + result.stderr
    assert yaml.safe_load(path.read_text(encoding="utf-8"))[0] == records[0]
    load(data_copy)


def test_authoring_commands_stay_inside_data(data_copy, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("A headline\n\nA body sentence that is long enough to be read as running text by the tool.\n",
                       encoding="utf-8")
    message = one_line(_run(data_copy, "-m", "cjreport", "scaffold", str(article), "--id", "../../x"), TOOL_LINE)
    assert "three digits" in message and not (tmp_path.parent / "x_a.txt").exists()
    # a sources.yaml record whose file walks out of data/texts/: anchor refuses to read it
    _replace(data_copy / "sources.yaml", f"file: {load(data_copy).sources['000'].file}", "file: ../../../../etc/hostname")
    message = one_line(_run(data_copy, "-m", "cjreport", "anchor", "000", "words"))
    assert "plain file name" in message


@pytest.mark.parametrize("args", [[], ["anchor", "000", "x", "--voice", "loud"], ["frobnicate"]])
def test_usage_errors_are_one_line(data_copy, args):
    result = _run(data_copy, "-m", "cjreport", *args)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), result.stderr


def test_stale_citation_count(data_copy):
    """CITATION.cff that states another count than data/ holds: one line, naming the line."""
    from tests import fixturebook as fx

    root = fx.copy_book(data_copy.parent)
    text = (root / "CITATION.cff").read_text(encoding="utf-8")
    wrong = "twelve" if len(load(data_copy).sources) != 12 else "eleven"
    (root / "CITATION.cff").write_text(re.sub(r"\b\w+ sources\b", f"{wrong} sources", text, count=1), encoding="utf-8")
    message = one_line(_run(data_copy, "-m", "cjreport.build", "--check", "--root", str(root)))
    assert message.startswith("error: CITATION.cff:") and f"{wrong} sources" in message


def test_a_theme_whose_chapter_does_not_exist(data_copy):
    from tests import fixturebook as fx

    root = fx.copy_book(data_copy.parent)
    chapter = load(data_copy).codebook.themes[0].chapter
    (root / "book" / f"{chapter}.md").unlink()
    message = one_line(_run(data_copy, "-m", "cjreport.build", "--check", "--root", str(root)))
    assert "codebook.yaml" in message and f"book/{chapter}.md" in message


@pytest.mark.parametrize("content, says", [
    (b"title: [\n", "malformed YAML"),
    (b"cff-version: 1.2.0\ntitle: A title\nyear: 2026\n", "authors"),
    ("title: Caf\u00e9 in five sources\nauthors: [{name: X}]\nyear: 2026\n".encode("latin-1"), "UTF-8"),
    (None, "missing"),
])
def test_citation_file_the_build_would_choke_on(data_copy, content, says):
    from tests import fixturebook as fx

    root = fx.copy_book(data_copy.parent)
    if content is None:
        (root / "CITATION.cff").unlink()
    else:
        (root / "CITATION.cff").write_bytes(content)
    message = one_line(_run(data_copy, "-m", "cjreport.build", "--check", "--root", str(root)))
    assert message.startswith("error: CITATION.cff") and says in message


def test_a_crafted_citation_title_stays_text(data_copy):
    """A title that closes the code fence of How to cite and opens HTML: it stays inside the fence, as text."""
    from cjreport import exports

    from tests import fixturebook as fx

    root = fx.copy_book(data_copy.parent)
    cff = root / "CITATION.cff"
    text = cff.read_text(encoding="utf-8")
    crafted = 'Five sources\n```\n<img src=x onerror="alert(1)">\n```'
    assert text.count("title: ") == 2  # the file's title and the preferred citation's, which How to cite shows
    cff.write_text(re.sub(r"(?m)^(\s+title: ).*$", lambda m: m.group(1) + json_string(crafted), text), encoding="utf-8")
    os.environ["CJREPORT_DATA"] = str(data_copy)
    try:
        assert "onerror" in exports.citation(root)["preferred-citation"]["title"]
        text = exports.how_to_cite(root).text
    finally:
        del os.environ["CJREPORT_DATA"]
    from markdown_it import MarkdownIt

    # parsed as the book parses Markdown (raw HTML allowed), the title is only ever inside a code block
    tokens = MarkdownIt("commonmark").parse(text)
    assert not [t for t in tokens if t.type == "html_block" or any(c.type == "html_inline" for c in t.children or [])]
    assert any(t.type == "fence" and "onerror" in t.content for t in tokens)


def json_string(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize("what", ["stance label", "theme short title", "question label"])
def test_two_things_readers_cannot_tell_apart(data_copy, what):
    path = data_copy / "codebook.yaml"
    book = yaml.safe_load(path.read_text(encoding="utf-8"))
    if what == "stance label":
        book["stances"][1]["label"] = book["stances"][0]["label"]
    elif what == "theme short title":
        book["themes"][1]["short"] = book["themes"][0]["short"]
    else:
        book["themes"][0]["questions"][1]["label"] = book["themes"][0]["questions"][0]["label"]
    path.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    assert f"duplicate {what}" in check(data_copy)


@pytest.mark.parametrize("field", ["short_name", "sha256"])
def test_two_sources_that_read_as_one(data_copy, field):
    path = data_copy / "sources.yaml"
    sources = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = {**sources[0], "short_name": sources[0].get("short_name") or sources[0]["author"].split()[-1]}
    sources[1][field] = first[field]
    path.write_text(yaml.safe_dump(sources, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    message = check(data_copy)
    assert "sources.yaml" in message and ("short name" in message if field == "short_name" else "same checksum" in message)


def test_an_argument_shown_by_reported_speech(data_copy):
    evidence = load(data_copy)
    reported = next(q for q in evidence.quotations.values() if q.voice == "reported" and q.source in evidence.arguments)
    claim = evidence.arguments[reported.source].claim.quotation
    _replace(data_copy / "arguments.yaml", f"quotation: {claim}}}", f"quotation: {reported.id}}}")
    assert "reported speech" in check(data_copy)


def test_a_second_coders_excerpt_across_a_caption(data_copy):
    """An excerpt that runs from the end of one body part into the next (over the caption between them)."""
    evidence = load(data_copy)
    sid, source = next((sid, s) for sid, s in evidence.sources.items() if sum(p.kind == "body" for p in s.parts) > 1)
    body = [p for p in source.parts if p.kind == "body"]
    joined = " ".join(source.text[body[0].end - 30:body[0].end].split()) + " " + " ".join(source.text[body[1].start:body[1].start + 30].split())
    path = data_copy / "coding-second.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    row = next(r for r in rows if r["source"] == sid and r["evidence"])
    row["evidence"] = joined
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    assert "is not verbatim in the body" in check(data_copy)
