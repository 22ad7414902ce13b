"""The book's downloads, written from data/ by the HTML build: tables, charts, notebooks, exchange formats.

Every file is a pure function of data/, the package and the executed notebooks: no clock, no random ids
(GUIDs are uuid5 of stable ids, zip entries carry a fixed date), so two builds of one commit match byte
for byte. `catalogue()` lists what `write_downloads()` writes; the downloads page shows the catalogue and
the tests check that every entry of it exists.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import yaml

from cjreport import edition
from cjreport.chapters import fold_values_into_prose, is_notebook, notebook_name, toc_docnames
from cjreport.data import excerpts
from cjreport.data.evidence import Evidence, Segment, load
from cjreport.exports import datapackage, distribution, portable
from cjreport.project import ROOT, build_date, commit  # ROOT: the repository, or its copy in an installed wheel
from cjreport.views.markup import Markdown, escape, list_table
from cjreport.views.style import stance_colour

DOWNLOADS = "downloads"  # directory of the HTML output that holds every download
QDPX_NAME = "china-japan-security.qdpx"
STATIC_WIDTH = 640  # px: the width the downloadable PNG and SVG are drawn at; the tests check they agree
CHARTS = ("stance_matrix", "coverage", "timeline", "vocabulary", "actors")  # functions of cjreport.charts
# One namespace for every GUID and annotation id: uuid5(namespace, kind + ":" + id) is stable across builds.
NAMESPACE = uuid.UUID("6f1c1f2e-9a55-5a53-8b1e-3c6a1d0c2a10")
QDA_NS = "urn:QDA-XML:project:1.0"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry; any fixed date keeps builds equal


@dataclass(frozen=True)
class Download:
    path: str  # relative to the downloads directory, with forward slashes
    group: str
    description: str


def guid(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def _ev(evidence: Evidence | None) -> Evidence:
    return evidence or load()


def published_second_coding(evidence: Evidence | None = None) -> str:
    """coding-second.csv as this edition's downloads carry it: as the second coder left it (local edition), or
    with every excerpt from a paragraph the book does not quote withheld (public edition)."""
    ev = _ev(evidence)
    text = (ev.data_dir / "coding-second.csv").read_text(encoding="utf-8")
    if not edition.is_public():
        return text
    rows = list(csv.DictReader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(excerpts.redact_excerpts(rows, ev.sources, ev.quotations.values()))
    return out.getvalue()


def published_text(sid: str, evidence: Evidence | None = None) -> str:
    """A source's text as this edition's downloads carry it: in full (local edition), or with every paragraph the
    book does not quote blanked character by character, so offsets still hold (public edition)."""
    ev = _ev(evidence)
    source = ev.sources[sid]
    return excerpts.redact(source, ev.quotes_for(source=sid)) if edition.is_public() else source.text


# --- tables -------------------------------------------------------------------------------------------

def coding_frame(evidence: Evidence | None = None) -> pd.DataFrame:
    """The final coding (after adjudication: the one the book shows), one row per question × source, with the codebook's words beside the ids."""
    ev = _ev(evidence)
    rows = []
    for theme in ev.codebook.themes:
        for question in theme.questions:
            for sid, source in ev.sources.items():
                code = ev.coding[(question.id, sid)]
                rows.append({"question": question.id, "source": sid, "stance": code.stance, "rationale": code.rationale,
                             "quotations": " ".join(code.quotations), "theme": theme.id,
                             "proposition": question.proposition, "source_name": source.short_name,
                             "stance_label": ev.codebook.stance(code.stance).label})
    return pd.DataFrame(rows)


def coding_matrix(evidence: Evidence | None = None) -> pd.DataFrame:
    """Questions × sources, each cell the stance id: the matrix QDA tools call code × document."""
    ev = _ev(evidence)
    frame = coding_frame(ev)
    matrix = frame.pivot(index="question", columns="source", values="stance")
    matrix = matrix.loc[list(ev.codebook.questions), list(ev.sources)]
    matrix.columns = [f"{sid} {ev.sources[sid].short_name}" for sid in matrix.columns]
    return matrix.reset_index()


