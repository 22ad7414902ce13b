"""Build the book: validate data/, build HTML (and the PDF) in a work directory, then publish atomically.

    python -m cjreport.build [--pdf] [--root .] [--out _build]

Bad input stops the build with one line naming the file and the line or id, before anything is written;
a failing chapter or a Sphinx warning fails the build. In every case the last good book in <out>/html
stays in place: it is only replaced once everything has built.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from cjreport import edition
from cjreport.buildlog import shown
from cjreport.data.errors import DataError, all_errors
from cjreport.data.evidence import VERIFIED_ENV, Evidence, data_dir, fingerprint, save_verified
from cjreport.project import CACHE_MISS, PACKAGE_DIR, PDF_NAME, REPORT_PDF_NAME, commit_epoch, package_files

PDFS = (PDF_NAME, REPORT_PDF_NAME)  # the complete book and the report on its own (cjreport/sphinx_ext/typst_pdf.py)



def inputs_fingerprint(root: Path) -> str:
    """Data and package code: when either changes, every chapter must run again (cached outputs would be stale)."""
    digest = hashlib.sha256(fingerprint(data_dir()).encode())
    # Beside data/, the one file chapters read (How to cite, the downloads): a change must re-run them too.
    cff = root / "CITATION.cff"
    digest.update(cff.read_bytes() if cff.is_file() else b"no CITATION.cff")
    for path in package_files():
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode())
        digest.update(path.read_bytes())
    # the edition (CITATION.cff) and the configured addresses (_config.yml) show in chapters' outputs too
    # (how to cite, the downloads table and the commands that name the wheel)
    # the edition (local or public) decides what the appendix and the downloads reproduce
    digest.update(f"edition={edition.name(root)}".encode())
    for path in (root / "CITATION.cff", root / "_config.yml"):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def shell_fingerprint(root: Path) -> str:
    """What every page's shell carries: the table of contents (its sidebar and chapter numbers) and the book's
    own scripts and style sheets, which every page links with their checksum (`cjreport-charts.js?v=…`): a
    page Sphinx did not write again kept the old checksum, so a browser that had cached the old script kept it."""
    toc = root / "_toc.yml"
    digest = hashlib.sha256(toc.read_bytes() if toc.is_file() else b"no _toc.yml")
    static = root / "book" / "_static"
    for path in sorted(static.rglob("*")) if static.is_dir() else []:
        if path.is_file() and path.suffix in (".js", ".css"):
            digest.update(str(path.relative_to(static)).encode() + path.read_bytes())
    return digest.hexdigest()


def pages_fingerprint(root: Path) -> str:
    """The inputs and the book's own pages, bibliography and table of contents. Sphinx judges a page current by
    comparing times, so a page edited while a build reads it is taken as current afterwards: comparing this
    before and after a build catches that."""
    digest = hashlib.sha256(inputs_fingerprint(root).encode())
    for path in sorted((root / "book").rglob("*")):
        if path.is_file() and "_generated" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    for path in (root / "_toc.yml",):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


# what _book_inputs checks against the loaded data, as the note on unchecked files names it
BOOK_INPUTS = ("readings.yaml", "the .bib files", "CITATION.cff")
MAX_ERRORS = 20  # enough to fix a batch in one go; more would scroll the first ones away


def verified_data(root: Path | None = None) -> Evidence:
    """Load and verify data/ (and what Sphinx would read from it), or stop before anything is written, listing
    every independent problem, one line each (`error: <file>:<line> [<id>]: <what>`), up to MAX_ERRORS."""
    from cjreport.data.evidence import check

    directory = data_dir()
    try:
        evidence, errors, skipped = check(directory)
        if evidence is not None and root is not None:
            errors = _book_inputs(root, evidence)
    except Exception as exc:  # a loader bug must still read as one line, and never let a build start
        raise SystemExit(f"error: {directory.name}/: internal error while checking the data "
                         f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]})") from None
    if errors:
        # stdout says what was not checked; stderr holds the errors only, one line each.
        # the book's own inputs (readings.yaml, the .bib files, CITATION.cff) are checked against loaded data, so a
        # data error leaves them unchecked too: the note says so rather than let a later run surprise
        unchecked = [s.file for s in skipped] + (list(BOOK_INPUTS) if evidence is None and root is not None else [])
        if unchecked:
            print(f"note: not checked until the files above are fixed (they depend on them): "
                  f"{', '.join(unchecked)}", flush=True)
        lines = [f"error: {error}" for error in errors[:MAX_ERRORS]]
        if len(errors) > MAX_ERRORS:
            lines.append(f"error: … and {len(errors) - MAX_ERRORS} more ({len(errors)} in all); fix these first")
        raise SystemExit("\n".join(lines))
    print(f"data/ verified: {len(evidence.sources)} sources, {len(evidence.quotations)} quotations, "
          f"{len(evidence.coding)} coded cells", flush=True)
    return evidence


def _book_inputs(root: Path, evidence: Evidence) -> list[DataError]:
    """What the book reads beside data/ and must agree with it: the .bib files (no hand-made entry for a source),
    CITATION.cff's count of sources, prose marked as naming every source."""
    from cjreport.data import bib

    from cjreport.data.citation import cff_problems, stale_counts, uncovered_sources

    errors: list[DataError] = []
    try:
        bib.check(evidence, _other_bibfiles(root))
    except DataError as exc:
        errors.extend(all_errors(exc))
    # Nothing stale: CITATION.cff's count of sources, and prose that says it names every source.
    cff = cff_problems(root)
    errors += cff or stale_counts(root, len(evidence.sources))
    errors += uncovered_sources(root, evidence)
    from cjreport.views import readings  # the book's readings rest on quotations and cite references.bib

    try:
        readings.load_readings(evidence)
    except DataError as exc:
        errors.extend(all_errors(exc))
    for theme in evidence.codebook.themes:  # a theme's chapter must exist (the toc and the links point at it)
        if not (root / "book" / f"{theme.chapter}.md").is_file():
            errors.append(DataError(evidence.data_dir / "codebook.yaml", f"theme {theme.id!r}: its chapter book/{theme.chapter}.md "
                                    "does not exist", item=theme.id))
    for error in errors:  # data/ files named from the project that holds data/, the book's own from its root
        error.relative_to(evidence.data_dir.parent)
        error.relative_to(root)
    return errors


