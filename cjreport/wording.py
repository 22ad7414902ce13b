"""The book's small grammar: counts in words, plurals, verb agreement, possessives, lists.

Generated sentences follow the data: a tie, a new source or a group byline changes the words instead of making
them wrong ("not addressed by none", "CIIS fellows's", "1 cells"). Every module that writes prose from data
(findings, counts, sensitivity, present, the Sphinx hooks) asks this one module, so a rule is fixed once.
Plain strings in, plain strings out: escaping for MyST is the caller's business.
"""

from __future__ import annotations

from collections.abc import Sequence

_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen").split()
_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty", 90: "ninety"}
# Nouns the book counts whose plural is not noun + "s".
_IRREGULAR = {"analysis": "analyses", "person": "people", "this": "these", "that": "those", "is": "are", "was": "were",
              "has": "have", "does": "do", "it": "they", "its": "their"}

WORDS_UP_TO = 12  # running prose writes counts up to twelve in words, larger ones in digits (house style)


def number_word(n: int, *, zero: str = "zero", limit: int = WORDS_UP_TO) -> str:
    """A count as running prose writes it: in words up to `limit` (twelve), in digits above. `zero` is the word
    for 0 where a sentence wants another ("no sources")."""
    if n < 0 or n > limit:
        return str(n)
    if n == 0:
        return zero
    if n < 20:
        return _SMALL[n]
    tens, unit = divmod(n, 10)
    return _TENS[tens * 10] + (f"-{_SMALL[unit]}" if unit else "")


def count_words(n: int) -> str:
    """A count as a title prints it: "no sources" for none, words up to twelve, digits after."""
    return number_word(n, zero="no")


def plural(noun: str, n: int = 2) -> str:
    """The noun in the number n asks for: "source" / "sources", "analysis" / "analyses", "is" / "are"."""
    if n == 1:
        return noun
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    return noun + "s"


def count(n: int, noun: str, *, zero: str = "no", limit: int = WORDS_UP_TO) -> str:
    """"no sources", "one source", "two sources", "14 cells"."""
    return f"{number_word(n, zero=zero, limit=limit)} {plural(noun, n)}"


def verb(n: int, singular: str, plural_form: str | None = None) -> str:
    """A present-tense verb agreeing with a subject of n things: verb(1, "leaves") -> "leaves", verb(2, "leaves")
    -> "leave". Give the plural form where dropping the -s is wrong ("does" -> "do" is known)."""
    if n == 1:
        return singular
    if plural_form is not None:
        return plural_form
    if singular in _IRREGULAR:
        return _IRREGULAR[singular]
    if singular.endswith("ies"):
        return singular[:-3] + "y"
    if singular.endswith(("sses", "shes", "ches", "xes")):
        return singular[:-2]
    return singular[:-1] if singular.endswith("s") else singular


def is_plural_name(name: str) -> bool:
    """Whether a name is a group and takes a plural verb: its last word is a lower-case plural noun
    ("CIIS fellows", "the editors"); a personal name never is ("Roy", "Jones", "Zhang")."""
    last = name.split()[-1] if name.split() else ""
    return last.islower() and last.endswith("s") and not last.endswith("ss")


def possessive(name: str) -> str:
    """"Roy’s", "CIIS fellows’" (a plural group takes the apostrophe alone), "Jones’s" (a singular name ending
    in s keeps the ’s, as most style guides have it). The typographic apostrophe, as the book's prose uses."""
    return f"{name}’" if is_plural_name(name) else f"{name}’s"


def listing(items: Sequence[str], conj: str = "and", *, empty: str = "none") -> str:
    """"A", "A and B", "A, B and C" (no serial comma, as the book writes); `empty` when there is nothing."""
    items = list(items)
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]


def capital(text: str) -> str:
    """The first letter in capitals, the rest as it is ("iPhone" would suffer; the book has none)."""
    return text[:1].upper() + text[1:]


def sentence(text: str, end: str = ".") -> str:
    """Close a sentence once: a title ending in ? or ! or an abbreviation's dot takes no second stop
    ("Security Ties?." is the bug this prevents)."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!", "…")) else text + end


def share(part: int, whole: int, noun: str) -> str:
    """A part of a whole in words, the noun agreeing with the whole: "two of the five sources", "none of the five
    sources", and for all of them "both sources" or "all five sources" (never "every source" for two)."""
    if whole > 0 and part == whole:
        return f"both {plural(noun)}" if whole == 2 else f"all {number_word(whole)} {plural(noun, whole)}"
    return f"{number_word(part, zero='none')} of the {number_word(whole)} {plural(noun, whole)}"


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def long_date(iso: str) -> str:
    """An ISO date as a reader writes it, to the precision it has: "2024" stays, "2024-08" is "August 2024",
    "2022-09-30" is "30 September 2022" (no leading zero)."""
    parts = iso.split("-")
    if len(parts) == 1:
        return iso
    month = MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def numbers(*ns: int, limit: int = WORDS_UP_TO) -> list[str]:
    """Several counts in one sentence, in one form: all in words, or all in digits when any is above the limit
    ("twelve of 25" mixes the two; "12 of 25" does not)."""
    if any(n > limit for n in ns):
        return [str(n) for n in ns]
    return [number_word(n) for n in ns]
