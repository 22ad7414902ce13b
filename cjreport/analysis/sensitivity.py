"""The summary findings of the synthesis and the conclusion, as computed statements, and how robust they are.

Each finding is a test on a coding (cell → stance) over a set of sources. The chapters state the findings
as they hold on the book's coding; `sensitivity` reruns every test with each source left out in turn and
with the disagreed cells coded the other way, so the synthesis can show which findings depend on what.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from cjreport.analysis.agreement import decisions, second_codes
from cjreport.data.evidence import Evidence
from cjreport.wording import listing as names, number_word, possessive, verb

Cell = tuple[str, str]
Coding = dict[Cell, str]
OWN = ("supports", "qualified", "opposes")  # a position of the source's own; reports and not_addressed are not
# The stance scale's rule has a rationale say "implied" when the code rests on the author's words without the
# proposition's own terms: the one mark of a position that is the coders' inference.
IMPLIED = re.compile(r"\bimplied\b", re.IGNORECASE)


def is_implied(rationale: str) -> bool:
    return bool(IMPLIED.search(rationale))

# The conclusion's reading of the sources names three of them; the findings below test that reading.
ROY, ZHANG, CIIS, KURBANOV = "000", "001", "002", "004"
MOTIVE = ("alliance-containment", "buildup-china-driven")  # the two questions on why the allies act


@dataclass(frozen=True)
class Variant:
    label: str  # lower case, as it reads inside a sentence
    sources: tuple[str, ...]
    coding: Coding
    kind: str = "book"  # book | without (one source left out) | not-chosen | second | explicit
    left_out: str | None = None  # the source a "without" variant leaves out


@dataclass(frozen=True)
class Finding:
    id: str
    text: str  # plain text, as the chapters state it
    test: Callable[[Variant], bool | None]  # None: the finding names a source this variant leaves out


def split_questions(evidence: Evidence, v: Variant) -> list[str]:
    """Questions on which the sources that take a position of their own do not all take the same one."""
    return [q for q in evidence.codebook.questions
            if len({v.coding[(q, s)] for s in v.sources} & set(OWN)) > 1]


def few_position_questions(evidence: Evidence, v: Variant) -> list[str]:
    """Questions not split on which at most one source takes a position of its own (split_questions' complement
    splits into these and those on which two or more sources agree)."""
    split = set(split_questions(evidence, v))
    return [q for q in evidence.codebook.questions
            if q not in split and sum(v.coding[(q, s)] in OWN for s in v.sources) <= 1]


def silences(v: Variant) -> Counter[str]:
    return Counter({s: sum(1 for (q, src), st in v.coding.items() if src == s and st == "not_addressed") for s in v.sources})


def most_silent(v: Variant) -> tuple[list[str], int]:
    """The sources that leave the most questions unaddressed (all of them when tied) and how many that is."""
    counts = silences(v)
    top = max(counts.values())
    return [s for s in v.sources if counts[s] == top], top


def tally(v: Variant) -> Counter[str]:
    return Counter(st for (q, s), st in v.coding.items() if s in v.sources)


def _mostly_opposite(v: Variant, a: str, b: str, questions: list[str]) -> bool:
    """Whether a and b take opposite positions (one supports, one opposes) on most questions both take one on."""
    both = [q for q in questions if v.coding[(q, a)] in OWN and v.coding[(q, b)] in OWN]
    opposite = [q for q in both if {v.coding[(q, a)], v.coding[(q, b)]} == {"supports", "opposes"}]
    return len(both) > 0 and len(opposite) > len(both) / 2


def _motive_pattern(v: Variant) -> tuple[str, ...]:
    """On each question of motive, whose position Kurbanov takes: the CIIS fellows' ("ciis"), Roy's ("roy"), one
    of his own ("own"), or none ("none": reports or not addressed, which the sentence must not call a position)."""
    def side(q: str) -> str:
        k, c, r = v.coding[(q, KURBANOV)], v.coding[(q, CIIS)], v.coding[(q, ROY)]
        if k not in OWN:
            return "none"
        return "ciis" if k == c != r else "roy" if k == r != c else "own"
    return tuple(side(q) for q in MOTIVE)


def _motive_sentence(pattern: tuple[str, ...], short: dict[str, str], evidence: Evidence) -> str:
    label = {q: evidence.codebook.questions[q].label for q in MOTIVE}
    whose = {"ciis": f"the {possessive(short[CIIS])} position", "roy": f"{possessive(short[ROY])} position",
             "own": "a position of his own", "none": "no position of his own"}
    if len(set(pattern)) == 1:
        return f"On the two questions of motive, {short[KURBANOV]} takes {whose[pattern[0]]}."
    parts = [f"{whose[side]} on one ({label[q]})" for q, side in zip(MOTIVE, pattern)]
    return f"On the two questions of motive, {short[KURBANOV]} takes {parts[0]} and {parts[1].replace(' on one ', ' on the other ')}."


def variants(evidence: Evidence) -> list[Variant]:
    """The book's coding; then each source left out; then the disagreed cells coded the other way; then the second
    coder's codes; then the implied positions set aside."""
    final: Coding = {cell: code.stance for cell, code in evidence.coding.items()}
    sources = tuple(evidence.sources)
    out = [Variant("all sources", sources, final)]
    for sid in sources:
        out.append(Variant(f"without {evidence.sources[sid].short_name}", tuple(s for s in sources if s != sid), final,
                           "without", sid))
    adjudication = decisions(evidence)
    other = dict(final)
    for a in adjudication:
        other[(a.question, a.source)] = a.second if a.final == a.first else a.first
    out.append(Variant("disagreed cells take the code not chosen", sources, other, "not-chosen"))
    second = second_codes(evidence)
    out.append(Variant("second coder’s codes", sources, {**final, **{c: st for c, st in second.items() if c in final}},
                       "second"))
    # a reader who accepts only positions stated in so many words: every implied position counts as none
    explicit = {cell: "not_addressed" if st in OWN and is_implied(evidence.coding[cell].rationale) else st
                for cell, st in final.items()}
    out.append(Variant("implied positions set aside", sources, explicit, "explicit"))
    return out


