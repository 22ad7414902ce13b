"""Proposals the authoring tools make, so that no maintainer types an offset: a new text's parts (header and
trailing furniture, body, comments), one segment per body line, and the rows a new source needs in the
second coding, the adjudication and the argument maps, written as placeholders (TODO) the check refuses until
they are filled in.

    python -m cjreport segments NNN [--append]     one segment per body line of source NNN
    python -m cjreport adjudicate NNN [--append]   one row per cell where the two codings of NNN differ

The part proposal reads the page as a reader would: short lines without a full stop before the first
sentence are the header (headline, byline, date); lines that name what they are (captions, "Subscribe",
"You might also like", "Read the original", disclaimers, an author's e-mail) are furniture wherever they
stand; a list of short lines after the last sentence (related titles) stays with the furniture before it;
a "Comments" line and what follows are reader comments.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from cjreport.data.readers import read_csv, read_text, read_yaml
from cjreport.data.errors import DataError

_SENTENCE_END = (".", "?", "!", "”", '"', "’", "'", ":", ";", ")")
# Lines that say what they are: (label, pattern). Matched against a whole line (case-insensitive); only lines
# shorter than MAX_FURNITURE count, so a long body sentence that happens to contain "subscribe" stays body.
MAX_FURNITURE = 500
_FURNITURE = [
    ("caption", r".*\b(photo|map|illustration|image|graphic|picture|credit|source)s?\s*:\s*\S.*"),
    ("republication notice", r".*\b(first (published|appeared)|republished (with|by)|read the original|originally published)\b.*"),
    ("newsletter box", r".*\b(subscribe|sign[ -]?up|newsletter|get the latest)\b.*"),
    ("related articles", r"\s*(you (might|may) also like|more on this topic|related( (articles?|stories|posts|content|reading))?|"
                         r"read more|recommended( for you)?|more from\b.*|further reading|most (read|popular))\s*:?\s*"),
    ("navigation", r"\s*(back to top|follow us( on)?\s*:?|share( this( article)?| on \w+)?\s*:?|menu|home|print|"
                   r"(previous|next) (article|post|story)|tags?\s*:.*|language\s*:.*)\s*"),
    ("site disclaimer", r".*(\ball rights reserved\b|©|\bcopyright\b|\bdisclaimer\b|\bthe views expressed\b|"
                        r"\bthis article (is|was) submitted\b|\bnews submission rules\b).*"),
    ("author note", r".*[\w.+-]+@[\w-]+\.[\w.-]+.*"),
    ("byline", r"\s*(by|written by|words by)\b.{0,80}"),
    ("dateline", r"\s*(published|updated|posted)\s*:?.{0,60}|\s*\w{3,9}\.? \d{1,2}, \d{4}\b.{0,40}|\s*\d{1,2} \w{3,9} \d{4}\b.{0,40}"),
    ("reading time", r"\s*\d+\s*min(ute)?s? read\s*"),
]
_COMMENTS = re.compile(r"(?i)\s*((\d+\s+)?(reader\s+)?comments?(\s*\(\d+\))?|join the (conversation|discussion)|"
                       r"leave a (comment|reply)|\d+ (responses|replies))\s*:?\s*")


def _label(line: str) -> str | None:
    if len(line) > MAX_FURNITURE:
        return None
    for label, pattern in _FURNITURE:
        if re.fullmatch(pattern, line, flags=re.I | re.S):
            return label
    return None


def _sentence(line: str) -> bool:
    """A line a reader takes for running text: long, or several words ending as a sentence ends."""
    stripped = line.strip()
    return len(stripped) >= 120 or (len(stripped.split()) >= 8 and stripped.endswith(_SENTENCE_END))


def propose_parts(text: str) -> list[dict]:
    """Parts for a new text: [{kind, start, end, label}], contiguous runs of lines of one kind and label."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
    if not lines:
        raise ValueError("the text is empty")
    # each line's stripped span
    spans = []
    for start, end in lines:
        line = text[start:end]
        spans.append((start + len(line) - len(line.lstrip()), end - (len(line) - len(line.rstrip()))))
    sentences = [i for i, (s, e) in enumerate(spans) if _sentence(text[s:e]) and _label(text[s:e]) is None]
    comments_at = next((i for i, (s, e) in enumerate(spans) if _COMMENTS.fullmatch(text[s:e])), None)
    if comments_at is not None:
        sentences = [i for i in sentences if i < comments_at]
    first = sentences[0] if sentences else 0
    last = sentences[-1] if sentences else len(spans) - 1
    kinds: list[tuple[str, str | None]] = []
    for i, (s, e) in enumerate(spans):
        line = text[s:e]
        if comments_at is not None and i >= comments_at:
            # the header line(s) and, after them, the comments
            header = i == comments_at or (kinds and kinds[-1] == ("furniture", "comments header") and _COMMENTS.fullmatch(line))
            kinds.append(("furniture", "comments header") if header else ("comments", "reader comments"))
            continue
        label = _label(line)
        if i < first:
            kinds.append(("furniture", label or "header"))
        elif i > last:
            # after the last sentence: a titled list (related articles) keeps its title's label
            previous = kinds[-1] if kinds and kinds[-1][0] == "furniture" and kinds[-1][1] not in ("header",) else None
            kinds.append(("furniture", label or (previous[1] if previous and i - 1 > last else "trailing furniture")))
        elif label is not None and not _sentence(line):
            kinds.append(("furniture", label))
        elif label is not None and label in ("caption", "republication notice", "site disclaimer", "newsletter box", "author note"):
            kinds.append(("furniture", label))
        else:
            kinds.append(("body", None))
    parts: list[dict] = []
    for (start, end), (kind, label) in zip(spans, kinds):
        if parts and parts[-1]["kind"] == kind and parts[-1].get("label") == label:
            parts[-1]["end"] = end
        else:
            parts.append({"kind": kind, "start": start, "end": end, **({"label": label} if label else {})})
    return parts


