"""The after-action report: one self-contained HTML page and the same figures as PNG.

``build_report(run_dir)`` reads the output folder of ``skyshield run --out DIR`` and writes
``DIR/report/index.html`` with ``DIR/report/*.png`` beside it (see ``docs/report.md``).
"""

from skyshield.report.build import ReportOutput, build_report

__all__ = ["ReportOutput", "build_report"]
