"""Markup for reading on any screen (issue 22): where a long string may break, and which language a run
of Chinese or Japanese text is in. Pure functions on text and BeautifulSoup trees; the Sphinx hook
(sphinx_ext.tables_for_reading) and the display objects call them."""

from __future__ import annotations

import re

from cjreport.views.cjk import CJK_RUN, language_of

# A string with no space that is long enough to widen a narrow column (an e-mail address, a URL, a file
# name): it may break after its punctuation, and only there. (Browsers already break after a hyphen, so an id
# such as q000-aggressive-moves needs nothing, and its text stays one node.)
LONG_TOKEN = re.compile(r"[^\s]{16,}")
BREAK_AFTER = re.compile(r"(?<=[@./_:])(?=[^\s@./_:])")


def break_points(soup, root) -> None:
    """Put a <wbr> after the punctuation of every long unspaced string in the text under `root` (a
    BeautifulSoup tag): the browser may then end a line there rather than inside a word, or widen the table."""
    from bs4 import NavigableString

    for node in list(root.find_all(string=LONG_TOKEN)):
        if not isinstance(node, NavigableString) or node.parent.name in ("script", "style", "code", "pre"):
            continue
        text = str(node)
        pieces, last = [], 0
        for token in LONG_TOKEN.finditer(text):
            parts = BREAK_AFTER.split(token.group(0))
            if len(parts) < 2:
                continue
            pieces.append(text[last:token.start()])
            for i, part in enumerate(parts):
                if i:
                    pieces.append(soup.new_tag("wbr"))
                pieces.append(part)
            last = token.end()
        if not pieces:
            continue
        pieces.append(text[last:])
        _replace(node, pieces)


def _replace(node, pieces) -> None:
    """Put pieces (strings and tags) where the text node was, dropping empty strings, and remove the node."""
    from bs4 import NavigableString

    for piece in pieces:
        if isinstance(piece, str):
            if piece:
                node.insert_before(NavigableString(piece))
        else:
            node.insert_before(piece)
    node.extract()


# --- Languages ------------------------------------------------------------------------------------------
# Han ideographs (with the CJK compatibility and extension blocks), kana, and CJK punctuation: a run of these
# is Chinese or Japanese text, whose language a screen reader and the font choice need (WCAG 3.1.2).
CJK_LANGS = ("zh", "ja")


def cjk_lang(run: str) -> str:
    """The language of a run of CJK text, from its script (cjreport/views/cjk.py, which the PDF reads too)."""
    return language_of(run).tag


def _marked(node) -> bool:
    """Whether a text node already sits inside an element whose lang is Chinese or Japanese."""
    for parent in node.parents:
        lang = parent.get("lang") if hasattr(parent, "get") else None
        if lang:
            return lang.lower().startswith(CJK_LANGS)
    return False


def mark_languages(soup, root=None) -> int:
    """Wrap every run of CJK text under `root` (default: the whole tree) that no ancestor marks as Chinese
    or Japanese in <span lang="…"> (cjk_lang). Returns how many runs it marked."""
    from bs4 import NavigableString

    marked = 0
    for node in list((root or soup).find_all(string=CJK_RUN)):
        if not isinstance(node, NavigableString) or node.parent.name in ("script", "style", "title") or _marked(node):
            continue
        text, last, pieces = str(node), 0, []
        for run in CJK_RUN.finditer(text):
            pieces.append(text[last:run.start()])
            span = soup.new_tag("span", attrs={"lang": cjk_lang(run.group(0))})
            span.string = run.group(0)
            pieces.append(span)
            last = run.end()
            marked += 1
        pieces.append(text[last:])
        _replace(node, pieces)
    return marked
