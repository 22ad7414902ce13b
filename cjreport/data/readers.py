"""Safe readers for data/: YAML and CSV that keep line numbers, and text files read only when they are sane.

Every way a file can be wrong ends in a DataError (one line: file, line, what), never a traceback or a hang:
- only regular files are read (a directory or a FIFO is refused before it is opened, so nothing blocks);
- files are bounded in size, YAML in nesting depth, and YAML aliases are refused outright (an alias bomb
  cannot expand; the data never needs them);
- YAML dates stay strings (`2024-13-45` is then a bad date, not a Python exception), and mapping keys must
  be strings;
- text must be UTF-8 without control characters other than newline and tab (CSV may end lines in CR LF).
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cjreport.data.errors import DataError

MAX_BYTES = 8 * 1024 * 1024  # the largest data file today is ~60 kB; a bound keeps a runaway file from stalling a build
MAX_DEPTH = 12  # the deepest structure in data/ is 4 levels (codebook: themes → questions → fields)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_CSV = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")


class LineDict(dict):
    """A mapping read from YAML that remembers the line it started on (1-based)."""

    line: int = 0
    key_lines: dict = {}


class LineList(list):
    """A sequence read from YAML that remembers the line it started on (1-based)."""

    line: int = 0


try:  # libyaml's scanner and parser, about 5× faster than PyYAML's own on data/quotations.yaml (0.05 s, not 0.25 s)
    from yaml._yaml import CParser as _Parser
except ImportError:  # a PyYAML built without libyaml: the same results, slower
    from yaml.parser import Parser as _Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _Parser.__init__(self)


class _SafeLoader(yaml.composer.Composer, _Parser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """A safe loader without timestamps (dates stay the strings the data wrote), aliases or deep nesting.
    The events come from the parser above; the nodes are composed here, in Python, so every node can be checked
    (alias, depth) and keeps its line."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in data files", event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader: _SafeLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    pairs = loader.construct_pairs(node, deep=True)
    for (key, _), (key_node, _) in zip(pairs, node.value):
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(None, None, f"a key must be a name, found {key!r}", key_node.start_mark)
    keys = [k for k, _ in pairs]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise yaml.constructor.ConstructorError(None, None, f"duplicate key {duplicates[0]!r}", node.start_mark)
    mapping = LineDict(pairs)
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {key: key_node.start_mark.line + 1 for (key, _), (key_node, _) in zip(pairs, node.value)}
    return mapping


def _construct_sequence(loader: _SafeLoader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_sequence(node, deep=True))
    items.line = node.start_mark.line + 1
    return items


_SafeLoader.yaml_constructors = dict(yaml.constructor.SafeConstructor.yaml_constructors)
_SafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_SafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_bytes(path: Path, *, what: str = "file") -> bytes:
    """The bytes of a regular file of bounded size; anything else is a DataError (never a hang on a FIFO)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise DataError(path, f"{what} not found") from None
    except OSError as exc:
        raise DataError(path, f"{what} cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise DataError(path, f"{what} is {kind}")
    if info.st_size > MAX_BYTES:
        raise DataError(path, f"{what} is {info.st_size} bytes, more than the limit of {MAX_BYTES}")
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DataError(path, f"{what} cannot be read ({exc.strerror})") from None


def decode(raw: bytes, path: Path, *, csv_lines: bool = False) -> str:
    """UTF-8 text with no control characters but newline and tab; else a DataError naming the line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(path, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})", line=line) from None
    bad = (_CONTROL_CSV if csv_lines else _CONTROL).search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise DataError(path, f"control character U+{ord(bad.group()[0]):04X} at column {column} "
                        "(only newline and tab are allowed)", line=line)
    if text.startswith("\ufeff"):
        raise DataError(path, "starts with a byte-order mark (save as UTF-8 without BOM)", line=1)
    return text


def read_text(path: Path, *, what: str = "file") -> str:
    """Read a regular UTF-8 file, failing with the file name and the line of the first bad byte."""
    return decode(read_bytes(path, what=what), path)


def read_yaml(path: Path) -> Any:
    text = read_text(path)
    try:
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise DataError(path, f"malformed YAML: {exc.problem or exc.context}", line=line) from None
    except yaml.YAMLError as exc:
        raise DataError(path, f"malformed YAML: {exc}") from None
    except RecursionError:
        raise DataError(path, "malformed YAML: nested too deeply") from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. an integer of more than 4300 digits
        raise DataError(path, f"malformed YAML: {' '.join(str(exc).split())[:120]}") from None


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict[str, str]


def read_csv(path: Path, columns: list[str]) -> list[CsvRow]:
    """Read a CSV with exactly `columns` as its header; every row must have that many fields (strict quoting)."""
    text = decode(read_bytes(path), path, csv_lines=True)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[CsvRow] = []
    try:
        header = next(reader, None)
        if header != columns:
            raise DataError(path, f"header must be {','.join(columns)}, found {','.join(header or [])}", line=1)
        start = reader.line_num + 1
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not record or all(not field.strip() for field in record):
                continue
            if len(record) != len(columns):
                raise DataError(path, f"malformed CSV: expected {len(columns)} fields, found {len(record)}", line=line)
            rows.append(CsvRow(line, dict(zip(columns, (field.strip() for field in record)))))
    except csv.Error as exc:
        raise DataError(path, f"malformed CSV: {exc}", line=reader.line_num) from None
    return rows
