"""Issue 19, a policy reader's list: the matters between China and Japan that the texts name
(data/open-matters.yaml), shown in chapter 1 with the texts that name each, their dates and their words."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml
from bs4 import BeautifulSoup

from cjreport.data.quotations import fold
from tests.unit.test_schema import ROOT, check, edit


@pytest.fixture(scope="module")
def matters(evidence):
    return yaml.safe_load((evidence.data_dir / "open-matters.yaml").read_text(encoding="utf-8"))["matters"]


def test_every_matter_is_a_row_with_the_texts_that_name_it_and_their_words(html_dir, evidence, matters):
    """Read from the built page, against the data file read with yaml: a row per matter, grouped by theme in the
    codebook's order (each row naming its theme), the label as written, the texts that name it
    (earliest first), and one link per quotation to its words, the words shown verbatim."""
    quotes = {q["id"]: q for q in yaml.safe_load((evidence.data_dir / "quotations.yaml").read_text(encoding="utf-8"))}
    sources = {str(s["id"]): s for s in yaml.safe_load((evidence.data_dir / "sources.yaml").read_text(encoding="utf-8"))}
    themes = yaml.safe_load((evidence.data_dir / "codebook.yaml").read_text(encoding="utf-8"))["themes"]
    order = [t["id"] for t in themes]
    short = {t["id"]: t["short"] for t in themes}
    ordered = sorted(matters, key=lambda m: order.index(m["theme"]))  # a stable sort keeps the file's order within
    soup = BeautifulSoup((html_dir / "book" / "essay.html").read_text(encoding="utf-8"), "html.parser")
    table = soup.find(id="table-open-matters")
    assert table is not None
    rows = table.find("tbody").find_all("tr")
    assert len(rows) == len(matters)
    for row, matter in zip(rows, ordered):
        theme, label, named, words = row.find_all("td")
        assert fold(theme.get_text(" ")).strip() == short[matter["theme"]], matter["id"]
        assert fold(label.get_text(" ")).strip() == fold(matter["label"]), matter["id"]
        naming = sorted({str(quotes[q]["source"]) for q in matter["quotations"]}, key=lambda s: str(sources[s]["date"]))
        shown = fold(named.get_text(" ")).strip()
        names = [("the " if evidence.sources[s].short_name.endswith("fellows") else "") + evidence.sources[s].short_name
                 for s in naming]
        assert shown == ", ".join(names), (matter["id"], shown)
        links = words.find_all("a")
        assert len(links) == len(matter["quotations"]), matter["id"]
        for a, qid in zip(links, matter["quotations"]):
            assert a["href"].endswith(f"#quote-{qid}") or a["href"].endswith(f"#{qid}"), (matter["id"], qid)
            text = fold(a.get_text(" "))
            quoted = text[text.index("“") + 1:text.rindex("”")]
            assert quoted in fold(quotes[qid]["text"]), (matter["id"], qid, quoted)
            if qid in (matter.get("words") or {}):
                assert quoted == fold(matter["words"][qid]).strip(), (matter["id"], qid)


def test_an_unknown_quotation_is_one_line(data_copy):
    edit(data_copy / "open-matters.yaml", "quotations: [q000-vessels-overreacting]", "quotations: [q000-no-such-thing]")
    message = check(data_copy)
    assert message.startswith("error: data/open-matters.yaml:") and "q000-no-such-thing" in message


def test_a_label_that_quotes_is_one_line(data_copy):
    edit(data_copy / "open-matters.yaml", "label: Buoys off the Senkaku Islands", "label: “Buoys” off the Senkaku Islands")
    message = check(data_copy)
    assert message.startswith("error: data/open-matters.yaml:") and "[buoys]" in message and "quotes nothing" in message


def test_words_not_in_the_quotation_are_one_line(data_copy):
    edit(data_copy / "open-matters.yaml", "militarization of the South China Sea", "militarisation of the South China Sea")
    message = check(data_copy)
    assert message.startswith("error: data/open-matters.yaml:") and "not verbatim" in message


def test_two_broken_matters_are_reported_in_one_run(data_copy):
    edit(data_copy / "open-matters.yaml", "quotations: [q000-vessels-overreacting]", "quotations: [q000-no-such-thing]")
    edit(data_copy / "open-matters.yaml", "quotations: [q000-ukraine, q004-china-russia]", "quotations: [q000-ukraine, q004-china-russia, q004-china-russia]")
    result = subprocess.run([sys.executable, "-m", "cjreport.build", "--check"], env={**os.environ, "CJREPORT_DATA": str(data_copy)},
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode != 0 and len(lines) == 2, result.stderr[-2000:]
    assert all(line.startswith("error: data/open-matters.yaml:") for line in lines), lines
    assert "Traceback" not in result.stderr


def test_a_matter_under_an_unknown_theme_is_one_line(data_copy):
    edit(data_copy / "open-matters.yaml", "    theme: diplomacy\n    label: Talks", "    theme: economics\n    label: Talks")
    message = check(data_copy)
    assert message.startswith("error: data/open-matters.yaml:") and "[talks]" in message and "economics" in message