def _other_bibfiles(root: Path) -> list[Path]:
    """The .bib files _config.yml names (the sources' own entries are generated, not among them)."""
    import yaml

    try:
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(root / "_config.yml", f"cannot be read ({exc})") from None
    return [root / name for name in config.get("bibtex_bibfiles") or []]


# jsonschema (imported by Altair in a chart chapter's kernel, and by Jupyter Book) compiles the grammar of
# rfc3987_syntax when that package is installed: about 2.4 s a process. It is installed only for JupyterLab's
# jupyter-events, and the book validates nothing against the IRI format, so the book's own processes (Sphinx, via
# cjreport.jbook, and every kernel, through this IPython start-up file) leave it out; JupyterLab keeps it.
LEAN_STARTUP = "import sys\nsys.modules.setdefault('rfc3987_syntax', None)  # written by cjreport.build: see there\n"


def _kernel_profile(out: Path) -> Path:
    """An IPython directory for the book's kernels whose start-up file applies LEAN_STARTUP."""
    ipython = out / "cjreport" / "ipython"
    startup = ipython / "profile_default" / "startup" / "00-cjreport-lean.py"
    startup.parent.mkdir(parents=True, exist_ok=True)
    startup.write_text(LEAN_STARTUP)
    return ipython


def _jupyter_book(root: Path, work: Path, builder: str, out: Path, log) -> None:
    """One jupyter-book stage, its whole output in the build log (cjreport/buildlog.py), the terminal kept quiet;
    the chapters are read in parallel (cjreport/jbook.py)."""
    # Jupyter Book names its own builders; another Sphinx builder (the PDF's, typst) goes through "custom"
    kind = ["--builder", builder] if builder in ("html", "pdflatex", "latex") else ["--builder", "custom", "--custom-builder", builder]
    cmd = [sys.executable, "-m", "cjreport.jbook", "build", str(root), "--path-output", str(work), *kind, "-W", "-n", "--keep-going"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or commit_epoch(root),
           "FORCE_SOURCE_DATE": "1", "CJREPORT_TARGET": "book",  # display objects give the book's forms
           VERIFIED_ENV: str(out / "cjreport" / "evidence.pickle"), "IPYTHONDIR": str(_kernel_profile(out))}
    stage = "pdf" if builder in ("pdflatex", "typst") else builder
    status = log.run(cmd, cwd=root, env=env, stage=stage)
    if status != 0 and any(CACHE_MISS in line for line in log.warnings):
        # jupyter-cache, written by chapters executed in parallel processes, once lost a chapter's record in a fresh
        # clone (two chapters logged with one cache id). Its other chapters are cached, so reading every page again
        # executes only the lost one.
        print(f"{stage}: a chapter was missing from the execution cache; reading every page again", flush=True)
        shutil.rmtree(work / "_build" / ".doctrees", ignore_errors=True)
        log.warnings.clear()
        status = log.run(cmd, cwd=root, env=env, stage=stage)
    if status != 0:
        causes = "".join(f"\n{line}" for line in _chapter_errors(log.path, root, out, env))
        raise SystemExit(f"build failed: jupyter-book {builder} exited with {status}; "
                         f"{len(log.warnings)} warning(s) or error(s) above; the previous book is left in place; "
                         f"full log: {shown(log.path, root)}{causes}")


