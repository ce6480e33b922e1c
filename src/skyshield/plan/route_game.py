"""The route-versus-ambush game: column generation over every route and departure, and the
few briefable plans the mixed strategy uses.

:func:`column_generation` solves the zero-sum game in cumulative hazard over the whole
space-time graph (the sweep prices routes against the adversary's duals); :func:`select_plans`
then picks at most ``k`` of the plans found whose optimal mix in the leak LP over loss
probabilities is as safe as can be found.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from skyshield.clock import SolverClock
from skyshield.plan.ambush import AmbushSet, SplitResponder
from skyshield.plan.game import robust_values, solve_zero_sum
from skyshield.plan.occupancy import Candidate, occupancy
from skyshield.plan.route import RouteResult


@dataclass(frozen=True)
class GameLog:
    iterations: int
    columns: int
    lower_bound: float
    value: float
    seconds: float
    #: ``optimal`` (gap within tolerance), ``iteration_limit`` or ``time_limit``.
    status: str = "optimal"

    @property
    def gap(self) -> float:
        """Relative gap between the value found and the lower bound."""
        return max(0.0, self.value - self.lower_bound) / max(abs(self.value), 1e-12)


class _GameMaster:
    """The restricted master LP of the route-versus-ambush game, held in HiGHS.

    Columns: ``z_θ`` (free, cost ``p_θ``) then one per route. Rows ``0..J-1``:
    ``Σ_i G_ij x_i − z_θ(j) ≤ 0``; row ``J``: ``Σ_i x_i = 1``. New routes are added as
    columns and the LP is re-solved from the previous basis (warm start).
    """

    def __init__(self, amb: AmbushSet) -> None:
        import highspy

        from skyshield.wta import new_highs

        self.inf = highspy.kHighsInf
        self.J = amb.J
        h = new_highs()
        h.setOptionValue("threads", 1)
        # columns are only ever added: the last basis stays primal feasible, so the primal
        # simplex restarts from it (measured: ~40 % faster on the flagship than the default)
        h.setOptionValue("simplex_strategy", 4)
        h.setOptionValue("presolve", "off")
        K = len(amb.names)
        empty = np.zeros(0, dtype=np.int32)
        h.addRows(amb.J, np.full(amb.J, -self.inf), np.zeros(amb.J), 0, empty, empty,
                  np.zeros(0))
        h.addRow(1.0, 1.0, 0, empty, np.zeros(0))
        for t in range(K):
            rows = np.flatnonzero(amb.type_of == t).astype(np.int32)
            h.addCol(float(amb.prior[t]), -self.inf, self.inf, rows.size, rows,
                     np.full(rows.size, -1.0))
        self.h = h

    def add(self, cost: float, G: np.ndarray) -> None:
        nz = np.flatnonzero(G > 0)
        idx = np.concatenate([nz, [self.J]]).astype(np.int32)
        self.h.addCol(cost, 0.0, self.inf, idx.size, idx, np.concatenate([G[nz], [1.0]]))

    def solve(self) -> tuple[float, np.ndarray, float]:
        """Value, duals ``y`` (the adversary's mixed strategy) and ``μ``."""
        self.h.run()
        dual = np.asarray(self.h.getSolution().row_dual)
        return (float(self.h.getInfo().objective_function_value),
                np.maximum(-dual[:self.J], 0.0), float(dual[self.J]))


def column_generation(
    routes_fn: Callable[[np.ndarray], list[RouteResult]],
    hz: np.ndarray,
    nx: int,
    amb: AmbushSet,
    cands: list[Candidate],
    factors: list[tuple[float, float]],
    max_iter: int,
    rel_tol: float = 1e-4,
    *,
    alpha: float = 0.9,
    time_limit: float | None = None,
    on_gap: Callable[[float], None] | None = None,
) -> tuple[list[Candidate], GameLog]:
    """The route-versus-ambush game on the whole space-time graph, by column generation.

    Notes
    -----
    Zero-sum in cumulative hazard (additive along a route): the defender mixes routes ``i``
    (each with a posture ``a`` scaling the background hazard by ``f_a`` and ambush damage by
    ``g_a``), each adversary type ``θ`` picks an option ``j``. The master LP over the routes
    found so far is

    .. math:: \\min_{x, z} \\sum_i x_i H_i + \\sum_θ p_θ z_θ \\;\\text{s.t.}\\;
              z_θ \\ge \\sum_i x_i G_{ij} \\;(j \\in θ),\\ \\sum_i x_i = 1.

    Its duals ``y_j ≥ 0`` (``Σ_{j∈θ} y_j = p_θ``: the adversary's mixed strategy) and ``μ``
    price a route at ``H + Σ_j y_j G_j − μ``: a least-hazard route on the field
    ``f_a h + g_a Σ_j y_j d_j`` — the space-time sweep, exact. For any such ``y``,
    ``min_{a, routes} (H + Σ_j y_j G_j)`` is a lower bound on the game's value over *all*
    routes and departures (weak duality), and the master's value is an upper bound; the
    loop stops when they are within ``rel_tol``.

    Stabilisation (Wentges smoothing): routes are priced at ``α ȳ + (1 − α) y``, between the
    best bound's duals ``ȳ`` and the master's, which damps the oscillation of the duals; on
    a miss (no route with negative reduced cost at the master's duals) the master's own
    duals are priced — when that finds nothing either, the master is optimal. Each sweep
    also yields the least-hazard routes to its other arrival ticks
    (:func:`~skyshield.plan.route.min_risk_routes`); all of them with negative reduced cost
    enter the master, which is re-solved from its last basis on HiGHS.

    Parameters
    ----------
    routes_fn
        Least-hazard routes on a ``(T, n)`` field, the optimum first (the space-time sweep
        with the problem's origin, destination, window, endurance and closed cells).
    hz
        ``(T, n)`` background hazard per tick.
    nx
        Grid width.
    amb
        The adversary's options.
    cands
        Initial routes (extended in place and returned).
    factors
        Per posture ``(f_a, g_a)``.
    max_iter
        Iteration limit.
    rel_tol
        Stop when the gap between the master's value and the best bound is this fraction.
    alpha
        Weight of the stability centre in the smoothed duals.
    time_limit
        Solver seconds (:class:`skyshield.clock.SolverClock`: time in numba's compiler is not
        counted); stop (reporting value, bound and status) when exceeded.
    on_gap
        Called with the relative gap after each master solve (for a progress bar).
    """
    with SolverClock() as clock:
        return _column_generation(routes_fn, hz, nx, amb, cands, factors, max_iter, rel_tol,
                                  alpha, time_limit, on_gap, clock)


def _column_generation(routes_fn: Callable[[np.ndarray], list[RouteResult]], hz: np.ndarray,
                       nx: int, amb: AmbushSet, cands: list[Candidate],
                       factors: list[tuple[float, float]], max_iter: int, rel_tol: float,
                       alpha: float, time_limit: float | None,
                       on_gap: Callable[[float], None] | None, clock: SolverClock
                       ) -> tuple[list[Candidate], GameLog]:
    t_start = time.perf_counter()
    T = hz.shape[0]
    master = _GameMaster(amb)
    for c in cands:
        master.add(factors[c.posture][0] * c.route.hazard,
                   factors[c.posture][1] * amb.damage(c.occ))
    lower = -np.inf
    value = np.inf
    it = 0
    status = "iteration_limit"
    seen = {(c.posture, c.route.departure_tick, c.route.cells.tobytes()) for c in cands}
    y_center: np.ndarray | None = None

    def price(y: np.ndarray, y_lp: np.ndarray, mu: float, tol: float) -> tuple[float, int]:
        """Add the routes with negative reduced cost at the master's duals; return the
        Lagrangian bound at ``y`` and the number of routes added."""
        amb_field = amb.field(y, T)
        bound = np.inf
        added = 0
        for a, (fh, fa) in enumerate(factors):
            routes = routes_fn(fh * hz + fa * amb_field)
            if not routes:
                continue
            bound = min(bound, routes[0].hazard)
            for r in routes:
                key = (a, r.departure_tick, r.cells.tobytes())
                if key in seen:
                    continue
                occ = occupancy(r, nx)
                base = float(np.sum(hz[occ.ticks, occ.cells] * occ.weights))
                Gr = fa * amb.damage(occ)
                if fh * base + float(y_lp @ Gr) - mu < -tol:
                    seen.add(key)
                    cands.append(Candidate(RouteResult(r.cells, r.departure_tick,
                                                       r.arrival_tick, base), a, occ, "game"))
                    master.add(fh * base, Gr)
                    added += 1
        return bound, added

    for it in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        value, y_lp, mu = master.solve()
        tol = rel_tol * max(abs(value), 1e-9)
        if on_gap is not None:
            on_gap(max(0.0, value - lower) / max(abs(value), 1e-12))
        if value - lower <= tol:
            status = "optimal"
            break
        if time_limit is not None and clock.elapsed() > time_limit:
            status = "time_limit"
            break
        added = 0
        if y_center is not None:
            y_s = alpha * y_center + (1.0 - alpha) * y_lp
            bound, added = price(y_s, y_lp, mu, tol)
            if bound > lower:
                lower, y_center = bound, y_s
        if not added:
            bound, added = price(y_lp, y_lp, mu, tol)
            if bound > lower:
                lower, y_center = bound, y_lp
            if not added:  # nothing prices out at the master's duals: optimal
                lower = max(lower, value - tol)
                status = "optimal"
                break
    else:
        value, *_ = master.solve()
        if value - lower <= rel_tol * max(abs(value), 1e-9):
            status = "optimal"
    return cands, GameLog(it, len(cands), lower, value, time.perf_counter() - t_start, status)


def select_plans(losses: list[np.ndarray], prior: np.ndarray, leak: float, pool: list[int],
                 start: list[int], k: int, responder: SplitResponder | None,
                 max_swaps: int | None = None, tries: int = 20) -> tuple[list[int], Any]:
    """At most ``k`` plans from ``pool`` whose optimal mix is as safe as can be found.

    Notes
    -----
    Choosing the best ``k``-plan support is a cardinality-constrained LP (a MILP: on the
    flagship HiGHS does not prove it within a minute). Local search instead, deterministic:
    from ``start``, solve the game over the chosen plans; price every plan of the pool at
    its optimal prices (``q w_i + Σ y L_i − μ``, the reduced cost: negative means the plan
    would lower the value); for the ``tries`` most negative, try it in place of each chosen
    plan (or added, below ``k``) and take the best improving exchange; stop when none
    improves or after ``max_swaps`` (default ``2k``) exchanges.
    """
    w = robust_values(losses, prior)

    def solve(rows: list[int]) -> Any:
        r = np.array(rows)
        return solve_zero_sum([m[r] for m in losses], prior, leak,
                              None if responder is None else responder.restrict(r))

    chosen = list(dict.fromkeys(start))[:k]
    best = solve(chosen)
    p = np.array(pool)
    for _ in range(2 * k if max_swaps is None else max_swaps):
        prices = best.prices or []
        rc = leak * w[p] + sum(m[p] @ y[:m.shape[1]] for m, y in zip(losses, prices,
                                                                     strict=True)) - best.mu
        order = [int(p[i]) for i in np.argsort(rc, kind="stable")
                 if rc[i] < -1e-12 and int(p[i]) not in chosen][:tries]
        found: tuple[list[int], Any] | None = None
        for c in order:
            trials = [[*chosen, c]] if len(chosen) < k else \
                [[*chosen[:i], c, *chosen[i + 1:]] for i in range(len(chosen))]
            for rows in trials:
                sol = solve(rows)
                if sol.value < best.value - 1e-9 and (found is None
                                                      or sol.value < found[1].value):
                    found = (rows, sol)
            if found is not None:
                break
        if found is None:
            break
        chosen, best = found
    keep = [i for i, xi in zip(chosen, best.x, strict=True) if xi > 0]
    if len(keep) < len(chosen):
        chosen, best = keep, solve(keep)
    return chosen, best
