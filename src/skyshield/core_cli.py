"""Top-level commands of the core: ``run``, ``validate``, ``catalogue``.

Thin: parse, delegate to one library call, print. Heavy imports happen inside the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from skyshield.args import OBJECTIVE_HELP, cap_workers, check_run_args, parse_objective
from skyshield.cli_options import ForceWorkers, Overwrite


def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    replications: Annotated[int | None, typer.Option(
        "--replications", "-n",
        help="Replications (default 1000); with --precision the maximum (default 100000).",
    )] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    workers: Annotated[int, typer.Option(
        help="Worker processes (--backend ray without --address: the local Ray instance's "
             "CPUs).")] = 1,
    backend: Annotated[str, typer.Option(
        help="process (this process or a local pool) or ray (the batches of 250 "
             "replications as Ray tasks; bit-identical results).")] = "process",
    address: Annotated[str | None, typer.Option(
        help="Ray cluster address (default: a local Ray instance).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o",
        help="Output folder (results.duckdb, parquet/, summary.json, plots/).")] = None,
    precision: Annotated[float | None, typer.Option(
        help="Run until the 95 % interval half-width of the VIP loss probability is at most P.",
    )] = None,
    record: Annotated[int, typer.Option(
        help="How many replications to record for the replay: replication 0, then the first "
             "in which the VIP was lost, then the first in which any asset was lost.")] = 2,
    objective: Annotated[str | None, typer.Option(
        help=OBJECTIVE_HELP + " Printed (and added to the JSON) with its 95 % interval.")] = None,
    overwrite: Overwrite = False,
    force_workers: ForceWorkers = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Run the Monte Carlo on a scenario and summarise the outcome with 95 % intervals."""
    check_run_args(replications, seed, workers, precision=precision, backend=backend,
                   address=address)
    obj = None if objective is None else parse_objective(objective)
    workers = cap_workers(workers, force=force_workers or address is not None) or 1
    from skyshield.interrupt import Interrupted
    from skyshield.montecarlo import PRECISION_CAP, simulate
    from skyshield.results.objective import asset_names_values, resolve_objective
    from skyshield.scenario import load_scenario

    sc = load_scenario(scenario)
    if out is not None:
        from skyshield.results.folder import check_run_out

        check_run_out(out, sc, overwrite=overwrite)  # refused now, not after the run
    n = replications if replications is not None else (
        PRECISION_CAP if precision is not None else 1000)
    show = not quiet and sys.stderr.isatty()  # on stderr: --json on stdout stays clean
    if obj is not None:  # checked before any replication runs
        obj = resolve_objective(obj, asset_names_values(sc)[0])
    try:
        # the file, not the loaded scenario: a refusal of the request names it
        res = simulate(scenario, n, seed, workers=workers, precision=precision,
                       record=record, progress=show, backend=backend, address=address)
    except Interrupted as exc:
        where = f"; {out} is as it was" if out is not None else ""
        raise Interrupted(f"{exc.kept}{where}") from None
    if out is not None:
        res.save(out, overwrite=overwrite, objective=obj)
    sys.stdout.write(res.to_json(obj) if json_out else res.describe(out, obj))


def validate(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check a scenario file; print what it holds, or one line naming the problem (exit 2)."""
    from skyshield.scenario import load_scenario
    from skyshield.scenario.text import describe_scenario, scenario_json

    sc = load_scenario(scenario)
    sys.stdout.write(scenario_json(sc) if json_out else describe_scenario(sc, scenario))


def catalogue(
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List the equipment catalogue: threat, sensor and effector classes with their defaults."""
    from skyshield.scenario import default_catalogue
    from skyshield.scenario.text import catalogue_json, describe_catalogue

    cat = default_catalogue()
    sys.stdout.write(catalogue_json(cat) if json_out else describe_catalogue(cat))


def register(app: typer.Typer) -> None:
    app.command()(run)
    app.command()(validate)
    app.command()(catalogue)
