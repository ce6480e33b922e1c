"""Parameter sweeps: a design of scenario variants, one Monte Carlo run per point, stored as
they finish and resumable after any interruption.

    plan = plan_sweep(scenario, ["raids[0].count=50:800:50"], replications=1000, seed=1)
    result = run_sweep(plan, "out/raid-size")          # process pool; backend="ray" for Ray

Every point uses the same seed by default (common random numbers: two points differ only
through their parameters, so differences between points are sharp), or with
``independent_seeds`` a seed derived from (seed, point index) alone. Either way a point's
result depends only on its scenario, replications and seed, never on the backend, the number
of workers or the order in which points finish.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skyshield.analysis.executor import DEFAULT_SIMULATOR, PointTask, execute
from skyshield.analysis.spec import (
    Vary,
    design,
    parse_vary,
    point_scenarios,
)
from skyshield.analysis.store import SweepStore, point_row
from skyshield.args import Objective, check_run_args
from skyshield.interrupt import Interrupted, deferred_sigint
from skyshield.outfolder import ARTEFACTS, atomic_path, check_entries, claim, out_folder
from skyshield.progress import progress_bar
from skyshield.scenario.identity import digest, scenario_form, scenario_hash
from skyshield.scenario.paths import Scalar

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.scenario.schema import Scenario


def point_seed(seed: int, point: int) -> int:
    """The seed of ``point`` in a sweep with independent seeds: SHA-256 of (seed, point),
    63 bits, so it depends on nothing else (not on the order in which points finish)."""
    h = hashlib.sha256(f"skyshield-sweep/{seed}/{point}".encode()).digest()
    return int.from_bytes(h[:8], "big") >> 1


def cost_proxy(scenario: Scenario) -> float:
    """Relative cost of one replication: time steps × (drones + a constant for the rest).

    Only the order of points uses it (longest first); see ``docs/scaling.md``.
    """
    drones = float(sum(r.count for r in scenario.raids))
    if scenario.leak is not None:
        drones += scenario.leak.probability * scenario.leak.count
    return scenario.duration_s / scenario.dt_s * (drones + 20.0)


@dataclass
class SweepPlan:
    """A validated sweep, ready to run: its points, their scenarios and seeds, and its key.

    The key (SHA-256 of the scenario, the points, replications, seeds and version) names the
    sweep in its store: a run with the same key resumes it.
    """

    scenario: Scenario
    varies: list[Vary]
    lhs: int | None
    replications: int
    seed: int
    independent_seeds: bool
    points: list[dict[str, Scalar]]
    scenarios: list[Scenario]
    seeds: list[int]
    key: str
    simulator: str = DEFAULT_SIMULATOR

    @property
    def paths(self) -> list[str]:
        return [v.path for v in self.varies]

    def meta(self) -> dict[str, str]:
        from skyshield._version import __version__

        return {
            "scenario": self.scenario.name,
            "scenario_hash": scenario_hash(self.scenario),
            "scenario_json": self.scenario.model_dump_json(),
            "vary_json": json.dumps([_vary_json(v) for v in self.varies]),
            "lhs": "" if self.lhs is None else str(self.lhs),
            "replications": str(self.replications),
            "seed": str(self.seed),
            "seed_mode": "independent" if self.independent_seeds else "common",
            "points": str(len(self.points)),
            "skyshield_version": __version__,
        }


def _vary_json(v: Vary) -> dict[str, Any]:
    if v.lhs is not None:
        return {"path": v.path, "lhs": list(v.lhs), "integer": v.integer}
    return {"path": v.path, "values": list(v.values)}


def plan_sweep(
    scenario: Scenario,
    vary: Sequence[str | Vary],
    *,
    lhs: int | None = None,
    replications: int = 1000,
    seed: int = 0,
    independent_seeds: bool = False,
    simulator: str = DEFAULT_SIMULATOR,
) -> SweepPlan:
    """Parse and check a sweep: every point's scenario is validated before any work starts.

    Parameters
    ----------
    scenario
        The base scenario.
    vary
        ``PATH=SPEC`` strings (see :mod:`skyshield.analysis.spec`) or parsed :class:`Vary`.
    lhs
        Samples of the Latin-hypercube dimensions (``lhs(a,b)`` specs).
    replications, seed
        Of every point's Monte Carlo run. The seed also draws the Latin hypercube.
    independent_seeds
        Give each point its own seed (:func:`point_seed`) instead of common random numbers.

    Raises
    ------
    InputError
        A spec that does not parse, an unknown parameter, an empty range, an invalid point.
    """
    check_run_args(replications, seed)
    base = scenario.model_dump(mode="json")
    varies = [v if isinstance(v, Vary) else parse_vary(v, base) for v in vary]
    points = design(varies, lhs, seed)
    scenarios = point_scenarios(scenario, points)
    seeds = [point_seed(seed, i) if independent_seeds else seed for i in range(len(points))]
    from skyshield._version import __version__

    key = digest({
        "scenario": scenario_form(scenario), "points": points, "replications": replications, "seeds": seeds,
        "version": __version__, "simulator": simulator,
    })
    return SweepPlan(scenario, varies, lhs, replications, seed, independent_seeds, points,
                     scenarios, seeds, key, simulator)


@dataclass
class SweepResult:
    """A finished sweep: every point's row of ``sweep_points`` (point order).

    Its files (``sweep.duckdb``, ``sweep_points.parquet``) are written into :attr:`out_dir`
    while it runs; :meth:`save` writes them into another folder. :meth:`to_json` is what
    ``skyshield sweep --json`` prints, :meth:`describe` the table it prints otherwise.
    """

    key: str
    out_dir: Path
    scenario: str
    paths: list[str]
    replications: int
    seed: int
    rows: list[dict[str, Any]]
    ran: int  # points run by this call
    resumed: int  # points found already done in the store
    seconds: float
    point_seconds: dict[int, float] = field(default_factory=dict)  # of the points run here
    point_cpu_seconds: dict[int, float] = field(default_factory=dict)
    #: what the sweep is read by (``--objective``); a view of the points, not part of the key
    objective: Objective = field(default_factory=Objective)

    scenario_hash: str = ""  # of the base scenario (skyshield.scenario.scenario_hash)

    def _objective(self, r: dict[str, Any]) -> dict[str, Any]:
        from skyshield.results.objective import objective_from_summary

        return objective_from_summary(self.objective, json.loads(r["summary_json"]))

    def to_dict(self) -> dict[str, Any]:
        """The ``skyshield sweep --json`` object."""
        first = self._objective(self.rows[0]) if self.rows else None
        return {
            "sweep_key": self.key,
            "scenario": self.scenario,
            "out": str(self.out_dir),
            "varied": self.paths,
            "replications": self.replications,
            "seed": self.seed,
            "points_total": len(self.rows),
            "points_run": self.ran,
            "points_resumed": self.resumed,
            "objective": {"objective": self.objective.label,
                          "measures": first["measures"] if first else None,
                          "interval": first["interval"] if first else None},
            "points": [
                {
                    "point": r["point"],
                    "params": json.loads(r["params_json"]),
                    "seed": r["seed"],
                    "vip_p_loss": r["vip_p_loss"],
                    "vip_p_loss_ci95": [r["vip_lo"], r["vip_hi"]],
                    "summary": json.loads(r["summary_json"]),
                    "objective": {k: v for k, v in self._objective(r).items()
                                  if k in ("value", "ci95")},
                }
                for r in self.rows
            ],
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text (what ``skyshield sweep --json`` prints)."""
        from skyshield.display import json_text

        return json_text(self.to_dict())

    def describe(self) -> str:
        """The sweep for the terminal: per point the objective with its 95 % interval, and
        every asset's loss probability."""
        lines = [f"{self.scenario}: {len(self.rows)} points × {self.replications} "
                 f"replications, seed {self.seed} ({self.ran} run, {self.resumed} already done)"]
        width = max(len(p) for p in self.paths)
        num = ",.2f" if self.objective.kind == "value" else ".3f"
        for r in self.rows:
            params = json.loads(r["params_json"])
            vals = "  ".join(f"{p:>{width}}={params[p]!s:<8}" for p in self.paths)
            ob = self._objective(r)
            v, lo, hi = (("—" if x is None else format(x, num)) for x in (ob["value"], *ob["ci95"]))
            lines.append(f"  {r['point']:>4}  {vals}  {ob['measures']} = {v} [{lo}, {hi}]")
            assets = json.loads(r["summary_json"])["assets"]
            lines.append("        P(loss): " + ", ".join(
                f"{a['name']} {a['p_loss']:.3f}" for a in assets))
        lines.append(f"Stored in {self.out_dir}/sweep.duckdb (table sweep_points) and "
                     "sweep_points.parquet")
        from skyshield.display import term_block

        return term_block("\n".join(lines) + "\n")

    def save(self, out: str | Path) -> Path:
        """Write the sweep's files into ``out``: ``sweep_points.parquet`` (point order) and,
        for another folder than :attr:`out_dir`, a copy of ``sweep.duckdb``."""
        target = Path(out)
        store = SweepStore(self.out_dir)
        if target.resolve() != self.out_dir.resolve():
            import shutil

            target = _claim_sweep_folder(target, self.scenario, self.scenario_hash)
            with atomic_path(target / store.path.name) as tmp:
                shutil.copyfile(store.path, tmp)
            store = SweepStore(target)
        store.export_parquet()
        return target


