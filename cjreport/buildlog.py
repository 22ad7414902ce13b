"""A quiet build: jupyter-book's output goes, whole, to a log file; the terminal gets one line per stage and
chapter, every warning and error, and the result.

Sphinx, myst-nb, the kernels and latexmk print some three thousand lines on a first build, among which a
warning is easy to miss. Here each line is written to the log as it comes and read for what a person needs:
which chapter is being read (and how long it ran), each warning or error (Sphinx's `WARNING:`/`ERROR:` lines and
the exception a failing chapter raised), the number of PDF pages. The kernels' notice about unencrypted local
transport is not a warning about the book and stays in the log only.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_READING = re.compile(r"^reading sources\.\.\. \[\s*\d+%\] (\S+)")
_EXECUTED = re.compile(r"^(\S+?\.(?:md|ipynb)): Executed notebook in ([\d.]+) seconds")
_CACHED = re.compile(r"^(\S+?\.(?:md|ipynb)): Using cached notebook")
_WARNING = re.compile(r"(WARNING|ERROR|CRITICAL|SEVERE)(:| \|)")
_KERNEL_NOTICE = re.compile(r"\[IPKernelApp\] WARNING \| Kernel is running over TCP without encryption")
_EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception)): \S")
_PAGES = re.compile(r"^Output written on (\S+) \((\d+) pages?")
_WRITING = re.compile(r"^writing output\.\.\. \[")
_READ_DONE = re.compile(r"^(looking for now-outdated files|pickling environment|checking consistency)")


class BuildLog:
    """The full log of one build, at `path` (a file under _build/, replaced by each build)."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
        self.warnings: list[str] = []

    def note(self, line: str) -> None:
        """A line for both the terminal and the log."""
        print(line, flush=True)
        with open(self.path, "a", encoding="utf-8") as log:
            log.write(line + "\n")

    def run(self, cmd: list[str], *, cwd: Path, env: dict, stage: str) -> int:
        """Run one stage (html or pdf), its output to the log; return its exit status."""
        started = time.perf_counter()
        self.note(f"{stage}: {' '.join(Path(c).name if i == 0 else c for i, c in enumerate(cmd))}")
        current: str | None = None
        writing = False
        pages = None
        with open(self.path, "a", encoding="utf-8", errors="replace") as log:
            process = subprocess.Popen(cmd, cwd=cwd, env={**env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace", bufsize=1)
            assert process.stdout is not None
            for raw in process.stdout:
                log.write(raw)
                line = _ANSI.sub("", raw).rstrip()
                if not line:
                    continue
                reading = _READING.match(line)
                if reading:
                    if current:
                        self._chapter(stage, current, None)
                    current = reading.group(1)
                    continue
                executed = _EXECUTED.match(line) or _CACHED.match(line)
                if executed and current and Path(executed.group(1)).with_suffix("").as_posix().endswith(current):
                    self._chapter(stage, current, executed.group(2) if executed.re is _EXECUTED else "cached")
                    current = None
                    continue
                if current and _READ_DONE.match(line):
                    self._chapter(stage, current, None)
                    current = None
                    continue
                if _WRITING.match(line) and not writing:
                    if current:
                        self._chapter(stage, current, None)
                        current = None
                    writing = True
                    print(f"{stage}: writing pages", flush=True)
                    continue
                if line.startswith("processing ") and ".tex..." in line:
                    if current:
                        self._chapter(stage, current, None)
                        current = None
                    print(f"{stage}: typesetting {line.split()[1].rstrip('.')} (latexmk, xelatex)", flush=True)
                    continue
                if _PAGES.match(line):  # latexmk runs xelatex until the pages settle: the last count is the PDF's
                    pages = _PAGES.match(line)
                    continue
                if _KERNEL_NOTICE.search(line):
                    continue
                if (_WARNING.search(line) or _EXCEPTION.match(line)) and line not in self.warnings:
                    self.warnings.append(line)  # once: a failing chapter's traceback is printed twice, chained
                    print(f"{stage}: {line}", flush=True)
            status = process.wait()
        if current:
            self._chapter(stage, current, None)
        if pages:
            print(f"{stage}: {pages.group(1)}, {pages.group(2)} pages", flush=True)
        print(f"{stage}: done in {time.perf_counter() - started:.0f} s" if status == 0 else
              f"{stage}: failed (exit status {status})", flush=True)
        return status

    @staticmethod
    def _chapter(stage: str, doc: str, ran: str | None) -> None:
        detail = "" if ran is None else " (from the execution cache)" if ran == "cached" else f" (ran in {float(ran):.1f} s)"
        print(f"{stage}: read {doc}{detail}", flush=True)


def shown(path: Path, root: Path) -> str:
    """A path as the person who ran the build types it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path, Path.cwd()) if path.resolve().is_relative_to(Path.cwd().resolve()) else str(path)
    except (OSError, ValueError):
        return str(path)
