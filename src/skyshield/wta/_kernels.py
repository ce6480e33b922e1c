"""Compiled kernels for the weapon-based problem: greedy, local moves, Lagrangian pricing.

All kernels take plain arrays (``values`` (T,), ``pk`` (W, T), ``units`` (W,), ``cap`` (W, T))
and are deterministic. Survival probabilities inside the kernels use ``q = max(1 - p, QMIN)``
so that removing a unit is a division; objectives that are reported are always re-evaluated
exactly by :meth:`WTAProblem.objective`.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

QMIN = 1e-12


@njit(cache=True)
def survival(pk: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Survival probability of every target, ``(T,)``, with the kernels' clamped ``q``."""
    n_w, n_t = pk.shape
    s = np.ones(n_t)
    for i in range(n_w):
        for j in range(n_t):
            c = x[i, j]
            if c > 0:
                q = max(1.0 - pk[i, j], QMIN)
                for _ in range(c):
                    s[j] *= q
    return s


@njit(cache=True)
def _best_target(i: int, values: np.ndarray, pk: np.ndarray, cap: np.ndarray,
                 x: np.ndarray, s: np.ndarray) -> tuple[float, int]:
    best = -1.0
    arg = -1
    for j in range(pk.shape[1]):
        if x[i, j] < cap[i, j]:
            g = values[j] * s[j] * pk[i, j]
            if g > best:
                best = g
                arg = j
    return best, arg


@njit(cache=True)
def greedy_counts(values: np.ndarray, pk: np.ndarray, units: np.ndarray,
                  cap: np.ndarray) -> np.ndarray:
    """Maximum marginal return, global over weapon types, evaluated lazily.

    Each step gives one unit to the (weapon type, target) pair with the largest decrease of
    the objective. A weapon type's best marginal return can only fall as targets are hit, so
    stale values are upper bounds and only the leading weapon type needs re-evaluation.
    """
    n_w, n_t = pk.shape
    x = np.zeros((n_w, n_t), dtype=np.int64)
    s = np.ones(n_t)
    rem = units.copy()
    bval = np.empty(n_w)
    for i in range(n_w):
        bval[i], _ = _best_target(i, values, pk, cap, x, s)
        if rem[i] <= 0:
            bval[i] = -2.0
    while True:
        lead = -1
        lv = -1.5
        for i in range(n_w):
            if bval[i] > lv:
                lv = bval[i]
                lead = i
        if lead < 0:
            break
        v, j = _best_target(lead, values, pk, cap, x, s)
        if j < 0:
            bval[lead] = -2.0
            continue
        second = -1.5
        for i in range(n_w):
            if i != lead and bval[i] > second:
                second = bval[i]
        if v < second:
            bval[lead] = v
            continue
        x[lead, j] += 1
        s[j] *= max(1.0 - pk[lead, j], QMIN)
        rem[lead] -= 1
        if rem[lead] <= 0:
            bval[lead] = -2.0
        else:
            bval[lead] = v
    return x


