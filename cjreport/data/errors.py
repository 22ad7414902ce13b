"""One error type for bad input, so every failure reads as one line naming file and line or id."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


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


class DataErrors(DataError):
    """Several independent problems found in one pass (all the bad records of a file, or of a whole data/).

    It is a DataError whose own fields and message are the first problem's, so a caller that shows one line
    shows the first; `errors` holds them all, in the order found, for `make check` to list.
    """

    def __init__(self, errors: list[DataError]):
        flat: list[DataError] = []
        for error in errors:
            flat.extend(error.errors if isinstance(error, DataErrors) else [error])
        if not flat:
            raise ValueError("DataErrors needs at least one error")
        self.errors = flat
        first = flat[0]
        super().__init__(first.path, first.message, line=first.line, item=first.item)
        self.shown = first.shown
        self.args = (str(first),)

    def relative_to(self, root: Path) -> "DataErrors":
        for error in self.errors:
            error.relative_to(root)
        self.shown = self.errors[0].shown
        self.args = (str(self.errors[0]),)
        return self


def all_errors(error: DataError) -> list[DataError]:
    """Every problem an error carries (one, or all of a DataErrors)."""
    return list(error.errors) if isinstance(error, DataErrors) else [error]


class Problems:
    """Collects the DataErrors of independent records, so one run reports them all instead of the first.

        problems = Problems()
        for record in records:
            with problems.each():   # a DataError here is recorded, and the loop goes on with the next record
                ...
        problems.raise_any()        # then the file fails with all of them
    """

    def __init__(self) -> None:
        self.errors: list[DataError] = []

    @contextmanager
    def each(self) -> Iterator[None]:
        try:
            yield
        except DataError as exc:
            self.errors.extend(all_errors(exc))

    def raise_any(self) -> None:
        if self.errors:
            raise DataErrors(self.errors)
