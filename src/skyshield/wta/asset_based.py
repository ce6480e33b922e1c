"""Asset-based WTA for the engine's C2: one small problem per decision cycle.

The problem (objective, checks) is :mod:`skyshield.wta.asset_problem`; this module holds the
solvers the engine calls each cycle: ``greedy`` (maximum marginal return), ``local`` (moves
and swaps from greedy) and the entry point :func:`assign_asset_based`, which adds ``exact``
(:mod:`skyshield.wta.asset_exact`, outer approximation in HiGHS).
Everything here is deterministic: ``greedy`` and ``local`` have fixed iteration budgets, and
``exact`` depends on the clock only through its time limit.
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit

from skyshield.wta.asset_exact import solve_asset_exact
from skyshield.wta.asset_problem import METHODS, asset_ptr, asset_survival, validate


@njit(cache=True)
def _pair_gain(a: int, b: int, ptr: np.ndarray, lst: np.ndarray, lethality: np.ndarray,
               s: np.ndarray, asset_value: np.ndarray, surv: np.ndarray
               ) -> tuple[float, float, float]:
    """Value gained when the threats of assets ``a`` and ``b`` take the survivals ``s``:
    the gain and the two assets' new survival probabilities."""
    na = asset_survival(a, ptr, lst, lethality, s)
    if b == a:
        return asset_value[a] * (na - surv[a]), na, na
    nb = asset_survival(b, ptr, lst, lethality, s)
    return asset_value[a] * (na - surv[a]) + asset_value[b] * (nb - surv[b]), na, nb


@njit(cache=True)
def _refresh_gain(a: int, asset_value: np.ndarray, ptr: np.ndarray, lst: np.ndarray,
                  lethality: np.ndarray, s: np.ndarray, gain: np.ndarray) -> None:
    """``gain[t] = v_a beta_t s_t prod_{t' != t} (1 - beta_t' s_t')`` for the threats of a.

    One more shot with kill probability p at t raises J by ``gain[t] * p``. Products that
    exclude t are formed from prefix and suffix products (no division, so factors equal to
    zero are handled exactly).
    """
    n = ptr[a + 1] - ptr[a]
    pre = 1.0
    suf = np.empty(n + 1)
    suf[n] = 1.0
    for k in range(n - 1, -1, -1):
        t = lst[ptr[a] + k]
        suf[k] = suf[k + 1] * (1.0 - lethality[t] * s[t])
    for k in range(n):
        t = lst[ptr[a] + k]
        gain[t] = asset_value[a] * lethality[t] * s[t] * pre * suf[k + 1]
        pre *= 1.0 - lethality[t] * s[t]


@njit(cache=True)
def greedy_asset_based_nb(asset_value: np.ndarray, threat_asset: np.ndarray,
                          lethality: np.ndarray, pk: np.ndarray,
                          capacity: np.ndarray) -> np.ndarray:
    """Maximum marginal return for the asset-based problem (compiled, allocation-light).

    Parameters
    ----------
    asset_value
        ``(A,)`` float64, value of each defended asset.
    threat_asset
        ``(T,)`` int64, asset each threat is aimed at.
    lethality
        ``(T,)`` float64, P(asset destroyed | threat not killed).
    pk
        ``(W, T)`` float64, kill probability of one shot; 0 = cannot engage.
    capacity
        ``(W,)`` int64, shots weapon ``w`` may fire this cycle.

    Returns
    -------
    numpy.ndarray
        ``(W, T)`` int64 shots. Shots are added one at a time where they raise the expected
        surviving value most, while the rise exceeds ``1e-12`` of the total asset value.
    """
    n_w, n_t = pk.shape
    n_a = asset_value.shape[0]
    x = np.zeros((n_w, n_t), dtype=np.int64)
    ptr, lst = asset_ptr(threat_asset, n_a)
    s = np.ones(n_t)
    gain = np.zeros(n_t)
    total = 0.0
    for a in range(n_a):
        total += asset_value[a]
        _refresh_gain(a, asset_value, ptr, lst, lethality, s, gain)
    tol = 1e-12 * max(total, 1e-300)
    rem = capacity.copy()
    while True:
        best = tol
        bw = -1
        bt = -1
        for w in range(n_w):
            if rem[w] <= 0:
                continue
            for t in range(n_t):
                g = gain[t] * pk[w, t]
                if g > best:
                    best = g
                    bw = w
                    bt = t
        if bw < 0:
            break
        x[bw, bt] += 1
        rem[bw] -= 1
        s[bt] *= 1.0 - pk[bw, bt]
        _refresh_gain(threat_asset[bt], asset_value, ptr, lst, lethality, s, gain)
    return x


