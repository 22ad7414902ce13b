"""The grammar layer (cjreport/wording.py): counts in words, plurals, agreement, possessives, lists."""

from __future__ import annotations

import pytest

from cjreport import wording


@pytest.mark.parametrize("n, word", [(0, "zero"), (1, "one"), (2, "two"), (12, "twelve"), (13, "13"), (90, "90")])
def test_number_word_up_to_twelve(n, word):
    assert wording.number_word(n) == word


def test_number_word_above_the_limit_when_asked():
    assert wording.number_word(21, limit=99) == "twenty-one" and wording.number_word(40, limit=99) == "forty"
    assert wording.number_word(0, zero="no") == "no"


@pytest.mark.parametrize("n, noun, text", [(0, "source", "no sources"), (1, "source", "one source"),
                                           (2, "source", "two sources"), (1, "cell", "one cell"), (14, "cell", "14 cells"),
                                           (3, "analysis", "three analyses"), (2, "quotation", "two quotations"),
                                           (2, "summary", "two summaries"), (2, "day", "two days"), (2, "speech", "two speeches")])
def test_count_agrees(n, noun, text):
    assert wording.count(n, noun) == text


@pytest.mark.parametrize("n, singular, text", [(1, "leaves", "leaves"), (2, "leaves", "leave"), (3, "does", "do"),
                                               (2, "supports", "support"), (2, "qualifies", "qualify"),
                                               (2, "addresses", "address"), (1, "addresses", "addresses")])
def test_verb_agrees(n, singular, text):
    assert wording.verb(n, singular) == text


@pytest.mark.parametrize("name, text", [("Roy", "Roy’s"), ("CIIS fellows", "CIIS fellows’"), ("Jones", "Jones’s"),
                                        ("Kurbanov", "Kurbanov’s"), ("the editors", "the editors’")])
def test_possessive(name, text):
    assert wording.possessive(name) == text


@pytest.mark.parametrize("items, text", [([], "none"), (["Roy"], "Roy"), (["Roy", "Zhang"], "Roy and Zhang"),
                                         (["Roy", "Zhang", "Tanaka"], "Roy, Zhang and Tanaka")])
def test_listing(items, text):
    assert wording.listing(items) == text


def test_listing_with_or_and_empty_word():
    assert wording.listing(["a", "b"], "or") == "a or b" and wording.listing([], empty="no source") == "no source"


@pytest.mark.parametrize("text, closed", [("Security Ties?", "Security Ties?"), ("It holds", "It holds."),
                                          ("It holds.", "It holds."), ("Really!", "Really!")])
def test_sentence_closes_once(text, closed):
    assert wording.sentence(text) == closed


@pytest.mark.parametrize("part, whole, text", [(2, 5, "two of the five sources"), (5, 5, "all five sources"),
                                               (2, 2, "both sources"), (0, 5, "none of the five sources"),
                                               (1, 5, "one of the five sources")])
def test_share_never_says_every_for_a_part(part, whole, text):
    assert wording.share(part, whole, "source") == text


def test_the_book_has_one_number_word():
    """present, sphinx_ext, counts and findings all say numbers through wording, not lists of their own."""
    from cjreport import sphinx_ext
    from cjreport.data import citation
    from cjreport.analysis import counts, sensitivity
    from cjreport.views import findings, present

    for n in range(0, 15):
        assert present.number_word(n) == wording.number_word(n)
        assert citation.count_words(n) == wording.number_word(n, zero="no")
    assert citation.count_words is wording.count_words
    assert not hasattr(sphinx_ext, "NUMBER_WORDS")
    assert counts.names(["a", "b", "c"]) == wording.listing(["a", "b", "c"])
    for module in (counts, findings, sensitivity):
        assert module.number_word is wording.number_word


def test_numbers_in_one_sentence_share_one_form():
    assert wording.numbers(2, 5) == ["two", "five"]
    assert wording.numbers(12, 25) == ["12", "25"]


def test_kurbanov_motive_finding_is_worded_from_the_book_coding(evidence):
    """The synthesis's finding on Kurbanov and the two questions of motive says, for each, what the book's own
    coding holds: a source coded reports or not addressed takes no position, and the sentence must not call it
    one (a tenth reading found "a position of his own" printed for two cells coded not addressed)."""
    from cjreport.analysis import sensitivity

    found = {f.id: f for f in sensitivity.findings(evidence)}
    if "kurbanov-motive" not in found:
        return
    sentence = found["kurbanov-motive"].text
    stances = [evidence.coding[(q, sensitivity.KURBANOV)].stance for q in sensitivity.MOTIVE]
    takes_none = [st not in sensitivity.OWN for st in stances]
    if all(takes_none):
        assert "takes no position of his own" in sentence, sentence
    if not any(takes_none):
        assert "no position" not in sentence, sentence


def test_a_date_is_written_to_the_precision_it_has():
    assert wording.long_date("2024") == "2024"
    assert wording.long_date("2024-08") == "August 2024"
    assert wording.long_date("2022-09-30") == "30 September 2022"
    assert wording.long_date("2023-01-08") == "8 January 2023"
