"""What a reader takes away works away from the repository (issue 21): the wheel with the data inside, the
notebooks run from an empty folder in a fresh virtual environment, the source archive of the edition."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from lxml import etree

from cjreport.exports import distribution
from cjreport import edition, exports

ROOT = Path(__file__).resolve().parents[2]


def _wheel(html_dir: Path) -> Path:
    return html_dir / "downloads" / "python" / distribution.wheel_name(ROOT)


def test_wheel_carries_the_package_and_the_repositorys_data(html_dir):
    wheel = zipfile.ZipFile(_wheel(html_dir))
    names = set(wheel.namelist())
    for path in sorted((ROOT / "cjreport").glob("*.py")):
        assert f"cjreport/{path.name}" in names, path.name
    data = sorted(p for p in (ROOT / "data").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert data
    for path in data:  # the repository's data/ is the one source: the wheel's copy is byte for byte the same
        rel = path.relative_to(ROOT).as_posix()
        assert f"cjreport/_project/{rel}" in names, f"the wheel lacks {rel}"
        assert wheel.read(f"cjreport/_project/{rel}") == path.read_bytes(), rel
    packaged = {n for n in names if n.startswith("cjreport/_project/data/")}
    assert len(packaged) == len(data), sorted(packaged)
    metadata = wheel.read(f"cjreport-{edition.version()}.dist-info/METADATA").decode()
    assert f"Version: {edition.version()}" in metadata
    assert (html_dir / "downloads" / "python" / "requirements.txt").read_bytes() == (ROOT / "requirements.txt").read_bytes()


def test_wheel_is_reproducible(tmp_path, monkeypatch):
    """Two wheels built from the same files are the same file (entries dated by SOURCE_DATE_EPOCH)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764979200")
    first = distribution.build_wheel(ROOT, tmp_path / "a").read_bytes()
    second = distribution.build_wheel(ROOT, tmp_path / "b").read_bytes()
    assert first == second


def test_source_archive_is_the_commit(html_dir):
    archive = html_dir / "downloads" / "source" / distribution.source_archive_name(ROOT)
    committed = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", "HEAD"],
                               capture_output=True, text=True, check=True).stdout.split()
    with tarfile.open(archive) as tar:
        members = {m.name.split("/", 1)[1]: m for m in tar.getmembers() if m.isfile()}
        assert sorted(members) == sorted(committed), "the archive is not the checked-out commit"
        for name in ("CITATION.cff", "data/sources.yaml", "cjreport/exports/__init__.py", "Makefile"):
            committed = subprocess.run(["git", "-C", str(ROOT), "show", f"HEAD:{name}"], capture_output=True, check=True).stdout
            assert tar.extractfile(members[name]).read() == committed, name
    again = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar.gz",
                            f"--prefix={archive.name.removesuffix('.tar.gz')}/", "HEAD"], capture_output=True, check=True).stdout
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(archive.read_bytes()).hexdigest(), "archive not reproducible"


def test_project_root_falls_back_to_the_wheels_copy(tmp_path):
    """Installed (no repository around the package), the package reads the copy the wheel carries."""
    wheel = distribution.build_wheel(ROOT, tmp_path / "dist")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import cjreport, cjreport.bundle as b, cjreport.data.evidence as e; "
            "print(cjreport.__file__); print(b.project_root()); print(e.DEFAULT_DATA_DIR); "
            "print(len(cjreport.load().sources))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={**_clean_env(), "PYTHONPATH": str(site)})
    assert out.returncode == 0, out.stderr[-2000:]
    module, root, data, n = out.stdout.split("\n")[:4]
    assert module.startswith(str(site)) and root == str(site / "cjreport" / "_project")
    assert data == str(site / "cjreport" / "_project" / "data")
    assert int(n) == len(exports.load().sources)


def _clean_env() -> dict[str, str]:
    """The environment without anything that points back at this repository or its venv."""
    drop = ("PYTHONPATH", "CJREPORT_DATA", "CJREPORT_TARGET", "VIRTUAL_ENV", "JUPYTER_PATH", "JUPYTER_CONFIG_DIR")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if str(ROOT) not in p)
    return env


