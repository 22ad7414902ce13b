"""Repair a source whose text was corrected: one command updates its checksum wherever it is recorded and moves
every anchor into the new text.

    python -m cjreport repair NNN [--old PATH]

The previous text is the version whose checksum data/sources.yaml still records: given with --old, or found in
the git history of the text file. The two texts are aligned (difflib, line by line and then character by
character inside the lines that changed), and every offset into the source moves with its words:

- the checksum in data/sources.yaml and data/texts/SHA256SUMS;
- the source's parts (a part boundary inside a changed passage moves to that passage's edge; text inserted at
  a boundary joins the part that follows);
- each quotation's start, end, prefix and suffix (a quotation whose own words changed is found again by its
  words and context, or reported);
- each segment's start and end (a segment whose line changed is moved to the line it overlaps most, and
  reported; a new line with no segment is reported).

Only the scalars that change are rewritten (cjreport/yamledit.py): comments and layout stay as written. What
cannot be placed is listed, one line each, and the command exits 1; then `make check` names what is left.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import subprocess
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from cjreport.data.readers import decode, read_bytes, read_text, read_yaml
from cjreport.data.errors import DataError
from cjreport.data.quotations import fold
from cjreport.authoring.yamledit import set_scalars


class RepairError(Exception):
    """The repair cannot start (one line for the maintainer)."""


@dataclass(frozen=True)
class Alignment:
    """Character opcodes from old to new text: (tag, i1, i2, j1, j2), covering both texts in order."""

    ops: list[tuple[str, int, int, int, int]]
    old_len: int
    new_len: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ends", [op[2] for op in self.ops])

    def _op(self, x: int) -> tuple[str, int, int, int, int] | None:
        """The opcode whose old range holds position x (an insertion holds none: its old range is empty)."""
        i = bisect_right(self._ends, x)  # the ops cover the old text in order, so the first that ends after x holds it
        return self.ops[i] if i < len(self.ops) and self.ops[i][1] <= x else None

    def start(self, x: int, *, with_insert: bool = False) -> int:
        """Where a start offset goes: with its character when that is unchanged; else to the changed passage's
        start. with_insert: text inserted right before it is included (a part boundary: it joins what follows)."""
        if x >= self.old_len:
            return self.new_len
        if with_insert:
            for tag, i1, i2, j1, j2 in self.ops:
                if tag == "insert" and i1 == x:
                    return j1
        op = self._op(x)
        tag, i1, _, j1, _ = op
        return j1 + (x - i1) if tag == "equal" else j1

    def end(self, x: int) -> int:
        """Where an end offset (exclusive) goes: just after its last character when that is unchanged; else to
        the changed passage's end."""
        if x <= 0:
            return 0
        tag, i1, _, j1, j2 = self._op(x - 1)
        return j1 + (x - 1 - i1) + 1 if tag == "equal" else j2

    def unchanged(self, start: int, end: int) -> bool:
        """True when old[start:end] lies inside one run of unchanged characters."""
        if end <= start:
            return True
        op = self._op(start)
        return op is not None and op[0] == "equal" and end <= op[2]


