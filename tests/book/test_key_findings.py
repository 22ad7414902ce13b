"""Issue 19, item 4: the home page's key findings, each with its strength beside it. The strength is recomputed
here from the data files themselves (coding.csv, coding-second.csv, adjudication.csv, sources.yaml), not through
the package's sensitivity code, and compared with what the built home page prints."""

from __future__ import annotations

import csv
import re

import pytest
import yaml
from bs4 import BeautifulSoup

from cjreport.views import findings
from cjreport import wording
from cjreport.data.quotations import fold

POS = {"supports", "qualified", "opposes"}


def _rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def data(evidence):
    d = evidence.data_dir
    final = {(r["question"], r["source"]): r["stance"] for r in _rows(d / "coding.csv")}
    second = {**final, **{(r["question"], r["source"]): r["stance"] for r in _rows(d / "coding-second.csv")}}
    not_chosen = dict(final)
    for r in _rows(d / "adjudication.csv"):
        not_chosen[(r["question"], r["source"])] = r["second"] if r["final"] == r["first"] else r["first"]
    sources = {str(s["id"]): s.get("short_name") or s["author"].split()[-1]
               for s in yaml.safe_load((d / "sources.yaml").read_text(encoding="utf-8"))}
    quotes = {q["id"]: q for q in yaml.safe_load((d / "quotations.yaml").read_text(encoding="utf-8"))}
    cited = {(r["question"], r["source"]): r["quotations"].split() for r in _rows(d / "coding.csv")}
    # a position whose rationale calls it implied counts as none for a reader who takes only explicit positions
    explicit = {(r["question"], r["source"]): "not_addressed" if r["stance"] in POS and re.search(r"\bimplied\b", r["rationale"], re.I)
                else r["stance"] for r in _rows(d / "coding.csv")}
    return final, second, not_chosen, sources, quotes, cited, explicit


def _holds(question, coding, among, kind, stance):
    held = [s for s in among if coding[(question, s)] in POS]
    if kind == "agreement":
        return len(held) >= 2 and {coding[(question, s)] for s in held} == {stance}
    return {"supports", "opposes"} <= {coding[(question, s)] for s in among}


def _name(short):
    return f"the {short}" if wording.is_plural_name(short) else short


@pytest.fixture(scope="module")
def printed(html_dir):
    soup = BeautifulSoup((html_dir / "book" / "intro.html").read_text(encoding="utf-8"), "html.parser")
    return {div["id"].removeprefix("finding-"): div for div in soup.select("div.cj-key-finding[id^='finding-']")}


def test_five_to_eight_key_findings_on_the_home_page(printed, data):
    final, *_ = data
    questions = {q for q, _ in final}
    assert findings.FEWEST <= len(printed) <= findings.MOST or len(printed) == len(questions), len(printed)


def test_every_key_finding_states_its_strength_as_recomputed_from_the_data(printed, data):
    """Each finding says what it rests on, in plain words, and how many of its tests it survives (a 44th reading
    found the full list of the tests it fails lost a reader who is not a methodologist; the synthesis's table
    keeps it): recomputed here from the data files."""
    final, second, not_chosen, sources, _, _, explicit = data
    assert printed, "no key finding on the home page"
    graded = set()
    for question, div in printed.items():
        takers = [s for s in sources if final[(question, s)] in POS]
        stances = {final[(question, s)] for s in takers}
        kind, stance = ("agreement", next(iter(stances))) if len(stances) == 1 else ("split", None)
        assert _holds(question, final, list(sources), kind, stance), question  # it holds on the book's codes
        printed_grade = " ".join(fold(div.select_one("p.cj-strength").get_text(" ")).split())
        fails_without = [s for s in takers if not _holds(question, final, [x for x in sources if x != s], kind, stance)]
        results = [s not in fails_without for s in takers]
        held = {name: _holds(question, coding, list(sources), kind, stance)
                for name, coding in (("second", second), ("not_chosen", not_chosen), ("explicit", explicit))}
        results += list(held.values())
        if all(results):
            assert printed_grade == f"How firm: {findings.FIRM}", (question, printed_grade)
            continue
        rests = []
        if fails_without and kind == "split":
            sides = {final[(question, s)] for s in takers}
            alone = [side for side in sides if [s for s in takers if final[(question, s)] == side] in ([f] for f in fails_without)]
            rests.append(findings.SINGLE_EACH if len(alone) == len(sides) else findings.SINGLE_ONE if len(alone) == 1
                         else f"a single text on each of {wording.number_word(len(alone))} sides")
        elif fails_without:
            rests.append("both of its texts" if len(takers) == 2 == len(fails_without)
                         else f"each of its {wording.number_word(len(takers))} texts" if len(fails_without) == len(takers)
                         else wording.listing([_name(sources[s]) for s in fails_without]))
        if not held["explicit"]:
            rests.append(findings.INFERRED)
        if not (held["second"] and held["not_chosen"]):
            rests.append(findings.DISPUTED)
        expected = (f"How firm: Rests {wording.listing([f'on {r}' for r in rests])}; it holds in "
                    f"{wording.number_word(sum(results))} of {wording.number_word(len(results))} tests.")
        assert printed_grade == expected, (question, printed_grade, expected)
        graded.add(bool(fails_without))
    assert True in graded, "no finding fails without a source: the grade's first part is untested"


