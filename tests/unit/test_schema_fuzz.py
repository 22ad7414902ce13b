"""Property-based: mutate valid data files (types, values, structure, encodings) and require that the loader
either accepts the result or fails with exactly one clean line naming the file, never a traceback or a hang.

The real files are read once; each example writes one mutated file into a fresh copy of data/ and loads it
in-process (a DataError is the only exception allowed). Bounded: ~60 s for all three tests together.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjreport import DataError, load
from cjreport.data.evidence import DEFAULT_DATA_DIR

YAML_FILES = ["sources.yaml", "quotations.yaml", "codebook.yaml", "actors.yaml", "codebook-changelog.yaml",
              "segments.yaml", "arguments.yaml"]
CSV_FILES = ["coding.csv", "events.csv", "coding-second.csv"]
ALL_FILES = YAML_FILES + CSV_FILES + ["texts/SHA256SUMS"]
# CJ_FUZZ_EXAMPLES raises the count for a longer hunt; the suite's default keeps all three tests near 60 s.
SETTINGS = settings(max_examples=int(os.environ.get("CJ_FUZZ_EXAMPLES", "25")), deadline=10_000,
                    derandomize=not os.environ.get("CJ_FUZZ_EXAMPLES"), database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LINE = re.compile(r"^data/[\w./-]+(:\d+)?( \[[^\]\n]+\])?: \S[^\n]*$")

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**6, max_value=10**12), st.floats(allow_nan=True),
    st.text(max_size=30), st.sampled_from(["", "  ", "2024-00", "2023-02-30", "2024-13-45", "999", "q000-x", "TODO",
                                           "author", "supports", "\x00", "\u00a0", "’", "../x.txt", "a\nb"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=6)


def _assert_clean(data: Path, name: str) -> None:
    try:
        load(data)
    except DataError as exc:
        message = str(exc)
        assert LINE.match(message), message
        assert message.startswith("data/"), message


def _paths(node, prefix=()):
    """Every path into a YAML structure (list indices and mapping keys)."""
    yield prefix
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _paths(item, prefix + (i,))
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _paths(item, prefix + (key,))


ORIGINAL = {name: (DEFAULT_DATA_DIR / name).read_bytes() for name in ALL_FILES if (DEFAULT_DATA_DIR / name).exists()}
PARSED = {name: yaml.safe_load(ORIGINAL[name]) for name in YAML_FILES if name in ORIGINAL}


def _with(name: str, content: bytes):
    tmp = Path(tempfile.mkdtemp(prefix="cjfuzz-"))
    data = tmp / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    (data / name).write_bytes(content)
    return tmp, data


@SETTINGS
@given(st.data())
def test_yaml_structure_mutations(draw):
    name = draw.draw(st.sampled_from(sorted(PARSED)))
    tree = yaml.safe_load(ORIGINAL[name])  # a fresh copy to mutate
    paths = [p for p in _paths(tree) if p]
    path = draw.draw(st.sampled_from(paths))
    parent = tree
    for step in path[:-1]:
        parent = parent[step]
    action = draw.draw(st.sampled_from(["replace", "delete", "add-key", "duplicate"]))
    last = path[-1]
    if action == "replace":
        parent[last] = draw.draw(values)
    elif action == "delete":
        del parent[last]
    elif action == "add-key" and isinstance(parent, dict):
        parent[draw.draw(st.text(min_size=1, max_size=8))] = draw.draw(values)
    elif isinstance(parent, list):
        parent.append(parent[last])
    text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=1000)
    tmp, data = _with(name, text.encode("utf-8"))
    try:
        _assert_clean(data, name)
    finally:
        shutil.rmtree(tmp)


@SETTINGS
@given(st.data())
def test_csv_value_mutations(draw):
    name = draw.draw(st.sampled_from([n for n in CSV_FILES if n in ORIGINAL]))
    rows = list(csv.reader(io.StringIO(ORIGINAL[name].decode("utf-8"), newline="")))
    row = draw.draw(st.integers(0, len(rows) - 1))
    action = draw.draw(st.sampled_from(["cell", "drop-row", "copy-row", "extra-field"]))
    if action == "cell":
        column = draw.draw(st.integers(0, len(rows[row]) - 1))
        rows[row][column] = draw.draw(st.one_of(st.text(max_size=40), st.sampled_from(
            ["", " ", "supports", "not_addressed", "q000-nope", "999", "2023-02-30", "2024-00", "reports", "a|b"])))
    elif action == "drop-row":
        del rows[row]
    elif action == "copy-row":
        rows.append(rows[row])
    else:
        rows[row].append("extra")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    tmp, data = _with(name, out.getvalue().encode("utf-8", errors="surrogatepass"))
    try:
        _assert_clean(data, name)
    finally:
        shutil.rmtree(tmp)


@SETTINGS
@given(st.data())
def test_byte_mutations(draw):
    """Encodings and raw bytes: invalid UTF-8, control characters, a BOM, truncation, in any file."""
    name = draw.draw(st.sampled_from(sorted(ORIGINAL)))
    raw = ORIGINAL[name]
    at = draw.draw(st.integers(0, len(raw)))
    action = draw.draw(st.sampled_from(["insert", "truncate", "bom", "latin1"]))
    if action == "insert":
        raw = raw[:at] + draw.draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    elif action == "truncate":
        raw = raw[:at]
    elif action == "bom":
        raw = b"\xef\xbb\xbf" + raw
    else:
        raw = raw.decode("utf-8").encode("latin-1", errors="replace")
    tmp, data = _with(name, raw)
    try:
        _assert_clean(data, name)
    finally:
        shutil.rmtree(tmp)


TEXTS = sorted(p.name for p in (DEFAULT_DATA_DIR / "texts").glob("*.txt"))


@settings(SETTINGS, max_examples=max(1, SETTINGS.max_examples // 2))
@given(st.data())
def test_text_mutations_with_matching_checksums(draw):
    """A text edited and its checksums updated everywhere: anchors, parts and encodings are what is left to catch."""
    import hashlib

    name = draw.draw(st.sampled_from(TEXTS))
    raw = (DEFAULT_DATA_DIR / "texts" / name).read_bytes()
    text = raw.decode("utf-8")
    at = draw.draw(st.integers(0, len(text)))
    action = draw.draw(st.sampled_from(["insert", "delete", "replace"]))
    piece = draw.draw(st.one_of(st.text(min_size=1, max_size=5),
                                st.sampled_from(["\x00", "\x1b", "\u00a0", "’", "'", "\r", "\ufeff", "\n\n"])))
    if action == "insert":
        text = text[:at] + piece + text[at:]
    elif action == "delete":
        text = text[:at] + text[at + len(piece):]
    else:
        text = text[:at] + piece + text[at + len(piece):]
    new = text.encode("utf-8", errors="surrogatepass")
    tmp, data = _with(f"texts/{name}", new)
    try:
        old_sum, new_sum = hashlib.sha256(raw).hexdigest(), hashlib.sha256(new).hexdigest()
        for listing in ("sources.yaml", "texts/SHA256SUMS"):
            path = data / listing
            path.write_text(path.read_text(encoding="utf-8").replace(old_sum, new_sum), encoding="utf-8")
        _assert_clean(data, name)
    finally:
        shutil.rmtree(tmp)
