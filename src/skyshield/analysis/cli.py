"""``skyshield sweep`` and ``skyshield faults``: thin commands over :mod:`skyshield.analysis`.

Only ``typer`` and the standard library are imported here at module level (``--help`` stays
instant); the library is imported inside the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from skyshield.args import OBJECTIVE_HELP, cap_workers, check_run_args, parse_objective
from skyshield.cli_options import ForceWorkers, Overwrite


def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    vary: Annotated[list[str], typer.Option(
        "--vary", "-v",
        help="PATH=SPEC, repeatable. PATH: dotted path into the scenario, list items by index "
             "or name (raids[0].count, raids[Decoys].count, c2.escort_priority, "
             "effectors[SAM Aldmark].params.magazine). SPEC: START:STOP:STEP (inclusive, "
             "e.g. 50:800:50), a,b,c, or lhs(a,b) with --lhs N.")],
    lhs: Annotated[int | None, typer.Option(
        help="Latin-hypercube samples of the lhs(a,b) dimensions.")] = None,
    replications: Annotated[int, typer.Option(
        "--replications", "-n", help="Replications per point.")] = 1000,
    seed: Annotated[int, typer.Option(
        help="Seed of every point (common random numbers) and of the Latin hypercube.")] = 0,
    independent_seeds: Annotated[bool, typer.Option(
        "--independent-seeds", help="Give each point its own seed, derived from --seed and "
                                    "the point's index.")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o",
        help="Sweep folder (sweep.duckdb, sweep_points.parquet); running the same command "
             "again resumes it. Default: out/sweep-<scenario>-<key>.")] = None,
    backend: Annotated[str, typer.Option(help="process (local pool) or ray.")] = "process",
    address: Annotated[str | None, typer.Option(
        help="Ray cluster address (default: a local Ray instance).")] = None,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes (default: the CPU count).")] = None,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Replace a different sweep, or another scenario's skyshield "
                            "files, found in --out.")] = False,
    force_workers: ForceWorkers = False,
    objective: Annotated[str, typer.Option(help=OBJECTIVE_HELP)] = "vip",
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Sweep scenario parameters over a grid or a Latin hypercube.

    Each point is a Monte Carlo run with 95 % intervals, stored in DIR/sweep.duckdb as it
    finishes; the same command run again after an interruption finishes the remaining points.
    """
    check_run_args(replications, seed, workers, backend=backend, address=address)
    obj = parse_objective(objective)
    workers = cap_workers(workers, force=force_workers or address is not None)
    from skyshield.analysis.sweep import sweep_scenario

    show = not quiet and sys.stderr.isatty()  # on stderr: --json on stdout stays clean
    res = sweep_scenario(scenario, vary, lhs=lhs, replications=replications, seed=seed,
                         independent_seeds=independent_seeds, out=out, backend=backend,
                         workers=workers, address=address, overwrite=overwrite, progress=show,
                         objective=obj)
    sys.stdout.write(res.to_json() if json_out else res.describe())