def _excerpt(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width // 2 - 1] + " … " + text[-(width // 2 - 2):]


def show_parts(text: str, parts: list[dict]) -> str:
    """The proposal as the maintainer checks it: kind, span, label and the words at each end."""
    rows = []
    for part in parts:
        rows.append(f"  {part['kind']:<9} [{part['start']:>5}, {part['end']:>5})  {part.get('label') or '':<22} "
                    f"“{_excerpt(text[part['start']:part['end']])}”")
    return "\n".join(rows)


# --- segments --------------------------------------------------------------------------------------------------

def _source(data: Path, sid: str) -> tuple[dict, str]:
    records = read_yaml(data / "sources.yaml")
    record = next((r for r in records or [] if isinstance(r, dict) and r.get("id") == sid), None)
    if record is None:
        raise DataError(data / "sources.yaml", f"no source {sid!r}", item=sid)
    name = str(record.get("file", ""))
    if Path(name).name != name or not name:
        raise DataError(data / "sources.yaml", f"file {name!r} is not a plain file name in texts/", item=sid)
    return record, read_text(data / "texts" / name, what="text file")


def body_lines(text: str, parts: list[dict]) -> list[tuple[int, int]]:
    from types import SimpleNamespace

    from cjreport.data.evidence import body_lines as lines

    return lines(SimpleNamespace(text=text, parts=[SimpleNamespace(kind=p.get("kind"), start=int(p["start"]), end=int(p["end"]))
                                                    for p in sorted(parts, key=lambda p: int(p["start"]))]))


def segment_records(data: Path, sid: str) -> tuple[list[dict], str]:
    """Records for the body lines of source sid that no segment covers yet, numbered after its last segment."""
    record, text = _source(data, sid)
    path = data / "segments.yaml"
    existing = (read_yaml(path) or []) if path.exists() else []
    mine = [s for s in existing if isinstance(s, dict) and s.get("source") == sid]
    covered = {(s.get("start"), s.get("end")) for s in mine}
    numbers = [int(m.group(1)) for s in mine if (m := re.fullmatch(rf"seg-{sid}-(\d+)", str(s.get("id"))))]
    n = max(numbers, default=0)
    records = []
    for start, end in body_lines(text, record.get("parts") or []):
        if (start, end) in covered:
            continue
        n += 1
        records.append({"id": f"seg-{sid}-{n:02d}", "source": sid, "start": start, "end": end, "themes": [], "questions": [],
                        "summary": "TODO: what this line says, in a sentence",
                        "not_analysed": "TODO: assign themes (and questions) and set this to null, or say why the line is not analysed"})
    return records, text


def segments_yaml(records: list[dict], text: str) -> str:
    """Block YAML with each line's words as a comment above its record, so the maintainer reads what they code."""
    from cjreport.authoring.common import _dump

    out = []
    for record in records:
        words = _excerpt(text[record["start"]:record["end"]], 100).replace("\n", " ")
        out.append(f"# “{words}”\n" + _dump([record]))
    return "".join(out)


def cmd_segments(args) -> int:
    from cjreport.authoring.common import _data, append_text

    data = _data(args)
    records, text = segment_records(data, args.source)
    if not records:
        print(f"source {args.source}: every body line already has its segment")
        return 0
    out = segments_yaml(records, text)
    if args.append:
        path = data / "segments.yaml"
        append_text(data, path, out)
        print(f"appended {len(records)} segment(s) of source {args.source} to {path}: give each its themes, questions "
              "and summary (or the reason it is not analysed), then `make check`")
    else:
        print(out, end="")
    return 0


# --- adjudication ----------------------------------------------------------------------------------------------

def first_rows(data: Path, sid: str) -> list[list[str]]:
    """The first coding of source sid as it stands in coding.csv (before any decision), for coding-first.csv:
    the rows it does not hold yet."""
    from cjreport.data.coding import CODING_COLUMNS, FIRST_COLUMNS

    path = data / "coding-first.csv"
    done = {r.values["question"] for r in read_csv(path, FIRST_COLUMNS) if r.values["source"] == sid} if path.exists() else set()
    return [[r.values["question"], sid, r.values["stance"]] for r in read_csv(data / "coding.csv", CODING_COLUMNS)
            if r.values["source"] == sid and r.values["question"] not in done]


def adjudication_rows(data: Path, sid: str) -> list[list[str]]:
    """One row per question where the first coding (coding-first.csv, else coding.csv) and coding-second.csv
    give source sid different stances and adjudication.csv has no row yet: first and final are the first
    coding's stance, second the second coder's."""
    from cjreport.data.coding import ADJUDICATION_COLUMNS, CODING_COLUMNS, FIRST_COLUMNS, SECOND_COLUMNS

    first = {r.values["question"]: r.values["stance"] for r in read_csv(data / "coding.csv", CODING_COLUMNS)
             if r.values["source"] == sid}
    if (data / "coding-first.csv").exists():
        first.update({r.values["question"]: r.values["stance"] for r in read_csv(data / "coding-first.csv", FIRST_COLUMNS)
                      if r.values["source"] == sid})
    second = {r.values["question"]: r.values["stance"] for r in read_csv(data / "coding-second.csv", SECOND_COLUMNS)
              if r.values["source"] == sid}
    path = data / "adjudication.csv"
    done = {r.values["question"] for r in read_csv(path, ADJUDICATION_COLUMNS) if r.values["source"] == sid} if path.exists() else set()
    return [[q, sid, first[q], second[q], first[q], "TODO: the decision and its reason (set final to the code chosen)"]
            for q in first if q in second and first[q] != second[q] and q not in done]


def cmd_adjudicate(args) -> int:
    from cjreport.authoring.common import _data, append_text

    data = _data(args)
    # The first coding is recorded as it stands now, before any decision changes coding.csv.
    firsts = first_rows(data, args.source) if (data / "coding-first.csv").exists() else []
    if firsts and args.append:
        record = io.StringIO()
        csv.writer(record, lineterminator="\n").writerows(firsts)
        append_text(data, data / "coding-first.csv", record.getvalue())
        print(f"recorded the first coding of source {args.source} ({len(firsts)} row(s)) in {data / 'coding-first.csv'}")
    rows = adjudication_rows(data, args.source)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    if not rows:
        print(f"source {args.source}: no disagreement between coding.csv and coding-second.csv is left without a decision")
    elif args.append:
        append_text(data, data / "adjudication.csv", buffer.getvalue())
        print(f"appended {len(rows)} row(s) to {data / 'adjudication.csv'}: write each decision and its reason")
    else:
        print(buffer.getvalue(), end="")
    return 0