def _chapter_errors(log_path: Path, root: Path, out: Path, env: dict[str, str]) -> list[str]:
    """What failed in each chapter that failed. Read in parallel, Sphinx names a failing chapter but drops its
    traceback (a SphinxParallelError carries only the path): each such chapter is run again alone
    (cjreport.rerun), which says in one line which cell raised what."""
    try:
        found = re.findall(r"ExecutionError: (\S+?\.md)", log_path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return []
    lines = []
    for chapter in dict.fromkeys(found):
        result = subprocess.run([sys.executable, "-m", "cjreport.rerun", chapter, "-o", str(out / "cjreport" / "failed.ipynb")],
                                cwd=root, env=env, capture_output=True, text=True, timeout=600)
        said = (result.stderr.strip() or result.stdout.strip()).splitlines()
        lines.append(said[-1] if said else f"error: {chapter} failed (run `python -m cjreport.rerun {chapter}`)")
    return lines


def build(root: Path, out: Path, pdf: bool) -> None:
    started = time.perf_counter()
    evidence = verified_data(root)

    work = out / "work"
    built = work / "_build"
    stamp = out / "inputs.sha256"
    current = inputs_fingerprint(root)
    pages_before = pages_fingerprint(root)
    if not stamp.exists() or stamp.read_text().strip() != current:
        # Data or package changed: drop the execution cache and Sphinx's environment so every chapter re-runs.
        for stale in (built / ".jupyter_cache", built / ".doctrees", built / "jupyter_execute", built / "html", built / "latex",
                      built / "typst"):
            shutil.rmtree(stale, ignore_errors=True)
    shell_stamp, shell_now = out / "toc.sha256", shell_fingerprint(root)
    if not shell_stamp.exists() or shell_stamp.read_text().strip() != shell_now:
        # A new table of contents changes every page's sidebar and chapter numbers, and a changed script or
        # style sheet every page's link to it, but Sphinx writes again only the pages it judges changed: an
        # unchanged chapter kept its old sidebar and links. Read every page again (the execution cache stays: no
        # chapter re-runs).
        shutil.rmtree(built / ".doctrees", ignore_errors=True)
    shell_stamp.unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)

    from cjreport.buildlog import BuildLog

    log = BuildLog(out / "build.log")
    save_verified(evidence, out / "cjreport" / "evidence.pickle")  # load once: Sphinx and the kernels read it
    _jupyter_book(root, work, "html", out, log)
    manifest = out / "published.manifest"
    if not pdf and (out / "html").exists() and manifest.exists() and manifest.read_text() == _listing(built / "html"):
        # Sphinx wrote nothing new: the published book is this very build, already audited.
        stamp.write_text(current + "\n")
        shell_stamp.write_text(shell_now + "\n")
        print(f"book unchanged: {shown(out / 'html' / 'index.html', root)} ({time.perf_counter() - started:.1f} s); "
              f"full log: {shown(log.path, root)}", flush=True)
        return
    manifest.unlink(missing_ok=True)
    log.note("audit: every quotation verbatim, every internal link, nothing loaded from outside")
    _audit(built / "html", evidence)
    if pdf:
        # the PDF edition: Typst, tagged PDF/UA-1 (cjreport/sphinx_ext/typst_pdf.py)
        for name in PDFS:
            (built / "typst" / name).unlink(missing_ok=True)
        pdf_started = time.perf_counter()
        _jupyter_book(root, work, "typst", out, log)
        for name in PDFS:
            if not (built / "typst" / name).exists():
                raise SystemExit(f"build failed: {built / 'typst' / name} was not produced")
        print(f"PDFs written in {time.perf_counter() - pdf_started:.1f} s", flush=True)
        for name in PDFS:
            shutil.copyfile(built / "typst" / name, built / "html" / "_static" / name)
    _publish(built / "html", out / "html")
    if pdf:
        for name in PDFS:
            shutil.copyfile(built / "typst" / name, out / name)
    if pages_fingerprint(root) != pages_before:
        # edited while building: what Sphinx read may predate the edit, and its times would hide that next time
        shutil.rmtree(built / ".doctrees", ignore_errors=True)
        print("note: sources changed during the build; the next build reads every page again", flush=True)
    else:
        stamp.write_text(current + "\n")
        shell_stamp.write_text(shell_now + "\n")
        manifest.write_text(_listing(built / "html"))
    made = "".join(f" and {shown(out / name, root)}" for name in PDFS) if pdf else ""
    print(f"book written: {shown(out / 'html' / 'index.html', root)}{made} in {time.perf_counter() - started:.0f} s; "
          f"full log: {shown(log.path, root)}", flush=True)


