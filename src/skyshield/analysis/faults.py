""""If the air defence had made one mistake": single-failure (N−1) analysis and sensitivity.

Each fault is one scenario variant:

- ``sensor_out:NAME`` — the sensor is removed;
- ``effector_out:NAME`` — the effector is removed (``jammer_off:NAME`` for a jammer);
- ``late_reaction`` — every effector reacts ``late_s`` seconds later;
- ``degraded_pk`` — every kill probability (and jammer defeat rate) is multiplied by
  ``pk_factor``;
- ``missed_identification`` — the chance per decision cycle of misidentifying the own aircraft
  rises to ``misid_p``.

All variants and the baseline run with the same seed. The engine keys every random draw by
what it is for (a drone's launch, a named effector's shot...), never by a position in a list,
so a variant meets the same drones, launched at the same times, as the baseline and the
per-replication differences of the VIP's loss measure the fault alone (common random
numbers). The faults are ranked by the paired difference of the objective (``--objective``:
the VIP's loss probability by default, the expected value lost, or one asset's loss
probability); the change of every asset's loss probability is reported beside it.

The sensitivity (tornado) analysis moves each main parameter to a low and a high value in turn,
with the same seeds, and ranks the parameters by the swing of the objective.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from skyshield.analysis.executor import DEFAULT_SIMULATOR, PointOutcome, PointTask, execute
from skyshield.analysis.sweep import cost_proxy
from skyshield.args import Objective, check_run_args
from skyshield.errors import InputError
from skyshield.interrupt import Interrupted
from skyshield.progress import progress_bar

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.scenario.equipment import ResolvedEquipment
    from skyshield.scenario.schema import Scenario

Data = dict[str, Any]


@dataclass(frozen=True)
class Fault:
    """One single failure: what it is, and the scenario it makes."""

    id: str
    kind: str  # sensor_out | effector_out | jammer_off | late_reaction | degraded_pk | ...
    target: str | None
    description: str
    data: Data = field(repr=False, compare=False)


@dataclass(frozen=True)
class Bound:
    """One end of a sensitivity bar: the parameter moved down (``low``) or up (``high``)."""

    parameter: str
    side: str  # "low" | "high"
    label: str
    data: Data = field(repr=False, compare=False)


# --------------------------------------------------------------------------- transforms


def _set_param(item: Data, merged: Mapping[str, float], name: str,
               fn: Callable[[float], float]) -> None:
    # only a parameter of the item's kind (the domain table): a jammer has no r50_m
    if name in merged:
        item.setdefault("params", {})[name] = float(fn(merged[name]))


def _scale_pk(d: Data, eq: ResolvedEquipment, factor: float) -> None:
    for e, r in zip(d["effectors"], eq.effectors, strict=True):
        e["pk"] = {k: min(1.0, v * factor) for k, v in r.pk.items()}


def _effector_params(d: Data, eq: ResolvedEquipment, name: str,
                     fn: Callable[[float], float]) -> None:
    for e, r in zip(d["effectors"], eq.effectors, strict=True):
        _set_param(e, r.params, name, fn)


def _sensor_range(d: Data, eq: ResolvedEquipment, factor: float) -> None:
    for s, r in zip(d["sensors"], eq.sensors, strict=True):
        for name in ("r50_m", "max_range_m", "net_radius_m"):
            _set_param(s, r.params, name, lambda v: v * factor)


def _equipment(scenario: Scenario) -> ResolvedEquipment:
    from skyshield.scenario.equipment import resolve_equipment

    return resolve_equipment(scenario)


def fault_variants(
    scenario: Scenario, *, late_s: float = 10.0, pk_factor: float = 0.7,
    misid_p: float | None = None,
) -> list[Fault]:
    """The single failures of a scenario's defence, in a fixed order.

    Parameters
    ----------
    late_s
        Extra reaction time of every effector for ``late_reaction`` (seconds).
    pk_factor
        Factor on every kill probability for ``degraded_pk``.
    misid_p
        Misidentification probability per cycle for ``missed_identification``; default
        ``max(0.02, 10 × the scenario's)``, capped at 1.
    """
    if not 0.0 < late_s <= 1e9:  # also NaN
        raise InputError(f"must be a positive number of seconds, at most 1e9 (got {late_s})",
                         file="<argument>", field="--late")
    if not 0.0 <= pk_factor < 1.0:
        raise InputError(f"must be in [0, 1) (got {pk_factor!r})", file="<argument>",
                         field="--pk-factor")
    eq = _equipment(scenario)
    base = scenario.model_dump(mode="json")
    out: list[Fault] = []
    for i, s in enumerate(base["sensors"]):
        d = copy.deepcopy(base)
        del d["sensors"][i]
        out.append(Fault(f"sensor_out:{s['name']}", "sensor_out", s["name"],
                         f"sensor {s['name']} ({s['type']}) out", d))
    for i, e in enumerate(base["effectors"]):
        d = copy.deepcopy(base)
        del d["effectors"][i]
        kind = "jammer_off" if eq.effectors[i].is_jammer else "effector_out"
        what = "jammer off" if kind == "jammer_off" else "out"
        out.append(Fault(f"{kind}:{e['name']}", kind, e["name"],
                         f"effector {e['name']} ({e['type']}) {what}", d))
    if base["effectors"]:
        d = copy.deepcopy(base)
        _effector_params(d, eq, "reaction_s", lambda v: v + late_s)
        out.append(Fault("late_reaction", "late_reaction", None,
                         f"every effector reacts {late_s:g} s late", d))
        d = copy.deepcopy(base)
        _scale_pk(d, eq, pk_factor)
        out.append(Fault("degraded_pk", "degraded_pk", None,
                         f"every kill probability × {pk_factor:g}", d))
    p0 = float(base["c2"]["p_misidentification"])
    p1 = min(1.0, max(0.02, 10.0 * p0)) if misid_p is None else misid_p
    if not 0.0 <= p1 <= 1.0:
        raise InputError(f"must be in [0, 1] (got {p1!r})", file="<argument>", field="--misid")
    if p1 != p0:
        d = copy.deepcopy(base)
        d["c2"]["p_misidentification"] = p1
        out.append(Fault("missed_identification", "missed_identification", None,
                         f"own aircraft misidentified with p = {p1:g} per cycle "
                         f"(was {p0:g})", d))
    return out


def sensitivity_variants(scenario: Scenario) -> list[Bound]:
    """Low and high settings of the main parameters, for the tornado chart.

    ===================  ======================================  =====================
    parameter            low                                     high
    ===================  ======================================  =====================
    raid size            every raid's count × 0.5                × 1.5
    leak probability     0                                       min(1, 2p), or 0.2
    escort priority      −0.25 (at least 0)                      +0.25 (at most 1)
    kill probability     every Pk × 0.8                          × 1.2 (at most 1)
    reaction time        every effector's reaction × 0.5         × 1.5
    magazines            every effector's magazine × 0.5         × 1.5
    sensor range         r50, max and net radius × 0.8           × 1.2
    misidentification    0                                       5p, or 0.01
    ===================  ======================================  =====================
    """
    eq = _equipment(scenario)
    base = scenario.model_dump(mode="json")
    out: list[Bound] = []

    def add(param: str, side: str, label: str, fn: Callable[[Data], None]) -> None:
        d = copy.deepcopy(base)
        fn(d)
        if d != base:
            out.append(Bound(param, side, label, d))

    def raids(f: float) -> Callable[[Data], None]:
        def go(d: Data) -> None:
            for r in d["raids"]:
                r["count"] = max(1, round(r["count"] * f))
        return go

    add("raid size", "low", "× 0.5", raids(0.5))
    add("raid size", "high", "× 1.5", raids(1.5))
    if base.get("leak"):
        p = float(base["leak"]["probability"])
        hi = min(1.0, 2 * p) if p > 0 else 0.2
        add("leak probability", "low", "0", lambda d: d["leak"].__setitem__("probability", 0.0))
        add("leak probability", "high", f"{hi:g}",
            lambda d: d["leak"].__setitem__("probability", hi))
    e = float(base["c2"]["escort_priority"])
    lo_e, hi_e = max(0.0, e - 0.25), min(1.0, e + 0.25)
    add("escort priority", "low", f"{lo_e:g}",
        lambda d: d["c2"].__setitem__("escort_priority", lo_e))
    add("escort priority", "high", f"{hi_e:g}",
        lambda d: d["c2"].__setitem__("escort_priority", hi_e))
    if base["effectors"]:
        add("kill probability", "low", "× 0.8", lambda d: _scale_pk(d, eq, 0.8))
        add("kill probability", "high", "× 1.2", lambda d: _scale_pk(d, eq, 1.2))
        add("reaction time", "low", "× 0.5",
            lambda d: _effector_params(d, eq, "reaction_s", lambda v: v * 0.5))
        add("reaction time", "high", "× 1.5",
            lambda d: _effector_params(d, eq, "reaction_s", lambda v: v * 1.5))
        add("magazines", "low", "× 0.5",
            lambda d: _effector_params(d, eq, "magazine", lambda v: v * 0.5))
        add("magazines", "high", "× 1.5",
            lambda d: _effector_params(d, eq, "magazine", lambda v: v * 1.5))
    if base["sensors"]:
        add("sensor range", "low", "× 0.8", lambda d: _sensor_range(d, eq, 0.8))
        add("sensor range", "high", "× 1.2", lambda d: _sensor_range(d, eq, 1.2))
    m = float(base["c2"]["p_misidentification"])
    hi_m = min(1.0, 5 * m) if m > 0 else 0.01
    add("misidentification", "low", "0",
        lambda d: d["c2"].__setitem__("p_misidentification", 0.0))
    add("misidentification", "high", f"{hi_m:g}",
        lambda d: d["c2"].__setitem__("p_misidentification", hi_m))
    return out


# --------------------------------------------------------------------------- analysis


def _paired(base: np.ndarray, var: np.ndarray) -> tuple[float, float, float]:
    """Mean paired difference ``var − base`` with its 95 % interval.

    Notes
    -----
    With common random numbers replication r of the variant and of the baseline share every
    draw not touched by the fault, so :math:`d_r = y^{var}_r - y^{base}_r` has a far smaller
    variance than the difference of two independent estimates. The interval is
    :math:`\\bar d \\pm z_{0.975}\\, s_d / \\sqrt{R}` (normal approximation; the :math:`d_r` are
    i.i.d. over replications and bounded in [−1, 1]).
    """
    from skyshield.results.stats import paired_difference

    return paired_difference(base.astype(np.float64), var.astype(np.float64))


def _r(x: float, digits: int = 6) -> float:
    return round(float(x), digits) + 0.0  # + 0.0: no "-0.0" in the JSON


@dataclass
class FaultReport:
    """The outcome of :func:`analyse_faults`: ``faults.json`` is :meth:`to_json`, :meth:`save`
    writes the files, :meth:`describe` is what ``skyshield faults`` prints."""

    scenario: str
    vip: str
    replications: int
    seed: int
    spof_threshold: float
    baseline: dict[str, Any]
    faults: list[dict[str, Any]]  # ranked
    sensitivity: list[dict[str, Any]]  # by swing, largest first
    seconds: float = 0.0  # wall time of the analysis
    cpu_seconds: float = 0.0  # CPU time of all its runs, summed over workers
    #: what ranks the faults: {objective, measures, interval, spof_change}
    objective: dict[str, Any] = field(default_factory=dict)
    scenario_hash: str = ""  # skyshield.scenario.scenario_hash of the scenario analysed

    @property
    def single_points_of_failure(self) -> list[dict[str, Any]]:
        return [f for f in self.faults if f["single_point_of_failure"]]

    def to_dict(self) -> dict[str, Any]:
        """Deterministic for identical input and seed (no timings)."""
        return {
            "scenario": self.scenario,
            "scenario_hash": self.scenario_hash,
            "vip": self.vip,
            "objective": self.objective,
            "replications": self.replications,
            "seed": self.seed,
            "baseline": self.baseline,
            "spof_threshold": self.spof_threshold,
            "single_points_of_failure": [f["fault"] for f in self.single_points_of_failure],
            "faults": self.faults,
            "sensitivity": self.sensitivity,
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text: ``faults.json``, and what ``skyshield faults --json``
        prints."""
        from skyshield.display import json_text

        return json_text(self.to_dict())

    def describe(self, top: int = 10, out: str | Path | None = None) -> str:
        """The ranking and the single points of failure for the terminal (``top`` faults);
        ``out``: the folder the report was saved in, named at the end."""
        from skyshield.display import term_block

        lines = list(_describe_lines(self, top))
        if out is not None:
            lines.append(f"Written: {out}/faults.json, faults.duckdb, plots/tornado.png")
        return term_block("\n".join(lines) + "\n")

    def save(self, out_dir: str | Path, *, plot: bool = True, overwrite: bool = False) -> Path:
        """Write ``faults.json``, ``faults.duckdb`` and ``plots/tornado.png`` (each atomically,
        the figure drawn before anything is written), on the rules of
        :mod:`skyshield.outfolder`: a folder holding another scenario's files is refused
        unless ``overwrite``."""
        from skyshield.interrupt import deferred_sigint
        from skyshield.outfolder import atomic_path, atomic_write, check_out, commit, locked

        out = check_out(out_dir, "faults", self.scenario, self.scenario_hash,
                        overwrite=overwrite, what="faults folder")
        names = ["faults.json", "faults.duckdb"] + (["plots/tornado.png"] if plot else [])
        figure: bytes | None = None
        if plot:
            import io

            from skyshield.analysis.plots import tornado_chart

            buf = io.BytesIO()
            tornado_chart(self, buf)
            figure = buf.getvalue()
        with deferred_sigint(), locked(out):
            if self.scenario_hash:
                from skyshield.outfolder import claim

                claim(out, "faults", names, scenario=self.scenario,
                      scenario_hash=self.scenario_hash, overwrite=overwrite)
            atomic_write(out / "faults.json", self.to_json())
            with atomic_path(out / "faults.duckdb") as tmp:
                _write_duckdb(self, tmp)
            if figure is not None:
                (out / "plots").mkdir(exist_ok=True)
                atomic_write(out / "plots" / "tornado.png", figure)
            if self.scenario_hash:
                commit(out, "faults", names)
        return out


FAULT_COLUMNS = ("rank", "fault", "kind", "target", "description", "vip_p_loss", "vip_lo",
                 "vip_hi", "delta", "delta_lo", "delta_hi", "significant",
                 "single_point_of_failure", "objective", "objective_value",
                 "objective_delta", "objective_delta_lo", "objective_delta_hi")


def _insert(con: Any, table: str, width: int, rows: Sequence[Sequence[Any]]) -> None:
    if rows:  # DuckDB refuses an empty executemany
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * width)})", rows)


