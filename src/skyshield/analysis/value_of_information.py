"""The value of information (``skyshield report DIR --value-of-information N``): the run's
own scenario with C2 on the truth and on tracks, paired replication by replication.

Three settings of ``c2`` (``docs/model.md`` §4.5.2, §4.7.1), each run for the same
replications ``0 .. N − 1`` with the same seed (common random numbers, §2):

- ``truth``: ``information: truth``, intent as written — the baseline;
- ``tracks``: ``information: tracks``, intent as written;
- ``tracks_heading``: ``information: tracks``, ``intent: heading``.

For each setting :func:`paired_measures` gives P(each moving asset lost) with its 95 % Wilson
interval, the value lost at the fixed sites and the rounds fired per replication (95 % normal
intervals), and the paired difference of each from the baseline with its 95 % interval
``d̄ ± 1.96 s_d/√R`` on the per-replication differences
(:func:`skyshield.results.stats.paired_difference`). The numbers go to
``DIR/value_of_information.json``; the report reads that file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skyshield.errors import InputError

# the frontier's rounding of estimates and intervals (JSON-ready: None for NaN)
from skyshield.results.stats import finite_interval as _ci
from skyshield.results.stats import finite_round as _r

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.results import Results
    from skyshield.scenario.schema import Scenario

#: The file in the run folder (``skyshield.outfolder.ARTEFACTS["voi"]``).
FILE = "value_of_information.json"
#: The option that sets the replications (named in the errors).
OPTION = "--value-of-information"
#: ``(key, label, c2 changes)`` of each setting; the first is the baseline of every Δ.
SETTINGS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("truth", "truth (intent as written)", {"c2.information": "truth"}),
    ("tracks", "tracks (intent as written)", {"c2.information": "tracks"}),
    ("tracks_heading", "tracks, intent from the heading",
     {"c2.information": "tracks", "c2.intent": "heading"}),
)


def paired_measures(base: Results, other: Results) -> dict[str, Any]:
    """The measures of ``other`` and their paired differences from ``base``.

    Parameters
    ----------
    base, other
        :func:`skyshield.simulate` results of the same scenario's assets, replications and
        seed (replication ``r`` of one pairs with replication ``r`` of the other).

    Returns
    -------
    dict
        ``assets``: per moving asset ``{name, p_loss, p_loss_ci95, d_p_loss,
        d_p_loss_ci95}``; ``site_value`` (value lost at the fixed sites per replication,
        ``Σ_a value_a · lost_a``), ``rounds`` (rounds fired per replication), each with
        ``_ci95`` and ``d_`` / ``d_…_ci95`` (``other − base``). Intervals are 95 %: Wilson
        for a probability, normal for a mean, normal on the per-replication differences for
        a Δ.

    Raises
    ------
    ValueError
        When the two results do not have the same replications and assets.
    """
    import numpy as np

    from skyshield.results.stats import mean_interval, paired_difference, wilson_interval

    if (base.asset_lost.shape != other.asset_lost.shape
            or base.asset_names != other.asset_names):
        raise ValueError("paired results need the same replications and assets")
    n = other.replications
    fixed = np.array([k == "fixed" for k in other.asset_kinds], dtype=bool)
    values = np.asarray(other.asset_values, dtype=np.float64)
    assets = []
    for a, name in enumerate(other.asset_names):
        if fixed[a]:
            continue
        b, o = base.asset_lost[:, a].astype(np.float64), other.asset_lost[:, a].astype(np.float64)
        lo, hi = wilson_interval(int(o.sum()), n)
        d, dlo, dhi = paired_difference(b, o)
        assets.append({"name": str(name), "p_loss": _r(float(o.mean())),
                       "p_loss_ci95": _ci(lo, hi), "d_p_loss": _r(d),
                       "d_p_loss_ci95": _ci(dlo, dhi)})
    out: dict[str, Any] = {"assets": assets}
    site = [r.asset_lost[:, fixed].astype(np.float64) @ values[fixed] for r in (base, other)]
    rounds = [r.outcome["eff_shots"].sum(axis=1).astype(np.float64) for r in (base, other)]
    for key, (b, o) in (("site_value", site), ("rounds", rounds)):
        m, lo, hi = mean_interval(o)
        d, dlo, dhi = paired_difference(b, o)
        out |= {key: _r(m, 4), f"{key}_ci95": _ci(lo, hi, 4), f"d_{key}": _r(d, 4),
                f"d_{key}_ci95": _ci(dlo, dhi, 4)}
    return out


def setting_scenarios(scenario: Scenario) -> list[Scenario]:
    """The scenario under each of :data:`SETTINGS`, validated."""
    from skyshield.scenario.paths import with_changes

    return [with_changes(scenario, changes, file=f"<value of information: {label}>")
            for _key, label, changes in SETTINGS]


def check_request(run_dir: str | Path, replications: int) -> Scenario:
    """The run folder's scenario, once the request is known to be good: ``replications`` at
    least 1, a ``scenario.yaml`` that validates, and three runs that fit in memory
    (:func:`skyshield.engine.size.check_runs`). Nothing runs, nothing is written.

    Raises
    ------
    InputError
        One line naming ``--value-of-information`` or the file.
    """
    from skyshield.args import check_run_args
    from skyshield.scenario import load_scenario

    check_run_args(replications, replications_field=OPTION)
    path = Path(run_dir) / "scenario.yaml"
    if not path.is_file():
        raise InputError("scenario.yaml is missing: cannot measure the value of information",
                         file=str(path))
    sc = load_scenario(path)
    _check_fits(setting_scenarios(sc), replications)
    return sc


def _check_fits(variants: list[Scenario], replications: int) -> None:
    from skyshield.engine.size import check_runs

    # the runs go one after the other; what cannot fit is refused before the first
    check_runs(variants, replications, workers=1, what="the value of information",
               replications_field=OPTION, runs_file=None, runs_field=None)


def value_of_information(scenario: Scenario, *, replications: int, seed: int,
                         progress: bool = False) -> dict[str, Any]:
    """Run the scenario under every setting of :data:`SETTINGS` (replications
    ``0 .. replications − 1``, one seed) and compare each with the first, paired.

    Raises
    ------
    InputError
        When the runs cannot fit (:func:`skyshield.engine.size.check_runs`; field
        ``--value-of-information``).

    Returns
    -------
    dict
        ``{scenario, scenario_hash, replications, seed, version, settings}``;
        ``settings[k]``:
        ``{key, label, changes}`` and :func:`paired_measures` against setting 0 (whose Δ
        are 0). No timings: the same scenario, replications and seed give the same dict.
    """
    from skyshield.montecarlo import simulate
    from skyshield.scenario.identity import scenario_hash

    variants = setting_scenarios(scenario)
    _check_fits(variants, replications)
    runs = []
    for (_key, label, _changes), v in zip(SETTINGS, variants, strict=True):
        runs.append(simulate(v, replications, seed, record=0, progress=progress,
                             progress_label=f"value of information: {label}"))
    rows = []
    for (key, label, changes), res in zip(SETTINGS, runs, strict=True):
        rows.append({"key": key, "label": label, "changes": changes,
                     **paired_measures(runs[0], res)})
    from skyshield._version import __version__

    return {"scenario": scenario.name, "scenario_hash": scenario_hash(scenario),
            "replications": replications, "seed": seed, "version": __version__,
            "settings": rows}


def run_value_of_information(run_dir: str | Path, *, replications: int,
                             seed: int | None = None, progress: bool = False) -> Path:
    """Write ``run_dir/value_of_information.json`` for the run folder's own scenario and
    return its path; a file there of the same scenario, replications and seed is kept.

    Parameters
    ----------
    run_dir
        A run folder (its ``scenario.yaml`` is run).
    replications
        Paired replications per setting (at least 1).
    seed
        Default: the run's seed (``summary.json``), as for the raid sweep.

    Raises
    ------
    InputError
        See :func:`check_request`.
    """
    return run_study(run_dir, file=FILE, group="voi", check=check_request,
                     compute=value_of_information, replications=replications, seed=seed,
                     progress=progress)


def run_study(run_dir: str | Path, *, file: str, group: str,
              check: Callable[[Path, int], Scenario], compute: Callable[..., dict[str, Any]],
              replications: int, seed: int | None, progress: bool) -> Path:
    """Write ``run_dir/file``, the JSON of ``compute(scenario, replications=, seed=,
    progress=)`` for the scenario ``check(folder, replications)`` returns (the run's own),
    and return its path; a file there of the same scenario, replications, seed and version
    is kept. Written atomically under the folder's lock as the artefact group ``group``
    (``skyshield.outfolder.ARTEFACTS``). The paired studies of a run folder (the value of
    information, ``skyshield.analysis.terrain_value``) share it."""
    from skyshield._version import __version__
    from skyshield.analysis.raid_sweep import run_seed
    from skyshield.scenario.identity import scenario_hash

    folder = Path(run_dir)
    sc = check(folder, replications)
    seed = run_seed(folder) if seed is None else seed
    h = scenario_hash(sc)
    target = folder / file
    try:
        old = json.loads(target.read_text("utf-8"))
        if (old.get("scenario_hash"), old.get("replications"), old.get("seed"),
                old.get("version")) == (h, replications, seed, __version__):
            return target
    except (OSError, ValueError, AttributeError):
        pass  # no file, or one to replace
    result = compute(sc, replications=replications, seed=seed, progress=progress)
    from skyshield.interrupt import deferred_sigint
    from skyshield.outfolder import ARTEFACTS, atomic_write, check_entries, claim, locked

    names = list(ARTEFACTS[group])
    check_entries(folder, names)
    with deferred_sigint(), locked(folder):
        claim(folder, group, names, scenario=sc.name, scenario_hash=h)
        atomic_write(target, json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    return target


__all__ = ["FILE", "SETTINGS", "paired_measures", "run_study", "run_value_of_information",
           "setting_scenarios", "value_of_information"]