def quotations_frame(evidence: Evidence | None = None) -> pd.DataFrame:
    """Every quotation with its anchor in the source (exact text, position in code points) and the cells it supports."""
    ev = _ev(evidence)
    supports = {qid: [f"{c.question}:{c.stance}" for c in codes] for qid, codes in ev.citing.items()}
    rows = []
    for q in ev.quotations.values():
        text = ev.sources[q.source].text
        rows.append({"id": q.id, "source": q.source, "theme": q.theme, "speaker": q.speaker, "voice": q.voice,
                     "reported_by": q.reported_by, "part": q.part, "start": q.start, "end": q.end,
                     "exact": text[q.start:q.end], "gist": q.gist,
                     "supports": " ".join(supports.get(q.id, []))})
    return pd.DataFrame(rows)


def events_frame(evidence: Evidence | None = None) -> pd.DataFrame:
    ev = _ev(evidence)
    return pd.DataFrame([{"id": e.id, "date": e.date, "precision": e.precision, "event": e.event,
                          "sources": " ".join(e.sources), "quotations": " ".join(e.quotations)} for e in ev.events])


def _write_table(frame: pd.DataFrame, target: Path, *, json_too: bool = True) -> None:
    frame.to_csv(target.with_suffix(".csv"), index=False, lineterminator="\n")
    if json_too:
        target.with_suffix(".json").write_text(
            frame.to_json(orient="records", force_ascii=False, indent=1) + "\n", encoding="utf-8")


# --- W3C Web Annotations --------------------------------------------------------------------------------

ANNOTATION_CONTEXT = [
    "http://www.w3.org/ns/anno.jsonld",
    # Terms the Web Annotation vocabulary lacks: who speaks in the quoted passage, and the text's checksum.
    {"cj": "urn:x-cjreport:vocab#", "speaker": "cj:speaker", "voice": "cj:voice", "reportedBy": "cj:reportedBy",
     "sha256": "cj:sha256", "quotation": "cj:quotation"},
]
CONTEXT_CHARS = 32  # characters of prefix and suffix, as Hypothes.is stores them


def web_annotations(evidence: Evidence | None = None) -> dict:
    """Every quotation as a W3C Web Annotation (JSON-LD), in one AnnotationCollection.

    The target is the source text (identified by file and SHA-256) with a TextQuoteSelector (exact, prefix,
    suffix) and a TextPositionSelector (start/end in Unicode code points, as the W3C model counts them);
    the bodies are the quotation's theme and the coded cells (question: stance) it supports.
    """
    ev = _ev(evidence)
    supports = {qid: [(c.question, c.stance) for c in codes] for qid, codes in ev.citing.items()}
    items = []
    texts = {sid: published_text(sid, ev) for sid in ev.sources}
    for q in ev.quotations.values():
        source = ev.sources[q.source]
        text = texts[q.source]
        bodies = [{"type": "TextualBody", "purpose": "classifying", "value": f"theme: {q.theme}"}]
        bodies += [{"type": "TextualBody", "purpose": "tagging", "value": f"{question}: {stance}"}
                   for question, stance in sorted(supports.get(q.id, []))]
        annotation = {
            "id": f"urn:uuid:{guid('annotation', q.id)}", "type": "Annotation", "motivation": "classifying",
            "quotation": q.id, "speaker": q.speaker, "voice": q.voice, "body": bodies,
            "target": {
                "source": {"id": f"../texts/{source.file}", "type": "Text", "format": "text/plain",
                           "language": source.language, "sha256": source.sha256},
                "selector": [
                    {"type": "TextQuoteSelector", "exact": text[q.start:q.end],
                     "prefix": text[max(0, q.start - CONTEXT_CHARS):q.start], "suffix": text[q.end:q.end + CONTEXT_CHARS]},
                    {"type": "TextPositionSelector", "start": q.start, "end": q.end},
                ],
            },
        }
        if q.reported_by:
            annotation["reportedBy"] = q.reported_by
        items.append(annotation)
    return {"@context": ANNOTATION_CONTEXT, "id": f"urn:uuid:{guid('collection', 'quotations')}",
            "type": "AnnotationCollection", "label": "Quotations of the China–Japan security sources",
            "total": len(items), "first": {"type": "AnnotationPage", "startIndex": 0, "items": items}}


# --- REFI-QDA project -----------------------------------------------------------------------------------

# Each source's record as REFI-QDA variables (Text: a date may be only a year or a month, which xsd:date refuses).
SOURCE_VARIABLES = (("author", "The author, as the text states it"), ("outlet", "Where the text was published"),
                    ("date", "Date of publication, ISO 8601, as precise as known (YYYY, YYYY-MM or YYYY-MM-DD)"),
                    ("date status", "printed (in the text) or inferred (from its content)"),
                    ("kind", "Kind of text"), ("affiliation", "The author's affiliation"), ("title", "The title"),
                    ("language", "ISO 639 language code"), ("sha256", "SHA-256 checksum of the text file"))


