"""The count of sources wherever words state it outside the chapters' computed values: the book's title,
CITATION.cff (and so How to cite, the BibTeX and the RIS made from it), and hand-written prose that says it
covers every source. One rule, here: the count comes from data/, and `make check` names any place that
disagrees, one line each.

Hand-written prose that must name every source is marked in the chapter with a MyST comment line

    % cjreport: names every source

directly above the paragraph or list; the check fails, one line per missing source, when the block below the
marker (up to the next blank line) does not name each source by its short name.
"""

from __future__ import annotations

import re
from pathlib import Path

from cjreport.data.errors import DataError
from cjreport.wording import WORDS_UP_TO, count_words

NUMBER_WORDS = [count_words(n) for n in range(WORDS_UP_TO + 1)]  # "no", "one" … "twelve": the wording module's words
# "five sources", "six published texts": a count word or number before the words that name what is counted.
_COUNTED = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r"|\d+) (sources?|published texts?|texts?)\b", re.I)
MARKER = re.compile(r"^%\s*cjreport:\s*names every source\b")


def titled(title: str, n_sources: int) -> str:
    """The title with its count of sources taken from the data ("… in five sources" → "… in six sources")."""
    return re.sub(r"\b(?:\w+) (sources?)\b", lambda m: f"{count_words(n_sources)} sources" if n_sources != 1 else "one source",
                  title, count=1)


def counted(text: str, n_sources: int) -> str:
    """Every "<count> sources" / "<count> published texts" in text, with the count from the data."""
    def word(match: re.Match) -> str:
        noun = match.group(2)
        if n_sources == 1:
            noun = noun[:-1] if noun.endswith("s") else noun
        elif not noun.endswith("s"):
            noun += "s"
        number = count_words(n_sources)
        return (number.capitalize() if match.group(1)[0].isupper() else number) + " " + noun
    return _COUNTED.sub(word, text)


def cff_text(root: Path, n_sources: int) -> str:
    """CITATION.cff as published with the book: the file, with its counts of sources from the data."""
    return counted((root / "CITATION.cff").read_text(encoding="utf-8"), n_sources)


def stale_counts(root: Path, n_sources: int) -> list[DataError]:
    """Lines of CITATION.cff that state another count of sources than data/ holds."""
    path = root / "CITATION.cff"
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [DataError(path, f"cannot be read ({exc})")]
    errors = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        for match in _COUNTED.finditer(line):
            if match.group(0).lower() != counted(match.group(0), n_sources).lower():
                errors.append(DataError(path, f"says “{match.group(0)}” but data/ has {n_sources} sources: write "
                                        f"“{counted(match.group(0), n_sources)}” (`python -m cjreport scaffold` does this "
                                        "when it adds a source)", line=number))
    return errors


def cff_problems(root: Path) -> list[DataError]:
    """CITATION.cff as the book reads it (How to cite, the downloads): present, UTF-8, a mapping with a one-line
    title, named authors and a year; otherwise the build would stop half-way, or print what it should not."""
    import yaml

    path = root / "CITATION.cff"
    if not path.is_file():
        return [DataError(path, "missing: the home page's How to cite and the downloads are made from it")]
    try:
        cff = yaml.safe_load(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        return [DataError(path, f"not valid UTF-8 (byte at offset {exc.start})")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [DataError(path, f"malformed YAML: {getattr(exc, 'problem', None) or exc}", line=mark.line + 1 if mark else None)]
    if not isinstance(cff, dict):
        return [DataError(path, "must be a mapping (cff-version, title, authors…)")]
    ref = cff.get("preferred-citation") or cff
    errors = []
    for where, value in (("title", ref.get("title") if isinstance(ref, dict) else None),):
        if not isinstance(value, str) or not value.strip() or "\n" in value.strip() or re.search(r"[\x00-\x1f\x7f]", value):
            errors.append(DataError(path, f"{where} must be one line of text"))
    authors = ref.get("authors") if isinstance(ref, dict) else None
    if not isinstance(authors, list) or not authors or not all(
            isinstance(a, dict) and (isinstance(a.get("name"), str) or
                                     (isinstance(a.get("family-names"), str) and isinstance(a.get("given-names"), str)))
            for a in authors):
        errors.append(DataError(path, "authors must be a list of {name} or {family-names, given-names}"))
    # the year: the preferred citation's own, else the edition's date-released (cjreport/exports takes it from there)
    year = str((ref.get("year") if isinstance(ref, dict) else None) or str(cff.get("date-released", ""))[:4])
    if not year.isdigit():
        errors.append(DataError(path, "year must be a number (the preferred citation's year, or date-released)"))
    return errors


def update_cff_count(data: Path) -> bool:
    """After a source is added: CITATION.cff beside data/ states the new count (the one file outside data/ that an
    authoring command writes; its path is fixed, never taken from the command line). True if it changed."""
    from cjreport.data.readers import read_yaml

    path = data.parent / "CITATION.cff"
    if not path.is_file() or path.is_symlink():
        return False
    records = read_yaml(data / "sources.yaml")
    n = len(records) if isinstance(records, list) else 0
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    new = "".join(line if line.lstrip().startswith("#") else counted(line, n) for line in lines)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(f"CITATION.cff now says {count_words(n)} sources")
        return True
    return False


def uncovered_sources(root: Path, evidence) -> list[DataError]:
    """Marked prose (see the module's docstring) that does not name every source: one error per source missing."""
    errors = []
    for chapter in sorted((root / "book").glob("*.md")):
        try:
            lines = chapter.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(DataError(chapter, f"cannot be read ({exc})"))
            continue
        for i, line in enumerate(lines):
            if not MARKER.match(line):
                continue
            block = []
            for following in lines[i + 1:]:
                if not following.strip():
                    break
                block.append(following)
            words = " ".join(" ".join(block).split())
            if not block:
                errors.append(DataError(chapter, "a “names every source” marker with no paragraph below it", line=i + 1))
            for source in evidence.sources.values():
                if not re.search(rf"(?<!\w){re.escape(source.short_name)}(?!\w)", words):
                    errors.append(DataError(chapter, f"this passage says it covers every source but does not name "
                                            f"{source.short_name} (source {source.id}): add it, or drop the marker if "
                                            "the passage no longer claims to cover them all", line=i + 2, item=source.id))
    return errors
