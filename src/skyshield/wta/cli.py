"""``skyshield wta``: solve, generate and benchmark weapon–target assignment instances.

Thin: parse, delegate to one library call, print. Only ``typer`` and the standard library
are imported at module level so that ``skyshield --help`` stays instant.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from skyshield.args import check_run_args
from skyshield.errors import InputError

app = typer.Typer(
    help="Weapon–target assignment: exact, local-search and greedy solvers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_METHODS = ("exact", "local", "greedy")
_RECIPES = ("ahuja", "andersen")


@app.command()
def solve(
    file: Annotated[Path, typer.Argument(help="Instance (published format, plain or .gz).")],
    method: Annotated[str, typer.Option(help="exact | local | greedy.")] = "exact",
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds.")] = 60.0,
    seed: Annotated[int, typer.Option(help="Seed of the local search.")] = 0,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Solve an instance; print objective, lower bound, gap, status, seconds, assignment."""
    if method not in _METHODS:
        raise InputError(f"must be one of {', '.join(_METHODS)}, got {method!r}",
                         file="<argument>", field="--method")
    if not time_limit > 0:
        raise InputError("must be > 0", file="<argument>", field="--time-limit")
    from skyshield.wta import read_instance
    from skyshield.wta import solve as wta_solve

    problem = read_instance(file)
    sol = wta_solve(problem, method=method, time_limit=time_limit, seed=seed)
    typer.echo(sol.to_json() if json_out else sol.describe(problem))


@app.command()
def generate(
    recipe: Annotated[str, typer.Argument(help="ahuja | andersen.")],
    out: Annotated[Path, typer.Argument(help="File to write (.gz to compress).")],
    weapons: Annotated[int, typer.Option(help="Weapon types W.")] = 80,
    targets: Annotated[int | None, typer.Option(
        help="Targets T (ahuja only; default W; andersen uses 2W).")] = None,
    units: Annotated[int, typer.Option(help="Units of every weapon type.")] = 1,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Write a random instance of the Ahuja et al. (2007) or Andersen et al. (2022) recipe."""
    if recipe not in _RECIPES:
        raise InputError(f"must be one of {', '.join(_RECIPES)}, got {recipe!r}",
                         file="<argument>", field="RECIPE")
    if weapons < 1:
        raise InputError("must be at least 1", file="<argument>", field="--weapons")
    if targets is not None and (targets < 1 or recipe != "ahuja"):
        raise InputError("must be at least 1, and only with the ahuja recipe",
                         file="<argument>", field="--targets")
    if units < 0:
        raise InputError("must be >= 0", file="<argument>", field="--units")
    check_run_args(seed=seed)
    from skyshield.limits import check
    from skyshield.wta.instances import BYTES_PER_PAIR, BYTES_PER_UNIT

    n_t = 2 * weapons if recipe == "andersen" else (targets or weapons)
    check(f"an instance of {weapons:,} weapon types x {n_t:,} targets x {units:,} units",
          memory=float(BYTES_PER_PAIR) * weapons * n_t + float(BYTES_PER_UNIT) * weapons * units,
          file="<argument>", field="--weapons")

    from skyshield.outfolder import out_file

    out = out_file(out, option="OUT")
    from skyshield.wta import ahuja_instance, andersen_instance, write_instance

    if recipe == "ahuja":
        problem = ahuja_instance(weapons, targets, seed=seed, units=units)
    else:
        problem = andersen_instance(weapons, units, seed=seed)
    write_instance(problem, out)
    typer.echo(json.dumps({"file": str(out), "weapons": problem.n_weapons,
                           "targets": problem.n_targets, "units": units, "seed": seed}))


@app.command()
def bench(
    quick: Annotated[bool, typer.Option("--quick", help="Short run (seconds).")] = False,
    repeats: Annotated[int | None, typer.Option(help="Repeats per case.")] = None,
    baseline: Annotated[bool, typer.Option(help="Also run the Kelley/HiGHS baseline.")] = True,
) -> None:
    """Benchmark the solvers against a generic Kelley MILP and the published records."""
    if repeats is not None and not 1 <= repeats <= 1000:
        raise InputError("must be in [1, 1000]", file="<argument>", field="--repeats")
    from skyshield.wta.bench import run_benchmark

    run_benchmark(quick=quick, repeats=repeats, baseline=baseline)
