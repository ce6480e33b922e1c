"""GOSPA metric (Rahmathullah, García-Fernández & Svensson, FUSION 2017), α = 2
(``docs/tracking.md`` §8). Plain Python (scipy), not for the kernel."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def gospa(truth_xy: np.ndarray, est_xy: np.ndarray, c: float = 100.0,
          p: float = 2.0) -> tuple[float, float, float, float]:
    """GOSPA between two finite sets of 2-D points, α = 2.

    ``d = (min_γ Σ_{(i,j)∈γ} d(x_i, y_j)^p + c^p/2 (|X| + |Y| − 2|γ|))^{1/p}`` over the
    assignments ``γ`` of pairs at Euclidean distance below ``c`` (equivalently: the optimal
    assignment of the cut-off distance ``min(d, c)``).

    Returns
    -------
    (total, localisation, missed, false)
        ``total = (loc + missed + false)^{1/p}`` with ``loc = Σ d^p`` over the assigned pairs,
        ``missed = c^p/2 · (truths unassigned)``, ``false = c^p/2 · (estimates unassigned)``
        (the three parts are in units of distance^p).
    """
    x = np.asarray(truth_xy, dtype=np.float64).reshape(-1, 2)
    y = np.asarray(est_xy, dtype=np.float64).reshape(-1, 2)
    n, m = len(x), len(y)
    half = c**p / 2.0
    if n == 0 or m == 0:
        mi = half * n
        fa = half * m
        return float((mi + fa) ** (1.0 / p)), 0.0, float(mi), float(fa)
    d = np.sqrt(((x[:, None, :] - y[None, :, :]) ** 2).sum(-1))
    cost = np.minimum(d, c) ** p
    ri, ci = linear_sum_assignment(cost)
    ok = d[ri, ci] < c
    loc = float((d[ri, ci][ok] ** p).sum())
    na = int(ok.sum())
    mi = half * (n - na)
    fa = half * (m - na)
    return float((loc + mi + fa) ** (1.0 / p)), loc, float(mi), float(fa)
