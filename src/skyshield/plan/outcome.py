"""The planner's result: the plans, the mixed strategy, and how to report them.

:class:`PlanOutcome` holds everything the planner found; :meth:`PlanOutcome.to_dict` is the
``--json`` object, :meth:`PlanOutcome.to_json` its text, :meth:`PlanOutcome.describe` the
summary for the terminal and :meth:`PlanOutcome.save` the output folder (``plan.json``,
``strategy.json``, ``plots/plan_map.png``). :class:`PlanSampler` draws the plan to fly.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from skyshield.plan.ambush import AmbushSet, SplitResponder, default_adversaries
from skyshield.plan.game import exploitability, robust_values, strategy_known_risk
from skyshield.plan.hazard import HazardField, Setting
from skyshield.plan.occupancy import Candidate
from skyshield.plan.route import expand_moves
from skyshield.plan.route_game import GameLog

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.scenario.schema import Scenario


@dataclass
class PlanOutcome:
    """Everything the planner found; :meth:`to_dict` is the ``--json`` object, :meth:`to_json`
    its text, :meth:`describe` the summary and :meth:`save` the output folder."""

    setting: Setting
    hazard: HazardField
    candidates: list[Candidate]
    listed: list[int]  # candidate indices reported as plans
    losses: list[np.ndarray]  # per type (n_cand, J_θ) loss probability
    strategy: np.ndarray  # (n_cand,) probability
    leak: float
    curve: list[dict[str, float]]
    risk_hazard: np.ndarray  # (n_cand,) hazard-field estimate incl. the scenario's leak rule
    mc: dict[int, dict[str, Any]] = field(default_factory=dict)
    game_log: GameLog | None = None
    ambushes: AmbushSet | None = None
    timings: dict[str, float] = field(default_factory=dict)
    unrestricted_value: float | None = None
    #: Best responses of types that may split their drones (``None``: none may).
    responder: SplitResponder | None = None

    # ---- derived
    def waypoints(self, i: int) -> list[dict[str, float]]:
        """The flyable route of candidate ``i``: turn points with their times (seconds)."""
        st = self.setting
        g = st.grid
        c = self.candidates[i]
        pts: list[tuple[float, float, float]] = []
        t = c.route.departure_tick
        pts.append((*st.origin, t * g.tau))
        moves = expand_moves(c.route.cells, g.nx)
        prev_dir: tuple[int, int] | None = None
        for k, (u, v, m) in enumerate(moves):
            t += m
            ux, uy = g.xy(u)
            vx, vy = g.xy(v)
            direction = (int(np.sign(vx - ux)), int(np.sign(vy - uy)))
            last = k == len(moves) - 1
            nxt_dir = None
            if not last:
                u2, v2, _ = moves[k + 1]
                a, b = g.xy(u2), g.xy(v2)
                nxt_dir = (int(np.sign(b[0] - a[0])), int(np.sign(b[1] - a[1])))
            if last:
                pts.append((*st.destination, t * g.tau))
            elif direction == (0, 0) or nxt_dir != direction or prev_dir == (0, 0):
                pts.append((vx, vy, t * g.tau))
            prev_dir = direction
        out: list[dict[str, float]] = []
        for x, y, tt in pts:
            if out and tt <= out[-1]["t_s"]:
                continue
            out.append({"x_m": round(x, 1), "y_m": round(y, 1), "t_s": round(tt, 3)})
        return out

    def strategy_risk(self, q: float | None = None) -> float:
        q = self.leak if q is None else q
        w = robust_values(self.losses, self.prior)
        known = strategy_known_risk(self.losses, self.strategy, self.prior, self.responder)
        return float((1 - q) * known + q * float(w @ self.strategy))

    @property
    def prior(self) -> np.ndarray:
        return self.ambushes.prior if self.ambushes is not None else np.ones(1)

    def best_fixed(self) -> int:
        return int(np.argmin(robust_values(self.losses, self.prior)))

    def strategy_mc(self) -> dict[str, Any] | None:
        """The Monte Carlo's loss probability of the randomised strategy, ``Σ x_i p̂_i``, with
        a 95 % interval (:func:`~skyshield.results.stats.mixture_interval`); ``None`` unless
        every plan it plays was flown."""
        from skyshield.results.stats import mixture_interval

        played = [i for i in self.listed if self.strategy[i] > 0]
        if not played or any(i not in self.mc for i in played):
            return None
        ns = [int(self.mc[i]["replications"]) for i in played]
        ks = [round(self.mc[i]["p_loss"] * n) for i, n in zip(played, ns, strict=True)]
        est, lo, hi = mixture_interval(ks, ns, [float(self.strategy[i]) for i in played])
        return {"risk": est, "ci95": [lo, hi], "replications": int(sum(ns))}

    def decision(self) -> str:
        thr = self.setting.spec.risk_threshold
        risk = self.strategy_risk()
        mc = self.strategy_mc()
        if mc is not None:
            risk = max(risk, mc["risk"])
        return "go" if risk <= thr else "no-go"

    def sampler(self) -> PlanSampler:
        """Draws the plan to fly, at execution time, from the mixed strategy."""
        idx = [i for i in self.listed if self.strategy[i] > 0]
        plans = [self.plan_dict(i) for i in idx]
        return PlanSampler(plans, [float(self.strategy[i]) for i in idx])

    def plan_dict(self, i: int) -> dict[str, Any]:
        st = self.setting
        c = self.candidates[i]
        g = st.grid
        w = robust_values(self.losses, self.prior)
        d: dict[str, Any] = {
            "index": self.listed.index(i) if i in self.listed else None,
            "found_by": c.origin,
            "posture": st.spec.postures[c.posture].name,
            "departure": round(c.route.departure_tick * g.tau, 3),
            "arrival": round(c.route.arrival_tick * g.tau, 3),
            "route": self.waypoints(i),
            # the Monte Carlo's estimate when the plan was flown there, else the model's
            "risk": float(self.risk_hazard[i]),
            "risk_source": "hazard_model",
            "risk_model": float(self.risk_hazard[i]),
            "risk_ci95": None,
            "risk_background": float(-np.expm1(-c.route.hazard
                                                * st.spec.postures[c.posture].hazard_factor)),
            "risk_worst_ambush": float(w[i]),
            "probability": float(self.strategy[i]),
            # what makes it a runnable scenario (skyshield plan-draw --scenario-out)
            "asset": st.scenario.assets.moving[st.asset_index].name,
            "altitude_m": float(st.altitude),
            "posture_changes": dict(st.spec.postures[c.posture].scenario),
        }
        if i in self.mc:
            d["risk"] = self.mc[i]["p_loss"]
            d["risk_source"] = "monte_carlo"
            d["risk_ci95"] = self.mc[i]["ci95"]
            d["mc_replications"] = self.mc[i]["replications"]
        return d

    def to_dict(self) -> dict[str, Any]:
        st = self.setting
        fixed = self.best_fixed()
        ex_r = exploitability(self.losses, self.strategy, self.prior, self.responder)
        onehot = np.zeros(len(self.candidates))
        onehot[fixed] = 1.0
        ex_f = exploitability(self.losses, onehot, self.prior, self.responder)
        plans = [self.plan_dict(i) for i in self.listed]
        return {
            "scenario": st.scenario.name,
            "asset": st.asset.name,
            "seed": st.spec.seed,
            "grid": {"cell_m": st.grid.cell, "nx": st.grid.nx, "ny": st.grid.ny,
                     "tick_s": st.grid.tau, "ticks": st.grid.T},
            "limits": {"origin": list(st.origin), "destination": list(st.destination),
                       "departure_window_s": list(st.departure), "endurance_s": st.endurance,
                       "speed_mps": st.speed, "altitude_m": st.altitude,
                       "corridor_m": st.spec.corridor_m},
            "plans": plans,
            "mixed_strategy": {str(self.listed.index(i)): float(self.strategy[i])
                               for i in self.listed if self.strategy[i] > 0},
            "best_fixed_plan": self.listed.index(fixed),
            "leak_probability": self.leak,
            "risk_randomised": self.strategy_risk(),
            "risk_fixed": float(robust_values(self.losses, self.prior)[fixed]),
            "risk_randomised_all_candidates": self.unrestricted_value,
            "risk_randomised_mc": self.strategy_mc(),
            "candidates": len(self.candidates),
            "exploitability": {"randomised": ex_r, "fixed": ex_f},
            "leak_curve": self.curve,
            "adversary": None if self.ambushes is None else {
                "types": self.ambushes.names, "prior": self.ambushes.prior.tolist(),
                "groups": [a.groups for a in default_adversaries(st)],
                "options": int(self.ambushes.J), "options_offered": self.ambushes.offered},
            "game": None if self.game_log is None else {
                "status": self.game_log.status, "gap": self.game_log.gap,
                "iterations": self.game_log.iterations, "columns": self.game_log.columns,
                "value_hazard": self.game_log.value,
                "lower_bound_hazard": self.game_log.lower_bound},
            "risk_threshold": st.spec.risk_threshold,
            "decision": self.decision(),
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }

    # ---- reporting: one convention (the JSON, the summary, the output folder)
    def to_json(self) -> str:
        """The :meth:`to_dict` object as JSON text: what ``skyshield plan --json`` prints and
        ``plan.json`` holds."""
        return json.dumps(self.to_dict(), indent=2) + "\n"

    def describe(self) -> str:
        """The summary for the terminal: the plans, the strategy's risk, the value of
        secrecy, the game and the decision (what ``skyshield plan`` prints)."""
        r = self.to_dict()
        lines = [f"{r['scenario']}: plans for {r['asset']}",
                 f"{'plan':>4} {'dep s':>7} {'arr s':>7} {'p':>6} {'model':>7} {'MC':>7} "
                 f"{'95% CI':>16} {'worst ambush':>12}  found by"]
        for p in r["plans"]:
            ci = p.get("risk_ci95")
            ci_s = f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "-"
            mc = f"{p['risk']:.3f}" if p["risk_source"] == "monte_carlo" else "-"
            lines.append(f"{p['index']:>4} {p['departure']:>7.0f} {p['arrival']:>7.0f} "
                         f"{p['probability']:>6.3f} {p['risk_model']:>7.3f} {mc:>7} "
                         f"{ci_s:>16} {p['risk_worst_ambush']:>12.3f}  {p['found_by']}")
        lines.append(f"leak q = {r['leak_probability']}: randomised risk "
                     f"{r['risk_randomised']:.3f}, best fixed plan {r['risk_fixed']:.3f}")
        smc = r.get("risk_randomised_mc")
        if smc is not None:
            lines.append(f"randomised strategy in the Monte Carlo (the scenario's own threats): "
                         f"{smc['risk']:.3f} [{smc['ci95'][0]:.3f}, {smc['ci95'][1]:.3f}]")
        lines.append("value of secrecy: " + ", ".join(
            f"q={c['leak_probability']:.1f}: {c['risk_randomised']:.3f}"
            for c in r["leak_curve"]))
        gm = r.get("game")
        if gm is not None:
            lines.append(
                f"route-versus-ambush game: {gm['status']} (gap {gm['gap']:.1e}) after "
                f"{gm['iterations']} iterations, {gm['columns']} routes, "
                f"{r['adversary']['options']} of {r['adversary']['options_offered']} ambush "
                f"options relevant, {r['timings_s']['game']:.1f} s")
        lines.append(f"decision: {r['decision'].upper()} (threshold {r['risk_threshold']})")
        from skyshield.display import term_block

        return term_block("\n".join(lines) + "\n")

    def save(self, out: str | Path, *, overwrite: bool = False) -> Path:
        """Write the output folder ``out``: ``plan.json`` (:meth:`to_json`), ``strategy.json``
        (the plans the strategy plays and their probabilities, for ``skyshield plan-draw``)
        and ``plots/plan_map.png`` (:func:`~skyshield.plan.plot.plot_plan`), each atomically
        and on the rules of :mod:`skyshield.outfolder` (a folder holding another scenario's
        files is refused unless ``overwrite``)."""
        from skyshield.interrupt import deferred_sigint
        from skyshield.outfolder import atomic_write, claim, commit, locked
        from skyshield.plan.plot import plot_plan
        from skyshield.scenario.identity import scenario_hash

        sc = self.setting.scenario
        folder = check_plan_out(out, sc, overwrite=overwrite)
        names = ["plan.json", "strategy.json", "plots/plan_map.png"]
        sampler = self.sampler()
        strategy = json.dumps({"plans": sampler.plans, "probabilities": sampler.p.tolist()},
                              indent=2) + "\n"
        with deferred_sigint(), locked(folder):
            claim(folder, "plan", names, scenario=sc.name, scenario_hash=scenario_hash(sc),
                  overwrite=overwrite)
            atomic_write(folder / "plan.json", self.to_json())
            atomic_write(folder / "strategy.json", strategy)
            plot_plan(self, folder / "plots" / "plan_map.png")
            commit(folder, "plan", names)
        return folder


def check_plan_out(out: str | Path, scenario: Scenario, *, overwrite: bool = False,
                   option: str = "--out") -> Path:
    """The folder ``out`` for a plan, checked (and created) before the planning runs:
    writable, nothing in the way of its files, no other scenario's results in it unless
    ``overwrite`` (:mod:`skyshield.outfolder`)."""
    from skyshield.outfolder import ARTEFACTS, check_claim, check_entries, out_folder
    from skyshield.scenario.identity import scenario_hash

    folder = out_folder(out, option=option)
    check_entries(folder, ARTEFACTS["plan"], option=option)
    check_claim(folder, scenario=scenario.name, scenario_hash=scenario_hash(scenario),
                overwrite=overwrite, option=option)
    return folder


def strategy_problem(plans: Any, probabilities: Any) -> tuple[str, str] | None:
    """What makes ``plans`` and ``probabilities`` not a mixed strategy, as ``(field,
    message)``; ``None`` if they are one: a non-empty list of plans (objects) and as many
    probabilities, each a finite number ≥ 0, with a positive sum."""
    if not isinstance(plans, list) or not plans:
        return "plans", "expected a non-empty list of plans"
    for i, plan in enumerate(plans):
        if not isinstance(plan, dict):
            return f"plans[{i}]", "expected a plan (a JSON object)"
    if not isinstance(probabilities, list) or len(probabilities) != len(plans):
        return "probabilities", f"expected a list of {len(plans)} probabilities, one a plan"
    for i, v in enumerate(probabilities):
        if isinstance(v, bool) or not isinstance(v, int | float):
            return f"probabilities[{i}]", f"expected a number, got {type(v).__name__}"
        if not (math.isfinite(v) and v >= 0.0):
            return f"probabilities[{i}]", f"expected a finite number >= 0, got {v}"
    total = sum(float(v) for v in probabilities)
    if not 0.0 < total < math.inf:
        return "probabilities", (f"the probabilities must have a positive, finite sum, got "
                                 f"{total:g}")
    return None


class PlanSampler:
    """Draws the actual plan from the mixed strategy.

    At execution time the draw must be unpredictable: without a seed it takes fresh OS
    entropy (``np.random.default_rng()``), never a stored or derived seed. A seed is for
    tests and replays only.
    """

    def __init__(self, plans: list[dict[str, Any]], probabilities: list[float]) -> None:
        problem = strategy_problem(plans, probabilities)
        if problem is not None:
            raise ValueError(f"{problem[0]}: {problem[1]}")
        p = np.asarray(probabilities, float)
        self.plans = plans
        self.p = p / p.sum()

    @classmethod
    def load(cls, path: str | Path) -> PlanSampler:
        """Read a ``strategy.json`` (as :meth:`PlanOutcome.save` writes it).

        Raises
        ------
        InputError
            The file is not JSON (or nested absurdly deep), or its plans or probabilities
            are not a strategy: naming the field (``probabilities[2]``).
        """
        from skyshield.errors import InputError
        from skyshield.limits import decode_text, read_input

        file = str(path)
        text = decode_text(read_input(path, "strategy file"), file)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg}", file=file, line=exc.lineno) from None
        except RecursionError:
            raise InputError("not a strategy file: JSON nested too deeply", file=file) from None
        if not isinstance(data, dict):
            raise InputError("not a strategy file: expected a JSON object with 'plans' and "
                             "'probabilities'", file=file)
        for key in ("plans", "probabilities"):
            if key not in data:
                raise InputError(f"not a strategy file: missing '{key}'", file=file, field=key)
        problem = strategy_problem(data["plans"], data["probabilities"])
        if problem is not None:
            raise InputError(problem[1], file=file, field=problem[0])
        return cls(data["plans"], data["probabilities"])

    def draw(self, seed: int | None = None) -> dict[str, Any]:
        rng = np.random.default_rng(seed)
        return self.plans[int(rng.choice(len(self.plans), p=self.p))]


def plan_scenario(scenario: Any, plan: dict[str, Any], *, file: str = "<plan>") -> Any:
    """The scenario with the drawn ``plan`` flown: its posture's scenario changes, then its
    route (turn points with times), departure and altitude for its asset — the variant the
    planner's Monte Carlo check runs (:func:`skyshield.plan.verify.verify`)."""
    from skyshield.errors import InputError
    from skyshield.scenario.paths import with_changes, with_flight

    try:
        route = [(float(w["x_m"]), float(w["y_m"]), float(w["t_s"])) for w in plan["route"]]
        asset = str(plan["asset"])
        altitude = float(plan["altitude_m"])
        changes = dict(plan.get("posture_changes") or {})
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise InputError(f"this plan cannot be made a scenario (missing or bad {exc}); write "
                         "the strategy again with this skyshield's `skyshield plan`",
                         file=file, field="plans") from None
    postured = with_changes(scenario, changes, file=f"{file}, posture") if changes else scenario
    return with_flight(postured, route, asset=asset, departure_s=route[0][2],
                       altitude_m=altitude, file=file)