def _write_duckdb(rep: FaultReport, path: Path) -> None:
    """Write the tables into a new DuckDB file ``path`` (a temporary name: see ``save``)."""
    import duckdb

    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE TABLE faults (rank INTEGER, fault VARCHAR, kind VARCHAR, "
                    "target VARCHAR, description VARCHAR, vip_p_loss DOUBLE, vip_lo DOUBLE, "
                    "vip_hi DOUBLE, delta DOUBLE, delta_lo DOUBLE, delta_hi DOUBLE, "
                    "significant BOOLEAN, single_point_of_failure BOOLEAN, objective VARCHAR, "
                    "objective_value DOUBLE, objective_delta DOUBLE, objective_delta_lo DOUBLE, "
                    "objective_delta_hi DOUBLE)")
        label = rep.objective.get("objective", "vip")
        _insert(con, "faults", len(FAULT_COLUMNS),
                [[f["rank"], f["fault"], f["kind"], f["target"], f["description"],
                  f["vip_p_loss"], *f["vip_p_loss_ci95"], f["delta"], *f["delta_ci95"],
                  f["significant"], f["single_point_of_failure"], label,
                  f["objective"]["value"], f["objective"]["delta"],
                  *f["objective"]["delta_ci95"]] for f in rep.faults])
        con.execute("CREATE TABLE fault_assets (fault VARCHAR, asset VARCHAR, p_loss DOUBLE, "
                    "delta DOUBLE, delta_lo DOUBLE, delta_hi DOUBLE)")
        _insert(con, "fault_assets", 6,
                [[f["fault"], a["name"], a["p_loss"], a["delta"], *a["delta_ci95"]]
                 for f in rep.faults for a in f["assets"]])
        con.execute("CREATE TABLE sensitivity (parameter VARCHAR, side VARCHAR, label VARCHAR, "
                    "vip_p_loss DOUBLE, delta DOUBLE, delta_lo DOUBLE, delta_hi DOUBLE, "
                    "swing DOUBLE)")
        _insert(con, "sensitivity", 8,
                [[s["parameter"], side, s[side]["label"], s[side]["vip_p_loss"],
                  s[side]["delta"], *s[side]["delta_ci95"], s["swing"]]
                 for s in rep.sensitivity for side in ("low", "high") if s.get(side)])
        con.execute("CREATE TABLE baseline (key VARCHAR, value VARCHAR)")
        _insert(con, "baseline", 2, [
            ("scenario", rep.scenario), ("scenario_hash", rep.scenario_hash), ("vip", rep.vip),
            ("replications", str(rep.replications)), ("seed", str(rep.seed)),
            ("vip_p_loss", str(rep.baseline["vip_p_loss"])),
            ("spof_threshold", str(rep.spof_threshold)),
            ("objective", str(rep.objective.get("objective", "vip"))),
            ("objective_value", str(rep.baseline["objective"]["value"]))])
    finally:
        con.close()


