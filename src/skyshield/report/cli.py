"""``skyshield report OUTDIR``: the after-action report of a run folder.

Thin: parse, call :func:`skyshield.report.build_report`, print. With ``--raid-sweep`` the
sweep is run first by the analysis library (:mod:`skyshield.analysis.raid_sweep`), with
``--value-of-information N`` the paired truth/tracks runs
(:mod:`skyshield.analysis.value_of_information`), with ``--terrain-value N`` the paired runs
over the terrain and on flat Earth (:mod:`skyshield.analysis.terrain_value`); the report only
reads what they wrote.
Only ``typer`` and the standard library at module level, so ``skyshield --help`` stays
instant.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from skyshield.cli_options import ForceWorkers


def report(
    outdir: Annotated[Path, typer.Argument(
        help="Output folder of `skyshield run SCENARIO --out DIR`.")],
    replay: Annotated[list[int] | None, typer.Option(
        "--replay", help="A recorded replication to replay (repeatable; default: the first "
                         "few recorded).")] = None,
    png: Annotated[bool, typer.Option(
        "--png/--no-png", help="Also write the figures as DIR/report/*.png.")] = True,
    vector: Annotated[bool, typer.Option(
        "--vector", help="Beside each PNG, the figure as SVG and PDF (for briefings).")]
    = False,
    raid_sweep: Annotated[bool, typer.Option(
        "--raid-sweep", help="When DIR has no sweep.duckdb, first run a small raid-size sweep "
                             "(every raid's count × 0.25 … 2) of the run's scenario into it.")]
    = False,
    sweep_replications: Annotated[int, typer.Option(
        help="Replications per point of --raid-sweep.")] = 200,
    value_of_information: Annotated[int | None, typer.Option(
        "--value-of-information", metavar="N",
        help="First run the run's scenario with C2 on the truth, on tracks, and on tracks "
             "with intent from the heading, N paired replications each, into "
             "DIR/value_of_information.json (kept when it already holds this scenario, N "
             "and seed); the report shows what C2's knowledge is worth.")] = None,
    terrain_value: Annotated[int | None, typer.Option(
        "--terrain-value", metavar="N",
        help="First run the run's scenario (it must have a terrain block) over its terrain "
             "and with terrain: none (flat Earth), N paired replications each, into "
             "DIR/terrain_value.json (kept when it already holds this scenario, N and "
             "seed); the report shows what terrain masking does to detection and losses.")]
    = None,
    workers: Annotated[int, typer.Option(help="Worker processes for --raid-sweep.")] = 1,
    force_workers: ForceWorkers = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")]
    = False,
) -> None:
    """Write DIR/report/index.html (self-contained: summary, figures, map, replay) and the
    figures as PNG beside it."""
    from skyshield.report import build_report

    if raid_sweep or value_of_information is not None or terrain_value is not None:
        from skyshield.report.data import load_run

        # a folder the report cannot read, or a bad N, is refused before any analysis runs
        load_run(outdir)
    if value_of_information is not None:
        from skyshield.analysis.value_of_information import check_request

        check_request(outdir, value_of_information)
    if terrain_value is not None:
        from skyshield.analysis.terrain_value import check_request as check_terrain

        check_terrain(outdir, terrain_value)
    if raid_sweep:
        from skyshield.args import cap_workers

        workers = cap_workers(workers, force=force_workers) or 1
        from skyshield.analysis.raid_sweep import ensure_raid_sweep

        ensure_raid_sweep(outdir, replications=sweep_replications, workers=workers)
    if value_of_information is not None:
        from skyshield.analysis.value_of_information import run_value_of_information

        run_value_of_information(outdir, replications=value_of_information,
                                 progress=sys.stderr.isatty())
    if terrain_value is not None:
        from skyshield.analysis.terrain_value import run_terrain_value

        run_terrain_value(outdir, replications=terrain_value, progress=sys.stderr.isatty())
    out = build_report(outdir, replays=replay, png=png, vector=vector)
    sys.stdout.write(out.to_json() if json_out else out.describe())


def export(
    outdir: Annotated[Path, typer.Argument(
        help="Output folder of `skyshield run SCENARIO --out DIR`.")],
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="geojson (RFC 7946), kml, gpx, csv or czml (Cesium, with "
                               "a recorded replay).")] = "geojson",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="File to write (default: DIR/export/layout.<format>).")] = None,
    origin: Annotated[str | None, typer.Option(
        "--origin", metavar="LAT,LON",
        help="Where the scenario's local origin lies on the globe, when it has none "
             "(needed for kml, gpx and czml; geojson is then in lon/lat).")] = None,
    replay: Annotated[int | None, typer.Option(
        "--replay", help="czml: the recorded replication to replay (default: the first).")]
    = None,
) -> None:
    """Write the run's laydown (sites, flight plans, sensors, effectors, coverage, launch
    areas, zones) for GIS, Google Earth or a GPS."""
    from skyshield.report.export import export as write

    sys.stdout.write(f"{write(outdir, fmt, out=out, origin=origin, replay=replay)}\n")


def register(app: typer.Typer) -> None:
    """Add the top-level ``report`` and ``export`` commands."""
    app.command()(report)
    app.command()(export)
