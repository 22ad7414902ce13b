"""`jupyter-book build` with Sphinx's parallel reading: `python -m cjreport.jbook build …` takes the CLI's own
arguments. Jupyter Book 1's CLI has no `-j`, but its build_sphinx does (`jobs`); reading is where the chapters
execute, so on this project's two cores two chapters run at once. Every extension the book loads declares itself
parallel-safe (cjreport.sphinx_ext sets it for the two that do not say, see `_declare_parallel_safe`).
CJREPORT_JOBS sets the number of processes (default: the machine's cores, at most 4)."""

from __future__ import annotations

import functools
import os


def main() -> None:
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)  # see cjreport/build.py, LEAN_STARTUP
    import jupyter_book.sphinx
    from jupyter_book.cli.main import main as cli

    jobs = int(os.environ.get("CJREPORT_JOBS") or min(4, os.cpu_count() or 1))
    # the CLI imports build_sphinx from this module when it builds, so the partial is what it calls
    jupyter_book.sphinx.build_sphinx = functools.partial(jupyter_book.sphinx.build_sphinx, jobs=jobs)
    cli()


if __name__ == "__main__":
    main()