def findings(evidence: Evidence) -> list[Finding]:
    """The findings, worded from the book's coding; each test asks whether the same statement holds in a variant."""
    book = variants(evidence)[0]
    short = {sid: s.short_name for sid, s in evidence.sources.items()}
    questions = list(evidence.codebook.questions)
    silent, _ = most_silent(book)
    out = [
        Finding("split", "On most questions, the sources that take a position of their own do not all take the same one.",
                lambda v: len(split_questions(evidence, v)) > len(questions) / 2),
        Finding("silent-each", "Every source leaves at least one question unaddressed.",
                lambda v: min(silences(v).values()) > 0),
        Finding("most-silent", f"{names([short[s] for s in silent])} {verb(len(silent), 'leaves')} "
                "the most questions unaddressed.",
                lambda v: None if not set(silent) <= set(v.sources) else most_silent(v)[0] == silent),
        Finding("supports-over-opposes", "More cells support a proposition than oppose one.",
                lambda v: tally(v)["supports"] > tally(v)["opposes"]),
        Finding("not-addressed-commonest", "“Not addressed” is the commonest code.",
                lambda v: tally(v).most_common(1)[0][0] == "not_addressed"
                and list(tally(v).values()).count(tally(v)["not_addressed"]) == 1),
    ]
    if {ROY, CIIS} <= set(evidence.sources):
        out.append(Finding(
            "roy-ciis", f"{short[ROY]} and the {short[CIIS]} take opposite positions on most of the questions on which both take one.",
            lambda v: None if not {ROY, CIIS} <= set(v.sources) else _mostly_opposite(v, ROY, CIIS, questions)))
    if {ROY, CIIS, KURBANOV} <= set(evidence.sources):
        # worded from the book's codes (which side Kurbanov takes on each question of motive), and tested as the
        # same pattern in every variant: a finding never states what the book's own coding does not show
        pattern = _motive_pattern(book)
        out.append(Finding(
            "kurbanov-motive", _motive_sentence(pattern, short, evidence),
            lambda v: None if not {ROY, CIIS, KURBANOV} <= set(v.sources) else _motive_pattern(v) == pattern))
    if ZHANG in evidence.sources:
        out.append(Finding(
            "zhang-deterrence", f"{short[ZHANG]} opposes the view that deterrence brings security, and takes no position "
            "of his own on the two questions of motive.",
            lambda v: None if ZHANG not in v.sources else
            v.coding[("buildup-deterrence", ZHANG)] == "opposes" and all(v.coding[(q, ZHANG)] not in OWN for q in MOTIVE)))
    return out