@njit(cache=True)
def descent(values: np.ndarray, pk: np.ndarray, units: np.ndarray, cap: np.ndarray,
            x: np.ndarray, max_passes: int) -> int:
    """Best-improvement moves and swaps of single units until a local optimum (in place).

    Move: one unit of type i from target j to target k (or an unused unit onto k).
    Swap: a unit of type a on j and a unit of type b on k trade targets.
    Returns the number of improving steps.
    """
    n_w, n_t = pk.shape
    q = np.empty((n_w, n_t))
    for i in range(n_w):
        for j in range(n_t):
            q[i, j] = max(1.0 - pk[i, j], QMIN)
    scale = 0.0
    for j in range(n_t):
        scale += values[j]
    eps = 1e-13 * max(scale, 1e-300)
    steps = 0
    n_units = 0
    for i in range(n_w):
        n_units += units[i]
    uw = np.empty(n_units, dtype=np.int64)
    ut = np.empty(n_units, dtype=np.int64)
    for _ in range(max_passes):
        s = survival(pk, x)
        improved = False
        # --- moves (including placing unused units)
        for i in range(n_w):
            used = 0
            for j in range(n_t):
                used += x[i, j]
            if used < units[i]:
                g, k = _best_target(i, values, pk, cap, x, s)
                if k >= 0 and g > eps:
                    x[i, k] += 1
                    s[k] *= q[i, k]
                    steps += 1
                    improved = True
            for j in range(n_t):
                if x[i, j] == 0:
                    continue
                loss = values[j] * s[j] * (1.0 / q[i, j] - 1.0)
                best = loss + eps
                arg = -1
                for k in range(n_t):
                    if k != j and x[i, k] < cap[i, k]:
                        g = values[k] * s[k] * pk[i, k]
                        if g > best:
                            best = g
                            arg = k
                if arg >= 0:
                    x[i, j] -= 1
                    x[i, arg] += 1
                    s[j] /= q[i, j]
                    s[arg] *= q[i, arg]
                    steps += 1
                    improved = True
        # --- swaps
        m = 0
        for i in range(n_w):
            for j in range(n_t):
                for _c in range(x[i, j]):
                    uw[m] = i
                    ut[m] = j
                    m += 1
        for u in range(m):
            a = uw[u]
            for v in range(u + 1, m):
                b = uw[v]
                j = ut[u]
                k = ut[v]
                if a == b or j == k:
                    continue
                if x[a, k] >= cap[a, k] or x[b, j] >= cap[b, j]:
                    continue
                nsj = s[j] * q[b, j] / q[a, j]
                nsk = s[k] * q[a, k] / q[b, k]
                d = values[j] * (nsj - s[j]) + values[k] * (nsk - s[k])
                if d < -eps:
                    x[a, j] -= 1
                    x[a, k] += 1
                    x[b, k] -= 1
                    x[b, j] += 1
                    s[j] = nsj
                    s[k] = nsk
                    ut[u] = k
                    ut[v] = j
                    steps += 1
                    improved = True
        if not improved:
            break
    return steps


@njit(cache=True)
def _improvement_bound(vs: float, p: np.ndarray, q: np.ndarray, pi: np.ndarray,
                       u: np.ndarray, k0: int, used0: int) -> float:
    """Upper bound on the decrease of ``V s prod q + sum pi`` from adding items ``>= k0``.

    A unit's marginal return never exceeds its return when added first (union bound), and
    the r-th unit of a type returns at most ``V s q^r p``.
    """
    tot = 0.0
    m = p.shape[0]
    for k in range(k0, m):
        # vs already includes the units of k0 taken so far: the next one returns vs p.
        g = vs * p[k]
        qq = q[k]
        start = used0 if k == k0 else 0
        for _r in range(start, u[k]):
            d = g - pi[k]
            if d <= 0.0:
                break
            tot += d
            g *= qq
    return tot


@njit(cache=True)
def _convex_bound(vs: float, a: np.ndarray, pi: np.ndarray, u: np.ndarray,
                  ratio_order: np.ndarray, k0: int, used0: int) -> float:
    """Lower bound on ``min V s exp(-A) + cost`` over fractional unit choices from ``>= k0``.

    The cheapest cost of a total log-kill ``A`` with fractional units is the piecewise-linear
    convex function of the units taken in increasing order of ``pi / a``; adding the convex
    ``V s exp(-A)`` and minimising over ``A`` gives the continuous relaxation.
    """
    big_a = 0.0
    cost = 0.0
    for t in range(ratio_order.shape[0]):
        k = ratio_order[t]
        if k < k0:
            continue
        n = u[k] - used0 if k == k0 else u[k]
        if n <= 0:
            continue
        cur = vs * np.exp(-big_a)
        r = pi[k] / a[k]
        if cur <= r:
            return float(cur + cost)
        span = n * a[k]
        if r > 0.0:
            a_star = np.log(vs / r)
            if a_star <= big_a + span:
                return float(r + cost + r * (a_star - big_a))
        big_a += span
        cost += n * pi[k]
    return float(vs * np.exp(-big_a) + cost)


