"""Stackelberg solvers against brute force and independently formulated LPs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from skyshield.plan.game import (
    dobss,
    exploitability,
    leak_curve,
    robust_values,
    solve_general_sum,
    solve_zero_sum,
)


def adversary_lp_value(M: np.ndarray) -> float:
    """Value of the zero-sum matrix game (rows minimise) from the *adversary's* LP:
    max v s.t. Σ_j y_j M[i, j] >= v for every row i, y in the simplex."""
    n, m = M.shape
    c = np.zeros(m + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-M, np.ones((n, 1))])
    res = linprog(c, A_ub=A_ub, b_ub=np.zeros(n), A_eq=[[1.0] * m + [0.0]], b_eq=[1.0],
                  bounds=[(0, None)] * m + [(None, None)], method="highs")
    return float(-res.fun)


def profile_matrix(Ls, p):
    """Bayesian zero-sum game as one matrix game: columns are type-response profiles."""
    cols = []
    for prof in itertools.product(*[range(m.shape[1]) for m in Ls]):
        cols.append(sum(pt * m[:, j] for pt, m, j in zip(p, Ls, prof, strict=True)))
    return np.array(cols).T


games = st.integers(0, 2**32 - 1).map(np.random.default_rng)


@settings(max_examples=30, deadline=None)
@given(games, st.integers(1, 3), st.integers(1, 5), st.integers(1, 4))
def test_zero_sum_matches_profile_enumeration(rng, K, n, m):
    Ls = [rng.random((n, m)) for _ in range(K)]
    p = rng.dirichlet(np.ones(K))
    sol = solve_zero_sum(Ls, p)
    assert np.isclose(sol.x.sum(), 1.0) and (sol.x >= 0).all()
    assert sol.value == pytest.approx(adversary_lp_value(profile_matrix(Ls, p)), abs=1e-7)


@settings(max_examples=30, deadline=None)
@given(games, st.floats(0.0, 1.0), st.integers(2, 3), st.integers(1, 4))
def test_leak_lp_matches_grid_search(rng, q, n, m):
    L = rng.random((n, m))
    sol = solve_zero_sum(L, leak=q)
    w = L.max(axis=1)
    # every point of a fine simplex grid is a commitment: none may beat the LP
    g = 60
    best = np.inf
    for a in itertools.product(range(g + 1), repeat=n - 1):
        if sum(a) > g:
            continue
        x = np.array([*a, g - sum(a)], float) / g
        best = min(best, (1 - q) * (L.T @ x).max() + q * (w @ x))
    assert sol.value <= best + 1e-9
    # piecewise linear objective: the grid optimum is within its Lipschitz bound
    assert best - sol.value <= 2.0 / g * n + 1e-9


@settings(max_examples=25, deadline=None)
@given(games, st.integers(1, 3), st.integers(1, 6), st.integers(1, 5))
def test_leak_curve_properties(rng, K, n, m):
    Ls = [rng.random((n, m)) for _ in range(K)]
    curve = leak_curve(Ls)
    r = [c["risk_randomised"] for c in curve]
    fixed = curve[0]["risk_fixed"]
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(r))
    assert all(v <= fixed + 1e-9 for v in r)
    assert r[-1] == pytest.approx(fixed, abs=1e-9)
    assert fixed == pytest.approx(robust_values(Ls).min())


def test_randomising_beats_the_fixed_plan_when_no_ambush_covers_all():
    # three routes, three ambushes, each ambush covers exactly one route
    L = np.full((3, 3), 0.01) + 0.5 * np.eye(3)
    sol = solve_zero_sum(L)
    assert np.allclose(sol.x, 1 / 3)
    assert sol.value == pytest.approx(0.01 + 0.5 / 3)
    assert robust_values(L).min() == pytest.approx(0.51)
    ex = exploitability(L, sol.x)
    assert ex["risk_plan_known"] == pytest.approx(0.51)
    assert ex["exploitability"] == pytest.approx(0.51 - sol.value)
    # an ambush that covers every route leaves nothing to randomise
    L2 = np.hstack([L, np.full((3, 1), 0.6)])
    assert solve_zero_sum(L2).value == pytest.approx(robust_values(L2).min())


def brute_force_sse(Ds, As, p):
    """Strong Stackelberg equilibrium by enumerating every response profile."""
    n = Ds[0].shape[0]
    best = np.inf
    for prof in itertools.product(*[range(a.shape[1]) for a in As]):
        rows = []
        for a, j in zip(As, prof, strict=True):
            rows.extend(a.T - a[:, j])  # x·(A[:, j'] - A[:, j]) <= 0
        c = sum(pt * d[:, j] for pt, d, j in zip(p, Ds, prof, strict=True))
        res = linprog(c, A_ub=np.array(rows), b_ub=np.zeros(len(rows)),
                      A_eq=np.ones((1, n)), b_eq=[1.0], bounds=[(0, None)] * n,
                      method="highs")
        if res.status == 0:
            best = min(best, float(res.fun))
    return best


@settings(max_examples=25, deadline=None)
@given(games, st.integers(1, 2), st.integers(1, 4), st.integers(1, 3))
def test_general_sum_matches_brute_force(rng, K, n, m):
    Ds = [rng.random((n, m)) for _ in range(K)]
    As = [rng.random((n, m)) for _ in range(K)]
    p = rng.dirichlet(np.ones(K))
    ref = brute_force_sse(Ds, As, p)
    sol = solve_general_sum(Ds, As, p)
    assert sol.value == pytest.approx(ref, abs=1e-6)
    # the commitment must induce the claimed responses and deliver the value
    got = 0.0
    for pt, d, a, j in zip(p, Ds, As, sol.responses, strict=True):
        u = a.T @ sol.x
        assert u[j] >= u.max() - 1e-6
        got += pt * float(d[:, j] @ sol.x)
    assert got == pytest.approx(sol.value, abs=1e-6)


def test_dobss_equals_minimax_on_zero_sum_games():
    rng = np.random.default_rng(7)
    Ls = [rng.random((8, 4)) for _ in range(2)]
    p = np.array([0.3, 0.7])
    assert dobss(Ls, Ls, p).value == pytest.approx(solve_zero_sum(Ls, p).value, abs=1e-6)


def test_bad_inputs():
    with pytest.raises(ValueError):
        solve_zero_sum(np.ones((2, 2)), leak=1.5)
    with pytest.raises(ValueError):
        solve_zero_sum([np.ones((2, 2)), np.ones((3, 2))])
    with pytest.raises(ValueError):
        solve_zero_sum(np.ones((2, 2)), prior=np.array([0.5, 0.6]))


def _explicit_splits(H: np.ndarray, G: np.ndarray, g: int) -> np.ndarray:
    import itertools

    cols = [-np.expm1(-(H + G[:, list(c)].sum(axis=1) / g))
            for c in itertools.combinations_with_replacement(range(G.shape[1]), g)]
    return np.column_stack(cols)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 7), st.integers(1, 6), st.sampled_from([2, 3]), st.floats(0.0, 1.0),
       st.integers(0, 2**31))
def test_split_best_response_equals_every_split_listed(n, J, g, q, seed):
    from skyshield.plan.ambush import SplitResponder
    from skyshield.plan.game import exploitability, leak_curve, solve_zero_sum

    rng = np.random.default_rng(seed)
    H = rng.random(n) * 0.3
    G = rng.random((n, J)) * 3.0 * (rng.random((n, J)) < 0.6)
    G2 = rng.random((n, 3))
    singles = [-np.expm1(-(H[:, None] + G)), -np.expm1(-(H[:, None] + G2))]
    explicit = [_explicit_splits(H, G, g), singles[1]]
    prior = np.array([0.6, 0.4])
    oracle = SplitResponder(H, [G, G2], [g, 1])
    a = solve_zero_sum(singles, prior, q, oracle)
    b = solve_zero_sum(explicit, prior, q)
    assert a.value == pytest.approx(b.value, rel=1e-7, abs=1e-10)
    ca = leak_curve(singles, prior, np.array([0.0, 0.5, 1.0]), oracle)
    cb = leak_curve(explicit, prior, np.array([0.0, 0.5, 1.0]))
    for u, v in zip(ca, cb, strict=True):
        assert u["risk_randomised"] == pytest.approx(v["risk_randomised"], rel=1e-7, abs=1e-10)
        assert u["risk_fixed"] == pytest.approx(v["risk_fixed"], rel=1e-12)
    ea = exploitability(singles, b.x, prior, oracle)
    eb = exploitability(explicit, b.x, prior)
    assert ea["risk_strategy_known"] == pytest.approx(eb["risk_strategy_known"], rel=1e-9)
    # on a subset of the plans the restricted responder answers for exactly those rows
    rows = np.arange(0, n, 2)
    sub = solve_zero_sum([m[rows] for m in singles], prior, q, oracle.restrict(rows))
    ref = solve_zero_sum([m[rows] for m in explicit], prior, q)
    assert sub.value == pytest.approx(ref.value, rel=1e-7, abs=1e-10)


def test_splitting_beats_every_single_ambush_against_a_mixed_plan():
    from skyshield.plan.ambush import SplitResponder
    from skyshield.plan.game import solve_zero_sum

    # two routes, each reachable by one ambush point only, each ambush deadly on its own
    H = np.zeros(2)
    G = np.array([[6.0, 0.0], [0.0, 6.0]])
    single = solve_zero_sum([-np.expm1(-G)], None, 0.0)
    split = solve_zero_sum([-np.expm1(-G)], None, 0.0, SplitResponder(H, [G], [2]))
    assert single.value == pytest.approx(0.5 * -np.expm1(-6.0))
    # half the drones on each route: each route meets three drones' worth of hazard
    assert split.value == pytest.approx(-np.expm1(-3.0))
    assert split.value > single.value + 0.4


@settings(max_examples=25, deadline=None)
@given(st.integers(4, 12), st.integers(2, 8), st.integers(1, 4), st.floats(0.0, 1.0),
       st.integers(0, 2**31))
def test_plan_selection_keeps_at_most_k_plans_and_never_loses(n, J, k, q, seed):
    import itertools

    from skyshield.plan.game import solve_zero_sum
    from skyshield.plan.route_game import select_plans

    rng = np.random.default_rng(seed)
    L = [rng.random((n, J)), rng.random((n, J + 1))]
    prior = np.array([0.5, 0.5])
    full = solve_zero_sum(L, prior, q)
    start = np.argsort(-full.x, kind="stable")[:k].tolist()
    first = solve_zero_sum([m[start] for m in L], prior, q)
    chosen, sol = select_plans(L, prior, q, list(range(n)), start, k, None)
    assert 1 <= len(chosen) <= k and len(set(chosen)) == len(chosen)
    assert sol.value <= first.value + 1e-9  # never worse than the most played plans
    assert sol.value >= full.value - 1e-9  # never better than every plan together
    # the reported value is the game over exactly the chosen plans
    again = solve_zero_sum([m[chosen] for m in L], prior, q)
    assert sol.value == pytest.approx(again.value, abs=1e-9)
    # and never better than the best k-plan support (brute force over all of them)
    best = min(solve_zero_sum([m[list(c)] for m in L], prior, q).value
               for c in itertools.combinations(range(n), min(k, n)))
    assert sol.value >= best - 1e-9


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 70), st.integers(1, 12), st.floats(0.0, 1.0), st.integers(0, 2**31))
def test_prices_are_an_optimal_dual_over_every_listed_option(n, J, q, seed):
    from skyshield.plan.game import robust_values, solve_zero_sum

    rng = np.random.default_rng(seed)
    # repeated and dominated columns on purpose: they leave the LP, priced 0
    base = rng.random((n, J))
    L = [np.hstack([base, base[:, :1], 0.5 * base]), rng.random((n, 3))]
    prior = np.array([0.3, 0.7])
    sol = solve_zero_sum(L, prior, q)
    assert [y.size for y in sol.prices] == [m.shape[1] for m in L]
    for y, pt in zip(sol.prices, prior, strict=True):
        assert y.min() >= 0.0 and y.sum() == pytest.approx((1 - q) * pt, abs=1e-9)
    rc = q * robust_values(L, prior) + sum(m @ y for m, y in zip(L, sol.prices, strict=True)) \
        - sol.mu
    assert rc.min() >= -1e-9  # no plan would lower the value
    assert np.all(np.abs(rc[sol.x > 1e-9]) <= 1e-7)  # complementary slackness
    assert [r < m.shape[1] for r, m in zip(sol.responses, L, strict=True)] == [True, True]
