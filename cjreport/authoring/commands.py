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
from pathlib import Path


from cjreport.authoring.common import AuthoringError, _data, _dump, anchor, append_text, inside_data
from cjreport.authoring.propose import propose_parts, show_parts
from cjreport.data.readers import read_text, read_yaml
from cjreport.data.errors import DataError
from cjreport.data.quotations import fold

def text_of(data: Path, record: dict) -> str:
    """The text a sources.yaml record names, only from data/texts/ (a plain file name, not a link): a crafted
    `file:` never makes a tool read outside the repository."""
    from cjreport.data.corpus import text_path

    return read_text(text_path(data, str(record.get("file", "")), data / "sources.yaml", line=getattr(record, "line", None),
                               item=str(record.get("id"))), what="text file")


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
    text = text_of(data, record)
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
        append_text(data, path, out)
        print(f"appended {quote['id']} to {path}")
    else:
        sys.stdout.write(out)
    return 0


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
    if not re.fullmatch(r"[0-9]{3}", sid):  # the id names the text file: nothing else may reach the path
        raise AuthoringError(f"source id {sid!r} must be three digits (e.g. {len(ids):03d})")
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
        "parts": _parts(text, src),
    }
    codebook = load_codebook(data)
    coding = data / "coding.csv"
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    for qid in codebook.questions:
        writer.writerow([qid, sid, "not_addressed", "TODO: read the text for this question; say what it does and does not cover.", ""])
    # The companion files, where the project keeps them: one placeholder row per question for the blind second
    # coder, and an argument map to fill in (quotation ids come from `anchor`).
    second = data / "coding-second.csv"
    second_rows = io.StringIO()
    csv.writer(second_rows, lineterminator="\n").writerows(
        [qid, sid, "not_addressed", "TODO: the second coder's reading, blind to coding.csv", ""] for qid in codebook.questions)
    argument = {"source": sid, "claim": {"summary": "TODO: the main claim of the source, in a sentence", "quotation": "TODO"},
                "points": [], "recommendations": [], "recommendations_note": "TODO: null, or why there are none"}
    print(f"parts proposed for source {sid} (check them against the text; correct a kind, a label or a boundary in "
          "data/sources.yaml if one is wrong):")
    print(show_parts(text, record["parts"]))
    if sys.stdin.isatty() and not args.yes:
        answer = input("Write them and scaffold the source? [Y/n] ").strip().lower()
        if answer not in ("", "y", "yes"):
            print("nothing written")
            return 1
    if target != src.resolve():
        inside_data(data, target)
        shutil.copyfile(src, target)
    append_text(data, data / "sources.yaml", _dump([record]))
    append_text(data, data / "texts" / "SHA256SUMS", f"{digest}  {name}\n")
    append_text(data, coding, rows.getvalue())
    written = ["sources.yaml", "texts/SHA256SUMS", "coding.csv"]
    if second.exists():
        append_text(data, second, second_rows.getvalue())
        written.append("coding-second.csv")
    if (data / "arguments.yaml").exists():
        append_text(data, data / "arguments.yaml", _dump([argument]))
        written.append("arguments.yaml")
    _update_counts(data)
    print(f"source {sid}: copied the text to {target}; wrote its record, checksum and placeholder rows to "
          f"{', '.join(written)}. Next (README, \"Add a source\"): `make check` lists every TODO; add quotations with "
          f"`python -m cjreport anchor {sid} \"exact words\" --id q{sid}-… --theme … --append`; "
          + (f"`python -m cjreport segments {sid} --append` writes its segments; " if (data / "segments.yaml").exists() else "")
          + (f"after both codings, `python -m cjreport adjudicate {sid} --append` writes a row per disagreement." if second.exists() else ""))
    return 0


def _parts(text: str, src: Path) -> list[dict]:
    try:
        return propose_parts(text)
    except ValueError as exc:
        raise AuthoringError(f"{src}: {exc}") from None


def _update_counts(data: Path) -> None:
    """The count of sources that CITATION.cff states (outside data/, the one file beside it that names the count)."""
    from cjreport.data.citation import update_cff_count

    update_cff_count(data)


