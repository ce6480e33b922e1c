"""The route-versus-ambush game as one generic arc-flow LP on HiGHS: the anchor.

The same game that :func:`skyshield.plan.route_game.column_generation` solves by pricing routes
with the space-time sweep, written out as the textbook LP over every arc of the
time-expanded graph. Kept as the independent reference for tests on small grids and as the
benchmark's baseline; far too slow for the planner itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, csr_matrix, vstack

from skyshield.plan.ambush import AmbushSet
from skyshield.plan.route import (
    MOVE_DX,
    MOVE_DY,
    MOVE_TICKS,
    RouteResult,
    min_risk_routes,
)
from skyshield.plan.route_game import GameLog


@dataclass(frozen=True)
class Arcs:
    """Arcs of the time-expanded graph: ``(A,)`` start tick, end tick, from cell, to cell."""

    s: np.ndarray
    t: np.ndarray
    u: np.ndarray
    v: np.ndarray


def build_arcs(nx: int, ny: int, T: int, blocked: np.ndarray, hover: bool = True) -> Arcs:
    """Every move ``(s, u) -> (s + m, v)`` with ``s + m <= T`` between open cells."""
    n = nx * ny
    ks = np.arange(n)
    ix, iy = ks % nx, ks // nx
    parts: list[tuple[np.ndarray, ...]] = []
    for mv in range(1 if hover else 2, 10):
        m = int(MOVE_TICKS[mv])
        vx, vy = ix + int(MOVE_DX[mv]), iy + int(MOVE_DY[mv])
        ok = (vx >= 0) & (vx < nx) & (vy >= 0) & (vy < ny) & ~blocked
        u = ks[ok]
        v = (vy * nx + vx)[ok]
        keep = ~blocked[v]
        u, v = u[keep], v[keep]
        for s in range(T - m + 1):
            parts.append((np.full(len(u), s), np.full(len(u), s + m), u, v))
    cat = [np.concatenate([p[i] for p in parts]) for i in range(4)]
    return Arcs(*(c.astype(np.int64) for c in cat))


def arc_costs(arcs: Arcs, field: np.ndarray) -> np.ndarray:
    """Cost of every arc on a ``(T, n)`` per-tick field: half the move over each cell, a
    hover over its cell (the sweep's rule)."""
    S = np.vstack([np.zeros((1, field.shape[1])), np.cumsum(field, axis=0)])
    cu = S[arcs.t, arcs.u] - S[arcs.s, arcs.u]
    cv = S[arcs.t, arcs.v] - S[arcs.s, arcs.v]
    costs: np.ndarray = np.where(arcs.u == arcs.v, cu, 0.5 * (cu + cv))
    return costs


def solve_flow_lp(
    hz: np.ndarray,
    nx: int,
    ny: int,
    origin: int,
    dest: int,
    departure: tuple[int, int],
    dmg: np.ndarray,
    point_of: np.ndarray,
    k0: np.ndarray,
    k1: np.ndarray,
    type_of: np.ndarray,
    prior: np.ndarray,
    *,
    blocked: np.ndarray | None = None,
    hover: bool = True,
    tolerance: float = 1e-10,
) -> tuple[float, dict[str, float]]:
    """Optimal value of the route-versus-ambush game (cumulative hazard) as an arc-flow LP.

    Notes
    -----
    One unit of flow leaves a source to ``(d, origin)`` for ``d`` in the window and reaches a
    sink from any ``(t, dest)``; ``f_a`` is the probability of using arc ``a``::

        min Σ_a c_a f_a + Σ_θ p_θ z_θ
        s.t. flow conservation at every (tick, cell),   z_θ ≥ Σ_a G_{a j} f_a  (j ∈ θ).

    ``tolerance`` is HiGHS' primal and dual feasibility tolerance (the default 1e-7 leaves
    the value of small games up to ~1e-5 relative off; this is a reference).

    Returns
    -------
    value, sizes
        The optimum and the LP's dimensions and solve time.
    """
    import time

    T, n = hz.shape
    blocked = np.zeros(n, dtype=np.bool_) if blocked is None else blocked
    arcs = build_arcs(nx, ny, T, blocked, hover)
    A = len(arcs.s)
    c_move = arc_costs(arcs, hz)
    node_from = arcs.s * n + arcs.u
    node_to = arcs.t * n + arcs.v
    N = (T + 1) * n
    deps = np.arange(departure[0], min(departure[1], T) + 1)
    arr_ok = (arcs.v == dest)
    arr_nodes = np.unique(node_to[arr_ok])
    n_src, n_snk = len(deps), len(arr_nodes)
    n_var_f = A + n_src + n_snk
    K = len(prior)
    # conservation rows: in - out = 0 at every node (source and sink are not nodes)
    rows = np.concatenate([node_to, node_from, deps * n + origin, arr_nodes])
    cols = np.concatenate([np.arange(A), np.arange(A), A + np.arange(n_src),
                           A + n_src + np.arange(n_snk)])
    vals = np.concatenate([np.ones(A), -np.ones(A), np.ones(n_src), -np.ones(n_snk)])
    Aeq = coo_matrix((vals, (rows, cols)), shape=(N, n_var_f + K)).tocsr()
    src_row = csr_matrix((np.ones(n_src), (np.zeros(n_src, dtype=np.int64),
                                           A + np.arange(n_src))), shape=(1, n_var_f + K))
    Aeq = vstack([Aeq, src_row]).tocsr()
    beq = np.zeros(N + 1)
    beq[-1] = 1.0
    # ambush rows: damage of each arc under each option (only arcs inside disc and hold)
    J = len(point_of)
    urows: list[np.ndarray] = []
    ucols: list[np.ndarray] = []
    uvals: list[np.ndarray] = []
    for j in range(J):
        d = dmg[point_of[j]]
        hit = (d[arcs.u] > 0) | (d[arcs.v] > 0)
        hit &= (arcs.t > k0[j]) & (arcs.s <= k1[j])
        idx = np.flatnonzero(hit)
        if idx.size:
            field = np.zeros((T, n))
            field[k0[j]:k1[j] + 1] = d
            sub = Arcs(arcs.s[idx], arcs.t[idx], arcs.u[idx], arcs.v[idx])
            g = arc_costs(sub, field)
            urows.append(np.full(idx.size, j))
            ucols.append(idx)
            uvals.append(g)
        urows.append(np.array([j]))
        ucols.append(np.array([n_var_f + type_of[j]]))
        uvals.append(np.array([-1.0]))
    Aub = coo_matrix((np.concatenate(uvals), (np.concatenate(urows), np.concatenate(ucols))),
                     shape=(J, n_var_f + K)).tocsr()
    cost = np.concatenate([c_move, np.zeros(n_src + n_snk), prior])
    bounds = [(0.0, None)] * n_var_f + [(None, None)] * K
    t0 = time.perf_counter()
    # HiGHS' default feasibility tolerances (1e-7) leave the value of this reference up to
    # ~1e-5 relative off the optimum on small games: the reference solves tighter
    res = linprog(cost, A_ub=Aub, b_ub=np.zeros(J), A_eq=Aeq, b_eq=beq, bounds=bounds,
                  method="highs", options={"primal_feasibility_tolerance": tolerance,
                                           "dual_feasibility_tolerance": tolerance})
    secs = time.perf_counter() - t0
    if res.status != 0:
        raise RuntimeError(f"flow LP: {res.message}")
    return float(res.fun), {"arcs": float(A), "rows": float(N + 1 + J), "seconds": secs}


@dataclass(frozen=True)
class SyntheticGame:
    """A route-versus-ambush instance: background field, ambushes, end points, window."""

    hz: np.ndarray
    amb: AmbushSet
    origin: int
    dest: int
    departure: tuple[int, int]


def synthetic_game(nx: int, ny: int, T: int, options: int, seed: int,
                   radius: float = 2.5, hold: int | None = None, strength: float = 2.0
                   ) -> SyntheticGame:
    """A random route-versus-ambush instance for tests and benchmarks.

    A smooth random background hazard, ``options`` ambush discs of ``radius`` cells at random
    points with random hold windows; origin and destination at mid-height on the west and
    east edges, departure in the first tenth of the horizon.
    """
    rng = np.random.default_rng(seed)
    n = nx * ny
    ks = np.arange(n)
    cx, cy = ks % nx, ks // nx
    bumps = rng.random((6, 3)) * [nx, ny, 1.0]
    base = sum(b[2] * np.exp(-((cx - b[0]) ** 2 + (cy - b[1]) ** 2) / (0.05 * n))
               for b in bumps)
    hz = np.broadcast_to(1e-3 * (0.2 + base), (T, n)).copy()
    hz *= 1.0 + 0.5 * np.sin(np.arange(T) / 7.0)[:, None] ** 2
    P = options
    px = rng.uniform(0.2 * nx, 0.8 * nx, P)
    py = rng.uniform(0, ny, P)
    dmg = np.where(np.hypot(cx[None, :] - px[:, None], cy[None, :] - py[:, None]) <= radius,
                   strength / (2 * radius), 0.0) * rng.uniform(0.5, 1.0, (P, 1))
    hold = hold or max(4, T // 3)
    k0 = rng.integers(0, max(1, T - hold), P)
    amb = AmbushSet(type_of=np.zeros(P, dtype=np.int64), point_of=np.arange(P),
                    px=px, py=py, radius=np.full(P, radius), k0=k0,
                    k1=np.minimum(k0 + hold, T - 1), dmg=dmg, names=["synthetic"],
                    prior=np.ones(1))
    return SyntheticGame(hz, amb, (ny // 2) * nx, (ny // 2) * nx + nx - 1,
                         (0, max(0, T // 10)))


def solve_synthetic_cg(inst: SyntheticGame, nx: int, ny: int, max_iter: int = 500,
                       rel_tol: float = 1e-6, pool: int = 8) -> tuple[float, GameLog]:
    """Solve a :func:`synthetic_game` instance by column generation (the planner's method)."""
    from skyshield.plan.occupancy import Candidate, occupancy
    from skyshield.plan.route_game import column_generation

    def routes_fn(field: np.ndarray) -> list[RouteResult]:
        return min_risk_routes(field, nx, ny, inst.origin, inst.dest, inst.departure, None,
                               count=pool, spread=3)

    first = routes_fn(inst.hz)
    if not first:
        raise ValueError("the destination cannot be reached")
    cands = [Candidate(first[0], 0, occupancy(first[0], nx), "min-risk")]
    _, log = column_generation(routes_fn, inst.hz, nx, inst.amb, cands, [(1.0, 1.0)],
                               max_iter, rel_tol)
    return log.value, log


def solve_synthetic_lp(inst: SyntheticGame, nx: int, ny: int) -> tuple[float, dict[str, float]]:
    """Solve a :func:`synthetic_game` instance by the generic arc-flow LP."""
    a = inst.amb
    return solve_flow_lp(inst.hz, nx, ny, inst.origin, inst.dest, inst.departure, a.dmg,
                         a.point_of, a.k0, a.k1, a.type_of, a.prior)
