"""``skyshield plan`` and ``skyshield plan-draw``: thin commands over :mod:`skyshield.plan`.

Only typer and the standard library at module level, so that ``skyshield --help`` is instant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from skyshield.args import cap_workers, check_run_args
from skyshield.cli_options import ForceWorkers, Overwrite
from skyshield.errors import InputError


def _check_prob(value: float | None, name: str) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise InputError(f"must be in [0, 1] (got {value})", file="<argument>", field=name)


def plan(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    alternatives: Annotated[int | None, typer.Option(
        "--alternatives", "-k", help="Distinct alternative routes (default 3).")] = None,
    leak: Annotated[float | None, typer.Option(
        "--leak", help="Probability Q that the adversary learns the actual plan (default 0).",
    )] = None,
    risk_threshold: Annotated[float | None, typer.Option(
        "--risk-threshold", help="Go / no-go threshold on the VIP's loss probability.")] = None,
    plan_spec: Annotated[Path | None, typer.Option(
        "--plan-spec", help="Planning file (YAML): window, corridor, adversaries, postures.",
    )] = None,
    replications: Annotated[int | None, typer.Option(
        "--replications", "-n", help="Monte Carlo replications per plan (0: no check).")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the Monte Carlo check.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes for the Monte Carlo.")] = 1,
    force_workers: ForceWorkers = False,
    overwrite: Overwrite = False,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o",
        help="Output folder: plan.json, strategy.json (for plan-draw), plots/plan_map.png.",
    )] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Plan the VIP flight: safest route and departure, alternatives, a leak-robust mixed
    strategy, each plan checked by the Monte Carlo; go / no-go against the threshold."""
    _check_prob(leak, "--leak")
    _check_prob(risk_threshold, "--risk-threshold")
    if alternatives is not None and not 0 <= alternatives <= 20:
        raise InputError("must be in [0, 20]", file="<argument>", field="--alternatives")
    check_run_args(replications, seed, workers, min_replications=0)
    workers = cap_workers(workers, force=force_workers) or 1
    from skyshield.plan.planner import plan_flight
    from skyshield.plan.spec import PlanSpec, load_spec
    from skyshield.scenario import load_scenario

    sc = load_scenario(scenario)
    if out is not None:  # refused now, not after the planning
        from skyshield.plan.outcome import check_plan_out

        check_plan_out(out, sc, overwrite=overwrite)
    spec = load_spec(plan_spec) if plan_spec is not None else PlanSpec()
    over: dict[str, Any] = {
        "alternatives": alternatives, "leak_probability": leak,
        "risk_threshold": risk_threshold, "mc_replications": replications, "seed": seed,
    }
    spec = spec.model_copy(update={k: v for k, v in over.items() if v is not None})
    show = not quiet and sys.stderr.isatty()  # on stderr: --json on stdout stays clean
    try:
        outcome = plan_flight(sc, spec, workers=workers, progress=show)
    except InputError as exc:
        if exc.file is not None:
            raise
        raise _located(exc, scenario, plan_spec) from None
    if out is not None:
        outcome.save(out, overwrite=overwrite)
    if json_out:
        sys.stdout.write(outcome.to_json())
        return
    sys.stdout.write(outcome.describe())
    if out is not None:
        sys.stdout.write(f"written: {out}/plan.json, {out}/strategy.json, "
                         f"{out}/plots/plan_map.png\n")


def _located(exc: InputError, scenario: Path, plan_spec: Path | None) -> InputError:
    """Name the file an impossible request comes from: the scenario for its own fields and
    for limits nobody set (they are derived from it), else the plan spec."""
    from skyshield.scenario.yaml_lines import field_line

    field = exc.field or ""
    in_spec = plan_spec is not None and field_line(plan_spec, field) is not None \
        and not field.startswith("assets.")
    path = plan_spec if in_spec and plan_spec is not None else scenario
    return InputError(exc.message, file=str(path), line=field_line(path, field), field=field)


def plan_draw(
    strategy: Annotated[Path, typer.Argument(help="strategy.json written by 'skyshield plan'.")],
    seed: Annotated[int | None, typer.Option(
        help="Seed, for tests and replays only; omit it at execution time (OS entropy).",
    )] = None,
    scenario: Annotated[Path | None, typer.Option(
        help="The scenario the strategy was planned on (with --scenario-out).")] = None,
    scenario_out: Annotated[Path | None, typer.Option(
        help="Also write the drawn plan as a runnable scenario (YAML): the scenario with the "
             "plan's posture, route, departure and altitude.")] = None,
) -> None:
    """Draw the plan to fly from a mixed strategy, at execution time."""
    check_run_args(seed=seed)
    from skyshield.errors import InputError
    from skyshield.plan.outcome import PlanSampler

    if (scenario is None) != (scenario_out is None):
        raise InputError("--scenario and --scenario-out go together", file="<argument>",
                         field="--scenario-out" if scenario is not None else "--scenario")
    sampler = PlanSampler.load(strategy)
    plan = sampler.draw(seed)
    if scenario is not None and scenario_out is not None:
        import yaml

        from skyshield.outfolder import atomic_write
        from skyshield.plan.outcome import plan_scenario
        from skyshield.scenario import load_scenario

        if scenario_out.is_dir() or not scenario_out.parent.is_dir():
            raise InputError("give a file in an existing folder", file=str(scenario_out),
                             field="--scenario-out")
        variant = plan_scenario(load_scenario(scenario), plan, file=str(strategy))
        atomic_write(scenario_out, yaml.safe_dump(variant.model_dump(mode="json"),
                                                  sort_keys=False, allow_unicode=True))
    sys.stdout.write(json.dumps(plan, indent=2) + "\n")


def register(app: typer.Typer) -> None:
    """Add ``plan`` and ``plan-draw`` to the top-level CLI."""
    app.command("plan")(plan)
    app.command("plan-draw")(plan_draw)
