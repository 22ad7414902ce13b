"""How the book words counts and lists: the one home of its number words, so a count reads the same in a
title, a finding and a table caption. Pure functions, no imports: every layer may use them."""

from __future__ import annotations

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve")


def number_word(n: int) -> str:
    """Small counts in words, as running prose writes them ("zero" … "twelve"); digits after."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def count_words(n: int) -> str:
    """A count as a title prints it: "no" for none, words up to twelve, digits after."""
    return "no" if n == 0 else number_word(n)


def names(items: list[str]) -> str:
    """‘A’, ‘A and B’, ‘A, B and C’ (and "none" for an empty list)."""
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def capital(text: str) -> str:
    """The text with its first letter in capitals (the rest untouched, unlike str.capitalize)."""
    return text[:1].upper() + text[1:]