def _q(tag: str) -> str:
    return f"{{{QDA_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, _q(tag), {k: v for k, v in attrs.items()})
    if text is not None:
        node.text = text
    return node


def _coding(parent: ET.Element, key: str, code_guid: str, user: str) -> None:
    coding = _sub(parent, "Coding", guid=guid("coding", key), creatingUser=user)
    _sub(coding, "CodeRef", targetGUID=code_guid)


def segments(evidence: Evidence | None = None) -> list[Segment]:
    """Every body paragraph with its themes and questions (data/segments.yaml, read and checked by the loader)."""
    return list(_ev(evidence).segments or [])


def qde_project(evidence: Evidence | None = None) -> tuple[bytes, dict[str, str]]:
    """The REFI-QDA project document (project.qde) and the plain texts it refers to ({zip path: text}).

    Code tree: theme → question → one code per stance ("alliance-safer: Opposes"). A stance as its own code
    under each question (rather than five global stance codes) is what a QDA tool's code tree and
    code × document matrix show well: the count of each stance per question and source is read off the tree.
    Coded segments are the quotations, coded with their theme and with the question × stance of every cell
    they support, and (where data/segments.yaml exists) every body paragraph, coded with its themes and the
    questions it bears on. A cell coded "not addressed" has no passage of its own: it is coded on one selection
    spanning the source's body (from its first to its last body paragraph, so furniture before and reader
    comments after are outside it), the place where the question is absent. A selection, not the whole
    source: QDA tools' importers (QualCoder's among them) keep codings of a text's selections and drop codings
    attached to a source as a whole, which lost every "not addressed" cell.
    Every source carries its author, outlet, date and the rest of its record as REFI-QDA variables.
    """
    ev = _ev(evidence)
    ET.register_namespace("", QDA_NS)
    user = guid("user", "first-coder")
    project = ET.Element(_q("Project"), {"name": "China–Japan security relations in five sources", "origin": "cjreport",
                                         "creatingUserGUID": user})
    users = _sub(project, "Users")
    _sub(users, "User", guid=user, name="Final coding (first coder, after adjudication)", id="first-coder")
    codes = _sub(_sub(project, "CodeBook"), "Codes")
    stance_code: dict[tuple[str, str], str] = {}
    for theme in ev.codebook.themes:
        tnode = _sub(codes, "Code", guid=guid("theme", theme.id), name=theme.title, isCodable="true")
        _sub(tnode, "Description", f"{theme.id}: {theme.summary}")
        for question in theme.questions:
            qnode = _sub(tnode, "Code", guid=guid("question", question.id), name=question.id, isCodable="true")
            _sub(qnode, "Description", f"{question.proposition} {question.note}".strip())
            for stance in ev.codebook.stances:
                key = (question.id, stance.id)
                stance_code[key] = guid("stance", f"{question.id}:{stance.id}")
                snode = _sub(qnode, "Code", guid=stance_code[key], name=f"{question.id}: {stance.label}",
                             isCodable="true", color=stance_colour(stance.id))
                _sub(snode, "Description", stance.definition)
    variables = _sub(project, "Variables")
    for name, description in SOURCE_VARIABLES:
        _sub(_sub(variables, "Variable", guid=guid("variable", name), name=name, typeOfVariable="Text"),
             "Description", description)
    cells_of = {qid: [(c.question, c.stance) for c in codes] for qid, codes in ev.citing.items()}
    sources = _sub(project, "Sources")
    paragraphs = sorted(segments(ev), key=lambda s: (s.source, s.start, s.id))
    texts: dict[str, str] = {}
    for sid, source in ev.sources.items():
        sguid = guid("source", sid)
        texts[f"sources/{sguid}.txt"] = published_text(sid, ev)
        snode = _sub(sources, "TextSource", guid=sguid, name=f"{sid} {source.short_name}: {source.title}"[:200],
                     plainTextPath=f"internal://{sguid}.txt", creatingUser=user)
        _sub(snode, "Description", f"{source.author}; {source.outlet}; {source.date} ({source.date_status}); "
                                   f"file {source.file}; SHA-256 {source.sha256}")
        # QDA tools keep one coding per code and span (QualCoder drops the rest with a warning), so a paragraph that
        # is quoted whole carries its theme once, on the quotation
        quoted_themes = {(q.start, q.end, q.theme) for q in ev.quotes_for(source=sid)}
        for q in sorted(ev.quotes_for(source=sid), key=lambda q: (q.start, q.id)):
            sel = _sub(snode, "PlainTextSelection", guid=guid("selection", q.id), name=q.id,
                       startPosition=str(q.start), endPosition=str(q.end), creatingUser=user)
            _sub(sel, "Description", f"{q.attribution} [{q.voice}]")
            _coding(sel, f"{q.id}:theme", guid("theme", q.theme), user)
            for question, stance in sorted(cells_of.get(q.id, [])):
                _coding(sel, f"{q.id}:{question}", stance_code[(question, stance)], user)
        for seg in (s for s in paragraphs if s.source == sid):
            sel = _sub(snode, "PlainTextSelection", guid=guid("selection", seg.id), name=seg.id,
                       startPosition=str(seg.start), endPosition=str(seg.end), creatingUser=user)
            _sub(sel, "Description", seg.summary)
            for theme in seg.themes:
                if (seg.start, seg.end, theme) not in quoted_themes:
                    _coding(sel, f"{seg.id}:{theme}", guid("theme", theme), user)
            for question in seg.questions:
                _coding(sel, f"{seg.id}:{question}", guid("question", question), user)
        absent = [q for q in ev.codebook.questions if ev.coding[(q, sid)].stance == "not_addressed"]
        body = [part for part in source.parts if part.kind == "body"]
        if absent and body:
            sel = _sub(snode, "PlainTextSelection", guid=guid("selection", f"{sid}:body"), name=f"{sid} body",
                       startPosition=str(min(p.start for p in body)), endPosition=str(max(p.end for p in body)),
                       creatingUser=user)
            _sub(sel, "Description", "The source's body, where the questions coded here are not addressed: "
                                     + ", ".join(absent))
            for question in absent:
                _coding(sel, f"{sid}:{question}", stance_code[(question, "not_addressed")], user)
        for name, _ in SOURCE_VARIABLES:
            value = _sub(snode, "VariableValue")
            _sub(value, "VariableRef", targetGUID=guid("variable", name))
            _sub(value, "TextValue", str(getattr(source, name.replace(" ", "_"))))
    ET.indent(project)
    return ET.tostring(project, encoding="utf-8", xml_declaration=True) + b"\n", texts


