"""The book's readings (data/readings.yaml): each rests on quotations that exist, names only concepts found in
the bibliography, is shown labelled as the book's interpretation, and a broken record stops with one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pybtex.database import parse_file

from cjreport import DataError, load
from cjreport.views import present, readings
from cjreport.views.markup import escape

ROOT = Path(__file__).resolve().parents[2]
BIB = ROOT / "book" / "references.bib"
CITE = re.compile(r"\{cite:(?:t|p|ts|ps)\}`([^`]*)`")


def _records() -> list[dict]:
    return yaml.safe_load((ROOT / "data" / "readings.yaml").read_text(encoding="utf-8"))


def test_every_reading_rests_on_existing_quotations(evidence):
    records = _records()
    assert records
    for record in records:
        assert record["rests_on"], f"{record['id']} rests on no quotation"
        for qid in record["rests_on"]:
            assert qid in evidence.quotations, f"{record['id']}: {qid} is not a quotation"
            assert f"[[{qid}]]" in record["text"], f"{record['id']}: {qid} is not marked where the text uses it"


def test_every_cited_concept_is_a_bibliography_entry():
    """Read with pybtex, the parser Sphinx's bibliography uses, independently of the loader."""
    entries = parse_file(str(BIB), "bibtex").entries
    for record in _records():
        cited = {key.strip() for group in CITE.findall(record["text"]) for key in group.split(",")}
        assert cited == set(record.get("concepts") or []), record["id"]
        for key in cited:
            assert key in entries, f"{record['id']} cites {key}, which is not in references.bib"
            assert entries[key].fields.get("title") and entries[key].fields.get("year"), key


def test_every_theme_and_the_synthesis_have_readings(evidence):
    loaded = readings.load_readings(evidence)
    groups = {r.theme for r in loaded}
    for theme in evidence.codebook.themes:
        assert theme.id in groups, f"no reading for theme {theme.id}"
    assert {"cross-theme", "same-event"} <= groups


def test_short_reference_is_verbatim_and_links_to_the_passage(evidence):
    """Each passage a reading rests on is linked: by the quoted words themselves, verbatim, or by a short reference
    naming its speaker, without the reference numbers the tables use (a 42nd reading found them in running prose
    read like a database); any words a link shows are the passage's own."""
    for reading in readings.load_readings(evidence):
        shown = readings.paragraph(reading, evidence)
        assert "[[" not in shown
        for qid in reading.rests_on:
            quote = evidence.quotations[qid]
            links = re.findall(r"\{ref\}`([^`]*)<" + re.escape(quote.label) + ">`", shown)
            assert links, f"{reading.id}: no short reference to {qid}"
            for text in links:
                assert not re.search(r"\bQ\d+", text), (qid, text)
                for words in re.findall(r"“([^”]*)”", text):
                    assert words.strip(" ,.;:") in " ".join(quote.text.split()), (qid, words)


def test_a_reference_shows_the_words_only_where_the_sentence_does_not_quote_them(evidence):
    """Where the sentence before a marker quotes the author's own words from the passage, those words are the
    link (two words or more: a single word is too small a link); where it quotes reported words or one word, the
    reference is the speaker (who must be named);
    elsewhere the reference shows the words that carry the passage, its gist."""
    seen = {"linked": 0, "reported": 0, "gist": 0}
    for reading in readings.load_readings(evidence):
        shown = readings.paragraph(reading, evidence)
        for match in re.finditer(r"\[\[([^\[\]:]*)\]\]", reading.text):
            quote = evidence.quotations[match.group(1)]
            sentence = re.split(r"(?<=[.!?])\s|\[\[[^\[\]]*\]\]", reading.text[:match.start()])[-1]
            parts = [p.strip(" ,.;:") for p in re.findall(r"“([^“”]*)”", sentence)]
            parts = [p for p in parts if p and p in " ".join(quote.text.split())]
            quoted = bool(parts)
            links = re.findall(r"\{ref\}`([^`]*)<" + re.escape(quote.label) + ">`", shown)
            if quoted and quote.voice == "author" and any(len(p.split()) >= 2 for p in parts):
                seen["linked"] += 1
                assert any(t.startswith("“") and "Q" not in t for t in links), (reading.id, quote.id, links)
            elif quoted:  # reported words, or a single word: speaker and number
                seen["reported"] += 1
                assert any("“" not in t and t.strip() for t in links), (reading.id, quote.id, links)
            else:
                seen["gist"] += 1
                assert any("“" in t for t in links), (reading.id, quote.id, links)
    assert all(seen.values()), seen


