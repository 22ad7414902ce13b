"""A sixth, hostile source added to a copy of data/: HTML, MyST/Sphinx markup, LaTeX specials, odd Unicode.

It exercises two promises at once: hostile text renders as text in HTML and PDF, and a new source needs
only data (text, metadata, quotations, coding) to appear in every table, chart and index.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
from pathlib import Path

import yaml

from cjreport.data.evidence import DEFAULT_DATA_DIR

def _next_id() -> str:
    """The next free source id: no test hard-codes how many sources the corpus has."""
    ids = [r["id"] for r in yaml.safe_load((DEFAULT_DATA_DIR / "sources.yaml").read_text(encoding="utf-8"))]
    return f"{max(int(i) for i in ids) + 1:03d}"


SID = _next_id()
FILE = f"{SID}_hostile_fixture.txt"
HEADLINE = 'Hostile fixture <script>alert("headline")</script> & {{ title }}'
SCRIPT = 'The delegation said <script>alert("boom")</script> and <img src=x onerror="alert(1)"> were harmless.'
MARKUP = "Markup such as {ref}`intro`, {{ secret }}, :::{note} and ```{danger}``` and **not bold** must stay text."
LATEX = r"Costs rose 50% & more: #1 _priority_ with {braces}, ~tilde, ^caret, \textbf{bold}, $x$ and \\ backslash."
UNICODE = "Unusual Unicode: zero\u200bwidth, \u202ereversed\u202c, combining e\u0301, ligature \ufb01ne, Greek αβγ, 中文, ∀x∃y."
LONG = "Long line: " + " ".join(f"segment{i:03d}" for i in range(400)) + " end of the long line."
COMMENT = '<iframe src="https://evil.example/"></iframe> {{ comment }} a reader writes.'
TEXT = "\n\n".join([HEADLINE, "By Mallory Fixture", SCRIPT, MARKUP, LATEX, UNICODE, LONG, "Comments", COMMENT]) + "\n"
QUOTES = {f"q{SID}-script": SCRIPT, f"q{SID}-markup": MARKUP, f"q{SID}-latex": LATEX, f"q{SID}-unicode": UNICODE,
          f"q{SID}-long": LONG[:200]}


def make(target: Path) -> Path:
    """Copy data/ to target and add the hostile source with its quotations and coding; return target."""
    shutil.copytree(DEFAULT_DATA_DIR, target)
    raw = TEXT.encode("utf-8")
    (target / "texts" / FILE).write_bytes(raw)
    with open(target / "texts" / "SHA256SUMS", "a", encoding="utf-8") as sums:
        sums.write(f"{hashlib.sha256(raw).hexdigest()}  {FILE}\n")

    def span(s: str) -> tuple[int, int]:
        start = TEXT.index(s)
        return start, start + len(s)

    head, by, body_start = span(HEADLINE), span("By Mallory Fixture"), span(SCRIPT)[0]
    body_end, comments_head, comment = span(LONG)[1], span("Comments"), span(COMMENT)
    sources = yaml.safe_load((target / "sources.yaml").read_text(encoding="utf-8"))
    sources.append({
        "id": SID, "bibkey": "fixture2025", "file": FILE, "sha256": hashlib.sha256(raw).hexdigest(),
        "title": HEADLINE, "outlet": "The {{ outlet }} & <b>Review</b>", "author": "Mallory Fixture",
        "affiliation": "Institute of $pecial_Characters & {Braces}", "date": "2025-01-15", "date_status": "printed",
        "date_basis": "printed as 15 Jan 2025 <i>", "kind": "analysis", "language": "en", "short_name": "Fixture",
        "reliability": "A test fixture with hostile text; <script>alert('reliability')</script> must show as text.",
        "parts": [
            {"kind": "furniture", "start": head[0], "end": by[1], "label": "headline <b>and byline</b>"},
            {"kind": "body", "start": body_start, "end": body_end},
            {"kind": "furniture", "start": comments_head[0], "end": comments_head[1], "label": "comments header"},
            {"kind": "comments", "start": comment[0], "end": comment[1], "label": "reader comments"},
        ],
    })
    (target / "sources.yaml").write_text(yaml.safe_dump(sources, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")

    codebook = yaml.safe_load((target / "codebook.yaml").read_text(encoding="utf-8"))
    themes = [t["id"] for t in codebook["themes"]]
    quotes = yaml.safe_load((target / "quotations.yaml").read_text(encoding="utf-8"))
    for i, (qid, text) in enumerate(QUOTES.items()):
        start, end = span(text)
        quotes.append({"id": qid, "source": SID, "theme": themes[i % len(themes)], "speaker": "Mallory <Fixture>",
                       "voice": "author", "text": text, "start": start, "end": end,
                       "prefix": TEXT[max(0, start - 20):start], "suffix": TEXT[end:end + 20]})
    (target / "quotations.yaml").write_text(yaml.safe_dump(quotes, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")

    questions = [q["id"] for t in codebook["themes"] for q in t["questions"]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for i, question in enumerate(questions):
        if i == 0:
            writer.writerow([question, SID, "supports", "The fixture <b>supports</b> {{ it }} & 100%.", f"q{SID}-script q{SID}-latex"])
        else:
            writer.writerow([question, SID, "not_addressed", "The fixture says nothing on this.", ""])
    with open(target / "coding.csv", "a", encoding="utf-8", newline="") as coding:
        coding.write(out.getvalue())
    add_companions(target, SID, TEXT, [(body_start, body_end)], first_quote=f"q{SID}-script")
    return target


def add_companions(target: Path, sid: str, text: str, body: list[tuple[int, int]], first_quote: str) -> None:
    """What data/README.md requires of every source in the optional files, when they are present: the blind
    second coding (here: not addressed throughout), one segment per body line, an argument map."""
    codebook = yaml.safe_load((target / "codebook.yaml").read_text(encoding="utf-8"))
    questions = [q["id"] for t in codebook["themes"] for q in t["questions"]]
    coding = {(r["question"], r["source"]): r for r in csv.DictReader(io.StringIO((target / "coding.csv").read_text(encoding="utf-8")))}
    second = target / "coding-second.csv"
    if second.exists():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for question in questions:
            writer.writerow([question, sid, "not_addressed", "Test fixture: the second coder finds nothing on this.", ""])
        body_text = second.read_text(encoding="utf-8")
        second.write_text(body_text + ("" if body_text.endswith("\n") else "\n") + out.getvalue(), encoding="utf-8")
        adjudication = target / "adjudication.csv"
        differing = [q for q in questions if coding[(q, sid)]["stance"] != "not_addressed"]
        if differing and adjudication.exists():  # when present, every disagreement has a written decision
            rows = adjudication.read_text(encoding="utf-8")
            rows += "" if rows.endswith("\n") else "\n"
            for q in differing:
                rows += f"{q},{sid},{coding[(q, sid)]['stance']},not_addressed,{coding[(q, sid)]['stance']},Test fixture: first coding kept.\n"
            adjudication.write_text(rows, encoding="utf-8")
    segments = target / "segments.yaml"
    if segments.exists():
        records = yaml.safe_load(segments.read_text(encoding="utf-8")) or []
        n = 0
        for start, end in body:
            for match in re.finditer(r"[^\n]+", text[start:end]):
                line = match.group()
                if line.strip():
                    n += 1
                    s = start + match.start() + len(line) - len(line.lstrip())
                    e = start + match.end() - (len(line) - len(line.rstrip()))
                    records.append({"id": f"seg-{sid}-{n:02d}", "source": sid, "start": s, "end": e, "themes": [],
                                    "questions": [], "summary": "Test fixture paragraph.",
                                    "not_analysed": "Test fixture: not analysed."})
        segments.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    arguments = target / "arguments.yaml"
    if arguments.exists():
        records = yaml.safe_load(arguments.read_text(encoding="utf-8")) or []
        records.append({"source": sid, "claim": {"summary": "Test fixture: the claim.", "quotation": first_quote},
                        "points": [], "recommendations": [], "recommendations_note": "Test fixture: none."})
        arguments.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