RUN_ALL = r"""
import json, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient
import cjreport, cjreport.data.evidence

print(json.dumps({"package": cjreport.__file__, "data": str(cjreport.data.evidence.DEFAULT_DATA_DIR)}), flush=True)
for path in sorted(Path.cwd().glob("*.ipynb")):
    nb = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(Path.cwd())}}).execute()
        error = ""
    except Exception as exc:
        error = f"{type(exc).__name__}: {str(exc)[-600:]}"
    print(json.dumps({"notebook": path.name, "seconds": round(time.perf_counter() - started, 1), "error": error}), flush=True)
"""


@pytest.mark.slow
def test_downloaded_notebooks_run_from_an_empty_folder_in_a_fresh_venv(tmp_path, html_dir):
    """The downloads page's two commands in a new virtual environment outside the repository (the pinned
    requirements from the registry, as configured for pip on this machine, and the offered wheel), then every
    downloaded notebook copied into an empty folder and executed there with nbclient."""
    downloads = html_dir / "downloads"
    venv = tmp_path / "venv"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=_clean_env())
    python = venv / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-compile", "-r",
                              str(downloads / "python" / "requirements.txt"), str(_wheel(html_dir))],
                             capture_output=True, text=True, env=_clean_env(), cwd=tmp_path)
    assert install.returncode == 0, install.stderr[-3000:]
    installed = time.perf_counter() - started
    folder = tmp_path / "empty"
    folder.mkdir()
    notebooks = sorted((downloads / "notebooks").glob("*.ipynb"))
    assert len(notebooks) == len([d for d in exports.toc_docnames() if exports.is_notebook(d)])
    for path in notebooks:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "run_all.py").write_text(RUN_ALL, encoding="utf-8")
    env = {**_clean_env(), "HOME": str(tmp_path / "home"), "PATH": f"{venv / 'bin'}{os.pathsep}{_clean_env()['PATH']}"}
    ran = subprocess.run([str(python), "run_all.py"], cwd=folder, capture_output=True, text=True, env=env, timeout=1200)
    lines = [json.loads(line) for line in ran.stdout.splitlines() if line.startswith("{")]
    assert ran.returncode == 0 and lines, ran.stderr[-3000:]
    where = lines[0]
    assert where["package"].startswith(str(venv)) and where["data"].startswith(str(venv)), where
    results = lines[1:]
    failed = {r["notebook"]: r["error"] for r in results if r["error"]}
    print(f"\ninstall {installed:.0f} s; " + ", ".join(f"{r['notebook']} {r['seconds']} s" for r in results))
    assert not failed, failed
    assert [r["notebook"] for r in results] == [p.name for p in notebooks]


# --- notebooks that read anywhere ------------------------------------------------------------------------

# MyST that a CommonMark renderer would show as text: roles, directives, colon fences, attribute blocks.
MYST = re.compile(r"\{(?:eval|doc|ref|numref|term|cite(?::\w+)?|glue(?::\w+)?|code-cell|list-table|only|raw|grid[\w-]*)\}"
                  r"|^\s*:::|\{\.cj-[\w-]+\}", re.M)


def _notebooks(html_dir: Path) -> list[Path]:
    return sorted((html_dir / "downloads" / "notebooks").glob("*.ipynb"))


