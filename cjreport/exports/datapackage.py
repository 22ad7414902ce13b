"""The downloads' data dictionary: a Frictionless Data Package (datapackage.json) describing every table.

Each field has its name, type, a description and, where the codebook or data/README.md fixes them, its
allowed values; ids are strings (source "000" is not the number 0: pandas reads it as a number unless told).
The descriptions are written once, here, per column name; a table's own sense of a column overrides them.
`frictionless validate datapackage.json` checks every table against it (tests/test_anywhere.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from cjreport import edition
from cjreport.data.evidence import Evidence

DATE_PATTERN = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"

# What each column means, by name (the tables share names: question, source, stance, ...).
FIELDS: dict[str, str] = {
    "question": "Question id from the codebook (codebook.yaml); the question is a proposition a source may take a stance on",
    "source": "Source id: three digits, a string (keep the leading zeros)",
    "stance": "The source's stance on the question, an id of the codebook's stance scale",
    "rationale": "The coder's reason for the stance, in the coder's words",
    "quotations": "Ids of the quotations that support the cell or the event, separated by single spaces (empty when none)",
    "theme": "Theme id from the codebook (one theme per chapter)",
    "proposition": "The question's proposition, as the codebook words it",
    "source_name": "The source's short name, as the book's tables name it",
    "stance_label": "The stance's label, as the book shows it",
    "first": "The first coder's stance on the cell, as coded (a stance id)",
    "second": "The blind second coder's stance on the cell (a stance id)",
    "final": "The stance decided on adjudication, which the final coding (coding.csv) carries (a stance id)",
    "reason": "Why the adjudication decided as it did, in the adjudicator's words",
    "evidence": "The second coder's verbatim excerpts from the source's body, separated by ' | ' (empty for not_addressed)",
    "id": "Identifier, unique in the table; a string",
    "speaker": "Who speaks in the quoted words (the author, or the person or body the author reports)",
    "voice": "author: the author's own words and view; reported: someone else's words the author reports; commenter: a reader comment",
    "reported_by": "For a reported quotation, the author who reports it; empty otherwise",
    "part": "The part of the source text the quotation lies in",
    "start": "Where the quotation starts in the source text, in Unicode code points from 0 (W3C TextPositionSelector)",
    "end": "Where the quotation ends (exclusive), in Unicode code points",
    "exact": "The quotation's exact text, as it stands in the source between start and end",
    "gist": "The few words of the quotation that carry what the speaker says, which the book's short references show; empty if none",
    "supports": "The coded cells the quotation supports, as question:stance, separated by single spaces",
    "date": "ISO 8601 date, as precise as known: YYYY, YYYY-MM or YYYY-MM-DD",
    "precision": "How precise the date is",
    "event": "What happened, in the book's words",
    "sources": "Ids of the sources that mention the event, separated by single spaces",
    "author": "The author, as the text states it",
    "affiliation": "The author's affiliation, as the text states it",
    "title": "The title, as the text states it",
    "outlet": "Where the text was published, as the text states it",
    "outlet_status": "printed: the text names its outlet; inferred: the page shows it only indirectly (a photo credit, an e-mail address)",
    "kind": "The kind of text",
    "date_status": "printed: the date is printed in the text; inferred: inferred from its content (see date_basis)",
    "date_basis": "For a printed date the words printed, for an inferred one what it is inferred from",
    "language": "ISO 639 language code of the text",
    "file": "The text's file name among the downloads' texts/",
    "sha256": "SHA-256 checksum of the text file's bytes (sha256sum)",
    "bibkey": "The source's key in the book's bibliography",
    "short_name": "How the book's tables name the source",
    # chart tables
    "actor": "An actor (country, polity, leader, institution or grouping) and the names counted as mentions of it",
    "mentions": "How many times the source's body mentions the actor",
    "body words": "Words in the source's body",
    "share of body (%)": "Share of the source's body words in quoted passages of the theme, in per cent",
    "mentioned by": "The sources that mention the event, by short name",
    "rank": "Rank of the word among the source's most distinctive words (1 = most distinctive)",
    "word": "A word (lower case)",
    "count": "How often the word occurs in the source's body",
    "log-odds": "Weighted log-odds ratio of the word in this source against the other sources (informative Dirichlet prior)",
    "z": "z-score of the log-odds ratio",
}


def _frame_type(series: pd.Series) -> str:
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    return "string"


def sources_frame(evidence: Evidence) -> pd.DataFrame:
    """One row per source: the sources table among the downloads."""
    return pd.DataFrame([{"id": s.id, "author": s.author, "outlet": s.outlet, "outlet_status": s.outlet_status, "date": s.date, "kind": s.kind,
                          "sha256": s.sha256, "title": s.title, "affiliation": s.affiliation,
                          "date_status": s.date_status, "date_basis": s.date_basis, "language": s.language,
                          "file": s.file, "bibkey": s.bibkey, "short_name": s.short_name}
                         for s in evidence.sources.values()])


def _enums(evidence: Evidence) -> dict[str, list[str]]:
    cb = evidence.codebook
    stances = [s.id for s in cb.stances]
    return {"question": list(cb.questions), "source": list(evidence.sources), "stance": stances,
            "first": stances, "second": stances, "final": stances,
            "theme": [t.id for t in cb.themes], "voice": ["author", "reported", "commenter"],
            "part": ["body", "furniture", "comments"], "precision": ["year", "month", "day"],
            "kind": ["commentary", "essay", "opinion", "news-analysis", "analysis"],
            "date_status": ["printed", "inferred"], "stance_label": [s.label for s in cb.stances]}


# Per table: its title, its description, its primary key, and the columns whose values are fixed lists.
TABLES: dict[str, dict[str, Any]] = {
    "data/coding.csv": {"title": "Final coding (after adjudication)", "key": ["question", "source"],
                        "enums": ["question", "source", "stance", "theme", "stance_label"],
                        "description": "The final coding, after adjudication (the one the book shows): one row per "
                                       "question × source."},
    "data/coding-first.csv": {"title": "First coding (as coded)", "key": ["question", "source"],
                              "enums": ["question", "source", "stance"],
                              "description": "The first coder's codes as coded, before adjudication."},
    "data/coding-second.csv": {"title": "Second coding (blind)", "key": ["question", "source"],
                               "enums": ["question", "source", "stance"],
                               "description": "The blind second coder's codes, as the second coder left them."},
    "data/coding-matrix.csv": {"title": "Coding matrix", "key": ["question"], "enums": ["question"],
                               "description": "Questions × sources: each cell is the stance id of the final coding."},
    "data/adjudication.csv": {"title": "Adjudication (decisions on disagreements)", "key": ["question", "source"],
                              "enums": ["question", "source", "first", "second", "final"],
                              "description": "One row per cell the two codings disagreed on: both codes, the final code "
                                             "and the reason for it."},
    "data/quotations.csv": {"title": "Quotations", "key": ["id"], "enums": ["source", "theme", "voice", "part"],
                            "description": "Every quotation with its speaker, voice and anchor in the source text."},
    "data/events.csv": {"title": "Events", "key": ["id"], "enums": ["precision"],
                        "description": "Dated events the sources mention."},
    "data/sources.csv": {"title": "Sources", "key": ["id"], "enums": ["source", "kind", "date_status"],
                         "description": "The texts the book compares: who wrote them, where, when, what kind, and their checksums."},
}


def _field(name: str, series: pd.Series, table: dict[str, Any], enums: dict[str, list[str]], path: str) -> dict:
    field: dict[str, Any] = {"name": name, "type": _frame_type(series)}
    field["description"] = FIELDS.get(name) or f"{name} (see the chart {Path(path).stem} in the book)"
    if name in ("id", "source", "question", "theme", "sha256", "file", "date"):
        field["type"] = "string"
    constraints: dict[str, Any] = {}
    values = enums.get("source" if name == "id" and path == "data/sources.csv" else name)
    if name in table.get("enums", []) or (name == "id" and path == "data/sources.csv"):
        if values:
            constraints["enum"] = values
    if name == "date":
        constraints["pattern"] = DATE_PATTERN
    if name == "sha256":
        constraints["pattern"] = "[0-9a-f]{64}"
    if name in table.get("key", []):
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def descriptor(tables: dict[str, pd.DataFrame], evidence: Evidence) -> dict[str, Any]:
    """The data package for tables ({path in the downloads: the frame written there})."""
    enums = _enums(evidence)
    cff = edition.citation()
    resources = []
    for path, frame in tables.items():
        table = TABLES.get(path, {"title": f"Data of the chart {Path(path).stem}",
                                  "description": f"The data the chart {Path(path).stem} draws, one row per mark."})
        fields = [_field(str(name), frame[name], table, enums, path) for name in frame.columns]
        if path == "data/coding-matrix.csv":
            for field in fields[1:]:
                field["description"] = f"Stance of source {field['name']} on the question"
                field["constraints"] = {"enum": enums["stance"]}
        schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
        if table.get("key"):
            schema["primaryKey"] = table["key"]
        resources.append({"name": Path(path).stem.replace("_", "-").lower() + ("-chart" if path.startswith("charts/") else ""),
                          "path": path, "title": table["title"], "description": table["description"],
                          "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "profile": "tabular-data-resource",
                          "schema": schema})
    return {
        "profile": "tabular-data-package", "name": "china-japan-security-sources",
        "title": cff["title"], "description": " ".join(str(cff.get("abstract", "")).split()),
        "version": edition.version(), "created": f"{edition.date_released()}T00:00:00Z",
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "contributors": [{"title": a.get("name", ""), "role": "author"} for a in cff["authors"]],
        "keywords": list(cff.get("keywords", [])),
        "resources": resources,
    }
