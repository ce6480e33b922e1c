"""``skyshield report OUTDIR``: the after-action report of a run folder.

Thin: parse, call :func:`skyshield.report.build_report`, print. Only ``typer`` and the
standard library at module level, so ``skyshield --help`` stays instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def report(
    outdir: Annotated[Path, typer.Argument(
        help="Output folder of `skyshield run SCENARIO --out DIR`.")],
    replay: Annotated[list[int] | None, typer.Option(
        "--replay", help="A recorded replication to replay (repeatable; default: the first "
                         "few recorded).")] = None,
    png: Annotated[bool, typer.Option(
        "--png/--no-png", help="Also write the figures as DIR/report/*.png.")] = True,
    raid_sweep: Annotated[bool, typer.Option(
        "--raid-sweep", help="When DIR has no sweep.duckdb, first run a small raid-size sweep "
                             "(every raid's count × 0.25 … 2) of the run's scenario into it.")]
    = False,
    sweep_replications: Annotated[int, typer.Option(
        help="Replications per point of --raid-sweep.")] = 200,
    workers: Annotated[int, typer.Option(help="Worker processes for --raid-sweep.")] = 1,
    json_out: Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")]
    = False,
) -> None:
    """Write DIR/report/index.html (self-contained: summary, figures, map, replay) and the
    figures as PNG beside it."""
    from skyshield.report import build_report

    if raid_sweep:
        from skyshield.report.data import load_run

        load_run(outdir)  # a folder without results is refused before any sweep runs
        if not (outdir / "sweep.duckdb").exists():
            from skyshield.report.raid_sweep import run_raid_sweep

            run_raid_sweep(outdir, replications=sweep_replications, workers=workers)
    out = build_report(outdir, replays=replay, png=png)
    if json_out:
        import json

        print(json.dumps(out.to_dict(), indent=1))
        return
    print(f"report: {out.html}")
    if out.figures:
        print(f"figures: {', '.join(str(p) for p in out.figures.values())}")
    print(f"replays: {', '.join(map(str, out.replays)) if out.replays else 'none recorded'}")
    if out.sweep is None:
        print("no sweep.duckdb in the folder: the loss-against-raid-size figure is left out")


def register(app: typer.Typer) -> None:
    """Add the top-level ``report`` command."""
    app.command()(report)
