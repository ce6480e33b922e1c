"""The tables of a run (DuckDB database, Parquet): :func:`build_tables`, :func:`write_duckdb`.

How they land in the output folder, with the summary, map layout and plots, is
:mod:`skyshield.results.folder`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from skyshield.contract import BIN_S

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

    from skyshield.args import Objective
    from skyshield.results.core import Results


def _names(values: np.ndarray, names: list[str]) -> list[str | None]:
    """Map integer indices to names (negative → None); strings pass through."""
    if values.dtype.kind in "iu":
        return [names[int(v)] if 0 <= int(v) < len(names) else None for v in values]
    return [None if v is None or v == "" else str(v) for v in values]


def _nullable(values: np.ndarray) -> pa.Array:
    """A float64 column whose NaN (no value: an asset not lost has no loss time) is NULL."""
    import pyarrow as pa

    v = np.asarray(values, dtype=np.float64)
    return pa.array(v, pa.float64(), mask=np.isnan(v))


def build_tables(res: Results) -> dict[str, pa.Table]:
    """All result tables as Arrow tables (the schema is in ``docs/architecture.md``)."""
    import pyarrow as pa

    from skyshield._version import __version__

    o = res.outcome
    n = res.replications
    reps = np.arange(n, dtype=np.int64)
    A, E, W = len(res.asset_names), len(res.effector_names), len(res.wave_names)
    vip = res.asset_kinds.index("moving") if "moving" in res.asset_kinds else None
    t: dict[str, pa.Table] = {}
    # metadata: `created` differs between two runs of the same input (nothing else does)
    t["run"] = pa.table({
        "key": ["scenario", "scenario_hash", "seed", "replications", "skyshield_version",
                "created"],
        "value": [res.scenario_name, res.scenario_hash, str(res.seed), str(n), __version__,
                  res.created],
    })
    t["replications"] = pa.table({
        "rep": reps,
        "vip_lost": o["asset_lost"][:, vip] if vip is not None else np.zeros(n, bool),
        "launched": o["wave_launched"].sum(axis=1).astype(np.int32),
        "killed": o["wave_killed"].sum(axis=1).astype(np.int32),
        "leaked": o["wave_leaked"].sum(axis=1).astype(np.int32),
        "expired": o["wave_expired"].sum(axis=1).astype(np.int32),
        "defence_cost": o["defence_cost"].astype(np.float64),
        "attack_cost": o["attack_cost"].astype(np.float64),
        "friendly_fire": o["friendly_fire"].astype(np.int32),
        "leak": o["leak"].astype(bool),
    })
    cause_name = dict(res.cause_names)
    t["replication_assets"] = pa.table({
        "rep": np.repeat(reps, A),
        "asset": np.tile(np.array(res.asset_names, dtype=object), n),
        "lost": o["asset_lost"].reshape(-1),
        "loss_time_s": _nullable(o["asset_loss_time_s"].reshape(-1)),
        "cause": pa.array([cause_name.get(int(c)) for c in o["asset_cause"].reshape(-1)],
                          pa.string()),
        "leak": np.repeat(o["leak"].astype(bool), A),
    })
    t["replication_effectors"] = pa.table({
        "rep": np.repeat(reps, E),
        "effector": np.tile(np.array(res.effector_names, dtype=object), n),
        "shots": o["eff_shots"].reshape(-1).astype(np.int32),
        "kills": o["eff_kills"].reshape(-1).astype(np.int32),
        # finite means (docs/model.md §4.6): NULL = never ran dry / an unlimited stock
        "dry_time_s": pa.array(o["eff_dry_s"].reshape(-1).astype(np.float64),
                               mask=~np.isfinite(o["eff_dry_s"].reshape(-1))),
        "rounds_left": pa.array(o["eff_left"].reshape(-1).astype(np.int32),
                                mask=o["eff_left"].reshape(-1) < 0),
        "min_magazine": o["min_magazine"].reshape(-1).astype(np.int32),
    })
    t["replication_wave_effectors"] = pa.table({
        "rep": np.repeat(reps, W * E),
        "wave": np.tile(np.repeat(np.array(res.wave_names, dtype=object), E), n),
        "effector": np.tile(np.array(res.effector_names, dtype=object), n * W),
        "shots": o["wave_eff_shots"].reshape(-1).astype(np.int32),
        "kills": o["wave_eff_kills"].reshape(-1).astype(np.int32),
    })
    S = len(res.sensor_names)
    t["replication_sensors"] = pa.table({
        "rep": np.repeat(reps, S),
        "sensor": np.tile(np.array(res.sensor_names, dtype=object), n),
        "tracked": o["sen_tracked"].reshape(-1).astype(np.int32),
        "launched": np.repeat(o["wave_launched"].sum(axis=1), S).astype(np.int32),
    })
    s = res.summary
    cps = np.asarray(res.effector_cost_per_shot, dtype=np.float64)
    shots_mean = o["wave_eff_shots"].mean(axis=0)  # (W, E)
    t["summary_wave_effectors"] = pa.table({
        "wave": np.repeat(np.array(res.wave_names, dtype=object), E),
        "effector": np.tile(np.array(res.effector_names, dtype=object), W),
        "shots_mean": shots_mean.reshape(-1),
        "kills_mean": o["wave_eff_kills"].mean(axis=0).reshape(-1),
        "cost_mean": (shots_mean * cps[None, :]).reshape(-1),
    })
    t["summary_assets"] = pa.table({
        "asset": [a["name"] for a in s["assets"]],
        "kind": [a["kind"] for a in s["assets"]],
        "value": [a["value"] for a in s["assets"]],
        "p_loss": [a["p_loss"] for a in s["assets"]],
        "lo": [a["p_loss_ci95"][0] for a in s["assets"]],
        "hi": [a["p_loss_ci95"][1] for a in s["assets"]],
    })
    t["summary_effectors"] = pa.table({
        "effector": [e["name"] for e in s["effectors"]],
        "shots_mean": [e["shots_mean"] for e in s["effectors"]],
        "kills_mean": [e["kills_mean"] for e in s["effectors"]],
        "cost_mean": [e["cost_mean"] for e in s["effectors"]],
        "cost_per_kill": pa.array([e["cost_per_kill"] for e in s["effectors"]], pa.float64()),
        "stock": pa.array([e["stock"] for e in s["effectors"]], pa.int64()),
        "p_dry": pa.array([e["p_dry"] for e in s["effectors"]], pa.float64()),
        "dry_time_median_s": pa.array([e["dry_time_median_s"] for e in s["effectors"]],
                                      pa.float64()),
        "rounds_left_mean": pa.array([e["rounds_left_mean"] for e in s["effectors"]],
                                     pa.float64()),
    })
    t["summary_sensors"] = pa.table({
        "sensor": pa.array([x["name"] for x in s["sensors"]], pa.string()),
        "kind": pa.array([x["kind"] for x in s["sensors"]], pa.string()),
        "tracked_mean": pa.array([x["tracked_mean"] for x in s["sensors"]], pa.float64()),
        "p_detect": pa.array([x["p_detect"] for x in s["sensors"]], pa.float64()),
        "lo": pa.array([x["p_detect_ci95"][0] for x in s["sensors"]], pa.float64()),
        "hi": pa.array([x["p_detect_ci95"][1] for x in s["sensors"]], pa.float64()),
    })
    B = o["wave_launched_t"].shape[2]
    bins = np.arange(B, dtype=np.float64) * BIN_S
    t["timeline"] = pa.table({
        "t_s": np.tile(bins, W),
        "wave": np.repeat(np.array(res.wave_names, dtype=object), B),
        "launched_mean": o["wave_launched_t"].mean(axis=0).reshape(-1),
        "killed_mean": o["wave_killed_t"].mean(axis=0).reshape(-1),
        "leaked_mean": o["wave_leaked_t"].mean(axis=0).reshape(-1),
    })
    t["effector_timeline"] = pa.table({
        "t_s": np.tile(bins, E),
        "effector": np.repeat(np.array(res.effector_names, dtype=object), B),
        "shots_mean": o["eff_shots_t"].mean(axis=0).reshape(-1),
    })
    ev_cols: dict[str, list[Any]] = {k: [] for k in
                                     ("rep", "t_s", "kind", "drone", "wave", "effector",
                                      "asset", "x", "y")}
    pos_cols: dict[str, list[Any]] = {k: [] for k in
                                      ("rep", "t_s", "entity", "id", "x", "y", "z", "state")}
    for rep in sorted(res.recordings):
        rec = res.recordings[rep]
        ev = rec.events
        m = len(ev["t_s"])
        ev_cols["rep"] += [rep] * m
        ev_cols["t_s"] += [float(v) for v in ev["t_s"]]
        ev_cols["kind"] += [str(v) for v in ev["kind"]]
        ev_cols["drone"] += [int(v) for v in ev["drone"]]
        ev_cols["wave"] += _names(np.asarray(ev["wave"]), res.wave_names)
        ev_cols["effector"] += _names(np.asarray(ev["effector"]), res.effector_names)
        ev_cols["asset"] += _names(np.asarray(ev["asset"]), res.asset_names)
        ev_cols["x"] += [float(v) for v in ev["x"]]
        ev_cols["y"] += [float(v) for v in ev["y"]]
        ps = rec.positions
        m = len(ps["t_s"])
        pos_cols["rep"] += [rep] * m
        for k in ("t_s", "x", "y", "z"):
            pos_cols[k] += [float(v) for v in ps[k]]
        pos_cols["entity"] += [str(v) for v in ps["entity"]]
        pos_cols["id"] += [int(v) for v in ps["id"]]
        pos_cols["state"] += [str(v) for v in ps["state"]]
    t["events"] = pa.table({
        "rep": pa.array(ev_cols["rep"], pa.int64()), "t_s": pa.array(ev_cols["t_s"], pa.float64()),
        "kind": pa.array(ev_cols["kind"], pa.string()),
        "drone": pa.array(ev_cols["drone"], pa.int32()),
        "wave": pa.array(ev_cols["wave"], pa.string()),
        "effector": pa.array(ev_cols["effector"], pa.string()),
        "asset": pa.array(ev_cols["asset"], pa.string()),
        "x": pa.array(ev_cols["x"], pa.float64()), "y": pa.array(ev_cols["y"], pa.float64()),
    })
    t["positions"] = pa.table({
        "rep": pa.array(pos_cols["rep"], pa.int64()),
        "t_s": pa.array(pos_cols["t_s"], pa.float64()),
        "entity": pa.array(pos_cols["entity"], pa.string()),
        "id": pa.array(pos_cols["id"], pa.int32()),
        "x": pa.array(pos_cols["x"], pa.float64()), "y": pa.array(pos_cols["y"], pa.float64()),
        "z": pa.array(pos_cols["z"], pa.float64()),
        "state": pa.array(pos_cols["state"], pa.string()),
    })
    return t


def write_duckdb(path: Path, tables: dict[str, pa.Table]) -> None:
    """Write Arrow tables into a fresh DuckDB file in one transaction."""
    import duckdb

    con = duckdb.connect(str(path))
    try:
        con.execute("BEGIN TRANSACTION")
        for name, table in tables.items():
            con.register("_arrow_src", table)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _arrow_src')
            con.unregister("_arrow_src")
        con.execute("COMMIT")
    finally:
        con.close()


def save_results(res: Results, out_dir: Path, *, plots: bool = True,
                 overwrite: bool = False, objective: Objective | None = None) -> Path:
    """Write the whole output folder (:func:`skyshield.results.folder.write_run_folder`)."""
    from skyshield.results.folder import write_run_folder

    return write_run_folder(res, out_dir, plots=plots, overwrite=overwrite,
                            objective=objective)
