"""The book's own interpretive paragraphs ("readings"): loaded from data/readings.yaml, checked, and rendered.

A reading interprets the *sources* — which standard concepts of the field their arguments instantiate, how
two texts read one event — and is always labelled as the book’s interpretation. So that no reading floats
free of the evidence or of the literature it names, each record must:

- rest on at least one quotation (`rests_on`), every id existing in data/quotations.yaml and each one
  marked where the paragraph leans on it, as `[[quotation-id]]`; the marker becomes a short reference
  (speaker, reference number and the words that carry it) linking to the passage in the appendix, where it is shown in full in context;
- name its concepts only through `{cite:t}` / `{cite:p}` roles whose keys are exactly its `concepts`, each
  an entry of book/references.bib (the works the book cites that are not corpus sources);
- put in curly quotation marks only words found verbatim in one of the quotations it rests on.

Any failure is one DataError line: `data/readings.yaml:<line> [<id>]: <what is wrong>`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

from pydantic import Field

from cjreport.data import schema
from cjreport.project import BOOK_DIR
from cjreport.data.readers import read_yaml
from cjreport.data.errors import DataError, Problems
from cjreport.data.evidence import Evidence, load
from cjreport.views.markup import Markdown, escape, list_table, ref
from cjreport.wording import listing, number_word
from cjreport.analysis.sensitivity import OWN, is_implied
from cjreport.views.present import pointer_words, source_name, stance_label, source_date as present_source_date
from cjreport.data.quotations import Quotation, fold

READING_ID = schema.READING_ID
# Besides the codebook's themes, a reading may belong to these groups, all shown in the synthesis chapter (chapter
# 1 had readings of its own, the argument in brief and a policy reader's summary, until a 37th reading, an
# editor's, found every sentence of them said again in the theme chapters or the synthesis).
GROUPS = {
    "cross-theme": "Reading: why the sources part ways — the book’s interpretation",
    "same-event": None,  # each same-event reading is its own block, titled by its `title`
    "evidence": "Reading: each argument against its own evidence — the book’s interpretation",
    "discriminate": "Reading: what kind of evidence would tell the readings apart — the book’s interpretation",
}
THEME_TITLE = "Reading: why they differ — the book’s interpretation"
MARKER = re.compile(r"\[\[([^\[\]]*)\]\]")
CITE = re.compile(r"\{cite:(?:t|p|ts|ps)\}`([^`]*)`")
QUOTED = [re.compile(r"“([^“”]*)”"), re.compile(r'"([^"]*)"')]  # as the HTML audit finds them



class ReadingRecord(schema.Record):
    id: Annotated[str, Field(pattern=READING_ID)]
    theme: schema.Slug  # a theme id of the codebook, or one of GROUPS
    title: Optional[schema.NonBlank] = None  # required for same-event and discriminate readings
    text: schema.NonBlank  # one paragraph of MyST
    rests_on: Annotated[list[schema.QuoteId], Field(min_length=1)]
    concepts: list[Annotated[str, Field(pattern=schema.BIBKEY)]] = []
    # discriminate readings only, for the home page's divides at a glance: the codebook questions the divide is
    # about (their coded positions are shown beside it) and, in a phrase, the kind of evidence that would bear on it
    questions: list[schema.Slug] = []
    bears_on: Optional[schema.NonBlank] = None


@dataclass(frozen=True)
class Reading:
    id: str
    theme: str
    title: str | None
    text: str
    rests_on: tuple[str, ...]
    concepts: tuple[str, ...]
    questions: tuple[str, ...] = ()
    bears_on: str | None = None


def bib_keys(path: Path) -> set[str]:
    """The keys of a BibTeX file, read with pybtex (the parser Sphinx's bibliography uses)."""
    from pybtex.database import parse_file

    try:
        return set(parse_file(str(path), "bibtex").entries)
    except FileNotFoundError:
        raise DataError(path, "bibliography file not found") from None
    except Exception as exc:  # pybtex raises many types for bad BibTeX
        raise DataError(path, f"not valid BibTeX ({' '.join(str(exc).split())})") from None


def default_bibfile(evidence: Evidence) -> Path:
    """book/references.bib beside the data directory; for a data directory elsewhere (a scratch copy, a test's
    CJREPORT_DATA), the book's own, in this checkout."""
    beside = evidence.data_dir.parent / "book" / "references.bib"
    return beside if beside.exists() else BOOK_DIR / "references.bib"


def load_readings(evidence: Evidence | None = None, bibfile: Path | None = None) -> list[Reading] | None:
    """data/readings.yaml, checked against the quotations, the codebook and the bibliography; None without the file."""
    ev = evidence or load()
    path = ev.data_dir / "readings.yaml"
    if not path.exists() and not path.is_symlink():
        return None
    bibfile = bibfile or default_bibfile(ev)
    try:
        return _load(path, bibfile, ev)
    except DataError as exc:
        raise exc.relative_to(ev.data_dir.parent) from None


def _load(path: Path, bibfile: Path, ev: Evidence) -> list[Reading]:
    raw = read_yaml(path)
    records = schema.check_list(ReadingRecord, raw, path, what="readings")
    lines = [schema.line_of(raw, i) for i in range(len(records))]
    schema.unique([(r.id, line) for r, line in zip(records, lines)], path, "reading id")
    themes = {t.id for t in ev.codebook.themes}
    keys = bib_keys(bibfile) if any(r.concepts or CITE.search(r.text) for r in records) else set()
    readings = []
    problems = Problems()  # each record's first problem, all records at once
    for record, line in zip(records, lines):
        with problems.each():
            readings.append(_reading(record, line, path, themes, keys, bibfile, ev))
    problems.raise_any()
    _check_argument_kinds(readings, ev)
    return readings


def _reading(record: ReadingRecord, line: int | None, path: Path, themes: set[str], keys: set[str], bibfile: Path,
             ev: Evidence) -> Reading:
    """One record of readings.yaml, checked: its theme, its quotations and markers, its concepts and the words it
    puts in quotation marks (verbatim in a quotation it rests on). Raises the record's first problem."""
    def fail(message: str) -> DataError:
        return DataError(path, message, line=line, item=record.id)

    if record.theme not in themes and record.theme not in GROUPS:
        raise fail(f"theme {record.theme!r} is neither a theme of codebook.yaml nor one of {', '.join(GROUPS)}")
    if record.theme == "same-event" and not record.title:
        raise fail("a same-event reading needs a title naming the event")
    if record.theme == "discriminate" and not (record.title and record.questions and record.bears_on):
        raise fail("a discriminate reading needs a title (the divide), questions and bears_on")
    if record.theme != "discriminate" and (record.questions or record.bears_on):
        raise fail("only a discriminate reading has questions and bears_on")
    for question in record.questions:
        if question not in ev.codebook.questions:
            raise fail(f"questions: {question!r} is not a question of codebook.yaml")
    seen: set[str] = set()
    for qid in record.rests_on:
        if qid in seen:
            raise fail(f"rests_on names {qid!r} twice")
        seen.add(qid)
        if qid not in ev.quotations:
            raise fail(f"rests_on: unknown quotation id {qid!r}")
    marked = [m for m in MARKER.findall(record.text) if not m.startswith("date:")]
    for mark in MARKER.findall(record.text):
        if mark.startswith("date:") and mark[5:] not in ev.sources:
            raise fail(f"[[{mark}]] names no source (write [[date:<source id>]])")
    for qid in marked:
        if qid not in seen:
            raise fail(f"the text marks [[{qid}]], which is not in rests_on")
    unmarked = [q for q in record.rests_on if q not in marked]
    if unmarked:
        raise fail(f"rests_on {unmarked[0]!r} is not marked in the text (write [[{unmarked[0]}]] where the "
                   "paragraph leans on it)")
    cited = [key.strip() for group in CITE.findall(record.text) for key in group.split(",")]
    for key in cited:
        if key not in record.concepts:
            raise fail(f"the text cites {key!r}, which is not in concepts")
    for key in record.concepts:
        if key not in cited:
            raise fail(f"concept {key!r} is not cited in the text (use {{cite:t}}`{key}` or {{cite:p}}`{key}`)")
        if key not in keys:
            raise fail(f"concept {key!r} is not an entry of {bibfile.name}: cite only works found and added there")
    quoted_in = " ".join(fold(ev.quotations[q].text) for q in record.rests_on)
    bare = MARKER.sub("", record.text) + " " + (record.bears_on or "")
    for phrase in (p for pattern in QUOTED for p in pattern.findall(bare)):
        if fold(phrase).strip() not in quoted_in:
            raise fail(f"“{phrase[:60]}” is in quotation marks but is not verbatim in any quotation it rests on")
    return Reading(record.id, record.theme, record.title, record.text.strip(), tuple(record.rests_on),
                   tuple(record.concepts), tuple(record.questions), record.bears_on)


def _check_argument_kinds(readings: list[Reading], ev: Evidence) -> None:
    """arguments.yaml names, for each source's kind of argument, the readings that make the case: each must exist
    and rest on at least one quotation of that source (a reading that never quotes it cannot make its case)."""
    by_id = {r.id: r for r in readings}
    problems = Problems()
    for sid, argument in (ev.arguments or {}).items():
        for rid in argument.kind_readings:
            with problems.each():
                fail = functools.partial(DataError, ev.data_dir / "arguments.yaml", line=argument.line, item=sid)
                if rid not in by_id:
                    raise fail(f"kind: reading {rid!r} is not in readings.yaml")
                if not any(ev.quotations[q].source == sid for q in by_id[rid].rests_on):
                    raise fail(f"kind: reading {rid!r} rests on no quotation of source {sid}")
    problems.raise_any()


def _speaker(quote: Quotation, ev: Evidence) -> str:
    source = ev.sources[quote.source].short_name
    if quote.voice == "author":
        return source
    if quote.voice == "reported":
        return quote.reported_as(source)
    return f"a reader comment below {source}’s article"


def quote_ref(qid: str, evidence: Evidence | None = None, *, quoted: bool = False, speaker: bool = True) -> str:
    """A short inline reference to a quotation, linking to the passage shown in full in the appendix: its speaker
    and the words that carry it — Roy: …“a series of aggressive moves by Beijing”…. Where the sentence already
    quotes the passage (`quoted`), the reference gives only the speaker: the words are in the sentence. Without
    `speaker` (the reference before it in one citation has the same speaker), the words stand alone. A 42nd
    reading found the reference numbers (Q20) in running prose made the readings read like a database; the
    words find the passage on paper (the appendix reproduces each text in full), and the tables keep the numbers.
    MyST; the words are the source's own, so the built book's audit of quoted passages accepts them."""
    ev = evidence or load()
    quote = ev.quotations[qid]
    parts = [_speaker(quote, ev)] if speaker or quoted else []
    if not quoted:
        parts.append(pointer_words(quote))
    return ref(": ".join(parts), quote.label)


def _quotes_from(before: str, quote: Quotation) -> bool:
    """Whether the sentence before a marker (since the last full stop or marker) quotes words of this passage."""
    sentence = re.split(r"(?<=[.!?])\s|\[\[[^\[\]]*\]\]", before)[-1]
    passage = fold(quote.text)
    return any(fold(found).strip(" ,.;:") and fold(found).strip(" ,.;:") in passage
               for pattern in QUOTED for found in pattern.findall(sentence))


def source_date(sid: str, evidence: Evidence | None = None, *, marked: bool = True) -> str:
    """A source's date in words, from data/sources.yaml, marked when it is inferred (unless `marked` is false):
    '30 September 2022', 'August 2024 (date inferred)'. Readings name dates through [[date:<id>]] so the date
    has one home."""
    return present_source_date((evidence or load()).sources[sid], marked=marked)


# A sentence ends at a full stop, question or exclamation mark outside quotation marks, before white space and a
# capital, an opening quotation mark, a role or the paragraph's end, and not after an abbreviation (U.S., e.g.).
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b(?:[A-Z]\.)+[A-Z]|\be\.g|\bi\.e|\bcf|\bMr|\bDr|\bNo|\bvs)$")


