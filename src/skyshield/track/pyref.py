"""The multi-target tracker in plain Python: the reference of :func:`skyshield.track.tracker.
process_scan` (``docs/tracking.md`` §3, global nearest neighbour, not staged — what the
simulation kernel runs), written from the page, not from the compiled code.

It works on the same track store (:class:`skyshield.track.tracker.Tracks`, slots read and
written one element at a time) so that the engine's reference
(:mod:`skyshield.engine.reference`) can hold its tracks in it; nothing here is compiled. The
arithmetic of the Kalman filter follows ``docs/tracking.md`` §1 operation by operation, so
that the compiled tracker and this one agree bit for bit; the optimal assignment per cluster
is :func:`scipy.optimize.linear_sum_assignment` on the padded matrix of §4 (an independent
solver: only exactly equal costs could make the two differ).
"""

from __future__ import annotations

import math

import numpy as np

from skyshield.track.tracker import (
    CONFIRMED,
    FREE,
    HIST_MASK,
    P_COAST,
    P_DROP,
    P_GATE,
    P_M,
    P_MISS_R,
    P_MODE,
    P_N,
    P_Q,
    P_STAGED,
    P_V0,
    TENTATIVE,
    Tracks,
)


def _predict(tr: Tracks, k: int, dt: float, q: float) -> None:
    """``x ← F x``, ``P ← F P Fᵀ + Q`` (§1): the rows of ``F P`` first, then its columns."""
    x = tr.tx[k]
    p = tr.tP[k]
    x[0] = x[0] + dt * x[2]
    x[1] = x[1] + dt * x[3]
    for c in range(4):
        p[0, c] = p[0, c] + dt * p[2, c]
        p[1, c] = p[1, c] + dt * p[3, c]
    for r in range(4):
        p[r, 0] = p[r, 0] + dt * p[r, 2]
        p[r, 1] = p[r, 1] + dt * p[r, 3]
    a = q * dt * dt * dt / 3.0
    b = q * dt * dt / 2.0
    c2 = q * dt
    p[0, 0] += a
    p[1, 1] += a
    p[0, 2] += b
    p[2, 0] += b
    p[1, 3] += b
    p[3, 1] += b
    p[2, 2] += c2
    p[3, 3] += c2


def _innovation(tr: Tracks, k: int, zx: float, zy: float, r: np.ndarray
                ) -> tuple[float, float, float, float, float, float]:
    """``(νx, νy, Sxx, Sxy, Syy, d²)``: ``S = H P Hᵀ + R``, ``d² = νᵀ S⁻¹ ν``."""
    p = tr.tP[k]
    nx = zx - tr.tx[k, 0]
    ny = zy - tr.tx[k, 1]
    sxx = p[0, 0] + r[0]
    sxy = 0.5 * (p[0, 1] + p[1, 0]) + r[1]
    syy = p[1, 1] + r[2]
    det = sxx * syy - sxy * sxy
    d2 = (syy * nx * nx - 2.0 * sxy * nx * ny + sxx * ny * ny) / det
    return nx, ny, sxx, sxy, syy, d2


def _update(tr: Tracks, k: int, zx: float, zy: float, r: np.ndarray) -> None:
    """``K = P Hᵀ S⁻¹``, ``x ← x + K ν``, ``P ← P − K S Kᵀ``, then ``P ← (P + Pᵀ)/2``."""
    nx, ny, sxx, sxy, syy, _d2 = _innovation(tr, k, zx, zy, r)
    det = sxx * syy - sxy * sxy
    ixx = syy / det
    ixy = -sxy / det
    iyy = sxx / det
    p = tr.tP[k]
    x = tr.tx[k]
    a = [p[0, c] for c in range(4)]
    b = [p[1, c] for c in range(4)]
    for i in range(4):
        k0 = p[i, 0] * ixx + p[i, 1] * ixy
        k1 = p[i, 0] * ixy + p[i, 1] * iyy
        x[i] = x[i] + (k0 * nx + k1 * ny)
        for c in range(4):
            p[i, c] = p[i, c] - (k0 * a[c] + k1 * b[c])
    for i in range(4):
        for c in range(i + 1, 4):
            m = 0.5 * (p[i, c] + p[c, i])
            p[i, c] = m
            p[c, i] = m


def _popcount(x: int) -> int:
    return bin(int(x)).count("1")


def _assign(cost: list[list[float]], miss: float) -> list[int]:
    """Each row's column (−1: missed) minimising Σ cost + miss · (missed rows): the padded
    problem of §4 (one private missed column per row), solved by scipy."""
    from scipy.optimize import linear_sum_assignment

    nr, nd = len(cost), len(cost[0])
    big = np.full((nr, nd + nr), np.inf)
    big[:, :nd] = np.array(cost)
    for i in range(nr):
        big[i, nd + i] = miss
    rows, cols = linear_sum_assignment(big)
    out = [-1] * nr
    for i, c in zip(rows.tolist(), cols.tolist(), strict=True):
        out[i] = c if c < nd else -1
    return out


