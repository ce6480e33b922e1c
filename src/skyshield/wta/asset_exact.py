"""Exact asset-based WTA by outer approximation with HiGHS (small problems, time-limited).

Expected loss :math:`\\sum_a v_a (1 - e^{-L_a})` with
:math:`L_a = \\sum_{t \\to a} g_t(y_t)`, :math:`g_t(y) = -\\log(1 - \\beta_t e^{y})` convex and
increasing, and :math:`y_t = \\sum_w x_{wt}\\log(1-p_{wt})` linear in the shots. The MILP
under-estimates each :math:`g_t` by tangents (valid because :math:`g_t` is convex) and the
concave :math:`\\phi(L) = 1 - e^{-L}` by its chords between breakpoints, selected with binary
variables (valid because chords of a concave function lie below it). Each round adds the
tangents and breakpoints at the MILP's solution, so the model becomes exact there; rounds
stop when the MILP's bound meets the true loss of the best solution (Duran & Grossmann
1986; Kesavan et al. 2004 for the concave part).
"""

from __future__ import annotations

import numpy as np

from skyshield.clock import SolverClock
from skyshield.wta._highs import new_highs
from skyshield.wta.asset_problem import asset_objective_nb

_Y_EPS = 1e-4  # tangents of g are taken at y <= -eps when beta = 1 (g(0) is infinite)
_G_CERTAIN = 45.0  # L_a for a certainly destroyed asset: 1 - exp(-45) = 1 to 1e-19


def _g(beta: float, y: float) -> tuple[float, float]:
    e = min(beta * np.exp(y), 1.0 - 1e-12)
    return -np.log1p(-e), e / (1.0 - e)


def _build_and_solve(av: np.ndarray, ta: np.ndarray, le: np.ndarray, pk: np.ndarray,
                     cap: np.ndarray, cuts: list[list[float]], bps: list[list[float]],
                     time_limit: float) -> tuple[np.ndarray | None, float, str]:
    import highspy

    n_w, n_t = pk.shape
    n_a = av.shape[0]
    inf = highspy.kHighsInf
    pairs = np.argwhere((pk > 0) & (cap[:, None] > 0))
    logq = np.log(np.maximum(1.0 - pk, 1e-300))
    h = new_highs()
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", 1e-9)
    h.setOptionValue("mip_abs_gap", 1e-12)
    h.setOptionValue("time_limit", max(time_limit, 1e-3))
    # columns: x pairs | h_t | per asset: delta_k (K) and z_k (K-1)
    costs: list[float] = []
    lo: list[float] = []
    up: list[float] = []
    integ: list[int] = []
    for w, _t in pairs:
        costs.append(0.0)
        lo.append(0.0)
        up.append(float(cap[w]))
        integ.append(1)
    h_off = len(costs)
    for _t in range(n_t):
        costs.append(0.0)
        lo.append(0.0)
        up.append(inf)
        integ.append(0)
    seg: list[tuple[int, int, int, np.ndarray]] = []  # (delta_off, z_off, K, lengths)
    big = 50.0 * max(n_t, 1)
    for a in range(n_a):
        b = np.asarray(sorted(set(bps[a])))
        lens = np.diff(np.concatenate((b, [b[-1] + big])))
        phi = 1.0 - np.exp(-b)
        slopes = np.concatenate((np.diff(phi) / np.diff(b), [0.0]))
        d_off = len(costs)
        for k in range(lens.shape[0]):
            costs.append(float(av[a] * slopes[k]))
            lo.append(0.0)
            up.append(float(lens[k]))
            integ.append(0)
        z_off = len(costs)
        for _k in range(lens.shape[0] - 1):
            costs.append(0.0)
            lo.append(0.0)
            up.append(1.0)
            integ.append(1)
        seg.append((d_off, z_off, lens.shape[0], lens))
    n_col = len(costs)
    h.addVars(n_col, np.asarray(lo), np.asarray(up))
    h.changeColsCost(n_col, np.arange(n_col, dtype=np.int32), np.asarray(costs))
    int_idx = np.flatnonzero(np.asarray(integ)).astype(np.int32)
    h.changeColsIntegrality(int_idx.size, int_idx,
                            np.full(int_idx.size, highspy.HighsVarType.kInteger))
    pair_of_t: list[list[int]] = [[] for _ in range(n_t)]
    pair_of_w: list[list[int]] = [[] for _ in range(n_w)]
    for c, (w, t) in enumerate(pairs):
        pair_of_t[t].append(c)
        pair_of_w[w].append(c)

    def row(lower: float, upper: float, idx: list[int], val: list[float]) -> None:
        h.addRow(lower, upper, len(idx), np.asarray(idx, dtype=np.int32),
                 np.asarray(val, dtype=np.float64))

    for w in range(n_w):
        if pair_of_w[w]:
            row(-inf, float(cap[w]), pair_of_w[w], [1.0] * len(pair_of_w[w]))
    for t in range(n_t):
        if le[t] <= 0.0:
            continue
        if le[t] >= 1.0:
            # g_t(0) is infinite: an unshot threat of lethality 1 destroys its asset. With
            # integer shots, h_t >= G (1 - sum_w x_wt) is valid and makes L_a >= G there.
            idx = [h_off + t] + pair_of_t[t]
            row(_G_CERTAIN, inf, idx, [1.0] + [_G_CERTAIN] * len(pair_of_t[t]))
        for y0 in cuts[t]:
            gv, gd = _g(le[t], y0)
            idx = [h_off + t] + pair_of_t[t]
            val = [1.0] + [-gd * logq[pairs[c][0], t] for c in pair_of_t[t]]
            row(gv - gd * y0, inf, idx, val)
    for a in range(n_a):
        d_off, z_off, n_k, lens = seg[a]
        threats = np.flatnonzero(ta == a)
        row(0.0, inf, list(range(d_off, d_off + n_k)) + [h_off + int(t) for t in threats],
            [1.0] * n_k + [-1.0] * threats.size)
        for k in range(n_k - 1):  # fill segments in order
            row(0.0, inf, [d_off + k, z_off + k], [1.0, -float(lens[k])])
            row(-inf, 0.0, [d_off + k + 1, z_off + k], [1.0, -float(lens[k + 1])])
    h.run()
    info = h.getInfo()
    ms = h.getModelStatus()
    if info.primal_solution_status != 2:
        return None, float(info.mip_dual_bound), "none"
    col = np.asarray(h.getSolution().col_value)
    x = np.zeros((n_w, n_t), dtype=np.int64)
    for c, (w, t) in enumerate(pairs):
        x[w, t] = round(col[c])
    status = "optimal" if ms == highspy.HighsModelStatus.kOptimal else "time_limit"
    return x, float(info.mip_dual_bound), status


