"""The one progress bar of the project (rich, on stderr, gone when done)."""

from __future__ import annotations

from collections.abc import Callable


def progress_bar(
    label: str, total: int, *, completed: int = 0, enabled: bool = True
) -> tuple[Callable[[int], None], Callable[[], None]]:
    """Start a progress bar; return ``(advance(n), stop())``. Disabled: both do nothing.

    It writes to stderr, so that ``--json`` output on stdout stays clean.
    """
    if not enabled:
        return (lambda n: None), (lambda: None)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from skyshield.display import console, term

    prog = Progress(TextColumn(term(label), markup=False), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TimeRemainingColumn(), transient=True,
                    console=console(stderr=True))
    task = prog.add_task(label, total=total, completed=completed)
    prog.start()
    return (lambda n: prog.advance(task, n)), prog.stop