def process_scan_ref(tr: Tracks, prm: np.ndarray, t: float, zx: np.ndarray, zy: np.ndarray,
                     zR: np.ndarray, zlab: np.ndarray, nz: int, cx: float, cy: float,
                     cr: float) -> tuple[list[int], list[int], list[int]]:
    """One scan (``docs/tracking.md`` §3, steps 0–8) on the store ``tr``; GNN, not staged.
    Returns the slots confirmed, deleted and born, in the order of the steps."""
    if prm[P_MODE] != 0.0 or prm[P_STAGED] != 0.0:
        raise ValueError("the reference tracker is GNN, not staged")
    q = float(prm[P_Q])
    gate = float(prm[P_GATE])
    m, n, drop = int(prm[P_M]), int(prm[P_N]), int(prm[P_DROP])
    v0 = float(prm[P_V0])
    cm = float(prm[P_MISS_R])
    coast = float(prm[P_COAST])
    T = tr.tstat.shape[0]
    dele: list[int] = []
    conf: list[int] = []
    born: list[int] = []
    # 0. coasting
    for k in range(T):
        if tr.tstat[k] != FREE and t - tr.tupd[k] > coast:
            tr.tstat[k] = FREE
            dele.append(k)
    # 1. coverage and prediction, ascending slot
    cov: list[int] = []
    for k in range(T):
        if tr.tstat[k] == FREE:
            continue
        dt = t - tr.tt[k]
        px = tr.tx[k, 0] + dt * tr.tx[k, 2]
        py = tr.tx[k, 1] + dt * tr.tx[k, 3]
        if (px - cx) * (px - cx) + (py - cy) * (py - cy) <= cr * cr:
            if dt > 0.0:
                _predict(tr, k, dt, q)
            tr.tt[k] = t
            cov.append(k)
    # 2. gating: every (track, detection) pair with d² <= γ
    gated: dict[int, dict[int, float]] = {k: {} for k in cov}
    for k in cov:
        for j in range(nz):
            d2 = _innovation(tr, k, float(zx[j]), float(zy[j]), zR[j])[5]
            if d2 <= gate:
                gated[k][j] = math.sqrt(d2)
    # 3. clusters: connected components of the gated graph
    hit: dict[int, int] = {}
    used: set[int] = set()
    seen: set[int] = set()
    for k0 in cov:
        if k0 in seen or not gated[k0]:
            continue
        tracks_c, dets_c, todo = [], set(), [("t", k0)]
        seen.add(k0)
        while todo:
            kind, v = todo.pop()
            if kind == "t":
                tracks_c.append(v)
                for j in gated[v]:
                    if j not in dets_c:
                        dets_c.add(j)
                        todo.append(("d", j))
            else:
                for k in cov:
                    if k not in seen and v in gated[k]:
                        seen.add(k)
                        todo.append(("t", k))
        tracks_c.sort(key=cov.index)
        dl = sorted(dets_c)
        # 4. the optimal assignment of the cluster
        cost = [[gated[k].get(j, math.inf) for j in dl] for k in tracks_c]
        for k, c in zip(tracks_c, _assign(cost, math.sqrt(gate)), strict=True):
            if c >= 0:
                hit[k] = dl[c]
                used.add(dl[c])
    # 5. update, history and miss counters
    for k in cov:
        if k in hit:
            j = hit[k]
            _update(tr, k, float(zx[j]), float(zy[j]), zR[j])
    for k in cov:
        if k not in hit and cm < cr and tr.tstat[k] == CONFIRMED and \
                (tr.tx[k, 0] - cx) * (tr.tx[k, 0] - cx) + \
                (tr.tx[k, 1] - cy) * (tr.tx[k, 1] - cy) > cm * cm:
            continue
        tr.tage[k] += 1
        if k in hit:
            tr.thist[k] = ((int(tr.thist[k]) << 1) | 1) & HIST_MASK
            tr.tmiss[k] = 0
            tr.tnupd[k] += 1
            tr.tupd[k] = t
            tr.tlab[k] = zlab[hit[k]]
        else:
            tr.thist[k] = (int(tr.thist[k]) << 1) & HIST_MASK
            tr.tmiss[k] += 1
    # 6. deletion, 7. confirmation
    wmask = (1 << n) - 1
    for k in cov:
        if tr.tstat[k] == CONFIRMED:
            if tr.tmiss[k] >= drop:
                tr.tstat[k] = FREE
                dele.append(k)
        elif _popcount(int(tr.thist[k]) & wmask) + (n - int(tr.tage[k])) < m:
            tr.tstat[k] = FREE
            dele.append(k)
    for k in cov:
        if tr.tstat[k] == TENTATIVE and _popcount(int(tr.thist[k]) & wmask) >= m:
            tr.tstat[k] = CONFIRMED
            tr.tconf[k] = t
            conf.append(k)
    # 8. births in detection order, lowest free slot first
    for j in range(nz):
        if j in used:
            continue
        free = [k for k in range(T) if tr.tstat[k] == FREE]
        if not free:
            continue
        k = free[0]
        tr.tx[k] = (zx[j], zy[j], 0.0, 0.0)
        tr.tP[k] = 0.0
        tr.tP[k, 0, 0] = zR[j, 0]
        tr.tP[k, 0, 1] = zR[j, 1]
        tr.tP[k, 1, 0] = zR[j, 1]
        tr.tP[k, 1, 1] = zR[j, 2]
        tr.tP[k, 2, 2] = v0 * v0
        tr.tP[k, 3, 3] = v0 * v0
        tr.tt[k] = t
        tr.tstat[k] = TENTATIVE
        tr.thist[k] = 1
        tr.tmiss[k] = 0
        tr.tlab[k] = zlab[j]
        tr.tborn[k] = t
        tr.tupd[k] = t
        tr.tconf[k] = -1.0
        tr.tage[k] = 1
        tr.tnupd[k] = 1
        born.append(k)
    return conf, dele, born