@njit(cache=True)
def _candidates(j: int, values: np.ndarray, pk: np.ndarray, cap: np.ndarray,
                pi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                         np.ndarray]:
    n_w = pk.shape[0]
    v = values[j]
    idx = np.empty(n_w, dtype=np.int64)
    key = np.empty(n_w)
    m = 0
    for i in range(n_w):
        if cap[i, j] > 0 and pi[i] < v * pk[i, j]:
            idx[m] = i
            key[m] = -(v * pk[i, j] - pi[i])
            m += 1
    order = np.argsort(key[:m], kind="mergesort")
    w = idx[:m][order]
    p = np.empty(m)
    q = np.empty(m)
    pic = np.empty(m)
    u = np.empty(m, dtype=np.int64)
    for c in range(m):
        i = w[c]
        p[c] = pk[i, j]
        q[c] = 1.0 - pk[i, j]
        pic[c] = pi[i]
        u[c] = cap[i, j]
    return w, p, q, pic, u


@njit(cache=True)
def _dfs(v: float, p: np.ndarray, q: np.ndarray, pi: np.ndarray, u: np.ndarray,
         thresh: float, enum: bool, seq_out: np.ndarray, cols_seq: np.ndarray,
         cols_len: np.ndarray, cols_val: np.ndarray, max_cols: int,
         node_limit: int) -> tuple[float, int, int, float]:
    """Depth-first search over multisets of candidate units for one target.

    Pricing (``enum`` false): returns the minimum of ``V prod q + sum pi`` and writes its
    sequence of candidate indices to ``seq_out`` (length returned). Enumeration: records every
    multiset whose value is ``<= thresh`` into ``cols_*`` (count returned; ``max_cols + 1``
    signals overflow, also when more than ``node_limit`` nodes are needed).

    The fourth value is a valid lower bound of the minimum: the minimum itself when the
    search completed, the root relaxation bound when it hit ``node_limit``.
    """
    m = p.shape[0]
    depth_max = 0
    for k in range(m):
        depth_max += u[k]
    seq = np.empty(depth_max + 1, dtype=np.int64)
    mult = np.empty(depth_max + 1, dtype=np.int64)
    ss = np.empty(depth_max + 2)
    cc = np.empty(depth_max + 2)
    nxt = np.empty(depth_max + 2, dtype=np.int64)
    a = np.empty(m)
    ratio = np.empty(m)
    for k in range(m):
        a[k] = -np.log(max(q[k], 1e-300))
        ratio[k] = pi[k] / a[k]
    ratio_order = np.argsort(ratio, kind="mergesort")
    root_bound = min(v, max(v - _improvement_bound(v, p, q, pi, u, 0, 0),
                            _convex_bound(v, a, pi, u, ratio_order, 0, 0)))
    nodes = 0
    best = v
    best_len = 0
    n_cols = 0
    if enum:
        if v <= thresh:
            cols_len[0] = 0
            cols_val[0] = v
            n_cols = 1
    d = 0
    ss[0] = 1.0
    cc[0] = 0.0
    nxt[0] = 0
    while d >= 0:
        k = nxt[d]
        if k >= m:
            d -= 1
            continue
        nxt[d] = k + 1
        mk = 1
        if d > 0 and seq[d - 1] == k:
            mk = mult[d - 1] + 1
        if mk > u[k]:
            continue
        nodes += 1
        if nodes > node_limit:
            if enum:
                return best, 0, max_cols + 1, root_bound
            return best, best_len, n_cols, min(root_bound, best)
        s_new = ss[d] * q[k]
        c_new = cc[d] + pi[k]
        val = v * s_new + c_new
        bound = val - _improvement_bound(v * s_new, p, q, pi, u, k, mk)
        limit = thresh if enum else best - 1e-15 * max(abs(best), 1.0)
        if bound > limit:
            continue
        bound = max(bound, c_new + _convex_bound(v * s_new, a, pi, u, ratio_order, k, mk))
        if bound > limit:
            continue
        seq[d] = k
        mult[d] = mk
        if enum:
            if val <= thresh:
                if n_cols >= max_cols:
                    return best, 0, max_cols + 1, root_bound
                for t in range(d + 1):
                    cols_seq[n_cols, t] = seq[t]
                cols_len[n_cols] = d + 1
                cols_val[n_cols] = val
                n_cols += 1
        elif val < best:
            best = val
            best_len = d + 1
            for t in range(d + 1):
                seq_out[t] = seq[t]
        if d + 1 >= cols_seq.shape[1] and enum:
            continue
        d += 1
        ss[d] = s_new
        cc[d] = c_new
        nxt[d] = k
    return best, best_len, n_cols, best


