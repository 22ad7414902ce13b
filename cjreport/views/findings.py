"""Key findings of the home page, worded and put through the sensitivity analysis; computed from the coding so they cannot drift from the evidence.

A source "takes a position" on a question when it is coded supports, qualified or opposes; "reports only"
and "not addressed" are not positions. The findings say which sources hold what, in words and with counts
("two of the five sources", never "every source" for two), and never state a proposition as true. Each one
goes through the sensitivity analysis (cjreport/sensitivity.py: each source left out in turn, the second
coder's codes, the disagreed cells coded the other way) and the home page prints how firm it is beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cjreport.analysis import sensitivity as sens
from cjreport.analysis.findings import POSITIONS, Finding, agreements, splits
from cjreport.data.evidence import Evidence, load
from cjreport.views.markup import Markdown, escape, join, list_table, ref
from cjreport.views.present import carrying_words, positions_label, quote_ref, quote_target
from cjreport.wording import capital, is_plural_name, listing, number_word, possessive, share, verb

MOST, FEWEST = 8, 5  # the home page's key findings: the issue asks for five to eight

# How a sentence says each position of a source (a plural subject drops the -s through wording.verb).
# "holds that view" and "rejects it", not "agrees" and "disagrees": a 40th reading took "the CIIS fellows agree" for
# agreement with another source, not with the proposition.
SAYS = {"supports": "holds that view", "qualified": "takes a qualified position", "opposes": "rejects it"}


@dataclass(frozen=True)
class KeyFinding:
    kind: str  # agreement | split
    question: str
    held: dict[str, tuple[str, ...]]  # stance -> the sources holding it (positions only), in source order
    sentence: str  # plain text, as a person would write it
    check: sens.Finding  # what the sensitivity analysis tests
    takers: int  # sources taking a position
    total: int  # sources in all
    fails_without: tuple[str, ...]  # sources without which the finding does not hold
    under_second: bool | None  # holds under the second coder's codes
    under_not_chosen: bool | None  # holds with every disagreed cell coded as the adjudication did not choose
    under_explicit: bool | None  # holds with every implied position counted as none


def prose_name(sid: str, ev: Evidence) -> str:
    """A source as a sentence names it: "Roy", "the CIIS fellows" (a group byline takes the article)."""
    name = ev.sources[sid].short_name
    return f"the {name}" if is_plural_name(name) else name


def _prose_names(sids, ev: Evidence) -> str:
    return listing([prose_name(s, ev) for s in sids])


def _lowercase_words(ev: Evidence) -> set[str]:
    """Every word the codebook or the texts write in lower case somewhere: a proposition whose first word is among
    them starts with a small letter inside a sentence ("The deepening …" -> "the deepening …"); a name never does."""
    texts = [t for theme in ev.codebook.themes for q in theme.questions for t in (q.proposition, q.note, q.label)]
    texts += [s.body_text for s in ev.sources.values()]
    return {w.strip("'‘’") for text in texts for w in re.findall(r"[\w'’-]+", text) if w.islower()}


def typographic(text: str) -> str:
    """Straight apostrophes and single quotes as the book's prose sets them: Japan’s, ‘re-militarization’."""
    text = re.sub(r"(?<=\w)'(?=\w)", "’", text)
    text = re.sub(r"(?<![\w])'", "‘", text)
    return text.replace("'", "’")


def clause(question: str, ev: Evidence) -> str:
    """A proposition as a clause inside a sentence: no final stop, no parenthesis (the chapter and the linked
    positions give the full wording), typographic quotes, and a small first letter unless the first word is a name."""
    text = re.sub(r"\s*\([^)]*\)", "", ev.codebook.questions[question].proposition).strip().rstrip(".")
    first = text.split(" ", 1)[0].strip("'‘’")
    if first.lower() in _lowercase_words(ev):
        at = next(i for i, c in enumerate(text) if c.isalpha())
        text = text[:at] + text[at].lower() + text[at + 1:]
    return typographic(text)


def _agreement_test(question: str, stance: str):
    def test(v: sens.Variant) -> bool:
        held = [s for s in v.sources if v.coding[(question, s)] in POSITIONS]
        return len(held) >= 2 and {v.coding[(question, s)] for s in held} == {stance}
    return test


def _split_test(question: str):
    def test(v: sens.Variant) -> bool:
        return {"supports", "opposes"} <= {v.coding[(question, s)] for s in v.sources}
    return test


