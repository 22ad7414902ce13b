"""Log-odds with an informative Dirichlet prior, checked against a worked example."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from cjreport.analysis.vocab import distinctive_words, keyword_in_context, log_odds, tokens


def test_log_odds_matches_hand_worked_example():
    # Group i: war x3, peace x1 (n_i = 4); rest j: war x1, peace x3 (n_j = 4).
    # Prior = corpus counts: war 4, peace 4 -> with prior_size 8: a_war = 4, a0 = 8.
    # delta_war = log((3+4)/(4+8-3-4)) - log((1+4)/(4+8-1-4)) = log(7/5) - log(5/7) = 2 log(1.4) = 0.67294
    # var = 1/7 + 1/5 = 0.342857 ; z = 0.672944 / 0.585540 = 1.149271
    group, rest = Counter(war=3, peace=1), Counter(war=1, peace=3)
    scores = {s.word: s for s in log_odds(group, rest, group + rest)}
    assert scores["war"].delta == pytest.approx(2 * math.log(1.4), abs=1e-9)
    assert scores["war"].delta == pytest.approx(0.672944, abs=1e-6)
    assert scores["war"].z == pytest.approx(1.149271, abs=1e-6)
    assert scores["peace"].z == pytest.approx(-1.149271, abs=1e-6)


def test_prior_size_shrinks_towards_zero():
    group, rest = Counter(war=3, peace=1), Counter(war=1, peace=3)
    weak = {s.word: s.delta for s in log_odds(group, rest, group + rest, prior_size=0.8)}
    strong = {s.word: s.delta for s in log_odds(group, rest, group + rest, prior_size=800)}
    assert abs(strong["war"]) < abs(weak["war"])


def test_tokens_drop_stop_words_and_keep_hyphens():
    assert tokens("The re-militarization of Japan’s defence") == ["re-militarization", "japan’s", "defence"]


def test_an_abbreviation_in_capitals_is_not_folded_into_a_word():
    """"US" is the United States, "us" a pronoun (a stop word): folding the one into the other made "us" a source's
    most distinctive word."""
    assert tokens("The US told us, and the PRC replied.") == ["US", "told", "PRC", "replied"]


def test_distinctive_words_and_concordance():
    texts = {"a": "deterrence deterrence deterrence peace talks", "b": "trade trade trade peace talks"}
    top = distinctive_words(texts, top=1, min_count=2)
    assert top["a"][0].word == "deterrence" and top["b"][0].word == "trade"
    lines = keyword_in_context(texts, "peace", width=10)
    assert [(c.source, c.match) for c in lines] == [("a", "peace"), ("b", "peace")]


def test_the_concordance_counts_a_compound_the_term_begins_but_not_one_it_ends():
    texts = {"a": "the deterrence-based concept and deterrence alone", "b": "re-militarization, not militarization"}
    assert [c.match for c in keyword_in_context(texts, "deterrence")] == ["deterrence", "deterrence"]
    assert [c.source for c in keyword_in_context(texts, "militarization")] == ["b"]
    assert len(keyword_in_context(texts, "re-militarization")) == 1