@njit(cache=True)
def local_asset_based_nb(asset_value: np.ndarray, threat_asset: np.ndarray,
                         lethality: np.ndarray, pk: np.ndarray, capacity: np.ndarray,
                         x: np.ndarray, max_evals: int) -> int:
    """First-improvement moves and swaps of single shots from ``x`` (in place).

    Move: one shot of weapon w from threat t to threat u. Swap: shots of weapons w1 on t1
    and w2 on t2 trade threats. Stops at a local optimum or after ``max_evals`` move
    evaluations (a deterministic budget); returns the evaluations used.
    """
    n_w, n_t = pk.shape
    n_a = asset_value.shape[0]
    ptr, lst = asset_ptr(threat_asset, n_a)
    s = np.ones(n_t)
    for w in range(n_w):
        for t in range(n_t):
            for _ in range(x[w, t]):
                s[t] *= 1.0 - pk[w, t]
    surv = np.empty(n_a)
    total = 0.0
    for a in range(n_a):
        surv[a] = asset_survival(a, ptr, lst, lethality, s)
        total += asset_value[a]
    tol = 1e-12 * max(total, 1e-300)
    evals = 0
    improved = True
    while improved and evals < max_evals:
        improved = False
        # --- moves
        for w in range(n_w):
            for t in range(n_t):
                if x[w, t] == 0:
                    continue
                for u in range(n_t):
                    if u == t or pk[w, u] <= 0.0 or x[w, t] == 0:
                        continue
                    evals += 1
                    st, su = s[t], s[u]
                    qt = 1.0 - pk[w, t]
                    if qt <= 0.0:
                        # Removing a certain kill: recompute the survival from the shots.
                        nt = 1.0
                        for w2 in range(n_w):
                            c = x[w2, t] - (1 if w2 == w else 0)
                            for _ in range(c):
                                nt *= 1.0 - pk[w2, t]
                    else:
                        nt = st / qt
                    nu = su * (1.0 - pk[w, u])
                    a, b = threat_asset[t], threat_asset[u]
                    s[t], s[u] = nt, nu
                    d, na, nb = _pair_gain(a, b, ptr, lst, lethality, s, asset_value, surv)
                    if d > tol:
                        x[w, t] -= 1
                        x[w, u] += 1
                        surv[a] = na
                        surv[b] = nb
                        improved = True
                        break
                    s[t], s[u] = st, su
                if evals >= max_evals:
                    return evals
        # --- swaps of two shots of different weapons on different threats
        for w1 in range(n_w):
            for t1 in range(n_t):
                if x[w1, t1] == 0:
                    continue
                for w2 in range(w1 + 1, n_w):
                    for t2 in range(n_t):
                        if t2 == t1 or x[w2, t2] == 0 or x[w1, t1] == 0:
                            continue
                        if pk[w1, t2] <= 0.0 or pk[w2, t1] <= 0.0:
                            continue
                        q11 = 1.0 - pk[w1, t1]
                        q22 = 1.0 - pk[w2, t2]
                        if q11 <= 0.0 or q22 <= 0.0:
                            continue
                        evals += 1
                        s1, s2 = s[t1], s[t2]
                        s[t1] = s1 / q11 * (1.0 - pk[w2, t1])
                        s[t2] = s2 / q22 * (1.0 - pk[w1, t2])
                        a, b = threat_asset[t1], threat_asset[t2]
                        d, na, nb = _pair_gain(a, b, ptr, lst, lethality, s, asset_value,
                                               surv)
                        if d > tol:
                            x[w1, t1] -= 1
                            x[w1, t2] += 1
                            x[w2, t2] -= 1
                            x[w2, t1] += 1
                            surv[a] = na
                            surv[b] = nb
                            improved = True
                        else:
                            s[t1], s[t2] = s1, s2
                if evals >= max_evals:
                    return evals
    return evals


def assign_asset_based(asset_value: np.ndarray, threat_asset: np.ndarray,
                       lethality: np.ndarray, pk: np.ndarray, capacity: np.ndarray,
                       method: str, time_limit: float) -> np.ndarray:
    """Shots for one decision cycle of the asset-based WTA.

    Parameters
    ----------
    asset_value
        ``(A,)`` float64, value of each defended asset.
    threat_asset
        ``(T,)`` int64, index of the asset each threat is aimed at.
    lethality
        ``(T,)`` float64, P(asset destroyed | threat not killed).
    pk
        ``(W, T)`` float64, kill probability of one shot of weapon w at threat t; 0 means
        infeasible.
    capacity
        ``(W,)`` int64, shots weapon w may fire this cycle (>= 0).
    method
        ``greedy`` (compiled maximum marginal return, microseconds), ``local`` (greedy, then
        moves and swaps with a deterministic evaluation budget) or ``exact`` (outer
        approximation MILP in HiGHS, started from ``local``; the best solution found when
        ``time_limit`` runs out).
    time_limit
        Seconds for this call; only ``exact`` uses it (``local`` is bounded by its budget).

    Returns
    -------
    numpy.ndarray
        ``(W, T)`` int64 shots; row sums <= capacity; zero where pk == 0.

    Notes
    -----
    The objective is :math:`J(x) = \\sum_a v_a \\prod_{t \\to a}(1 - \\beta_t s_t)` with
    :math:`s_t = \\prod_w (1 - p_{wt})^{x_{wt}}` (Hosein & Athans 1990). ``local`` and
    ``exact`` never return less than ``greedy``.

    References
    ----------
    P. A. Hosein, M. Athans, "Some analytical results for the dynamic weapon-target
    allocation problem", MIT LIDS-P-1944, 1990.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    av = np.ascontiguousarray(asset_value, dtype=np.float64)
    ta = np.ascontiguousarray(threat_asset, dtype=np.int64)
    le = np.ascontiguousarray(lethality, dtype=np.float64)
    p = np.ascontiguousarray(pk, dtype=np.float64)
    cap = np.ascontiguousarray(capacity, dtype=np.int64)
    validate(av, ta, le, p, cap)
    t0 = time.perf_counter()
    x = greedy_asset_based_nb(av, ta, le, p, cap)
    if method == "greedy" or p.size == 0:
        return x
    local_asset_based_nb(av, ta, le, p, cap, x, 200_000)
    if method == "local":
        return x
    remaining = time_limit - (time.perf_counter() - t0)
    if remaining <= 0:
        return x
    x_ex, _, _ = solve_asset_exact(av, ta, le, p, cap, x, remaining)
    return x_ex
