"""Framing vocabulary: the words most distinctive of each source.

Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words",
eq. 16, 18-22): each source is compared with all the other sources together, and the prior is the
word's frequency in the whole corpus, scaled to `prior_size` pseudo-counts.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

TOKEN = re.compile(r"[A-Za-z]+(?:[’'\-][A-Za-z]+)*")
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just may me might more most must
my myself no nor not now of off on once only or other our ours ourselves out over own same she should so
some such than that the their theirs them themselves then there these they this those through to too under
until up very was we were what when where which while who whom why will with would you your yours yourself
yourselves s t don’t it’s us one two three first second third also even however said says well many much
""".split())


def _fold(word: str) -> str:
    """A word in lower case, but an abbreviation in capitals stays as it is: "US" is not the pronoun "us" (a
    fifteenth reading found the CIIS fellows' most distinctive "word" to be "us", folded from "US")."""
    return word if len(word) > 1 and word.isupper() else word.lower()


def tokens(text: str) -> list[str]:
    """Word tokens in lower case, abbreviations in capitals kept (US, PRC), without stop words (apostrophes and
    hyphens stay inside words)."""
    words = (_fold(t) for t in TOKEN.findall(text.replace("'", "’")))
    return [t for t in words if t not in STOPWORDS and len(t) > 1]


@dataclass(frozen=True)
class Score:
    word: str
    count: int  # occurrences in the group
    delta: float  # log-odds ratio, group vs the rest
    z: float  # delta divided by its estimated standard deviation


def log_odds(group: Counter[str], rest: Counter[str], prior: Counter[str], prior_size: float | None = None) -> list[Score]:
    """Score every word of `group` against `rest` with a Dirichlet prior shaped like `prior`.

    alpha_w = prior_size * prior_w / sum(prior); alpha_0 = prior_size (the total prior pseudo-count).
    delta_w = log((y_i + a_w) / (n_i + a_0 - y_i - a_w)) - log((y_j + a_w) / (n_j + a_0 - y_j - a_w))
    var(delta_w) ~ 1 / (y_i + a_w) + 1 / (y_j + a_w);  z = delta_w / sqrt(var)
    """
    total_prior = sum(prior.values())
    a0 = float(prior_size if prior_size is not None else total_prior)
    n_i, n_j = sum(group.values()), sum(rest.values())
    scores = []
    for word, y_i in group.items():
        a_w = a0 * prior[word] / total_prior
        if a_w <= 0:
            raise ValueError(f"word {word!r} has no prior mass")
        y_j = rest.get(word, 0)
        delta = math.log((y_i + a_w) / (n_i + a0 - y_i - a_w)) - math.log((y_j + a_w) / (n_j + a0 - y_j - a_w))
        var = 1.0 / (y_i + a_w) + 1.0 / (y_j + a_w)
        scores.append(Score(word, y_i, delta, delta / math.sqrt(var)))
    return sorted(scores, key=lambda s: (-s.z, s.word))


def distinctive_words(texts: dict[str, str], top: int = 10, min_count: int = 2) -> dict[str, list[Score]]:
    """For each text id: its `top` words by z-score against all the other texts."""
    counts = {key: Counter(tokens(text)) for key, text in texts.items()}
    corpus: Counter[str] = sum(counts.values(), Counter())
    result = {}
    for key, group in counts.items():
        rest = corpus - group
        scored = [s for s in log_odds(group, rest, corpus) if s.count >= min_count]
        result[key] = scored[:top]
    return result


@dataclass(frozen=True)
class Concordance:
    source: str
    left: str
    match: str
    right: str
    start: int


def keyword_in_context(texts: dict[str, str], term: str, width: int = 45) -> list[Concordance]:
    """Every occurrence of `term` (a whole word, any case) with `width` characters either side. A word the term
    ends a hyphenated form of is not a use ("militarization" in "re-militarization"); a compound it begins is
    ("deterrence" in "deterrence-based": an eighteenth reading found the chapter's "every use" missed it)."""
    pattern = re.compile(r"(?<![\w’'-])" + re.escape(term) + r"(?![\w’'])", re.IGNORECASE)
    lines = []
    for key, text in texts.items():
        for m in pattern.finditer(text):
            left = " ".join(text[max(0, m.start() - width) : m.start()].split())
            right = " ".join(text[m.end() : m.end() + width].split())
            lines.append(Concordance(key, left, m.group(), right, m.start()))
    return lines
