"""BibTeX for the sources, written from data/sources.yaml so that a new source needs no hand-made entry."""

from __future__ import annotations

from collections import Counter
import re
from functools import lru_cache
from pathlib import Path

from cjreport.data.corpus import Source
from cjreport.data.errors import DataError, Problems
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


BOOK_STYLE = "cjreport-alpha"  # the bibliography's pybtex style (_config.yml bibtex_default_style)


def cited_names(people) -> str:
    """How the book cites the authors of an entry (pybtex persons): "Walt", "Heginbotham and Samuels", "Buzan et
    al."; empty when there are none. The bibliography's labels and the notebooks' citations both use it."""
    names = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in people]
    return (names[0] if len(names) == 1 else f"{names[0]} and {names[1]}" if len(names) == 2
            else f"{names[0]} et al." if names else "")


def register_book_style() -> None:
    """pybtex's alpha style, with three changes for this bibliography:
    - each entry's label is its author and year, as the prose cites it (AuthorYearLabels);
    - a corporate author ({{GMA News}}) sorts by its name: its braces sorted after every letter, so that such
      entries made a second alphabetical run after Z (the 25th reading);
    - a title keeps the case it is printed in: alpha lowered every word after the first ("ukraine",
      "south china sea") unless the .bib braced it."""
    import pybtex.plugin
    from pybtex.style.formatting.alpha import Style
    from pybtex.style.labels import BaseLabelStyle
    from pybtex.style.sorting.author_year_title import SortingStyle
    from pybtex.style.template import field, sentence

    class NameSorting(SortingStyle):
        def person_key(self, person):
            return super().person_key(person).replace("{", "").replace("}", "")

    class AuthorYearLabels(BaseLabelStyle):
        """An entry's label as the prose cites it, author and year ("Walt 1987", "Goh 2005"), not alpha's
        contraction ("Wal87", "FellowsotCIoISunnamed23", which issue 19 and a 38th reading found): the text
        cites author and year, so a reader finds the entry under the same words. Two entries that would share
        a label get "a", "b"."""

        def format_labels(self, sorted_entries):
            labels = [self._label(e) for e in sorted_entries]
            counts = Counter(labels)
            seen: Counter = Counter()
            for label in labels:
                if counts[label] > 1:
                    seen[label] += 1
                    letter = "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
                    yield f"{label}-{letter}" if label.endswith("n.d.") else f"{label}{letter}"  # APA: n.d.-a
                else:
                    yield label

        @staticmethod
        def _label(e) -> str:
            who = cited_names(e.persons.get("author") or e.persons.get("editor") or []) or e.key
            return f"{who} {e.fields.get('year', 'n.d.')}"

    class BookStyle(Style):
        default_sorting_style = f"{BOOK_STYLE}-sorting"
        default_label_style = f"{BOOK_STYLE}-labels"

        def format_title(self, e, which_field, as_sentence=True):
            title = field(which_field)
            return sentence[title] if as_sentence else title

    pybtex.plugin.register_plugin("pybtex.style.sorting", f"{BOOK_STYLE}-sorting", NameSorting)
    pybtex.plugin.register_plugin("pybtex.style.labels", f"{BOOK_STYLE}-labels", AuthorYearLabels)
    pybtex.plugin.register_plugin("pybtex.style.formatting", BOOK_STYLE, BookStyle)


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
    # The plug-in classes by name, not through pybtex.plugin.find_plugin: each lookup scans every installed
    # package's entry points (0.04 s each, ten of them), which was a third of `make check`.
    import pybtex.plugin
    from pybtex.database.input.bibtex import Parser

    cache_plugin_lookups()
    register_book_style()
    sources_yaml = evidence.data_dir / "sources.yaml"
    style = pybtex.plugin.find_plugin("pybtex.style.formatting", BOOK_STYLE)()  # registered: found without a scan
    problems = Problems()
    for source in evidence.sources.values():
        where = {"line": _line(sources_yaml, source.bibkey), "item": source.id}
        try:
            data = Parser().parse_string(entry(source))
            list(style.format_entries(data.entries.values()))
        except Exception as exc:  # pybtex raises many types; any of them would break the build's bibliography
            problems.errors.append(DataError(sources_yaml, f"bibkey {source.bibkey!r}: its BibTeX entry cannot be printed ({exc})", **where))
    keys = {s.bibkey: s for s in evidence.sources.values()}
    for bibfile in other_bibfiles:
        try:
            data = Parser().parse_file(str(bibfile))
        except Exception as exc:
            problems.errors.append(DataError(bibfile, f"not valid BibTeX ({' '.join(str(exc).split())})"))
            continue
        for key in data.entries:
            if key in keys:
                source = keys[key]
                problems.errors.append(DataError(sources_yaml, f"bibkey {key!r} is also defined in {bibfile.name}; the sources' entries are "
                                                 f"written from sources.yaml: delete the entry from {bibfile.name}",
                                                 line=_line(sources_yaml, key), item=source.id))
    problems.raise_any()
