"""The teacher's guide (book/teaching.md): the exercise's questions follow their rule, its alpha is Krippendorff's on
the cells compared, and its tables hold what data/ records. Every expected value is recomputed here from the CSV and
YAML files by their own route, never typed in."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import krippendorff
import pytest
import yaml

from cjreport.analysis import teaching
from cjreport.views import teaching as views

DATA = Path(__file__).resolve().parents[2] / "data"


def _csv(name: str) -> dict[tuple[str, str], dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return {(r["question"], r["source"]): r for r in csv.DictReader(f)}


def _yaml(name: str):
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def _by_rule() -> list[str]:
    """The rule, recomputed: most sources on which the first and second codings differ; codebook order breaks ties."""
    first, second = _csv("coding-first.csv"), _csv("coding-second.csv")
    order = [q["id"] for t in _yaml("codebook.yaml")["themes"] for q in t["questions"]]
    differ = Counter(q for (q, s), r in first.items() if r["stance"] != second[(q, s)]["stance"])
    return sorted(order, key=lambda q: (-differ[q], order.index(q)))[:teaching.QUESTIONS]


def _alpha(pairs: list[tuple[str, str]]) -> float:
    scale = [s["id"] for s in _yaml("codebook.yaml")["stances"]]
    data = [[scale.index(a) for a, _ in pairs], [scale.index(b) for _, b in pairs]]
    return krippendorff.alpha(reliability_data=data, level_of_measurement="nominal", value_domain=range(len(scale)))


def test_the_exercise_sets_the_questions_its_rule_chooses(evidence):
    assert teaching.exercise_questions(evidence) == _by_rule()


def test_the_demonstration_compares_the_first_coding_with_the_final(evidence):
    questions = _by_rule()
    first, final = _csv("coding-first.csv"), _csv("coding.csv")
    cells = [c for c in final if c[0] in questions]
    result = teaching.compare(evidence)
    assert result.demonstration
    assert result.cells == result.alpha.units == len(cells)
    assert result.alpha.agreed == sum(first[c]["stance"] == final[c]["stance"] for c in cells)
    assert result.alpha.value == pytest.approx(_alpha([(first[c]["stance"], final[c]["stance"]) for c in cells]))
    assert result.alpha.low <= result.alpha.value <= result.alpha.high
    differ = {(q, s): final[(q, s)]["rationale"] for q, s in cells if first[(q, s)]["stance"] != final[(q, s)]["stance"]}
    assert {(d.question, d.source): d.rationale for d in result.differences} == differ


def test_a_students_codes_are_read_by_name_number_and_label(evidence):
    """Codes typed as a student would: short names in any case, question numbers, stance labels; the cells left
    None are not compared."""
    questions = _by_rule()
    final = _csv("coding.csv")
    stances = {s["id"]: s["label"] for s in _yaml("codebook.yaml")["stances"]}
    short = {str(s["id"]): s["short_name"] for s in _yaml("sources.yaml")}
    codes = views.Exercise(evidence).blank()
    assert set(codes.values()) == {None} and len(codes) == len(short) * len(questions)
    sids = sorted(short)
    # the first source as the book codes it, the second source as "not addressed" (a label, in capitals)
    codes[short[sids[0]].upper(), 1] = stances[final[(questions[0], sids[0])]["stance"]]
    codes[short[sids[1]], 1] = "Not addressed"
    result = teaching.compare(evidence, codes)
    assert not result.demonstration and result.alpha.units == 2
    given = {sids[0]: final[(questions[0], sids[0])]["stance"], sids[1]: "not_addressed"}
    want = [(questions[0], s) for s in sids[:2] if given[s] != final[(questions[0], s)]["stance"]]
    assert [(d.question, d.source) for d in result.differences] == want
    assert result.alpha.agreed == 2 - len(want)


@pytest.mark.parametrize("key, value, words", [
    (("Nobody", 1), "supports", "unknown source"),
    (("Roy", 9), "supports", "unknown question"),
    (("Roy", 1), "agrees", "unknown stance"),
    ("Roy", "supports", "a key is"),
])
def test_a_mistyped_code_is_named(evidence, key, value, words):
    with pytest.raises(ValueError, match=words):
        teaching.compare(evidence, {key: value})


def test_the_check_shows_the_computed_alpha_and_says_it_is_a_demonstration(evidence):
    questions = _by_rule()
    first, final = _csv("coding-first.csv"), _csv("coding.csv")
    cells = [c for c in final if c[0] in questions]
    text = views.Exercise(evidence).check({}).text
    assert "demonstration" in text and "first coding" in text
    shown = f"{_alpha([(first[c]['stance'], final[c]['stance']) for c in cells]):.2f}".replace("-", "\u2212")
    assert f"**{shown}**" in text


def test_whose_words_lists_every_passage_not_in_the_authors_voice_and_no_id(evidence):
    quotes = _yaml("quotations.yaml")
    others = [q for q in quotes if q["voice"] != "author"]
    table = views.whose_words(evidence).text
    answers = views.whose_words_answers(evidence).text
    assert len(re.findall(r"^\* - \d+$", table, re.M)) == len(others)
    assert len(answers.strip().splitlines()) == len(others)
    speakers = re.sub(r"\\(.)", r"\1", answers)
    assert all(q["speaker"] in speakers for q in others)
    # ids only as link targets, never as words a reader sees
    visible = re.sub(r"<q[0-9][^>]*>", "", table) + answers
    assert not [q["id"] for q in quotes if q["id"] in visible]


def test_the_standing_table_holds_what_sources_yaml_records(evidence):
    text = re.sub(r"\\(.)", r"\1", views.standing(evidence).text)
    records = _yaml("sources.yaml")
    for s in records:
        assert s["author"] in text and s["reliability"] in text
    assert text.count("the page says a user submitted it") == sum(bool(s.get("user_submitted")) for s in records)
    assert text.count("(outlet inferred)") == sum(s.get("outlet_status") == "inferred" for s in records)


def test_where_to_look_groups_every_cell_under_its_stance(evidence):
    final = _csv("coding.csv")
    codebook = _yaml("codebook.yaml")
    label = {s["id"]: s["label"] for s in codebook["stances"]}
    short = {str(s["id"]): s["short_name"] for s in _yaml("sources.yaml")}
    lines = re.sub(r"\\(.)", r"\1", views.where_to_look(evidence).text).splitlines()
    for theme in codebook["themes"]:
        assert any(f"{{doc}}`{theme['chapter']}`" in line for line in lines), theme["id"]
        for q in theme["questions"]:
            [line] = [l for l in lines if l.startswith(f"- *{q['label']}*.")]
            groups = dict(g.split(": ", 1) for g in line.split(". ", 1)[1].split(". (")[0].split("; "))
            for sid, name in short.items():
                stance = label[final[(q["id"], sid)]["stance"]]
                [group] = [v for k, v in groups.items() if k.endswith(stance)]
                assert name in group, (q["id"], sid)


def test_every_passage_to_attribute_can_be_told_apart_by_its_opening_words(evidence):
    """A 42nd reading could not tell two rows of the exercise apart on paper: both opened "the parties confirmed
    that they". Each passage is named by opening words no other passage shares (unless their texts are one)."""
    import re as _re

    from cjreport.views import teaching as view

    lines = view.whose_words_answers(evidence).text.splitlines()
    openings = [_re.match(r"\d+\. (“[^”]*”…?)", line).group(1) for line in lines]
    texts = [q.text for q in view.reported_passages(evidence)]
    assert len(openings) == len(texts) > 1
    for i, a in enumerate(openings):
        for j, b in enumerate(openings[:i]):
            assert a != b or texts[i] == texts[j], (a, i + 1, j + 1)