def _sentence_ends(text: str) -> list[int]:
    """The positions of the marks that end the sentences of a paragraph (MyST with its markers taken out)."""
    ends, depth = [], 0
    for i, char in enumerate(text):
        if char == "“":
            depth += 1
        elif char == "”":
            depth = max(depth - 1, 0)
        elif char in ".!?" and depth == 0 and not _ABBREVIATION.search(text[:i]):
            rest = text[i + 1:]
            if not rest.strip() or re.match(r"\s+[A-Z“{(]", rest):
                ends.append(i)
    return ends


def _link_quoted(text: str, start: int, quote: Quotation) -> str | None:
    """The text with each phrase in quotation marks after `start` whose words are the quotation's own made a link
    to the quotation (“words” → {ref}`“words” <label>`), or None if there is none. A 33rd reading asked that the
    quoted words themselves be the links: a citation after them only repeats who said them."""
    passage = fold(quote.text)
    head, tail = text[:start], text[start:]
    found = False

    def link(match: re.Match) -> str:
        nonlocal found
        words = fold(match.group(1)).strip(" ,.;:")
        # a single word is too small a link to find or to follow: it keeps its citation
        if len(words.split()) < 2 or words not in passage or "{" in match.group(0):
            return match.group(0)
        found = True
        return ref(match.group(0), quote.label)

    tail = re.sub(r"(?<!`)“([^“”]*)”", link, tail)
    return head + tail if found else None