def align(old: str, new: str) -> Alignment:
    """Line-level matching first (fast on long texts), then character-level inside each changed block."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    old_at = [0]
    for line in old_lines:
        old_at.append(old_at[-1] + len(line))
    new_at = [0]
    for line in new_lines:
        new_at.append(new_at[-1] + len(line))
    ops: list[tuple[str, int, int, int, int]] = []
    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        i1, i2, j1, j2 = old_at[a1], old_at[a2], new_at[b1], new_at[b2]
        if tag == "equal" or tag in ("insert", "delete"):
            ops.append((tag, i1, i2, j1, j2))
            continue
        for ctag, c1, c2, d1, d2 in difflib.SequenceMatcher(None, old[i1:i2], new[j1:j2], autojunk=False).get_opcodes():
            ops.append((ctag, i1 + c1, i1 + c2, j1 + d1, j1 + d2))
    return Alignment(ops, len(old), len(new))


def previous_text(text_file: Path, sha256: str, old: Path | None) -> str:
    """The text whose checksum is `sha256`: the --old file, or the newest version of text_file in git that has it."""
    if old is not None:
        raw = read_bytes(old, what="previous text")
        if hashlib.sha256(raw).hexdigest() != sha256:
            raise RepairError(f"{old} is not the previous text: its checksum is not the one sources.yaml records ({sha256[:12]}…)")
        return decode(raw, old)
    folder = text_file.parent
    try:
        top = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                             timeout=20)
        if top.returncode != 0:
            raise RepairError(f"{text_file.name} is not in a git repository and no --old was given: pass the previous "
                              "text with --old PATH")
        relative = text_file.resolve().relative_to(Path(top.stdout.strip()).resolve()).as_posix()
        revisions = [""] + subprocess.run(["git", "-C", str(folder), "log", "--format=%H", "-n", "200", "--", relative],
                                          capture_output=True, text=True, timeout=60).stdout.split()
        for revision in revisions:  # "" is the index (staged), then each commit that touched the file, newest first
            shown = subprocess.run(["git", "-C", str(folder), "show", f"{revision}:{relative}"], capture_output=True,
                                   timeout=60)
            if shown.returncode == 0 and hashlib.sha256(shown.stdout).hexdigest() == sha256:
                return decode(shown.stdout, text_file)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        raise RepairError(f"cannot read the git history of {text_file.name} ({exc}); pass the previous text with --old PATH") from None
    raise RepairError(f"no version of {text_file.name} in git has the checksum sources.yaml records ({sha256[:12]}…); "
                      "pass the previous text with --old PATH")


def _body_lines(text: str, parts: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    from cjreport.data.evidence import body_lines

    source = SimpleNamespace(text=text, parts=[SimpleNamespace(kind=k, start=s, end=e) for k, s, e in parts])
    return body_lines(source)


def repair(data: Path, sid: str, old_path: Path | None = None) -> tuple[list[str], list[str]]:
    """Repair source `sid` in `data`; return (what was done, what could not be placed)."""
    from cjreport.authoring.common import CONTEXT, anchor, AuthoringError

    sources_path = data / "sources.yaml"
    records = read_yaml(sources_path)
    if not isinstance(records, list):
        raise RepairError("data/sources.yaml is not a list of sources")
    index = next((i for i, r in enumerate(records) if isinstance(r, dict) and r.get("id") == sid), None)
    if index is None:
        raise RepairError(f"no source {sid!r} in data/sources.yaml")
    record = records[index]
    name = str(record.get("file", ""))
    if Path(name).name != name or not name:
        raise RepairError(f"source {sid}: file {name!r} is not a plain file name in data/texts/")
    text_file = data / "texts" / name
    raw = read_bytes(text_file, what="text file")
    new = decode(raw, text_file)
    new_sha = hashlib.sha256(raw).hexdigest()
    recorded = str(record.get("sha256", ""))
    sums_path = data / "texts" / "SHA256SUMS"
    sums = read_text(sums_path)
    done: list[str] = []
    unplaced: list[str] = []
    if recorded == new_sha:
        old = new
    else:
        old = previous_text(text_file, recorded, old_path)
    moves = align(old, new)

    # Parts, in text order, and the checksum.
    edits: dict[tuple, object] = {}
    if recorded != new_sha:
        edits[(index, "sha256")] = new_sha
    raw_parts = record.get("parts") or []
    new_parts: list[tuple[str, int, int]] = []
    shifted_parts = 0
    for j, part in enumerate(raw_parts):
        start, end = int(part["start"]), int(part["end"])
        n_start = moves.start(start, with_insert=True)  # text inserted at a boundary joins the part that follows
        # The last part keeps what is added after it (up to the new text's final white space).
        n_end = len(new.rstrip()) if not old[end:].strip() else moves.end(end)
        if (n_start, n_end) != (start, end):
            edits[(index, "parts", j, "start")] = n_start
            edits[(index, "parts", j, "end")] = n_end
            shifted_parts += 1
        if n_end <= n_start:
            unplaced.append(f"sources.yaml [{sid}]: part {j + 1} ({part.get('kind')}) is empty in the new text")
        new_parts.append((str(part.get("kind")), n_start, n_end))
    if edits:
        sources_path.write_text(set_scalars(sources_path.read_text(encoding="utf-8"), edits), encoding="utf-8")
    sum_line = re.compile(rf"^[0-9a-f]{{64}}( [ *]){re.escape(name)}$", re.M)
    if not sum_line.search(sums):
        sums = sums + ("" if sums.endswith("\n") or not sums else "\n") + f"{new_sha}  {name}\n"
    else:
        sums = sum_line.sub(lambda m: f"{new_sha}{m.group(1)}{name}", sums)
    if sums != read_text(sums_path):
        sums_path.write_text(sums, encoding="utf-8")
    if recorded != new_sha:
        done.append(f"checksum of {name} updated in data/sources.yaml and data/texts/SHA256SUMS")
    done.append(f"{shifted_parts} of {len(raw_parts)} part(s) moved")

    # Quotations: moved with their words, or found again by their words and context.
    quotes_path = data / "quotations.yaml"
    quotes = read_yaml(quotes_path) if quotes_path.exists() else []
    edits = {}
    moved = total = 0
    for j, quote in enumerate(quotes if isinstance(quotes, list) else []):
        if not isinstance(quote, dict) or quote.get("source") != sid:
            continue
        total += 1
        qid = quote.get("id")
        start, end = quote.get("start"), quote.get("end")
        words = str(quote.get("text", ""))
        prefix, suffix = str(quote.get("prefix") or ""), str(quote.get("suffix") or "")
        n_start = n_end = None
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(old) \
                and fold(old[start:end]).strip() == fold(words).strip() and moves.unchanged(start, end):
            n_start, n_end = moves.start(start), moves.end(end)
        else:
            try:
                found = anchor(words, new, near=(prefix, suffix), source_id=sid)
                n_start, n_end = found.start, found.end
            except AuthoringError as exc:
                unplaced.append(f"quotations.yaml:{getattr(quote, 'line', '?')} [{qid}]: {exc}")
                continue
        n_prefix = new[max(0, n_start - (len(prefix) or CONTEXT)):n_start] if prefix else ""
        n_suffix = new[n_end:n_end + (len(suffix) or CONTEXT)] if suffix else ""
        change = {"start": n_start, "end": n_end, "prefix": n_prefix, "suffix": n_suffix}
        current = {"start": start, "end": end, "prefix": prefix, "suffix": suffix}
        if change != current:
            moved += 1
            for key, value in change.items():
                if current[key] != value:
                    if key in quote:
                        edits[(j, key)] = value
                    elif value:
                        unplaced.append(f"quotations.yaml:{getattr(quote, 'line', '?')} [{qid}]: has no {key} to update")
    if edits:
        quotes_path.write_text(set_scalars(quotes_path.read_text(encoding="utf-8"), edits), encoding="utf-8")
    done.append(f"{moved} of {total} quotation(s) moved")

    # Segments: every non-blank body line is one segment.
    segments_path = data / "segments.yaml"
    if segments_path.exists():
        segments = read_yaml(segments_path)
        lines = _body_lines(new, new_parts)
        edits = {}
        taken: dict[tuple[int, int], str] = {}
        moved = total = 0
        for j, seg in enumerate(segments if isinstance(segments, list) else []):
            if not isinstance(seg, dict) or seg.get("source") != sid:
                continue
            total += 1
            start, end = int(seg.get("start", 0)), int(seg.get("end", 0))
            span = (moves.start(start), moves.end(end))
            if span not in lines:
                overlaps = [(min(span[1], e) - max(span[0], s), (s, e)) for s, e in lines]
                best = max(overlaps, default=(0, None))
                if best[0] <= 0:
                    unplaced.append(f"segments.yaml:{getattr(seg, 'line', '?')} [{seg.get('id')}]: its line "
                                    f"“{old[start:end][:50]}” is gone from the new text")
                    continue
                span = best[1]
                unplaced.append(f"segments.yaml:{getattr(seg, 'line', '?')} [{seg.get('id')}]: its line changed; moved to "
                                f"[{span[0]}, {span[1]}) “{new[span[0]:span[1]][:50]}”: check its themes and summary")
            if span in taken:
                unplaced.append(f"segments.yaml:{getattr(seg, 'line', '?')} [{seg.get('id')}]: falls on the same line as "
                                f"{taken[span]} (two lines were joined): delete one")
                continue
            taken[span] = str(seg.get("id"))
            if span != (start, end):
                moved += 1
                edits[(j, "start")], edits[(j, "end")] = span
        for s, e in lines:
            if (s, e) not in taken:
                unplaced.append(f"segments.yaml [{sid}]: the new line [{s}, {e}) “{new[s:e][:50]}” has no segment "
                                f"(`python -m cjreport segments {sid}` proposes it)")
        if edits:
            segments_path.write_text(set_scalars(segments_path.read_text(encoding="utf-8"), edits), encoding="utf-8")
        done.append(f"{moved} of {total} segment(s) moved")

    # The second coder's excerpts are words, not offsets: they need no move, but must still be in the body.
    second = data / "coding-second.csv"
    if second.exists():
        from cjreport.data.coding import SECOND_COLUMNS
        from cjreport.data.readers import read_csv

        body = fold("\n".join(new[s:e] for k, s, e in new_parts if k == "body"))
        for row in read_csv(second, SECOND_COLUMNS):
            if row.values["source"] != sid or not row.values["evidence"].strip():
                continue
            for excerpt in row.values["evidence"].split(" | "):
                if excerpt.strip() and fold(excerpt.strip()) not in body:
                    unplaced.append(f"coding-second.csv:{row.line} [{row.values['question']} × {sid}]: the excerpt "
                                    f"“{excerpt.strip()[:50]}” is no longer in the body: correct it to the new words")
    return done, unplaced


def cmd_repair(args) -> int:
    from cjreport.authoring.common import _data

    data = _data(args)
    try:
        done, unplaced = repair(data, args.source, Path(args.old) if args.old else None)
    except RepairError as exc:
        raise DataError(data / "sources.yaml", str(exc), item=args.source) from None
    print(f"source {args.source}: " + "; ".join(done))
    for line in unplaced:
        print(f"not placed: data/{line}")
    if unplaced:
        print(f"{len(unplaced)} item(s) to see to by hand (listed above); then `make check`")
        return 1
    return 0
