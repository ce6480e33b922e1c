"""Asset-based entry point of the engine: brute force, constraints, determinism."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from skyshield.wta.asset_based import assign_asset_based, greedy_asset_based_nb
from skyshield.wta.asset_problem import asset_objective_nb


def _random_case(rng: np.random.Generator, n_w: int, n_t: int, n_a: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    av = rng.uniform(1, 10, n_a)
    ta = rng.integers(0, n_a, n_t)
    le = rng.uniform(0.2, 1.0, n_t)
    le[rng.random(n_t) < 0.2] = 1.0
    pk = rng.uniform(0, 1, (n_w, n_t)) * (rng.random((n_w, n_t)) < 0.8)
    pk[rng.random((n_w, n_t)) < 0.1] = 1.0
    cap = rng.integers(0, 3, n_w)
    return av, ta, le, pk, cap


def _brute(av: np.ndarray, ta: np.ndarray, le: np.ndarray, pk: np.ndarray,
           cap: np.ndarray) -> float:
    n_w, n_t = pk.shape
    options = []
    for w in range(n_w):
        feas = [t for t in range(n_t) if pk[w, t] > 0]
        rows = []
        for n in range(int(cap[w]) + 1):
            for combo in itertools.combinations_with_replacement(feas, n):
                r = np.zeros(n_t, dtype=np.int64)
                for t in combo:
                    r[t] += 1
                rows.append(r)
        options.append(rows)
    best = -1.0
    for pick in itertools.product(*options):
        x = np.stack(pick) if pick else np.zeros((0, n_t), dtype=np.int64)
        best = max(best, asset_objective_nb(av, ta, le, pk, x))
    return best


def _direct(av: np.ndarray, ta: np.ndarray, le: np.ndarray, pk: np.ndarray,
            x: np.ndarray) -> float:
    s = np.prod((1 - pk) ** x, axis=0)
    return float(sum(av[a] * np.prod(1 - le[ta == a] * s[ta == a]) for a in range(av.size)))


def test_objective_matches_direct_formula() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        case = _random_case(rng, 3, 5, 2)
        x = rng.integers(0, 3, (3, 5))
        assert asset_objective_nb(*case[:4], x) == pytest.approx(_direct(*case[:4], x))


def test_against_brute_force() -> None:
    rng = np.random.default_rng(1)
    for _ in range(25):
        n_w, n_t, n_a = (int(v) for v in (rng.integers(1, 4), rng.integers(1, 5),
                                          rng.integers(1, 3)))
        av, ta, le, pk, cap = _random_case(rng, n_w, n_t, n_a)
        opt = _brute(av, ta, le, pk, cap)
        values = {}
        for method in ("greedy", "local", "exact"):
            x = assign_asset_based(av, ta, le, pk, cap, method, 5.0)
            assert x.dtype == np.int64 and x.shape == pk.shape
            assert np.all(x.sum(axis=1) <= cap)
            assert np.all(x[pk == 0] == 0)
            assert np.all(x >= 0)
            values[method] = asset_objective_nb(av, ta, le, pk, x)
            assert values[method] <= opt + 1e-12
        assert values["exact"] == pytest.approx(opt, abs=1e-9)
        assert values["local"] >= values["greedy"] - 1e-12


def test_single_threat_greedy_is_the_marginal_return_rule() -> None:
    # One asset, one threat, two weapons: the better shot goes first, then the other.
    av = np.array([10.0])
    ta = np.array([0])
    le = np.array([1.0])
    pk = np.array([[0.9], [0.5]])
    cap = np.array([1, 1])
    x = greedy_asset_based_nb(av, ta, le, pk, cap)
    assert x.tolist() == [[1], [1]]


def test_deterministic_and_within_budget() -> None:
    rng = np.random.default_rng(5)
    case = _random_case(rng, 20, 60, 4)
    for method in ("greedy", "local"):
        a = assign_asset_based(*case, method, 0.05)
        b = assign_asset_based(*case, method, 0.05)
        np.testing.assert_array_equal(a, b)
    g = asset_objective_nb(*case[:4], assign_asset_based(*case, "greedy", 0.05))
    loc = asset_objective_nb(*case[:4], assign_asset_based(*case, "local", 0.05))
    ex = asset_objective_nb(*case[:4], assign_asset_based(*case, "exact", 0.3))
    assert g <= loc + 1e-12 <= ex + 2e-12


def test_empty_and_degenerate_inputs() -> None:
    av = np.array([1.0, 2.0])
    x = assign_asset_based(av, np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros((2, 0)),
                           np.array([1, 1]), "exact", 0.1)
    assert x.shape == (2, 0)
    x = assign_asset_based(av, np.array([1]), np.array([0.5]), np.zeros((1, 1)),
                           np.array([3]), "local", 0.1)
    assert x.tolist() == [[0]]
    with pytest.raises(ValueError):
        assign_asset_based(av, np.array([5]), np.array([0.5]), np.zeros((1, 1)),
                           np.array([3]), "local", 0.1)
    with pytest.raises(ValueError):
        assign_asset_based(av, np.array([0]), np.array([0.5]), np.zeros((1, 1)),
                           np.array([3]), "best", 0.1)