def test_every_key_finding_counts_in_words_and_names_who_holds_what(printed, data):
    final, _, _, sources, *_ = data
    for question, div in printed.items():
        sentence = fold(div.find("p").get_text(" "))
        takers = [s for s in sources if final[(question, s)] in POS]
        assert wording.share(len(takers), len(sources), "source") in sentence.lower(), sentence
        if len(takers) < len(sources):
            assert "every source" not in sentence.lower() and "all the sources" not in sentence.lower(), sentence
        for sid in takers:
            assert sources[sid] in sentence, (question, sources[sid], sentence)


def test_evidence_is_one_click_away_by_speaker_and_words(printed, data):
    final, _, _, sources, quotes, cited, _ = data
    shown_once = []
    for question, div in printed.items():
        links = div.select("p.cj-finding-evidence a")
        for sid in (s for s in sources if final[(question, s)] in POS):
            qid = cited[(question, sid)][0]
            link = next((a for a in links if a["href"].endswith(f"#quote-{qid}")), None)
            assert link is not None, (question, sid, qid)
            text = fold(link.get_text(" "))
            # words given under an earlier finding are named by it ("Roy, as under finding 1"), not repeated
            again = re.search(r"as under finding (\d+)$", text)
            if again:
                earlier = list(printed)[int(again.group(1)) - 1]
                assert earlier != question and any(a["href"].endswith(f"#quote-{qid}")
                                                   for a in printed[earlier].select("p.cj-finding-evidence a")), text
                assert sources[sid] in text, text
                continue
            shown_once.append(qid)
            # words that carry the position (quoted by the coder's rationale, or the quotation's gist), verbatim
            shown = re.findall(r"“([^”]*)”", text)
            assert shown and len(shown[0].split()) >= 2, text
            assert shown[0] in " ".join(fold(quotes[qid]["text"]).split()), (qid, shown[0])
            assert sources[sid] in text and qid not in text, text
        # the finding's label links to every position on the question
        assert any(a["href"].endswith(f"#positions-{question}") for a in div.find("p").find_all("a")), question
    # each passage's words are given once under the findings
    assert len(shown_once) == len(set(shown_once)), shown_once


def test_strength_follows_a_changed_coding(evidence, data_copy, monkeypatch):
    """Break a finding in the data (one of its sources now says nothing) and its strength changes with it. The
    source dropped is one of the largest group of sources taking the same position, so the finding survives."""
    from cjreport import load

    k = next(k for k in findings.key_finding_list(evidence)
             if k.takers > 2 and max(len(h) for h in k.held.values()) >= 2)
    held = max(k.held.values(), key=len)
    path = data_copy / "coding.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith(f"{k.question},{held[0]},"))
    lines[row] = f"{k.question},{held[0]},not_addressed,Dropped for the test.,"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name in ("coding-first.csv", "coding-second.csv", "adjudication.csv"):  # keep the files consistent
        p = data_copy / name
        kept = [l for l in p.read_text(encoding="utf-8").splitlines() if not l.startswith(f"{k.question},{held[0]},")]
        if name == "coding-second.csv":
            kept.append(f"{k.question},{held[0]},not_addressed,Dropped for the test.,")
        if name == "coding-first.csv":
            kept.append(f"{k.question},{held[0]},not_addressed")
        p.write_text("\n".join(kept) + "\n", encoding="utf-8")
    monkeypatch.setenv("CJREPORT_DATA", str(data_copy))
    # every candidate, not only the home page's first eight: the weakened finding may fall below the cut
    changed = next(x for x in findings.key_finding_list(load(), most=len(evidence.codebook.questions))
                   if x.question == k.question)
    assert changed.takers == k.takers - 1
    assert wording.share(changed.takers, changed.total, "source") in changed.sentence.lower()
    passed, tests = findings.tests_passed(changed)
    assert (findings.grade(changed, evidence) == findings.FIRM if passed == tests else
            findings.grade(changed, evidence).endswith(
                f"it holds in {wording.number_word(passed)} of {wording.number_word(tests)} tests."))