def _agreement_sentence(f: Finding, ev: Evidence) -> str:
    (stance, held), = f.stances.items()
    n, total = len(held), len(ev.sources)
    together = "both" if n == 2 else "all"
    says = {"supports": "hold that", "qualified": "take a qualified position on whether", "opposes": "reject the view that"}[stance]
    others = total - n
    rest = ("" if not others else
            f"; {'the other source takes' if others == 1 else f'the other {number_word(others)} take'} no position")
    gloss = _qualified_gloss(f.question, ev) if stance == "qualified" else ""
    return capital(f"{share(n, total, 'source')}, {_prose_names(held, ev)}, {together} {says} {clause(f.question, ev)}{gloss}{rest}.")


def _qualified_gloss(question: str, ev: Evidence) -> str:
    """What "qualified" means for this question (the codebook's qualified_reads, a participial phrase), after a
    comma: the one stance that covers several kinds of reservation is never rendered as plain partial agreement.
    The phrase is the codebook's definition for the question, which names every kind of reservation it counts;
    the sentence says so, so that a reader does not take each alternative for a description of the source (an
    eighteenth reading did). The source's own words follow in the finding's evidence."""
    reads = ev.codebook.questions[question].qualified_reads
    return f" (in the codebook’s terms, {reads})" if reads else ""


def _says(stance: str, held: tuple[str, ...], ev: Evidence) -> str:
    """How a sentence says a position of the sources holding it, its verb agreeing with them: "agrees", "take a
    qualified position". A group byline alone ("the CIIS fellows") still takes a plural verb."""
    first, _, rest = SAYS[stance].partition(" ")
    n = 2 if len(held) > 1 or is_plural_name(ev.sources[held[0]].short_name) else 1
    return " ".join(filter(None, [verb(n, first), rest]))


def _split_sentence(f: Finding, ev: Evidence) -> str:
    n, total = sum(len(h) for h in f.stances.values()), len(ev.sources)
    def says(stance: str, held: tuple[str, ...]) -> str:
        gloss = _qualified_gloss(f.question, ev) if stance == "qualified" else ""
        return f"{_prose_names(held, ev)} {_says(stance, held, ev)}{gloss}"

    parts = [says(stance, held) for stance, held in f.stances.items()]
    # commas and "and" between the sides, unless a side names two sources ("Roy and Tanaka agree"): then semicolons,
    # so that "and" never joins two sides
    sides = "; ".join(parts) if any(len(held) > 1 for held in f.stances.values()) else listing(parts)
    # "divide on whether", not "take a position on whether …, and they divide": a 35th reading found the findings
    # read as tallies; the count stays (issue 19: "three of the five sources", never "the sources")
    return capital(f"{share(n, total, 'source')} divide on whether {clause(f.question, ev)}: {sides}.")


def key_finding_list(evidence: Evidence | None = None, most: int = MOST) -> list[KeyFinding]:
    """The home page's findings: every question on which the sources that take a position agree, then the
    sharpest splits, up to `most` in all; each tested by the sensitivity analysis, and shown the firmest first."""
    ev = evidence or load()
    chosen = [("agreement", f) for f in agreements(ev)] + [("split", f) for f in splits(ev, top=len(ev.codebook.questions))]
    chosen = chosen[:most]
    checks = []
    for kind, f in chosen:
        if kind == "agreement":
            (stance, _), = f.stances.items()
            checks.append(sens.Finding(f"key-{f.question}", _agreement_sentence(f, ev), _agreement_test(f.question, stance)))
        else:
            checks.append(sens.Finding(f"key-{f.question}", _split_sentence(f, ev), _split_test(f.question)))
    variants, results = sens.run(ev, checks)
    out = []
    for (kind, f), (check, held) in zip(chosen, results):
        by_kind = {v.kind: r for v, r in zip(variants, held)}
        out.append(KeyFinding(
            kind, f.question, f.stances, check.text, check, sum(len(h) for h in f.stances.values()), len(ev.sources),
            tuple(v.left_out for v, r in zip(variants, held) if v.kind == "without" and r is False),
            by_kind.get("second"), by_kind.get("not-chosen"), by_kind.get("explicit")))
    # the findings on what the texts state first, then those resting in part on positions the coders infer (a
    # 28th reading: the headline verbs "agree" and "hold" read as the sources' own words); within each, the firmest
    # first: the largest share of its tests survived (three of six before two of five), then the most sources
    # taking a position; a reader who stops early has read the findings that hold most often
    def firmness(k: KeyFinding) -> tuple[bool, float, int]:
        passed, tests = tests_passed(k)
        return (rests_on_inference(k), -passed / tests if tests else 0.0, -k.takers)
    return sorted(out, key=firmness)


NOT_CHOSEN = "with the codes the adjudication did not choose"
SECOND = "under the second coder’s codes"
EXPLICIT = "with implied positions set aside"


