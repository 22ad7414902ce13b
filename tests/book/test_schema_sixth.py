"""A maintainer adds a sixth source with the authoring tools only (README, "Add a source"; tests/sixthsource.py),
into a copy of the project: every offset comes from a command, `make check` lists what is left to write in one
run, the book builds, and the source is in every table, chart, the index, the appendix and the bibliography;
every page that counts the sources counts it; the data tests stay green on the larger corpus.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cjreport import load
from cjreport.build import MAX_ERRORS
from cjreport.data.citation import count_words
from tests import sixthsource as six

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sixth(tmp_path_factory):
    root = tmp_path_factory.mktemp("sixth")
    added = six.add_sixth(root)
    out = root / "_build"
    six.run("-m", "cjreport.build", "--root", str(root), "--out", str(out), env=added["env"], timeout=1200)
    return {**added, "root": root, "out": out}


def _page(out: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((out / "html" / "book" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def test_scaffold_proposed_every_part(sixth):
    record, data = sixth["record"], sixth["data"]
    assert [(p["kind"], p.get("label")) for p in record["parts"]] == six.EXPECTED_PARTS
    assert "newsletter box" in sixth["scaffold"].stdout and "related articles" in sixth["scaffold"].stdout
    sums = (data / "texts" / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"{record['sha256']}  {record['file']}" in sums


def test_every_placeholder_listed_in_one_run(sixth):
    result = sixth["placeholders"]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode != 0 and len(lines) == MAX_ERRORS + 1, result.stderr
    assert all("placeholder" in line for line in lines[:-1])
    evidence = load(sixth["data"])
    # at least one row per question in coding.csv and in coding-second.csv (then the segments and the argument map)
    total = int(lines[-1].split("(")[-1].split()[0])
    assert total > 2 * len(evidence.codebook.questions), lines[-1]


def test_prose_that_names_every_source_must_name_it(sixth):
    lines = [line for line in sixth["before_prose"].stderr.splitlines() if line.strip()]
    assert len(lines) == 2 and all(six.SHORT in line and "covers every source" in line for line in lines), lines
    assert {line.split(":")[1].strip() for line in lines} == {"book/sources.md", "book/conclusion.md"}


def test_sixth_source_in_every_table_chart_index_and_appendix(sixth):
    out, sid = sixth["out"], sixth["sid"]
    n = len(load(sixth["data"]).sources)
    assert f"{n} sources" in sixth["check"].stdout
    profiles = _page(out, "sources").find("table", id="table-source-profiles").get_text(" ")
    assert six.SHORT in profiles and "Avery Testwright" in profiles
    assert six.SHORT in _page(out, "tables").find("table", class_="cj-stances").get_text(" ")
    index = _page(out, "quotation-index").find("table", class_="cj-datatable")  # ids are anchors, never shown
    assert any(a["href"].endswith(f"#q{sid}-calmer") for a in index.find_all("a", href=True))
    assert _page(out, "appendix").find(id=f"source-{sid}") is not None
    for chapter in ("essay", "tables", "framing", "sources"):  # the stance matrix heads chapter 1
        specs = _page(out, chapter).select("script.cj-chart-spec")
        assert specs, chapter
        assert any(six.SHORT in json.dumps(json.loads(s.string), ensure_ascii=False) for s in specs), chapter
    bibliography = _page(out, "bibliography").get_text(" ")
    assert six.SHORT in bibliography and "Harbour Lights" in bibliography


def test_every_place_that_counts_the_sources_counts_it(sixth):
    out, root = sixth["out"], sixth["root"]
    words = f"{count_words(len(load(sixth['data']).sources))} sources"
    intro = _page(out, "intro")
    assert words in intro.find("h1").get_text() and words in intro.find("title").get_text()
    cite = intro.find(id="how-to-cite").get_text(" ")
    assert words in cite
    for name in ("CITATION.cff", "citation.bib", "citation.ris"):
        assert words in (out / "html" / "downloads" / "cite" / name).read_text(encoding="utf-8"), name
    assert words in (root / "CITATION.cff").read_text(encoding="utf-8")
    assert words in _page(out, "sources").find("table", id="table-source-profiles").get_text(" ")


def test_data_tests_stay_green_on_six_sources(sixth):
    env = {**os.environ, "CJREPORT_DATA": str(sixth["data"])}
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "tests/unit/test_coding.py",
                             "tests/unit/test_vocab.py", "tests/unit/test_agreement.py", "-k", "not html"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