def test_notebooks_in_nbconvert_show_no_myst_and_every_chart_as_an_image(html_dir):
    """nbconvert's HTML (what nbviewer shows): no MyST syntax in the text, and every chart of the book's page
    is there as a static image, which needs no JavaScript."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    notebooks = _notebooks(html_dir)
    assert len(notebooks) == len([d for d in exports.toc_docnames() if exports.is_notebook(d)])
    charts_seen = 0
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        assert not MYST.search(markdown), f"{path.name}: MyST in a Markdown cell: {MYST.search(markdown)[0]!r}"
        body, _ = exporter.from_notebook_node(nbformat.reads(path.read_text(encoding="utf-8"), as_version=4))
        soup = BeautifulSoup(body, "html.parser")
        for hidden in soup.select("script, style"):
            hidden.decompose()
        text = soup.get_text(" ")
        assert not MYST.search(text), f"{path.name}: nbconvert shows MyST: {text[max(0, MYST.search(text).start() - 80):][:200]!r}"
        page = BeautifulSoup((html_dir / "book" / f"{path.stem}.html").read_text(encoding="utf-8"), "html.parser")
        charts = len(page.select("article div.cj-chart"))
        images = soup.select('div.cj-chart img[src^="data:image/png;base64,"]')
        assert len(images) == charts, f"{path.name}: {charts} charts on the page, {len(images)} static images in nbconvert"
        for img in images:
            png = base64.b64decode(img["src"].split(",", 1)[1])
            assert png[:8] == b"\x89PNG\r\n\x1a\n" and img.get("alt") and int(img["width"]) >= 300, path.name
        outputs = [o for c in nb["cells"] for o in c.get("outputs", []) if "cj-chart" in "".join(o.get("data", {}).get("text/html", ""))]
        assert len(outputs) == charts and all("image/png" in o["data"] for o in outputs), path.name
        charts_seen += charts
    assert charts_seen >= len(exports.CHARTS)


def test_notebook_links_and_references(html_dir):
    """Cross-references lead to the book's pages (from the notebook's place in the downloads), and the works a
    chapter cites are listed at its end, "Author (year)" in the text."""
    from bs4 import BeautifulSoup
    from pybtex.database import parse_string

    from cjreport.views import jupyter_html

    bib = parse_string(jupyter_html.bibliography_text(), "bibtex").entries
    cite = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")
    for path in _notebooks(html_dir):
        nb = json.loads(path.read_text(encoding="utf-8"))
        chapter = (ROOT / "book" / f"{path.stem}.md").read_text(encoding="utf-8")
        markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        outputs = "\n".join("".join(o.get("data", {}).get("text/markdown", "")) for c in nb["cells"] for o in c.get("outputs", []))
        for href in re.findall(r"\]\(([^)\s]+)\)", markdown + outputs):
            if href.startswith(("http://", "https://", "mailto:", "#")):
                continue
            target = (path.parent / href.split("#")[0]).resolve()
            assert target.is_file(), f"{path.name}: link {href} leads nowhere"
            assert "_build" not in href
        # headings keep their levels (docutils would renumber a cell's headings from the first it meets)
        from cjreport.exports.portable import _levels

        headings = [len(m[1]) for c in nb["cells"] if c["cell_type"] == "markdown"
                    for m in re.finditer(r"^(#{1,6}) (?!References$)", "".join(c["source"]), re.M)]
        assert headings == _levels(chapter.split("\n---\n", 1)[-1]), path.name
        # the works the book's page cites (each links to its bibliography entry) are the notebook's references
        page = BeautifulSoup((html_dir / "book" / f"{path.stem}.html").read_text(encoding="utf-8"), "html.parser")
        works = {a["href"] for a in page.select('article a[href*="bibliography.html#"]')}
        last = "".join(nb["cells"][-1]["source"])
        listed = [line for line in last.splitlines() if line.startswith("- ")] if last.startswith("# References") else []
        assert len(listed) == len(works), f"{path.name}: the page cites {len(works)} works, the notebook lists {len(listed)}"
        keys = {k.strip() for g in cite.findall(chapter) for k in g.split(",") if k.strip()}
        if keys:
            for key in keys:
                title = " ".join(bib[key].fields["title"].replace("{", "").replace("}", "").split())
                # the reference style sets titles in sentence case (pybtex), so compare without case
                assert title[:40].lower() in last.replace("\\", "").lower(), f"{path.name}: {key} is not in the reference list"


# --- the REFI-QDA project, read by an independent reader --------------------------------------------------

def test_qdpx_read_back_gives_every_cell_and_every_sources_record(html_dir):
    """The archive read with zipfile and lxml only (not the project's writer), against data/ read with csv and
    yaml: every question × source cell has its stance code on a selection of that source's text (never on
    the source as a whole, which QDA importers drop), and every source its author, outlet and date."""
    import csv

    import yaml

    QDA = "{urn:QDA-XML:project:1.0}"
    codebook = yaml.safe_load((ROOT / "data" / "codebook.yaml").read_text(encoding="utf-8"))
    labels = {s["id"]: s["label"] for s in codebook["stances"]}
    with open(ROOT / "data" / "coding.csv", encoding="utf-8", newline="") as handle:
        cells = {(r["question"], r["source"]): r["stance"] for r in csv.DictReader(handle)}
    sources = {s["id"]: s for s in yaml.safe_load((ROOT / "data" / "sources.yaml").read_text(encoding="utf-8"))}
    archive = zipfile.ZipFile(html_dir / "downloads" / "qda" / exports.QDPX_NAME)
    project = etree.fromstring(archive.read("project.qde"))
    code_names = {c.get("guid"): c.get("name") for c in project.iter(f"{QDA}Code")}
    variables = {v.get("guid"): v.get("name") for v in project.iter(f"{QDA}Variable")}
    found: dict[tuple[str, str], set[str]] = {}
    for node in project.iter(f"{QDA}TextSource"):
        sid = node.get("name").split()[0]
        assert not node.findall(f"{QDA}Coding"), f"source {sid}: a coding on the whole source (importers drop it)"
        text = archive.read("sources/" + node.get("plainTextPath").removeprefix("internal://")).decode("utf-8")
        for selection in node.iter(f"{QDA}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert 0 <= start < end <= len(text)
            for ref in selection.iter(f"{QDA}CodeRef"):
                question, _, label = code_names[ref.get("targetGUID")].partition(": ")
                if label in labels.values() and any(question == q for q, _ in cells):
                    found.setdefault((question, sid), set()).add(label)
        record = {variables[v.find(f"{QDA}VariableRef").get("targetGUID")]: v.findtext(f"{QDA}TextValue")
                  for v in node.findall(f"{QDA}VariableValue")}
        for field in ("author", "outlet", "date"):
            assert record.get(field) == str(sources[sid][field]), (sid, field, record.get(field))
    assert set(found) == set(cells), sorted(set(cells) ^ set(found))
    for cell, stance in cells.items():
        assert found[cell] == {labels[stance]}, (cell, stance, found[cell])
    assert sum(1 for s in cells.values() if s == "not_addressed") == sum(1 for c in cells if found[c] == {labels["not_addressed"]})


# --- the citable edition ---------------------------------------------------------------------------------

def test_citation_files_parse_with_reference_manager_libraries(html_dir):
    """The downloads' BibTeX (bibtexparser) and RIS (rispy) carry the title, the authors, the edition's year,
    date and version from CITATION.cff, and no empty field."""
    import bibtexparser
    import rispy
    import yaml

    cff = yaml.safe_load((html_dir / "downloads" / "cite" / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["version"] == edition.version() and str(cff["date-released"]) == edition.date_released()
    assert ("repository-code" in cff) == bool(edition.repository_url())
    library = bibtexparser.parse_string((html_dir / "downloads" / "cite" / "citation.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks and len(library.entries) == 1
    entry = library.entries[0]
    fields = {f.key: f.value for f in entry.fields}
    assert entry.entry_type == "techreport"
    assert fields["title"].strip("{}") == cff["title"] and fields["year"] == edition.date_released()[:4]
    assert fields["date"] == edition.date_released() and fields["version"] == edition.version()
    assert fields["institution"] and all(str(v).strip("{} ") for v in fields.values()), fields
    ris = rispy.loads((html_dir / "downloads" / "cite" / "citation.ris").read_text(encoding="utf-8"))
    assert len(ris) == 1
    record = ris[0]
    assert record["type_of_reference"] == "RPRT" and record["title"] == cff["title"]
    assert record["authors"] == [a["name"] for a in cff["authors"]]
    assert record["year"] == edition.date_released()[:4] and record.get("edition") == edition.version()
    assert record["date"] == edition.date_released().replace("-", "/")


def test_every_page_carries_citation_metadata(html_dir):
    """Highwire (Zotero, Google Scholar), Dublin Core, Open Graph, a description and a schema.org Report with its
    chapters, on every page; the root page has a title."""
    from bs4 import BeautifulSoup

    pages = [html_dir / "index.html", *sorted((html_dir / "book").glob("*.html"))]
    chapters = exports.toc_docnames()
    assert len(pages) >= len(chapters) + 1
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        meta = {}
        for tag in soup.select("head meta[name], head meta[property]"):
            meta.setdefault(tag.get("name") or tag.get("property"), []).append(tag["content"])
        where = page.relative_to(html_dir)
        assert meta.get("citation_title") and meta.get("citation_author"), where
        assert meta["citation_publication_date"] == [edition.date_released().replace("-", "/")], where
        pdf = meta["citation_pdf_url"][0]
        assert pdf.endswith("_static/china-japan-security.pdf"), where
        if not pdf.startswith("http"):
            assert (page.parent / pdf).resolve() == (html_dir / "_static" / "china-japan-security.pdf").resolve(), where
        assert len(meta["description"][0]) >= 40, where
        for name in ("DC.title", "DC.creator", "DC.date", "og:title", "og:description", "og:type"):
            assert meta.get(name), (where, name)
        assert soup.title and soup.title.get_text(strip=True), f"{where} has no title"
        records = [json.loads(s.get_text()) for s in soup.select('script[type="application/ld+json"]')]
        assert len(records) == 1, where
        report = records[0]
        assert report["@type"] == "Report" and report["datePublished"] == edition.date_released()
        assert len(report["hasPart"]) == len(chapters)
        for part, doc in zip(report["hasPart"], chapters):
            target = part["url"] if part["url"].startswith("http") else (page.parent / part["url"]).resolve()
            assert str(target).endswith(f"{doc}.html"), (where, part)
            if not part["url"].startswith("http"):
                assert Path(target).is_file(), (where, part["url"])
    root = BeautifulSoup((html_dir / "index.html").read_text(encoding="utf-8"), "html.parser")
    home = BeautifulSoup((html_dir / "book" / "intro.html").read_text(encoding="utf-8"), "html.parser")
    assert root.title.get_text(strip=True) == home.select_one('meta[name="citation_title"]')["content"]


def test_page_metadata_names_the_configured_addresses(monkeypatch, tmp_path):
    """With a published address configured, the tags carry absolute URLs; without one, nothing points outside."""
    from cjreport.sphinx_ext import page_meta

    monkeypatch.setattr(edition, "book_url", lambda root=None: "https://example.org/cj/")
    head = page_meta.tags("T", "P", "A description long enough to be one.", page_meta._absolute("_static/x.pdf", "../"),
                          page_meta._absolute("book/intro.html", "../"), [("Intro", page_meta._absolute("book/intro.html", "../"))],
                          edition.book_url())
    assert 'name="citation_pdf_url" content="https://example.org/cj/_static/x.pdf"' in head
    assert 'property="og:url" content="https://example.org/cj/book/intro.html"' in head
    monkeypatch.setattr(edition, "book_url", lambda root=None: "")
    head = page_meta.tags("T", "P", "A description long enough to be one.", page_meta._absolute("_static/x.pdf", "../"),
                          page_meta._absolute("book/intro.html", "../"), [], edition.book_url())
    assert "https://example.org" not in head and "og:url" not in head and 'content="../_static/x.pdf"' in head


# --- the data dictionary ---------------------------------------------------------------------------------

def test_datapackage_describes_every_table_and_frictionless_validates_it(html_dir, evidence):
    from frictionless import Package, validate

    downloads = html_dir / "downloads"
    descriptor = json.loads((downloads / "datapackage.json").read_text(encoding="utf-8"))
    tables = {item.path for item in exports.catalogue(evidence) if item.path.endswith(".csv")}
    assert {r["path"] for r in descriptor["resources"]} == tables
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            assert field["description"].strip() and field["type"], (resource["path"], field["name"])
            if field["name"] in ("id", "source", "question"):
                assert field["type"] == "string", (resource["path"], field["name"])
    coding = next(r for r in descriptor["resources"] if r["path"] == "data/coding.csv")
    stance = next(f for f in coding["schema"]["fields"] if f["name"] == "stance")
    assert stance["constraints"]["enum"] == [s.id for s in evidence.codebook.stances]
    report = validate(str(downloads / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    # pandas, told the types the dictionary gives, keeps source "000" a string
    rows = Package(str(downloads / "datapackage.json")).get_resource("sources").read_rows()
    assert [row["id"] for row in rows] == list(evidence.sources)
    frame = pd.read_csv(downloads / "data" / "sources.csv", dtype=str, keep_default_na=False)
    for sid, source in evidence.sources.items():
        row = frame[frame["id"] == sid].iloc[0]
        assert (row["author"], row["outlet"], row["date"], row["kind"], row["sha256"]) == \
            (source.author, source.outlet, source.date, source.kind, source.sha256)


def test_frictionless_refuses_a_table_that_breaks_its_dictionary(html_dir, tmp_path):
    import shutil

    from frictionless import validate

    copy = tmp_path / "downloads"
    shutil.copytree(html_dir / "downloads" / "data", copy / "data")
    shutil.copytree(html_dir / "downloads" / "charts", copy / "charts")
    shutil.copyfile(html_dir / "downloads" / "datapackage.json", copy / "datapackage.json")
    coding = (copy / "data" / "coding.csv").read_text(encoding="utf-8").split("\n")
    coding[1] = coding[1].replace(",not_addressed,", ",maybe,").replace(",supports,", ",maybe,").replace(",opposes,", ",maybe,")
    (copy / "data" / "coding.csv").write_text("\n".join(coding), encoding="utf-8")
    report = validate(str(copy / "datapackage.json"))
    assert not report.valid
    assert "constraint-error" in {row[0] for row in report.flatten(["type"])}
