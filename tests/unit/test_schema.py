"""Every kind of bad input seen in issue 13 gives one line, `error: data/<file>:<line> [<id>]: …`, from
`python -m cjreport.build --check` (which `make check`, `make book` and `make test` run first): never a
traceback, never a hang. One test per group of the issue; tests/unit/test_schema_fuzz.py mutates at random.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml


ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^error: data/[\w./-]+(:\d+)?( \[[^\]]+\])?: \S.*$")


def check(data: Path, *, timeout: float = 60) -> str:
    """Run the data check as `make check` does; return its one error line (asserting there is exactly one)."""
    env = {**os.environ, "CJREPORT_DATA": str(data)}
    result = subprocess.run([sys.executable, "-m", "cjreport.build", "--check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=timeout)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode != 0, "bad data accepted: " + result.stdout
    assert len(lines) == 1, result.stderr[-3000:]
    assert LINE.match(lines[0]), lines[0]
    print(lines[0])  # `pytest -s tests/unit/test_schema.py` lists what each kind of bad input gives
    return lines[0]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def rewrite_text(data: Path, sid: str, change) -> None:
    """Change a source text and record its new checksum everywhere, so only the change itself is wrong."""
    path = next((data / "texts").glob(f"{sid}_*.txt"))
    old = path.read_bytes()
    new = change(old)
    path.write_bytes(new)
    for name in ("sources.yaml", "texts/SHA256SUMS"):
        edit(data / name, hashlib.sha256(old).hexdigest(), hashlib.sha256(new).hexdigest())


def test_the_real_data_passes():
    result = subprocess.run([sys.executable, "-m", "cjreport.build", "--check"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr


# --- group 1: tracebacks instead of one line ----------------------------------------------------------------

def test_unquoted_impossible_date(data_copy):
    """Unquoted, YAML would read it as a timestamp (and fail inside the parser); dates stay strings here."""
    edit(data_copy / "sources.yaml", "date: 2024-08", "date: 2024-13-45")
    message = check(data_copy)
    assert message.startswith("error: data/sources.yaml:") and "[000]" in message and "not a real date" in message


def test_list_entry_that_is_a_number(data_copy):
    path = data_copy / "quotations.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "- 42\n", encoding="utf-8")
    message = check(data_copy)
    assert message.startswith("error: data/quotations.yaml:") and "must be a mapping, found a number 42" in message


def test_data_file_that_is_a_directory(data_copy):
    (data_copy / "actors.yaml").unlink()
    (data_copy / "actors.yaml").mkdir()
    assert check(data_copy) == "error: data/actors.yaml: file is a directory"


def test_very_deep_nesting(data_copy):
    path = data_copy / "actors.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "- patterns: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    message = check(data_copy)
    assert message.startswith("error: data/actors.yaml:") and "nested deeper than" in message


# --- group 2: hangs -----------------------------------------------------------------------------------------

def test_alias_bomb_in_a_string_field(data_copy):
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(8))
    path = data_copy / "codebook-changelog.yaml"
    path.write_text("- date: '2026-11-24'\n  change: rule\n  questions: [alliance-safer]\n  what: &top\n"
                    + "".join("    " + line + "\n" for line in bomb.splitlines()) + "  why: *top\n", encoding="utf-8")
    message = check(data_copy, timeout=30)
    assert message.startswith("error: data/codebook-changelog.yaml:") and "aliases" in message


def test_text_file_that_is_not_a_regular_file(data_copy):
    path = next((data_copy / "texts").glob("002_*.txt"))
    path.unlink()
    os.mkfifo(path)
    message = check(data_copy, timeout=30)
    assert message.startswith("error: data/sources.yaml:") and "[002]" in message and "not a regular file" in message


# --- group 3: accepted silently, then published ---------------------------------------------------------------

def test_control_character_in_a_source_text(data_copy):
    rewrite_text(data_copy, "004", lambda raw: raw.replace(b" ", b"\x00", 1))
    message = check(data_copy)
    assert re.match(r"error: data/texts/004_\w+\.txt:\d+: control character U\+0000", message), message


def test_month_zero(data_copy):
    edit(data_copy / "sources.yaml", "date: 2024-08", "date: 2024-00")
    assert "date: '2024-00' is not a real date" in check(data_copy)


def test_supports_citing_only_reported_words(evidence, data_copy):
    code = next(c for c in evidence.coding.values() if c.stance == "supports")
    reported = next(q for q in evidence.quotes_for(source=code.source) if q.voice == "reported")
    path = data_copy / "coding.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith(f"{code.question},{code.source},supports,"))
    lines[row] = lines[row].rsplit(",", 1)[0] + "," + reported.id
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = check(data_copy)
    assert message.startswith(f"error: data/coding.csv:{row + 1} [{code.question} × {code.source}]: ")
    assert "author's own voice" in message


def test_position_citing_reported_words_beside_the_authors(evidence, data_copy):
    """Issue 19: a position (supports, qualified, opposes) cites only the author's own words, even when one of
    them is there: reported words beside them are refused with one line naming the file, the line and the cell."""
    code = next(c for c in evidence.coding.values() if c.stance in ("supports", "qualified", "opposes")
                and any(q.voice == "reported" for q in evidence.quotes_for(source=c.source)))
    reported = next(q for q in evidence.quotes_for(source=code.source) if q.voice == "reported")
    path = data_copy / "coding.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith(f"{code.question},{code.source},{code.stance},"))
    lines[row] = lines[row] + " " + reported.id  # the author's quotations stay; a reported one joins them
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = check(data_copy)
    assert message.startswith(f"error: data/coding.csv:{row + 1} [{code.question} × {code.source}]: ")
    assert reported.id in message and "only the author's own voice" in message


def test_no_position_cites_words_other_than_the_authors(evidence):
    for code in evidence.coding.values():
        if code.stance in ("supports", "qualified", "opposes"):
            assert {evidence.quotations[q].voice for q in code.quotations} == {"author"}, (code.question, code.source)


@pytest.mark.parametrize("file, old, new, expected", [
    ("sources.yaml", "author: Denny Roy", "author: '  '", "author: must not be empty or blank"),
    ("quotations.yaml", "speaker: US government", "speaker: ''", "speaker: must not be empty or blank"),
    ("sources.yaml", "kind: commentary", "kind: blog", "kind: 'blog' is not one of"),
    ("quotations.yaml", "  prefix: ", "  prefx: ", "unknown key 'prefx'"),
    ("actors.yaml", "- id: japan", "- id: china", "duplicate actor id 'china'"),
    ("codebook.yaml", "- id: opposes", "- id: qualified", "stances: the scale must define each"),
    ("sources.yaml", "file: 000_ef16c3f91ac32f63.txt", "file: ../sources.yaml", "file: '../sources.yaml' does not match"),
    ("events.csv", "ev-2013-scs-bases,2013,year", "ev-2013-scs-bases,2023-02-30,day", "not a real date"),
    ("texts/SHA256SUMS", "  004_", "  005_", "SHA256SUMS"),
    ("sources.yaml", "bibkey: roy2024", "bibkey: roy 2024", "bibkey: 'roy 2024' does not match"),
    ("quotations.yaml", "start: 407", "start: '407'", "start must be an integer, found a string '407'"),
])
def test_group_accepted_silently(data_copy, file, old, new, expected):
    edit(data_copy / file, old, new)
    message = check(data_copy)
    assert message.startswith(f"error: data/{file.split('/')[0] if file.startswith('texts') else file}"), message
    assert expected in message, message


def test_symlink_out_of_texts(data_copy, tmp_path):
    path = next((data_copy / "texts").glob("003_*.txt"))
    outside = tmp_path / "outside.txt"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    message = check(data_copy)
    assert message.startswith("error: data/sources.yaml:") and "[003]" in message and "symbolic link" in message


# --- group 4: adding a source ---------------------------------------------------------------------------------

def test_a_sources_bibkey_in_references_bib_fails_before_sphinx(tmp_path):
    """README's old step 2 (a hand-made BibTeX entry) broke the build inside ~100 lines of Sphinx output."""
    from tests import fixturebook as fx

    root = fx.copy_book(tmp_path / "book-root")  # the whole book: chapters, CITATION.cff, configuration
    (root / "book" / "references.bib").write_text((ROOT / "book" / "references.bib").read_text(encoding="utf-8")
                                                  + "\n@misc{roy2024, title={Hand-made}, year={2024}}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "cjreport.build", "--root", str(root), "--out", str(tmp_path / "out")],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode != 0 and len(lines) == 1, result.stderr[-2000:]
    assert lines[0].startswith("error: data/sources.yaml:") and "also defined in references.bib" in lines[0]
    assert not (tmp_path / "out" / "work").exists()


def test_anchor_shows_the_first_differing_character():
    result = subprocess.run([sys.executable, "-m", "cjreport", "anchor", "000", "interfering in China's internal affairs"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "closest passage: “interfering in China’s internal affairs”" in result.stderr
    assert "you have \"'\" (U+0027 APOSTROPHE), the source has '’' (U+2019 RIGHT SINGLE QUOTATION MARK)" in result.stderr


def test_anchor_prints_a_record_the_loader_accepts(evidence):
    quote = next(iter(evidence.quotations.values()))
    result = subprocess.run([sys.executable, "-m", "cjreport", "anchor", quote.source, quote.text, "--id", quote.id,
                             "--theme", quote.theme], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    record = yaml.safe_load(result.stdout)[0]
    assert (record["start"], record["end"]) == (quote.start, quote.end)
    source = evidence.sources[quote.source]
    assert record["prefix"] == source.text[quote.start - 30:quote.start]


def test_reanchor_fixes_drifted_offsets(data_copy):
    path = data_copy / "quotations.yaml"
    edit(path, "start: 407\n  end: 576", "start: 400\n  end: 570")
    env = {**os.environ, "CJREPORT_DATA": str(data_copy)}
    report = subprocess.run([sys.executable, "-m", "cjreport", "reanchor"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert report.returncode == 1 and "[400, 570) -> [407, 576)" in report.stdout
    subprocess.run([sys.executable, "-m", "cjreport", "reanchor", "--fix"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=60)
    assert "start: 407\n  end: 576" in path.read_text(encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "cjreport.build", "--check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# --- the files added for the second coding, the adjudication, the segments and the argument maps ------------------

def test_second_coding_evidence_must_be_verbatim(evidence, data_copy):
    # the first cell, in file order, whose second coding quotes the text: change one word of its first excerpt
    code = min((c for c in evidence.second_coding.values() if c.evidence), key=lambda c: c.line)
    words = code.evidence[0].split()
    edit(data_copy / "coding-second.csv", code.evidence[0], " ".join(words[:-1] + [words[-1] + "zz"]))
    message = check(data_copy)
    assert message.startswith(f"error: data/coding-second.csv:{code.line} [{code.question} × {code.source}]: ") and "not verbatim" in message


def test_adjudication_must_cover_every_disagreement(evidence, data_copy):
    # a disagreement is between the two codings as coded (coding-first.csv and coding-second.csv)
    differ = [(k, evidence.first_coding[k], evidence.second_coding[k].stance, c.stance) for k, c in evidence.coding.items()
              if evidence.second_coding[k].stance != evidence.first_coding[k]]
    assert differ
    rows = ["question,source,first,second,final,reason"]
    for (q, s), first, second, final in differ[1:]:
        rows.append(f"{q},{s},{first},{second},{final},The adjudicator's reason.")
    (data_copy / "adjudication.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (q, s), _, _, _ = differ[0]
    message = check(data_copy)
    assert message.startswith("error: data/adjudication.csv") and f"no row for {q} × {s}" in message


def test_adjudication_final_must_be_one_of_the_two_codes(data_copy):
    path = data_copy / "adjudication.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    line, row = next((i + 2, r) for i, r in enumerate(rows) if r["final"] == r["first"])  # a cell where the first code was kept
    row["first"] = next(s for s in ("supports", "opposes", "qualified") if s not in (row["final"], row["second"]))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(row), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    # the first coding as stored says the same (else the row contradicts coding-first.csv, a different error)
    first = data_copy / "coding-first.csv"
    first.write_text(first.read_text(encoding="utf-8").replace(f"{row['question']},{row['source']},{row['final']}\n",
                                                               f"{row['question']},{row['source']},{row['first']}\n"), encoding="utf-8")
    message = check(data_copy)
    assert message.startswith(f"error: data/adjudication.csv:{line} [{row['question']} × {row['source']}]: "), message
    assert "neither the first code nor the second" in message, message


def test_segments_cover_every_body_line(data_copy):
    path = data_copy / "segments.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(records[:-1], allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert "no segment for line" in check(data_copy)


def test_arguments_quote_their_own_source(data_copy):
    edit(data_copy / "arguments.yaml", "quotation: q000-alliance-healthy", "quotation: q001-new-concept")
    assert "belongs to source 001" in check(data_copy)


def test_readme_documents_every_field_and_value():
    """data/README.md is checked against the schema: every file, every field and every allowed value appears."""
    from cjreport.data import schema

    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    missing = []

    def walk(model):
        for name, field in model.model_fields.items():
            if not re.search(rf"\b{re.escape(name)}\b", readme):
                missing.append(f"{model.__name__}.{name}")
            for arg in getattr(field.annotation, "__args__", ()) or ():
                if isinstance(arg, type) and issubclass(arg, schema.Record):
                    walk(arg)
                for inner in getattr(arg, "__args__", ()) or ():
                    if isinstance(inner, type) and issubclass(inner, schema.Record):
                        walk(inner)
            if isinstance(field.annotation, type) and issubclass(field.annotation, schema.Record):
                walk(field.annotation)

    for file, model in schema.FILES.items():
        if f"`{file}`" not in readme:
            missing.append(file)
        walk(model)
    for values in (schema.VOICES, schema.PART_KINDS, schema.SOURCE_KINDS, schema.STANCES, schema.DATE_STATUSES,
                   schema.PRECISIONS, schema.ACTOR_KINDS, schema.CHANGES, schema.EVIDENCE_KINDS):
        missing += [v for v in values if f"`{v}`" not in readme]
    for pattern in (schema.SOURCE_ID, schema.QUOTE_ID, schema.SLUG, schema.EVENT_ID, schema.SEGMENT_ID, schema.BIBKEY,
                    schema.TEXT_FILE):
        if f"`{pattern}`" not in readme:
            missing.append(pattern)
    assert not missing, f"data/README.md does not document: {', '.join(missing)}"


def test_a_wrong_type_is_named_as_yaml_names_it(data_copy):
    """A list where a string belongs is 'a list', never the loader's own LineList (a maintainer's report)."""
    path = data_copy / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    first = text.index("    qualified_reads: ")
    end = text.index("\n", first)
    path.write_text(text[:first] + "    qualified_reads: [a, b]" + text[end:], encoding="utf-8")
    message = check(data_copy)
    assert "qualified_reads must be a string, found a list ['a', 'b']" in message and "LineList" not in message, message
