"""The teacher's guide's exercise in blind coding (book/teaching.md), as values: which questions it sets, and how a
set of codes for them agrees with the book's final coding.

The questions are chosen by a rule, never by hand: those on which the book's two coders (the first coding and the
blind second one) disagreed on the most sources, ties going to the earlier question of the codebook. A student's
codes are keyed by (source, question number); until any is given, the comparison is made with the book's own first
coding instead, so the calculation can be seen before the exercise is done.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from cjreport.analysis import agreement
from cjreport.data.evidence import Evidence

QUESTIONS = 2  # how many questions the exercise sets


@dataclass(frozen=True)
class Difference:
    """A cell where the codes compared differ from the book's final code, with the book's reason for its code."""

    question: str
    source: str
    given: str
    final: str
    rationale: str


@dataclass(frozen=True)
class Comparison:
    questions: tuple[str, ...]
    demonstration: bool  # True: no code was given, so the book's first coding stands in for the student's
    cells: int  # cells in the exercise (sources × questions)
    alpha: agreement.Alpha  # over the cells coded: its `units` and `agreed`
    differences: tuple[Difference, ...]


def disagreements(evidence: Evidence) -> Counter[str]:
    """For each question, on how many sources the first and the blind second coding differ."""
    return Counter(q for (q, _), first, second in agreement.pairs(evidence) if first != second)


def exercise_questions(evidence: Evidence, n: int = QUESTIONS) -> list[str]:
    """The `n` questions the two coders disagreed on most (by sources), the codebook's order breaking ties."""
    order = list(evidence.codebook.questions)
    counts = disagreements(evidence)
    return sorted(order, key=lambda q: (-counts[q], order.index(q)))[:n]


def blank_codes(evidence: Evidence, questions: list[str]) -> dict[tuple[str, int], str | None]:
    """The form a student fills in: (source's short name, question number from 1) → None, in the book's order."""
    return {(s.short_name, i): None for i, _ in enumerate(questions, 1) for s in evidence.sources.values()}


def _source(key: object, evidence: Evidence) -> str:
    for sid, s in evidence.sources.items():
        if isinstance(key, str) and key.strip().casefold() in (sid, s.short_name.casefold()):
            return sid
    names = ", ".join(s.short_name for s in evidence.sources.values())
    raise ValueError(f"unknown source {key!r}: use one of {names}")


def _question(key: object, questions: list[str], evidence: Evidence) -> str:
    if isinstance(key, int) and not isinstance(key, bool) and 1 <= key <= len(questions):
        return questions[key - 1]
    if isinstance(key, str):
        for q in questions:
            if key.strip().casefold() in (q, evidence.codebook.questions[q].label.casefold()):
                return q
    raise ValueError(f"unknown question {key!r}: use its number, 1 to {len(questions)}")


def stance_id(value: str, evidence: Evidence) -> str:
    """A stance given by its id or its label, in any case, with spaces or underscores ("Not addressed")."""
    wanted = value.strip().casefold().replace("_", " ")
    for s in evidence.codebook.stances:
        if wanted in (s.id.replace("_", " "), s.label.casefold()):
            return s.id
    raise ValueError(f"unknown stance {value!r}: use one of " + ", ".join(s.id for s in evidence.codebook.stances))


def read_codes(codes: dict, questions: list[str], evidence: Evidence) -> dict[tuple[str, str], str]:
    """The codes given, as (question id, source id) → stance id; cells left None or blank are not coded."""
    out = {}
    for key, value in codes.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ValueError(f"a key is (source, question number), not {key!r}")
        if not isinstance(value, str):
            raise ValueError(f"a code is a stance such as 'supports', not {value!r}")
        source, question = key
        out[(_question(question, questions, evidence), _source(source, evidence))] = stance_id(value, evidence)
    return out


def compare(evidence: Evidence, codes: dict | None = None, questions: list[str] | None = None) -> Comparison:
    """Krippendorff's alpha (nominal, on every stance) between the codes given and the book's final coding, over
    the cells coded, and every cell where they differ with the book's reason. With no code given, the book's first
    coding of the exercise's questions is compared instead (a demonstration)."""
    questions = questions or exercise_questions(evidence)
    given = read_codes(codes or {}, questions, evidence)
    demonstration = not given
    if demonstration:
        first = agreement.first_coding(evidence)
        given = {(q, s): first[(q, s)] for q in questions for s in evidence.sources}
    cells = [(q, s) for q in questions for s in evidence.sources if (q, s) in given]
    pairs = [(given[c], evidence.coding[c].stance) for c in cells]
    domain = tuple(s.id for s in evidence.codebook.stances)
    alpha = agreement.between(pairs, domain, "nominal", "exercise")
    differences = tuple(Difference(q, s, given[(q, s)], evidence.coding[(q, s)].stance, evidence.coding[(q, s)].rationale)
                        for q, s in cells if given[(q, s)] != evidence.coding[(q, s)].stance)
    return Comparison(tuple(questions), demonstration, len(questions) * len(evidence.sources), alpha, differences)