def test_reading_blocks_are_labelled_as_the_books_interpretation(evidence):
    for theme in [t.id for t in evidence.codebook.themes] + ["cross-theme", "same-event"]:
        text = readings.show(theme, evidence).text
        blocks = re.findall(r":::\{admonition\} (.*)\n:class: cj-reading", text)
        assert blocks and all("the book’s interpretation" in title for title in blocks), theme


def test_source_dates_come_from_sources_yaml(evidence):
    for sid, source in evidence.sources.items():
        shown = readings.source_date(sid, evidence)
        assert source.date[:4] in shown
        assert ("inferred" in shown) == (source.date_status == "inferred")


def test_an_inferred_date_is_marked_at_its_first_mention_on_a_page_only(evidence):
    """The readings a chapter shows together (one `show` call) mark an inferred date once, the first time they
    give it; a date given once is marked."""
    checked = 0
    for group in {r.theme for r in readings.load_readings(evidence)}:
        markers = re.findall(r"\[\[date:(\d+)\]\]", " ".join(r.text for r in readings.for_theme(group, evidence)))
        text = readings.show(group, evidence).text
        for sid in set(markers):
            if evidence.sources[sid].date_status == "inferred":
                # as the block's MyST sets them (escaped)
                marked, bare = (escape(readings.source_date(sid, evidence, marked=m)) for m in (True, False))
                # a whole date: "August 2024" is not counted inside another source's "20 August 2024"
                count = lambda date: len(re.findall(rf"(?<!\d )(?<!\d){re.escape(date)}", text))  # noqa: E731
                assert count(marked) == 1, (group, sid)
                assert count(bare) == markers.count(sid), (group, sid)
                checked += markers.count(sid) > 1
    assert checked, "no group of readings gives an inferred date twice: the test has nothing to check"


# --- a broken record gives one line naming file, line and id ----------------------------------------------

@pytest.fixture()
def broken(data_copy):
    def apply(change) -> str:
        path = data_copy / "readings.yaml"
        records = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(records)
        path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
        with pytest.raises(DataError) as info:
            readings.load_readings(load(data_copy), BIB)
        message = str(info.value)
        assert "\n" not in message and message.startswith("data/readings.yaml:")
        return message
    return apply


def test_unknown_quotation_is_one_line(broken):
    def change(records):
        records[0]["rests_on"].append("q999-nowhere")
        records[0]["text"] += " [[q999-nowhere]]"
    message = broken(change)
    assert "q999-nowhere" in message and f"[{_records()[0]['id']}]" in message and "unknown quotation" in message


def test_reading_without_quotation_is_refused(broken):
    def change(records):
        records[1]["rests_on"] = []
    message = broken(change)
    assert f"[{_records()[1]['id']}]" in message and "rests_on" in message


def test_unmarked_quotation_is_refused(broken):
    def change(records):
        records[0]["text"] = records[0]["text"].replace(f"[[{records[0]['rests_on'][0]}]]", "")
    assert "not marked" in broken(change)


def test_concept_missing_from_bibliography_is_refused(broken):
    def change(records):
        records[0]["concepts"].append("nobody1999")
        records[0]["text"] += " {cite:p}`nobody1999`"
    message = broken(change)
    assert "nobody1999" in message and "references.bib" in message


def test_cited_key_not_in_concepts_is_refused(broken):
    def change(records):
        records[0]["text"] += " {cite:p}`jervis1978`"
        records[0]["concepts"] = [c for c in records[0]["concepts"] if c != "jervis1978"]
    assert "not in concepts" in broken(change)


def test_words_in_quotation_marks_must_be_verbatim(broken):
    def change(records):
        records[0]["text"] += " The text calls this “a wholly invented phrase”."
    assert "not verbatim" in broken(change)


def test_unknown_theme_is_refused(broken):
    def change(records):
        records[0]["theme"] = "weather"
    assert "'weather'" in broken(change)


def test_problems_in_several_readings_are_reported_in_one_run(data_copy):
    """Two broken records, two lines, one run: a maintainer fixes both at once (a bad-input check of the 28th
    round found only the first reported)."""
    from cjreport.data.errors import all_errors

    path = data_copy / "readings.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    records[0]["text"] += " The text calls this “a wholly invented phrase”."
    records[-1]["rests_on"].append("q999-nowhere")
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    with pytest.raises(DataError) as info:
        readings.load_readings(load(data_copy), BIB)
    lines = [str(e) for e in all_errors(info.value)]
    assert len(lines) == 2, lines
    assert f"[{records[0]['id']}]" in lines[0] and "not verbatim" in lines[0], lines
    assert f"[{records[-1]['id']}]" in lines[1] and "q999-nowhere" in lines[1], lines
    assert all(line.startswith("data/readings.yaml:") and "\n" not in line for line in lines), lines