def analyse_faults(
    scenario: Scenario | str | Path,
    *,
    replications: int = 1000,
    seed: int = 0,
    tornado: bool = True,
    late_s: float = 10.0,
    pk_factor: float = 0.7,
    misid_p: float | None = None,
    spof_threshold: float = 0.05,
    backend: str = "process",
    workers: int | None = None,
    address: str | None = None,
    progress: bool = False,
    simulator: str = DEFAULT_SIMULATOR,
    objective: Objective | str = "vip",
    scenario_file: str | None = None,
) -> FaultReport:
    """Run the baseline and every single failure (and the sensitivity settings) with common
    random numbers; rank the failures by the change of the objective (by default the VIP's
    loss probability), with the change of every asset's loss probability beside it.

    Parameters
    ----------
    scenario
        The defended scenario, or the path of its file; its VIP is
        :attr:`~skyshield.scenario.schema.Scenario.vip` (asset ``VIP_INDEX`` of the results).
    replications, seed
        Of every run (all runs share the seed).
    tornado
        Also run the sensitivity settings (:func:`sensitivity_variants`).
    late_s, pk_factor, misid_p
        Sizes of the generic faults (:func:`fault_variants`).
    spof_threshold
        A fault is a *single point of failure* when it raises the objective by at least this
        much and the lower end of the paired 95 % interval is above zero: an absolute rise of
        a loss probability, or for ``value`` this share of the total value of the assets.
    backend, workers, address
        See :func:`skyshield.analysis.executor.execute`.
    objective
        ``vip``, ``value`` or ``asset:NAME`` (:class:`~skyshield.args.Objective`).
    scenario_file
        The file the scenario came from, named by errors (default: ``scenario`` when it is a
        path).

    Returns
    -------
    FaultReport
    """
    from skyshield.results.objective import (
        asset_names_values,
        describe_objective,
        objective_estimate,
        objective_per_replication,
        resolve_objective,
    )
    from skyshield.scenario import load_scenario
    from skyshield.scenario.schema import VIP_INDEX

    check_run_args(replications, min_replications=2)
    check_run_args(seed=seed)
    file = None
    if isinstance(scenario, str | Path):
        file = str(scenario)
        scenario_file = scenario_file or file
        scenario = load_scenario(scenario)
    scenario_file = scenario_file or "<scenario>"
    if not 0.0 <= spof_threshold <= 1.0:
        raise InputError("must be in [0, 1]", file="<argument>", field="--spof-threshold")
    names, values = asset_names_values(scenario)
    obj = resolve_objective(objective, names)
    spof_change = spof_threshold * (sum(values) if obj.kind == "value" else 1.0)
    t0 = time.perf_counter()
    faults = fault_variants(scenario, late_s=late_s, pk_factor=pk_factor, misid_p=misid_p)
    bounds = sensitivity_variants(scenario) if tornado else []
    variants = [scenario] + [_variant(f.data, _FAULT_OPTION.get(f.kind), f.description,
                                      scenario_file) for f in faults] + [
        _variant(b.data, None, f"the sensitivity setting '{b.parameter} {b.label}'",
                 scenario_file) for b in bounds]
    from skyshield.engine.size import check_runs

    check_runs(variants, replications, workers=1 if backend == "serial" else workers,
               what="the faults analysis", runs_file=file, runs_field=None)
    # longest runs first (see docs/scaling.md); the order changes nothing in the results
    order = sorted(range(len(variants)), key=lambda i: (-cost_proxy(variants[i]), i))
    tasks = [PointTask(i, variants[i].model_dump_json(), replications, seed, keep_vip=True,
                       simulator=simulator) for i in order]
    outs: dict[int, PointOutcome] = {}
    advance, stop = progress_bar("fault runs", len(tasks), enabled=progress)
    try:
        for o in execute(tasks, backend=backend, workers=workers, address=address):
            outs[o.index] = o
            advance(1)
    except KeyboardInterrupt:
        raise Interrupted(f"nothing written ({len(outs)} of {len(tasks)} runs had finished; "
                          "the analysis starts afresh when run again)") from None
    finally:
        stop()
    base = outs[0]
    assert base.vip_lost is not None and base.asset_lost is not None
    vip = base.summary["assets"][VIP_INDEX]

    def objective_of(o: PointOutcome) -> tuple[np.ndarray, list[float | None]]:
        assert o.asset_lost is not None
        est, lo, hi = objective_estimate(obj, o.asset_lost, values, names)
        return (objective_per_replication(obj, o.asset_lost, values, names),
                [_r(est), _r(lo), _r(hi)])

    y_base, (b_val, b_lo, b_hi) = objective_of(base)
    baseline = {"vip_p_loss": vip["p_loss"], "vip_p_loss_ci95": list(vip["p_loss_ci95"]),
                "objective": {"value": b_val, "ci95": [b_lo, b_hi]},
                "assets": [{"name": a["name"], "p_loss": a["p_loss"],
                            "p_loss_ci95": list(a["p_loss_ci95"])}
                           for a in base.summary["assets"]]}

    def compare(o: PointOutcome) -> dict[str, Any]:
        assert o.vip_lost is not None and base.vip_lost is not None
        assert o.asset_lost is not None and base.asset_lost is not None
        d, lo, hi = _paired(base.vip_lost, o.vip_lost)
        a = o.summary["assets"][VIP_INDEX]
        y, (val, v_lo, v_hi) = objective_of(o)
        od, od_lo, od_hi = _paired(y_base, y)
        per_asset = []
        for j, aj in enumerate(o.summary["assets"]):
            dj, lj, hj = _paired(base.asset_lost[:, j], o.asset_lost[:, j])
            per_asset.append({"name": aj["name"], "p_loss": aj["p_loss"], "delta": _r(dj),
                              "delta_ci95": [_r(lj), _r(hj)]})
        return {"vip_p_loss": a["p_loss"], "vip_p_loss_ci95": list(a["p_loss_ci95"]),
                "delta": _r(d), "delta_ci95": [_r(lo), _r(hi)],
                "objective": {"value": val, "ci95": [v_lo, v_hi], "delta": _r(od),
                              "delta_ci95": [_r(od_lo), _r(od_hi)]},
                "assets": per_asset}

    rows = []
    for k, f in enumerate(faults, start=1):
        c = compare(outs[k])
        oc = c["objective"]
        significant = oc["delta_ci95"][0] > 0.0
        rows.append({"fault": f.id, "kind": f.kind, "target": f.target,
                     "description": f.description, **c, "significant": significant,
                     "single_point_of_failure": significant and oc["delta"] >= spof_change})
    # rank: the largest rise of the objective first; ties in the order of the variants
    order = sorted(range(len(rows)), key=lambda i: (-rows[i]["objective"]["delta"], i))
    ranked = [{"rank": r + 1, **rows[i]} for r, i in enumerate(order)]

    sens: dict[str, dict[str, Any]] = {}
    for k, b in enumerate(bounds, start=1 + len(faults)):
        entry = sens.setdefault(b.parameter, {"parameter": b.parameter})
        entry[b.side] = {"label": b.label, **compare(outs[k])}
    for entry in sens.values():
        ds = [entry[s]["objective"]["delta"] for s in ("low", "high") if s in entry] + [0.0]
        entry["swing"] = _r(max(ds) - min(ds))
    sensitivity = sorted(sens.values(), key=lambda e: -e["swing"])
    from skyshield.scenario.identity import scenario_hash

    block = {"objective": obj.label, "measures": describe_objective(obj, names),
             "interval": "normal" if obj.kind == "value" else "wilson",
             "spof_change": _r(spof_change)}
    return FaultReport(scenario.name, vip["name"], replications, seed, spof_threshold,
                       baseline, ranked, sensitivity, time.perf_counter() - t0,
                       sum(o.cpu_seconds for o in outs.values()), block,
                       scenario_hash(scenario))


