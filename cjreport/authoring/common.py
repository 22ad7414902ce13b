"""What the authoring commands share: finding exact words in a text (an anchor), writing YAML records as the data
files keep them, and the rule that the tools write only inside data/."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

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


def inside_data(data: Path, path: Path) -> Path:
    """`path` if it lies inside the data directory (and is not a symbolic link): the tools write nowhere else."""
    resolved_data = data.resolve()
    resolved = path.resolve()
    if path.is_symlink() or (resolved != resolved_data and resolved_data not in resolved.parents):
        raise AuthoringError(f"refusing to write {path}: the authoring tools write only inside {data}")
    return path


def append_text(data: Path, path: Path, text: str) -> None:
    """Append `text` to a file inside data/, starting on a new line."""
    inside_data(data, path)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(existing + ("" if not existing or existing.endswith("\n") else "\n") + text, encoding="utf-8")