def _claim_sweep_folder(out: str | Path, scenario: str, scenario_hash: str, *,
                        overwrite: bool = False) -> Path:
    """The sweep folder ``out``, checked and made the sweep's (:mod:`skyshield.outfolder`)."""
    folder = out_folder(out, what="sweep folder")
    names = ARTEFACTS["sweep"]
    check_entries(folder, names)
    if scenario_hash:
        claim(folder, "sweep", names, scenario=scenario, scenario_hash=scenario_hash,
              overwrite=overwrite)
    return folder


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "scenario"


def default_folder(plan: SweepPlan) -> Path:
    """Where a sweep goes without ``out``: ``out/sweep-<scenario>-<key>``."""
    return Path("out") / f"sweep-{_slug(plan.scenario.name)}-{plan.key[:8]}"


def sweep_scenario(
    scenario: Scenario | str | Path,
    vary: Sequence[str | Vary],
    *,
    lhs: int | None = None,
    replications: int = 1000,
    seed: int = 0,
    independent_seeds: bool = False,
    out: str | Path | None = None,
    backend: str = "process",
    workers: int | None = None,
    address: str | None = None,
    overwrite: bool = False,
    progress: bool = False,
    objective: Objective | str = "vip",
) -> SweepResult:
    """:func:`plan_sweep` and :func:`run_sweep` in one call (``skyshield sweep``).

    ``scenario`` may be the path of a scenario file; ``out`` defaults to
    :func:`default_folder`. The other parameters are those of the two functions.
    """
    if isinstance(scenario, str | Path):
        from skyshield.scenario import load_scenario

        scenario = load_scenario(scenario)
    plan = plan_sweep(scenario, vary, lhs=lhs, replications=replications, seed=seed,
                      independent_seeds=independent_seeds)
    folder = Path(out) if out is not None else default_folder(plan)
    return run_sweep(plan, folder, backend=backend, workers=workers, address=address,
                     overwrite=overwrite, progress=progress, objective=objective)


