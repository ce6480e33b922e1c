"""What terrain is worth (``skyshield report DIR --terrain-value N``): the run's own scenario
over its terrain and on flat Earth, paired replication by replication.

Two settings (``docs/model.md`` §4.9), each run for the same replications ``0 .. N − 1`` with
the same seed (common random numbers, §2):

- ``flat``: the scenario with ``terrain: none`` (flat Earth: the radio horizon alone masks) —
  the baseline;
- ``terrain``: the scenario as written, over its terrain (every radar and EO/IR detection and
  every engagement needs a clear line of sight).

For each setting: per sensor, P(detect) = drones it held a track on ÷ drones launched
(``sen_tracked``, §5) with its 95 % interval
(:func:`skyshield.results.stats.ratio_interval`) and the paired difference from the flat
baseline with its 95 % interval (:func:`skyshield.results.stats.paired_ratio_difference`);
and :func:`~skyshield.analysis.value_of_information.paired_measures`: P(each moving asset
lost), the value lost at the fixed sites, the rounds fired, each with its paired Δ. The
numbers go to ``DIR/terrain_value.json``; the report reads that file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from skyshield.errors import InputError
from skyshield.results.stats import finite_interval as _ci
from skyshield.results.stats import finite_round as _r

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.results import Results
    from skyshield.scenario.schema import Scenario

#: The file in the run folder (``skyshield.outfolder.ARTEFACTS["terrain_value"]``).
FILE = "terrain_value.json"
#: The option that sets the replications (named in the errors).
OPTION = "--terrain-value"
#: ``(key, label, change of the terrain block)`` of each setting; the first is the baseline
#: of every Δ (``None``: the terrain as written).
SETTINGS: tuple[tuple[str, str, dict[str, str] | None], ...] = (
    ("flat", "flat Earth (terrain: none)", {"source": "none"}),
    ("terrain", "over the terrain", None),
)


def paired_detection(base: Results, other: Results) -> list[dict[str, Any]]:
    """Each sensor's P(detect) in ``other`` and its paired difference from ``base``.

    Parameters
    ----------
    base, other
        :func:`skyshield.simulate` results of the same scenario's sensors, replications and
        seed (replication ``r`` of one pairs with replication ``r`` of the other).

    Returns
    -------
    list
        Per sensor ``{name, kind, tracked_mean, p_detect, p_detect_ci95, d_p_detect,
        d_p_detect_ci95}``: P(detect) = ``Σ_r sen_tracked[r, s] / Σ_r launched[r]`` with its
        95 % interval (replications as the unit), and ``other − base`` with the 95 % normal
        interval on the per-replication differences of the linearised ratios.

    Raises
    ------
    ValueError
        When the two results do not have the same replications and sensors.
    """
    from skyshield.results.stats import paired_ratio_difference

    if (base.replications != other.replications
            or base.sensor_names != other.sensor_names):
        raise ValueError("paired results need the same replications and sensors")
    n_b = base.outcome["wave_launched"].sum(axis=1)
    n_o = other.outcome["wave_launched"].sum(axis=1)
    rows = []
    for s, (name, kind) in enumerate(zip(other.sensor_names, other.sensor_kinds,
                                         strict=True)):
        k_b, k_o = base.outcome["sen_tracked"][:, s], other.outcome["sen_tracked"][:, s]
        p, lo, hi = other.p_detect(s)
        d, dlo, dhi = paired_ratio_difference(k_b, n_b, k_o, n_o)
        rows.append({"name": str(name), "kind": kind,
                     "tracked_mean": _r(float(k_o.mean()), 4),
                     "p_detect": _r(p), "p_detect_ci95": _ci(lo, hi),
                     "d_p_detect": _r(d), "d_p_detect_ci95": _ci(dlo, dhi)})
    return rows


def setting_scenarios(scenario: Scenario) -> list[Scenario]:
    """The scenario under each of :data:`SETTINGS` (flat Earth, then as written)."""
    from skyshield.scenario import scenario_from_dict

    out = []
    for _key, label, terrain in SETTINGS:
        if terrain is None:
            out.append(scenario)
        else:
            data = scenario.model_dump(mode="json")
            data["terrain"] = dict(terrain)
            out.append(scenario_from_dict(data, file=f"<terrain value: {label}>"))
    return out


def check_request(run_dir: str | Path, replications: int) -> Scenario:
    """The run folder's scenario, once the request is known to be good: ``replications`` at
    least 1, a ``scenario.yaml`` that validates and has terrain, and two runs that fit in
    memory (:func:`skyshield.engine.size.check_runs`). Nothing runs, nothing is written.

    Raises
    ------
    InputError
        One line naming ``--terrain-value`` or the file.
    """
    from skyshield.args import check_run_args
    from skyshield.scenario import load_scenario

    check_run_args(replications, replications_field=OPTION)
    path = Path(run_dir) / "scenario.yaml"
    if not path.is_file():
        raise InputError("scenario.yaml is missing: cannot measure what terrain is worth",
                         file=str(path))
    sc = load_scenario(path)
    if sc.terrain.source == "none":
        raise InputError(f"the run's scenario has no terrain (terrain.source: none): "
                         f"{OPTION} compares a scenario over its terrain with flat Earth",
                         file=str(path), field=OPTION)
    _check_fits(setting_scenarios(sc), replications)
    return sc


def _check_fits(variants: list[Scenario], replications: int) -> None:
    from skyshield.engine.size import check_runs

    # the runs go one after the other; what cannot fit is refused before the first
    check_runs(variants, replications, workers=1, what="the terrain value",
               replications_field=OPTION, runs_file=None, runs_field=None)


def terrain_value(scenario: Scenario, *, replications: int, seed: int,
                  progress: bool = False) -> dict[str, Any]:
    """Run the scenario on flat Earth and over its terrain (replications
    ``0 .. replications − 1``, one seed) and compare the second with the first, paired.

    Raises
    ------
    InputError
        When the scenario has no terrain (field ``--terrain-value``) or the runs cannot fit
        (:func:`skyshield.engine.size.check_runs`).

    Returns
    -------
    dict
        ``{scenario, scenario_hash, replications, seed, version, terrain, settings}``:
        ``terrain`` the scenario's terrain block; ``settings[k]``: ``{key, label, changes,
        sensors}`` (:func:`paired_detection`) and
        :func:`~skyshield.analysis.value_of_information.paired_measures`, both against
        setting 0, flat Earth (whose Δ are 0). No timings: the same scenario, replications and
        seed give the same dict.
    """
    from skyshield.analysis.value_of_information import paired_measures
    from skyshield.montecarlo import simulate
    from skyshield.scenario.identity import scenario_hash

    if scenario.terrain.source == "none":
        raise InputError("the scenario has no terrain (terrain.source: none): nothing to "
                         "compare with flat Earth", file="<argument>", field=OPTION)
    variants = setting_scenarios(scenario)
    _check_fits(variants, replications)
    runs = [simulate(v, replications, seed, record=0, progress=progress,
                     progress_label=f"terrain value: {label}")
            for (_key, label, _t), v in zip(SETTINGS, variants, strict=True)]
    rows = []
    for (key, label, terrain), res in zip(SETTINGS, runs, strict=True):
        changes = {} if terrain is None else {"terrain": dict(terrain)}
        rows.append({"key": key, "label": label, "changes": changes,
                     "sensors": paired_detection(runs[0], res),
                     **paired_measures(runs[0], res)})
    from skyshield._version import __version__

    return {"scenario": scenario.name, "scenario_hash": scenario_hash(scenario),
            "replications": replications, "seed": seed, "version": __version__,
            "terrain": scenario.terrain.model_dump(mode="json"), "settings": rows}


def run_terrain_value(run_dir: str | Path, *, replications: int, seed: int | None = None,
                      progress: bool = False) -> Path:
    """Write ``run_dir/terrain_value.json`` for the run folder's own scenario and return its
    path; a file there of the same scenario, replications and seed is kept.

    Parameters
    ----------
    run_dir
        A run folder (its ``scenario.yaml`` is run, over its terrain and on flat Earth).
    replications
        Paired replications per setting (at least 1).
    seed
        Default: the run's seed (``summary.json``), as for the raid sweep.

    Raises
    ------
    InputError
        See :func:`check_request`.
    """
    from skyshield.analysis.value_of_information import run_study

    return run_study(run_dir, file=FILE, group="terrain_value", check=check_request,
                     compute=terrain_value, replications=replications, seed=seed,
                     progress=progress)


__all__ = ["FILE", "OPTION", "SETTINGS", "paired_detection", "run_terrain_value",
           "setting_scenarios", "terrain_value"]
