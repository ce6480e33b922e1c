"""One error type for every bad input: it names the file, the line and the field.

The CLI turns :class:`InputError` into a one-line message on stderr and exit code 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

EXIT_BAD_INPUT = 2


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``" — did you mean 'x'?"`` for the closest of ``known`` to a misspelt ``name`` (``""``
    when none is close)."""
    import difflib

    near = difflib.get_close_matches(str(name), sorted(map(str, known)), n=1, cutoff=0.6)
    return f" — did you mean '{near[0]}'?" if near else ""


class InputError(Exception):
    """A malformed file or argument.

    Parameters
    ----------
    message
        What is wrong, in words a user understands.
    file
        The file (or ``"<argument>"`` for a command-line argument).
    line
        1-based line number in ``file``, when known.
    field
        Dotted field path, e.g. ``raids[0].launch.start_s``.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file if self.line is None else f"{self.file}:{self.line}")
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


def field_path(loc: Sequence[str | int]) -> str:
    """Render a location tuple ``("raids", 0, "count")`` as ``raids[0].count``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
