"""Where the package finds the project's files: the repository it runs from, or its copy inside the wheel.

The repository's files (data/, the chapters, CITATION.cff, _config.yml, _toc.yml) have one home, the
repository. The wheel offered on the downloads page carries a copy of them in `cjreport/_project/`, made by
setup.py when the wheel is built (never committed), so a chapter downloaded as a notebook runs in any folder
once the wheel is installed: there is no repository there, and the package reads its own copy.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BUNDLED = PACKAGE / "_project"
# What the wheel carries besides the code: everything the package reads at run time (the chapters' sources,
# because the downloads table lists the chapters that are notebooks, and references.bib for citations).
# EDITION exists only in the scratch tree of the public edition's wheel (cjreport/exports/distribution.py).
FILES = ("EDITION", "CITATION.cff", "_config.yml", "_toc.yml", "requirements.txt", "LICENSE", "LICENSE-CONTENT.md", "RIGHTS.md")
DIRECTORIES = ("data",)
BOOK_GLOBS = ("*.md", "references.bib")


def project_root() -> Path:
    """The repository this package is checked out in, else the copy the wheel carries."""
    repository = PACKAGE.parent
    if (repository / "_toc.yml").is_file() and (repository / "data").is_dir():
        return repository
    if BUNDLED.is_dir():
        return BUNDLED
    return repository


def bundle_files(root: Path) -> list[Path]:
    """The files of a repository at root that the wheel carries, relative to root, in a stable order."""
    found = [Path(name) for name in FILES if (root / name).is_file()]
    for directory in DIRECTORIES:
        found += sorted(p.relative_to(root) for p in (root / directory).rglob("*")
                        if p.is_file() and "__pycache__" not in p.parts)
    for pattern in BOOK_GLOBS:
        found += sorted(p.relative_to(root) for p in (root / "book").glob(pattern) if p.is_file())
    return found
