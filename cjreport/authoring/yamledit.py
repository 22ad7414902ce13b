"""Change scalar values inside a YAML file the maintainer wrote, leaving everything else byte for byte.

The authoring tools (repair, segments) must shift numbers inside records written in any YAML style (block or
flow mappings, folded or multi-line strings, comments). Rewriting by line patterns breaks on styles it does
not expect; dumping the whole file again loses comments and layout. Here PyYAML composes the file (the same
safe loader as the data check, so aliases and deep nesting are refused) and each scalar to change is located
by its path of keys and indices; its exact character span is replaced by the new value written as a plain
integer or a double-quoted string, which YAML reads back as exactly that value in any context.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from cjreport.data.readers import _SafeLoader

Path_ = tuple  # a path of mapping keys (str) and sequence indices (int) from the document's root


def _node(root: yaml.Node, path: Path_) -> yaml.Node:
    node = root
    for step in path:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            found = next((value for key, value in node.value if isinstance(key, yaml.ScalarNode) and key.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            found = node.value[step]
        else:
            found = None
        if found is None:
            raise KeyError(path)
        node = found
    if not isinstance(node, yaml.ScalarNode):
        raise KeyError(path)
    return node


def scalar(value: Any) -> str:
    """A YAML scalar that reads back as `value` wherever it stands (a block or flow mapping, a list)."""
    if isinstance(value, bool) or value is None:
        raise TypeError("only integers and strings are written")
    if isinstance(value, int):
        return str(value)
    value = str(value)
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", value) and yaml.safe_load(value) == value:
        return value  # a plain word that YAML reads back as this very string (a checksum, an id)
    text = json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar
    for char in ("\u2028", "\u2029", "\u0085", "\ufeff"):  # YAML reads these as line breaks or a mark: escape them
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def set_scalars(text: str, edits: dict[Path_, Any]) -> str:
    """`text` with the scalar at each path replaced by its new value; KeyError when a path is not a scalar."""
    loader = _SafeLoader(text)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    spans = []
    for path, value in edits.items():
        node = _node(root, path)
        start, end = node.start_mark.index, node.end_mark.index
        # A block scalar (| or >) ends after its last line break and the next line's indent: keep those.
        end = start + len(text[start:end].rstrip())
        spans.append((start, end, scalar(value)))
    spans.sort(reverse=True)
    for (start, end, _), (next_start, _, _) in zip(spans[1:], spans):
        if end > next_start:
            raise ValueError("overlapping edits")
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text
