"""Numbers and comparisons in the chapters' prose come from the data.

Every {eval} role in a chapter's prose is matched, in order, with the text the built HTML shows in its
place, and that text is compared with a value this test recomputes from the files in data/ by its own
route (csv and yaml, and the krippendorff library directly), not through the package's functions. A name
in the prose that this test does not know fails too, so a new number cannot escape the check.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import jupytext
import krippendorff
import numpy as np
import pytest
import yaml
from bs4 import BeautifulSoup

from cjreport.analysis import agreement as ag
from cjreport import load
from cjreport.analysis import sensitivity as se

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()
EVAL = re.compile(r"\{eval\}`([A-Za-z0-9_.]+)`")


def word(n: int) -> str:
    return WORDS[n] if n < len(WORDS) else str(n)


def _csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _yaml(name: str):
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _bootstrap(codes: list[tuple[int, int]], values: int, level: str) -> str:
    """The percentile interval the methods chapter states: resample cells with the book's seed and count."""
    rng = np.random.default_rng(ag.SEED)
    draws = []
    for _ in range(ag.RESAMPLES):
        sample = [codes[i] for i in rng.integers(0, len(codes), len(codes))]
        if len({v for pair in sample for v in pair}) < 2:
            continue  # a single code: alpha undefined
        data = [[a for a, _ in sample], [b for _, b in sample]]
        draws.append(krippendorff.alpha(reliability_data=data, level_of_measurement=level, value_domain=range(values)))
    low, high = np.percentile(draws, [2.5, 97.5])
    return f"{low:.2f} to {high:.2f}".replace("-", "\u2212")


def _lone(final: dict, questions: list[str], ids: list[str]) -> list[str]:
    """The source of each position held alone: one source supports where two or more oppose, or the reverse."""
    out = []
    for q in questions:
        sides = {st: [s for s in ids if final[(q, s)] == st] for st in ("supports", "opposes")}
        small, large = sorted(sides.values(), key=len)
        if len(small) == 1 and len(large) >= 2:
            out.append(small[0])
    return out


def _dated(source: dict) -> str:
    """A source's date in words, "30 September 2022" or "October 2024 (date inferred)", from sources.yaml."""
    parts = [int(p) for p in str(source["date"]).split("-")]
    month = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
    text = {1: lambda: str(parts[0]), 2: lambda: f"{month[parts[1] - 1]} {parts[0]}",
            3: lambda: f"{parts[2]} {month[parts[1] - 1]} {parts[0]}"}[len(parts)]()
    if source["date_status"] == "inferred":
        text += f" ({source.get('inferred') or 'date'} inferred)"
    return text