def qdpx_bytes(evidence: Evidence | None = None) -> bytes:
    """The .qdpx archive: project.qde and sources/<guid>.txt, every entry dated ZIP_DATE."""
    qde, texts = qde_project(evidence)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in [("project.qde", qde), *((n, t.encode("utf-8")) for n, t in sorted(texts.items()))]:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


# --- citation -------------------------------------------------------------------------------------------

def citation(root: Path = ROOT) -> dict:
    """CITATION.cff as readers download it: the repository's file with its count of sources taken from data/
    (cjreport/data/citation.py), and the repository's and the published book's URLs added when _config.yml sets
    them (their one home), so nothing points at an address that is not there."""
    cff = yaml.safe_load(_cff_text(root))
    if edition.repository_url(root):
        cff["repository-code"] = edition.repository_url(root)
    if edition.book_url(root):
        cff["url"] = edition.book_url(root)
    return cff


def _cff_text(root: Path = ROOT) -> str:
    from cjreport.data.citation import cff_text
    from cjreport.data.evidence import load

    return cff_text(root, len(load().sources))


def citation_text(root: Path = ROOT) -> str:
    """The downloadable CITATION.cff: the repository's file (its counts from data/) when nothing is added to it."""
    text = _cff_text(root)
    cff = citation(root)
    if cff == yaml.safe_load(text):
        return text
    return yaml.safe_dump(cff, allow_unicode=True, sort_keys=False, width=110)


def _cited(cff: dict) -> dict:
    """The reference to cite: the preferred citation, with the edition (version, date) and URLs of the file."""
    ref = dict(cff.get("preferred-citation") or cff)
    for key in ("version", "date-released", "repository-code", "url"):
        if key in cff and key not in ref:
            ref[key] = cff[key]
    ref.setdefault("year", int(str(ref["date-released"])[:4]))
    return ref


def _names(ref: dict) -> list[str]:
    return [a["name"] if "name" in a else f"{a['family-names']}, {a['given-names']}" for a in ref["authors"]]


