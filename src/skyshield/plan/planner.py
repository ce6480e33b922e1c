"""The planner: safest route and departure, alternatives, and a leak-robust mixed strategy.

Pipeline (one way, as everywhere in skyshield); :func:`plan_flight` runs it, and each stage
lives in the module named on its right::

    Scenario + PlanSpec ──resolve──▶ Setting (grid, limits)               hazard
      ──build_hazard──▶ hazard field (T, n)                              hazard
      ──least_risk_route──▶ best route                                   alternatives
      ──alternatives (exclusion corridors)──▶ k distinct routes          alternatives
      ──build_ambushes──▶ ambush options, damage fields                  ambush
      ──column_generation──▶ candidate plans                             route_game
      ──select_plans, leak LP (HiGHS)──▶ mixed strategy, leak curve      route_game, game
      ──simulate──▶ Monte Carlo check of the plans                       verify
      ──▶ PlanOutcome: go / no-go, JSON, summary, output folder          outcome
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from skyshield.plan.alternatives import alternatives, least_risk_route, least_risk_routes
from skyshield.plan.ambush import (
    SplitResponder,
    build_ambushes,
    default_adversaries,
    engine_leak_hazard,
)
from skyshield.plan.game import leak_curve, robust_values, solve_zero_sum
from skyshield.plan.hazard import build_hazard, resolve
from skyshield.plan.occupancy import Candidate, occupancy
from skyshield.plan.outcome import PlanOutcome
from skyshield.plan.route_game import column_generation, select_plans
from skyshield.plan.spec import PlanSpec
from skyshield.plan.verify import check_postures, verify
from skyshield.scenario.schema import Scenario


def _gap_bar(enabled: bool, target: float = 1e-4
             ) -> tuple[Callable[[float], None], Callable[[], None]]:
    """A progress bar for column generation: the share of the way, in orders of magnitude,
    from the first gap to ``target`` (the gap only shrinks, so the bar only advances)."""
    from skyshield.progress import progress_bar

    steps = 1000
    advance, stop = progress_bar("game: closing the gap", steps, enabled=enabled)
    state = {"first": 0.0, "done": 0}

    def on_gap(gap: float) -> None:
        if not np.isfinite(gap):  # no bound yet
            return
        if state["first"] == 0.0:
            state["first"] = max(gap, target * 10.0)
        share = math.log(state["first"] / max(gap, target)) / math.log(state["first"] / target)
        now = round(steps * min(1.0, max(0.0, share)))
        if now > state["done"]:
            advance(int(now - state["done"]))
            state["done"] = now

    return on_gap, stop


def plan_flight(
    scenario: Scenario,
    spec: PlanSpec | None = None,
    *,
    verify_plans: bool = True,
    workers: int = 1,
    progress: bool = False,
) -> PlanOutcome:
    """Plan the VIP's flight: safest route and departure, alternatives, mixed strategy.

    Parameters
    ----------
    scenario
        A validated scenario.
    spec
        Planning inputs (defaults derived from the scenario).
    verify_plans
        Fly the reported plans in the Monte Carlo (``spec.mc_replications`` each).
    workers
        Worker processes for the Monte Carlo.
    progress
        Show progress bars (on stderr) for the game and the Monte Carlo check.

    Returns
    -------
    PlanOutcome

    Raises
    ------
    InputError
        For impossible requests: no moving asset, empty departure window, destination
        unreachable within the endurance, corridor or no-fly zones.
    """
    from skyshield.errors import InputError

    spec = spec or PlanSpec()
    if verify_plans:  # every posture's scenario changes must give a valid scenario, up front
        check_postures(scenario, spec)
    if verify_plans and spec.mc_replications > 0:
        from skyshield.engine.size import check_runs

        # the Monte Carlo check flies at most the best route, its alternatives, the fixed
        # plan and max_plans more, one after the other: refuse before planning what cannot fit
        check_runs([scenario] * (2 + spec.alternatives + spec.max_plans), spec.mc_replications,
                   workers=1, what="the Monte Carlo check of the plans",
                   replications_file=None, replications_field="mc_replications",
                   runs_file=None, runs_field=None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    st = resolve(scenario, spec)
    hf = build_hazard(st)
    g = st.grid
    if hf.blocked[g.cell_of(*st.origin)] or hf.blocked[g.cell_of(*st.destination)]:
        raise InputError("the origin or destination lies in a no-fly zone", field="no_fly_zones")
    timings["hazard"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    best = least_risk_route(st, hf.hz, hf.blocked)
    if best is None:
        raise InputError(
            f"destination unreachable: no route within the endurance ({st.endurance:.0f} s), "
            "the corridor, the no-fly zones and the scenario's duration", field="endurance_s")
    alts = alternatives(st, hf, best, spec.alternatives)
    timings["routes"] = time.perf_counter() - t0
    cands: list[Candidate] = []
    for a in range(len(spec.postures)):
        cands.append(Candidate(best, a, occupancy(best, g.nx), "min-risk"))
        cands.extend(Candidate(r, a, occupancy(r, g.nx), "alternative") for r in alts)
    t0 = time.perf_counter()
    amb = build_ambushes(st, hf)
    log = None
    if amb is not None:
        factors = [(p.hazard_factor, p.ambush_factor) for p in spec.postures]
        on_gap, stop = _gap_bar(progress)
        try:
            cands, log = column_generation(lambda f: least_risk_routes(st, f, hf.blocked),
                                           hf.hz, g.nx, amb, cands, factors,
                                           spec.max_iterations,
                                           time_limit=spec.game_time_limit_s, on_gap=on_gap)
        finally:
            stop()
    timings["game"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    posts = spec.postures
    Hs = np.array([posts[c.posture].hazard_factor * c.route.hazard for c in cands])
    responder: SplitResponder | None = None
    if amb is not None:
        G = np.array([posts[c.posture].ambush_factor * amb.damage(c.occ) for c in cands])
        # options with identical loss columns are one option to the defender: drop copies
        losses = [np.unique(-np.expm1(-(Hs[:, None] + G[:, amb.type_of == t])), axis=1)
                  for t in range(len(amb.names))]
        prior = amb.prior
        groups = [a.groups for a in default_adversaries(st)]
        if max(groups) > 1:
            responder = SplitResponder(Hs, [G[:, amb.type_of == t]
                                            for t in range(len(amb.names))], groups)
    else:
        losses = [-np.expm1(-Hs)[:, None]]
        prior = np.ones(1)
    full = solve_zero_sum(losses, prior, spec.leak_probability, responder)
    fixed = int(np.argmin(robust_values(losses, prior)))
    # the strategy's plans: at most max_plans (a few concrete, briefable plans), chosen
    # from the unrestricted optimum's support, the least-risk route, the alternatives and
    # the best fixed plan; the leak curve is over them and the best fixed plan
    known = [0, *range(1, 1 + len(alts)), fixed]
    pool = sorted(set(np.flatnonzero(full.x > 1e-9).tolist()) | set(known))
    start = np.argsort(-full.x, kind="stable")[:spec.max_plans]
    chosen, sol = select_plans(losses, prior, spec.leak_probability, pool,
                               start[full.x[start] > 1e-9].tolist() or [fixed],
                               spec.max_plans, responder)
    x = np.zeros(len(cands))
    x[chosen] = sol.x
    listed: list[int] = []
    for i in [*known, *chosen]:
        if int(i) not in listed:
            listed.append(int(i))
    curve_rows = np.array(sorted(set(chosen) | {fixed}))
    curve = leak_curve([m[curve_rows] for m in losses], prior,
                       oracle=None if responder is None else responder.restrict(curve_rows))
    timings["leak_lp"] = time.perf_counter() - t0
    # the scenario's own leak, as the engine models it, for the estimate beside the MC
    lk = scenario.leak
    p_leak = lk.probability if lk is not None else 0.0
    risk_h = np.array([
        (1 - p_leak) * -math.expm1(-Hs[i]) + p_leak * -math.expm1(
            -(Hs[i] + engine_leak_hazard(st, c.occ, c.route)))
        for i, c in enumerate(cands)])
    out = PlanOutcome(st, hf, cands, listed, losses, x, spec.leak_probability, curve,
                      risk_h, game_log=log, ambushes=amb, timings=timings,
                      unrestricted_value=full.value, responder=responder)
    if verify_plans and spec.mc_replications > 0:
        t0 = time.perf_counter()
        verify(out, listed, spec.mc_replications, spec.seed, workers, progress=progress)
        timings["monte_carlo"] = time.perf_counter() - t0
    return out