def paragraph(reading: Reading, evidence: Evidence | None = None, dated: set[str] | None = None) -> str:
    """The reading's MyST with each [[id]] marker turned into a link: where the words the sentence quotes before
    the marker are the author's own words of that quotation, those words become the link (readers of the 28th
    to 33rd readings found short references inside sentences hard to read through); otherwise the marker
    becomes a citation where it stands, in parentheses (speaker, number and the words that carry the
    quotation), markers side by side sharing one. A 38th reading found citations gathered at the end of their
    sentence read as the source of the words quoted last, two of them under the wrong speaker, so a citation
    stays beside the claim it supports. Each [[date:<source id>]] becomes that source's date. A reference whose
    speaker is the one before it in the same citation gives the number alone. `dated` holds the sources whose
    date has already been given in the same block: an inferred date is marked so only the first time (a
    twentieth reading found "(date inferred)" repeated after every mention)."""
    ev = evidence or load()
    dated = set() if dated is None else dated
    text, cited = "", []  # the text without quotation markers, and (position, quotation id, quoted) per marker
    pos = last = 0  # `last`: where the text stood at the previous marker; a marker leans on what follows it
    for match in MARKER.finditer(reading.text):
        text += reading.text[pos:match.start()]
        pos = match.end()
        key = match.group(1)
        if key.startswith("date:"):
            sid = key[5:]
            text += escape(source_date(sid, ev, marked=sid not in dated))
            dated.add(sid)
            continue
        text = text.rstrip()
        # reported words stay in the citation, which names their speaker beside the author who reports them
        linked = (_link_quoted(text, max([0, last] + [e + 1 for e in _sentence_ends(text)]), ev.quotations[key])
                  if ev.quotations[key].voice == "author" else None)
        if linked is not None:
            text = linked
        else:
            cited.append((len(text), key, _quotes_from(reading.text[:match.start()], ev.quotations[key])))
        last = len(text)
    text += reading.text[pos:]
    groups: dict[int, list[tuple[str, bool]]] = {}  # markers side by side share a position, and one citation
    for at, key, quoted in cited:
        groups.setdefault(at, []).append((key, quoted))
    out, pos = [], 0
    for at in sorted(groups):
        out.append(text[pos:at].rstrip())
        refs, previous = [], None
        for key, quoted in groups[at]:
            who = _speaker(ev.quotations[key], ev)
            refs.append(quote_ref(key, ev, quoted=quoted, speaker=who != previous))
            previous = who
        out.append(f" ({'; '.join(refs)})")
        pos = at
    out.append(text[pos:])
    return _see_at_the_end("".join(out))