def rests_on_inference(k: KeyFinding) -> bool:
    """Whether a finding stands only with the positions the coders infer: it fails with implied positions set
    aside. The home page lists these after the others, under a lead of their own (INFERRED_LEAD)."""
    return k.under_explicit is False


STATED_LEAD = "**On positions the coders find stated in the texts.**"
INFERRED_LEAD = ("**Resting in part on what the coders infer.** These findings fail when the positions the coders "
                 "infer, rather than find stated (marked *implied*), are set aside: read them as the coding’s "
                 "reading of the texts, not as what the sources say in so many words.")


def recodings(k: KeyFinding) -> list[tuple[bool | None, str]]:
    """The variants that recode cells rather than leave a source out, each with whether the finding holds in it
    and how a sentence names it: the one list the table of the tests and the order read."""
    return [(k.under_second, SECOND), (k.under_not_chosen, NOT_CHOSEN), (k.under_explicit, EXPLICIT)]


def held_in(k: KeyFinding) -> list[bool | None]:
    """Whether the finding holds in each variant that can fail it: without each source it needs, then each
    recoding (recodings)."""
    return [False] * len(k.fails_without) + [result for result, _ in recodings(k)]


def tests_passed(k: KeyFinding) -> tuple[int, int]:
    """How many of the variants that can test a finding it holds in, and how many there are: leaving out each
    source that takes a position, then each recoding that can test it (a recoding that leaves the finding
    untestable, None, is not counted)."""
    results = [r for r in held_in(k) if r is not None] + [True] * (k.takers - len(k.fails_without))
    return sum(results), len(results)


def without(sid: str, k: KeyFinding, ev: Evidence) -> str:
    """A test that leaves out a source, as the appendix's table of the key findings names it when the finding fails
    it. A split needs a source on each side, so it fails
    without a source that is alone on its side; the table says so ("without Roy, the only one that disagrees"), so
    that a reader sees why, rather than taking the failure for a weakness."""
    name = prose_name(sid, ev)
    if k.kind != "split":
        return f"without {name}"
    stance = next(stance for stance, held in k.held.items() if sid in held)
    plural = is_plural_name(ev.sources[sid].short_name)
    return f"without {name}, the only {'ones' if plural else 'one'} that {_says(stance, (sid,), ev)}"


FIRM = "Firm: it holds in every test."
SINGLE_EACH = "a single text on each side"
SINGLE_ONE = "a single text on one side"
INFERRED = "positions the coders infer"
DISPUTED = "a code the two coders disagreed on"


def grade(k: KeyFinding, ev: Evidence) -> str:
    """How firm a key finding is, in the home page's plain words: what it rests on, then how many of its tests it
    survives ("Rests on a single text on each side; it holds in three of five tests."). A 44th reading found the
    full account of the tests it fails ("It fails without …, and also with implied positions set aside") lost a
    reader who is not a methodologist; the synthesis's table of the tests (`key_findings_table`) keeps that account,
    and tests/book/test_key_findings.py recomputes both from the data."""
    passed, tests = tests_passed(k)
    if passed == tests:
        return FIRM
    rests = []
    if k.fails_without:
        if k.kind == "split":
            # a split fails without a source only where that source is alone on its side
            alone = [held for held in k.held.values() if len(held) == 1 and held[0] in k.fails_without]
            rests.append(SINGLE_EACH if len(alone) == len(k.held) else SINGLE_ONE if len(alone) == 1
                         else f"a single text on each of {number_word(len(alone))} sides")
        elif len(k.fails_without) == k.takers:
            rests.append("both of its texts" if k.takers == 2 else f"each of its {number_word(k.takers)} texts")
        else:
            rests.append(listing([prose_name(s, ev) for s in k.fails_without]))
    if k.under_explicit is False:
        rests.append(INFERRED)
    if k.under_second is False or k.under_not_chosen is False:
        rests.append(DISPUTED)
    return (f"Rests {listing([f'on {part}' for part in rests])}; it holds in {number_word(passed)} of "
            f"{number_word(tests)} tests.")


def implied(k: KeyFinding, ev: Evidence) -> str:
    """Which positions in a finding are implied rather than stated: the stance scale's rule has the rationale say
    "implied" when a code rests on evaluative language without the proposition's terms, so a reader weighing
    the finding sees which positions are the coders' inference."""
    sids = [sid for held in k.held.values() for sid in held if sens.is_implied(ev.coding[(k.question, sid)].rationale)]
    if not sids:
        return ""
    whose = listing([possessive(_prose_names((sid,), ev)) for sid in sids])
    # the lead above the findings says once what "implied" means (a 40th reading found each finding saying it)
    return f"{capital(whose)} {'position is' if len(sids) == 1 else 'positions are'} implied."


