"""The planner: safest route and departure, alternatives, and a leak-robust mixed strategy.

Pipeline (one way, as everywhere in skyshield)::

    Scenario + PlanSpec ──resolve──▶ Setting (grid, limits)
        ──build_hazard──▶ hazard field (T, n)          ──min_risk_route──▶ best route
        ──alternatives (exclusion corridors)──▶ k distinct routes
        ──ambush options──▶ damage fields ──column generation──▶ candidate plans
        ──leak LP (HiGHS)──▶ mixed strategy, leak curve ──simulate──▶ MC check, go / no-go
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from skyshield.plan.game import (
    exploitability,
    leak_curve,
    robust_values,
    solve_zero_sum,
    strategy_known_risk,
    undominated_columns,
)
from skyshield.plan.hazard import (
    HazardField,
    Setting,
    _point,
    build_hazard,
    defence_kill,
    departure_ticks,
    engage_time,
    resolve,
    strip_halfwidth,
)
from skyshield.plan.route import RouteResult, expand_moves, min_risk_routes
from skyshield.plan.spec import AdversaryType, PlanSpec, Posture
from skyshield.scenario import default_catalogue
from skyshield.scenario.schema import Scenario

# --------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class Occupancy:
    """Where a route spends its ticks: ``(L,)`` tick, cell and weight (a move's ticks are
    split half over the cell left and half over the cell entered, as in the sweep)."""

    ticks: np.ndarray
    cells: np.ndarray
    weights: np.ndarray


def occupancy(route: RouteResult, nx: int) -> Occupancy:
    ticks: list[int] = []
    cells: list[int] = []
    weights: list[float] = []
    t = route.departure_tick
    for u, v, m in expand_moves(route.cells, nx):
        for s in range(m):
            if u == v:
                ticks.append(t + s)
                cells.append(u)
                weights.append(1.0)
            else:
                ticks.extend((t + s, t + s))
                cells.extend((u, v))
                weights.extend((0.5, 0.5))
        t += m
    return Occupancy(np.asarray(ticks, np.int64), np.asarray(cells, np.int64),
                     np.asarray(weights))


@dataclass(frozen=True)
class Candidate:
    """A concrete plan: route, take-off tick, escort posture."""

    route: RouteResult
    posture: int
    occ: Occupancy
    origin: str  # how it was found: "min-risk", "alternative", "game"


# --------------------------------------------------------------------------- ambushes


@dataclass(frozen=True)
class AmbushSet:
    """The adversary's options: ambush discs with hold windows, per type.

    Attributes
    ----------
    type_of, point_of
        ``(J,)`` the adversary type and ambush point of each option.
    px, py, radius
        ``(P,)`` ambush points and reach radii, metres.
    k0, k1
        ``(J,)`` first and last tick of the hold.
    dmg
        ``(P, n)`` hazard per tick over each cell while an ambush at the point holds (zero
        outside its disc), already including vulnerability and the defence.
    names, prior
        Adversary types.
    """

    type_of: np.ndarray
    point_of: np.ndarray
    px: np.ndarray
    py: np.ndarray
    radius: np.ndarray
    k0: np.ndarray
    k1: np.ndarray
    dmg: np.ndarray
    names: list[str]
    prior: np.ndarray
    #: Options before those no flyable route can meet, and dominated ones, were dropped.
    offered: int = 0
    _sparse: Any = field(default=None, repr=False, compare=False)

    @property
    def J(self) -> int:
        return len(self.type_of)

    def damage(self, occ: Occupancy) -> np.ndarray:
        """``(J,)`` cumulative ambush hazard of a route under each option.

        Per point, a running sum of the route's weighted damage over its (tick-ordered)
        occupancy; an option's damage is the difference of two entries, at the first tick of
        its hold and after the last — ``O(P·L + J)``, not ``O(J·L)``.
        """
        vals = self.dmg[:, occ.cells] * occ.weights  # (P, L)
        run = np.zeros((vals.shape[0], vals.shape[1] + 1))
        np.cumsum(vals, axis=1, out=run[:, 1:])
        lo = np.searchsorted(occ.ticks, self.k0, "left")
        hi = np.searchsorted(occ.ticks, self.k1, "right")
        return np.asarray(run[self.point_of, hi] - run[self.point_of, lo])

    def field(self, y: np.ndarray, T: int) -> np.ndarray:
        """``(T, n)`` the dual-weighted damage field ``Σ_j y_j dmg_j`` over each hold.

        The weight of each point over time is a running sum of ``+y_j`` at the start of
        hold ``j`` and ``−y_j`` after its end; the field is that ``(T, P)`` weight times the
        sparse ``(P, n)`` damage discs.
        """
        from scipy.sparse import csr_matrix

        P = self.dmg.shape[0]
        j = np.flatnonzero(y > 0)
        w = np.zeros((T + 1, P))
        np.add.at(w, (self.k0[j], self.point_of[j]), y[j])
        np.add.at(w, (np.minimum(self.k1[j] + 1, T), self.point_of[j]), -y[j])
        np.cumsum(w, axis=0, out=w)
        np.maximum(w, 0.0, out=w)  # a running sum of +y, −y pairs: only rounding below 0
        if self._sparse is None:
            object.__setattr__(self, "_sparse", csr_matrix(self.dmg.T))
        return np.asarray((self._sparse @ w[:T].T).T)  # (T, n), a transposed view


def default_adversaries(st: Setting) -> list[AdversaryType]:
    """The scenario's leak surge as the one adversary type (none without a leak)."""
    if st.spec.adversary_types is not None:
        return st.spec.adversary_types
    lk = st.scenario.leak
    if lk is None:
        return []
    return [AdversaryType(name="leak surge", threat=lk.threat, count=lk.count,
                          launch_area=lk.launch_area, spread_m=lk.spread_m)]


