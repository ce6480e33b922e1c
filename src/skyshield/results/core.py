"""Results of a Monte Carlo run: per-replication outcomes, the summary with intervals, and
the output folder (DuckDB, Parquet, JSON, plots)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from skyshield.results.stats import mean_interval, wilson_interval

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.scenario.schema import Scenario


def _utc_now() -> str:
    """The time now, ISO-8601 UTC to the second (``2025-01-31T12:00:00Z``)."""
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _r(x: float, digits: int = 6) -> float | None:
    """Round for display; NaN/inf become None (JSON has no NaN)."""
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), digits)


@dataclass
class Results:
    """The outcome of :func:`skyshield.simulate`: :meth:`save` writes the output folder,
    :meth:`to_json` is ``summary.json``, :meth:`describe` the text ``skyshield run`` prints.

    Attributes
    ----------
    outcome
        Per-replication arrays (first axis = replication), the fields of
        :class:`skyshield.engine.BatchOutcome` concatenated over batches:
        ``asset_lost (R, A) bool``, ``wave_launched (R, W) int32``, ``eff_shots (R, E) int32``...
    recordings
        Event logs and positions of the recorded replications, keyed by replication index.
    """

    scenario: Scenario
    seed: int
    asset_names: list[str]
    asset_kinds: list[str]
    asset_values: list[float]
    wave_names: list[str]
    effector_names: list[str]
    effector_cost_per_shot: list[float]
    outcome: dict[str, np.ndarray]
    recordings: dict[int, Any] = field(default_factory=dict)
    stopped_by_precision: bool = False
    #: when the run finished (ISO-8601 UTC): metadata, in the ``run`` table only, never in
    #: the summary (which stays byte-identical for identical input and seed)
    created: str = field(default_factory=_utc_now)

    # ------------------------------------------------------------------ basic views
    @property
    def scenario_name(self) -> str:
        return self.scenario.name

    @cached_property
    def scenario_hash(self) -> str:
        """:func:`skyshield.scenario.scenario_hash` of the scenario run."""
        from skyshield.scenario.identity import scenario_hash

        return scenario_hash(self.scenario)

    @property
    def replications(self) -> int:
        return int(self.outcome["asset_lost"].shape[0])

    @property
    def asset_lost(self) -> np.ndarray:
        """``(R, A) bool``: was asset a lost in replication r (moving assets first)."""
        return self.outcome["asset_lost"]

    def p_loss(self, asset: str | int = 0) -> tuple[float, float, float]:
        """Loss probability of an asset with its 95 % Wilson interval: (p, lo, hi)."""
        a = asset if isinstance(asset, int) else self.asset_names.index(asset)
        k = int(self.asset_lost[:, a].sum())
        n = self.replications
        lo, hi = wilson_interval(k, n)
        return (k / n if n else math.nan, lo, hi)

    # ------------------------------------------------------------------ summary
    @cached_property
    def summary(self) -> dict[str, Any]:
        """The ``skyshield run --json`` object. Deterministic: same input and seed ⇒ same dict."""
        o = self.outcome
        n = self.replications
        assets = []
        for a, name in enumerate(self.asset_names):
            p, lo, hi = self.p_loss(a)
            assets.append({
                "name": name,
                "kind": self.asset_kinds[a],
                "value": _r(self.asset_values[a]),
                "p_loss": _r(p),
                "p_loss_ci95": [_r(lo), _r(hi)],
                "hits_mean": _r(float(o["asset_hits"][:, a].mean())),
            })
        launched = o["wave_launched"].sum(axis=1)
        killed = o["wave_killed"].sum(axis=1)
        leaked = o["wave_leaked"].sum(axis=1)
        expired = o["wave_expired"].sum(axis=1)
        waves = []
        for w, name in enumerate(self.wave_names):
            waves.append({
                "name": name,
                "launched_mean": _r(float(o["wave_launched"][:, w].mean())),
                "killed_mean": _r(float(o["wave_killed"][:, w].mean())),
                "leaked_mean": _r(float(o["wave_leaked"][:, w].mean())),
                "expired_mean": _r(float(o["wave_expired"][:, w].mean())),
            })
        effectors = []
        for e, name in enumerate(self.effector_names):
            shots = float(o["eff_shots"][:, e].mean())
            kills = float(o["eff_kills"][:, e].mean())
            cost = shots * self.effector_cost_per_shot[e]
            effectors.append({
                "name": name,
                "shots_mean": _r(shots),
                "kills_mean": _r(kills),
                "cost_mean": _r(cost, 2),
                "cost_per_kill": _r(cost / kills, 2) if kills > 0 else None,
            })
        d_mean, d_lo, d_hi = mean_interval(o["defence_cost"])
        att = float(o["attack_cost"].mean())
        kills_total = float(killed.mean())
        launched_mean = float(launched.mean())
        # CER = attacker cost per threat / defender cost per neutralisation (> 1 favours defence)
        if d_mean > 0 and kills_total > 0 and launched_mean > 0:
            cer = (att / launched_mean) / (d_mean / kills_total)
        else:
            cer = math.nan
        ff_k = int((o["friendly_fire"] > 0).sum())
        ff_lo, ff_hi = wilson_interval(ff_k, n)
        vip = 0 if "moving" in self.asset_kinds else None
        return {
            "scenario": self.scenario_name,
            "replications": n,
            "seed": self.seed,
            "assets": assets,
            "threats": {
                "launched_mean": _r(launched_mean),
                "killed_mean": _r(kills_total),
                "leaked_mean": _r(float(leaked.mean())),
                "expired_mean": _r(float(expired.mean())),
                "waves": waves,
            },
            "effectors": effectors,
            "cost": {
                "defence_mean": _r(d_mean, 2),
                "defence_ci95": [_r(d_lo, 2), _r(d_hi, 2)],
                "attack_mean": _r(att, 2),
                "exchange_ratio": _r(cer, 4),
                "damage_value_mean": _r(float(
                    (self.asset_lost * np.asarray(self.asset_values)).sum(axis=1).mean())),
            },
            "friendly_fire": {
                "p_event": _r(ff_k / n if n else math.nan),
                "p_event_ci95": [_r(ff_lo), _r(ff_hi)],
                "p_loss": _r(float(o["vip_lost_ff"].mean())) if vip is not None else None,
            },
            "leak": {"p_leaked": _r(float(o["leak"].mean()))},
            "stopped_by_precision": self.stopped_by_precision,
        }

    def to_dict(self) -> dict[str, Any]:
        """The summary (:attr:`summary`)."""
        return self.summary

    def to_json(self) -> str:
        """The summary as JSON text (byte-identical for identical input and seed)."""
        from skyshield.display import json_text

        return json_text(self.summary)

    def describe(self, out: str | Path | None = None) -> str:
        """The summary for the terminal (what ``skyshield run`` prints); ``out``: the folder
        the run was saved in, named at the end."""
        from skyshield.results.text import describe_results

        return describe_results(self, None if out is None else Path(out))

    # ------------------------------------------------------------------ storage
    def save(self, out_dir: str | Path, *, plots: bool = True, overwrite: bool = False) -> Path:
        """Write the output folder (see ``docs/architecture.md``): atomically, and refused
        (:class:`~skyshield.errors.InputError`) when it holds another scenario's results,
        unless ``overwrite``."""
        from skyshield.results.store import save_results

        return save_results(self, Path(out_dir), plots=plots, overwrite=overwrite)