def submitted(k: KeyFinding, ev: Evidence) -> str:
    """A finding that a user-submitted text helps to carry says so in its sentence (sources.yaml `user_submitted`):
    a 40th reading found Tanaka, a submission whose byline cannot be checked, counted on Roy's side of two findings
    without a word of it there."""
    sids = [sid for held in k.held.values() for sid in held if ev.sources[sid].user_submitted]
    if not sids:
        return ""
    names = listing([possessive(_prose_names((sid,), ev)) for sid in sids])
    return (f"{capital(names)} {'text is' if len(sids) == 1 else 'texts are'} a user submission whose byline "
            "cannot be checked.")


def position_words(question: str, sid: str, ev: Evidence) -> str | None:
    """The words of a cell's first quotation that carry its position (present.carrying_words)."""
    return carrying_words(question, sid, ev.coding[(question, sid)].quotations[0], ev)


def _evidence_link(question: str, sid: str, i: int, shown: dict[str, int], ev: Evidence) -> str:
    """A position's evidence under a finding: its speaker and the words that carry it, linking to them in full
    (no reference number: the words are the reference, and the link opens them). Words already given under an
    earlier finding are named by that finding instead (a 40th reading counted Roy's “a series of aggressive
    moves by Beijing” three times in the findings, seven in the report)."""
    qid = ev.coding[(question, sid)].quotations[0]
    if qid in shown:
        return ref(f"{ev.sources[sid].short_name}, as under finding {shown[qid] + 1}", quote_target(qid, ev))
    shown[qid] = i
    return quote_ref(qid, ev, words=position_words(question, sid, ev), numbered=False)


def key_findings(evidence: Evidence | None = None, most: int = MOST) -> Markdown:
    """The home page's key findings as MyST: each sentence, its strength beside it, and its evidence by speaker
    and the words that carry it, each a link to the words in full (one click)."""
    ev = evidence or load()
    found = key_finding_list(ev, most)
    if not found:
        return Markdown("On no question do two or more sources take a position of their own.\n")
    parts, shown = [], {}
    for i, k in enumerate(found):
        if i == 0 and not rests_on_inference(k):
            parts.append(Markdown(STATED_LEAD + "\n"))
        if rests_on_inference(k) and (i == 0 or not rests_on_inference(found[i - 1])):
            parts.append(Markdown(INFERRED_LEAD + "\n"))
        evidence_links = "; ".join(_evidence_link(k.question, sid, i, shown, ev)
                                   for stance, held in k.held.items() for sid in held)
        parts.append(Markdown(
            f"```{{container}} cj-key-finding\n:name: finding-{k.question}\n\n"
            # which positions are the coders' inference stands beside the sentence that counts them, not in the
            # strength line below it (a twentieth reading took the headline for a split stated in so many words)
            # a number and the question's short label open each finding, so a reader can scan and cite them (a
            # 33rd-session reader found the findings running together on the page)
            # the label links to every position on the question (a 40th reading found the trailing link "every
            # position on this question", six times, dangling)
            f"**{i + 1}. {ref(ev.codebook.questions[k.question].label, positions_label(k.question))}.** "
            f"{escape(' '.join(filter(None, [k.sentence, implied(k, ev), submitted(k, ev)])))}\n\n"
            f"{{.cj-strength}}\n**How firm:** {escape(grade(k, ev))}\n\n"
            f"{{.cj-finding-evidence}}\n*In their words:* {evidence_links}.\n```"))
    return join(parts)


def key_findings_table(evidence: Evidence | None = None, most: int = MOST) -> Markdown:
    """The home page's key findings put through the same variants as the synthesis's own findings, one row each,
    so that every strength the home page states can be checked against a table."""

    ev = evidence or load()
    rows = []
    for k in key_finding_list(ev, most):
        fails = [without(s, k, ev) for s in k.fails_without]
        for result, condition in recodings(k):
            if result is False:
                fails.append(condition)
        rows.append([escape(ev.codebook.questions[k.question].label), escape(capital(share(k.takers, k.total, "source"))),
                     "**" + escape(capital("; ".join(fails))) + "**" if fails else "none: it holds in every variant"])
    return list_table(["Key finding (question)", "Sources taking a position", "Does not hold"], rows,
                      caption="The introduction’s key findings in the same variants: each source left out in turn, "
                              "the second coder’s codes, the codes the adjudication did not choose, and implied "
                              "positions set aside",
                      name="table-key-findings-sensitivity", widths=[40, 25, 35], classes="cj-sensitivity cj-cards")