# A parenthesis that holds only links to chapters, "({doc}`alliance`; {doc}`synthesis`)".
_DOC = r"\{doc\}`[^`]*`"
_DOCS_ONLY = re.compile(rf"\s*\(({_DOC}(?:(?:;\s*|,\s*|\s+and\s+){_DOC})*)\)")


def _see_at_the_end(text: str) -> str:
    """A paragraph with the chapters it points to gathered at its end, "See Alliance; Synthesis.", instead of
    in parentheses inside its sentences: readers found chapter titles mid-sentence hard to read through."""
    seen: list[str] = []

    def gather(match: re.Match) -> str:
        seen.extend(link for link in re.findall(_DOC, match.group(1)) if link not in seen)
        return ""

    text = _DOCS_ONLY.sub(gather, text)
    return f"{text} See {'; '.join(seen)}." if seen else text  # titles hold "and": a semicolon parts them


def for_theme(theme: str, evidence: Evidence | None = None) -> list[Reading]:
    return [r for r in load_readings(evidence) or [] if r.theme == theme]


def block_label(reading: Reading) -> str:
    """The label of the block that shows a reading: one per theme or group, one per same-event reading."""
    return f"reading-{reading.id if reading.theme == 'same-event' else reading.theme}"


def _block(title: str, body: list[str], label: str) -> str:
    return (f":::{{admonition}} {escape(title)}\n:class: cj-reading\n:name: {label}\n\n" + "\n\n".join(body) + "\n:::")


