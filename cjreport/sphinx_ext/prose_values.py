"""Sphinx: the {eval} role of the chapters' prose (how the book shows it; cjreport/chapters.py explains the role)."""

from __future__ import annotations

from typing import Any

from cjreport.chapters import names_kernel, with_values_cell


def shown_values(env: Any) -> dict[str, dict[str, str]]:
    """What the book's pages showed for each {eval}: docname → expression → text/plain. myst-nb takes glued
    values out of the executed notebooks it writes, so the role keeps them here for the downloads."""
    if not hasattr(env, "cjreport_prose_values"):
        env.cjreport_prose_values = {}
    return env.cjreport_prose_values


def setup(app: Any) -> dict[str, Any]:
    """Sphinx: append the values cell to every chapter that uses {eval}, and read {eval} as glue:text."""
    from myst_nb.ext.glue.roles import PasteTextRole
    from myst_nb.ext.glue.utils import retrieve_glue_data
    from sphinx.util import logging

    logger = logging.getLogger(__name__)

    def append_values(app: Any, docname: str, source: list[str]) -> None:
        if not names_kernel(source[0]):
            return
        source[0], problems = with_values_cell(source[0])
        for line, problem in problems:
            logger.warning(problem, location=(docname, line))

    class EvalRole(PasteTextRole):
        """{eval}`name`: the value glued under that name by the chapter's values cell."""

        def run(self):  # type: ignore[no-untyped-def]
            result = super().run()
            env = self.document.settings.env
            try:
                plain = retrieve_glue_data(self.document, self.text).data["text/plain"]
            except Exception:  # noqa: BLE001 - glue:text above has already reported it (a warning fails the build)
                return result
            shown_values(env).setdefault(env.docname, {})[self.text] = plain
            return result

    def register(app: Any) -> None:
        # myst-nb registers its own (inline-only) eval role in its setup; this one replaces it afterwards
        app.add_role("eval", EvalRole(), override=True)

    def purge(app: Any, env: Any, docname: str) -> None:
        shown_values(env).pop(docname, None)

    def merge(app: Any, env: Any, docnames: set[str], other: Any) -> None:
        shown_values(env).update({d: v for d, v in shown_values(other).items() if d in docnames})

    app.connect("source-read", append_values)
    app.connect("builder-inited", register)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
