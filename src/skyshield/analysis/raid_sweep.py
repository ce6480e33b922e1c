"""The raid-size sweep of a run folder (``skyshield report DIR --raid-sweep``): a small sweep
of the run's own scenario into ``DIR/sweep.duckdb``, which the report then plots.

Every raid's drone count is scaled by the same factor, so the defence meets the same mix of
threats in larger or smaller numbers; the sweep parameter stored for each point is the total
number of drones in the raids (the x axis of the figure).
"""

from __future__ import annotations

import copy
from pathlib import Path

from skyshield.args import check_run_args
from skyshield.errors import InputError

#: Factors applied to every raid's count.
RAID_SCALES = (0.25, 0.5, 1.0, 1.5, 2.0)
#: Name of the swept parameter in ``sweep_points.params_json``.
PARAM = "drones in raids"


def run_seed(folder: Path) -> int:
    """The seed of the run in ``folder`` (its ``summary.json``), 0 when it records none: the
    seed of the extra analyses the report runs, so that they pair with the run."""
    import json

    try:
        return int(json.loads((folder / "summary.json").read_text("utf-8"))["seed"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def run_raid_sweep(run_dir: str | Path, *, replications: int = 200, seed: int | None = None,
                   workers: int = 1, scales: tuple[float, ...] = RAID_SCALES) -> Path:
    """Run the raid-size sweep into ``run_dir/sweep.duckdb`` and return that path.

    Parameters
    ----------
    run_dir
        A run folder (its ``scenario.yaml`` is swept).
    replications
        Per point.
    seed
        Of every point (common random numbers across points); default: the run's seed.
    workers
        1 runs the points one after the other in this process; more use a process pool.
    scales
        Factors of every raid's count (at least one drone per raid).

    Raises
    ------
    InputError
        The folder has no ``scenario.yaml``, or holds a different sweep already.

    Notes
    -----
    The analysis library's store makes the sweep resumable: run again after an interruption,
    the finished points are kept and only the missing ones run.
    """
    from skyshield.analysis.sweep import SweepPlan, run_sweep
    from skyshield.scenario import load_scenario, scenario_from_dict
    from skyshield.scenario.identity import digest, scenario_form

    folder = Path(run_dir)
    path = folder / "scenario.yaml"
    if not path.is_file():
        raise InputError("scenario.yaml is missing: cannot run a raid-size sweep",
                         file=str(path))
    check_run_args(replications, workers=workers, replications_field="--sweep-replications")
    sc = load_scenario(path)
    if seed is None:
        seed = run_seed(folder)
    base = sc.model_dump(mode="json")
    points, scenarios = [], []
    for f in scales:
        d = copy.deepcopy(base)
        for r in d["raids"]:
            r["count"] = max(1, round(r["count"] * f))
        points.append({PARAM: sum(r["count"] for r in d["raids"])})
        scenarios.append(scenario_from_dict(d))
    from skyshield._version import __version__

    seeds = [seed] * len(points)
    key = digest({"scenario": scenario_form(sc), "points": points, "replications": replications,
                  "seeds": seeds, "version": __version__, "raid_sweep": list(scales)})
    plan = SweepPlan(sc, [], None, replications, seed, False, points, scenarios, seeds, key)
    run_sweep(plan, folder, backend="serial" if workers == 1 else "process", workers=workers,
              replications_field="--sweep-replications")
    return folder / "sweep.duckdb"


def ensure_raid_sweep(run_dir: str | Path, *, replications: int = 200, workers: int = 1
                      ) -> Path:
    """The run folder's ``sweep.duckdb``, after running :func:`run_raid_sweep` when there is
    none; a folder without results is refused before any sweep runs.

    Raises
    ------
    InputError
        The folder holds no results (see :func:`skyshield.results.folder.check_run_folder`),
        or see :func:`run_raid_sweep`.
    """
    from skyshield.results.folder import check_run_folder

    folder = check_run_folder(run_dir)
    sweep = folder / "sweep.duckdb"
    if sweep.exists():
        return sweep
    return run_raid_sweep(folder, replications=replications, workers=workers)
