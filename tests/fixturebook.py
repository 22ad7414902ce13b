"""A sixth, hostile source added to a copy of data/: HTML, MyST/Sphinx markup, LaTeX specials, odd Unicode.

It exercises two promises at once: hostile text renders as text in HTML and PDF, and a new source needs
only data (text, metadata, quotations, coding) to appear in every table, chart and index.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import yaml

from cjreport.evidence import DEFAULT_DATA_DIR

SID = "005"
FILE = "005_hostile_fixture.txt"
HEADLINE = 'Hostile fixture <script>alert("headline")</script> & {{ title }}'
SCRIPT = 'The delegation said <script>alert("boom")</script> and <img src=x onerror="alert(1)"> were harmless.'
MARKUP = "Markup such as {ref}`intro`, {{ secret }}, :::{note} and ```{danger}``` and **not bold** must stay text."
LATEX = r"Costs rose 50% & more: #1 _priority_ with {braces}, ~tilde, ^caret, \textbf{bold}, $x$ and \\ backslash."
UNICODE = "Unusual Unicode: zero\u200bwidth, \u202ereversed\u202c, combining e\u0301, ligature \ufb01ne, Greek αβγ, 中文, ∀x∃y."
LONG = "Long line: " + " ".join(f"segment{i:03d}" for i in range(400)) + " end of the long line."
COMMENT = '<iframe src="https://evil.example/"></iframe> {{ comment }} a reader writes.'
TEXT = "\n\n".join([HEADLINE, "By Mallory Fixture", SCRIPT, MARKUP, LATEX, UNICODE, LONG, "Comments", COMMENT]) + "\n"
QUOTES = {"q005-script": SCRIPT, "q005-markup": MARKUP, "q005-latex": LATEX, "q005-unicode": UNICODE,
          "q005-long": LONG[:200]}


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
        "date_basis": "printed as 15 Jan 2025 <i>", "kind": "fixture", "language": "en", "short_name": "Fixture",
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
            writer.writerow([question, SID, "supports", "The fixture <b>supports</b> {{ it }} & 100%.", "q005-script q005-latex"])
        else:
            writer.writerow([question, SID, "not_addressed", "The fixture says nothing on this.", ""])
    with open(target / "coding.csv", "a", encoding="utf-8", newline="") as coding:
        coding.write(out.getvalue())
    return target
