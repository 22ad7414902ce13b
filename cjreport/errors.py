"""One error type for bad input, so every failure reads as one line naming file and line or id."""

from __future__ import annotations

from pathlib import Path


class DataError(Exception):
    """Bad input in data/: the message names the file and, where there is one, the line or id."""

    def __init__(self, path: Path | str, message: str, *, line: int | None = None, item: str | None = None):
        self.path = Path(path)
        self.line = line
        self.item = item
        where = str(self.path)
        if line is not None:
            where += f":{line}"
        if item is not None:
            where += f" [{item}]"
        # One line, always: newlines in source excerpts would split the message in build logs.
        flat = " ".join(message.split())
        super().__init__(f"{where}: {flat}")