def show(theme: str, evidence: Evidence | None = None) -> Markdown:
    """The readings of a theme (or a group) as labelled blocks: one block per theme or for the cross-theme
    readings, one per same-event reading. Nothing to show is an error: a chapter that calls this expects readings."""
    ev = evidence or load()
    found = for_theme(theme, ev)
    if not found:
        raise DataError(ev.data_dir / "readings.yaml", f"no reading for {theme!r}, which a chapter shows",
                        item=theme).relative_to(ev.data_dir.parent)
    dated: set[str] = set()  # shared by the blocks of one call, which a page shows together
    if theme == "same-event":
        blocks = [_block(f"Reading: {r.title} — the book’s interpretation", [paragraph(r, ev, dated)], block_label(r))
                  for r in found]
    else:
        # a discriminate reading opens with its divide, in italics (its title, which the home page's table shows too)
        body = [(f"({divide_label(r)})=\n*{escape(r.title)}.* " if r.theme == "discriminate" else "")
                + paragraph(r, ev, dated) for r in found]
        blocks = [_block(GROUPS.get(theme) or THEME_TITLE, body, block_label(found[0]))]
    return Markdown("\n\n".join(blocks) + "\n")


def divide_label(reading: Reading) -> str:
    return f"divide-{reading.id.removeprefix('r-tell-apart-')}"


def _stances_of(question: str, ev: Evidence) -> str:
    """A question's coded positions in a line: its label, then who supports, qualifies or opposes, an implied
    position marked so; "no source takes a position" where none does."""
    held = []
    for stance in OWN:
        names = [source_name(sid, ev) + (" (implied)" if is_implied(ev.coding[(question, sid)].rationale) else "")
                 for sid in ev.sources if ev.coding[(question, sid)].stance == stance]
        if names:
            # commas, not "and": "Roy and Tanaka (implied)" read as both implied
            held.append(f"{stance_label(stance, ev)}: {', '.join(names)}.")
    label = ev.codebook.questions[question].label
    return f"*{escape(label)}.* " + escape(" ".join(held) if held else "No source takes a position.")


