"""Multi-target tracker over arrays: one call of :func:`process_scan` per sensor scan
(``docs/tracking.md`` §2–§6). Everything is plain arrays and scalars, compiled with numba, and
allocates nothing per scan (the work arrays come from :func:`make_work`); it is meant to be
called from inside the simulation kernel.

Event order within a scan (fixed):

0. deletion of every live track with no detection associated for longer than ``P_COAST``;
1. predict the covered live tracks (predicted position inside the sensor's disc) to ``t``;
2. gating (``d² ≤ γ``) through a uniform spatial hash of the detections;
3. clusters = connected components of the gated bipartite graph (union–find);
4. association per cluster: GNN (optimal, sparse Jonker–Volgenant) or JPDA;
5. Kalman / PDA update of the hit tracks; history and miss counters of every covered track;
6. deletion; 7. confirmation; 8. births from the detections left unassociated.

With ``staged = 1`` steps 2–4 run twice: confirmed tracks against all detections (GNN or
JPDA), then tentative tracks (GNN) against the detections left over: Stone Soup's
``MultiTargetTracker`` + ``MultiMeasurementInitiator`` order.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from skyshield.track.assign import sparse_lap, uf_find, uf_union
from skyshield.track.jpda import JPDA_MAX_EVENTS, jpda_marginals, pda_update
from skyshield.track.kalman import innovation, predict_inplace, update_inplace

# ---- parameter vector ``prm`` (float64), index constants
P_Q = 0          #: q, spectral density of the white-noise acceleration (m²/s³ per axis)
P_GATE = 1       #: γ, χ² gate on d² (2 degrees of freedom)
P_M = 2          #: m of the m-of-n confirmation (2 <= m <= n)
P_N = 3          #: n of the m-of-n confirmation (1 <= n <= 62)
P_DROP = 4       #: a confirmed track is deleted after this many consecutive misses
P_V0 = 5         #: initial velocity standard deviation (m/s)
P_MODE = 6       #: 0 = GNN, 1 = JPDA
P_PD = 7         #: Pd, detection probability (JPDA)
P_LAMBDA = 8     #: λ, clutter density per m² (JPDA)
P_JPDA_CAP = 9   #: clusters with more tracks than this are associated by GNN (JPDA mode)
P_STAGED = 10    #: 0 = one association of all covered tracks; 1 = confirmed first (Stone Soup)
P_MISS_R = 11    #: misses count only for tracks this close to the scan's centre (inf: all covered)
P_COAST = 12     #: a track with no detection for longer than this (s) is deleted (inf: never)
N_PARAMS = 13

# ---- per-scan statistics ``work.stats`` (int64), index constants
S_CONFIRMED = 0       #: tracks confirmed this scan (slots in work.conf[:n])
S_DELETED = 1         #: tracks deleted this scan (slots in work.dele[:n])
S_BIRTHS = 2          #: tentative tracks born
S_BIRTHS_DROPPED = 3  #: births refused: the store was full
S_PAIRS = 4           #: gated (track, detection) pairs
S_PAIRS_DROPPED = 5   #: gated pairs beyond the pair capacity (ignored: raise capacity_pairs)
S_CLUSTERS = 6        #: clusters (connected components with at least one pair)
S_MAX_CLUSTER = 7     #: tracks in the largest cluster
S_JPDA_CLUSTERS = 8   #: clusters associated by JPDA
S_JPDA_FALLBACK = 9   #: clusters associated by GNN in JPDA mode (over the cap)
S_COVERED = 10        #: live tracks covered by the scan
S_DETS_DROPPED = 11   #: detections beyond capacity_dets (ignored)
N_STATS = 16

#: scans with at most this many (covered track, detection) combinations gate every pair
#: directly; larger ones through the spatial hash (the same pairs, in the same order)
BRUTE_PAIRS = 2048

FREE = 0
TENTATIVE = 1
CONFIRMED = 2
HIST_MASK = (1 << 62) - 1


class Tracks(NamedTuple):
    """Track store of capacity ``T`` (slot ``k`` is free when ``tstat[k] == 0``; every slot
    from ``thw[0]`` on is free: :func:`process_scan` keeps it so, and a caller that fills
    slots itself raises ``thw[0]`` above them)."""

    tx: np.ndarray     #: (T, 4) state [px, py, vx, vy] at time tt
    tP: np.ndarray     #: (T, 4, 4) covariance
    tt: np.ndarray     #: (T,) time of the state
    tstat: np.ndarray  #: (T,) int8: 0 free, 1 tentative, 2 confirmed
    thist: np.ndarray  #: (T,) int64: hit history of the covered scans, newest = bit 0
    tmiss: np.ndarray  #: (T,) int64: consecutive misses
    tlab: np.ndarray   #: (T,) int64: label of the last associated detection (bookkeeping)
    tborn: np.ndarray  #: (T,) time of birth
    tconf: np.ndarray  #: (T,) time of confirmation, -1 if not confirmed
    tage: np.ndarray   #: (T,) int64: covered scans since birth (birth scan = 1)
    tnupd: np.ndarray  #: (T,) int64: detections associated (birth = 1)
    tupd: np.ndarray   #: (T,) time of the last associated detection (birth: tborn)
    thw: np.ndarray    #: (1,) int64: high-water mark: every slot from thw[0] on is free


class Work(NamedTuple):
    """Preallocated work arrays of :func:`process_scan` (see :func:`make_work`)."""

    cov: np.ndarray
    rad: np.ndarray
    cstart: np.ndarray
    citems: np.ndarray
    dcell: np.ndarray
    pa: np.ndarray
    pj: np.ndarray
    pd2: np.ndarray
    plds: np.ndarray
    tps: np.ndarray
    parent: np.ndarray
    rootcl: np.ndarray
    tcl: np.ndarray
    dcl: np.ndarray
    ctro: np.ndarray
    cdo: np.ndarray
    ctr: np.ndarray
    cdt: np.ndarray
    fill: np.ndarray
    colof: np.ndarray
    rs: np.ndarray
    ci: np.ndarray
    cc: np.ndarray
    u: np.ndarray
    v: np.ndarray
    sh: np.ndarray
    path: np.ndarray
    r4c: np.ndarray
    c4r: np.ndarray
    todo: np.ndarray
    srl: np.ndarray
    scl: np.ndarray
    insc: np.ndarray
    jw: np.ndarray
    bnum: np.ndarray
    bmiss: np.ndarray
    wmiss: np.ndarray
    opt: np.ndarray
    pref: np.ndarray
    used: np.ndarray
    hdet: np.ndarray
    hbeta: np.ndarray
    sx: np.ndarray
    sP: np.ndarray
    ax: np.ndarray
    aP: np.ndarray
    hit: np.ndarray
    hlab: np.ndarray
    cand: np.ndarray
    dused: np.ndarray
    conf: np.ndarray
    dele: np.ndarray
    born: np.ndarray
    stats: np.ndarray


@njit(inline="always")
def new_tracks(t: int) -> Tracks:
    """An empty track store of ``t`` slots (compiled: the simulation kernel allocates its
    store with it)."""
    i64 = np.int64
    return Tracks(
        tx=np.zeros((t, 4)), tP=np.zeros((t, 4, 4)), tt=np.zeros(t),
        tstat=np.zeros(t, np.int8), thist=np.zeros(t, i64),
        tmiss=np.zeros(t, i64), tlab=np.full(t, -1, i64),
        tborn=np.zeros(t), tconf=np.full(t, -1.0), tage=np.zeros(t, i64),
        tnupd=np.zeros(t, i64), tupd=np.zeros(t), thw=np.zeros(1, i64))


@njit(inline="always")
def new_work(t: int, d: int, p: int) -> Work:
    """Work arrays for ``t`` track slots, ``d`` detections a scan and ``p`` gated pairs
    (compiled; see :func:`make_work`)."""
    c = 4 * d + 64
    i64 = np.int64
    return Work(
        cov=np.zeros(t, i64), rad=np.zeros(t), cstart=np.zeros(c + 1, i64),
        citems=np.zeros(d, i64), dcell=np.zeros(d, i64),
        pa=np.zeros(p, i64), pj=np.zeros(p, i64), pd2=np.zeros(p), plds=np.zeros(p),
        tps=np.zeros(t + 1, i64), parent=np.zeros(t + d, i64), rootcl=np.zeros(t, i64),
        tcl=np.zeros(t, i64), dcl=np.zeros(d, i64), ctro=np.zeros(t + 2, i64),
        cdo=np.zeros(t + 2, i64), ctr=np.zeros(t, i64), cdt=np.zeros(d, i64),
        fill=np.zeros(t + 1, i64), colof=np.zeros(d, i64),
        rs=np.zeros(t + 1, i64), ci=np.zeros(p + t, i64), cc=np.zeros(p + t),
        u=np.zeros(t), v=np.zeros(d + t), sh=np.full(d + t, np.inf),
        path=np.zeros(d + t, i64), r4c=np.zeros(d + t, i64), c4r=np.zeros(t, i64),
        todo=np.zeros(d + t, i64), srl=np.zeros(t, i64), scl=np.zeros(d + t, i64),
        insc=np.zeros(d + t, np.int8), jw=np.zeros(p + t), bnum=np.zeros(p + t),
        bmiss=np.zeros(t), wmiss=np.zeros(t), opt=np.zeros(t, i64), pref=np.zeros(t + 1),
        used=np.zeros(d + t, np.int8), hdet=np.zeros(d, i64), hbeta=np.zeros(d),
        sx=np.zeros((1, 4)), sP=np.zeros((1, 4, 4)), ax=np.zeros((2, 4)), aP=np.zeros((4, 4)),
        hit=np.zeros(t, np.int8), hlab=np.zeros(t, i64), cand=np.zeros(d, i64),
        dused=np.zeros(d, np.int8),
        conf=np.zeros(t, i64), dele=np.zeros(t, i64), born=np.zeros(t, i64),
        stats=np.zeros(N_STATS, i64))


@njit(inline="always")
def default_pairs(capacity_tracks: int, capacity_dets: int) -> int:
    """The default gated-pair capacity, ``8 (T + D) + 1024``."""
    return 8 * (capacity_tracks + capacity_dets) + 1024


def make_tracks(capacity: int) -> Tracks:
    """An empty track store of ``capacity`` slots."""
    return new_tracks(int(capacity))


def make_work(capacity_tracks: int, capacity_dets: int,
              capacity_pairs: int | None = None) -> Work:
    """Work arrays for a store of ``capacity_tracks`` and scans of at most ``capacity_dets``
    detections; gated pairs beyond ``capacity_pairs`` (default :func:`default_pairs`) are
    ignored and counted in ``stats[S_PAIRS_DROPPED]``."""
    p = (int(capacity_pairs) if capacity_pairs is not None
         else default_pairs(capacity_tracks, capacity_dets))
    return new_work(int(capacity_tracks), int(capacity_dets), p)


def make_params(q: float, gate: float, m: int, n: int, drop: int, v0: float, mode: int = 0,
                pd: float = 0.9, clutter_density: float = 1e-6, jpda_cap: int = 8,
                staged: int = 0, coast: float = math.inf) -> np.ndarray:
    """The parameter vector ``prm`` (index constants ``P_*``), checked."""
    if not (q >= 0 and gate > 0 and v0 >= 0):
        raise ValueError("need q >= 0, gate > 0, v0 >= 0")
    if not (2 <= m <= n <= 62 and drop >= 1):
        raise ValueError("need 2 <= m <= n <= 62 and drop >= 1")
    if not coast > 0:
        raise ValueError("need coast > 0")
    if mode not in (0, 1) or staged not in (0, 1):
        raise ValueError("mode and staged are 0 or 1")
    if mode == 1 and not (0 < pd <= 1 and clutter_density > 0 and jpda_cap >= 1):
        raise ValueError("JPDA needs 0 < pd <= 1, clutter_density > 0, jpda_cap >= 1")
    prm = np.zeros(N_PARAMS)
    prm[P_Q] = q
    prm[P_GATE] = gate
    prm[P_M] = m
    prm[P_N] = n
    prm[P_DROP] = drop
    prm[P_V0] = v0
    prm[P_MODE] = mode
    prm[P_PD] = pd
    prm[P_LAMBDA] = clutter_density
    prm[P_JPDA_CAP] = jpda_cap
    prm[P_STAGED] = staged
    prm[P_MISS_R] = np.inf
    prm[P_COAST] = coast
    return prm


@njit(cache=True)
def popcount(x: int) -> int:
    """Number of set bits of a non-negative int64."""
    c = 0
    while x:
        x &= x - 1
        c += 1
    return c


@njit(cache=True)
def _build_hash(work: Work, zx: np.ndarray, zy: np.ndarray, nz: int,
                h: float) -> tuple[float, float, float, int, int]:
    """Uniform grid of cell ``h`` over the detections' bounding box (counting sort, cells in
    row-major order, detections ascending within a cell). Returns (x0, y0, h, nx, ny)."""
    x0 = zx[0]
    x1 = zx[0]
    y0 = zy[0]
    y1 = zy[0]
    for j in range(1, nz):
        x0 = min(x0, zx[j])
        x1 = max(x1, zx[j])
        y0 = min(y0, zy[j])
        y1 = max(y1, zy[j])
    # at most 4 cells a detection (the grid's work is then proportional to the scan, not to
    # the work arrays' capacity)
    cap = min(work.cstart.shape[0] - 1, 4 * nz + 64)
    if not h > 0.0:
        h = 1.0
    while (math.floor((x1 - x0) / h) + 1.0) * (math.floor((y1 - y0) / h) + 1.0) > cap:
        h *= 2.0
    nx = math.floor((x1 - x0) / h) + 1
    ny = math.floor((y1 - y0) / h) + 1
    ncell = nx * ny
    cs = work.cstart
    for c in range(ncell + 1):
        cs[c] = 0
    for j in range(nz):
        ix = min(int((zx[j] - x0) / h), nx - 1)
        iy = min(int((zy[j] - y0) / h), ny - 1)
        c = iy * nx + ix
        work.dcell[j] = c
        cs[c + 1] += 1
    for c in range(ncell):
        cs[c + 1] += cs[c]
    # place (stable): cs[c] runs from the start of cell c to the start of c + 1 ...
    for j in range(nz):
        c = work.dcell[j]
        work.citems[cs[c]] = j
        cs[c] += 1
    for c in range(ncell - 1, 0, -1):
        cs[c] = cs[c - 1]
    cs[0] = 0  # ... and is shifted back
    return x0, y0, h, nx, ny


@njit(cache=True)
def _gate(tracks: Tracks, work: Work, prm: np.ndarray, zx: np.ndarray, zy: np.ndarray,
          zR: np.ndarray, nz: int, lo: int, hi: int,
          grid: tuple[float, float, float, int, int], rmax: float) -> int:
    """Gated pairs of the covered tracks ``cov[lo:hi]`` with the unused detections; pairs of
    local track ``a`` are ``tps[a - lo] .. tps[a - lo + 1]``, in increasing detection index.
    Candidates: the detections within ``r`` per axis of the track, ``r² = γ (λ_max(P_pp) +
    max_j λ_max(R_j))`` (no gated detection lies farther), found through the hash ``grid``
    or, when ``grid`` has ``nx = 0`` (a small scan), by trying every detection. Returns the
    pair count."""
    gate = prm[P_GATE]
    x0, y0, h, nx, ny = grid
    cap = work.pa.shape[0]
    cand = work.cand
    dused = work.dused
    cstart = work.cstart
    citems = work.citems
    tx = tracks.tx
    tP = tracks.tP
    npair = 0
    for a in range(lo, hi):
        work.tps[a - lo] = npair
        k = work.cov[a]
        px = tx[k, 0]
        py = tx[k, 1]
        pxx = tP[k, 0, 0]
        pxy = tP[k, 0, 1]
        pyy = tP[k, 1, 1]
        # the candidates, in increasing detection index
        nca = 0
        if nx == 0:
            # within r' ≥ r of the track, r'² = γ (tr(P_pp) + max_j λ_max(R_j))
            r2 = gate * (pxx + pyy + rmax)
            for j in range(nz):
                dx = zx[j] - px
                dy = zy[j] - py
                if dx * dx + dy * dy <= r2 and not dused[j]:
                    cand[nca] = j
                    nca += 1
        else:
            lam = 0.5 * (pxx + pyy) + math.sqrt(0.25 * (pxx - pyy) ** 2 + pxy * pxy)
            r = math.sqrt(gate * (lam + rmax))
            ix0 = max(0, math.floor((px - r - x0) / h))
            ix1 = min(nx - 1, math.floor((px + r - x0) / h))
            iy0 = max(0, math.floor((py - r - y0) / h))
            iy1 = min(ny - 1, math.floor((py + r - y0) / h))
            for iy in range(iy0, iy1 + 1):
                for ix in range(ix0, ix1 + 1):
                    c = iy * nx + ix
                    for q in range(cstart[c], cstart[c + 1]):
                        j = citems[q]
                        if not dused[j]:
                            # insertion (a track has few candidates)
                            v = nca - 1
                            while v >= 0 and cand[v] > j:
                                cand[v + 1] = cand[v]
                                v -= 1
                            cand[v + 1] = j
                            nca += 1
        for q in range(nca):
            j = cand[q]
            _, _, sxx, sxy, syy, d2 = innovation(tx, tP, k, zx[j], zy[j], zR[j, 0], zR[j, 1],
                                                 zR[j, 2])
            if d2 <= gate:
                if npair < cap:
                    work.pa[npair] = a
                    work.pj[npair] = j
                    work.pd2[npair] = d2
                    work.plds[npair] = math.log(sxx * syy - sxy * sxy)
                    npair += 1
                else:
                    work.stats[S_PAIRS_DROPPED] += 1
    work.tps[hi - lo] = npair
    work.stats[S_PAIRS] += npair
    return npair


@njit(cache=True)
def _associate(tracks: Tracks, work: Work, prm: np.ndarray, zx: np.ndarray, zy: np.ndarray,
               zR: np.ndarray, zlab: np.ndarray, nz: int, nc: int, lo: int, hi: int,
               grid: tuple[float, float, float, int, int], rmax: float, jpda: bool) -> None:
    """Steps 2–5 (gating, clusters, association, update) for covered tracks ``cov[lo:hi]``."""
    gate = prm[P_GATE]
    miss_cost = math.sqrt(gate)
    _gate(tracks, work, prm, zx, zy, zR, nz, lo, hi, grid, rmax)
    tps = work.tps
    par = work.parent
    nt = hi - lo
    # union-find: track a -> node a - lo, detection j -> node nt + j
    for i in range(nt + nz):
        par[i] = i
    for a in range(nt):
        for e in range(tps[a], tps[a + 1]):
            uf_union(par, a, nt + work.pj[e])
    # cluster ids in order of each cluster's first track
    ncl = 0
    for a in range(nt):
        work.rootcl[a] = -1
    for a in range(nt):
        if tps[a + 1] > tps[a]:
            root = uf_find(par, a)
            if work.rootcl[root] == -1:
                work.rootcl[root] = ncl
                ncl += 1
            work.tcl[a] = work.rootcl[root]
        else:
            work.tcl[a] = -1
    for c in range(ncl + 1):
        work.ctro[c] = 0
        work.cdo[c] = 0
    for a in range(nt):
        if work.tcl[a] >= 0:
            work.ctro[work.tcl[a] + 1] += 1
    for j in range(nz):
        root = uf_find(par, nt + j)
        work.dcl[j] = work.rootcl[root] if root < nt else -1
        if work.dcl[j] >= 0:
            work.cdo[work.dcl[j] + 1] += 1
    for c in range(ncl):
        work.ctro[c + 1] += work.ctro[c]
        work.cdo[c + 1] += work.cdo[c]
    for c in range(ncl):
        work.fill[c] = work.ctro[c]
    for a in range(nt):
        c = work.tcl[a]
        if c >= 0:
            work.ctr[work.fill[c]] = a
            work.fill[c] += 1
    for c in range(ncl):
        work.fill[c] = work.cdo[c]
    for j in range(nz):
        c = work.dcl[j]
        if c >= 0:
            work.cdt[work.fill[c]] = j
            work.colof[j] = work.fill[c] - work.cdo[c]
            work.fill[c] += 1
    work.stats[S_CLUSTERS] += ncl
    cap = int(prm[P_JPDA_CAP])
    pd = prm[P_PD]
    lam = prm[P_LAMBDA]
    wm = 1.0 - pd * (1.0 - math.exp(-0.5 * gate))
    for a in range(nt):
        work.hit[lo + a] = 0
    for c in range(ncl):
        t0 = work.ctro[c]
        nr = work.ctro[c + 1] - t0
        d0 = work.cdo[c]
        nd = work.cdo[c + 1] - d0
        if nr > work.stats[S_MAX_CLUSTER]:
            work.stats[S_MAX_CLUSTER] = nr
        # CSR: row r = track ctr[t0 + r]; its gated detections, then its missed column
        if not jpda and nr == 1:
            # one track: GNN's optimum is its cheapest gated detection, the first of equal
            # costs (what sparse_lap gives on one row; a gated cost never exceeds the miss
            # cost √γ, which comes last)
            a = work.ctr[t0]
            best = -1
            bc = np.inf
            for e in range(tps[a], tps[a + 1]):
                ce = math.sqrt(work.pd2[e])
                if ce < bc:
                    bc = ce
                    best = work.pj[e]
            if best >= 0:
                k = work.cov[lo + a]
                work.dused[best] = 1
                update_inplace(tracks.tx, tracks.tP, k, zx[best], zy[best], zR[best, 0],
                               zR[best, 1], zR[best, 2])
                work.hit[lo + a] = 1
                work.hlab[lo + a] = zlab[best]
            continue
        ne = 0
        bound = 1.0
        for r in range(nr):
            a = work.ctr[t0 + r]
            work.rs[r] = ne
            bound *= 1.0 + (tps[a + 1] - tps[a])
            for e in range(tps[a], tps[a + 1]):
                work.ci[ne] = work.colof[work.pj[e]]
                work.cc[ne] = math.sqrt(work.pd2[e])
                if jpda:
                    work.jw[ne] = pd * math.exp(-0.5 * work.pd2[e] - 0.5 * work.plds[e]) / (
                        2.0 * math.pi * lam)
                ne += 1
            work.ci[ne] = nd + r
            work.cc[ne] = miss_cost
            work.jw[ne] = 0.0
            ne += 1
        work.rs[nr] = ne
        use_jpda = jpda and nr <= cap and bound <= JPDA_MAX_EVENTS
        if jpda and not use_jpda:
            work.stats[S_JPDA_FALLBACK] += 1
        if use_jpda:
            work.stats[S_JPDA_CLUSTERS] += 1
            # normalise each row by its largest weight (β unchanged; no overflow)
            for r in range(nr):
                mx = wm
                for e in range(work.rs[r], work.rs[r + 1] - 1):
                    mx = max(mx, work.jw[e])
                work.wmiss[r] = wm / mx
                for e in range(work.rs[r], work.rs[r + 1] - 1):
                    work.jw[e] /= mx
            jpda_marginals(nr, work.rs, work.ci, work.jw, work.wmiss, work.opt, work.pref,
                           work.used, work.bnum, work.bmiss)
            for r in range(nr):
                a = work.ctr[t0 + r]
                k = work.cov[lo + a]
                b0 = work.bmiss[r]
                nh = 0
                best = -1
                bbest = b0
                for e in range(work.rs[r], work.rs[r + 1] - 1):
                    j = work.cdt[d0 + work.ci[e]]
                    work.hdet[nh] = j
                    work.hbeta[nh] = work.bnum[e]
                    nh += 1
                    if work.bnum[e] > b0:
                        work.dused[j] = 1
                    if work.bnum[e] > bbest:
                        bbest = work.bnum[e]
                        best = j
                pda_update(tracks.tx, tracks.tP, k, b0, work.hdet, work.hbeta, nh + 0, zx, zy, zR,
                           work.sx, work.sP, work.ax, work.aP)
                if best >= 0:
                    work.hit[lo + a] = 1
                    work.hlab[lo + a] = zlab[best]
        else:
            sparse_lap(nr, nd + nr, work.rs, work.ci, work.cc, work.u, work.v, work.sh,
                       work.path, work.r4c, work.c4r, work.todo, work.srl, work.scl, work.insc)
            for r in range(nr):
                col = work.c4r[r]
                if col < nd:
                    a = work.ctr[t0 + r]
                    k = work.cov[lo + a]
                    j = work.cdt[d0 + col]
                    work.dused[j] = 1
                    update_inplace(tracks.tx, tracks.tP, k, zx[j], zy[j], zR[j, 0], zR[j, 1],
                                   zR[j, 2])
                    work.hit[lo + a] = 1
                    work.hlab[lo + a] = zlab[j]


@njit(cache=True)
def process_scan(tracks: Tracks, work: Work, prm: np.ndarray, t: float, zx: np.ndarray,
                 zy: np.ndarray, zR: np.ndarray, zlab: np.ndarray, nz: int, cx: float,
                 cy: float, cr: float) -> tuple[int, int]:
    """One sensor scan at time ``t`` (non-decreasing across calls).

    Parameters
    ----------
    tracks, work
        The store (:func:`make_tracks`) and work arrays (:func:`make_work`), updated in place.
    prm
        Parameters (:func:`make_params`).
    t
        Scan time (s).
    zx, zy, zR, zlab
        Detections: positions (m), covariances ``(Rxx, Rxy, Ryy)`` (m²), labels (-1 clutter,
        bookkeeping only); the first ``nz`` are used.
    cx, cy, cr
        The scanning sensor's coverage disc; only live tracks whose predicted position lies
        in it take part (``cr = inf``: all).

    Returns
    -------
    (int, int)
        Tracks confirmed and deleted this scan; their slots are ``work.conf[:n]`` and
        ``work.dele[:n]``; more counts in ``work.stats`` (``S_*``); the slots of the
        tracks born are ``work.born[:stats[S_BIRTHS]]``, in detection order.
    """
    T = tracks.tstat.shape[0]
    st = work.stats
    for i in range(N_STATS):
        st[i] = 0
    if nz > work.dused.shape[0]:
        st[S_DETS_DROPPED] = nz - work.dused.shape[0]
        nz = work.dused.shape[0]
    q = prm[P_Q]
    gate = prm[P_GATE]
    staged = prm[P_STAGED] != 0.0
    jpda = prm[P_MODE] == 1.0
    # 1. covered live tracks, predicted to t (staged: confirmed ones first)
    nc = 0
    cr2 = cr * cr
    hw = min(tracks.thw[0], T)
    while hw > 0 and tracks.tstat[hw - 1] == FREE:
        hw -= 1
    # 0. coasting: every live track without a detection for longer than P_COAST goes
    ndel = 0
    coast = prm[P_COAST]
    if coast < np.inf:
        for k in range(hw):
            if tracks.tstat[k] != FREE and t - tracks.tupd[k] > coast:
                tracks.tstat[k] = FREE
                work.dele[ndel] = k
                ndel += 1
    for pas in range(2 if staged else 1):
        for k in range(hw):
            s = tracks.tstat[k]
            if s == FREE or (staged and (s == CONFIRMED) != (pas == 0)):
                continue
            dt = t - tracks.tt[k]
            px = tracks.tx[k, 0] + dt * tracks.tx[k, 2]
            py = tracks.tx[k, 1] + dt * tracks.tx[k, 3]
            if (px - cx) ** 2 + (py - cy) ** 2 <= cr2:
                if dt > 0.0:
                    predict_inplace(tracks.tx, tracks.tP, k, dt, q)
                tracks.tt[k] = t
                work.cov[nc] = k
                nc += 1
    na = nc
    if staged:
        na = 0
        for a in range(nc):
            if tracks.tstat[work.cov[a]] == CONFIRMED:
                na += 1
    st[S_COVERED] = nc
    for j in range(nz):
        work.dused[j] = 0
    for a in range(nc):
        work.hit[a] = 0
    if nc > 0 and nz > 0:
        # 2.-5. gating (hash cell = mean gate-radius bound), clusters, association, update
        rmax = 0.0
        for j in range(nz):
            a_ = zR[j, 0]
            b_ = zR[j, 1]
            c_ = zR[j, 2]
            rmax = max(rmax, 0.5 * (a_ + c_) + math.sqrt(0.25 * (a_ - c_) ** 2 + b_ * b_))
        grid = (0.0, 0.0, 0.0, 0, 0)  # a small scan: no hash (nx = 0)
        if nc * nz > BRUTE_PAIRS:
            hsum = 0.0
            for a in range(nc):
                k = work.cov[a]
                pxx = tracks.tP[k, 0, 0]
                pxy = tracks.tP[k, 0, 1]
                pyy = tracks.tP[k, 1, 1]
                lam = 0.5 * (pxx + pyy) + math.sqrt(0.25 * (pxx - pyy) ** 2 + pxy * pxy)
                hsum += math.sqrt(gate * (lam + rmax))
            grid = _build_hash(work, zx, zy, nz, hsum / nc)
        # (+ 0 / nc - nc: plain int64, not literal ints, so that numba compiles one version)
        nz_ = nz + 0
        nc_ = nc + 0
        na_ = na + 0
        if na > 0:
            _associate(tracks, work, prm, zx, zy, zR, zlab, nz_, nc_, nc - nc, na_, grid, rmax,
                       jpda)
        if nc > na:
            _associate(tracks, work, prm, zx, zy, zR, zlab, nz_, nc_, na_, nc_, grid, rmax,
                       jpda and not staged)
    # 5. history and miss counters (a confirmed track's miss counts only inside the miss
    # disc, radius prm[P_MISS_R] about the sensor: beyond it the track is left as it was)
    cm = prm[P_MISS_R]
    for a in range(nc):
        k = work.cov[a]
        if not work.hit[a] and cm < cr and tracks.tstat[k] == CONFIRMED and \
                (tracks.tx[k, 0] - cx) ** 2 + (tracks.tx[k, 1] - cy) ** 2 > cm * cm:
            continue
        tracks.tage[k] += 1
        if work.hit[a]:
            tracks.thist[k] = ((tracks.thist[k] << 1) | 1) & HIST_MASK
            tracks.tmiss[k] = 0
            tracks.tnupd[k] += 1
            tracks.tupd[k] = t
            tracks.tlab[k] = work.hlab[a]
        else:
            tracks.thist[k] = (tracks.thist[k] << 1) & HIST_MASK
            tracks.tmiss[k] += 1
    # 6. deletion, 7. confirmation
    m = int(prm[P_M])
    n = int(prm[P_N])
    drop = int(prm[P_DROP])
    wmask = (1 << n) - 1
    ncf = 0
    for a in range(nc):
        k = work.cov[a]
        if tracks.tstat[k] == CONFIRMED:
            if tracks.tmiss[k] >= drop:
                tracks.tstat[k] = FREE
                work.dele[ndel] = k
                ndel += 1
        else:
            hits = popcount(tracks.thist[k] & wmask)
            if hits + (n - tracks.tage[k]) < m:
                tracks.tstat[k] = FREE
                work.dele[ndel] = k
                ndel += 1
    for a in range(nc):
        k = work.cov[a]
        if tracks.tstat[k] == TENTATIVE and popcount(tracks.thist[k] & wmask) >= m:
            tracks.tstat[k] = CONFIRMED
            tracks.tconf[k] = t
            work.conf[ncf] = k
            ncf += 1
    # 8. births, lowest free slot first, in detection order
    v0 = prm[P_V0]
    slot = 0
    for j in range(nz):
        if work.dused[j]:
            continue
        while slot < T and tracks.tstat[slot] != FREE:
            slot += 1
        if slot >= T:
            st[S_BIRTHS_DROPPED] += 1
            continue
        k = slot
        tracks.tx[k, 0] = zx[j]
        tracks.tx[k, 1] = zy[j]
        tracks.tx[k, 2] = 0.0
        tracks.tx[k, 3] = 0.0
        for r in range(4):
            for c in range(4):
                tracks.tP[k, r, c] = 0.0
        tracks.tP[k, 0, 0] = zR[j, 0]
        tracks.tP[k, 0, 1] = zR[j, 1]
        tracks.tP[k, 1, 0] = zR[j, 1]
        tracks.tP[k, 1, 1] = zR[j, 2]
        tracks.tP[k, 2, 2] = v0 * v0
        tracks.tP[k, 3, 3] = v0 * v0
        tracks.tt[k] = t
        tracks.tstat[k] = TENTATIVE
        tracks.thist[k] = 1
        tracks.tmiss[k] = 0
        tracks.tlab[k] = zlab[j]
        tracks.tborn[k] = t
        tracks.tupd[k] = t
        tracks.tconf[k] = -1.0
        tracks.tage[k] = 1
        tracks.tnupd[k] = 1
        work.born[st[S_BIRTHS]] = k
        st[S_BIRTHS] += 1
        hw = max(hw, k + 1)
    tracks.thw[0] = hw
    st[S_CONFIRMED] = ncf
    st[S_DELETED] = ndel
    return ncf, ndel