def bibtex(cff: dict | None = None) -> str:
    ref = _cited(cff or citation())
    # Braces keep BibTeX from changing the case of the title and from splitting a corporate author.
    authors = " and ".join("{" + a["name"] + "}" if "name" in a else f"{a['family-names']}, {a['given-names']}"
                           for a in ref["authors"])
    institution = (ref.get("institution") or {}).get("name", "")
    date = str(ref["date-released"])
    fields = [("title", "{" + ref["title"] + "}"), ("author", authors), ("institution", institution),
              ("year", str(ref["year"])), ("month", date[5:7].lstrip("0")), ("date", date),
              ("type", ref.get("medium", "Research report")), ("version", str(ref["version"])),
              ("edition", str(ref["version"])), ("url", ref.get("url") or ref.get("repository-code", "")),
              ("note", f"Edition {ref['version']} of {date}")]
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
    return f"@techreport{{cjreport{ref['year']},\n{body}\n}}\n"


def ris(cff: dict | None = None) -> str:
    ref = _cited(cff or citation())
    date = str(ref["date-released"])
    lines = ["TY  - RPRT", f"TI  - {ref['title']}", *(f"AU  - {name}" for name in _names(ref)),
             f"PY  - {ref['year']}", f"DA  - {date.replace('-', '/')}", f"ET  - {ref['version']}"]
    if (ref.get("institution") or {}).get("name"):
        lines.append(f"PB  - {ref['institution']['name']}")
    if ref.get("medium"):
        lines.append(f"M3  - {ref['medium']}")
    if ref.get("url") or ref.get("repository-code"):
        lines.append(f"UR  - {ref.get('url') or ref['repository-code']}")
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def how_to_cite(root: Path = ROOT) -> Markdown:
    """The 'How to cite' text of the home page: the suggested citation, then BibTeX and RIS, all from CITATION.cff."""
    cff = citation(root)
    ref = _cited(cff)
    where = f" {escape(ref.get('url') or ref['repository-code'])}" if ref.get("url") or ref.get("repository-code") else ""
    bib, ris_text = bibtex(cff), ris(cff)
    # A fence longer than any run of backticks in the citation: a title cannot close the block and become markup.
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", bib + ris_text)), default=0))
    return Markdown(f"{escape(', '.join(_names(ref)))} ({escape(str(ref['year']))}). *{escape(ref['title'])}*. "
                    f"Edition {escape(str(ref['version']))} of {escape(str(ref['date-released']))}. "
                    f"{escape(ref.get('medium', 'Research report'))}.{where}\n\n"
                    # each record is a captioned code block, so that its name stays with it on a printed page (a bare "RIS:"
                    # paragraph once ended a page of the complete PDF, its record alone on the next); the shorter
                    # record first, so that the one a page break can carry over is the longer
                    f"{fence}{{code-block}} text\n:caption: RIS\n\n{ris_text}{fence}\n\n"
                    f"{fence}{{code-block}} bibtex\n:caption: BibTeX\n\n{bib}{fence}\n")


# --- the colophon ---------------------------------------------------------------------------------------

VERSIONED = ("jupyter-book", "sphinx", "myst-nb", "pandas", "altair", "vl-convert-python", "sphinxcontrib-typstbuilder",
             "typst")  # the last two make the PDF


def typst_compiler() -> str:
    """The version of the Typst compiler that the typst package embeds, which is what writes the PDF (the package's
    own version number differs from it), asked of the compiler itself."""
    import tempfile

    import typst

    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "version.typ"
        empty.write_text("", encoding="utf-8")
        return typst.eval(str(empty), "str(sys.version)", ignore_system_fonts=True).strip('"')


def colophon(evidence: Evidence | None = None, root: Path = ROOT) -> Markdown:
    ev = _ev(evidence)
    rows = [["Edition", escape(f"{edition.identifier(root)}, {edition.name(root)} edition")], ["Commit", f"`{commit(root)}`"], ["Build date", escape(build_date())]]
    rows += [[escape(name), f"`{metadata.version(name)}`"] for name in VERSIONED]
    rows.append(["Typst compiler (in the typst package; the PDF's Creator field names it)", f"`{typst_compiler()}`"])
    table = list_table(["Item", "Value"], rows, caption="How this edition was built", name="table-colophon", widths=[30, 70])
    # In the form and order of texts/SHA256SUMS (by file name), so `sha256sum -c` reads it; a code block also
    # wraps in the PDF, where a 64-digit checksum in a table cell cannot.
    sums = "\n".join(f"{s.sha256}  {s.file}" for s in sorted(ev.sources.values(), key=lambda s: s.file))
    return Markdown(table.text + f"\n{escape(edition.description(root))}\n\nThe source texts by SHA-256 checksum, one line per source ({escape(', '.join(f'{sid}: {s.short_name}' for sid, s in ev.sources.items()))}):\n\n```text\n{sums}\n```\n")