def _listing(tree: Path) -> str:
    """Path and content hash of every file (Sphinx re-copies static files on every build, so mtimes change)."""
    from cjreport.audit import file_hashes

    return "".join(f"{path} {digest}\n" for path, digest in file_hashes(tree).items())


def _audit(html: Path, evidence: Evidence) -> None:
    """Refuse to publish a book that quotes what no source says, links nowhere, or loads from outside."""
    from cjreport.audit import broken_links, external_resources, unverified_quotations

    checks = {
        "passage in quotation marks that is not verbatim in a source": unverified_quotations(html, [s.text for s in evidence.sources.values()]),
        "broken internal link": [f for f in broken_links(html) if not any(name in f.text for name in PDFS)],
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
    try:
        shutil.copytree(staged, fresh)
    except (OSError, shutil.Error):
        shutil.rmtree(fresh, ignore_errors=True)  # a full disk leaves no half-written copy behind
        raise
    if target.exists():
        os.rename(target, old)
    os.rename(fresh, target)
    shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    from cjreport.authoring.commands import OneLineParser

    parser = OneLineParser(prog="python -m cjreport.build", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the book's root (holds _config.yml)")
    parser.add_argument("--out", type=Path, default=None, help="output directory (default <root>/_build)")
    parser.add_argument("--pdf", action="store_true", help="also build the PDF and link it from every page")
    parser.add_argument("--check", action="store_true", help="only validate data/ and exit")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        edition.name(root)
    except edition.EditionError as exc:  # CJREPORT_EDITION=publik: one line, before anything is read or written
        raise SystemExit(f"error: {exc}") from None
    if args.check:
        verified_data(root)
        return
    try:
        build(root, (args.out or root / "_build").resolve(), args.pdf)
    except OSError as exc:  # a read-only or full _build: one line, and the published book is untouched
        where = exc.filename or ""
        raise SystemExit(f"build failed: {where}{': ' if where else ''}{exc.strerror or exc}; "
                         "the previous book is left in place") from None


if __name__ == "__main__":
    main()
