"""MyST Markdown that the chapters display: one output that both the HTML and the LaTeX builders render.

In Jupyter the same object also offers that MyST rendered to HTML (jupyter_html.py): JupyterLab renders
`text/markdown` as CommonMark and would print roles and directives as text. The book's builders take
`text/markdown` first (`nb_mime_priority_overrides` in _config.yml), and the book's build (CJREPORT_TARGET=book)
does not compute the HTML form at all.

Source text is escaped character by character, so a quotation that contains HTML, MyST roles, `{{ }}`,
LaTeX specials or Markdown syntax shows as plain text in both outputs; nothing in it is interpreted.
"""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass

_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")
# Characters that would end a line or a paragraph inside one rendered line of source text.
_BREAKS = re.compile(r"[\s\u2028\u2029\u0085]+")
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]")


def escape(text: str) -> str:
    """Escape text for MyST so it renders literally: every ASCII punctuation mark gets a backslash."""
    text = _INVISIBLE.sub("\ufffd", text)
    return _PUNCT.sub(r"\\\1", _BREAKS.sub(" ", text).strip())


@dataclass(frozen=True)
class Markdown:
    """A MyST Markdown fragment; myst-nb parses it into the book, Jupyter shows it rendered to HTML."""

    text: str

    def html(self) -> str:
        from cjreport.views.jupyter_html import to_html

        return to_html(self.text)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        bundle = {"text/markdown": self.text, "text/plain": self.text}
        if not for_book():
            bundle["text/html"] = self.html()
        return bundle


def ref(text: str, target: str) -> str:
    """A {ref} role linking `text` to a label. Link text inside the role is not Markdown: only the role's own syntax
    must go (a backtick ends the role, angle brackets start the target), and white space is folded."""
    words = re.sub(r"\s+", " ", re.sub(r"[`<>\\]", "", text)).strip()
    return f"{{ref}}`{words} <{target}>`"


def for_book() -> bool:
    """True while the book's build runs the chapters (cjreport.build sets it; the kernels inherit it)."""
    return os.environ.get("CJREPORT_TARGET") == "book"


def join(parts: list[Markdown]) -> Markdown:
    return Markdown("\n\n".join(p.text.strip("\n") for p in parts) + "\n")


def list_table(header: list[str], rows: list[list[str]], *, caption: str, name: str, widths: list[int],
               classes: str = "") -> Markdown:
    """A MyST list-table: header cells become <th>; with `longtable` LaTeX breaks it across pages with the header repeated.

    Cells are already-escaped MyST; the caption is escaped here.
    """
    if not rows:
        return Markdown(f"*{escape(caption)}: no rows.*\n")
    lines = [f"```{{list-table}} {escape(caption)}", ":header-rows: 1", f":name: {name}",
             f":widths: {' '.join(str(w) for w in widths)}", f":class: longtable {classes}".rstrip(), ""]
    for row in [header, *rows]:
        for i, cell in enumerate(row):
            body = cell.replace("\n\n", "\n\n    ").strip() or "—"
            lines.append(("* - " if i == 0 else "  - ") + body)
    lines.append("```")
    return Markdown("\n".join(lines) + "\n")