def rights(evidence: Evidence | None = None) -> Markdown:
    """Who the source texts belong to, as far as they say: each source's author and outlet as the text states
    them, and what the text shows of its origin (data/sources.yaml; RIGHTS.md says why they are reproduced)."""
    ev = _ev(evidence)
    rows = [[f"{escape(sid)} {escape(s.short_name)}", escape(s.author), escape(s.outlet), escape(s.reliability)]
            for sid, s in ev.sources.items()]
    return list_table(["Source", "Author", "Published by", "What the text shows of its origin"], rows,
                      caption="The source texts and who published them", name="table-rights", widths=[12, 18, 30, 40],
                      classes="cj-cards")


# --- the catalogue and the writer -----------------------------------------------------------------------

def catalogue(evidence: Evidence | None = None, root: Path = ROOT) -> list[Download]:
    ev = _ev(evidence)
    items = [
        Download("data/coding.csv", "Coding", "Final coding, after adjudication (the one the book shows): one row per question × source, with stance, rationale and supporting quotations"),
        Download("data/coding.json", "Coding", "The same, as JSON records"),
        Download("data/coding-first.csv", "Coding", "First coding, as the first coder coded it, before adjudication (data/coding-first.csv)"),
        Download("data/coding-second.csv", "Coding", "Blind second coding, as the second coder left it (data/coding-second.csv)"),
    ]
    if (ev.data_dir / "adjudication.csv").is_file():
        items.append(Download("data/adjudication.csv", "Coding", "Adjudication: the decision on each cell the two codings disagreed on, with both codes, the final code and the reason (data/adjudication.csv)"))
    items += [
        Download("data/coding-matrix.csv", "Coding", "The coding matrix: questions × sources, each cell a stance"),
        Download("data/quotations.csv", "Quotations", "Every quotation: source, speaker, voice, anchor (start/end in code points), exact text, cells it supports"),
        Download("data/quotations.json", "Quotations", "The same, as JSON records"),
        Download("data/events.csv", "Events", "Dated events the sources mention"),
        Download("data/events.json", "Events", "The same, as JSON records"),
        Download("data/sources.csv", "Sources", "The sources: id, author, outlet, date, kind, SHA-256 checksum, title and the rest of their record"),
        Download("datapackage.json", "Data dictionary", "Frictionless Data Package: every table's columns, their types, meanings and allowed values"),
        Download("annotations/quotations.jsonld", "Exchange formats", "Every quotation as a W3C Web Annotation (JSON-LD, TextQuoteSelector and TextPositionSelector)"),
        Download(f"qda/{QDPX_NAME}", "Exchange formats", "REFI-QDA project (.qdpx) with sources, codebook and coded quotations, for QualCoder, ATLAS.ti, MAXQDA"
                 + (" (public edition: each source's paragraphs the book does not quote are blanked, '·' for every "
                    "character, so every coded position still holds)" if edition.is_public() else "")),
        Download("cite/CITATION.cff", "Citation", "Citation File Format 1.2.0"),
        Download("cite/citation.bib", "Citation", "BibTeX"),
        Download("cite/citation.ris", "Citation", "RIS"),
    ]
    public = edition.is_public()
    if not public:  # the public edition offers no full text (cjreport/edition.py)
        for sid, source in ev.sources.items():
            items.append(Download(f"texts/{source.file}", "Source texts", f"Source {sid} ({source.short_name}), byte-identical to the corpus"))
    items.append(Download("texts/SHA256SUMS", "Source texts", "SHA-256 checksums of the texts (sha256sum -c)"
                          + (": the full texts are not offered in this public edition; the checksums identify them"
                             if public else "")))
    for name in CHARTS:
        slug = name.replace("_", "-")
        items += [Download(f"charts/{slug}.png", "Charts", f"Chart {slug}, PNG"),
                  Download(f"charts/{slug}.svg", "Charts", f"Chart {slug}, SVG"),
                  Download(f"charts/{slug}.csv", "Charts", f"Chart {slug}, its data as CSV")]
    for docname in filter(lambda d: is_notebook(d, root), toc_docnames(root)):
        items.append(Download(notebook_name(docname), "Chapters as notebooks", f"Chapter {Path(docname).name}, executed, with its outputs; reads in any notebook viewer"))
    if distribution.can_build_wheel():
        items.append(Download(f"python/{distribution.wheel_name(root)}", "Rerun the chapters",
                              "The book's Python package as a wheel, with the data inside it: the notebooks import it"
                              + (" (public edition: the texts inside it have the paragraphs the book does not quote "
                                 "blanked, so a rerun's word frequencies and concordances cover only the quoted "
                                 "paragraphs, and the texts' checksums are not verified)" if edition.is_public() else "")))
    items.append(Download("python/requirements.txt", "Rerun the chapters", "The pinned versions of every package the chapters use"))
    if distribution.has_source_archive() and not public:  # the archive holds data/texts in full
        # the commit is named in the colophon, which is re-read on every build: this table is a chapter's output,
        # which the execution cache keeps across commits
        items.append(Download(f"source/{distribution.source_archive_name(root)}", "Source",
                              "The source of this edition at the commit the colophon names: chapters, data, "
                              "package, build and tests, as git archive writes it"))
    return items


