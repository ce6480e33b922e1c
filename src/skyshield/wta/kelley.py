"""Baseline: Kelley's cutting-plane loop on the generic MILP, handed straight to HiGHS.

Used by the benchmark (the "generic MILP" column) and by the tests as an independent
cross-check of the exact solver.
"""

from __future__ import annotations

import time

import numpy as np

from skyshield.wta._highs import new_highs
from skyshield.wta.problem import WTAProblem


def solve_kelley(problem: WTAProblem, time_limit: float = 60.0, rel_gap: float = 1e-6,
                 threads: int = 1) -> tuple[np.ndarray, float, float, float, int]:
    """Outer approximation with tangent cuts of ``exp``, re-solving the MILP until bounds meet.

    Returns
    -------
    x, objective, lower_bound, seconds, rounds

    Notes
    -----
    With :math:`y_j = \\sum_i x_{ij}\\log(1-p_{ij})`, minimise :math:`\\sum_j z_j` subject to
    :math:`z_j \\ge V_j e^{\\hat y}(1 + y_j - \\hat y)` for every cut point :math:`\\hat y`
    (Kelley 1960). The MILP's optimal value is a lower bound; its solution evaluated exactly
    an upper bound; each round adds the tangents at the solution's :math:`y`.
    """
    import highspy

    t0 = time.perf_counter()
    n_w, n_t = problem.pk.shape
    pairs = np.argwhere(problem.cap > 0)
    logq = np.log(np.maximum(1.0 - problem.pk, 1e-300))
    inf = highspy.kHighsInf
    h = new_highs()
    h.setOptionValue("threads", threads)
    h.setOptionValue("mip_rel_gap", rel_gap * 0.1)
    n_x = pairs.shape[0]
    h.addVars(n_x + n_t, np.zeros(n_x + n_t),
              np.concatenate((problem.cap[pairs[:, 0], pairs[:, 1]].astype(np.float64),
                              np.full(n_t, inf))))
    h.changeColsCost(n_x + n_t, np.arange(n_x + n_t, dtype=np.int32),
                     np.concatenate((np.zeros(n_x), np.ones(n_t))))
    h.changeColsIntegrality(n_x, np.arange(n_x, dtype=np.int32),
                            np.full(n_x, highspy.HighsVarType.kInteger))
    by_w = [np.flatnonzero(pairs[:, 0] == i) for i in range(n_w)]
    by_t = [np.flatnonzero(pairs[:, 1] == j) for j in range(n_t)]
    for i in range(n_w):
        h.addRow(-inf, float(problem.units[i]), by_w[i].size, by_w[i].astype(np.int32),
                 np.ones(by_w[i].size))

    def add_cut(j: int, y0: float) -> None:
        e = problem.values[j] * np.exp(y0)
        idx = np.concatenate(([n_x + j], by_t[j])).astype(np.int32)
        val = np.concatenate(([1.0], -e * logq[pairs[by_t[j], 0], j]))
        h.addRow(e * (1.0 - y0), inf, idx.size, idx, val)

    for j in range(n_t):
        for y0 in (0.0, -1.0, -2.5):
            add_cut(j, y0)
    best_x = np.zeros((n_w, n_t), dtype=np.int64)
    ub = problem.objective(best_x)
    lb = 0.0
    rounds = 0
    while True:
        remaining = time_limit - (time.perf_counter() - t0)
        if remaining <= 0:
            break
        h.setOptionValue("time_limit", remaining)
        h.run()
        rounds += 1
        info = h.getInfo()
        lb = max(lb, float(info.mip_dual_bound))
        if info.primal_solution_status != 2:
            break
        col = np.asarray(h.getSolution().col_value)
        x = np.zeros((n_w, n_t), dtype=np.int64)
        x[pairs[:, 0], pairs[:, 1]] = np.rint(col[:n_x]).astype(np.int64)
        obj = problem.objective(x)
        if obj < ub:
            ub, best_x = obj, x
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        if ub - lb <= rel_gap * max(ub, 1e-12):
            break
        y = (logq * x).sum(axis=0)
        z = col[n_x:]
        true = problem.values * np.exp(y)
        for jj in np.flatnonzero(true - z > 1e-9 * max(ub, 1.0)).tolist():
            add_cut(jj, float(y[jj]))
    return best_x, ub, min(lb, ub), time.perf_counter() - t0, rounds
