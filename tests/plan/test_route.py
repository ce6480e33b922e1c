"""The space-time sweep against Dijkstra on the explicit time-expanded graph."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from skyshield.plan.route import (
    MOVE_DX,
    MOVE_DY,
    MOVE_TICKS,
    expand_moves,
    hazard_of_moves,
    min_risk_route,
    space_time_astar,
)


def dijkstra_reference(hz, nx, ny, origin, dest, lo, hi, t_end, blocked, hover=True):
    """Least hazard from the ground at ``origin`` (take-off in [lo, hi]) to landing at
    ``dest`` by tick ``t_end``, by scipy's Dijkstra on the explicit space-time graph."""
    T = hz.shape[0]
    n = nx * ny
    t_end = min(t_end, T)
    node = lambda t, k: t * n + k  # noqa: E731
    src = (t_end + 1) * n
    sink = src + 1
    rows, cols, vals = [], [], []
    for t in range(t_end + 1):
        for k in range(n):
            if blocked[k]:
                continue
            ix, iy = k % nx, k // nx
            for mv in range(1, 10):
                if mv == 1 and not hover:
                    continue
                m = int(MOVE_TICKS[mv])
                if t + m > t_end:
                    continue
                vx, vy = ix + int(MOVE_DX[mv]), iy + int(MOVE_DY[mv])
                if not (0 <= vx < nx and 0 <= vy < ny):
                    continue
                v = vy * nx + vx
                if blocked[v]:
                    continue
                c = hz[t:t + m, k].sum() if mv == 1 else 0.5 * (
                    hz[t:t + m, k].sum() + hz[t:t + m, v].sum())
                rows.append(node(t, k))
                cols.append(node(t + m, v))
                # csgraph drops explicit zeros: a tiny offset per edge, removed below
                vals.append(c + 1e-9)
                if v == dest:
                    rows.append(node(t + m, v))
                    cols.append(sink)
                    vals.append(1e-300)
    for d in range(lo, min(hi, t_end) + 1):
        rows.append(src)
        cols.append(node(d, origin))
        vals.append(1e-300)
    g = coo_matrix((vals, (rows, cols)), shape=(sink + 1, sink + 1)).tocsr()
    dist = dijkstra(g, indices=src)[sink]
    return dist


def check_route(r, hz, nx, blocked, lo, hi, max_flight):
    moves = expand_moves(r.cells, nx)
    assert abs(hazard_of_moves(hz, moves, r.departure_tick) - r.hazard) < 1e-9
    assert lo <= r.departure_tick <= hi
    assert sum(m for _, _, m in moves) == r.flight_ticks
    if max_flight is not None:
        assert r.flight_ticks <= max_flight
    assert not blocked[r.cells].any()


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_sweep_matches_dijkstra(data):
    nx = data.draw(st.integers(2, 6))
    ny = data.draw(st.integers(1, 5))
    T = data.draw(st.integers(4, 24))
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = nx * ny
    hz = rng.random((T, n)) * rng.choice([0.0, 1.0, 5.0], size=(T, n))
    blocked = rng.random(n) < 0.2
    origin, dest = (int(v) for v in rng.choice(n, 2, replace=False)) if n > 1 else (0, 0)
    blocked[[origin, dest]] = False
    lo = data.draw(st.integers(0, T - 1))
    hi = data.draw(st.integers(lo, T))
    hover = data.draw(st.booleans())
    endurance = data.draw(st.one_of(st.none(), st.integers(2, T)))
    r = min_risk_route(hz, nx, ny, origin, dest, (lo, hi), endurance, blocked=blocked,
                       hover=hover)
    if endurance is None:
        ref = dijkstra_reference(hz, nx, ny, origin, dest, lo, hi, T, blocked, hover)
        astar, _ = space_time_astar(hz, nx, ny, origin, dest, (lo, hi), blocked=blocked,
                                    hover=hover)
        assert (r is None and np.isinf(astar)) or abs(astar - r.hazard) <= 1e-12 * (
            1 + r.hazard)
    else:
        ref = min((dijkstra_reference(hz, nx, ny, origin, dest, d, d, d + endurance, blocked,
                                      hover) for d in range(lo, min(hi, T) + 1)),
                  default=np.inf)
    if r is None:
        assert np.isinf(ref)
        return
    check_route(r, hz, nx, blocked, lo, hi, endurance)
    # the reference carries 1e-9 per edge: at most the number of moves
    assert abs(ref - r.hazard) <= 1e-9 * (r.flight_ticks + 1) + 1e-12