def expected() -> dict[str, str]:
    """Every value the prose shows, recomputed from data/."""
    sources = _yaml("sources.yaml")
    short = {str(s["id"]): s["short_name"] for s in sources}
    dates = {str(s["id"]): str(s["date"]) for s in sources}
    ids = sorted(short, key=lambda sid: (dates[sid], sid))  # the book's order: of publication, then of id
    codebook = _yaml("codebook.yaml")
    themes = {t["id"]: [q["id"] for q in t["questions"]] for t in codebook["themes"]}
    questions = [q for qs in themes.values() for q in qs]
    quotes = _yaml("quotations.yaml")
    final = {(r["question"], r["source"]): r["stance"] for r in _csv("coding.csv")}
    second = {(r["question"], r["source"]): r["stance"] for r in _csv("coding-second.csv")}
    adjudication = _csv("adjudication.csv")
    first = {(r["question"], r["source"]): r["stance"] for r in _csv("coding-first.csv")}
    cells = [c for c in final if c in second]
    texts = {str(s["id"]): (DATA / "texts" / s["file"]).read_text(encoding="utf-8") for s in sources}
    body = {str(s["id"]): "".join(texts[str(s["id"])][p["start"]:p["end"]] for p in s["parts"] if p["kind"] == "body")
            for s in sources}
    own = {"supports", "qualified", "opposes"}
    tally = Counter(final.values())
    silent = Counter({s: sum(final[(q, s)] == "not_addressed" for q in questions) for s in ids})
    top = max(silent.values())
    most = [short[s] for s in ids if silent[s] == top]
    split = sum(len({final[(q, s)] for s in ids} & own) > 1 for q in questions)
    few_positions = sum(len({final[(q, s)] for s in ids} & own) <= 1 and sum(final[(q, s)] in own for s in ids) <= 1
                        for q in questions)
    # the split statement (most questions split) in each test: each source left out, the codes the adjudication
    # did not choose, the second coder's codes, implied positions set aside
    not_chosen = {**final, **{(r["question"], r["source"]): r["second"] if r["final"] == r["first"] else r["first"]
                              for r in adjudication}}
    second_all = {**final, **{c: st for c, st in second.items() if c in final}}
    rationale = {(r["question"], r["source"]): r["rationale"] for r in _csv("coding.csv")}
    explicit = {c: "not_addressed" if st in own and re.search(r"\bimplied\b", rationale[c], re.I) else st
                for c, st in final.items()}
    splits = lambda coding, kept: sum(len({coding[(q, s)] for s in kept} & own) > 1 for q in questions) > len(questions) / 2
    split_tests = [splits(final, [x for x in ids if x != s]) for s in ids]
    split_tests += [splits(coding, ids) for coding in (not_chosen, second_all, explicit)]
    opposed = sum({final[(q, s)] for s in ids} >= {"supports", "opposes"} for q in questions)
    # the recodings that answered independent readings: the changelog's rule changes and added questions so marked
    rounds = [e for e in _yaml("codebook-changelog.yaml") if e["change"] in ("rule", "add") and e.get("after_reading")]
    recode_date = max(e["date"] for e in rounds)
    recode_first_date = min(e["date"] for e in rounds)
    recode_qs = {q for e in rounds for q in e["questions"]}
    recode_cells = [c for c in cells if c[0] in recode_qs]
    recode_adj = [r for r in adjudication if r["question"] in recode_qs]

    scale = [s["id"] for s in codebook["stances"]]
    nominal = krippendorff.alpha(reliability_data=[[scale.index(first[c]) for c in cells], [scale.index(second[c]) for c in cells]],
                                 level_of_measurement="nominal", value_domain=range(len(scale)))
    order = ["opposes", "qualified", "supports"]
    ordered = [c for c in cells if first[c] in order and second[c] in order]
    ordinal = krippendorff.alpha(reliability_data=[[order.index(first[c]) for c in ordered], [order.index(second[c]) for c in ordered]],
                                 level_of_measurement="ordinal", value_domain=range(3))
    evidence = load()
    nominal_ci = _bootstrap([(scale.index(first[c]), scale.index(second[c])) for c in cells], len(scale), "nominal")
    ordinal_ci = _bootstrap([(order.index(first[c]), order.index(second[c])) for c in ordered], 3, "ordinal")
    # The findings' robustness is the package's computation (sensitivity.py); its parts are tested below.
    held, total = se.robust(evidence)

    segments = _yaml("segments.yaml") if (DATA / "segments.yaml").exists() else None
    buildup_silent = ([short[s] for s in ids if all(final[(q, s)] == "not_addressed" for q in themes["buildup"])]
                      if segments is None else
                      [short[s] for s in ids if not any(g["source"] == s and "buildup" in (g["themes"] or []) for g in segments)])
    align = Counter(q["source"] for q in quotes if q["theme"] == "alignments")
    align_top = [short[s] for s in ids if align[s] == max(align.values())]
    comments = [q for q in quotes if q["voice"] == "commenter"]
    taiwan = [s for s in ids if "Taiwan" in body[s]]
    years = sorted(str(s["date"])[:4] for s in sources)
    rule = re.compile(r"\b(note|rule)\b", re.IGNORECASE)
    by_theme = {t: [c for c in cells if c[0] in qs] for t, qs in themes.items()}
    intervals = {}
    for t, tcells in by_theme.items():
        pairs_t = [(scale.index(first[c]), scale.index(second[c])) for c in tcells]
        if len({v for pair in pairs_t for v in pair}) > 1:
            low, high = (float(x.replace("\u2212", "-")) for x in _bootstrap(pairs_t, len(scale), "nominal").split(" to "))
            intervals[t] = (low, high)
    widest = max(intervals, key=lambda t: intervals[t][1] - intervals[t][0])
    short_theme = {t["id"]: t["short"] for t in codebook["themes"]}
    positioned = [c for c in cells if not (first[c] == second[c] == "not_addressed")]
    values = {
        # intro
        "n_quotes": len(quotes), "n_sources": len(ids), "n_questions": len(questions), "n_themes": len(themes),
        "n_cells": len(final), "sources_in_words": word(len(ids)),
        "n_stances": word(len(scale)), "stance_words": ", ".join(st["label"].lower() for st in codebook["stances"]),
        "n_coded_twice": len(cells), "n_agreed": sum(first[c] == second[c] for c in cells), "n_alpha": f"{nominal:.2f}",
        "n_disagreed": len(adjudication), "n_kept_second": sum(r["final"] == r["second"] for r in adjudication),
        "n_recode_cells": len(recode_cells), "n_recode_date": recode_date, "n_recode_first_date": recode_first_date, "n_recode_questions": word(len(recode_qs)),
        "n_recode_disagreed": word(sum(first[c] != second[c] for c in recode_cells)),
        "n_both_silent": len(cells) - len(positioned),
        # sources
        "n_texts": word(len(ids)).capitalize(), "first_year": years[0], "last_year": years[-1],
        "n_sources_word": word(len(ids)),
        # methods
        "m_quotes": len(quotes), "m_questions": len(questions), "m_sources": len(ids), "m_cells": len(cells),
        "m_agreed": sum(first[c] == second[c] for c in cells), "m_disagreed": len(adjudication),
        "m_alpha": f"{nominal:.2f}", "m_alpha_ci": nominal_ci, "m_ord_cells": len(ordered),
        "m_ord_alpha": f"{ordinal:.2f}", "m_ord_ci": ordinal_ci, "m_resamples": 2000, "m_stances": word(len(scale)),
        "m_kept_first": sum(r["final"] == r["first"] for r in adjudication),
        "m_kept_second": sum(r["final"] == r["second"] for r in adjudication),
        "m_direction.total": len(adjudication), "m_direction.citing_rules": sum(bool(rule.search(r["reason"])) for r in adjudication),
        "m_size.cells": len(cells), "m_size.both_not_addressed": len(cells) - len(positioned),
        "m_size.positioned": len(positioned), "m_size.positioned_agreed": sum(first[c] == second[c] for c in positioned),
        "m_size.theme_min": min(len(v) for v in by_theme.values()), "m_size.theme_max": max(len(v) for v in by_theme.values()),
        "m_size.widest_theme": short_theme[widest],
        "m_widest": f"{intervals[widest][0]:.2f} to {intervals[widest][1]:.2f}".replace("-", "\u2212"),
        "m_recode.date": recode_date, "m_recode.first_date": recode_first_date, "m_recode_cells": len(recode_cells), "m_recode_questions": word(len(recode_qs)),
        "m_recode_agreed": sum(first[c] == second[c] for c in recode_cells),
        "m_recode_disagreed": word(sum(first[c] != second[c] for c in recode_cells)),
        "m_recode_first": word(sum(r["final"] == r["first"] for r in recode_adj)),
        "m_recode_second": word(sum(r["final"] == r["second"] for r in recode_adj)),
        # synthesis
        **{f"tally.{s}": tally[s] for s in scale}, "summary.findings": word(total), "summary.robust": word(held),
        # conclusion
        "summary.split": split, "summary.opposed": word(opposed), "summary.questions": len(questions),
        "summary.split_holds": f"{word(sum(split_tests))} of {word(len(split_tests))} tests",
        "summary.split_robust": "is among them" if all(split_tests) else "is not among them",
        "summary.few_positions": word(few_positions), "summary.agreed": word(len(questions) - split - few_positions), "summary.most_silent": _join(most),
        "summary.most_silent_verb": "leaves" if len(most) == 1 else "leave",
        "summary.most_silent_count": word(top) + (" each" if len(most) > 1 else ""),
        "summary.silent_each": "every source is silent on some" if min(silent.values()) > 0 else None,
        # theme chapters
        "b_all_but": f"All the sources but {_join(buildup_silent)}, who {'does' if len(buildup_silent) == 1 else 'do'} not discuss it,"
        if buildup_silent else "All the sources",
        "a_questions": word(len(themes["alliance"])).capitalize(),
        "al_most_detail": f"{_join(align_top)} {'gives' if len(align_top) == 1 else 'give'} most detail",
        "al_comments": (f"The one reader comment in the corpus, below {short[comments[0]['source']]}’s article, is among these; "
                        f"it is not {short[comments[0]['source']]}’s view.") if len(comments) == 1 else None,
        "f_texts": word(len(ids)).capitalize(), "f_others": word(len(ids) - 1),
        "t_taiwan": "every source" if len(taiwan) == len(ids) else f"{word(len(taiwan))} of the {word(len(ids))} sources",
        # the comparison in brief: the corpus's first and last dates, marked when inferred
        "first_date": _dated(min(sources, key=lambda s: str(s["date"]))),
        "last_date": _dated(max(sources, key=lambda s: str(s["date"]))),
    }
    return {k: str(v) for k, v in values.items() if v is not None}