def divides_at_a_glance(evidence: Evidence | None = None) -> Markdown:
    """The home page's one-page summary for a policy reader: each main divide (the discriminate readings), where
    the sources stand on the questions it turns on (from the coding, so it cannot drift) and what kind of evidence
    would bear on it, in the book's reading, linking to the full reading in the synthesis. A 38th reading (policy
    use 5 of 10) asked for a summary of the divides and the evidence that bears on each, not a restatement."""
    ev = evidence or load()
    rows = [[ref(r.title, divide_label(r)),
             "\n\n".join(_stances_of(q, ev) for q in r.questions),
             escape(r.bears_on or "")]
            for r in for_theme("discriminate", ev)]
    if not rows:
        return Markdown("*No discriminate readings in data/readings.yaml.*\n")
    return list_table(["The divide", "Where the sources stand", "What would bear on it, in the book’s reading"], rows,
                      caption="The divides at a glance: where the sources stand on the questions each divide turns "
                              "on, and what kind of evidence would bear on it", name="table-divides",
                      widths=[22, 42, 36], classes="cj-cards")


def _where(reading: Reading, ev: Evidence) -> str:
    """Where a reading is shown, as a link to its block: the theme's short title, or the group's."""
    theme = next((t for t in ev.codebook.themes if t.id == reading.theme), None)
    if theme is not None:
        place = theme.short
    elif reading.theme == "same-event":
        place = reading.title or "the same events"
    else:
        place = (GROUPS[reading.theme] or "").removeprefix("Reading: ").removesuffix(" — the book’s interpretation")
    return ref(place, block_label(reading))


def arguments_at_a_glance(evidence: Evidence | None = None) -> Markdown:
    """One row per source: the kind of argument it makes, in the book's reading (arguments.yaml `kind`, with links to
    the readings that make the case), its central claim with the words behind it, what it offers as evidence
    (evidence-kinds.yaml) and how many recommendations it makes. Readers asked for the arguments before the counts."""
    ev = evidence or load()
    by_id = {r.id: r for r in load_readings(ev) or []}
    kinds = ev.evidence_kinds
    rows = []
    for sid in ev.sources:
        arg = (ev.arguments or {}).get(sid)
        if arg is None or not arg.kind:
            continue
        offered = kinds.of_source(sid, ev.quotations) if kinds else {}
        labels = {k.id: k.label for k in kinds.kinds} if kinds else {}
        shown = [f"{labels[k].lower()} ({len(q)})" for k, q in offered.items() if q]
        recs = len(arg.recommendations)
        offers = escape(listing(shown)) if shown else "nothing of the kinds tagged, among its quotations"
        recommends = f"{number_word(recs)} ({{doc}}`sources` lists them)" if recs else "none"
        rows.append([
            f"**{escape(source_name(sid, ev))}**",
            f"{escape(arg.kind)} (see {'; '.join(_where(by_id[r], ev) for r in arg.kind_readings)})",
            f"{escape(arg.claim.summary)} ({quote_ref(arg.claim.quotation, ev)})\n\n"
            f"*Evidence offered:* {offers}. *Recommendations:* {recommends}.",
        ])
    if not rows:
        return Markdown("*No kinds of argument in data/arguments.yaml.*\n")
    return list_table(["Source", "Its argument, in the book’s reading", "Its central claim, and what it offers"], rows,
                      caption="The arguments at a glance: each source’s argument as the book reads it, its claim, "
                              "what its quotations offer as evidence, and whether it recommends anything",
                      name="table-arguments", widths=[12, 36, 52], classes="cj-cards")
