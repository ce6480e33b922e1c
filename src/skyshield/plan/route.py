"""Minimum-risk route and departure on a space-time grid: an exact layered dynamic programme.

The map is a grid of square cells; the aircraft flies between 8-connected neighbours. Time is
counted in *ticks* of ``tau = cell / (2 v)``: an orthogonal move takes 2 ticks (full speed), a
diagonal move 3 ticks (0.943 v, never faster than the aircraft can fly), a hover 1 tick. Every
move therefore advances time by a whole number of ticks, the space-time graph is a DAG layered
by tick, and the minimum-risk path is found by one sweep over the layers — every space-time
state visited once, no priority queue — which is exact on this graph (the same optimum as
Dijkstra or A* on the time-expanded graph, checked in the tests).

Cell indices are ``k = iy * nx + ix``; hazard arrays are ``(T, ny * nx)`` float64, the
cumulative hazard (dimensionless) of spending one tick in the cell at that tick. Cells closed
to flight (no-fly zones) are marked in a ``(ny * nx,)`` bool mask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit

#: move codes: 0 none (departure), 1 hover, 2..5 orthogonal, 6..9 diagonal
MOVE_DX = np.array([0, 0, 1, -1, 0, 0, 1, -1, 1, -1], dtype=np.int64)
MOVE_DY = np.array([0, 0, 0, 0, 1, -1, 1, 1, -1, -1], dtype=np.int64)
MOVE_TICKS = np.array([0, 1, 2, 2, 2, 2, 3, 3, 3, 3], dtype=np.int64)
#: predecessor code of a cell on the ground at the origin (waiting to depart: no exposure)
GROUND = -1
INF = np.inf


@dataclass(frozen=True)
class RouteResult:
    """An optimal route on the grid.

    Attributes
    ----------
    cells
        ``(n,)`` int64 cell index at each tick from departure to arrival (inclusive); during a
        move the aircraft is listed at the move's origin cell until it arrives.
    departure_tick, arrival_tick
        Ticks of take-off and landing.
    hazard
        Cumulative hazard of the flight (risk = 1 - exp(-hazard)).
    """

    cells: np.ndarray
    departure_tick: int
    arrival_tick: int
    hazard: float

    @property
    def risk(self) -> float:
        return float(-np.expm1(-self.hazard))

    @property
    def flight_ticks(self) -> int:
        return self.arrival_tick - self.departure_tick


@njit(cache=True)
def _prefix(hz: np.ndarray) -> np.ndarray:
    """``S[t, k] = sum_{s < t} hz[s, k]``: the cost of any stay is a difference of two rows."""
    T, n = hz.shape
    S = np.zeros((T + 1, n))
    for t in range(T):
        for k in range(n):
            S[t + 1, k] = S[t, k] + hz[t, k]
    return S


def octile_ticks(nx: int, a: np.ndarray, c: int) -> np.ndarray:
    """Fewest ticks between cells ``a`` and cell ``c`` (orthogonal 2, diagonal 3 ticks)."""
    ax = np.abs(a % nx - c % nx)
    ay = np.abs(a // nx - c // nx)
    lo = np.minimum(ax, ay)
    ticks: np.ndarray = 3 * lo + 2 * (np.maximum(ax, ay) - lo)
    return ticks


@njit(cache=True)
def _sweep(S: np.ndarray, active: np.ndarray, pos: np.ndarray, reach_o: np.ndarray,
           reach_d: np.ndarray, nx: int, ny: int, origin: int, dep_lo: int, dep_hi: int,
           t_end: int, hover: bool, best: np.ndarray, pred: np.ndarray, dep: np.ndarray
           ) -> None:
    """Fill ``best[t, a]`` (least hazard to be airborne over cell ``active[a]`` at tick t)
    layer by layer; ``pos[k]`` is the column of cell k (``-1``: not active).

    A move ``u -> v`` that starts at tick ``s`` and lasts ``m`` ticks costs
    ``(S[s+m, u] - S[s, u] + S[s+m, v] - S[s, v]) / 2``: half the move over each cell.
    Only ``active`` cells are visited (open cells on some origin-destination path within
    the horizon); states that no take-off can reach in time (fewer ticks since ``dep_lo``
    than ``reach_o``, the fewest from the origin), or from which the destination cannot be
    reached by ``t_end`` (``reach_d``), are left unreached (``best`` is pre-filled with
    ``inf``): no path to the destination passes through them, so the answer is unchanged.
    """
    for t in range(dep_lo, t_end + 1):
        for a in range(active.size):
            k = active[a]
            if t - dep_lo < reach_o[k] or t + reach_d[k] > t_end:
                continue
            ix = k % nx
            iy = k // nx
            b = INF
            p = 0
            d = -1
            if k == origin and dep_lo <= t <= dep_hi:
                b = 0.0
                p = GROUND
                d = t
            for mv in range(1, 10):
                if mv == 1 and not hover:
                    continue
                m = MOVE_TICKS[mv]
                s = t - m
                if s < 0:
                    continue
                ux = ix - MOVE_DX[mv]
                uy = iy - MOVE_DY[mv]
                if ux < 0 or ux >= nx or uy < 0 or uy >= ny:
                    continue
                u = uy * nx + ux
                au = pos[u]
                if au < 0:
                    continue
                bu = best[s, au]
                if bu == INF:  # unreached states stay at inf
                    continue
                if mv == 1:
                    c = bu + S[t, u] - S[s, u]
                else:
                    c = bu + 0.5 * (S[t, u] - S[s, u] + S[t, k] - S[s, k])
                du = dep[s, au]
                # equal hazard: prefer the later take-off, i.e. less time airborne
                if c < b or (c == b and du > d):
                    b = c
                    p = mv
                    d = du
            best[t, a] = b
            pred[t, a] = p
            dep[t, a] = d


def _trace(pred: np.ndarray, pos: np.ndarray, nx: int, t: int, k: int
           ) -> tuple[np.ndarray, int]:
    """Walk the predecessor codes back from (t, k); return per-tick cells and departure tick.

    During a move of ``m`` ticks from ``u`` the aircraft is listed over ``u`` for ``m`` ticks,
    then over the cell it reaches.
    """
    cells: list[int] = []
    while True:
        p = int(pred[t, pos[k]])
        cells.append(k)
        if p == GROUND:
            break
        m = int(MOVE_TICKS[p])
        u = k - int(MOVE_DX[p]) - int(MOVE_DY[p]) * nx
        cells.extend([u] * (m - 1))
        t -= m
        k = u
    cells.reverse()
    return np.asarray(cells, dtype=np.int64), t


def _check(hz: np.ndarray, blocked: np.ndarray, nx: int, ny: int, origin: int,
           dest: int) -> None:
    if hz.ndim != 2 or hz.shape[1] != nx * ny:
        raise ValueError("hazard must have shape (T, ny * nx)")
    if blocked.shape != (nx * ny,):
        raise ValueError("blocked must have shape (ny * nx,)")
    if not (0 <= origin < nx * ny and 0 <= dest < nx * ny):
        raise ValueError("origin and destination must be cells of the grid")
    if np.any(hz < 0) or not np.all(np.isfinite(hz)):
        raise ValueError("hazard must be finite and non-negative")


def min_risk_route(
    hz: np.ndarray,
    nx: int,
    ny: int,
    origin: int,
    dest: int,
    departure: tuple[int, int],
    max_flight_ticks: int | None = None,
    *,
    blocked: np.ndarray | None = None,
    hover: bool = True,
) -> RouteResult | None:
    """The least-hazard route and departure tick, exact on the space-time grid.

    Parameters
    ----------
    hz
        ``(T, ny * nx)`` float64: hazard of one tick over each cell at each tick.
    nx, ny
        Grid size.
    origin, dest
        Cell indices of take-off and landing.
    departure
        Inclusive range of take-off ticks; waiting on the ground before it costs nothing.
    max_flight_ticks
        Endurance: the most ticks between take-off and landing (``None``: no limit).
    blocked
        ``(ny * nx,)`` bool: cells the aircraft may not enter.
    hover
        Allow holding in the air (one tick at a time, exposed to the cell's hazard).

    Returns
    -------
    RouteResult or None
        ``None`` when no take-off in the window reaches the destination within the horizon
        and the endurance.

    Notes
    -----
    The risk of a path is ``1 - exp(-H)`` with ``H`` the sum of the per-tick hazards along it,
    so minimising ``H`` minimises the risk. Let ``B[t, v]`` be the least ``H`` of being over
    ``v`` at tick ``t``; then ``B[t, v] = min_{moves (u, m)} B[t - m, u] + c(u, v, t - m)``
    with ``B[t, origin] = 0`` inside the departure window. Every move lasts at least one tick,
    so one sweep over ``t`` solves it (``O(T · cells · 9)``).

    With an endurance limit ``E`` the sweep over a sub-window ``[a, b]`` of take-offs, with
    horizon ``b + E``, is a relaxation: if its optimum flies within ``E`` it is optimal for
    the sub-window; otherwise the sub-window is split in halves, and halves whose relaxed
    optimum is no better than the best feasible route found are pruned (branch and bound).
    A single take-off ``a`` with horizon ``a + E`` is exact. Ties between equal hazards may
    resolve to different routes than a plain sweep, never to a worse one.
    """
    routes = min_risk_routes(hz, nx, ny, origin, dest, departure, max_flight_ticks,
                             blocked=blocked, hover=hover, count=1)
    return routes[0] if routes else None


def min_risk_routes(
    hz: np.ndarray,
    nx: int,
    ny: int,
    origin: int,
    dest: int,
    departure: tuple[int, int],
    max_flight_ticks: int | None = None,
    *,
    blocked: np.ndarray | None = None,
    hover: bool = True,
    count: int = 1,
    spread: int = 0,
) -> list[RouteResult]:
    """:func:`min_risk_route` and up to ``count - 1`` more flyable routes from the same sweeps.

    The first route is :func:`min_risk_route`'s optimum (the list is empty when there is
    none). The others are the least-hazard routes to the other arrival ticks of the sweeps
    that respect the endurance, in order of hazard, each taking off at least ``spread``
    ticks apart from the routes before it — cheap extra columns for the randomisation game
    (no extra sweep).
    """
    blocked = np.zeros(nx * ny, dtype=np.bool_) if blocked is None else blocked.astype(np.bool_)
    hz = np.ascontiguousarray(hz, dtype=np.float64)
    _check(hz, blocked, nx, ny, origin, dest)
    T = hz.shape[0]
    lo, hi = int(departure[0]), min(int(departure[1]), T)
    if lo > hi or lo < 0 or blocked[origin] or blocked[dest]:
        return []
    if origin == dest:
        return [RouteResult(np.array([origin]), lo, lo, 0.0)]
    S = _prefix(hz)
    ks = np.arange(nx * ny, dtype=np.int64)
    reach_o = octile_ticks(nx, ks, origin)
    reach_d = octile_ticks(nx, ks, dest)
    active = ks[~blocked & (reach_o + reach_d <= T - lo)]
    pos = np.full(nx * ny, -1, dtype=np.int64)
    pos[active] = np.arange(active.size)
    if pos[dest] < 0:  # too far for the horizon
        return []
    E = T + 1 if max_flight_ticks is None else int(max_flight_ticks)
    grid = (S, active, pos, reach_o, reach_d, nx, ny, origin, dest, hover, E, count, spread)
    if max_flight_ticks is None:
        r, extra = _solve(grid, lo, hi, T)
        return [] if r is None else _pool(r, extra, count)
    # branch and bound over the departure window: the sweep over a sub-window [a, b] with
    # horizon b + E is a relaxation (flights up to b + E - a); feasible optimum: done for
    # that sub-window; bound no better than the incumbent: pruned; else split in halves
    best: RouteResult | None = None
    extras: list[RouteResult] = []
    stack = [(lo, hi)]
    while stack:
        a, b = stack.pop()
        r, extra = _solve(grid, a, b, min(T, b + E))
        extras.extend(extra)
        if r is None or (best is not None and r.hazard >= best.hazard):
            continue
        if r.flight_ticks <= E or a == b:  # a single take-off with horizon a + E is exact
            best = r
            continue
        mid = (a + b) // 2
        stack.extend([(mid + 1, b), (a, mid)])
    return [] if best is None else _pool(best, extras, count)


def _pool(best: RouteResult, extras: list[RouteResult], count: int) -> list[RouteResult]:
    out = [best]
    keys = {(best.departure_tick, best.arrival_tick, best.cells.tobytes())}
    for r in sorted(extras, key=lambda r: (r.hazard, r.arrival_tick, r.departure_tick)):
        if len(out) >= count:
            break
        key = (r.departure_tick, r.arrival_tick, r.cells.tobytes())
        if key not in keys:
            keys.add(key)
            out.append(r)
    return out


def _solve(grid: tuple[Any, ...], lo: int, hi: int, t_end: int
           ) -> tuple[RouteResult | None, list[RouteResult]]:
    """One sweep over take-offs ``[lo, hi]`` up to ``t_end``: the optimum (relaxed when it
    flies longer than the endurance) and up to ``count - 1`` other flyable routes."""
    S, active, pos, reach_o, reach_d, nx, ny, origin, dest, hover, E, count, spread = grid
    n = active.size
    best = np.full((t_end + 1, n), INF)
    pred = np.zeros((t_end + 1, n), dtype=np.int8)
    dep = np.full((t_end + 1, n), -1, dtype=np.int32)
    _sweep(S, active, pos, reach_o, reach_d, nx, ny, origin, lo, hi, t_end, hover, best, pred,
           dep)
    kd = pos[dest]
    col = best[:, kd].copy()
    # arriving is landing: only arrivals by a move count, not a departure at the destination
    col[pred[:, kd] == GROUND] = INF
    if not np.isfinite(col).any():
        return None, []
    t = int(np.argmin(col))  # ties: the earliest arrival
    cells, d = _trace(pred, pos, nx, t, dest)
    first = RouteResult(cells, d, t, float(col[t]))
    extra: list[RouteResult] = []
    if count > 1:
        ok = np.isfinite(col) & (np.arange(t_end + 1) - dep[:, kd] <= E)
        ok[t] = False
        taken = [d] if first.flight_ticks <= E else []
        for a in np.flatnonzero(ok)[np.argsort(col[ok], kind="stable")]:
            if len(extra) >= count - 1:
                break
            da = int(dep[a, kd])
            if any(abs(da - x) < spread for x in taken):
                continue
            taken.append(da)
            cells, d2 = _trace(pred, pos, nx, int(a), dest)
            extra.append(RouteResult(cells, d2, int(a), float(col[a])))
    return first, extra


def expand_moves(cells: np.ndarray, nx: int) -> list[tuple[int, int, int]]:
    """Split a per-tick cell list into moves ``(from_cell, to_cell, ticks)``.

    A run of ``L`` ticks over ``u`` followed by a neighbour ``v`` is ``L - m`` one-tick hovers
    and then the move, of ``m = 2`` ticks (orthogonal) or 3 (diagonal); trailing repeats of
    the last cell are hovers.
    """
    moves: list[tuple[int, int, int]] = []
    i = 0
    n = len(cells)
    while i < n - 1:
        u = int(cells[i])
        j = i + 1
        while j < n and int(cells[j]) == u:
            j += 1
        if j == n:
            moves.extend((u, u, 1) for _ in range(n - 1 - i))
            break
        v = int(cells[j])
        dx, dy = abs(v % nx - u % nx), abs(v // nx - u // nx)
        if max(dx, dy) != 1:
            raise ValueError(f"cells {u} and {v} are not neighbours")
        m = 3 if (dx and dy) else 2
        if j - i < m:
            raise ValueError("a move is shorter than its flight time")
        moves.extend((u, u, 1) for _ in range(j - i - m))
        moves.append((u, v, m))
        i = j
    return moves


def hazard_of_moves(hz: np.ndarray, moves: list[tuple[int, int, int]],
                    departure_tick: int) -> float:
    """Cumulative hazard of moves ``(from, to, ticks)`` flown from ``departure_tick``.

    The plain reference of the sweep's cost: a hover over its cell, a move half over the
    cell left and half over the cell entered.
    """
    total = 0.0
    t = departure_tick
    for u, v, m in moves:
        if u == v:
            total += float(hz[t:t + m, u].sum())
        else:
            total += 0.5 * float(hz[t:t + m, u].sum() + hz[t:t + m, v].sum())
        t += m
    return total


# --------------------------------------------------------------------------- anchor


@njit(cache=True)
def _heap_push(hk: np.ndarray, hv: np.ndarray, size: int, key: float, val: int) -> int:
    i = size
    hk[i] = key
    hv[i] = val
    while i > 0:
        p = (i - 1) // 2
        if hk[p] <= hk[i]:
            break
        hk[p], hk[i] = hk[i], hk[p]
        hv[p], hv[i] = hv[i], hv[p]
        i = p
    return size + 1


@njit(cache=True)
def _heap_pop(hk: np.ndarray, hv: np.ndarray, size: int) -> tuple[float, int, int]:
    key, val = hk[0], hv[0]
    size -= 1
    hk[0], hv[0] = hk[size], hv[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        c = left
        if left + 1 < size and hk[left + 1] < hk[left]:
            c = left + 1
        if hk[i] <= hk[c]:
            break
        hk[c], hk[i] = hk[i], hk[c]
        hv[c], hv[i] = hv[i], hv[c]
        i = c
    return key, val, size


@njit(cache=True)
def _astar(S: np.ndarray, blocked: np.ndarray, nx: int, ny: int, origin: int, dest: int,
           lo: int, hi: int, hover: bool, hmin: float) -> tuple[float, int]:
    T = S.shape[0] - 1
    n = nx * ny
    N = (T + 1) * n
    g = np.full(N, INF)
    closed = np.zeros(N, dtype=np.bool_)
    cap = 1 << 16
    hk = np.empty(cap)
    hv = np.empty(cap, dtype=np.int64)
    size = 0
    dx0 = dest % nx
    dy0 = dest // nx
    for d in range(lo, hi + 1):
        s = d * n + origin
        g[s] = 0.0
        size = _heap_push(hk, hv, size, 0.0, s)
    expanded = 0
    while size > 0:
        _, node, size = _heap_pop(hk, hv, size)
        if closed[node]:
            continue
        closed[node] = True
        expanded += 1
        t = node // n
        k = node % n
        if k == dest and not (k == origin and g[node] == 0.0 and lo <= t <= hi):
            return g[node], expanded
        ix = k % nx
        iy = k // nx
        for mv in range(1, 10):
            if mv == 1 and not hover:
                continue
            m = MOVE_TICKS[mv]
            t2 = t + m
            if t2 > T:
                continue
            vx = ix + MOVE_DX[mv]
            vy = iy + MOVE_DY[mv]
            if vx < 0 or vx >= nx or vy < 0 or vy >= ny:
                continue
            v = vy * nx + vx
            if blocked[v]:
                continue
            if mv == 1:
                c = S[t2, k] - S[t, k]
            else:
                c = 0.5 * (S[t2, k] - S[t, k] + S[t2, v] - S[t, v])
            node2 = t2 * n + v
            gn = g[node] + c
            if gn < g[node2]:
                g[node2] = gn
                ddx = abs(vx - dx0)
                ddy = abs(vy - dy0)
                lo_t = 3 * min(ddx, ddy) + 2 * (max(ddx, ddy) - min(ddx, ddy))
                if size >= cap:
                    cap *= 2
                    hk2 = np.empty(cap)
                    hv2 = np.empty(cap, dtype=np.int64)
                    hk2[:size] = hk[:size]
                    hv2[:size] = hv[:size]
                    hk = hk2
                    hv = hv2
                size = _heap_push(hk, hv, size, gn + hmin * lo_t, node2)
    return INF, expanded


def space_time_astar(hz: np.ndarray, nx: int, ny: int, origin: int, dest: int,
                     departure: tuple[int, int], *, blocked: np.ndarray | None = None,
                     hover: bool = True) -> tuple[float, int]:
    """Plain space-time A* on the same graph: the anchor the sweep is compared with.

    Returns the least hazard (``inf`` when unreachable) and the number of expanded states.
    The heuristic ``h_min × (3 · min(Δx, Δy) + 2 · |Δx − Δy|)`` (the fewest ticks to the
    destination times the least per-tick hazard) is admissible and consistent.
    """
    blocked = np.zeros(nx * ny, dtype=np.bool_) if blocked is None else blocked.astype(np.bool_)
    hz = np.ascontiguousarray(hz, dtype=np.float64)
    _check(hz, blocked, nx, ny, origin, dest)
    S = _prefix(hz)
    lo, hi = int(departure[0]), min(int(departure[1]), hz.shape[0])
    return _astar(S, blocked, nx, ny, origin, dest, lo, hi, hover, float(hz.min()))