def run_sweep(
    plan: SweepPlan,
    out: str | Path,
    *,
    backend: str = "process",
    workers: int | None = None,
    address: str | None = None,
    overwrite: bool = False,
    progress: bool = False,
    max_retries: int = 3,
    objective: Objective | str = "vip",
    replications_field: str = "--replications",
) -> SweepResult:
    """Run the points of ``plan`` not yet in the store at ``out``; store each as it finishes.

    Parameters
    ----------
    plan
        From :func:`plan_sweep`.
    out
        The sweep folder (``sweep.duckdb``, then ``sweep_points.parquet``).
    backend, workers, address, max_retries
        See :func:`skyshield.analysis.executor.execute`.
    overwrite
        Replace a different sweep found in ``out`` (otherwise: an error).
    progress
        Show a progress bar (on stderr).
    objective
        What :meth:`SweepResult.describe` and ``to_json`` report per point (``vip``,
        ``value``, ``asset:NAME``); checked against the scenario's assets before any point
        runs. Not part of the sweep's key: every objective reads the same stored points.
    replications_field
        The option that set the replications, named when the sweep is refused as too large
        (:func:`skyshield.engine.size.check_runs`, before anything is written).
    """
    from skyshield.engine.size import check_runs

    # the whole sweep must fit before anything is written or run
    check_runs(plan.scenarios, plan.replications,
               workers=1 if backend == "serial" else workers,
               replications_field=replications_field)
    from skyshield.results.objective import asset_names_values, resolve_objective

    obj = resolve_objective(objective, asset_names_values(plan.scenario)[0])
    t0 = time.perf_counter()
    h = scenario_hash(plan.scenario)
    out = _claim_sweep_folder(out, plan.scenario.name, h, overwrite=overwrite)
    store = SweepStore(out)
    design_rows = [(i, json.dumps(p, ensure_ascii=False), s)
                   for i, (p, s) in enumerate(zip(plan.points, plan.seeds, strict=True))]
    done = store.begin(plan.key, plan.meta(), design_rows, overwrite=overwrite)
    # longest points first (LPT): when points outnumber workers unevenly, the last round is
    # short points instead of one long straggler. The order changes nothing in the results.
    order = sorted((i for i in range(len(plan.points)) if i not in done),
                   key=lambda i: (-cost_proxy(plan.scenarios[i]), i))
    todo = [PointTask(i, plan.scenarios[i].model_dump_json(), plan.replications,
                      plan.seeds[i], simulator=plan.simulator) for i in order]
    advance, stop = progress_bar("sweep points", len(plan.points), completed=len(done),
                                 enabled=progress)
    secs: dict[int, float] = {}
    cpu: dict[int, float] = {}
    try:
        for out_pt in execute(todo, backend=backend, workers=workers, address=address,
                              max_retries=max_retries):
            i = out_pt.index
            with deferred_sigint():  # a point is stored whole or not at all
                store.add(point_row(i, plan.points[i], plan.replications, plan.seeds[i],
                                    out_pt.summary, plan.key))
            secs[i] = out_pt.seconds
            cpu[i] = out_pt.cpu_seconds
            advance(1)
        res = SweepResult(plan.key, Path(out), plan.scenario.name, plan.paths,
                          plan.replications, plan.seed, store.points(), len(todo), len(done),
                          0.0, secs, cpu, objective=obj, scenario_hash=h)
        res.save(out)
    except KeyboardInterrupt:
        kept = len(done) + len(secs)
        raise Interrupted(f"{kept} of {len(plan.points)} sweep points kept in {store.path}; "
                          "run the same command again to finish the sweep") from None
    finally:
        stop()
    res.seconds = time.perf_counter() - t0
    return res


