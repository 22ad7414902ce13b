"""The book's own prose is typeset: typographic quotes, apostrophes and dashes, no internal ids.

Sphinx's smartquotes transform is off on purpose (it would also rewrite the sources' quotations, and
source 002 uses straight quotes), so the chapters' own text must carry the typographic marks. This
test reads each chapter the way MyST does (jupytext for the notebook cells, markdown-it with the MyST
role and block plugins for the Markdown) and checks only the prose: text outside code cells, code
spans, roles, links, block quotes, directive options and labels.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p for p in (ROOT / "book").glob("*.md"))

# Directives whose body is the book's own prose (parsed again as Markdown); any other fenced block
# (code, figures' options, glue, bibliography) is not prose.
PROSE_DIRECTIVES = {"only", "note", "admonition", "tip", "important", "warning", "seealso", "margin",
                    "sidebar", "epigraph", "glossary", "topic", "div", "dropdown", "caution", "hint"}

_PARSER = (MarkdownIt("commonmark").use(myst_role_plugin).use(myst_block_plugin)
           .use(dollarmath_plugin).use(colon_fence_plugin).enable("table"))


def _inline_prose(children) -> list[str]:
    """The plain text of an inline token stream, leaving out code spans, roles and links."""
    out: list[str] = []
    in_link = 0
    for tok in children or []:
        if tok.type == "link_open":
            in_link += 1
        elif tok.type == "link_close":
            in_link -= 1
        elif tok.type == "text" and not in_link:
            out.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return ["".join(out)]


def prose_of_markdown(text: str) -> list[str]:
    """Paragraph-by-paragraph prose of a MyST Markdown string."""
    out: list[str] = []
    quote_depth = 0
    for tok in _PARSER.parse(text):
        if tok.type == "blockquote_open":
            quote_depth += 1
        elif tok.type == "blockquote_close":
            quote_depth -= 1
        elif quote_depth:
            continue  # quotations keep their own marks
        elif tok.type == "inline":
            out.extend(_inline_prose(tok.children))
        elif tok.type in ("fence", "colon_fence"):
            m = re.match(r"\{([\w-]+)\}", tok.info.strip())
            if m and m.group(1) in PROSE_DIRECTIVES:
                body = "\n".join(line for line in tok.content.splitlines()
                                 if not re.match(r"\s*:[\w-]+:", line))  # directive options
                out.extend(prose_of_markdown(body))
    return out


def chapter_prose(path: Path) -> list[str]:
    notebook = jupytext.read(path, fmt="md:myst")
    out: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            out.extend(prose_of_markdown(cell.source))
    return out


def _ids() -> tuple[list[str], list[str]]:
    sources = yaml.safe_load((ROOT / "data" / "sources.yaml").read_text(encoding="utf-8"))
    codebook = yaml.safe_load((ROOT / "data" / "codebook.yaml").read_text(encoding="utf-8"))
    source_ids = [str(s["id"]) for s in sources]
    question_ids = [q["id"] for t in codebook["themes"] for q in t["questions"]]
    question_ids += [t["id"] for t in codebook["themes"] if "-" in t["id"]]
    return source_ids, question_ids


SOURCE_IDS, QUESTION_IDS = _ids()
SOURCE_ID = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, SOURCE_IDS)) + r")(?![\w])")
QUESTION_ID = re.compile(r"\(\s*(?:" + "|".join(map(re.escape, QUESTION_IDS)) + r")\s*\)")
STRAIGHT = re.compile(r"[\"']")
NUMERIC_RANGE = re.compile(r"\b\d{4}-\d{2,4}\b")
SPACED_HYPHEN = re.compile(r"\w - \w|\w--\w|\w -- \w")
HARD_COUNT = re.compile(r"\b(?:five|5) (?:sources|texts)\b", re.IGNORECASE)


def problems(paragraphs: list[str]) -> list[str]:
    found = []
    for para in paragraphs:
        for pattern, what in ((STRAIGHT, "straight quote or apostrophe"),
                              (SOURCE_ID, "source id in prose"),
                              (QUESTION_ID, "question id in prose"),
                              (NUMERIC_RANGE, "hyphen in a range (use –)"),
                              (SPACED_HYPHEN, "hyphen used as a dash (use —)"),
                              (HARD_COUNT, "hard-coded count of sources")):
            for m in pattern.finditer(para):
                found.append(f"{what}: …{para[max(0, m.start() - 30):m.end() + 30]}…")
    return found


# The book's title is a name fixed in _config.yml (the lead's), not a count the prose computes.
BOOK_TITLE = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapter_prose_is_typeset(path):
    prose = [para for para in chapter_prose(path) if para != BOOK_TITLE]
    assert prose, f"no prose found in {path.name}: the parser is not reading the chapter"
    assert not problems(prose), "\n".join(problems(prose))


def test_checker_sees_what_it_must():
    """The checker must catch each fault and leave code, roles, links and quotations alone."""
    bad = prose_of_markdown("Japan's view.\n\nRoy (000) says.\n\nSee (alliance-safer).\n\n"
                            "In 2012-2024.\n\nThe five sources.\n\nA \"word\".\n\nA - B.\n")
    assert len(bad) == 7 and all(problems([para]) for para in bad), bad
    good = prose_of_markdown("Japan’s `it's` {term}`Japan's <X>` [it's](x.md)\n\n"
                             "> \"verbatim\" quotation's marks\n\n(label-x)=\n\n"
                             "```{code-cell}\nx = '000'\n```\n\n"
                             "```{only} latex\n:class: x's\nThe book’s print text.\n```\n")
    assert not problems(good), problems(good)
    assert any("print text" in p for p in good)
    assert problems(prose_of_markdown("```{only} html\nHover 'here'.\n```\n"))
