"""One error type for bad input, so every failure reads as one line naming file and line or id."""

from __future__ import annotations

from pathlib import Path


class DataError(Exception):
    """Bad input in data/: the message names the file and, where there is one, the line or id.

    str() gives `data/<file>:<line> [<id>]: <what is wrong>`; the path is shown relative to the project
    (the parent of the data directory) once the loader has called `relative_to`.
    """

    def __init__(self, path: Path | str, message: str, *, line: int | None = None, item: str | None = None):
        self.path = Path(path)
        self.line = line
        self.item = item
        # One line, always: newlines in source excerpts would split the message in build logs.
        self.message = " ".join(str(message).split())
        self.shown = str(self.path)
        super().__init__(self._format())

    def _format(self) -> str:
        where = self.shown
        if self.line is not None:
            where += f":{self.line}"
        item = " ".join(str(self.item).split()) if self.item is not None else ""
        if item:  # an empty id (itself the error) shows no brackets
            where += f" [{item}]"
        return f"{where}: {self.message}"

    def relative_to(self, root: Path) -> "DataError":
        """Show the path relative to `root` (the project holding data/), when it lies inside it."""
        try:
            self.shown = self.path.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            try:
                self.shown = self.path.relative_to(root).as_posix()
            except ValueError:
                pass
        self.args = (self._format(),)
        return self

    def __str__(self) -> str:
        return self.args[0] if self.args else self._format()