def solve_asset_exact(av: np.ndarray, ta: np.ndarray, le: np.ndarray, pk: np.ndarray,
                      cap: np.ndarray, x0: np.ndarray, time_limit: float,
                      rel_tol: float = 1e-9) -> tuple[np.ndarray, float, float]:
    """Best shots found, with a certified lower bound on the expected loss.

    Returns
    -------
    x, loss_lower_bound, loss
        ``loss = sum(v) - J(x)``; ``loss_lower_bound <= optimal loss <= loss``.
    """
    with SolverClock() as clock:
        return _outer_approximation(av, ta, le, pk, cap, x0, time_limit, rel_tol, clock)


def _outer_approximation(av: np.ndarray, ta: np.ndarray, le: np.ndarray, pk: np.ndarray,
                         cap: np.ndarray, x0: np.ndarray, time_limit: float, rel_tol: float,
                         clock: SolverClock) -> tuple[np.ndarray, float, float]:
    total = float(av.sum())
    n_t = pk.shape[1]
    best = x0.copy()
    best_loss = total - asset_objective_nb(av, ta, le, pk, best)
    ymin = np.log(np.maximum(1.0 - pk, 1e-300)) * cap[:, None]
    ymin = np.where(pk > 0, ymin, 0.0).sum(axis=0)
    cuts: list[list[float]] = []
    for t in range(n_t):
        pts = np.linspace(min(max(ymin[t], -30.0), -_Y_EPS), -_Y_EPS, 6)
        cuts.append([float(v) for v in pts])
    bps = [[0.0, 0.05, 0.15, 0.35, 0.7, 1.2, 2.0, 3.5, 6.0, 12.0, _G_CERTAIN]
           for _ in range(av.shape[0])]
    seen: set[bytes] = set()
    lower = 0.0

    def add_point(x: np.ndarray) -> None:
        y = (np.log(np.maximum(1.0 - pk, 1e-300)) * x).sum(axis=0)
        for t in range(n_t):
            if le[t] > 0.0:
                cuts[t].append(float(min(y[t], -_Y_EPS)) if le[t] >= 1.0 else float(y[t]))
        s = np.exp(y)
        for a in range(av.shape[0]):
            threats = ta == a
            la = float(-np.log(np.maximum(1.0 - le[threats] * s[threats], 1e-300)).sum())
            bps[a].append(min(la, _G_CERTAIN))

    add_point(best)
    while True:
        remaining = time_limit - clock.elapsed()
        if remaining <= 0:
            break
        x, bound, status = _build_and_solve(av, ta, le, pk, cap, cuts, bps, remaining)
        if status == "optimal" or status == "time_limit":
            lower = max(lower, bound)
        if x is None:
            break
        loss = total - asset_objective_nb(av, ta, le, pk, x)
        if loss < best_loss:
            best, best_loss = x, loss
        if best_loss - lower <= rel_tol * max(total, 1e-300) or status != "optimal":
            break
        key = x.tobytes()
        if key in seen:  # the model is already exact at x: no further progress possible
            break
        seen.add(key)
        add_point(x)
    return best, min(lower, best_loss), best_loss
