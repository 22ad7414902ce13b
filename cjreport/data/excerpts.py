"""The paragraphs the book quotes from, and the texts as the public edition carries them.

A paragraph is a non-blank line of a source text (the appendix sets each line as a paragraph). A paragraph is
quoted when at least one quotation's anchored span covers a character of it that is not white space. The
public edition (cjreport/edition.py) reproduces only those; `redact` gives a text of the same length in which
every other paragraph's characters are replaced by REDACTION, keeping white space, so every offset in data/
(parts, quotations, segments) still points at the same place, and word counts stay what they were.
"""

from __future__ import annotations

from collections.abc import Iterable

from cjreport.data.corpus import REDACTED_NOTE, REDACTION, Source, is_redacted  # noqa: F401 - one home, corpus
from cjreport.data.quotations import Quotation

NOTE = ("These texts are the public edition's: every paragraph the book does not quote has each of its characters "
        f"replaced by '{REDACTION}' (white space kept, so every offset in data/ still holds). Their checksums therefore "
        "differ from sources.yaml and SHA256SUMS, which name the full texts; the loader does not compare them, nor "
        "look for the second coder's excerpts in the texts. The full texts are in the local edition (the repository).\n")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """[start, end) of every non-blank line of text, in order."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def quoted(text: str, quotes: Iterable[Quotation]) -> list[tuple[int, int]]:
    """The paragraphs of text holding a non-white-space character of at least one quotation's span."""
    covered = set()
    for q in quotes:
        covered.update(i for i in range(q.start, q.end) if not text[i].isspace())
    return [(s, e) for s, e in paragraphs(text) if any(i in covered for i in range(s, e))]


def withheld(text: str, quotes: Iterable[Quotation]) -> list[tuple[int, int]]:
    """The paragraphs of text the public edition does not reproduce."""
    keep = set(quoted(text, quotes))
    return [p for p in paragraphs(text) if p not in keep]


WITHHELD_EXCERPT = "[an excerpt from a paragraph this edition does not reproduce]"


def redact_excerpts(rows: list[dict[str, str]], sources: dict[str, Source], quotes: Iterable[Quotation]) -> list[dict[str, str]]:
    """The second coder's rows (coding-second.csv) with every evidence excerpt that lies in a withheld paragraph
    replaced by WITHHELD_EXCERPT: an excerpt may be a whole paragraph the public edition does not reproduce."""
    quotes = list(quotes)
    withheld_text = {sid: [" ".join(s.text[a:b].split()) for a, b in withheld(s.text, [q for q in quotes if q.source == sid])]
                     for sid, s in sources.items()}
    out = []
    for row in rows:
        parts = [p for p in row.get("evidence", "").split(" | ") if p]
        kept = [WITHHELD_EXCERPT if any(" ".join(p.split()) in para for para in withheld_text.get(row["source"], [])) else p
                for p in parts]
        out.append({**row, "evidence": " | ".join(kept)})
    return out


def redact(source: Source, quotes: Iterable[Quotation]) -> str:
    """source's text with every paragraph no quotation touches blanked character by character (same length)."""
    chars = list(source.text)
    for start, end in withheld(source.text, [q for q in quotes if q.source == source.id]):
        for i in range(start, end):
            if not chars[i].isspace():
                chars[i] = REDACTION
    return "".join(chars)