#: The command-line option that sizes each generic fault: an invalid variant names it.
_FAULT_OPTION = {"late_reaction": "--late", "degraded_pk": "--pk-factor",
                 "missed_identification": "--misid"}


def _variant(data: Data, option: str | None, what: str, scenario_file: str) -> Scenario:
    """The validated scenario of a fault or sensitivity setting; an invalid one is an error
    of what made it: the option that sized it, else the scenario (e.g. a parameter at the
    edge of its range that the setting moves past it)."""
    from skyshield.scenario import scenario_from_dict

    try:
        return scenario_from_dict(data, file="<variant>")
    except InputError as exc:
        where = f", field '{exc.field}'" if exc.field else ""
        if option is not None:
            raise InputError(f"makes an invalid scenario ({what}{where}: {exc.message})",
                             file="<argument>", field=option) from None
        raise InputError(f"{what} makes an invalid scenario{where}: {exc.message}",
                         file=scenario_file) from None


def _describe_lines(report: FaultReport, top: int) -> Sequence[str]:
    """A few lines for the terminal: the ranking and the single points of failure."""
    b = report.baseline
    ob = report.objective
    lines = [f"{report.scenario}: P(loss of {report.vip}) = {b['vip_p_loss']:.3f} "
             f"[{b['vip_p_loss_ci95'][0]:.3f}, {b['vip_p_loss_ci95'][1]:.3f}] "
             f"({report.replications} replications, seed {report.seed})"]
    value = ob.get("objective") == "value"
    fmt = "+10.2f" if value else "+8.3f"
    w = 10 if value else 8
    if ob.get("objective", "vip") != "vip":
        bo = b["objective"]
        num = ".2f" if value else ".3f"
        lines.append(f"Objective {ob['objective']} ({ob['measures']}) = {bo['value']:{num}} "
                     f"[{bo['ci95'][0]:{num}}, {bo['ci95'][1]:{num}}]; faults ranked by its "
                     "change")
    lines.append("")
    lines.append(f"{'rank':>4}  {'change':>{w}}  {'95 % paired CI':>{2 * w + 3}}  fault")
    for f in report.faults[:top]:
        mark = "  ◀ single point of failure" if f["single_point_of_failure"] else ""
        oc = f["objective"]
        lo, hi = oc["delta_ci95"]
        lines.append(f"{f['rank']:>4}  {oc['delta']:{fmt}}  [{lo:{fmt}}, {hi:{fmt}}]  "
                     f"{f['description']}{mark}")
        moved = [f"{a['name']} {a['delta']:+.3f}" for a in f["assets"]
                 if a["delta_ci95"][0] > 0.0 or a["delta_ci95"][1] < 0.0]
        if moved:
            lines.append(f"{'':>{w + 8}}P(loss) per asset, paired interval clear of 0: "
                         + ", ".join(moved))
    if len(report.faults) > top:
        lines.append(f"      ... {len(report.faults) - top} more (faults.json)")
    spof = report.single_points_of_failure
    lines.append("")
    if spof:
        lines.append("Single points of failure: " + "; ".join(f["description"] for f in spof))
    else:
        lines.append(f"No single point of failure (no single fault raises the objective, "
                     f"{ob.get('measures', 'the VIP loss probability')}, by "
                     f"{ob.get('spof_change', report.spof_threshold):g} or more with "
                     "confidence).")
    if report.sensitivity:
        top_s = report.sensitivity[0]
        lines.append(f"Most sensitive parameter: {top_s['parameter']} "
                     f"(swing {top_s['swing']:.3f})")
    return lines
