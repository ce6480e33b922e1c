"""Exact weapon-based WTA: column generation on target patterns, then column enumeration.

Why this design: the per-target pattern (set-partitioning) relaxation of WTA is far tighter
than the tangent-cut relaxation of ``exp`` used by outer approximation; on the Ahuja and
Andersen recipes its LP bound is usually within 0.01 % of the optimum or equal to it. A
reduced-cost argument then lets a small set-partitioning MILP finish the proof.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from skyshield.clock import SolverClock
from skyshield.wta import _kernels as K
from skyshield.wta._highs import new_highs
from skyshield.wta.problem import WTAProblem


@dataclass
class ExactResult:
    """Outcome of :func:`solve_exact` (the public wrapper turns it into a ``Solution``)."""

    x: np.ndarray  # (W, T) int64 best counts found
    objective: float
    lower_bound: float
    timed_out: bool
    stats: dict[str, float | int | str] = field(default_factory=dict)


def _heuristic_prices(problem: WTAProblem, x: np.ndarray) -> np.ndarray:
    """Unit prices from a solution: the smallest loss of removing one unit of each type.

    Any prices >= 0 give a valid Lagrangian bound; these are a cheap, usually good start.
    """
    q = np.maximum(1.0 - problem.pk, K.QMIN)
    s = K.survival(problem.pk, x)
    loss = problem.values[None, :] * s[None, :] * (1.0 / q - 1.0)
    loss = np.where(x > 0, loss, np.inf)
    pi = loss.min(axis=1)
    return np.where(np.isfinite(pi), pi, 0.0)


NODE_LIMIT = 200_000  # search nodes per target and call before falling back to a root bound


def lagrangian_bound(problem: WTAProblem, pi: np.ndarray,
                     node_limit: int = NODE_LIMIT) -> tuple[float, np.ndarray, np.ndarray]:
    """Lagrangian bound for unit prices ``pi >= 0``.

    Returns
    -------
    bound, m, xbest
        ``bound = sum_j m_j - pi . mu`` with ``m_j`` the exact minimum of target ``j``'s
        subproblem (or a valid lower bound of it, when its search needed more than
        ``node_limit`` nodes) and ``xbest`` the best counts found (``(W, T)``).

    Notes
    -----
    Relaxing :math:`\\sum_j x_{ij} \\le \\mu_i` with prices :math:`\\pi_i \\ge 0` gives

    .. math:: L(\\pi) = \\sum_j \\min_{0 \\le x_{\\cdot j} \\le c_{\\cdot j}}
              \\Big[V_j \\prod_i q_{ij}^{x_{ij}} + \\sum_i \\pi_i x_{ij}\\Big]
              - \\sum_i \\pi_i \\mu_i \\le z^*,

    and :math:`\\max_\\pi L(\\pi)` equals the LP bound of the pattern formulation
    (Geoffrion 1974). Each target's subproblem is solved exactly by depth-first search with
    a union bound and a continuous (convex) relaxation bound.
    """
    pi = np.maximum(np.asarray(pi, dtype=np.float64), 0.0)
    m, _, xb = K.price_all(problem.values, problem.pk, problem.cap, pi, node_limit)
    return float(m.sum() - pi @ problem.units), m, xb


class _Master:
    """Restricted master LP (or MILP) of the pattern formulation, held in HiGHS.

    Rows ``0..T-1``: each target takes exactly one pattern; rows ``T..T+W-1``: units used
    ``<= mu_i``. A column is (target ``j``, counts of each weapon type on ``j``).
    """

    def __init__(self, problem: WTAProblem, threads: int = 1) -> None:
        import highspy

        self.hp = highspy
        self.p = problem
        n_t, n_w = problem.n_targets, problem.n_weapons
        h = new_highs()
        h.setOptionValue("threads", threads)
        empty_i = np.zeros(0, dtype=np.int32)
        h.addRows(n_t, np.ones(n_t), np.ones(n_t), 0, empty_i, empty_i, np.zeros(0))
        h.addRows(n_w, np.full(n_w, -highspy.kHighsInf), problem.units.astype(np.float64),
                  0, empty_i, empty_i, np.zeros(0))
        self.h = h
        self.keys: set[tuple[int, bytes]] = set()
        self.tgt: list[int] = []
        self.cols: list[np.ndarray] = []  # counts (W,) per column

    def add_counts(self, x: np.ndarray, which: np.ndarray | None = None) -> int:
        """Add the column of every target in ``which`` (default all) from counts ``x``."""
        p = self.p
        n_t = p.n_targets
        js = range(n_t) if which is None else which
        cost: list[float] = []
        starts: list[int] = []
        idx: list[int] = []
        val: list[float] = []
        for j in js:
            col = np.ascontiguousarray(x[:, j])
            key = (int(j), col.tobytes())
            if key in self.keys:
                continue
            self.keys.add(key)
            nz = np.flatnonzero(col)
            starts.append(len(idx))
            cost.append(p.values[j] * float(np.prod((1.0 - p.pk[nz, j]) ** col[nz])))
            idx.append(int(j))
            idx.extend((n_t + nz).tolist())
            val.append(1.0)
            val.extend(col[nz].astype(np.float64).tolist())
            self.tgt.append(int(j))
            self.cols.append(col.copy())
        n = len(cost)
        if n:
            self.h.addCols(n, np.asarray(cost), np.zeros(n), np.full(n, self.hp.kHighsInf),
                           len(idx), np.asarray(starts, dtype=np.int32),
                           np.asarray(idx, dtype=np.int32), np.asarray(val))
        return n

    def solve_lp(self) -> tuple[float, np.ndarray, np.ndarray]:
        self.h.run()
        y = np.asarray(self.h.getSolution().row_dual)
        n_t = self.p.n_targets
        return self.h.getInfo().objective_function_value, y[:n_t], -y[n_t:]


def _column_generation(problem: WTAProblem, x_inc: np.ndarray, clock: SolverClock,
                       deadline: float, rel_tol: float, stats: dict[str, float | int | str]
                       ) -> tuple[float, np.ndarray, np.ndarray, _Master]:
    """Maximise the Lagrangian bound by column generation with Wentges smoothing.

    Returns the best bound, its prices, its per-target minima and the master (whose columns
    seed the restricted MILP).
    """
    master = _Master(problem)
    master.add_counts(x_inc)
    master.add_counts(np.zeros_like(x_inc))
    pi_best = _heuristic_prices(problem, x_inc)
    lb_best, m_best, xb = lagrangian_bound(problem, pi_best)
    master.add_counts(xb)
    alpha = 0.5
    it = 0
    lp = np.inf
    while clock.elapsed() < deadline:
        it += 1
        lp, sigma, pi_lp = master.solve_lp()
        pi_lp = np.maximum(pi_lp, 0.0)
        if lp - lb_best <= rel_tol * max(abs(lp), 1e-9):
            break
        pi_sep = alpha * pi_best + (1.0 - alpha) * pi_lp
        lb, m, xb = lagrangian_bound(problem, pi_sep)
        if lb > lb_best:
            lb_best, pi_best, m_best = lb, pi_sep, m
        # Columns priced at the smoothed prices, kept when they price out at the LP duals.
        s = np.prod(np.power(1.0 - problem.pk, xb), axis=0)
        rc_lp = problem.values * s + pi_lp @ xb - sigma
        neg = np.flatnonzero(rc_lp < -1e-9 * max(abs(lp), 1.0))
        added = master.add_counts(xb, neg) if neg.size else 0
        if added == 0:
            if alpha == 0.0:
                break
            alpha = 0.0 if alpha < 0.1 else alpha * 0.5  # mispricing: trust the LP more
    stats["cg_iterations"] = it
    stats["lp_bound"] = float(lp)
    stats["lagrangian_bound"] = lb_best
    stats["master_columns"] = len(master.tgt)
    return lb_best, pi_best, m_best, master


def _solve_set_partitioning(problem: WTAProblem, tgt: np.ndarray, cost: np.ndarray,
                            ptr: np.ndarray, flat: np.ndarray, x_start: np.ndarray | None,
                            time_limit: float, cutoff: float | None
                            ) -> tuple[np.ndarray | None, float, float, str]:
    """MILP over the given columns (binary, one per target, units within ``mu``).

    Returns ``(x, objective, dual_bound, status)`` with ``status`` one of ``optimal``,
    ``infeasible``, ``time_limit``; ``x`` is ``None`` when no solution was found.
    """
    import highspy

    n_t, n_w = problem.n_targets, problem.n_weapons
    n = tgt.shape[0]
    # CSC matrix: one target row plus one row per distinct weapon type of the column.
    starts = np.empty(n, dtype=np.int32)
    idx: list[np.ndarray] = []
    val: list[np.ndarray] = []
    pos = 0
    for c in range(n):
        starts[c] = pos
        w, cnt = np.unique(flat[ptr[c]:ptr[c + 1]], return_counts=True)
        idx.append(np.concatenate(([tgt[c]], n_t + w)).astype(np.int32))
        val.append(np.concatenate(([1.0], cnt.astype(np.float64))))
        pos += 1 + w.shape[0]
    h = new_highs()
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", 1e-9)
    h.setOptionValue("mip_abs_gap", 1e-9)
    h.setOptionValue("time_limit", max(time_limit, 0.01))
    if cutoff is not None:
        h.setOptionValue("objective_bound", cutoff)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = n_t + n_w
    lp.col_cost_ = cost.astype(np.float64)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.concatenate((np.ones(n_t), np.full(n_w, -highspy.kHighsInf)))
    lp.row_upper_ = np.concatenate((np.ones(n_t), problem.units.astype(np.float64)))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.concatenate((starts, [pos])).astype(np.int32)
    lp.a_matrix_.index_ = np.concatenate(idx) if idx else np.zeros(0, dtype=np.int32)
    lp.a_matrix_.value_ = np.concatenate(val) if val else np.zeros(0)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h.passModel(lp)
    if x_start is not None:
        h.setSolution(highspy.HighsSolution())  # reset
        sol = highspy.HighsSolution()
        sol.col_value = list(x_start.astype(np.float64))
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    ms = highspy.HighsModelStatus
    if status == ms.kInfeasible:
        return None, np.inf, np.inf, "infeasible"
    has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = None
    obj = np.inf
    if has_sol:
        lam = np.asarray(h.getSolution().col_value) > 0.5
        if x_start is not None and abs(float(cost[lam].sum()) - info.objective_function_value) \
                > 1e-9 * max(1.0, abs(info.objective_function_value)):
            # Seen with highspy 1.16 on Andersen 200x400x2: given a start solution, HiGHS
            # reported a wrong "optimal" objective and dual bound and returned the start.
            # Both numbers are then worthless: solve again without the start.
            return _solve_set_partitioning(problem, tgt, cost, ptr, flat, None,
                                           max(time_limit - h.getRunTime(), 0.01), cutoff)
        x = np.zeros((n_w, n_t), dtype=np.int64)
        for cc in np.flatnonzero(lam).tolist():
            for w in flat[ptr[cc]:ptr[cc + 1]]:
                x[w, tgt[cc]] += 1
        obj = info.objective_function_value
    bound = info.mip_dual_bound
    return x, obj, bound, ("optimal" if status == ms.kOptimal else "time_limit")


def solve_exact(problem: WTAProblem, x_inc: np.ndarray, time_limit: float,
                rel_gap: float = 1e-7, max_columns: int = 400_000) -> ExactResult:
    """Prove optimality or return a certified gap, starting from incumbent ``x_inc``.

    Notes
    -----
    1. Column generation maximises the Lagrangian bound :math:`L(\\pi)` (see
       :func:`lagrangian_bound`) with Wentges (1997) dual smoothing.
    2. For prices :math:`\\pi \\ge 0` and the per-target minima :math:`m_j`, the reduced
       cost :math:`r_j(x) = V_j\\prod_i q_{ij}^{x_{ij}} + \\pi\\cdot x_{\\cdot j} - m_j \\ge 0`
       and every feasible solution costs
       :math:`L(\\pi) + \\sum_j r_j(x_{\\cdot j}) + \\pi\\cdot(\\mu - \\text{used})`.
       Hence every solution better than the incumbent ``U`` uses only columns with
       :math:`r_j \\le U - L(\\pi)`; all of them are enumerated and a set-partitioning MILP
       (HiGHS) over them is exact. When only columns with :math:`r_j \\le \\delta' < U - L`
       fit, a solution with any other column costs at least :math:`L + \\delta'`, so the
       MILP value :math:`z'` gives the certified bound :math:`\\min(z', L + \\delta')`.
       This is the classical "enumerate within the gap" closing step of branch-and-price
       (e.g. Baldacci, Christofides & Mingozzi 2008).
    3. ``time_limit`` counts solver seconds (:class:`skyshield.clock.SolverClock`): time in
       numba's compiler (a cold cache) is not spent from it.
    """
    with SolverClock() as clock:
        return _solve_exact(problem, x_inc, time_limit, rel_gap, max_columns, clock)


def _solve_exact(problem: WTAProblem, x_inc: np.ndarray, time_limit: float, rel_gap: float,
                 max_columns: int, clock: SolverClock) -> ExactResult:
    deadline = time_limit
    stats: dict[str, float | int | str] = {}
    x_best = x_inc.copy()
    ub = problem.objective(x_best)

    def gap_ok(lb: float) -> bool:
        return ub - lb <= rel_gap * max(abs(ub), 1e-12) + 1e-12

    lb, pi, m, master = _column_generation(problem, x_inc, clock, deadline, rel_gap * 0.1,
                                           stats)
    stats["t_cg"] = clock.elapsed()
    if gap_ok(lb):
        return ExactResult(x_best, ub, min(lb, ub), False, stats)
    # Price-and-branch on the master's columns: usually closes most of the gap cheaply.
    n_cols = len(master.tgt)
    if n_cols and clock.elapsed() < deadline:
        tgt = np.asarray(master.tgt, dtype=np.int64)
        cols = np.stack(master.cols, axis=0)
        lens = cols.sum(axis=1)
        ptr = np.concatenate(([0], np.cumsum(lens))).astype(np.int64)
        flat = np.concatenate([np.repeat(np.arange(problem.n_weapons), c) for c in cols])
        cost = problem.values[tgt] * np.prod(np.power(1.0 - problem.pk.T[tgt], cols), axis=1)
        budget = min(max(0.2 * (deadline - clock.elapsed()), 0.05),
                     deadline - clock.elapsed())
        x, _, _, _ = _solve_set_partitioning(problem, tgt, cost, ptr, flat.astype(np.int64),
                                             None, budget, None)
        if x is not None:
            obj = problem.objective(x)
            if obj < ub:
                ub, x_best = obj, x
        stats["t_restricted"] = clock.elapsed()
    if gap_ok(lb):
        return ExactResult(x_best, ub, min(lb, ub), False, stats)
    # Enumerate every column within the gap (or within a smaller delta that fits).
    delta = ub - lb
    full = True
    max_len = int(min(max(problem.cap.sum(axis=0).max(), 1), 60)) + 1
    while True:
        tgt, cost, _rc, ptr, flat, st = K.enumerate_columns(
            problem.values, problem.pk, problem.cap, pi, m, delta, max_columns, max_len,
            NODE_LIMIT * 10)
        if st == 0:
            break
        full = False
        delta *= 0.25
    stats["enumerated_columns"] = int(tgt.shape[0])
    stats["delta"] = float(delta)
    stats["enumeration_complete"] = int(full)
    stats["t_enum"] = clock.elapsed()
    # The incumbent's columns, so that the MILP starts from it.
    x_cols = [x_best[:, j] for j in range(problem.n_targets)]
    inc_flat = np.concatenate([np.repeat(np.arange(problem.n_weapons), c) for c in x_cols])
    inc_len = np.array([c.sum() for c in x_cols], dtype=np.int64)
    inc_cost = problem.values * np.prod(np.power(1.0 - problem.pk, x_best), axis=0)
    n_enum = tgt.shape[0]
    tgt = np.concatenate((tgt, np.arange(problem.n_targets)))
    cost = np.concatenate((cost, inc_cost))
    ptr = np.concatenate((ptr, ptr[-1] + np.cumsum(inc_len)))
    flat = np.concatenate((flat, inc_flat)).astype(np.int64)
    start = np.concatenate((np.zeros(n_enum), np.ones(problem.n_targets)))
    remaining = deadline - clock.elapsed()
    x, obj, bound, status = _solve_set_partitioning(problem, tgt, cost, ptr, flat, start,
                                                    remaining, None)
    stats["milp_status"] = status
    stats["t_milp"] = clock.elapsed()
    if x is not None:
        true_obj = problem.objective(x)
        if true_obj < ub:
            ub, x_best = true_obj, x
    # Certified bound: the MILP's bound over these columns, capped by what columns outside
    # the enumerated set could reach.
    restricted = bound if status != "infeasible" else np.inf
    outside = np.inf if full else lb + delta
    final_lb = max(lb, min(restricted, outside))
    timed_out = status == "time_limit" or (not full and not gap_ok(final_lb))
    return ExactResult(x_best, ub, min(final_lb, ub), timed_out, stats)
