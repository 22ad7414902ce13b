"""data/evidence-kinds.yaml: what each quotation offers as evidence (a survey, a document, a reported statement, a
named event, a figure), read and checked like every data file (issue 19, item 2)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cjreport.data import schema
from cjreport.data.readers import read_yaml
from cjreport.data.errors import DataError
from cjreport.data.quotations import Quotation


@dataclass(frozen=True)
class EvidenceKind:
    id: str
    label: str
    definition: str


@dataclass(frozen=True)
class EvidenceKinds:
    kinds: tuple[EvidenceKind, ...]  # in the file's order, every kind of schema.EVIDENCE_KINDS once
    tags: dict[str, tuple[str, ...]]  # quotation id -> its kinds

    def of_source(self, source: str, quotes: dict[str, Quotation]) -> dict[str, list[str]]:
        """Kind id -> the source's quotations tagged with it, in text order."""
        out: dict[str, list[str]] = {k.id: [] for k in self.kinds}
        for qid in sorted((q for q in self.tags if quotes[q].source == source), key=lambda q: quotes[q].start):
            for kind in self.tags[qid]:
                out[kind].append(qid)
        return out


def load_evidence_kinds(directory: Path, quotes: dict[str, Quotation]) -> EvidenceKinds | None:
    path = directory / "evidence-kinds.yaml"
    if not path.exists() and not path.is_symlink():
        return None
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise DataError(path, "expected a mapping with kinds and tags", line=getattr(raw, "line", None))
    record = schema.check(schema.EvidenceKindsRecord, raw, path)
    schema.unique([(k.id, schema.line_of(raw["kinds"], i)) for i, k in enumerate(record.kinds)], path, "evidence kind")
    missing = [k for k in schema.EVIDENCE_KINDS if k not in {kind.id for kind in record.kinds}]
    if missing:
        raise DataError(path, f"kinds: no definition of {', '.join(missing)} (every kind is defined once)",
                        line=getattr(raw["kinds"], "line", None))
    schema.unique([(t.quotation, schema.line_of(raw["tags"], i)) for i, t in enumerate(record.tags)], path,
                  "tagged quotation")
    tags: dict[str, tuple[str, ...]] = {}
    for i, tag in enumerate(record.tags):
        line = schema.line_of(raw["tags"], i)
        if tag.quotation not in quotes:
            raise DataError(path, f"unknown quotation id {tag.quotation!r}", line=line, item=tag.quotation)
        if len(set(tag.kinds)) != len(tag.kinds):
            raise DataError(path, "a kind is listed twice", line=line, item=tag.quotation)
        tags[tag.quotation] = tuple(tag.kinds)
    return EvidenceKinds(tuple(EvidenceKind(k.id, k.label, k.definition) for k in record.kinds), tags)