def test_line_number_points_at_the_record(data_copy):
    """Edited by text, not re-dumped, so the line in the message is the record's line in the file."""
    path = data_copy / "readings.yaml"
    text = path.read_text(encoding="utf-8")
    target = _records()[2]["id"]
    text = text.replace(f"- id: {target}\n", f"- id: {target}\n  colour: red\n", 1)
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  colour: red") + 1
    with pytest.raises(DataError) as info:
        readings.load_readings(load(data_copy), BIB)
    assert str(info.value).startswith(f"data/readings.yaml:{line} [{target}]:"), str(info.value)


# --- the built book: what a reader sees ---------------------------------------------------------------------


def _entries_by_author_year():
    """(author as printed, year) for every entry: an institution's braced name whole, a person's family name."""
    found = set()
    for entry in parse_file(str(BIB)).entries.values():
        year = entry.fields.get("year", "n.d.")
        for person in entry.persons.get("author", []):
            name = " ".join(person.last_names) if person.first_names else str(person)
            found.add((name.replace("{", "").replace("}", "").replace("’", "'"), year))
    return found


def test_context_citations_in_prose_are_bibliography_entries():
    """Outside context in the chapters cites by author and year in plain text (JupyterLab cannot render
    {cite}), so nothing else checks that each one names an entry of references.bib."""
    entries = _entries_by_author_year()
    # the chapters are notebooks (plain author-year); the glossary and bibliography use {cite}, which Sphinx checks
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "book").glob("*.md")))
    cited = [c.strip() for group in re.findall(r"\(([^()]*?, (?:\d{4}|n\.d\.)(?:; [^()]*?, (?:\d{4}|n\.d\.))*)\)", text)
             for c in group.split(";")]
    assert len(cited) >= len(re.findall(r", (?:\d{4}|n\.d\.)\)", text))
    norm = lambda c: " ".join(c.split()).replace("’", "'")  # line breaks in the prose; its typographic apostrophe
    missing = [c for c in cited if tuple(norm(c).rsplit(", ", 1)) not in entries]
    assert not missing, f"cited in book/*.md but not in references.bib: {missing}"


def test_a_kind_of_argument_resting_on_a_missing_or_foreign_reading_is_one_line_each(data_copy):
    """arguments.yaml's `kind` names the readings that make its case: an unknown one, and one that quotes nothing of
    the source, are each refused with a line naming arguments.yaml, the entry's line and the source; both at once."""
    path = data_copy / "arguments.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    first, second = records[0], records[1]
    first["kind"]["readings"] = ["r-no-such-reading"]
    # a reading resting only on other sources' quotations
    own = {q.id for q in load(data_copy).quotes_for(source=second["source"])}
    foreign = next(r for r in readings.load_readings(load(data_copy), BIB) if not own & set(r.rests_on))
    second["kind"]["readings"] = [foreign.id]
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    with pytest.raises(DataError) as info:
        readings.load_readings(load(data_copy), BIB)
    lines = [str(e) for e in info.value.errors]
    assert len(lines) == 2, lines
    assert all(line.startswith("data/arguments.yaml:") and "\n" not in line for line in lines), lines
    assert f"[{first['source']}]" in lines[0] and "r-no-such-reading" in lines[0], lines
    assert f"[{second['source']}]" in lines[1] and foreign.id in lines[1], lines


CITATION = re.compile(r" \(((?:\{ref\}`[^“`][^`]*`(?:; )?)+)\)")  # not quoted words in parentheses


def test_a_readings_references_stand_where_their_markers_stand_with_every_speaker_named(evidence):
    """A reference that is not the quoted words themselves is a citation where its marker stands, markers side by
    side sharing one (a 38th reading found citations gathered at the end of their sentence read as the source of
    the words quoted last, two under the wrong speaker); each citation names the speaker of its first
    reference, and of every reference whose speaker differs from the one before it. Every marker is either a
    link on quoted words or a place in a citation."""
    plain = lambda text: " ".join(re.sub(r"\{ref\}`([^`<]*?) ?<[^`>]*>`", r"\1", text).split())
    placed = 0
    for reading in readings.load_readings(evidence):
        shown = readings.paragraph(reading, evidence)
        marked = [m for m in re.findall(r"\[\[([^\[\]]*)\]\]", reading.text) if not m.startswith("date:")]
        label_of = {evidence.quotations[q].label: q for q in marked}
        # what follows each group of markers in the reading, as a reader sees it
        follows = {plain(re.sub(r"\[\[[^\[\]]*\]\]", "", reading.text[m.end():]))[:25]
                   for m in re.finditer(r"(?:\s*\[\[[^\[\]:]*\]\])+", reading.text)}
        in_citations = []
        for match in CITATION.finditer(shown):
            after = plain(shown[match.end():])[:25]
            assert after in follows, (reading.id, after)
            placed += 1
            last = None
            for text, label in re.findall(r"\{ref\}`([^`]*) <([^`>]*)>`", match.group(1)):
                quote = evidence.quotations[label_of[label]]
                who = readings._speaker(quote, evidence)
                assert (text == who or text.startswith(f"{who}: ")) == (who != last), (reading.id, text)
                last = who
                in_citations.append(label_of[label])
        inline = {label_of[label] for label in re.findall(r"\{ref\}`“[^`]*” <([^`>]*)>`", shown)}
        assert set(marked) == inline | set(in_citations), reading.id
        assert in_citations == [q for q in marked if q not in inline], reading.id
    assert placed, "no citation: the test would test nothing"



