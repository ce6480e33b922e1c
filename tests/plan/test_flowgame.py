"""Column generation over routes against the generic arc-flow LP of the same game."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from skyshield.plan.flowlp import (
    solve_flow_lp,
    solve_synthetic_cg,
    solve_synthetic_lp,
    synthetic_game,
)


@settings(max_examples=8, deadline=None)
@given(st.integers(3, 8), st.integers(1, 6), st.integers(12, 36), st.integers(1, 10),
       st.integers(0, 2**31))
@example(3, 3, 28, 4, 9344580)
def test_column_generation_matches_arc_flow_lp(nx, ny, T, J, seed):
    # crossing one cell takes two ticks: give the horizon room to reach the east edge
    T = max(T, 2 * nx + 4)
    inst = synthetic_game(nx, ny, T, J, seed, radius=1.5)
    cg_value, log = solve_synthetic_cg(inst, nx, ny, rel_tol=1e-9)
    lp_value, _ = solve_synthetic_lp(inst, nx, ny)
    assert cg_value == pytest.approx(lp_value, rel=1e-6, abs=1e-10)
    # the Lagrangian bound never exceeds the optimum, up to the solvers' tolerances (HiGHS
    # solves the LP to 1e-7 feasibility: Hypothesis found a bound 3e-9 above it, nx=3, ny=3,
    # T=28, J=4, seed=9344580)
    assert log.lower_bound <= lp_value + 1e-6 * max(1.0, abs(lp_value))


def test_unreachable_destination_has_no_route():
    from skyshield.plan.route import min_risk_route

    # 7 cell moves at two ticks each do not fit in a 12-tick horizon (Hypothesis found it)
    inst = synthetic_game(8, 1, 12, 1, 0)
    assert min_risk_route(inst.hz, 8, 1, inst.origin, inst.dest, inst.departure) is None
    inst = synthetic_game(8, 1, 20, 1, 0)
    assert min_risk_route(inst.hz, 8, 1, inst.origin, inst.dest, inst.departure) is not None


def test_randomising_routes_halves_a_strong_ambush():
    # two disjoint corridors (rows 0 and 2 of a 3-row grid, the middle row closed except at
    # the ends) and one ambush per corridor: the optimal mix is 50/50
    import numpy as np

    from skyshield.plan.ambush import AmbushSet

    nx, ny, T = 6, 3, 40
    n = nx * ny
    hz = np.full((T, n), 1e-4)
    dmg = np.zeros((2, n))
    dmg[0, 0 * nx + 3] = 1.0
    dmg[1, 2 * nx + 3] = 1.0
    amb = AmbushSet(type_of=np.zeros(2, dtype=np.int64), point_of=np.arange(2),
                    px=np.zeros(2), py=np.zeros(2), radius=np.ones(2),
                    k0=np.zeros(2, dtype=np.int64), k1=np.full(2, T - 1), dmg=dmg,
                    names=["a"], prior=np.ones(1))
    blocked = np.zeros(n, dtype=bool)
    blocked[nx + 1: nx + nx - 1] = True
    value, _ = solve_flow_lp(hz, nx, ny, nx, 2 * nx - 1, (0, 0), amb.dmg, amb.point_of,
                             amb.k0, amb.k1, amb.type_of, amb.prior, blocked=blocked)
    # each corridor passes the ambush cell for one move's half plus one move's half: 2 ticks
    # of damage 1.0 (halved on the way in and out) = 2.0; mixed 50/50: 1.0, plus background
    assert 1.0 < value < 1.01


def test_reference_lp_is_tight_on_a_case_where_default_tolerances_were_not():
    # HiGHS' default feasibility tolerances put this game's LP value 7.6e-6 relative above
    # the column generation's (which is attained by routes it found): the reference solves
    # to 1e-10 and agrees
    nx, ny, T, J, seed = 7, 6, 31, 9, 2147483647
    inst = synthetic_game(nx, ny, max(T, 2 * nx + 4), J, seed, radius=1.5)
    cg_value, _ = solve_synthetic_cg(inst, nx, ny, rel_tol=1e-9)
    lp_value, _ = solve_synthetic_lp(inst, nx, ny)
    assert cg_value == pytest.approx(lp_value, rel=1e-9, abs=1e-12)
