"""Large-neighbourhood local search for the weapon-based problem.

Why this design: single-unit moves and swaps (compiled, :func:`_kernels.descent`) are cheap
but myopic; the assignment neighbourhood below re-places one unit from *every* target at
once, which contains all the cyclic multi-exchanges of Ahuja et al. (2007) in which each
target gives and receives at most one unit, and is searched exactly by one linear
assignment problem.
"""

from __future__ import annotations

import numpy as np

from skyshield.clock import SolverClock
from skyshield.wta import _kernels as K
from skyshield.wta.problem import WTAProblem


def _assignment_move(problem: WTAProblem, x: np.ndarray, rng: np.random.Generator,
                     q: np.ndarray, max_targets: int = 300) -> bool:
    """One exact search of the assignment neighbourhood; improves ``x`` in place.

    Notes
    -----
    Remove one unit (chosen at random among its units) from every target that has one, and
    add every unused unit, giving a pool :math:`R` and survivals :math:`s^-`. Large
    instances use a random subset of ``max_targets`` targets per call (the assignment
    problem's cost grows quickly with its size). If each target
    receives at most one unit of the pool, the objective is separable:

    .. math:: \\sum_j V_j s^-_j + \\sum_{u \\in R} V_{j(u)} s^-_{j(u)} (q_{w(u) j(u)} - 1),

    a rectangular linear assignment problem (Ahuja et al. 2007, Section 4; Burkard,
    Dell'Amico & Martello 2012 for the solver).
    """
    from scipy.optimize import linear_sum_assignment

    n_t = x.shape[1]
    pool_w: list[int] = []
    x_minus = x.copy()
    if n_t > max_targets:
        tsub = np.sort(rng.choice(n_t, size=max_targets, replace=False))
    else:
        tsub = np.arange(n_t)
    for j in tsub:
        ws = np.flatnonzero(x[:, j])
        if ws.size == 0:
            continue
        w = int(ws[rng.integers(ws.size)]) if ws.size > 1 else int(ws[0])
        x_minus[w, j] -= 1
        pool_w.append(w)
    unused = problem.units - x.sum(axis=1)
    for i in np.flatnonzero(unused > 0):
        pool_w.extend([int(i)] * int(unused[i]))
    if not pool_w:
        return False
    pw = np.asarray(pool_w, dtype=np.int64)
    s_minus = K.survival(problem.pk, x_minus)
    base = problem.values * s_minus  # (T,)
    cost = base[None, tsub] * (q[pw][:, tsub] - 1.0)  # (R, |tsub|), <= 0
    cost[x_minus[pw][:, tsub] >= problem.cap[pw][:, tsub]] = np.inf
    if pw.size > tsub.size or not np.all(np.isfinite(cost).any(axis=1)):
        cost = np.concatenate((cost, np.zeros((pw.size, pw.size))), axis=1)  # stay unused
    big = np.isinf(cost)
    if big.any():
        cost[big] = 1e300
    rows, cols = linear_sum_assignment(cost)
    new_val = base[tsub].sum() + cost[rows, cols].sum()
    old_val = float(np.dot(problem.values[tsub], K.survival(problem.pk, x)[tsub]))
    if new_val >= old_val - 1e-12 * max(old_val, 1e-300):
        return False
    x[:] = x_minus
    for r, c in zip(rows, cols, strict=True):
        if c < tsub.size:
            x[pw[r], tsub[c]] += 1
    return True


def local_search(problem: WTAProblem, time_limit: float = 1.0, *, seed: int = 0,
                 max_rounds: int = 200, patience: int = 8,
                 x0: np.ndarray | None = None) -> tuple[np.ndarray, dict[str, int]]:
    """Greedy start, then alternate the assignment neighbourhood with moves and swaps.

    Parameters
    ----------
    problem
        The instance.
    time_limit
        Safety cap in seconds; the search normally stops on ``patience`` or ``max_rounds``.
    seed
        Seed of the generator that picks which unit leaves each target.
    max_rounds
        Deterministic budget of assignment rounds.
    patience
        Stop after this many rounds in a row without improvement.
    x0
        Start from these counts instead of the greedy solution.

    Returns
    -------
    x, stats
        ``(W, T)`` counts and a small dictionary of counters.
    """
    with SolverClock() as clock:
        return _local_search(problem, time_limit, seed, max_rounds, patience, x0, clock)


def _local_search(problem: WTAProblem, time_limit: float, seed: int, max_rounds: int,
                  patience: int, x0: np.ndarray | None, clock: SolverClock
                  ) -> tuple[np.ndarray, dict[str, int]]:
    rng = np.random.default_rng(seed)
    if x0 is None:
        x = K.greedy_counts(problem.values, problem.pk, problem.units, problem.cap)
    else:
        x = np.array(x0, dtype=np.int64, copy=True)
    q = np.maximum(1.0 - problem.pk, K.QMIN)
    steps = K.descent(problem.values, problem.pk, problem.units, problem.cap, x, 10_000)
    rounds = 0
    stale = 0
    improvements = 0
    while rounds < max_rounds and stale < patience and clock.elapsed() < time_limit:
        rounds += 1
        if _assignment_move(problem, x, rng, q):
            improvements += 1
            stale = 0
            steps += K.descent(problem.values, problem.pk, problem.units, problem.cap, x,
                               10_000)
        else:
            stale += 1
    return x, {"rounds": rounds, "improvements": improvements, "descent_steps": steps}
