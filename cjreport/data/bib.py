"""BibTeX for the sources, written from data/sources.yaml so that a new source needs no hand-made entry."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from cjreport.data.corpus import Source
from cjreport.data.errors import DataError
from cjreport.data.evidence import Evidence

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


def _line(path: Path, key: str) -> int | None:
    """The line of `bibkey: key` in sources.yaml, so the error points at the record."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.fullmatch(rf"\s*-?\s*bibkey:\s*['\"]?{re.escape(key)}['\"]?\s*", line):
                return number
    except OSError:
        pass
    return None


def cache_plugin_lookups() -> None:
    """Have pybtex look each plug-in up once per process. It scans every installed package's entry points on each
    lookup (about 50 ms here, and a book build makes some 200 of them); the installed packages do not change
    while a build runs. Plug-ins registered at run time (sphinxcontrib-bibtex's styles) are still looked up
    first, uncached, as pybtex does."""
    import pybtex.plugin as plugin

    if not hasattr(plugin.entry_points, "cache_info"):
        lookup = plugin.entry_points
        plugin.entry_points = lru_cache(maxsize=None)(lambda group, name: tuple(lookup(group=group, name=name)))


def check(evidence: Evidence, other_bibfiles: list[Path]) -> None:
    """What sphinxcontrib-bibtex would otherwise report in the middle of a build, as one DataError first.

    Each source's entry must parse and print (pybtex, the library Sphinx uses), and no other .bib file may
    define a source's key: the sources' entries come only from sources.yaml.
    """
    from pybtex.database import parse_file, parse_string
    from pybtex.plugin import find_plugin

    cache_plugin_lookups()
    sources_yaml = evidence.data_dir / "sources.yaml"
    style = find_plugin("pybtex.style.formatting", "plain")()
    for source in evidence.sources.values():
        where = {"line": _line(sources_yaml, source.bibkey), "item": source.id}
        try:
            data = parse_string(entry(source), "bibtex")
            list(style.format_entries(data.entries.values()))
        except Exception as exc:  # pybtex raises many types; any of them would break the build's bibliography
            raise DataError(sources_yaml, f"bibkey {source.bibkey!r}: its BibTeX entry cannot be printed ({exc})", **where) from None
    keys = {s.bibkey: s for s in evidence.sources.values()}
    for bibfile in other_bibfiles:
        try:
            data = parse_file(str(bibfile), "bibtex")
        except Exception as exc:
            raise DataError(bibfile, f"not valid BibTeX ({' '.join(str(exc).split())})") from None
        for key in data.entries:
            if key in keys:
                source = keys[key]
                raise DataError(sources_yaml, f"bibkey {key!r} is also defined in {bibfile.name}; the sources' entries are "
                                f"written from sources.yaml: delete the entry from {bibfile.name}",
                                line=_line(sources_yaml, key), item=source.id)
