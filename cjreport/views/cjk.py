"""Which language a run of Chinese or Japanese characters is in, so each edition can mark it (WCAG 3.1.2,
PDF/UA: a passage in another language than the document's carries its own language).

The five texts are English; source 001's header holds a language switcher, "English 简体 繁體": the names of
Simplified and Traditional Chinese, each written in its own script. A run with kana is Japanese; a run of Han
characters is Chinese, and hanzidentifier (a character table from CC-CEDICT) tells whether it is written in
Simplified characters, Traditional ones, or characters the two share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import hanzidentifier

# CJK punctuation, kana, Han (unified and extension A), compatibility ideographs, half- and full-width forms
CJK_RUN = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
                     r"\U00020000-\U0003134f]+")
KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")


@dataclass(frozen=True)
class Language:
    """A BCP 47 tag and its parts as typesetting wants them (ISO 639 language, ISO 15924 script)."""

    tag: str
    language: str
    script: str | None


JAPANESE = Language("ja", "ja", None)
SIMPLIFIED = Language("zh-Hans", "zh", "Hans")
TRADITIONAL = Language("zh-Hant", "zh", "Hant")
CHINESE = Language("zh", "zh", None)


def language_of(run: str) -> Language:
    """The language of one run of CJK characters."""
    if KANA.search(run):
        return JAPANESE
    kind = hanzidentifier.identify(run)
    if kind == hanzidentifier.SIMPLIFIED:
        return SIMPLIFIED
    if kind == hanzidentifier.TRADITIONAL:
        return TRADITIONAL
    return CHINESE


def runs(text: str) -> list[tuple[str, Language | None]]:
    """The text cut into pieces: (piece, None) for the document's own language, (piece, Language) for CJK."""
    out: list[tuple[str, Language | None]] = []
    position = 0
    for match in CJK_RUN.finditer(text):
        if match.start() > position:
            out.append((text[position:match.start()], None))
        out.append((match.group(), language_of(match.group())))
        position = match.end()
    if position < len(text):
        out.append((text[position:], None))
    return out
