"""The objective a defence is measured by (``--objective vip | value | asset:NAME``): its
estimate with a 95 % interval, per replication for paired comparisons, and from a summary.

The objective is a way of reading a run, not a setting of it: the same replications give
every objective, so a sweep or a fault analysis can be read under another objective without
running it again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from skyshield.args import ARG, Objective, parse_objective
from skyshield.errors import InputError
from skyshield.results.stats import mean_interval, wilson_interval

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.scenario.schema import Scenario

__all__ = [
    "Objective",
    "asset_names_values",
    "describe_objective",
    "objective_estimate",
    "objective_from_summary",
    "objective_per_replication",
    "parse_objective",
    "resolve_objective",
]


def asset_names_values(scenario: Scenario) -> tuple[list[str], list[float]]:
    """The assets' names and values in the order of the results: moving first (file order),
    then the fixed sites (file order)."""
    moving, fixed = scenario.assets.moving, scenario.assets.fixed
    return ([a.name for a in moving] + [a.name for a in fixed],
            [float(a.value) for a in moving] + [float(a.value) for a in fixed])


def resolve_objective(objective: Objective | str, asset_names: Sequence[str]) -> Objective:
    """Check ``objective`` against a scenario's assets; return it parsed.

    Raises
    ------
    InputError
        An objective that does not parse, or ``asset:NAME`` naming no asset (field
        ``--objective``; the message lists the assets).
    """
    obj = parse_objective(objective) if isinstance(objective, str) else objective
    if obj.kind == "asset" and obj.asset not in asset_names:
        raise InputError(f"no asset named '{obj.asset}' (assets: {', '.join(asset_names)})",
                         file=ARG, field="--objective")
    return obj


def _index(obj: Objective, asset_names: Sequence[str]) -> int:
    """The asset whose loss probability ``obj`` is (``vip``: asset 0)."""
    return 0 if obj.kind == "vip" else list(asset_names).index(str(obj.asset))


def describe_objective(obj: Objective, asset_names: Sequence[str]) -> str:
    """What the objective measures, in words (``P(loss of VIP helicopter)``...)."""
    if obj.kind == "value":
        return "expected value lost (Σ value × P(loss))"
    return f"P(loss of {asset_names[_index(obj, asset_names)]})"


def objective_per_replication(obj: Objective, lost: np.ndarray, values: Sequence[float],
                              asset_names: Sequence[str]) -> np.ndarray:
    """The objective's per-replication variable, ``(R,) float64``: the asset's loss (0 or 1),
    or the value lost ``Σ_a value_a · lost_a`` (``value``); its mean is the objective.

    Parameters
    ----------
    lost
        ``(R, A) bool``, the results' ``asset_lost``.
    """
    lost = np.asarray(lost, dtype=bool)
    if obj.kind == "value":
        return np.asarray(lost.astype(np.float64) @ np.asarray(values, dtype=np.float64))
    return lost[:, _index(obj, asset_names)].astype(np.float64)


def objective_from_summary(obj: Objective, summary: dict[str, Any]) -> dict[str, Any]:
    """The objective of a run from its summary (``Results.summary``).

    Returns
    -------
    dict
        ``{objective, measures, value, ci95, interval}``: ``vip`` and ``asset:NAME``: the
        asset's loss probability and its 95 % Wilson interval; ``value``: the mean value lost
        per replication and its 95 % normal interval (``cost.damage_value_ci95``).
    """
    names = [str(a["name"]) for a in summary["assets"]]
    if obj.kind == "value":
        c = summary.get("cost", {})
        value, ci, kind = (c.get("damage_value_mean"),
                           list(c.get("damage_value_ci95") or [None, None]), "normal")
    else:
        a = summary["assets"][_index(obj, names)]
        value, ci, kind = a["p_loss"], list(a["p_loss_ci95"]), "wilson"
    return {"objective": obj.label, "measures": describe_objective(obj, names),
            "value": value, "ci95": ci, "interval": kind}


def objective_estimate(obj: Objective, lost: np.ndarray, values: Sequence[float],
                       asset_names: Sequence[str]) -> tuple[float, float, float]:
    """Estimate and 95 % interval of the objective from the per-replication losses: Wilson
    for a loss probability, normal for the value lost (as in the summary)."""
    y = objective_per_replication(obj, lost, values, asset_names)
    if obj.kind == "value":
        return mean_interval(y)
    k, n = int(y.sum()), int(y.size)
    lo, hi = wilson_interval(k, n)
    return (k / n if n else math.nan, lo, hi)