def cmd_reanchor(args) -> int:
    """Find each quotation again by its text (and prefix/suffix when it occurs more than once)."""
    from cjreport.authoring.yamledit import set_scalars

    data = _data(args)
    path = data / "quotations.yaml"
    records = read_yaml(path)
    if records is None:
        records = []
    if not isinstance(records, list):
        raise AuthoringError(f"{path.name} must be a list of quotations, found {type(records).__name__}")
    sources = {str(r.get("id")): r for r in _source_records(data) if isinstance(r, dict)}
    texts: dict[str, str] = {}
    edits: dict[tuple, object] = {}
    moved = failed = 0
    for index, record in enumerate(records):
        where = f"{path.name}:{getattr(record, 'line', '?')}"
        if not isinstance(record, dict):
            print(f"{where}: not a quotation record (a mapping with id, source, text…)")
            failed += 1
            continue
        where += f" [{record.get('id')}]"
        sid = str(record.get("source"))
        if sid not in sources:
            print(f"{where}: unknown source {sid!r}")
            failed += 1
            continue
        if sid not in texts:
            texts[sid] = text_of(data, sources[sid])
        try:
            found = anchor(str(record.get("text", "")), texts[sid], near=(str(record.get("prefix") or ""), str(record.get("suffix") or "")),
                           source_id=sid)
        except AuthoringError as exc:
            print(f"{where}: {exc}")
            failed += 1
            continue
        new = {"start": found.start, "end": found.end, "prefix": found.prefix, "suffix": found.suffix}
        if (record.get("start"), record.get("end")) == (found.start, found.end) and \
                fold(str(record.get("prefix") or "")) == fold(found.prefix) and fold(str(record.get("suffix") or "")) == fold(found.suffix):
            continue
        moved += 1
        print(f"{where}: [{record.get('start')}, {record.get('end')}) -> [{found.start}, {found.end})")
        for key, value in new.items():
            if key in record:
                edits[(index, key)] = value
            else:
                print(f"{where}: has no {key}: add `{key}:` to the record, then run reanchor --fix again")
                failed += 1
    if args.fix and edits:
        # Only the four scalars change, in whatever YAML style the record was written (cjreport/yamledit.py).
        inside_data(data, path)
        path.write_text(set_scalars(path.read_text(encoding="utf-8"), edits), encoding="utf-8")
    print(f"{moved} quotation(s) {'re-anchored' if args.fix else 'drifted'}, {failed} not found or not fixable, "
          f"{len(records) - moved - failed} in place")
    return 1 if failed or (moved and not args.fix) else 0


def _propose(name: str):
    def run(args) -> int:
        from cjreport.authoring import propose

        return getattr(propose, name)(args)
    return run


def _repair(args) -> int:
    from cjreport.authoring.repair import cmd_repair

    return cmd_repair(args)


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (argparse prints the whole usage first)."""

    def error(self, message: str):
        self.exit(2, f"error: {self.prog}: {message} (`{self.prog} --help` lists the options)\n")


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="python -m cjreport", description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="the data directory (default: data/ of this checkout, or $CJREPORT_DATA)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
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
    p.add_argument("--yes", action="store_true", help="write the proposed parts without asking (asked only at a terminal)")
    p.set_defaults(func=cmd_scaffold)
    p = sub.add_parser("segments", help="propose one segment per body line of a source (print, or --append to segments.yaml)")
    p.add_argument("source")
    p.add_argument("--append", action="store_true")
    p.set_defaults(func=_propose("cmd_segments"))
    p = sub.add_parser("adjudicate", help="a row per cell where the two codings of a source differ (print, or --append)")
    p.add_argument("source")
    p.add_argument("--append", action="store_true")
    p.set_defaults(func=_propose("cmd_adjudicate"))
    p = sub.add_parser("repair", help="after a text was corrected: update its checksum everywhere and move its parts, "
                                      "quotations and segments with their words")
    p.add_argument("source")
    p.add_argument("--old", help="the previous text (default: the version in git whose checksum sources.yaml records)")
    p.set_defaults(func=_repair)
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
