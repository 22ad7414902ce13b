"""Measure the book's build on this machine and print a table (README, Benchmark).

    .venv/bin/python scripts/benchmark.py

Works on a scratch copy of the book (book/, data/, _config.yml, _toc.yml) so the working tree is never
touched. Measures: (a) executing every chapter once with nbclient, no book; (b) a clean HTML build;
(c) a rebuild with nothing changed; (d) a rebuild after editing one chapter's prose; (e) a rebuild after
editing one quotation in data/; (f) the PDF build; the slowest chapter; the largest HTML page; and how
long a chapter page takes to draw all its charts in headless Chromium. Targets (issues 7 and 18: a clean build ≤ 1.0 × (a), an unchanged rebuild ≤ 3 s, the slowest chapter ≤ 3 s) are checked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbclient
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def chapters(root: Path) -> list[Path]:
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    paths = [root / f"{f}.md" for f in files]
    return [p for p in paths if "```{code-cell}" in p.read_text(encoding="utf-8")]


def execute_all(root: Path) -> dict[str, float]:
    # the chapters' book forms, as the book build runs them (cjreport/build.py sets the same variable)
    os.environ["CJREPORT_TARGET"] = "book"
    times = {}
    for path in chapters(root):
        nb = jupytext.read(path)
        started = time.perf_counter()
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
        times[path.stem] = time.perf_counter() - started
    return times


def build(root: Path, out: Path, *, pdf: bool = False) -> tuple[float, int, str]:
    env = {**os.environ, "CJREPORT_DATA": str(root / "data")}
    cmd = [sys.executable, "-m", "cjreport.build", "--root", str(root), "--out", str(out)] + (["--pdf"] if pdf else [])
    started = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"benchmark: build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    # jupyter-book's own output is in the build log (the terminal is quiet): count executed chapters there
    log = result.stdout + result.stderr + (out / "build.log").read_text(encoding="utf-8", errors="replace")
    executed = len(re.findall(r"Executing notebook using", log))
    return elapsed, executed, log


def chart_draw_times(html: Path) -> dict[str, float]:
    from tests.chromium import offline_browser, serve

    times = {}
    with serve(html) as base, offline_browser(base) as open_page:
        for path in sorted((html / "book").glob("*.html")):
            if "cj-chart" not in path.read_text(encoding="utf-8"):
                continue
            page, _ = open_page(f"book/{path.name}")
            page.wait_for_function("() => [...document.querySelectorAll('.cj-chart')].every(c => c.dataset.drawn)")
            times[path.stem] = page.evaluate("() => performance.now()") / 1000
            page.close()
    return times


def main() -> None:
    from cjreport.audit import PAGE_BYTES_LIMIT

    scratch = Path(tempfile.mkdtemp(prefix="cjbench-"))
    root = scratch / "book-copy"
    root.mkdir()
    for name in ("book", "data"):
        shutil.copytree(ROOT / name, root / name)
    for name in ("_config.yml", "_toc.yml", "CITATION.cff", "jupytext.toml"):
        shutil.copy(ROOT / name, root / name)
    out = scratch / "_build"
    rows: list[tuple[str, str, str, str]] = []
    print(f"benchmark: scratch copy in {scratch}", flush=True)

    exec_times = execute_all(root)
    a = sum(exec_times.values())
    slow_name, slow = max(exec_times.items(), key=lambda kv: kv[1])
    rows.append(("(a) execute every chapter (nbclient, no book)", f"{a:.1f} s", "1.00", f"{len(exec_times)} notebooks"))

    b, nb_b, _ = build(root, out)
    rows.append(("(b) clean full HTML build", f"{b:.1f} s", f"{b / a:.2f}", f"target ≤ 1.0 × (a): {'met' if b <= 1.0 * a else 'MISSED'}; {nb_b} executed"))

    c, nb_c, _ = build(root, out)
    rows.append(("(c) rebuild, nothing changed", f"{c:.1f} s", f"{c / a:.2f}", f"target ≤ 3 s: {'met' if c <= 3 else 'MISSED'}; {nb_c} executed"))

    chapter = root / "book" / "alliance.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA sentence added by the benchmark.\n", encoding="utf-8")
    d, nb_d, _ = build(root, out)
    rows.append(("(d) rebuild after editing one chapter's prose", f"{d:.1f} s", f"{d / a:.2f}",
                 f"target: only that chapter re-executes: {nb_d} executed ({'met' if nb_d <= 1 else 'MISSED'})"))

    quotes = root / "data" / "quotations.yaml"
    records = yaml.safe_load(quotes.read_text(encoding="utf-8"))
    marker = "Benchmark edit"
    records[0]["speaker"] += f" ({marker})"
    quotes.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    e, nb_e, _ = build(root, out)
    shown = any(marker in p.read_text(encoding="utf-8") for p in (out / "html").rglob("*.html"))
    rows.append(("(e) rebuild after editing one quotation in data/", f"{e:.1f} s", f"{e / a:.2f}",
                 f"edit shown: {'yes' if shown else 'NO (stale)'}; {nb_e} executed; target ≤ 1.5 × (a): {'met' if e <= 1.5 * a else 'MISSED'}"))

    started = time.perf_counter()
    env = {**os.environ, "CJREPORT_DATA": str(root / "data")}
    result = subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", str(root), "--path-output",
                             str(out / "work"), "--builder", "custom", "--custom-builder", "typst"],
                            env=env, capture_output=True, text=True)
    f = time.perf_counter() - started
    rows.append(("(f) PDF build (after the HTML build)", f"{f:.1f} s", f"{f / a:.2f}", "ok" if result.returncode == 0 else "FAILED"))

    rows.append(("slowest chapter execution", f"{slow:.2f} s", "", f"{slow_name}; target ≤ 3 s: {'met' if slow <= 3 else 'MISSED'}"))
    largest = max((p for p in (out / "html").rglob("*.html")), key=lambda p: p.stat().st_size)
    size = largest.stat().st_size
    rows.append(("largest HTML page (own bytes)", f"{size / 1024:.0f} KB", "", f"{largest.relative_to(out / 'html')}; "
                 f"target ≤ {PAGE_BYTES_LIMIT // 1024} KB: {'met' if size <= PAGE_BYTES_LIMIT else 'MISSED'}"))
    draws = chart_draw_times(out / "html")
    if draws:
        worst_name, worst = max(draws.items(), key=lambda kv: kv[1])
        rows.append(("charts drawn after page start (worst page)", f"{worst:.2f} s", "", f"{worst_name}; target ≤ 1 s: {'met' if worst <= 1 else 'MISSED'}"))

    widths = [max(len(r[i]) for r in rows + [("measure", "time", "× (a)", "notes")]) for i in range(4)]
    line = " | ".join("{:<%d}" % w for w in widths)
    print()
    print(line.format("measure", "time", "× (a)", "notes"))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row))
    print("\nper chapter (a):", ", ".join(f"{k} {v:.2f} s" for k, v in sorted(exec_times.items(), key=lambda kv: -kv[1])))
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
