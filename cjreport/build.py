"""Build the book: validate data/, build HTML (and the PDF) in a work directory, then publish atomically.

    python -m cjreport.build [--pdf] [--root .] [--out _build]

Bad input stops the build with one line naming the file and the line or id, before anything is written;
a failing chapter or a Sphinx warning fails the build. In every case the last good book in <out>/html
stays in place: it is only replaced once everything has built.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .errors import DataError
from .evidence import Evidence, data_dir, fingerprint, load
from .sphinx_ext import PDF_NAME

PACKAGE_DIR = Path(__file__).resolve().parent


def inputs_fingerprint(root: Path) -> str:
    """Data and package code: when either changes, every chapter must run again (cached outputs would be stale)."""
    digest = hashlib.sha256(fingerprint(data_dir()).encode())
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    # the edition (CITATION.cff) and the configured addresses (_config.yml) show in chapters' outputs too
    # (how to cite, the downloads table and the commands that name the wheel)
    for path in (root / "CITATION.cff", root / "_config.yml"):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def verified_data(root: Path | None = None) -> Evidence:
    """Load and verify data/ (and what Sphinx would read from it), or stop with one line before anything is written."""
    from . import bib

    directory = data_dir()
    try:
        evidence = load()
        if root is not None:
            bib.check(evidence, _other_bibfiles(root))
    except DataError as exc:
        raise SystemExit(f"error: {exc.relative_to(directory.parent)}") from None
    except Exception as exc:  # a loader bug must still read as one line, and never let a build start
        raise SystemExit(f"error: {directory.name}/: internal error while checking the data "
                         f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]})") from None
    print(f"data/ verified: {len(evidence.sources)} sources, {len(evidence.quotations)} quotations, "
          f"{len(evidence.coding)} coded cells", flush=True)
    return evidence


def _other_bibfiles(root: Path) -> list[Path]:
    """The .bib files _config.yml names (the sources' own entries are generated, not among them)."""
    import yaml

    try:
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(root / "_config.yml", f"cannot be read ({exc})") from None
    return [root / name for name in config.get("bibtex_bibfiles") or []]


def source_date_epoch(root: Path) -> str:
    """The time of the checked-out commit: Sphinx and xdvipdfmx date the book by it, so rebuilds match."""
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip().isdigit():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return "1700000000"  # outside git (a scratch copy): a fixed date rather than the clock


def _jupyter_book(root: Path, work: Path, builder: str) -> None:
    exe = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(exe), "build", str(root), "--path-output", str(work), "--builder", builder, "-W", "-n", "--keep-going"]
    print("+", " ".join(cmd), flush=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or source_date_epoch(root),
           "FORCE_SOURCE_DATE": "1", "CJREPORT_TARGET": "book"}  # display objects give the book's forms
    result = subprocess.run(cmd, cwd=root, env=env)
    if result.returncode != 0:
        raise SystemExit(f"build failed: jupyter-book {builder} exited with {result.returncode} (see the log above); "
                         "the previous book is left in place")


def build(root: Path, out: Path, pdf: bool) -> None:
    started = time.perf_counter()
    evidence = verified_data(root)

    work = out / "work"
    built = work / "_build"
    stamp = out / "inputs.sha256"
    current = inputs_fingerprint(root)
    if not stamp.exists() or stamp.read_text().strip() != current:
        # Data or package changed: drop the execution cache and Sphinx's environment so every chapter re-runs.
        for stale in (built / ".jupyter_cache", built / ".doctrees", built / "jupyter_execute", built / "html", built / "latex"):
            shutil.rmtree(stale, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)

    _jupyter_book(root, work, "html")
    manifest = out / "published.manifest"
    if not pdf and (out / "html").exists() and manifest.exists() and manifest.read_text() == _listing(built / "html"):
        # Sphinx wrote nothing new: the published book is this very build, already audited.
        stamp.write_text(current + "\n")
        print(f"book unchanged in {out / 'html'} ({time.perf_counter() - started:.1f} s)", flush=True)
        return
    manifest.unlink(missing_ok=True)
    _audit(built / "html", evidence)
    if pdf:
        _jupyter_book(root, work, "pdflatex")
        made = built / "latex" / PDF_NAME
        if not made.exists():
            raise SystemExit(f"build failed: {made} was not produced")
        shutil.copyfile(made, built / "html" / "_static" / PDF_NAME)
    _publish(built / "html", out / "html")
    if pdf:
        shutil.copyfile(built / "latex" / PDF_NAME, out / PDF_NAME)
    stamp.write_text(current + "\n")
    manifest.write_text(_listing(built / "html"))
    print(f"book written to {out / 'html'} in {time.perf_counter() - started:.1f} s", flush=True)


def _listing(tree: Path) -> str:
    """Path and content hash of every file (Sphinx re-copies static files on every build, so mtimes change)."""
    from .audit import file_hashes

    return "".join(f"{path} {digest}\n" for path, digest in file_hashes(tree).items())


def _audit(html: Path, evidence: Evidence) -> None:
    """Refuse to publish a book that quotes what no source says, links nowhere, or loads from outside."""
    from .audit import broken_links, external_resources, unverified_quotations

    checks = {
        "passage in quotation marks that is not verbatim in a source": unverified_quotations(html, [s.text for s in evidence.sources.values()]),
        "broken internal link": [f for f in broken_links(html) if "china-japan-security.pdf" not in f.text],
        "resource loaded from outside the book": external_resources(html),
    }
    problems = [f"{kind}: {finding}" for kind, findings in checks.items() for finding in findings]
    if problems:
        raise SystemExit("build failed: " + f"{len(problems)} problem(s) in the built HTML; first: {problems[0]}"
                         + "".join(f"\n  {p}" for p in problems[1:10]) + "\nthe previous book is left in place")


def _publish(staged: Path, target: Path) -> None:
    """Replace target with a copy of staged, swapping directories so readers never see half a book."""
    fresh = target.with_name(target.name + ".new")
    old = target.with_name(target.name + ".old")
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    shutil.copytree(staged, fresh)
    if target.exists():
        os.rename(target, old)
    os.rename(fresh, target)
    shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the book's root (holds _config.yml)")
    parser.add_argument("--out", type=Path, default=None, help="output directory (default <root>/_build)")
    parser.add_argument("--pdf", action="store_true", help="also build the PDF and link it from every page")
    parser.add_argument("--check", action="store_true", help="only validate data/ and exit")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.check:
        verified_data(root)
        return
    build(root, (args.out or root / "_build").resolve(), args.pdf)


if __name__ == "__main__":
    main()