def faults(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    replications: Annotated[int, typer.Option(
        "--replications", "-n", help="Replications of every run.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed shared by every run.")] = 0,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o",
        help="Folder for faults.json, faults.duckdb and plots/tornado.png.")] = None,
    tornado: Annotated[bool, typer.Option(
        "--tornado/--no-tornado", help="Also run the sensitivity (tornado) analysis.")] = True,
    late: Annotated[float, typer.Option(
        help="Seconds of the late-reaction fault.")] = 10.0,
    pk_factor: Annotated[float, typer.Option(
        help="Factor on every kill probability in the degraded-Pk fault.")] = 0.7,
    misid: Annotated[float | None, typer.Option(
        help="Misidentification probability per cycle in the missed-identification fault "
             "(default: max(0.02, 10 × the scenario's)).")] = None,
    spof_threshold: Annotated[float, typer.Option(
        help="Rise of the objective that makes a fault a single point of failure (when its "
             "paired 95 % interval is above zero): of a loss probability, or for "
             "--objective value this share of the assets' total value.")] = 0.05,
    objective: Annotated[str, typer.Option(help=OBJECTIVE_HELP)] = "vip",
    backend: Annotated[str, typer.Option(help="process (local pool) or ray.")] = "process",
    address: Annotated[str | None, typer.Option(help="Ray cluster address.")] = None,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes (default: the CPU count).")] = None,
    overwrite: Overwrite = False,
    force_workers: ForceWorkers = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Single-failure (N−1) analysis and sensitivity: the defence's single points of failure.

    Each sensor and effector out in turn, a late reaction, degraded kill probabilities, a
    missed identification, a jammer off — ranked by the change of the objective (the VIP's
    loss probability by default; common random numbers, paired 95 % intervals), with every
    asset's change beside it — and a tornado chart over the main parameters.
    """
    check_run_args(replications, seed, workers, backend=backend, address=address,
                   min_replications=2)
    obj = parse_objective(objective)
    workers = cap_workers(workers, force=force_workers or address is not None)
    from skyshield.analysis.faults import analyse_faults
    from skyshield.outfolder import check_out
    from skyshield.scenario import load_scenario, scenario_hash

    sc = load_scenario(scenario)
    if out is not None:  # refused now, not after the analysis
        check_out(out, "faults", sc.name, scenario_hash(sc), overwrite=overwrite,
                  what="faults folder")
    show = not quiet and sys.stderr.isatty()  # on stderr: --json on stdout stays clean
    rep = analyse_faults(sc, replications=replications, seed=seed, tornado=tornado,
                         late_s=late, pk_factor=pk_factor, misid_p=misid,
                         spof_threshold=spof_threshold, backend=backend, workers=workers,
                         address=address, progress=show, objective=obj,
                         scenario_file=str(scenario))
    if out is not None:
        rep.save(out, plot=True, overwrite=overwrite)
    sys.stdout.write(rep.to_json() if json_out else rep.describe(out=out))


def frontier(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    designs: Annotated[Path, typer.Option(
        "--designs", "-d", help="Designs file (YAML): designs: [{name, changes: {PATH: "
                                "VALUE}}], PATH as for sweep --vary; a VALUE may be a "
                                "whole role schedule or reserve.")],
    replications: Annotated[int, typer.Option(
        "--replications", "-n", help="Replications of every design.")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed shared by every design.")] = 0,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o",
        help="Folder for frontier.json, frontier.duckdb and frontier.png.")] = None,
    backend: Annotated[str, typer.Option(help="process (local pool) or ray.")] = "process",
    address: Annotated[str | None, typer.Option(help="Ray cluster address.")] = None,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes (default: the CPU count).")] = None,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Replace another scenario's skyshield files found in --out.")]
    = False,
    force_workers: ForceWorkers = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """The escort/area split as a frontier: P(VIP lost) against the value lost at the sites.

    The scenario as written and every design of the designs file run with common random
    numbers; the designs that no other beats on both measures form the frontier, with paired
    95 % intervals against the scenario as written and between frontier neighbours.
    """
    check_run_args(replications, seed, workers, backend=backend, address=address,
                   min_replications=2)
    workers = cap_workers(workers, force=force_workers or address is not None)
    from skyshield.analysis.frontier import load_designs, split_frontier
    from skyshield.scenario import load_scenario

    ds = load_designs(designs)
    sc = load_scenario(scenario)
    if out is not None:  # refused now, not after the designs ran
        from skyshield.outfolder import check_out
        from skyshield.scenario import scenario_hash

        check_out(out, "frontier", sc.name, scenario_hash(sc), overwrite=overwrite,
                  what="frontier folder")
    show = not quiet and sys.stderr.isatty()  # on stderr: --json on stdout stays clean
    res = split_frontier(sc, ds, replications=replications, seed=seed, backend=backend,
                         workers=workers, address=address, progress=show, file=str(designs))
    if out is not None:
        res.save(out, overwrite=overwrite)
    sys.stdout.write(res.to_json() if json_out else res.describe(out=out))


def register(app: typer.Typer) -> None:
    """Add the top-level ``sweep``, ``faults`` and ``frontier`` commands."""
    app.command()(sweep)
    app.command()(faults)
    app.command()(frontier)
