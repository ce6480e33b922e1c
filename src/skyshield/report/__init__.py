"""The after-action report: one self-contained HTML page and the same figures as PNG.

``build_report(run_dir)`` reads the output folder of ``skyshield run --out DIR`` and writes
``DIR/report/index.html`` with ``DIR/report/*.png`` beside it (see ``docs/report.md``).
Imports are lazy so that ``skyshield.report.cli`` (and ``skyshield --help``) loads nothing
heavier than typer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.report.build import ReportOutput, build_report

__all__ = ["ReportOutput", "build_report"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from skyshield.report import build

        return getattr(build, name)
    raise AttributeError(f"module 'skyshield.report' has no attribute {name!r}")
