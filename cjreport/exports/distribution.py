"""What a reader needs to rerun the chapters away from the repository: the package as a wheel (with the
project's data inside it), the pinned requirements, and the edition's source as an archive.

    pip install -r requirements.txt cjreport-<version>-py3-none-any.whl

installs everything a downloaded chapter imports; the notebook then runs in any folder. The wheel is built
from the repository's files with setuptools' own build backend (setup.py copies data/ into it), and is
byte-identical between two builds of one commit: the wheel format dates its entries by SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cjreport import edition
from cjreport.bundle import PACKAGE, bundle_files

# used when no SOURCE_DATE_EPOCH is set (a scratch build): any fixed date keeps two wheels equal
FALLBACK_EPOCH = "315532800"  # 1980-01-01, the earliest date a zip entry can carry


class DistributionError(RuntimeError):
    pass


def wheel_name(root: Path) -> str:
    return f"cjreport-{edition.version(root)}-py3-none-any.whl"


def source_archive_name(root: Path) -> str:
    return f"china-japan-security-{edition.version(root)}-source.tar.gz"


# The package's own repository: its build files (pyproject.toml, setup.py) and pinned requirements. A book
# built from a scratch copy of the chapters (the tests' fixture books) takes them from here.
REPOSITORY = PACKAGE.parent
BUILD_FILES = ("pyproject.toml", "setup.py")


def can_build_wheel() -> bool:
    """False when the package runs from an installed wheel, which has no build files to make another."""
    return all((REPOSITORY / name).is_file() for name in BUILD_FILES)


def requirements(root: Path) -> Path:
    return root / "requirements.txt" if (root / "requirements.txt").is_file() else REPOSITORY / "requirements.txt"


def build_wheel(root: Path, out: Path, data: Path | None = None, public_texts: dict[str, str] | None = None,
                public_data: dict[str, str] | None = None) -> Path:
    """Build the wheel of the package with the book at root (its chapters, citation, configuration) and the
    data the book was built from (data, default root/data) into out. A scratch tree is built, so the
    repository gets no build/ or egg-info directories; returns the wheel's path.

    public_texts ({file name: text}) makes the public edition's wheel: those texts (the paragraphs the book does
    not quote blanked, cjreport/data/excerpts.py) replace data/texts/, data/texts/REDACTED says so (the loader
    then skips the checks that need the full texts), and EDITION makes the installed package the public edition;
    public_data ({file name under data/: text}) replaces data files the public edition carries redacted (the
    second coder's excerpts)."""
    import os

    out.mkdir(parents=True, exist_ok=True)
    data = data or root / "data"
    with tempfile.TemporaryDirectory(prefix="cjreport-wheel-") as scratch:
        tree = Path(scratch) / "src"
        tree.mkdir()
        for name in BUILD_FILES:
            shutil.copyfile(REPOSITORY / name, tree / name)
        shutil.copytree(data, tree / "data", ignore=shutil.ignore_patterns("__pycache__"))
        if public_texts is not None:
            from cjreport.data import excerpts

            for name, text in public_texts.items():
                (tree / "data" / "texts" / name).write_text(text, encoding="utf-8", newline="")
            (tree / "data" / "texts" / excerpts.REDACTED_NOTE).write_text(excerpts.NOTE, encoding="utf-8")
            (tree / edition.EDITION_FILE).write_text("public\n", encoding="utf-8")
        for name, text in (public_data or {}).items():  # data files the public edition carries redacted
            (tree / "data" / name).write_text(text, encoding="utf-8", newline="")
        for rel in bundle_files(root):
            if rel.parts[0] != "data":
                (tree / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(root / rel, tree / rel)
        if not (tree / "requirements.txt").exists():
            shutil.copyfile(requirements(root), tree / "requirements.txt")
        shutil.copytree(PACKAGE, tree / "cjreport", ignore=shutil.ignore_patterns("__pycache__", "_project"))
        env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or FALLBACK_EPOCH}
        # setuptools' PEP 517 backend, as pip would call it, without pip's isolated (downloading) environment
        hook = "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))"
        done = subprocess.run([sys.executable, "-c", hook, str(Path(scratch) / "dist")], cwd=tree, env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            tail = " ".join((done.stderr or done.stdout).split())[-300:]
            raise DistributionError(f"building the wheel failed: {tail}")
        built = Path(scratch) / "dist" / done.stdout.strip().splitlines()[-1]
        target = out / wheel_name(root)
        if built.name != target.name:
            raise DistributionError(f"the wheel is {built.name}, expected {target.name} (pyproject.toml's version?)")
        shutil.copyfile(built, target)
    return target


def source_archive(root: Path, target: Path) -> bool:
    """The edition's source as `git archive` writes it (entries dated by the commit, gzip without a
    timestamp, so the same commit gives the same bytes): the package's repository at its commit, which is the
    book's own repository except for a book built from a scratch copy of the chapters (the tests' fixtures),
    whose chapters and downloads table must agree on it. False outside a git checkout."""
    if not has_source_archive():
        return False
    prefix = source_archive_name(root).removesuffix(".tar.gz") + "/"
    done = subprocess.run(["git", "-C", str(REPOSITORY), "archive", "--format=tar.gz", f"--prefix={prefix}",
                           f"--output={target}", "HEAD"], capture_output=True, text=True)
    if done.returncode != 0:
        raise DistributionError(f"git archive failed: {' '.join(done.stderr.split())[:300]}")
    return True


def has_source_archive() -> bool:
    return can_build_wheel() and edition.commit(REPOSITORY) != "unversioned"


def rerun_instructions(root: Path) -> str:
    """The downloads page's "Rerun a chapter anywhere" text (MyST): the two commands, and where the source is."""
    from cjreport.views.markup import escape

    wheel = wheel_name(root)
    url = edition.repository_url(root)
    if url:
        where = f"The source of the book, its data and this package is at <{url}>"
        where += (f"; this edition's own copy is {escape(source_archive_name(root))} below." if has_source_archive()
                  else ".")
    elif has_source_archive():
        where = (f"The book has no public repository yet: the source of this edition (chapters, data, package, "
                 f"build and tests) is the archive {escape(source_archive_name(root))} below.")
    else:
        where = "This copy of the book was built outside a repository, so no source archive is offered."
    return (f"To rerun a chapter in any folder, with Python {escape('3.11')}: download the notebook, "
            f"`requirements.txt` and `{wheel}` into one folder, and there run\n\n"
            f"```bash\npython3 -m venv .venv && . .venv/bin/activate\n"
            f"pip install -r requirements.txt {wheel}\njupyter lab\n```\n\n"
            f"then open the notebook and run all its cells. The wheel carries the book's data, so the notebook "
            f"needs no copy of the repository. {where}\n")
