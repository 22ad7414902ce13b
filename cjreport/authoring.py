"""Authoring tools: anchor a quotation from its words, scaffold a new source, re-anchor drifted quotations.

    python -m cjreport anchor SOURCE "exact words" [--id ID --theme THEME --speaker WHO --voice VOICE] [--append]
    python -m cjreport scaffold PATH/TO/TEXT.txt [--id NNN] [--bibkey KEY] [--title …]
    python -m cjreport reanchor [--fix]

No one computes a character offset by hand: the tools find the words in the text (white space runs fold, as
the loader folds them; quote marks, apostrophes and dashes must match) and write the anchor the loader checks.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from cjreport.data.readers import read_text, read_yaml
from cjreport.data.errors import DataError
from cjreport.data.quotations import closest_passage, fold, fold_with_map

CONTEXT = 30  # characters of prefix and suffix, as in data/quotations.yaml


class AuthoringError(Exception):
    """A message for the maintainer; the command prints it as one line and exits 1."""


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    prefix: str
    suffix: str
    text: str


def _char(c: str) -> str:
    return f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})"


def first_difference(words: str, passage: str) -> str:
    """Where `words` first differs from the closest passage of the source, and what each has there."""
    a, b = fold(words).strip(), fold(passage).strip()
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"at character {i + 1} (after “{a[max(0, i - 20):i]}”) you have {_char(x)}, the source has {_char(y)}"
    if len(a) > len(b):
        return f"your words go on past the passage at character {len(b) + 1}: “{a[len(b):len(b) + 30]}”"
    return "the passage is longer than your words"


def find_all(words: str, text: str) -> list[tuple[int, int]]:
    """Every [start, end) in `text` whose white-space-folded form equals the folded `words`."""
    needle = fold(words).strip()
    if not needle:
        raise AuthoringError("the words are empty")
    hay, where = fold_with_map(text)
    spans, at = [], hay.find(needle)
    while at >= 0:
        spans.append((where[at], where[at + len(needle) - 1] + 1))
        at = hay.find(needle, at + 1)
    return spans


def anchor(words: str, text: str, *, near: tuple[str, str] | None = None, source_id: str = "?") -> Anchor:
    """The anchor of `words` in `text`; with several occurrences, the one whose prefix/suffix match `near`."""
    spans = find_all(words, text)
    if not spans:
        passage = closest_passage(words, text)
        raise AuthoringError(f"not found in source {source_id}; closest passage: “{passage}”; "
                             + first_difference(words, passage))
    if len(spans) > 1 and near is not None:
        prefix, suffix = (fold(x) for x in near)
        fitting = [s for s in spans if fold(text[max(0, s[0] - len(near[0]) - 40):s[0]]).endswith(prefix)
                   and fold(text[s[1]:s[1] + len(near[1]) + 40]).startswith(suffix)]
        spans = fitting or spans
    if len(spans) > 1:
        raise AuthoringError(f"the words occur {len(spans)} times in source {source_id} (at "
                             f"{', '.join(str(s[0]) for s in spans[:5])}); quote more of the passage")
    start, end = spans[0]
    return Anchor(start, end, text[max(0, start - CONTEXT):start], text[end:end + CONTEXT], text[start:end])


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Line breaks in a prefix or suffix stay visible as \n (as in data/quotations.yaml), not folded lines.
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if "\n" in value else None)


_Dumper.add_representer(str, _str)


def _dump(records: list[dict]) -> str:
    return yaml.dump(records, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def _data(args) -> Path:
    from cjreport.data.evidence import data_dir

    return Path(args.data).resolve() if args.data else data_dir()


def _source_records(data: Path) -> list[dict]:
    records = read_yaml(data / "sources.yaml")
    if not isinstance(records, list):
        raise AuthoringError("data/sources.yaml is not a list of sources")
    return records


def cmd_anchor(args) -> int:
    data = _data(args)
    record = next((r for r in _source_records(data) if isinstance(r, dict) and r.get("id") == args.source), None)
    if record is None:
        raise AuthoringError(f"no source {args.source!r} in data/sources.yaml")
    text = read_text(data / "texts" / str(record["file"]))
    found = anchor(args.words, text, source_id=args.source)
    quote = {
        "id": args.id or f"q{args.source}-TODO",
        "source": args.source,
        "theme": args.theme or "TODO",
        "speaker": args.speaker or str(record.get("author", "TODO")),
        "voice": args.voice,
        "reported_by": args.reported_by if args.voice == "reported" else None,
        "text": fold(found.text).strip() if "\n" in found.text else found.text,
        "start": found.start,
        "end": found.end,
        "prefix": found.prefix,
        "suffix": found.suffix,
    }
    out = _dump([quote])
    if args.append:
        if not args.id or not args.theme:
            raise AuthoringError("--append needs --id and --theme (the record must be complete)")
        path = data / "quotations.yaml"
        existing = path.read_text(encoding="utf-8")
        path.write_text(existing + ("" if existing.endswith("\n") else "\n") + out, encoding="utf-8")
        print(f"appended {quote['id']} to {path}")
    else:
        sys.stdout.write(out)
    return 0


def guess_parts(text: str) -> list[dict]:
    """A first guess of the parts, for the maintainer to correct: short opening lines without a full stop are
    furniture (headline, byline, date), a "Comments" line and what follows are comments, the rest is body."""
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"\S(?:.*\S)?", text)]
    if not paragraphs:
        raise AuthoringError("the text is empty")
    kinds = []
    head = True
    comments = False
    for start, end in paragraphs:
        line = text[start:end]
        if re.fullmatch(r"(?i)(\d+\s+)?(reader\s+)?comments?(\s*\(\d+\))?:?", line.strip()):
            kinds.append(("furniture", "comments header"))
            comments = True
            continue
        if comments:
            kinds.append(("comments", "reader comments"))
            continue
        if head and len(line) < 120 and not line.rstrip().endswith((".", "?", "!", "”", '"')):
            kinds.append(("furniture", "header"))
            continue
        head = False
        kinds.append(("body", None))
    parts: list[dict] = []
    for (start, end), (kind, label) in zip(paragraphs, kinds):
        if parts and parts[-1]["kind"] == kind and parts[-1].get("label") == label:
            parts[-1]["end"] = end
        else:
            parts.append({"kind": kind, "start": start, "end": end, **({"label": label} if label else {})})
    return parts


def cmd_scaffold(args) -> int:
    data = _data(args)
    from cjreport.data.coding import load_codebook

    src = Path(args.text)
    raw = src.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AuthoringError(f"{src} is not valid UTF-8 (byte at offset {exc.start})") from None
    records = _source_records(data)
    ids = [str(r.get("id")) for r in records if isinstance(r, dict)]
    sid = args.id or f"{max((int(i) for i in ids if i.isdigit()), default=-1) + 1:03d}"
    if sid in ids:
        raise AuthoringError(f"source id {sid} is already taken")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", src.stem).strip("-.") or "text"
    name = src.name if src.name.startswith(sid + "_") and re.fullmatch(r"[A-Za-z0-9._-]+", src.name) else f"{sid}_{stem}.txt"
    target = data / "texts" / name
    if target.exists() and target.read_bytes() != raw:
        raise AuthoringError(f"{target} exists with other content")
    digest = hashlib.sha256(raw).hexdigest()
    todo = "TODO: as the text states it"
    record = {
        "id": sid, "bibkey": args.bibkey or f"TODO{sid}", "file": name, "sha256": digest,
        "title": args.title or todo, "outlet": args.outlet or todo, "author": args.author or todo,
        "affiliation": args.affiliation or todo, "date": args.date or "TODO", "date_status": args.date_status,
        "date_basis": args.date_basis or "TODO: the words printed, or what the date is inferred from",
        "kind": args.kind, "language": "en", "reliability": args.reliability or "TODO: caveats the text itself shows",
        "parts": guess_parts(text),
    }
    codebook = load_codebook(data)
    coding = data / "coding.csv"
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    for qid in codebook.questions:
        writer.writerow([qid, sid, "not_addressed", "TODO: read the text for this question; say what it does and does not cover.", ""])
    if target != src.resolve():
        shutil.copyfile(src, target)
    existing = (data / "sources.yaml").read_text(encoding="utf-8")
    (data / "sources.yaml").write_text(existing + ("" if existing.endswith("\n") else "\n") + _dump([record]), encoding="utf-8")
    with open(data / "texts" / "SHA256SUMS", "a", encoding="utf-8") as sums:
        sums.write(f"{digest}  {name}\n")
    body = coding.read_text(encoding="utf-8")
    coding.write_text(body + ("" if body.endswith("\n") else "\n") + rows.getvalue(), encoding="utf-8")
    print(f"source {sid}: copied the text to {target}, appended its record to sources.yaml (parts guessed: "
          f"{', '.join(p['kind'] for p in record['parts'])}), its line to texts/SHA256SUMS and "
          f"{len(codebook.questions)} not_addressed rows to coding.csv. Replace every TODO, check the parts, then "
          "add its quotations (`python -m cjreport anchor`), code it, add the second coder's rows to coding-second.csv "
          "and its segments and argument map where those files exist (README, \"Add a source\"), then `make check`.")
    return 0


def cmd_reanchor(args) -> int:
    """Find each quotation again by its text (and prefix/suffix when it occurs more than once)."""
    data = _data(args)
    path = data / "quotations.yaml"
    records = read_yaml(path)
    sources = {str(r.get("id")): r for r in _source_records(data) if isinstance(r, dict)}
    texts: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [getattr(r, "line", 0) for r in records] + [len(lines) + 1]
    moved = failed = 0
    for index, record in enumerate(records):
        sid = str(record.get("source"))
        if sid not in sources:
            print(f"{path.name}:{record.line} [{record.get('id')}]: unknown source {sid!r}")
            failed += 1
            continue
        if sid not in texts:
            texts[sid] = read_text(data / "texts" / str(sources[sid]["file"]))
        try:
            found = anchor(str(record.get("text", "")), texts[sid], near=(str(record.get("prefix") or ""), str(record.get("suffix") or "")),
                           source_id=sid)
        except AuthoringError as exc:
            print(f"{path.name}:{record.line} [{record.get('id')}]: {exc}")
            failed += 1
            continue
        new = {"start": found.start, "end": found.end, "prefix": found.prefix, "suffix": found.suffix}
        if (record.get("start"), record.get("end")) == (found.start, found.end) and \
                fold(str(record.get("prefix") or "")) == fold(found.prefix) and fold(str(record.get("suffix") or "")) == fold(found.suffix):
            continue
        moved += 1
        print(f"{path.name}:{record.line} [{record.get('id')}]: [{record.get('start')}, {record.get('end')}) -> "
              f"[{found.start}, {found.end})")
        if args.fix:
            block = range(starts[index] - 1, starts[index + 1] - 1)
            for key, value in new.items():
                dumped = yaml.safe_dump({key: value}, allow_unicode=True, width=1000).rstrip("\n")
                if "\n" in dumped:
                    dumped = f"{key}: {yaml.safe_dump(value, allow_unicode=True, width=1000, default_style=chr(34)).strip()}"
                for i in block:
                    if re.match(rf"(\s*-\s+|\s+){key}:", lines[i]):
                        indent = re.match(r"(\s*-\s+|\s+)", lines[i]).group(1)
                        lines[i] = indent + dumped + "\n"
                        break
    if args.fix and moved:
        path.write_text("".join(lines), encoding="utf-8")
    print(f"{moved} quotation(s) {'re-anchored' if args.fix else 'drifted'}, {failed} not found, "
          f"{len(records) - moved - failed} in place")
    return 1 if failed or (moved and not args.fix) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cjreport", description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="the data directory (default: data/ of this checkout, or $CJREPORT_DATA)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("anchor", help="print (or append) a quotation record with its anchor, from its exact words")
    p.add_argument("source")
    p.add_argument("words")
    p.add_argument("--id")
    p.add_argument("--theme")
    p.add_argument("--speaker")
    p.add_argument("--voice", default="author", choices=["author", "reported", "commenter"])
    p.add_argument("--reported-by")
    p.add_argument("--append", action="store_true", help="append the record to data/quotations.yaml")
    p.set_defaults(func=cmd_anchor)
    p = sub.add_parser("scaffold", help="add a new source from its text file (record, checksum, coding rows)")
    p.add_argument("text")
    p.add_argument("--id")
    for name in ("bibkey", "title", "outlet", "author", "affiliation", "date", "date-basis", "reliability"):
        p.add_argument(f"--{name}")
    p.add_argument("--date-status", default="printed", choices=["printed", "inferred"])
    p.add_argument("--kind", default="commentary", choices=["commentary", "essay", "opinion", "news-analysis", "analysis"])
    p.set_defaults(func=cmd_scaffold)
    p = sub.add_parser("reanchor", help="find every quotation again by its text; report drift, or --fix it")
    p.add_argument("--fix", action="store_true")
    p.set_defaults(func=cmd_reanchor)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (AuthoringError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return 1