def run(evidence: Evidence, items: list[Finding]) -> tuple[list[Variant], list[tuple[Finding, list[bool | None]]]]:
    """Test each finding in every variant: the one machinery for the synthesis's findings and the home page's
    key findings (cjreport/findings.py)."""
    vs = variants(evidence)
    return vs, [(f, [f.test(v) for v in vs]) for f in items]


def sensitivity(evidence: Evidence) -> tuple[list[Variant], list[tuple[Finding, list[bool | None]]]]:
    return run(evidence, findings(evidence))


def robust(evidence: Evidence, rows: list[tuple[Finding, list[bool | None]]] | None = None) -> tuple[int, int]:
    """(findings that hold in every variant that can test them, findings); `rows` if already computed."""
    rows = sensitivity(evidence)[1] if rows is None else rows
    return sum(all(r is not False for r in results) for _, results in rows), len(rows)


@dataclass(frozen=True)
class ProseSummary:
    """Numbers and names the synthesis and conclusion write in prose ({eval}`summary.split`), so they follow
    the data. Words, not numbers, where a sentence wants words."""

    split: str  # questions on which sources that take a position of their own take different ones
    opposed: str  # of those, the questions on which one source supports what another opposes
    questions: str  # contested questions in all
    silent_each: str  # "every source is silent on some", or who addresses every question
    most_silent: str  # the source (or sources, tied) leaving the most questions unaddressed
    most_silent_verb: str  # "leaves" or "leave"
    most_silent_count: str  # "five", or "five each" for a tie
    findings: str  # findings tested for robustness
    robust: str  # findings that hold in every variant
    split_holds: str  # "three of eight tests": the variants (beyond the book's coding) in which `split` holds
    split_robust: str  # "is among them" or "is not among them": whether `split` is one of the `robust` findings
    few_positions: str  # of the questions not split, those on which at most one source takes a position of its own
    agreed: str  # of the questions not split, those on which two or more sources take the same position


def summary(evidence: Evidence) -> ProseSummary:
    """The synthesis and conclusion's numbers and names (ProseSummary), computed from the book's coding."""
    book = variants(evidence)[0]
    silent, top = most_silent(book)
    split = split_questions(evidence, book)
    few = few_position_questions(evidence, book)
    _, rows = sensitivity(evidence)  # once: the robust count and the split's own results both read it
    held, total = robust(evidence, rows)
    # the conclusion opens on the split count, so it says how firm that is: the variants that can test it, the
    # book's own coding aside (the first variant, in which it is stated)
    split_results = [r for r in dict((f.id, r) for f, r in rows)["split"][1:] if r is not None]
    short = [evidence.sources[s].short_name for s in silent]
    unsilent = [evidence.sources[s].short_name for s, n in silences(book).items() if n == 0]
    return ProseSummary(
        # digits for the pair, since one of them is above twelve and a sentence should not mix the two forms
        split=str(len(split)),
        opposed=number_word(sum({book.coding[(q, s)] for s in book.sources} >= {"supports", "opposes"} for q in split)),
        questions=str(len(evidence.codebook.questions)),
        silent_each=("every source is silent on some" if not unsilent else
                     f"{names(unsilent)} {verb(len(unsilent), 'addresses')} every question"),
        most_silent=names(short),
        most_silent_verb=verb(len(short), "leaves"),
        most_silent_count=number_word(top) + (" each" if len(short) > 1 else ""),
        findings=number_word(total),
        robust=number_word(held),
        split_holds=f"{number_word(sum(split_results))} of {number_word(len(split_results))} tests",
        split_robust="is among them" if all(split_results) else "is not among them",
        few_positions=number_word(len(few)),
        agreed=number_word(len(evidence.codebook.questions) - len(split) - len(few)),
    )