def prose_values(path: Path) -> list[str]:
    """{eval} expressions in a chapter's Markdown cells, in reading order."""
    notebook = jupytext.read(path, fmt="md:myst")
    return [m for cell in notebook.cells if cell.cell_type == "markdown" for m in EVAL.findall(cell.source)]


CHAPTERS = [p for p in sorted((ROOT / "book").glob("*.md")) if EVAL.search(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_prose_values_equal_a_recomputation(path, html_dir):
    names = prose_values(path)
    soup = BeautifulSoup((html_dir / "book" / f"{path.stem}.html").read_text(encoding="utf-8"), "html.parser")
    shown = [span.get_text() for span in soup.select("article .pasted-text")]
    assert len(shown) == len(names), f"{path.name}: {len(names)} {{eval}} roles in the prose, {len(shown)} shown in the HTML"
    want = expected()
    unknown = [n for n in names if n not in want]
    assert not unknown, f"{path.name}: values this test does not recompute: {unknown}"
    wrong = [(n, got, want[n]) for n, got in zip(names, shown) if got != want[n]]
    assert not wrong, f"{path.name}: (name, shown, recomputed): {wrong}"


def test_the_positions_held_alone_are_introduced_in_words_that_fit_their_count(html_dir):
    """The sources chapter's sentence before the list of positions one source holds alone, recomputed: "On one
    question one source … : the CIIS fellows." for one, "On N questions … ; X holds M of them." for more (a
    twelfth reading found "Of the one questions … CIIS fellows holds one" when the count fell to one)."""
    final = {(r["question"], r["source"]): r["stance"] for r in _csv("coding.csv")}
    records = _yaml("sources.yaml")
    short = {str(x["id"]): x["short_name"] for x in records}
    ids = sorted(short, key=lambda sid: (str(next(x["date"] for x in records if str(x["id"]) == sid)), sid))
    questions = list(dict.fromkeys(q for q, _ in final))
    lone = Counter(_lone(final, questions, ids))
    top = max(ids, key=lambda s: lone[s])
    from cjreport.wording import is_plural_name

    name = f"the {short[top]}" if is_plural_name(short[top]) else short[top]
    total = sum(lone.values())
    text = re.sub(r"\s+", " ", BeautifulSoup((html_dir / "book" / "sources.html").read_text(encoding="utf-8"),
                                              "html.parser").get_text(" "))
    if total == 0:
        assert "On no question does one source stand alone" in text
    elif total == 1:
        assert re.search(rf"On one question one source supports .*?: {re.escape(name)}\s?\.", text), name
    else:
        assert re.search(rf"On {word(total)} questions one source supports .*?; {re.escape(name)} holds? "
                         rf"{word(lone[top])} of them", text), (name, total)
    assert "Of the one questions" not in text


def test_the_known_tie_is_worded_as_a_tie(data_copy):
    """Make the runner-up as silent as the most silent source (its positioned cells set to not addressed, as
    many as the gap): the conclusion must then name both, as a tie. Counts and names come from the data."""
    final = {(r["question"], r["source"]): r["stance"] for r in _csv("coding.csv")}
    records = _yaml("sources.yaml")
    # the book lists sources in order of publication, then of id
    order = sorted((str(x["id"]) for x in records), key=lambda sid: (str(next(x["date"] for x in records if str(x["id"]) == sid)), sid))
    short = {sid: next(x["short_name"] for x in records if str(x["id"]) == sid) for sid in order}
    silent = Counter(s for (q, s), st in final.items() if st == "not_addressed")
    first, second = sorted(short, key=lambda s: (-silent[s], order.index(s)))[:2]
    assert silent[first] > silent[second], "the data already has a tie"
    assert se.summary(load(data_copy)).most_silent == short[first]
    cells = [(q, s) for (q, s), st in final.items() if s == second and st != "not_addressed"][:silent[first] - silent[second]]
    for name, column in (("coding.csv", "quotations"), ("coding-first.csv", None), ("coding-second.csv", "evidence")):
        rows = list(csv.DictReader(io.StringIO((data_copy / name).read_text(encoding="utf-8"), newline="")))
        for r in rows:
            if (r["question"], r["source"]) in cells:
                r["stance"] = "not_addressed"
                if column:
                    r[column] = ""
        with open(data_copy / name, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    adj = data_copy / "adjudication.csv"  # the flipped cells are no longer disagreements
    kept = [l for l in adj.read_text(encoding="utf-8").splitlines() if not any(l.startswith(f"{q},{s},") for q, s in cells)]
    adj.write_text("\n".join(kept) + "\n", encoding="utf-8")
    after = se.summary(load(data_copy))
    names = sorted([short[first], short[second]], key=list(short.values()).index)
    assert after.most_silent == f"{names[0]} and {names[1]}"
    assert after.most_silent_verb == "leave"
    assert after.most_silent_count.endswith(" each")


def test_the_most_silent_finding_follows_the_flipped_cells(evidence):
    """Recomputed by hand: with the codes the adjudication did not choose, is the most silent source the same?"""
    final = {(r["question"], r["source"]): r["stance"] for r in _csv("coding.csv")}

    def most(coding):
        silent = Counter(s for (q, s), st in coding.items() if st == "not_addressed")
        return sorted(s for s in silent if silent[s] == max(silent.values()))

    flipped = dict(final)
    for r in _csv("adjudication.csv"):
        flipped[(r["question"], r["source"])] = r["second"] if r["final"] == r["first"] else r["first"]
    labels = [v.label for v in se.variants(evidence)]
    _, rows = se.sensitivity(evidence)
    results = {f.id: r for f, r in rows}["most-silent"]
    assert results[labels.index("disagreed cells take the code not chosen")] is (most(flipped) == most(final))


def test_the_split_finding_with_each_source_left_out(evidence):
    """Recomputed from coding.csv: on how many questions do the sources left split, with each one dropped?"""
    final = {(r["question"], r["source"]): r["stance"] for r in _csv("coding.csv")}
    questions = list(dict.fromkeys(q for q, _ in final))
    ids = list(dict.fromkeys(s for _, s in final))

    def holds(kept):
        split = sum(len({final[(q, s)] for s in kept} & {"supports", "qualified", "opposes"}) > 1 for q in questions)
        return split > len(questions) / 2

    vs, rows = se.sensitivity(evidence)
    results = {f.id: r for f, r in rows}["split"]
    assert results[0] is holds(ids)
    for sid in ids:
        label = f"without {evidence.sources[sid].short_name}"
        assert results[[v.label for v in vs].index(label)] is holds([s for s in ids if s != sid]), label