def test_the_chapters_a_reading_points_to_are_named_at_its_end(evidence):
    """A parenthesis holding only links to chapters becomes a "See …" sentence at the paragraph's end, each
    chapter once, in the order the text points to them."""
    moved = 0
    for reading in readings.load_readings(evidence):
        shown = readings.paragraph(reading, evidence)
        assert not re.search(r"\((?:\{doc\}`[^`]*`(?:; |, | and )?)+\)", shown), reading.id
        pointed = []
        for group in re.findall(r"\(((?:\{doc\}`[^`]*`(?:; |, | and )?)+)\)", reading.text):
            pointed += [d for d in re.findall(r"\{doc\}`[^`]*`", group) if d not in pointed]
        if pointed:
            moved += 1
            assert shown.endswith(f" See {'; '.join(pointed)}."), reading.id
    assert moved


# --- the home page's divides at a glance (a 38th reading: a policy reader's summary of the divides) ---------------

def _divides(evidence) -> list:
    return [r for r in readings.load_readings(evidence) if r.theme == "discriminate"]


def test_the_divides_table_gives_each_divide_its_coded_positions_and_what_would_bear_on_it(evidence):
    """One row per discriminate reading: its divide linking to the reading, every position of its questions as the
    coding holds it (each source with a position named under its stance), and its bears_on."""
    from cjreport.analysis.sensitivity import OWN

    found = _divides(evidence)
    assert found, "no discriminate reading: the table has nothing to show"
    table = readings.divides_at_a_glance(evidence).text
    rows = re.split(r"\n\s*\* - ", table)[2:]  # after the caption's options and the header row
    assert len(rows) == len(found), (len(rows), len(found))
    for row, reading in zip(rows, found):
        assert f"<{readings.divide_label(reading)}>" in row and reading.title in row
        assert escape(" ".join(reading.bears_on.split())) in " ".join(row.split())  # as MyST, escaped
        for question in reading.questions:
            line = next(l for l in row.split("\n") if escape(evidence.codebook.questions[question].label) in l)
            for sid in evidence.sources:
                stance = evidence.coding[(question, sid)].stance
                named = evidence.sources[sid].short_name in line
                assert named == (stance in OWN), (reading.id, question, sid, stance, line)
                if named:
                    label = present.stance_label(stance, evidence)
                    part = next(p for p in line.split(". ") if evidence.sources[sid].short_name in p)
                    assert label in part, (question, sid, label, part)


def test_the_divides_table_follows_the_coding(evidence):
    """Change a cell of a divide's question and the table changes with it: it is computed, not written."""
    import dataclasses

    reading = _divides(evidence)[0]
    question = reading.questions[0]
    sid = next(s for s in evidence.sources if evidence.coding[(question, s)].stance == "not_addressed")
    before = readings.divides_at_a_glance(evidence).text
    code = evidence.coding[(question, sid)]
    evidence.coding[(question, sid)] = dataclasses.replace(code, stance="opposes")
    try:
        after = readings.divides_at_a_glance(evidence).text
    finally:
        evidence.coding[(question, sid)] = code
    assert after != before and evidence.sources[sid].short_name in after


def test_a_discriminate_reading_without_its_divide_fields_is_one_line(broken):
    def change(records):
        record = next(r for r in records if r["theme"] == "discriminate")
        del record["bears_on"]
    assert "discriminate reading needs" in broken(change)


def test_a_divide_question_not_in_the_codebook_is_one_line(broken):
    def change(records):
        next(r for r in records if r["theme"] == "discriminate")["questions"].append("weather-sunny")
    assert "'weather-sunny'" in broken(change)
