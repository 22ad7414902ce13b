"""Readers for YAML and CSV that keep line numbers, so errors can point at the offending line."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError


class LineDict(dict):
    """A mapping read from YAML that remembers the line it started on (1-based)."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict(loader.construct_pairs(node, deep=True))
    mapping.line = node.start_mark.line + 1
    keys = [loader.construct_object(k, deep=True) for k, _ in node.value]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise yaml.constructor.ConstructorError(
            None, None, f"duplicate key {sorted(map(str, duplicates))[0]!r}", node.start_mark
        )
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_text(path: Path) -> str:
    """Read a UTF-8 file, failing with the file name and the line of the first bad byte."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(path, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})", line=line) from None


def read_yaml(path: Path) -> Any:
    if not path.exists():
        raise DataError(path, "file not found")
    text = read_text(path)
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise DataError(path, f"malformed YAML: {exc.problem or exc.context}", line=line) from None
    except yaml.YAMLError as exc:
        raise DataError(path, f"malformed YAML: {exc}") from None


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict[str, str]


def read_csv(path: Path, columns: list[str]) -> list[CsvRow]:
    """Read a CSV with exactly `columns` as its header; every row must have that many fields."""
    if not path.exists():
        raise DataError(path, "file not found")
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[CsvRow] = []
    try:
        header = next(reader, None)
        if header != columns:
            raise DataError(path, f"header must be {','.join(columns)}, found {','.join(header or [])}", line=1)
        for record in reader:
            line = reader.line_num
            if not record or all(not field.strip() for field in record):
                continue
            if len(record) != len(columns):
                raise DataError(path, f"malformed CSV: expected {len(columns)} fields, found {len(record)}", line=line)
            rows.append(CsvRow(line, dict(zip(columns, (field.strip() for field in record)))))
    except csv.Error as exc:
        raise DataError(path, f"malformed CSV: {exc}", line=reader.line_num) from None
    return rows


def require(record: dict, key: str, path: Path, kind: type = str, *, item: str | None = None) -> Any:
    """Fetch a required field of a given type from a YAML record, or fail naming file, line and id."""
    line = getattr(record, "line", None)
    if key not in record or record[key] is None:
        raise DataError(path, f"missing field {key!r}", line=line, item=item)
    value = record[key]
    if kind is int and isinstance(value, bool):
        raise DataError(path, f"field {key!r} must be an integer", line=line, item=item)
    if not isinstance(value, kind):
        raise DataError(path, f"field {key!r} must be {kind.__name__}, found {type(value).__name__} {value!r}", line=line, item=item)
    return value