@njit(cache=True, parallel=True)
def price_all(values: np.ndarray, pk: np.ndarray, cap: np.ndarray, pi: np.ndarray,
              node_limit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lagrangian subproblem of every target.

    Returns ``m`` (T,), a valid lower bound of ``min_x V_j prod_i q_ij^x_i + sum_i pi_i x_i``
    (the minimum itself unless the search of target ``j`` needed more than ``node_limit``
    nodes), ``val`` (T,), the value of the best ``x`` found, and ``xbest`` (W, T) int64,
    those best counts.
    """
    n_w, n_t = pk.shape
    m_out = np.empty(n_t)
    v_out = np.empty(n_t)
    xbest = np.zeros((n_w, n_t), dtype=np.int64)
    for j in prange(n_t):
        dummy_seq = np.empty((1, 1), dtype=np.int64)
        dummy_len = np.empty(1, dtype=np.int64)
        dummy_val = np.empty(1)
        w, p, q, pic, u = _candidates(j, values, pk, cap, pi)
        tot = 0
        for c in range(u.shape[0]):
            tot += u[c]
        seq_out = np.empty(tot + 1, dtype=np.int64)
        best, blen, _, lb = _dfs(values[j], p, q, pic, u, 0.0, False, seq_out, dummy_seq,
                                 dummy_len, dummy_val, 0, node_limit)
        m_out[j] = lb
        v_out[j] = best
        for t in range(blen):
            xbest[w[seq_out[t]], j] += 1
    return m_out, v_out, xbest


@njit(cache=True)
def enumerate_columns(values: np.ndarray, pk: np.ndarray, cap: np.ndarray, pi: np.ndarray,
                      m: np.ndarray, delta: float, max_cols: int, max_len: int,
                      node_limit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                 int]:
    """Every column (target, multiset of units) with reduced cost ``<= delta``.

    The reduced cost of column ``(j, x)`` is ``V_j prod q^x + pi . x - m_j`` (``m_j`` a lower
    bound of target ``j``'s subproblem). Returns
    ``target`` (n,), ``cost`` (n,) = ``V_j prod q^x``, ``rc`` (n,), ``ptr`` (n+1,) and
    ``weapon`` (flat, one entry per unit) in CSR form, and a status: 0 complete, 1 overflow
    (more than ``max_cols`` columns, a column longer than ``max_len`` units, or a target
    needing more than ``node_limit`` search nodes).
    """
    n_t = pk.shape[1]
    tgt = np.empty(max_cols, dtype=np.int64)
    cost = np.empty(max_cols)
    rc = np.empty(max_cols)
    ptr = np.zeros(max_cols + 1, dtype=np.int64)
    flat = np.empty(max_cols * 4 + 16, dtype=np.int64)
    n = 0
    dummy = np.empty(1, dtype=np.int64)
    for j in range(n_t):
        w, p, q, pic, u = _candidates(j, values, pk, cap, pi)
        room = max_cols - n
        cols_seq = np.empty((room, max_len), dtype=np.int64)
        cols_len = np.empty(room, dtype=np.int64)
        cols_val = np.empty(room)
        _, _, k, _ = _dfs(values[j], p, q, pic, u, m[j] + delta, True, dummy, cols_seq,
                          cols_len, cols_val, room, node_limit)
        if k > room:
            return tgt[:n], cost[:n], rc[:n], ptr[:n + 1], flat[:ptr[n]], 1
        for c in range(k):
            ln = cols_len[c]
            if ln >= max_len:
                return tgt[:n], cost[:n], rc[:n], ptr[:n + 1], flat[:ptr[n]], 1
            if ptr[n] + ln > flat.shape[0]:
                grown = np.empty(flat.shape[0] * 2 + ln, dtype=np.int64)
                grown[:flat.shape[0]] = flat
                flat = grown
            pis = 0.0
            for t in range(ln):
                flat[ptr[n] + t] = w[cols_seq[c, t]]
                pis += pic[cols_seq[c, t]]
            tgt[n] = j
            cost[n] = cols_val[c] - pis
            rc[n] = cols_val[c] - m[j]
            ptr[n + 1] = ptr[n] + ln
            n += 1
    return tgt[:n], cost[:n], rc[:n], ptr[:n + 1], flat[:ptr[n]], 0
