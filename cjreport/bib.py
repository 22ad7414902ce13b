"""BibTeX for the sources, written from data/sources.yaml so that a new source needs no hand-made entry."""

from __future__ import annotations

import re
from pathlib import Path

from .corpus import Source
from .evidence import Evidence

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_SPECIAL = re.compile(r"([\\{}%&$#_^~])")


def _tex(text: str) -> str:
    """Escape BibTeX/LaTeX specials so metadata is printed, never interpreted."""
    return _SPECIAL.sub(lambda m: {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}.get(m.group(1), "\\" + m.group(1)),
                        " ".join(text.split()))


def entry(source: Source) -> str:
    words = source.author.split(" (")[0].split()
    if source.short_name in words and len(words) in (2, 3):
        # "Denny Roy" -> "Roy, Denny"; "Zhang Yun" (family name first) -> "Zhang, Yun"
        rest = [w for w in words if w != source.short_name]
        author = f"{_tex(source.short_name)}, {_tex(' '.join(rest))}"
    else:
        author = "{" + _tex(source.author) + "}"  # an institution or a group: one name, not split
    fields = {
        "author": author,
        "title": "{" + _tex(source.title) + "}",
        "howpublished": _tex(source.outlet),
        "year": source.date[:4],
        "note": _tex(f"Corpus source {source.id}; date {source.date_status}: {source.date_basis}"),
    }
    if len(source.date) >= 7:
        fields["month"] = MONTHS[int(source.date[5:7]) - 1]
    body = ",\n".join(f"  {k} = {v if k in ('month', 'year') else '{' + v + '}'}" for k, v in fields.items())
    return f"@misc{{{source.bibkey},\n{body}\n}}\n"


def write(evidence: Evidence, path: Path) -> None:
    text = "% Written by cjreport.bib from data/sources.yaml on every build; do not edit.\n\n"
    text += "\n".join(entry(s) for s in evidence.sources.values())
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