def test_waits_out_a_hazard_window_on_the_ground():
    # a corridor 1 cell wide; the middle cell is deadly during ticks 0..9
    nx, ny, T = 5, 1, 40
    hz = np.full((T, nx), 0.01)
    hz[:10, 2] = 10.0
    r = min_risk_route(hz, nx, ny, 0, 4, (0, 30))
    assert r is not None
    # the move into cell 2 must start after the hazard ends: departure >= 10 - 4 ticks
    moves = expand_moves(r.cells, nx)
    t = r.departure_tick
    for u, v, m in moves:
        if 2 in (u, v):
            assert t + m > 10 and t >= 8
        t += m
    assert r.hazard < 0.5
    # the earliest departure on the same route would cross the deadly window
    assert hazard_of_moves(hz, moves, 0) > 1.0


def test_straight_line_analytic():
    # uniform hazard h per tick: the fastest route is best; orthogonal moves are 2 ticks
    nx, ny, T = 10, 3, 60
    h = 0.001
    r = min_risk_route(np.full((T, nx * ny), h), nx, ny, 10, 19, (0, 0))
    assert r is not None
    assert r.flight_ticks == 18
    assert np.isclose(r.hazard, 18 * h)
    assert np.isclose(r.risk, 1 - np.exp(-18 * h))


def test_no_fly_wall_makes_destination_unreachable():
    nx, ny, T = 5, 4, 60
    blocked = np.zeros(nx * ny, bool)
    blocked[2::nx] = True  # column x = 2 closed
    assert min_risk_route(np.zeros((T, nx * ny)), nx, ny, 0, 4, (0, 10),
                          blocked=blocked) is None


def test_endurance_too_short_is_infeasible():
    nx, T = 6, 40
    hz = np.zeros((T, nx))
    assert min_risk_route(hz, nx, 1, 0, 5, (0, 5), max_flight_ticks=9) is None
    r = min_risk_route(hz, nx, 1, 0, 5, (0, 5), max_flight_ticks=10)
    assert r is not None and r.flight_ticks == 10


def test_endurance_binding_changes_the_answer():
    # a cheap long detour versus an expensive short path: endurance forces the short one
    nx, ny, T = 7, 3, 80
    hz = np.zeros((T, nx * ny))
    hz[:, 3 * 1 + 0: 3 * 1 + 0] = 0
    hz[:, 1 * nx + 1: 1 * nx + 6] = 1.0  # middle row expensive
    blocked = np.zeros(nx * ny, bool)
    origin, dest = 1 * nx + 0, 1 * nx + 6
    free = min_risk_route(hz, nx, ny, origin, dest, (0, 0), blocked=blocked)
    tight = min_risk_route(hz, nx, ny, origin, dest, (0, 0), 12, blocked=blocked)
    assert free is not None and tight is not None
    assert free.hazard < tight.hazard
    assert tight.flight_ticks <= 12 < free.flight_ticks


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 7), st.integers(1, 6), st.integers(0, 2**31), st.integers(1, 12),
       st.integers(0, 4))
def test_route_pool_starts_with_the_optimum_and_holds_flyable_routes(nx, ny, seed, count,
                                                                     spread):
    from skyshield.plan.route import hazard_of_moves, min_risk_routes

    rng = np.random.default_rng(seed)
    T = 4 * (nx + ny) + 8
    hz = rng.random((T, nx * ny)) * 0.1
    dest = nx * ny - 1
    E = 3 * (nx + ny) + 2
    best = min_risk_route(hz, nx, ny, 0, dest, (0, T // 3), E)
    pool = min_risk_routes(hz, nx, ny, 0, dest, (0, T // 3), E, count=count, spread=spread)
    assert best is not None and 1 <= len(pool) <= count
    assert pool[0].hazard == best.hazard and np.array_equal(pool[0].cells, best.cells)
    keys = set()
    for r in pool:
        assert r.flight_ticks <= E and 0 <= r.departure_tick <= T // 3
        assert r.cells[0] == 0 and r.cells[-1] == dest
        moves = expand_moves(r.cells, nx)
        assert hazard_of_moves(hz, moves, r.departure_tick) == pytest.approx(r.hazard)
        assert r.hazard >= best.hazard - 1e-12
        keys.add((r.departure_tick, r.arrival_tick, r.cells.tobytes()))
    assert len(keys) == len(pool)
