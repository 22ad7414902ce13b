"""A text corrected after anchoring is repaired in one step (`python -m cjreport repair NNN`): the checksum is
updated wherever it is recorded, and every quotation, part and segment stays on the same words."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cjreport import load
from cjreport.data.quotations import fold

ROOT = Path(__file__).resolve().parents[2]


def _run(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CJREPORT_DATA": str(data)}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=test@example.org", "-c", "user.name=test", "-C", str(folder), *args],
                   check=True, capture_output=True, timeout=60)


def _words(evidence, sid):
    """What every anchor of source sid points at: quotation → its words, segment → its line, part → its text."""
    source = evidence.sources[sid]
    text = source.text
    return ({q.id: text[q.start:q.end] for q in evidence.quotes_for(source=sid)},
            {s.id: text[s.start:s.end] for s in evidence.segments or [] if s.source == sid},
            [(p.kind, text[p.start:p.end]) for p in source.parts])


def _corrections(evidence, sid) -> list[tuple[str, str]]:
    """Two corrections in two body lines that no quotation touches, one early and one late in the text (so that
    everything between and after them shifts): a word gains nine characters, and a word is dropped."""
    source = evidence.sources[sid]
    quoted = [(q.start, q.end) for q in evidence.quotes_for(source=sid)]
    excerpts = [fold(e) for c in (evidence.second_coding or {}).values() if c.source == sid for e in c.evidence]
    free = [(s.start, s.end) for s in evidence.segments if s.source == sid
            if not any(a < s.end and s.start < b for a, b in quoted) and len(source.text[s.start:s.end].split()) > 4
            and not any(e[:40] in fold(source.text[s.start:s.end]) or fold(source.text[s.start:s.end]) in e for e in excerpts)]
    assert len(free) >= 2, "the test needs two unquoted body lines"
    edits = []
    for start, end in (free[0], free[-1]):
        line = source.text[start:end]
        assert source.text.count(line) == 1
        edits.append(line)
    words = edits[0].split(" ")
    first = " ".join(words[:2] + [words[2] + "-repaired"] + words[3:])  # nine characters added
    words = edits[1].split(" ")
    second = " ".join(words[:1] + words[2:])  # a word removed
    return [(edits[0], first), (edits[1], second)]


@pytest.fixture()
def repo(data_copy):
    """data/ in a git repository, as in a checkout: the previous text is found by its checksum in git."""
    _git(data_copy, "init", "-q")
    _git(data_copy, "add", "-A")
    _git(data_copy, "commit", "-q", "-m", "data")
    return data_copy


def _source_with_segments(evidence) -> str:
    counts = {sid: sum(1 for s in evidence.segments if s.source == sid) for sid in evidence.sources}
    return max(counts, key=counts.get)


def test_repair_keeps_every_anchor_on_its_words(repo):
    before = load(repo)
    sid = _source_with_segments(before)
    quotes, segments, parts = _words(before, sid)
    path = repo / "texts" / before.sources[sid].file
    text = path.read_text(encoding="utf-8")
    fixes = _corrections(before, sid)
    for old, new in fixes:
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")

    broken = _run(repo, "-m", "cjreport.build", "--check")
    assert broken.returncode != 0 and f"python -m cjreport repair {sid}" in broken.stderr

    result = _run(repo, "-m", "cjreport", "repair", sid)
    assert result.returncode == 0, result.stdout + result.stderr
    check = _run(repo, "-m", "cjreport.build", "--check")
    assert check.returncode == 0, check.stderr

    after = load(repo)
    new_quotes, new_segments, new_parts = _words(after, sid)
    assert new_quotes == quotes
    fixed = dict(fixes)
    assert new_segments == {k: fixed.get(v, v) for k, v in segments.items()}
    corrected = []
    for kind, words in parts:
        for old, new in fixes:
            words = words.replace(old, new)
        corrected.append((kind, words))
    assert new_parts == corrected
    # one checksum, recorded in both places
    digest = after.sources[sid].sha256
    assert re.search(rf"^{digest}  {re.escape(after.sources[sid].file)}$",
                     (repo / "texts" / "SHA256SUMS").read_text(encoding="utf-8"), re.M)


def test_repair_reports_a_quotation_whose_own_words_changed(repo):
    before = load(repo)
    quote = next(q for q in before.quotations.values() if len(q.text.split()) > 5 and q.text.count("\n") == 0)
    source = before.sources[quote.source]
    words = source.text[quote.start:quote.end]
    changed = words.replace(" ", "  X ", 1)
    path = repo / "texts" / source.file
    path.write_text(source.text[:quote.start] + changed + source.text[quote.end:], encoding="utf-8")

    result = _run(repo, "-m", "cjreport", "repair", quote.source)
    assert result.returncode == 1
    unplaced = [line for line in result.stdout.splitlines() if line.startswith("not placed:")]
    assert any(f"[{quote.id}]" in line for line in unplaced), result.stdout
    # the checksum is recorded anyway: what is left is the quotation, named by the check
    check = _run(repo, "-m", "cjreport.build", "--check")
    assert "checksum" not in check.stderr and quote.id in check.stderr


def test_repair_without_git_takes_the_previous_text(data_copy, tmp_path):
    before = load(data_copy)
    sid = _source_with_segments(before)
    path = data_copy / "texts" / before.sources[sid].file
    previous = tmp_path / "previous.txt"
    previous.write_bytes(path.read_bytes())
    text = path.read_text(encoding="utf-8")
    for old, new in _corrections(before, sid):
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    result = _run(data_copy, "-m", "cjreport", "repair", sid)
    assert result.returncode == 1 and "--old" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    result = _run(data_copy, "-m", "cjreport", "repair", sid, "--old", str(previous))
    assert result.returncode == 0, result.stdout + result.stderr
    assert _run(data_copy, "-m", "cjreport.build", "--check").returncode == 0


def test_repair_keeps_the_layout_of_the_yaml(repo):
    """Only the numbers that move are rewritten: a comment and a flow-style record survive."""
    before = load(repo)
    sid = _source_with_segments(before)
    sources = repo / "sources.yaml"
    sources.write_text("# a comment the maintainer wrote\n" + sources.read_text(encoding="utf-8"), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "comment")
    path = repo / "texts" / before.sources[sid].file
    text = path.read_text(encoding="utf-8")
    for old, new in _corrections(before, sid):
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    old_lines = sources.read_text(encoding="utf-8").splitlines()
    assert _run(repo, "-m", "cjreport", "repair", sid).returncode == 0
    new_lines = sources.read_text(encoding="utf-8").splitlines()
    assert new_lines[0] == "# a comment the maintainer wrote" and len(new_lines) == len(old_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
    assert changed and all(re.sub(r"[0-9a-f]{64}|\d+", "N", a) == re.sub(r"[0-9a-f]{64}|\d+", "N", b) for a, b in changed)
    assert yaml.safe_load(sources.read_text(encoding="utf-8"))
