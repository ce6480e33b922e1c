"""Cluster-wise optimal assignment (``docs/tracking.md`` §4): union–find over the gated
bipartite graph, and a sparse shortest-augmenting-path solver (Jonker–Volgenant / Crouse's
form of the Hungarian method, as in ``scipy.optimize.linear_sum_assignment``) on one cluster.

A cluster's problem has ``nr`` rows (tracks) and ``nd + nr`` columns: its ``nd`` detections,
then one private "missed" column per row (column ``nd + r`` is reachable from row ``r`` only,
at the miss cost). Every row is assigned; a row on its missed column is an unassigned track;
an unassigned detection costs nothing. The optimum minimises the sum of the row costs.
"""

from __future__ import annotations

import numpy as np
from numba import njit

INF = np.inf


@njit(cache=True)
def uf_find(parent: np.ndarray, a: int) -> int:
    """Root of ``a`` (path halving)."""
    while parent[a] != a:
        parent[a] = parent[parent[a]]
        a = parent[a]
    return a


@njit(cache=True)
def uf_union(parent: np.ndarray, a: int, b: int) -> None:
    """Join the sets of ``a`` and ``b``; the smaller root index becomes the root."""
    ra = uf_find(parent, a)
    rb = uf_find(parent, b)
    if ra < rb:
        parent[rb] = ra
    elif rb < ra:
        parent[ra] = rb


@njit(inline="always")
def _reset(todo: np.ndarray, ntodo: int, scl: np.ndarray, nsc: int, shortest: np.ndarray,
           path: np.ndarray, insc: np.ndarray) -> None:
    """Put back the work entries one shortest-path search touched (the columns still to do
    and the scanned ones), so the next search starts clean without an O(ncol) sweep."""
    for kk in range(ntodo):
        shortest[todo[kk]] = INF
        path[todo[kk]] = -1
    for kk in range(nsc):
        shortest[scl[kk]] = INF
        path[scl[kk]] = -1
        insc[scl[kk]] = 0


@njit(cache=True)
def sparse_lap(nr: int, ncol: int, rs: np.ndarray, ci: np.ndarray, cc: np.ndarray,
               u: np.ndarray, v: np.ndarray, shortest: np.ndarray, path: np.ndarray,
               row4col: np.ndarray, col4row: np.ndarray, todo: np.ndarray, srl: np.ndarray,
               scl: np.ndarray, insc: np.ndarray) -> float:
    """Minimum-cost assignment of every row on a sparse cost matrix (CSR).

    Parameters
    ----------
    nr, ncol
        Rows and columns (``nr <= ncol``; every row must reach at least one column).
    rs, ci, cc
        CSR: row ``i``'s edges are ``ci[rs[i]:rs[i+1]]`` (columns) with costs ``cc[...]``
        (finite, >= 0).
    u, v, shortest, path, row4col, col4row, todo, srl, scl, insc
        Work arrays (length >= nr for ``u, col4row, srl``; >= ncol for the others;
        ``insc`` all zero on entry and left so).

    Returns
    -------
    float
        The optimal total cost (``col4row[:nr]`` holds each row's column), or ``inf`` if some
        row could not be assigned.
    """
    for j in range(ncol):
        v[j] = 0.0
        row4col[j] = -1
        shortest[j] = INF
        path[j] = -1
    for i in range(nr):
        u[i] = 0.0
        col4row[i] = -1
    for cur in range(nr):
        ntodo = 0
        nsr = 0
        nsc = 0
        minval = 0.0
        i = cur
        sink = -1
        while sink == -1:
            srl[nsr] = i
            nsr += 1
            for e in range(rs[i], rs[i + 1]):
                j = ci[e]
                if insc[j]:
                    continue
                r = minval + cc[e] - u[i] - v[j]
                if r < shortest[j]:
                    if shortest[j] == INF:
                        todo[ntodo] = j
                        ntodo += 1
                    path[j] = i
                    shortest[j] = r
            best = -1
            lowest = INF
            for kk in range(ntodo):
                j = todo[kk]
                s = shortest[j]
                if s < lowest or (s == lowest and best >= 0 and row4col[j] == -1
                                  and row4col[todo[best]] != -1):
                    lowest = s
                    best = kk
            if best == -1:
                _reset(todo, ntodo, scl, nsc, shortest, path, insc)
                return INF
            j = todo[best]
            ntodo -= 1
            todo[best] = todo[ntodo]
            minval = lowest
            scl[nsc] = j
            nsc += 1
            if row4col[j] == -1:
                sink = j
            else:
                i = row4col[j]
            insc[j] = 1
        u[cur] += minval
        for kk in range(nsr):
            i = srl[kk]
            if i != cur:
                u[i] += minval - shortest[col4row[i]]
        for kk in range(nsc):
            j = scl[kk]
            v[j] -= minval - shortest[j]
        j = sink
        while True:
            i = path[j]
            row4col[j] = i
            tmp = col4row[i]
            col4row[i] = j
            j = tmp
            if i == cur:
                break
        _reset(todo, ntodo, scl, nsc, shortest, path, insc)
    total = 0.0
    for i in range(nr):
        j = col4row[i]
        for e in range(rs[i], rs[i + 1]):
            if ci[e] == j:
                total += cc[e]
                break
    return total


def solve_dense(cost: np.ndarray, miss: float) -> tuple[np.ndarray, float]:
    """Optimal track→detection assignment of a dense matrix (tests, docs).

    ``cost (nr, nd)``: ``inf`` where the pair is not gated; ``miss``: the cost of leaving a
    track unassigned. Returns ``(det_of_track (nr,) int64, -1 = unassigned; total cost)``.
    """
    cost = np.asarray(cost, dtype=np.float64)
    nr, nd = cost.shape
    rs = np.zeros(nr + 1, dtype=np.int64)
    ci_l: list[int] = []
    cc_l: list[float] = []
    for i in range(nr):
        for j in range(nd):
            if np.isfinite(cost[i, j]):
                ci_l.append(j)
                cc_l.append(float(cost[i, j]))
        ci_l.append(nd + i)
        cc_l.append(float(miss))
        rs[i + 1] = len(ci_l)
    ci = np.asarray(ci_l, dtype=np.int64)
    cc = np.asarray(cc_l, dtype=np.float64)
    ncol = nd + nr
    f = np.empty(ncol)
    ii = np.empty(ncol, dtype=np.int64)
    u = np.empty(max(nr, 1))
    col4row = np.empty(max(nr, 1), dtype=np.int64)
    srl = np.empty(max(nr, 1), dtype=np.int64)
    total = sparse_lap(nr, ncol, rs, ci, cc, u, f.copy(), f.copy(), ii.copy(), ii.copy(),
                       col4row, ii.copy(), srl, ii.copy(), np.zeros(ncol, dtype=np.int8))
    out = col4row[:nr].copy()
    out[out >= nd] = -1
    return out, float(total)
