"""Intercoder agreement: the library against a hand-worked alpha, the book's figures against the CSV files."""

from __future__ import annotations

import csv
import math

import krippendorff
import numpy as np
import pytest

from cjreport import DataError, load
from cjreport.analysis import agreement as ag

# Hand-worked nominal example, two coders, ten units (values a, b, c):
#   coder 1: a a b b c c a b c a
#   coder 2: a a b b c c b b c c
# 20 pairable values; frequencies n_a = 6, n_b = 7, n_c = 7.
# Observed disagreement: units 7 (a,b) and 10 (a,c) give 4 off-diagonal ordered pairs of 20: D_o = 4/20 = 0.2.
# Expected disagreement: D_e = (n² − Σ n_c²) / (n(n − 1)) = (400 − 134) / 380 = 0.7.
# alpha = 1 − D_o / D_e = 1 − 0.2 / 0.7 = 5/7.
CODER_1 = list("aabbccabca")
CODER_2 = list("aabbccbbcc")
HAND_ALPHA = 5 / 7


def test_library_matches_the_hand_worked_example():
    numeric = {"a": 0, "b": 1, "c": 2}
    data = [[numeric[v] for v in CODER_1], [numeric[v] for v in CODER_2]]
    assert krippendorff.alpha(reliability_data=data, level_of_measurement="nominal") == pytest.approx(HAND_ALPHA)
    # the module's own path (value counts per unit) gives the same figure
    counts = ag._counts(list(zip(CODER_1, CODER_2)), ("a", "b", "c"))
    assert ag._alpha(counts, "nominal") == pytest.approx(HAND_ALPHA)


def test_library_matches_krippendorffs_published_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the example with missing values
    # (three observers, 15 units; here as in the library's documentation): nominal alpha 0.691, interval 0.811.
    nan = np.nan
    data = [[nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
            [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
            [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4]]
    assert round(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), 3) == 0.691
    assert round(krippendorff.alpha(reliability_data=data, level_of_measurement="interval"), 3) == 0.811


def _read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _from_csv(evidence):
    """Recompute both codings straight from the CSV files, without the module."""
    data = evidence.data_dir
    second = {(r["question"], r["source"]): r["stance"] for r in _read(data / "coding-second.csv")}
    first = {(r["question"], r["source"]): r["stance"] for r in _read(data / "coding-first.csv")}
    cells = [c for c in second if c in first]
    return first, second, cells


def test_real_figures_equal_a_recomputation_from_the_csv_files(evidence):
    first, second, cells = _from_csv(evidence)
    scale = [s.id for s in evidence.codebook.stances]
    data = [[scale.index(first[c]) for c in cells], [scale.index(second[c]) for c in cells]]
    nominal = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal", value_domain=range(len(scale)))
    got = ag.alpha(evidence)
    assert got.units == len(cells) == len(evidence.codebook.questions) * len(evidence.sources)
    assert got.agreed == sum(first[c] == second[c] for c in cells)
    assert got.value == pytest.approx(nominal)

    order = ["opposes", "qualified", "supports"]
    both = [c for c in cells if first[c] in order and second[c] in order]
    data = [[order.index(first[c]) for c in both], [order.index(second[c]) for c in both]]
    ordinal = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal", value_domain=range(3))
    got = ag.alpha(evidence, level="ordinal")
    assert got.units == len(both)
    assert got.value == pytest.approx(ordinal)

    for theme in evidence.codebook.themes:
        ids = {q.id for q in theme.questions}
        sub = [c for c in cells if c[0] in ids]
        data = [[scale.index(first[c]) for c in sub], [scale.index(second[c]) for c in sub]]
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal", value_domain=range(len(scale)))
        assert ag.alpha(evidence, theme.id).value == pytest.approx(expected), theme.id


def test_every_disagreement_is_adjudicated_and_the_book_codes_are_final(evidence):
    first, second, cells = _from_csv(evidence)
    disagreements = {c for c in cells if first[c] != second[c]}
    rows = ag.decisions(evidence)
    assert {(a.question, a.source) for a in rows} == disagreements
    for a in rows:
        assert evidence.coding[(a.question, a.source)].stance == a.final


def test_bootstrap_interval_is_deterministic_and_brackets_the_estimate(evidence):
    ag._estimate.cache_clear()
    one = ag.alpha(evidence)
    ag._estimate.cache_clear()
    two = ag.alpha(evidence)
    assert one == two
    assert one.low < one.value < one.high
    assert not math.isnan(one.low)


def test_an_unadjudicated_disagreement_is_refused(data_copy):
    rows = _read(data_copy / "adjudication.csv")
    with open(data_copy / "adjudication.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        # drop a row whose final code is the first coder's: coding.csv then disagrees with the second coding
        writer.writerows([r for r in rows if r["final"] != r["first"]])
    with pytest.raises(DataError, match="has no adjudication|no row for .* differ"):
        ag.decisions(load(data_copy))


def test_an_adjudication_that_coding_csv_does_not_carry_is_refused(data_copy):
    rows = _read(data_copy / "adjudication.csv")
    rows[0]["final"] = rows[0]["first"] if rows[0]["final"] != rows[0]["first"] else rows[0]["second"]
    with open(data_copy / "adjudication.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataError, match="but coding.csv has"):
        ag.decisions(load(data_copy))


def test_latest_recoding_is_counted_from_the_files(evidence):
    """The methods chapter's second-round figures: recomputed here from the changelog and the two coding files."""
    import csv

    from cjreport.analysis import disclosure

    r = disclosure.latest_recoding(evidence)
    assert r is not None
    data = evidence.data_dir
    rounds = [e for e in evidence.changelog if e.change in ("rule", "add") and e.after_reading]
    assert r.rounds == len(rounds) and (r.first_date, r.date) == (min(e.date for e in rounds), max(e.date for e in rounds))
    questions = {q for e in rounds for q in e.questions}
    first = {(row["question"], row["source"]): row["stance"] for row in csv.DictReader(open(data / "coding-first.csv", encoding="utf-8"))}
    second = {(row["question"], row["source"]): row["stance"] for row in csv.DictReader(open(data / "coding-second.csv", encoding="utf-8"))}
    cells = [k for k in first if k[0] in questions]
    assert r.cells == len(cells) == len(questions) * len(evidence.sources)
    assert r.agreed == sum(first[k] == second[k] for k in cells)
    adjudicated = [row for row in csv.DictReader(open(data / "adjudication.csv", encoding="utf-8")) if row["question"] in questions]
    assert r.kept_first + r.kept_second == len(adjudicated) == r.cells - r.agreed


def test_implied_positions_are_counted_by_one_rule_for_every_source(evidence):
    """Recomputed from coding.csv with the csv module: a position whose rationale says 'implied', per source."""
    import re

    from cjreport.analysis import disclosure

    with open(evidence.data_dir / "coding.csv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["stance"] in ("supports", "qualified", "opposes")]
    counted = {i.source: (i.implied, i.positions) for i in disclosure.implied_by_source(evidence)}
    for sid in evidence.sources:
        mine = [r for r in rows if r["source"] == sid]
        implied = sum(bool(re.search(r"\bimplied\b", r["rationale"], re.I)) for r in mine)
        assert counted[sid] == (implied, len(mine)), (sid, counted[sid], implied, len(mine))
    assert sum(i for i, _ in counted.values()), "no implied position: the test has nothing to count"