def ambush_rate(st: Setting, threat: str, count: int, spread: float, cell: float
                ) -> tuple[float, float]:
    """Reach radius of an ambush and its engagement rate per second inside it (no defence).

    Notes
    -----
    ``n`` drones over a disc of radius ``ρ`` trigger on a VIP passing within the strip
    ``b`` (:func:`~skyshield.plan.hazard.strip_halfwidth`): the reach is ``R = ρ + b`` (at
    least one cell, so a route cannot slip between cell centres), and a uniform rate
    ``n v / (2R)`` inside it makes a pass through the centre meet all ``n``.
    """
    R = max(spread + strip_halfwidth(st, threat), cell)
    v = st.speed
    vuln = st.asset.vulnerability.get(threat, 0.0)
    return R, count * v / (2.0 * R) * vuln


def build_ambushes(st: Setting, hf: HazardField) -> AmbushSet | None:
    """Every (type, point, start) ambush option, with its damage field."""
    types = default_adversaries(st)
    if not types:
        return None
    g = st.grid
    sc = st.scenario
    cat = default_catalogue()
    cx, cy = g.centres()
    rows: dict[str, list[Any]] = {k: [] for k in ("t", "p", "k0", "k1")}
    pts_x: list[float] = []
    pts_y: list[float] = []
    pts_r: list[float] = []
    dmgs: list[np.ndarray] = []
    for ti, at in enumerate(types):
        if at.threat not in cat.threats:
            from skyshield.errors import InputError

            raise InputError(f"unknown threat class '{at.threat}'",
                             field=f"adversary_types[{ti}].threat")
        tp = cat.threats[at.threat].params
        u, E = tp["speed_mps"], tp["endurance_s"]
        lx, ly = _point(at.launch_area.center, sc)
        R, rate = ambush_rate(st, at.threat, at.count, at.spread_m, g.cell)
        if at.points is not None:
            pts = np.array([_point(p, sc) for p in at.points], dtype=float)
        else:
            # default spacing R√2: the ambush discs then cover the whole plane
            sp = at.spacing_m or R * math.sqrt(2.0)
            a = sc.area
            xs = np.arange(a.west_m + sp / 2, a.east_m, sp)
            ys = np.arange(a.south_m + sp / 2, a.north_m, sp)
            pts = np.array([(x, y) for y in ys for x in xs], dtype=float)
        pk = defence_kill(st, cx, cy, at.threat, engage_time(st, at.threat))
        for px, py in pts:
            fly = max(0.0, math.hypot(px - lx, py - ly) - at.launch_area.radius_m) / u
            hold = at.hold_s if at.hold_s is not None else E - fly
            if hold < 60.0 or fly + hold > E + 1e-9:
                continue
            disc = np.hypot(cx - px, cy - py) <= R
            if not (disc & ~hf.blocked).any():
                continue  # no flyable cell within reach of this point
            dmgs.append(np.where(disc, rate * (1.0 - pk) * g.tau, 0.0))
            pts_x.append(float(px))
            pts_y.append(float(py))
            pts_r.append(R)
            for t0 in np.arange(0.0, sc.duration_s, at.window_step_s):
                k0 = int(t0 // g.tau)
                k1 = min(g.T - 1, int((t0 + hold) // g.tau))
                rows["t"].append(ti)
                rows["p"].append(len(dmgs) - 1)
                rows["k0"].append(k0)
                rows["k1"].append(k1)
    if not dmgs:
        return None
    prior = np.array([t.prior for t in types], dtype=float)
    dmg = np.vstack(dmgs)
    type_of, point_of = np.array(rows["t"]), np.array(rows["p"])
    keep, h0, h1 = relevant_options(st, hf, dmg, type_of, point_of, np.array(rows["k0"]),
                                    np.array(rows["k1"]))
    if keep.size == 0:
        return None
    return AmbushSet(type_of[keep], point_of[keep], np.array(pts_x), np.array(pts_y),
                     np.array(pts_r), h0[keep], h1[keep], dmg, [t.name for t in types],
                     prior / prior.sum(), offered=len(type_of))


def reach_window(st: Setting, hf: HazardField) -> tuple[np.ndarray, np.ndarray]:
    """``(n,)`` first and last tick at which any flyable route can be over each cell (an
    empty range for closed cells), from the fewest ticks to the origin and destination."""
    from skyshield.plan.route import MOVE_TICKS, octile_ticks

    g = st.grid
    lo, hi = departure_ticks(st)
    ks = np.arange(g.n)
    # a move's ticks count half over the cell it enters: pad by the longest move
    pad = int(MOVE_TICKS.max())
    first = lo + octile_ticks(g.nx, ks, g.cell_of(*st.origin)) - pad
    last = min(g.T, hi + int(st.endurance // g.tau)) - octile_ticks(
        g.nx, ks, g.cell_of(*st.destination)) + pad
    last = np.where(hf.blocked, -1, last)
    return first, last


def relevant_options(st: Setting, hf: HazardField, dmg: np.ndarray, type_of: np.ndarray,
                     point_of: np.ndarray, k0: np.ndarray, k1: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The options that matter to the game, with their holds clipped to when they can.

    Notes
    -----
    An option's damage counts only where and when a flyable route can be
    (:func:`reach_window`): its hold is clipped to the hull of the reach windows of the
    cells in its disc, and dropped when that is empty. Of the options of one type at one
    point, one whose clipped hold lies within another's is dominated — the adversary never
    loses by the longer hold — and so is a later copy of an equal hold. Dropping them
    changes neither the game's value nor the defender's optimal strategies.
    """
    first, last = reach_window(st, hf)
    P = dmg.shape[0]
    tmin = np.full(P, np.iinfo(np.int64).max)
    tmax = np.full(P, -1)
    for p in range(P):
        m = (dmg[p] > 0) & (first <= last)
        if m.any():
            tmin[p] = first[m].min()
            tmax[p] = last[m].max()
    c0 = np.maximum(k0, tmin[point_of])
    c1 = np.minimum(k1, tmax[point_of])
    live = np.flatnonzero(c0 <= c1)
    keep: list[int] = []
    order = np.lexsort((live, c0[live] - c1[live], type_of[live] * P + point_of[live]))
    # per (type, point) in order of decreasing hold length: keep what no kept hold contains
    kept: dict[tuple[int, int], list[int]] = {}
    for j in live[order]:
        group = kept.setdefault((int(type_of[j]), int(point_of[j])), [])
        if any(c0[i] <= c0[j] and c1[j] <= c1[i] for i in group):
            continue
        group.append(int(j))
        keep.append(int(j))
    out = np.array(sorted(keep), dtype=np.int64)
    return out, c0, c1


class SplitResponder:
    """The adversary's best response when a type may split its drones into groups.

    Notes
    -----
    A type with ``g`` groups may place ``count / g`` drones at each of ``g`` options
    (point and start time; repeats allowed, so the single ambushes are among them). Ambush
    damage is linear in the number of drones, so the split's cumulative hazard on route
    ``i`` is ``(1/g) Σ_k G_{i, j_k}`` — in hazard never more than the best of its groups
    (the route-versus-ambush game, linear in hazard, is unchanged), but in probability
    ``1 − exp(−(H_i + ·))`` a split can beat every single ambush against a *mixed*
    strategy: it hits several routes at once, each less hard.

    Against ``x`` the best split maximises ``Σ_{i∈S} x_i (1 − exp(−(H_i + v_i)))`` over the
    support ``S`` of ``x`` only. Options whose damage on ``S`` is dominated (at most another
    option's on every route of ``S``) never improve a split, as the objective is increasing
    in ``v``; the remaining ones are enumerated exactly (all multisets of size ``g``).
    """

    def __init__(self, H: np.ndarray, G: list[np.ndarray], groups: list[int],
                 rows: np.ndarray | None = None) -> None:
        self.H = H
        self.G = G  # per type (n, J_θ): cumulative hazard of each single ambush
        self.groups = groups
        self.rows = np.arange(len(H)) if rows is None else rows

    def restrict(self, rows: np.ndarray) -> SplitResponder:
        """The same responder over the plans ``rows`` (indices into the current plans)."""
        return SplitResponder(self.H, self.G, self.groups, self.rows[rows])

    def __call__(self, t: int, x: np.ndarray, k: int = 16) -> np.ndarray | None:
        """``(n, k)`` loss columns of the ``k`` best splits against ``x``, the best first."""
        g = self.groups[t]
        if g == 1:
            return None
        S = np.flatnonzero(x > 0)
        rows = self.rows[S]
        A = self.G[t][rows]  # (|S|, J)
        keep = undominated_columns(A)
        A = A[:, keep]
        hs, xs = self.H[rows], x[S]
        vals: list[np.ndarray] = []
        combos: list[np.ndarray] = []
        for head in itertools.combinations_with_replacement(range(A.shape[1]), g - 2):
            base = A[:, list(head)].sum(axis=1) if head else np.zeros(len(S))
            lo = head[-1] if head else 0
            # the last two groups: every pair (a, b), lo <= a <= b, vectorised
            a_idx, b_idx = np.triu_indices(A.shape[1] - lo)
            for c0 in range(0, a_idx.size, 200_000):
                ai, bi = a_idx[c0:c0 + 200_000] + lo, b_idx[c0:c0 + 200_000] + lo
                v = (base[:, None] + A[:, ai] + A[:, bi]) / g
                val = xs @ -np.expm1(-(hs[:, None] + v))
                top = np.argsort(-val, kind="stable")[:k]
                vals.append(val[top])
                combos.append(np.column_stack([np.tile(head, (top.size, 1)).astype(np.int64),
                                               ai[top], bi[top]]))
        allv = np.concatenate(vals)
        allc = np.vstack(combos)
        best = np.argsort(-allv, kind="stable")[:k]
        Gt = self.G[t]  # only the winning splits' columns, over the plans asked about
        V = np.stack([Gt[np.ix_(self.rows, keep[allc[b]])].sum(axis=1) / g for b in best],
                     axis=1)
        return np.asarray(-np.expm1(-(self.H[self.rows][:, None] + V)))


# --------------------------------------------------------------------------- search


def _route(st: Setting, hz: np.ndarray, blocked: np.ndarray) -> RouteResult | None:
    """The least-hazard route and departure of the problem on the field ``hz``."""
    routes = _routes(st, hz, blocked, count=1)
    return routes[0] if routes else None


def _routes(st: Setting, hz: np.ndarray, blocked: np.ndarray, count: int | None = None
            ) -> list[RouteResult]:
    """The least-hazard route and up to ``count - 1`` (default ``spec.route_pool - 1``)
    more from the same sweeps."""
    g = st.grid
    return min_risk_routes(hz, g.nx, g.ny, g.cell_of(*st.origin), g.cell_of(*st.destination),
                           departure_ticks(st), int(st.endurance // g.tau), blocked=blocked,
                           hover=st.spec.hover,
                           count=st.spec.route_pool if count is None else count,
                           spread=st.spec.route_pool_spread)


def alternatives(st: Setting, hf: HazardField, first: RouteResult, k: int) -> list[RouteResult]:
    """Up to ``k`` distinct routes: each keeps at least half of its flight (outside the end
    discs) farther than ``separation_m`` from every earlier route.

    Notes
    -----
    Penalty method: the cells within the separation of earlier routes get an extra hazard
    ``λ`` per tick, starting at the best route's mean hazard per tick and multiplied by 4
    until the least-risk route on the penalised field is distinct (or 8 tries fail). The
    route's risk is then re-evaluated on the true field. Near-copies — the same route shifted
    by a cell or a few ticks — are never returned.
    """
    g = st.grid
    cx, cy = g.centres()
    sep = st.spec.separation_m
    ends = (np.hypot(cx - st.origin[0], cy - st.origin[1]) <= sep) | (
        np.hypot(cx - st.destination[0], cy - st.destination[1]) <= sep)
    near = np.zeros(g.n, dtype=np.bool_)
    out: list[RouteResult] = []
    prev = first
    lam0 = max(first.hazard, 1e-9) / max(first.flight_ticks, 1)
    for _ in range(k):
        for x, y in set(zip(cx[prev.cells].tolist(), cy[prev.cells].tolist(), strict=True)):
            near |= np.hypot(cx - x, cy - y) < sep
        near &= ~ends
        lam = lam0
        found = None
        for _try in range(8):
            r = _route(st, hf.hz + lam * near[None, :], hf.blocked)
            if r is None:
                break
            body = r.cells[~ends[r.cells]]
            if body.size == 0 or float(np.mean(~near[body])) >= 0.5:
                found = r
                break
            lam *= 4.0
        if found is None:
            break
        occ = occupancy(found, g.nx)
        base = float(np.sum(hf.hz[occ.ticks, occ.cells] * occ.weights))
        prev = RouteResult(found.cells, found.departure_tick, found.arrival_tick, base)
        out.append(prev)
    return out


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
        Seconds; stop (reporting value, bound and status) when exceeded.
    on_gap
        Called with the relative gap after each master solve (for a progress bar).
    """
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
        if time_limit is not None and time.perf_counter() - t_start > time_limit:
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


# --------------------------------------------------------------------------- result


@dataclass
class PlanOutcome:
    """Everything the planner found; :meth:`to_dict` is the ``--json`` object."""

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


class PlanSampler:
    """Draws the actual plan from the mixed strategy.

    At execution time the draw must be unpredictable: without a seed it takes fresh OS
    entropy (``np.random.default_rng()``), never a stored or derived seed. A seed is for
    tests and replays only.
    """

    def __init__(self, plans: list[dict[str, Any]], probabilities: list[float]) -> None:
        if not plans or len(plans) != len(probabilities):
            raise ValueError("a sampler needs plans with one probability each")
        p = np.asarray(probabilities, float)
        self.plans = plans
        self.p = p / p.sum()

    def draw(self, seed: int | None = None) -> dict[str, Any]:
        rng = np.random.default_rng(seed)
        return self.plans[int(rng.choice(len(self.plans), p=self.p))]


# --------------------------------------------------------------------------- entry point


def _engine_leak_hazard(st: Setting, occ: Occupancy, route: RouteResult) -> float:
    """Cumulative hazard from the scenario's leak surge under the engine's rule: the surge
    waits at the route point nearest its launch centre, ``lead_s`` before the VIP passes."""
    lk = st.scenario.leak
    if lk is None or (lk.asset is not None and lk.asset != st.asset.name):
        return 0.0
    g = st.grid
    cx, cy = g.centres()
    lx, ly = _point(lk.launch_area.center, st.scenario)
    d = np.hypot(cx[route.cells] - lx, cy[route.cells] - ly)
    k = int(np.argmin(d))
    px, py = cx[route.cells[k]], cy[route.cells[k]]
    R, rate = ambush_rate(st, lk.threat, lk.count, lk.spread_m, g.cell)
    inside = np.hypot(cx[occ.cells] - px, cy[occ.cells] - py) <= R
    pk = defence_kill(st, cx[occ.cells], cy[occ.cells], lk.threat, engage_time(st, lk.threat))
    return float(np.sum(occ.weights * inside * rate * (1.0 - pk)) * g.tau)


def posture_scenario(base: dict[str, Any], posture: Posture) -> dict[str, Any]:
    """A deep copy of the scenario dict with the posture's changes applied (the Monte Carlo
    flies the posture, not only the planner's hazard factors)."""
    import copy

    from skyshield.analysis.spec import set_value
    from skyshield.errors import InputError

    data = copy.deepcopy(base)
    for path, value in posture.scenario.items():
        try:
            set_value(data, path, value)
        except InputError as exc:
            raise InputError(f"posture '{posture.name}': {exc.message}", file="<plan spec>",
                             field=f"postures[{posture.name}].scenario.{path}") from None
    return data


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


def verify(outcome: PlanOutcome, indices: list[int], replications: int, seed: int,
           workers: int = 1, *, progress: bool = False) -> None:
    """Monte Carlo check of candidate plans: each flown in a variant of the scenario."""
    from skyshield.montecarlo import simulate
    from skyshield.progress import progress_bar
    from skyshield.scenario import scenario_from_dict

    st = outcome.setting
    base = st.scenario.model_dump(mode="json")
    advance, stop = progress_bar("Monte Carlo check of the plans", len(indices),
                                 enabled=progress)
    try:
        for i in indices:
            wps = outcome.waypoints(i)
            data = posture_scenario(base, st.spec.postures[outcome.candidates[i].posture])
            assets = dict(data["assets"])
            movers = [dict(m) for m in assets["moving"]]
            m = movers[st.asset_index]
            m["waypoints"] = [{"position": [w["x_m"], w["y_m"]], "t_s": w["t_s"]}
                              for w in wps]
            m["departure_s"] = wps[0]["t_s"]
            m["altitude_m"] = st.altitude
            movers[st.asset_index] = m
            assets["moving"] = movers
            data["assets"] = assets
            variant = scenario_from_dict(data, file="<plan variant>")
            res = simulate(variant, replications, seed, workers=workers, record=0)
            a = res.summary["assets"][st.asset_index]
            outcome.mc[i] = {"p_loss": float(a["p_loss"]),
                             "ci95": [float(v) for v in a["p_loss_ci95"]],
                             "replications": replications}
            advance(1)
    finally:
        stop()


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
        from skyshield.scenario import scenario_from_dict

        base = scenario.model_dump(mode="json")
        for posture in spec.postures:
            if posture.scenario:
                scenario_from_dict(posture_scenario(base, posture),
                                   file=f"<plan spec, posture '{posture.name}'>")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    st = resolve(scenario, spec)
    hf = build_hazard(st)
    g = st.grid
    if hf.blocked[g.cell_of(*st.origin)] or hf.blocked[g.cell_of(*st.destination)]:
        raise InputError("the origin or destination lies in a no-fly zone", field="no_fly_zones")
    timings["hazard"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    best = _route(st, hf.hz, hf.blocked)
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
            cands, log = column_generation(lambda f: _routes(st, f, hf.blocked), hf.hz, g.nx,
                                           amb, cands, factors, spec.max_iterations,
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
            -(Hs[i] + _engine_leak_hazard(st, c.occ, c.route)))
        for i, c in enumerate(cands)])
    out = PlanOutcome(st, hf, cands, listed, losses, x, spec.leak_probability, curve,
                      risk_h, game_log=log, ambushes=amb, timings=timings,
                      unrestricted_value=full.value, responder=responder)
    if verify_plans and spec.mc_replications > 0:
        t0 = time.perf_counter()
        verify(out, listed, spec.mc_replications, spec.seed, workers, progress=progress)
        timings["monte_carlo"] = time.perf_counter() - t0
    return out
