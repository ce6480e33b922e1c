"""Shared helpers of the WTA tests: brute force on tiny instances."""

from __future__ import annotations

import itertools

import numpy as np

from skyshield.wta import WTAProblem


def _rows(units: int, cap: np.ndarray) -> list[np.ndarray]:
    """Every way to spread at most ``units`` units over targets within ``cap``."""
    out = []
    for combo in itertools.product(*[range(int(c) + 1) for c in cap]):
        if sum(combo) <= units:
            out.append(np.asarray(combo, dtype=np.int64))
    return out


def brute_force(problem: WTAProblem) -> tuple[float, np.ndarray]:
    """Optimum of a tiny weapon-based problem by enumerating every assignment."""
    per_w = [_rows(int(problem.units[i]), problem.cap[i]) for i in range(problem.n_weapons)]
    best = np.inf
    best_x = np.zeros(problem.pk.shape, dtype=np.int64)
    for combo in itertools.product(*per_w):
        x = np.stack(combo)
        v = problem.objective(x)
        if v < best:
            best, best_x = v, x
    return float(best), best_x


def tiny_problem(rng: np.random.Generator) -> WTAProblem:
    """Random tiny instance, with infeasible pairs and certain kills now and then."""
    n_w = int(rng.integers(1, 4))
    n_t = int(rng.integers(1, 4))
    pk = rng.uniform(0.0, 1.0, (n_w, n_t))
    pk[rng.random((n_w, n_t)) < 0.15] = 0.0
    pk[rng.random((n_w, n_t)) < 0.05] = 1.0
    values = rng.integers(1, 100, n_t).astype(float)
    units = rng.integers(0, 3, n_w)
    return WTAProblem(values, pk, units)
