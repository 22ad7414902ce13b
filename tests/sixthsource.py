"""Adding a source with the tools only, as README's "Add a source" says: every offset comes from a command
(scaffold, anchor, segments, adjudicate); what the maintainer writes is words (metadata, codes, rationales,
summaries, a sentence of prose), never a number. The article is made up.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests import fixturebook as fx

ROOT = Path(__file__).resolve().parent.parent

# Header furniture (headline, byline, dateline), four body paragraphs, trailing furniture (a sign-up line and a
# related-articles list), then reader comments.
ARTICLE = """Harbour Lights over the East China Sea

By Avery Testwright

14 March 2026

This is a made-up article written for the test suite of this book; no such text was ever published.

The alliance between Washington and Tokyo, in this fictional author’s view, keeps the region calmer than it would otherwise be.

A fictional ministry spokesperson said that “patrols near the islands will continue as planned” and declined to say more.

Nothing in this invented piece should be read as the view of any real person or institution.

Sign up for our weekly newsletter

Related articles
An invented headline about ports
Another invented headline about fisheries

Comments

Test Reader: an invented reader comment, which is never the author’s view.
"""
EXPECTED_PARTS = [("furniture", "header"), ("furniture", "byline"), ("furniture", "dateline"), ("body", None),
                  ("furniture", "newsletter box"), ("furniture", "related articles"), ("furniture", "comments header"),
                  ("comments", "reader comments")]
SHORT = "Testwright"


def run(*args: str, env: dict, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def _replace_todo(path: Path, fill) -> None:
    """Replace each TODO placeholder a tool wrote, in place (the words a maintainer writes; layout kept)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(fill(text), encoding="utf-8")


def add_sixth(root: Path) -> dict:
    """Copy the book and data/ into root and add the made-up source with the tools; return timings and ids."""
    fx.copy_book(root)
    subprocess.run(["cp", "-r", str(ROOT / "data"), str(root / "data")], check=True)
    data = root / "data"
    env = {**os.environ, "CJREPORT_DATA": str(data)}
    sid = fx.SID
    times: dict[str, float] = {}

    def timed(name: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        started = time.perf_counter()
        result = run(*args, env=env, check=check)
        times[name] = times.get(name, 0.0) + time.perf_counter() - started
        return result

    article = root / "harbour-lights.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    scaffold = timed("scaffold", "-m", "cjreport", "scaffold", str(article), "--bibkey", "testwright2026",
                     "--title", "Harbour Lights over the East China Sea", "--outlet", "Test Source Quarterly (fictional)",
                     "--author", "Avery Testwright", "--affiliation", "Fictional Institute for Test Studies",
                     "--date", "2026-03-14", "--date-basis", "Printed as 14 March 2026 (fictional)", "--kind", "opinion",
                     "--reliability", "A made-up test article written for the test suite; not a real publication.")
    # Straight after scaffolding, the check lists every placeholder in one run, one line each.
    placeholders = timed("check (placeholders)", "-m", "cjreport.build", "--check", "--root", str(root), check=False)

    author_q, reported_q = f"q{sid}-calmer", f"q{sid}-patrols"
    timed("anchor", "-m", "cjreport", "anchor", sid, "keeps the region calmer than it would otherwise be", "--id", author_q,
          "--theme", "alliance", "--speaker", "Avery Testwright", "--append")
    timed("anchor", "-m", "cjreport", "anchor", sid, "patrols near the islands will continue as planned", "--id", reported_q,
          "--theme", "territory", "--speaker", "A fictional ministry spokesperson", "--voice", "reported",
          "--reported-by", "Avery Testwright", "--append")

    # The coding: words only (stances, rationales, quotation ids).
    codebook = yaml.safe_load((data / "codebook.yaml").read_text(encoding="utf-8"))
    alliance = next(t for t in codebook["themes"] if t["id"] == "alliance")["questions"][0]["id"]
    territory = next(t for t in codebook["themes"] if t["id"] == "territory")["questions"][0]["id"]

    def code(path: Path, cells: dict) -> None:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        for row in rows:
            if row[1] == sid:
                row[2:] = cells.get(row[0], ["not_addressed", "Test source: the made-up article says nothing on this.", ""])
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")

    code(data / "coding.csv", {
        alliance: ["supports", "Test source: the author says the alliance keeps the region calmer.", author_q],
        territory: ["reports", "Test source: the author only reports a spokesperson on patrols.", reported_q]})
    # The blind second coder reads the alliance sentence the same way and the patrol sentence as not addressed.
    code(data / "coding-second.csv", {
        alliance: ["supports", "Test source (second coder): the alliance keeps the region calmer, in the author's view.",
                   "keeps the region calmer than it would otherwise be"]})
    timed("adjudicate", "-m", "cjreport", "adjudicate", sid, "--append")
    _replace_todo(data / "adjudication.csv", lambda t: t.replace(
        "TODO: the decision and its reason (set final to the code chosen)",
        "Test source: the spokesperson's words are reported in the body so the first code stands."))

    timed("segments", "-m", "cjreport", "segments", sid, "--append")
    _replace_todo(data / "segments.yaml", lambda t: t.replace(
        "TODO: what this line says, in a sentence", "Test source: a paragraph of the made-up article.").replace(
        "TODO: assign themes (and questions) and set this to null, or say why the line is not analysed",
        "Test source: not analysed."))
    _replace_todo(data / "arguments.yaml", lambda t: t.replace(
        "TODO: the main claim of the source, in a sentence", "Test source: the alliance keeps the region calmer.").replace(
        "quotation: TODO", f"quotation: {author_q}").replace("TODO: null, or why there are none", "The text makes none."))
    # Prose that says it names every source must name this one (the check says where).
    before_prose = timed("check (prose)", "-m", "cjreport.build", "--check", "--root", str(root), check=False)
    fx.mention(root, SHORT, "is a made-up opinion piece written for this book's tests.")
    check = timed("check", "-m", "cjreport.build", "--check", "--root", str(root))
    record = yaml.safe_load((data / "sources.yaml").read_text(encoding="utf-8"))[-1]
    return {"data": data, "env": env, "sid": sid, "record": record, "times": times, "scaffold": scaffold,
            "placeholders": placeholders, "before_prose": before_prose, "check": check}