def _chart_files(evidence: Evidence) -> dict[str, bytes]:
    import vl_convert

    from cjreport.views import charts

    files = {}
    for name in CHARTS:
        figure = getattr(charts, name)(evidence)
        slug = name.replace("_", "-")
        spec = figure.spec()
        # as for the PNG the book's PDF uses: a fixed width, since a file has no column to fit
        charts._fix_width(spec, STATIC_WIDTH)
        files[f"charts/{slug}.png"] = vl_convert.vegalite_to_png(spec, scale=2, vl_version=charts.VL_VERSION)
        files[f"charts/{slug}.svg"] = vl_convert.vegalite_to_svg(spec, vl_version=charts.VL_VERSION).encode("utf-8")
        files[f"charts/{slug}.csv"] = figure.data.to_csv(index=False, lineterminator="\n").encode("utf-8")
    return files


def clean_notebook(raw: str, prose: dict[str, str] | None = None) -> str:
    """An executed notebook as readers get it: outputs kept; the widget state (random model ids, and useless
    without a kernel) dropped, the cell ids (random, drawn by jupytext) and execution counts numbered, and the charts' print form
    (image/svg+xml, the PDF's; application/pdf in older builds) dropped: a notebook shows the chart's HTML
    form, and the chart downloads keep PNG and SVG."""
    nb = json.loads(raw)
    # the prose's {eval} values (expression → text/plain, as the page showed them), where jupyterlab-myst
    # shows them before anything is run
    fold_values_into_prose(nb, prose or {})
    nb.get("metadata", {}).pop("widgets", None)
    for number, cell in enumerate(nb.get("cells", []), 1):
        if "id" in cell:
            cell["id"] = f"cell-{number}"
    # Execution counts as one run from the top gives them: a chapter the build took from its execution cache
    # comes without them, and a download must not depend on whether the cache held the chapter.
    code = [cell for cell in nb.get("cells", []) if cell.get("cell_type") == "code"]
    for count, cell in enumerate(code, 1):
        cell["execution_count"] = count
        for output in cell.get("outputs", []):
            if output.get("output_type") == "execute_result":
                output["execution_count"] = count
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            output.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
            output.get("data", {}).pop("application/pdf", None)
            if "cj-chart" in "".join(output.get("data", {}).get("text/html", "")):
                output["data"].pop("image/svg+xml", None)
    return json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_downloads(target: Path, notebooks: dict[str, str], evidence: Evidence | None = None,
                    root: Path = ROOT) -> list[Path]:
    """Write every download below target; notebooks maps docname → the executed chapter as readers get it
    (clean_notebook's text). Returns the files written."""
    ev = _ev(evidence)
    if target.exists():
        shutil.rmtree(target)
    (target / "data").mkdir(parents=True)
    for sub in ("annotations", "qda", "cite", "texts", "charts", "notebooks"):
        (target / sub).mkdir()
    _write_table(coding_frame(ev), target / "data" / "coding")
    shutil.copyfile(ev.data_dir / "coding-first.csv", target / "data" / "coding-first.csv")
    second_coding = published_second_coding(ev)  # the download and the wheel carry the same text
    (target / "data" / "coding-second.csv").write_text(second_coding, encoding="utf-8", newline="")
    if (ev.data_dir / "adjudication.csv").is_file():
        shutil.copyfile(ev.data_dir / "adjudication.csv", target / "data" / "adjudication.csv")
    _write_table(coding_matrix(ev), target / "data" / "coding-matrix", json_too=False)
    _write_table(quotations_frame(ev), target / "data" / "quotations")
    _write_table(events_frame(ev), target / "data" / "events")
    (target / "annotations" / "quotations.jsonld").write_text(
        json.dumps(web_annotations(ev), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (target / "qda" / QDPX_NAME).write_bytes(qdpx_bytes(ev))
    # CITATION.cff belongs to the repository the package is in (a copy of the book elsewhere may lack it)
    (target / "cite" / "CITATION.cff").write_text(citation_text(), encoding="utf-8")
    (target / "cite" / "citation.bib").write_text(bibtex(citation()), encoding="utf-8")
    (target / "cite" / "citation.ris").write_text(ris(citation()), encoding="utf-8")
    for source in ev.sources.values() if not edition.is_public() else ():
        shutil.copyfile(ev.data_dir / "texts" / source.file, target / "texts" / source.file)
    shutil.copyfile(ev.data_dir / "texts" / "SHA256SUMS", target / "texts" / "SHA256SUMS")
    for rel, data in _chart_files(ev).items():
        (target / rel).write_bytes(data)
    for docname, text in notebooks.items():
        # as every notebook viewer reads it: CommonMark, static charts (cjreport/portable.py)
        readable = portable.portable(json.loads(text))
        (target / notebook_name(docname)).write_text(
            json.dumps(readable, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    _write_table(datapackage.sources_frame(ev), target / "data" / "sources", json_too=False)
    # the data dictionary of every table written above, read back as a reader's tool reads it
    tables = {path.relative_to(target).as_posix(): pd.read_csv(path, dtype=None, keep_default_na=False)
              for path in [*sorted((target / "data").glob("*.csv")), *sorted((target / "charts").glob("*.csv"))]}
    (target / "datapackage.json").write_text(
        json.dumps(datapackage.descriptor(tables, ev), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (target / "python").mkdir()
    if distribution.can_build_wheel():
        distribution.build_wheel(root, target / "python", ev.data_dir,
                                 public_texts={s.file: published_text(sid, ev) for sid, s in ev.sources.items()}
                                 if edition.is_public() else None,
                                 public_data={"coding-second.csv": second_coding} if edition.is_public() else None)
    shutil.copyfile(distribution.requirements(root), target / "python" / "requirements.txt")
    if distribution.has_source_archive() and not edition.is_public():
        (target / "source").mkdir()
        distribution.source_archive(root, target / "source" / distribution.source_archive_name(root))
    return sorted(p for p in target.rglob("*") if p.is_file())


class DownloadsTable:
    """The downloads page's list: links in HTML (relative, so they work served and from file://), names in the PDF."""

    def __init__(self, evidence: Evidence | None = None, page_depth: int = 1):
        self.items = catalogue(_ev(evidence))
        self.prefix = "../" * page_depth + DOWNLOADS + "/"

    def html(self) -> str:
        import html

        out, group = [], None
        for item in self.items:
            if item.group != group:
                if group is not None:
                    out.append("</tbody></table>")
                group = item.group
                out.append(f'<table class="table cj-cards cj-downloads"><caption>{html.escape(group)}</caption>'
                           '<thead><tr><th scope="col">File</th><th scope="col">What it holds</th></tr></thead><tbody>')
            name = item.path.rsplit("/", 1)[-1]
            out.append(f'<tr><td><a href="{html.escape(self.prefix + item.path)}" download>{html.escape(name)}</a></td>'
                       f"<td>{html.escape(item.description)}</td></tr>")
        out.append("</tbody></table>")
        return "\n".join(out)

    def markdown(self) -> Markdown:
        rows = [[escape(i.group), f"`{i.path}`", escape(i.description)] for i in self.items]
        return list_table(["Group", "File (in downloads/ of the HTML book)", "What it holds"], rows,
                          caption="Files to download", name="table-downloads", widths=[16, 34, 50])

    def book_markdown(self) -> Markdown:
        """One MyST form for both builders (as the quotation index): links in HTML, the file names in the PDF."""
        return Markdown(f"`````{{only}} html\n````{{raw}} html\n{self.html()}\n````\n`````\n\n"
                        f"`````{{only}} latex or typst\n{self.markdown().text}`````\n")

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {**self.book_markdown()._repr_mimebundle_(), "text/plain": f"{len(self.items)} files to download"}
