"""A maintainer adds a sixth source with the authoring tools only (README, "Add a source"), into a copy of the
project: the data check passes, the book builds, and the source is in every table, chart, the index and the
appendix; the title counts it; the data tests stay green on the larger corpus. The article is made up.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from tests import fixturebook as fx

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

ARTICLE = """Test source: Harbour Lights over the East China Sea

By Avery Testwright

This is a made-up article written for the test suite of this book; no such text was ever published.

The alliance between Washington and Tokyo, in this fictional author’s view, keeps the region calmer than it would otherwise be.

A fictional ministry spokesperson said that “patrols near the islands will continue as planned” and declined to say more.

Nothing in this invented piece should be read as the view of any real person or institution.

Comments

Test Reader: an invented reader comment, which is never the author’s view.
"""


def run(*args, env, check=True, timeout=120):
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def sixth(tmp_path_factory):
    root = tmp_path_factory.mktemp("sixth")
    shutil.copytree(ROOT / "book", root / "book", ignore=shutil.ignore_patterns("_generated"))
    for name in ("_config.yml", "_toc.yml", "CITATION.cff"):  # the build reads CITATION.cff (How to cite)
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "data", root / "data")
    data = root / "data"
    env = {**os.environ, "CJREPORT_DATA": str(data)}
    sid = fx.SID
    article = root / "harbour-lights.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    run("-m", "cjreport", "scaffold", str(article), "--bibkey", "testwright2026",
        "--title", "Test source: Harbour Lights over the East China Sea", "--outlet", "Test Source Quarterly (fictional)",
        "--author", "Avery Testwright", "--affiliation", "Fictional Institute for Test Studies", "--date", "2026-03-14",
        "--date-basis", "Printed as 14 March 2026 (fictional)", "--kind", "opinion",
        "--reliability", "A made-up test article written for the test suite; not a real publication.", env=env)
    # Straight after scaffolding, the placeholders stop the build, in one line.
    placeholder = run("-m", "cjreport.build", "--check", env=env, check=False)
    assert placeholder.returncode != 0 and "placeholder" in placeholder.stderr and len(placeholder.stderr.strip().splitlines()) == 1
    author_q, reported_q = f"q{sid}-calmer", f"q{sid}-patrols"
    run("-m", "cjreport", "anchor", sid, "keeps the region calmer than it would otherwise be", "--id", author_q,
        "--theme", "alliance", "--speaker", "Avery Testwright", "--append", env=env)
    run("-m", "cjreport", "anchor", sid, "patrols near the islands will continue as planned", "--id", reported_q,
        "--theme", "territory", "--speaker", "A fictional ministry spokesperson", "--voice", "reported",
        "--reported-by", "Avery Testwright", "--append", env=env)
    # The maintainer codes the source: replace the scaffold's TODO rows.
    codebook = yaml.safe_load((data / "codebook.yaml").read_text(encoding="utf-8"))
    first_alliance = next(t for t in codebook["themes"] if t["id"] == "alliance")["questions"][0]["id"]
    first_territory = next(t for t in codebook["themes"] if t["id"] == "territory")["questions"][0]["id"]
    rows = list(csv.reader(io.StringIO((data / "coding.csv").read_text(encoding="utf-8"), newline="")))
    for row in rows:
        if row[1] == sid:
            row[3] = "Test source: the made-up article says nothing on this."
            if row[0] == first_alliance:
                row[2:] = ["supports", "Test source: the author says the alliance keeps the region calmer.", author_q]
            elif row[0] == first_territory:
                row[2:] = ["reports", "Test source: the author only reports a spokesperson on patrols.", reported_q]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (data / "coding.csv").write_text(out.getvalue(), encoding="utf-8")
    record = yaml.safe_load((data / "sources.yaml").read_text(encoding="utf-8"))[-1]
    fx.add_companions(data, sid, ARTICLE, [(p["start"], p["end"]) for p in record["parts"] if p["kind"] == "body"],
                      first_quote=author_q)
    check = run("-m", "cjreport.build", "--check", env=env)
    out_dir = root / "_build"
    run("-m", "cjreport.build", "--root", str(root), "--out", str(out_dir), env=env, timeout=1200)
    return root, data, out_dir, sid, record, check.stdout


def _page(out: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((out / "html" / "book" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def test_scaffold_guessed_the_parts(sixth):
    root, data, out, sid, record, _ = sixth
    kinds = [(p["kind"], p.get("label")) for p in record["parts"]]
    assert kinds == [("furniture", "header"), ("body", None), ("furniture", "comments header"), ("comments", "reader comments")]
    sums = (data / "texts" / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"{record['sha256']}  {record['file']}" in sums


def test_sixth_source_in_every_table_chart_index_and_appendix(sixth):
    root, data, out, sid, record, check = sixth
    assert "6 sources" in check
    name = "Testwright"  # readers see the short name; the id stays a link target
    profiles = _page(out, "sources").find("table", id="table-source-profiles").get_text(" ")
    assert name in profiles and "Avery Testwright" in profiles
    assert name in _page(out, "synthesis").find("table", class_="cj-stances").get_text(" ")
    assert f"q{sid}-calmer" in _page(out, "quotation-index").find("table", class_="cj-datatable").get_text(" ")
    assert _page(out, "appendix").find(id=f"source-{sid}") is not None
    for chapter in ("synthesis", "framing", "sources"):
        specs = _page(out, chapter).select("script.cj-chart-spec")
        assert specs, chapter
        assert any(name in json.dumps(json.loads(s.string), ensure_ascii=False) for s in specs), chapter
    bibliography = _page(out, "bibliography").get_text(" ")
    assert "Testwright" in bibliography and "Harbour Lights" in bibliography


def test_title_counts_the_sources(sixth):
    root, data, out, sid, record, _ = sixth
    intro = _page(out, "intro")
    assert intro.find("h1").get_text().startswith("China–Japan security relations in six sources")
    assert "six sources" in intro.find("title").get_text()


def test_data_tests_stay_green_on_six_sources(sixth):
    root, data, out, sid, record, _ = sixth
    env = {**os.environ, "CJREPORT_DATA": str(data)}
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "tests/test_coding.py",
                             "tests/test_vocab.py", "-k", "not html"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
