"""Rerun one chapter headless and write it as an executed notebook.

    python -m cjreport.rerun alliance [-o _build/alliance.ipynb]

The same as `jupytext --to ipynb --execute`, except that the kernel's transport is encrypted (CurveZMQ keys
provisioned by jupyter_client, which the kernelspec declares it supports), so the kernel has nothing to warn
about: the command prints one line, or one line of error.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from cjreport.project import BOOK_DIR

BOOK = BOOK_DIR


def rerun(chapter: Path, out: Path, timeout: int = 120) -> float:
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from traitlets.config import Config

    started = time.perf_counter()
    nb = jupytext.read(chapter)
    config = Config({"KernelManager": {"transport_encryption": "auto"}})
    client = NotebookClient(nb, config=config, timeout=timeout,
                            kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
                            resources={"metadata": {"path": str(chapter.parent)}})
    # The kernel's own stderr goes to a scratch file, not the terminal: at shutdown ipykernel now and then logs a
    # ZMQStream traceback on a socket already closed ("non-socket"), after every cell has run (a fresh clone's
    # test run caught one). A failing cell still reaches the reader as one line, through nbclient.
    with tempfile.TemporaryFile() as kernel_stderr:
        client.execute(stderr=kernel_stderr)
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapter", help="a chapter's name (alliance) or path (book/alliance.md)")
    parser.add_argument("-o", "--out", type=Path, help="the notebook to write (default _build/<chapter>.ipynb)")
    args = parser.parse_args(argv)
    chapter = Path(args.chapter)
    if not chapter.suffix:
        chapter = BOOK / f"{args.chapter}.md"
    if not chapter.exists():
        raise SystemExit(f"error: no chapter {args.chapter!r} (looked for {chapter})")
    out = args.out or Path("_build") / f"{chapter.stem}.ipynb"
    from nbclient.exceptions import CellExecutionError

    try:
        seconds = rerun(chapter, out)
    except CellExecutionError as exc:
        raise SystemExit(f"error: {chapter.name} failed: {str(exc).strip().splitlines()[-1]}") from None
    print(f"{chapter.name} ran in {seconds:.1f} s; wrote {out}", file=sys.stdout)


if __name__ == "__main__":
    main()