def test_key_findings_come_firmest_first(evidence, printed):
    """The home page lists the findings on what the texts state first, then those that fail with implied positions
    set aside (a 28th reading); within each, firmest first: by the share of its tests each survives, largest first
    (a twelfth reading found "three of six" printed after "two of five"), then by how many sources take a
    position."""
    found = findings.key_finding_list(evidence)
    shares = [(findings.rests_on_inference(k), -findings.tests_passed(k)[0] / findings.tests_passed(k)[1], -k.takers)
              for k in found]
    assert shares == sorted(shares), shares
    assert list(printed) == [k.question for k in found]


def test_findings_resting_on_inferred_positions_come_under_their_own_lead(html_dir, data):
    """Every finding printed after the lead "Resting in part on what the coders infer" fails when the implied
    positions are set aside, recomputed here from coding.csv's rationales; every finding before it holds then."""
    final, _, _, sources, _, _, explicit = data
    soup = BeautifulSoup((html_dir / "book" / "intro.html").read_text(encoding="utf-8"), "html.parser")
    lead = next((p for p in soup.find_all("p") if p.get_text().startswith("Resting in part on what the coders infer")), None)
    after = set()
    if lead is not None:
        after = {div["id"].removeprefix("finding-") for div in lead.find_all_next("div", class_="cj-key-finding")}
    seen = {div["id"].removeprefix("finding-") for div in soup.select("div.cj-key-finding[id^='finding-']")}
    for question in seen:
        among = list(sources)
        stances = {final[(question, s)] for s in among if final[(question, s)] in POS}
        kind, stance = ("agreement", stances.pop()) if len(stances) == 1 else ("split", None)
        holds_explicit = _holds(question, explicit, among, kind, stance)
        assert (question in after) == (not holds_explicit), (question, holds_explicit)


def test_implied_positions_are_named_beside_the_finding(printed, data):
    """A finding that counts a position the coding infers says so in its own paragraph, naming whose, not only
    in the strength line under it: a reader quoting the sentence carries the caveat with it."""
    final, _, _, sources, _, _, explicit = data
    marked = 0
    for question, div in printed.items():
        sentence = fold(div.find("p").get_text(" "))
        implied = [s for s in sources if final[(question, s)] in POS and explicit[(question, s)] != final[(question, s)]]
        assert ("implied" in sentence) == bool(implied), (question, sentence)
        for sid in implied:
            assert sources[sid] in sentence.split("implied")[0].rsplit(".", 1)[-1], (question, sources[sid], sentence)
        marked += bool(implied)
    assert marked, "no key finding counts an implied position: the test would test nothing"


def test_each_key_finding_opens_with_its_number_and_its_questions_label(printed, evidence):
    """Numbered in the order printed, across both leads, each with its question's short label from codebook.yaml,
    read here with yaml."""
    questions = {q["id"]: q["label"] for theme in yaml.safe_load((evidence.data_dir / "codebook.yaml").read_text(
        encoding="utf-8"))["themes"] for q in theme["questions"]}
    for n, (question, div) in enumerate(printed.items(), 1):
        lead = fold(div.find("p").find("strong").get_text(""))  # the label is a link: no space before its full stop
        assert lead == f"{n}. {questions[question]}.", (question, lead)


def test_a_finding_carried_in_part_by_a_user_submission_says_so(printed, data, evidence):
    """sources.yaml, read with yaml: a source marked user_submitted that takes a position on a finding's question is
    named in the finding's sentence as a user submission; a finding without one says nothing of it."""
    final, *_ = data
    records = {str(s["id"]): s for s in yaml.safe_load((evidence.data_dir / "sources.yaml").read_text(encoding="utf-8"))}
    seen = 0
    for question, div in printed.items():
        sentence = fold(div.find("p").get_text(" "))
        held = [sid for sid in records if final[(question, sid)] in POS and records[sid].get("user_submitted")]
        assert ("user submission" in sentence) == bool(held), (question, sentence)
        for sid in held:
            name = records[sid].get("short_name") or records[sid]["author"].split()[-1]
            assert f"{name}’s text is a user submission" in sentence or f"{name}’s and" in sentence, sentence
        seen += bool(held)
    assert seen, "no key finding rests in part on a user submission: the test has nothing to check"
