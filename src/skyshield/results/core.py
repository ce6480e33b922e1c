"""Results of a Monte Carlo run: per-replication outcomes, the summary with intervals, and
the output folder (DuckDB, Parquet, JSON, plots)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from skyshield.contract import BIN_S, CAUSE_FRIENDLY_FIRE, CAUSE_FRIENDLY_FIRE_NAME
from skyshield.results.stats import finite_round, mean_interval, ratio_interval, wilson_interval


def _need(module: str) -> None:
    """Import ``module`` or raise ImportError saying how to install it."""
    import importlib

    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"{module} is needed for this: pip install 'skyshield[notebook]' "
                          f"(or pip install {module})") from exc


if TYPE_CHECKING:  # pragma: no cover
    from skyshield.args import Objective
    from skyshield.scenario.schema import Scenario


def _proportion(k: int, n: int, key: str) -> dict[str, Any]:
    """``{replications, losses, <key>, <key>_ci95}``: ``k`` of ``n`` with its 95 % Wilson
    interval; without replications the estimate and interval are ``None``."""
    if n <= 0:
        return {"replications": 0, "losses": 0, key: None, f"{key}_ci95": [None, None]}
    lo, hi = wilson_interval(k, n)
    return {"replications": n, "losses": k, key: _r(k / n), f"{key}_ci95": [_r(lo), _r(hi)]}


def _utc_now() -> str:
    """The time now, ISO-8601 UTC to the second (``2025-01-31T12:00:00Z``)."""
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_r = finite_round


@dataclass(frozen=True)
class Logistics:
    """An effector's means: ``stock`` ``None`` = unlimited; ``deliveries`` ``(t_s, rounds)``."""

    jammer: bool
    magazine: int
    stock: int | None
    deliveries: tuple[tuple[float, int], ...]


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
    wave_cost_usd: list[float]
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

    @property
    def cause_names(self) -> list[tuple[int, str]]:
        """The codes of ``outcome["asset_cause"]`` that name a cause, with their names: the
        waves (index = code), then friendly fire."""
        return [*enumerate(self.wave_names), (CAUSE_FRIENDLY_FIRE, CAUSE_FRIENDLY_FIRE_NAME)]

    @cached_property
    def logistics(self) -> list[Logistics]:
        """Each effector's means as the run used them (magazine, stock, deliveries)."""
        from skyshield.scenario.equipment import resolve_equipment

        eq = resolve_equipment(self.scenario)
        return [Logistics(
            jammer=r.is_jammer, magazine=math.floor(r.get("magazine")),
            stock=r.stock, deliveries=r.deliveries) for r in eq.effectors]

    def rounds_held_t(self, e: int) -> np.ndarray | None:
        """Mean rounds effector ``e`` holds (magazine + stock) at the end of each 60-s bin,
        from its starting means, the deliveries received and the rounds fired (``None`` for
        an unlimited stock or a jammer): ``docs/model.md`` §5."""
        lg = self.logistics[e]
        if lg.jammer or lg.stock is None:
            return None
        shots = self.outcome["eff_shots_t"][:, e, :].mean(axis=0)
        ends = (np.arange(len(shots)) + 1) * BIN_S
        got = np.array([sum(n for td, n in lg.deliveries if td < b) for b in ends], float)
        held: np.ndarray = lg.magazine + lg.stock + got - np.cumsum(shots)
        return held

    def _logistics_summary(self, e: int, lg: Logistics) -> dict[str, Any]:
        if lg.jammer:
            return {"stock": None, "delivered": None, "p_dry": None, "p_dry_ci95": [None, None],
                    "dry_time_median_s": None, "rounds_left_mean": None,
                    "min_magazine_mean": None}
        o = self.outcome
        dry = o["eff_dry_s"][:, e]
        ran_dry = np.isfinite(dry)
        k, n = int(ran_dry.sum()), self.replications
        lo, hi = wilson_interval(k, n)
        left = o["eff_left"][:, e]
        return {
            "magazine": lg.magazine,
            "stock": lg.stock,
            "delivered": sum(r for _t, r in lg.deliveries),
            "p_dry": _r(k / n), "p_dry_ci95": [_r(lo), _r(hi)],
            "dry_time_median_s": _r(float(np.median(dry[ran_dry]))) if k else None,
            "rounds_left_mean": None if lg.stock is None else _r(float(left.mean())),
            "min_magazine_mean": _r(float(o["min_magazine"][:, e].mean())),
        }

    @cached_property
    def sensor_names(self) -> list[str]:
        """The sensors in the order of ``outcome["sen_tracked"]``'s second axis (the
        scenario's order, as the compiler makes them)."""
        return [s.name for s in self.scenario.sensors]

    @cached_property
    def sensor_kinds(self) -> list[str]:
        """Each sensor's kind: ``radar``, ``eo_ir`` or ``acoustic``."""
        from skyshield.scenario.equipment import resolve_equipment

        return [str(r.kind) for r in resolve_equipment(self.scenario).sensors]

    def p_detect(self, sensor: str | int = 0) -> tuple[float, float, float]:
        """A sensor's detection probability with its 95 % interval: (p, lo, hi).

        P(detect) = ``Σ_r sen_tracked[r, s] / Σ_r launched[r]``: the share of the drones
        launched on which the sensor held an M-of-N track at some time (``docs/model.md``
        §5), each drone once; the interval is
        :func:`~skyshield.results.stats.ratio_interval`'s (replications as the unit). NaN
        without a drone launched.
        """
        s = sensor if isinstance(sensor, int) else self.sensor_names.index(sensor)
        launched = self.outcome["wave_launched"].sum(axis=1)
        return ratio_interval(self.outcome["sen_tracked"][:, s], launched)

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
        leak = np.asarray(o["leak"], dtype=bool)
        cause = o["asset_cause"]
        assets = []
        for a, name in enumerate(self.asset_names):
            p, lo, hi = self.p_loss(a)
            lost_a = self.asset_lost[:, a]
            assets.append({
                "name": name,
                "kind": self.asset_kinds[a],
                "value": _r(self.asset_values[a]),
                "p_loss": _r(p),
                "p_loss_ci95": [_r(lo), _r(hi)],
                "hits_mean": _r(float(o["asset_hits"][:, a].mean())),
                "given_leak": _proportion(int(lost_a[leak].sum()), int(leak.sum()), "p_loss"),
                "given_no_leak": _proportion(int(lost_a[~leak].sum()), int((~leak).sum()),
                                             "p_loss"),
                "causes": [
                    {"cause": cname, "wave": code if code >= 0 else None,
                     **_proportion(k, n, "p")}
                    for code, cname in self.cause_names
                    if (k := int((cause[:, a] == code).sum())) > 0
                ],
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
        # rounds and kills by wave × effector, and what the rounds at each wave cost
        cps = np.asarray(self.effector_cost_per_shot, dtype=np.float64)
        ws = o["wave_eff_shots"].mean(axis=0)  # (W, E)
        wk = o["wave_eff_kills"].mean(axis=0)
        for w, entry in enumerate(waves):
            entry["shots_mean"] = _r(float(ws[w].sum()))
            entry["defence_cost_mean"] = _r(float(ws[w] @ cps), 2)
        wave_effectors = [
            {"wave": wname, "effector": ename, "shots_mean": _r(float(ws[w, e])),
             "kills_mean": _r(float(wk[w, e])), "cost_mean": _r(float(ws[w, e] * cps[e]), 2)}
            for w, wname in enumerate(self.wave_names)
            for e, ename in enumerate(self.effector_names)
            if ws[w, e] > 0 or wk[w, e] > 0
        ]
        effectors = []
        logistics = self.logistics
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
                **self._logistics_summary(e, logistics[e]),
            })
        sensors = []
        for si, (name, kind) in enumerate(zip(self.sensor_names, self.sensor_kinds,
                                              strict=True)):
            p, lo, hi = self.p_detect(si)
            sensors.append({
                "name": name,
                "kind": kind,
                "tracked_mean": _r(float(o["sen_tracked"][:, si].mean())) if n else None,
                "p_detect": _r(p),
                "p_detect_ci95": [_r(lo), _r(hi)],
            })
        d_mean, d_lo, d_hi = mean_interval(o["defence_cost"])
        att = float(o["attack_cost"].mean())
        kills_total = float(killed.mean())
        launched_mean = float(launched.mean())
        # the exchange ratio (docs/model.md §5): what the drones killed cost the attacker, per
        # dollar the defence spent (> 1 favours the defence)
        killed_cost = float((o["wave_killed"] @ np.asarray(self.wave_cost_usd,
                                                           dtype=np.float64)).mean())
        cer = killed_cost / d_mean if d_mean > 0 else math.nan
        # before: every kill valued at the mean cost of a launched drone
        if d_mean > 0 and kills_total > 0 and launched_mean > 0:
            cer_avg = (att / launched_mean) / (d_mean / kills_total)
        else:
            cer_avg = math.nan
        damage = (self.asset_lost * np.asarray(self.asset_values)).sum(axis=1)
        dmg_mean, dmg_lo, dmg_hi = mean_interval(damage)
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
            "sensors": sensors,
            "cost": {
                "defence_mean": _r(d_mean, 2),
                "defence_ci95": [_r(d_lo, 2), _r(d_hi, 2)],
                "attack_mean": _r(att, 2),
                "exchange_ratio": _r(cer, 4),
                "damage_value_mean": _r(dmg_mean),
                "damage_value_ci95": [_r(dmg_lo), _r(dmg_hi)],
                "attack_killed_mean": _r(killed_cost, 2),
                "exchange_ratio_avg_drone": _r(cer_avg, 4),
                "cost_per_kill": _r(d_mean / kills_total, 2) if kills_total > 0 else None,
            },
            "friendly_fire": {
                "p_event": _r(ff_k / n if n else math.nan),
                "p_event_ci95": [_r(ff_lo), _r(ff_hi)],
                "p_loss": _r(float(o["vip_lost_ff"].mean())) if vip is not None else None,
            },
            "leak": {"p_leaked": _r(float(o["leak"].mean()))},
            "stopped_by_precision": self.stopped_by_precision,
            "wave_effectors": wave_effectors,
        }

    def to_dict(self, objective: Objective | None = None) -> dict[str, Any]:
        """The summary (:attr:`summary`); with ``objective``, its block (``objective``:
        :func:`~skyshield.results.objective.objective_from_summary`) added at the end."""
        if objective is None:
            return self.summary
        from skyshield.results.objective import objective_from_summary, resolve_objective

        obj = resolve_objective(objective, self.asset_names)
        return {**self.summary, "objective": objective_from_summary(obj, self.summary)}

    def to_json(self, objective: Objective | None = None) -> str:
        """:meth:`to_dict` as JSON text (byte-identical for identical input and seed)."""
        from skyshield.display import json_text

        return json_text(self.to_dict(objective))

    def describe(self, out: str | Path | None = None,
                 objective: Objective | None = None) -> str:
        """The summary for the terminal (what ``skyshield run`` prints); ``out``: the folder
        the run was saved in, named at the end; ``objective``: its value and interval."""
        from skyshield.results.text import describe_results

        return describe_results(self, None if out is None else Path(out), objective)

    # ------------------------------------------------------------------ tables
    @cached_property
    def _tables(self) -> dict[str, Any]:
        from skyshield.results.store import build_tables

        return build_tables(self)

    def tables(self) -> dict[str, Any]:
        """Every result table as a :class:`pyarrow.Table`, keyed by name: the tables of the
        output folder (``results.duckdb`` / ``*.parquet``, schema in ``docs/architecture.md``),
        missing values NULL."""
        return dict(self._tables)

    def table_names(self) -> list[str]:
        """The names :meth:`tables`, :meth:`to_arrow` and :meth:`to_pandas` know."""
        return list(self._tables)

    def to_arrow(self, name: str = "replications") -> Any:
        """The result table ``name`` as a :class:`pyarrow.Table`; an unknown name raises
        :class:`KeyError` naming the known ones (and the closest)."""
        t = self._tables
        if name not in t:
            from skyshield.errors import did_you_mean

            raise KeyError(f"no result table {name!r}{did_you_mean(name, list(t))} "
                           f"(tables: {', '.join(t)})")
        return t[name]

    def to_pandas(self, name: str = "replications") -> Any:
        """The result table ``name`` as a :class:`pandas.DataFrame` (NULL → ``NA``/``NaN``);
        needs pandas (``pip install 'skyshield[notebook]'``)."""
        _need("pandas")
        return self.to_arrow(name).to_pandas()

    def to_xarray(self) -> Any:
        """The per-replication outcome as an :class:`xarray.Dataset` with named coordinates:
        ``replication × asset`` (lost, loss time in s (NaN: not lost), hits, cause),
        ``replication × wave`` and ``replication × effector`` counts, ``replication × sensor``
        drones tracked, ``replication × wave × effector`` kills and shots, and
        ``replication × wave × minute`` / ``replication × effector × minute`` time series
        (60 s bins, ``minute`` = bin start in minutes); needs xarray
        (``pip install 'skyshield[notebook]'``)."""
        _need("xarray")
        import xarray as xr

        o = self.outcome
        R = self.replications
        dims = {"asset": self.asset_names, "wave": self.wave_names,
                "effector": self.effector_names, "sensor": self.sensor_names}

        data: dict[str, Any] = {}
        ds: tuple[str, ...]
        for key, arr in o.items():
            if arr.ndim == 0 or arr.shape[0] != R:
                continue
            if key.startswith("asset_"):
                ds = ("replication", "asset")
            elif key.startswith("wave_eff_"):
                ds = ("replication", "wave", "effector")
            elif key.startswith("wave_"):
                ds = ("replication", "wave", "minute")[:arr.ndim]
            elif key.startswith("sen_"):
                ds = ("replication", "sensor")
            elif key.startswith("eff_") or key == "min_magazine":
                ds = ("replication", "effector", "minute")[:arr.ndim]
            elif arr.ndim == 1:
                ds = ("replication",)
            else:  # pragma: no cover - every outcome field is named above
                continue
            data[key] = (ds, arr)
        bins = next((a.shape[2] for k, a in o.items() if k.endswith("_t") and a.ndim == 3), 0)
        coords = {"replication": np.arange(R), **dims,
                  "minute": np.arange(bins) * (BIN_S / 60.0)}
        ds_ = xr.Dataset(data, coords=coords)
        ds_.attrs.update(scenario=self.scenario_name, seed=self.seed,
                         scenario_hash=self.scenario_hash)
        return ds_

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        parts = [f"scenario={self.scenario_name!r}", f"seed={self.seed}",
                 f"replications={self.replications}"]
        for a, (name, kind) in enumerate(zip(self.asset_names, self.asset_kinds, strict=True)):
            if kind == "moving":
                p, lo, hi = self.p_loss(a)
                parts.append(f"P({name} lost)={100 * p:.2f} % [{100 * lo:.2f}, {100 * hi:.2f}]")
        return f"Results({', '.join(parts)}; tables: .table_names(), .to_pandas(name))"

    def _repr_html_(self) -> str:
        from html import escape

        rows = []
        for a, name in enumerate(self.asset_names):
            p, lo, hi = self.p_loss(a)
            rows.append(f"<tr><td>{escape(name)}</td><td>{escape(self.asset_kinds[a])}</td>"
                        f"<td>{100 * p:.2f} %</td><td>[{100 * lo:.2f}, {100 * hi:.2f}] %</td>"
                        "</tr>")
        return (f"<div><b>Results</b> of {escape(self.scenario_name)}: "
                f"{self.replications} replications, seed {self.seed}"
                "<table><thead><tr><th>asset</th><th>kind</th><th>P(lost)</th>"
                "<th>95 % interval</th></tr></thead><tbody>" + "".join(rows) +
                "</tbody></table><small>tables: .table_names(), .to_pandas(name), "
                ".to_xarray()</small></div>")

    # ------------------------------------------------------------------ storage
    def save(self, out_dir: str | Path, *, plots: bool = True, overwrite: bool = False,
             objective: Objective | None = None) -> Path:
        """Write the output folder (see ``docs/architecture.md``): atomically, and refused
        (:class:`~skyshield.errors.InputError`) when it holds another scenario's results,
        unless ``overwrite``; ``summary.json`` is :meth:`to_json` (``objective``)."""
        from skyshield.results.store import save_results

        return save_results(self, Path(out_dir), plots=plots, overwrite=overwrite,
                            objective=objective)
