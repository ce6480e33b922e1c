"""The array tracker (docs/tracking.md §2–§7): optimal GNN assignment, gating through the
spatial hash, m-of-n confirmation and deletion, coverage, capacity, determinism, JPDA, and the
synthetic clutter of ``sim``."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skyshield.track import tracker as tk
from skyshield.track.assign import solve_dense
from skyshield.track.jpda import jpda_marginals
from skyshield.track.kalman import kf_predict
from skyshield.track.sim import make_detections, make_truth, run_scans

SIG = 10.0


def _brute_cost(cost: np.ndarray, miss: float) -> float:
    nr, nd = cost.shape
    best = math.inf
    opts = [[-1] + [j for j in range(nd) if np.isfinite(cost[i, j])] for i in range(nr)]
    for combo in itertools.product(*opts):
        used = [j for j in combo if j >= 0]
        if len(used) != len(set(used)):
            continue
        best = min(best, sum(miss if j < 0 else cost[i, j] for i, j in enumerate(combo)))
    return best


@settings(max_examples=300, deadline=None)
@given(nr=st.integers(1, 6), nd=st.integers(0, 6), seed=st.integers(0, 2**31),
       integer=st.booleans(), p_gated=st.floats(0.2, 1.0))
def test_gnn_assignment_is_optimal(nr: int, nd: int, seed: int, integer: bool,
                                   p_gated: float) -> None:
    rng = np.random.default_rng(seed)
    cost = rng.uniform(0.0, 4.0, (nr, nd))
    if integer:  # many ties
        cost = np.round(cost)
    cost[rng.random((nr, nd)) > p_gated] = np.inf
    miss = 3.0
    det, total = solve_dense(cost, miss)
    assert total == pytest.approx(_brute_cost(cost, miss), abs=1e-9)
    used = det[det >= 0]
    assert len(set(used.tolist())) == used.size
    assert all(np.isfinite(cost[i, j]) for i, j in enumerate(det) if j >= 0)
    assert total == pytest.approx(sum(miss if j < 0 else cost[i, j] for i, j in enumerate(det)))


def _store_with(xs: np.ndarray, P: np.ndarray, t: float, status: int = tk.CONFIRMED,
                capacity: int | None = None) -> tk.Tracks:
    tr = tk.make_tracks(capacity or len(xs))
    for k, x in enumerate(xs):
        tr.tx[k] = x
        tr.tP[k] = P
        tr.tt[k] = t
        tr.tstat[k] = status
        tr.thist[k] = 1
        tr.tage[k] = 1
        tr.tupd[k] = t
    tr.thw[0] = len(xs)  # slots filled by hand: the store's high-water mark above them
    return tr


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31), nt=st.integers(1, 6), nd=st.integers(1, 7))
def test_scan_assignment_is_optimal_and_gating_is_complete(seed: int, nt: int, nd: int) -> None:
    """Through process_scan: the gated pairs are all the pairs with d² ≤ γ (the hash misses
    none), and the assignment minimises Σ d + √γ · (missed tracks) (brute force)."""
    rng = np.random.default_rng(seed)
    xs = np.zeros((nt, 4))
    xs[:, :2] = rng.uniform(0.0, 300.0, (nt, 2))
    xs[:, 2:] = rng.normal(0.0, 10.0, (nt, 2))
    P = np.diag([400.0, 400.0, 100.0, 100.0])
    tr = _store_with(xs, P, 0.0)
    zx = rng.uniform(-50.0, 350.0, nd)
    zy = rng.uniform(-50.0, 350.0, nd)
    zR = np.tile([SIG**2, 0.0, SIG**2], (nd, 1))
    zlab = np.arange(nd, dtype=np.int64)
    gate = 9.0
    prm = tk.make_params(q=1.0, gate=gate, m=2, n=3, drop=5, v0=30.0)
    # expected d² from an independent predict
    cost = np.full((nt, nd), np.inf)
    for i in range(nt):
        x, Pp = kf_predict(xs[i], P, 1.0, 1.0)
        S = Pp[:2, :2] + np.diag([SIG**2, SIG**2])
        for j in range(nd):
            nu = np.array([zx[j], zy[j]]) - x[:2]
            d2 = float(nu @ np.linalg.solve(S, nu))
            if d2 <= gate:
                cost[i, j] = math.sqrt(d2)
    work = tk.make_work(nt, nd)
    tk.process_scan(tr, work, prm, 1.0, zx, zy, zR, zlab, nd, 0.0, 0.0, np.inf)
    assert work.stats[tk.S_PAIRS] == int(np.isfinite(cost).sum())
    chosen = 0.0
    seen = set()
    for i in range(nt):
        if tr.thist[i] & 1:
            j = int(tr.tlab[i])
            assert np.isfinite(cost[i, j]) and j not in seen
            seen.add(j)
            chosen += cost[i, j]
        else:
            chosen += math.sqrt(gate)
    assert chosen == pytest.approx(_brute_cost(cost, math.sqrt(gate)), abs=1e-9)
    # births: exactly the unassigned detections, lowest free slots (none here: store full)
    assert work.stats[tk.S_BIRTHS] + work.stats[tk.S_BIRTHS_DROPPED] == nd - len(seen)


def _scenario(n: int = 30, steps: int = 40, clutter: float = 10.0, seed: int = 1,
              pd: float = 0.9) -> tuple[object, object]:
    box = 1000.0 * math.sqrt(n)
    truth = make_truth(n, steps, 1.0, box, 30.0, 1.0, seed)
    det = make_detections(truth, pd, SIG, clutter, seed + 1)
    return truth, det


def test_clutter_count_is_poisson() -> None:
    mean = 7.5
    truth = make_truth(1, 4000, 1.0, 5000.0, 10.0, 0.1, 5)
    det = make_detections(truth, 1.0, SIG, mean, 6)
    k = det.n_clutter.astype(float)
    n = k.size
    # mean: standard error sqrt(mean/n); variance of a Poisson = its mean (se ≈ mean·sqrt(2/n))
    assert abs(k.mean() - mean) < 4.0 * math.sqrt(mean / n)
    assert abs(k.var(ddof=1) - mean) < 4.0 * mean * math.sqrt(2.0 / n + 1.0 / (mean * n))
    # chi-square goodness of fit on the counts 0..15+ (df = 15; 99.9 % point ≈ 37.7)
    from scipy.stats import chi2, poisson

    edges = np.arange(16)
    obs = np.array([np.sum(k == e) for e in edges[:-1]] + [np.sum(k >= 15)])
    p = np.append(poisson.pmf(edges[:-1], mean), poisson.sf(14, mean))
    stat = float(((obs - n * p) ** 2 / (n * p)).sum())
    assert stat < chi2.ppf(0.999, df=len(obs) - 1)
    # labels: -1 exactly for the clutter, and clutter inside the box
    cl = det.zlab == -1
    assert int(cl.sum()) == int(det.n_clutter.sum())
    assert np.all((det.zx[cl] >= 0) & (det.zx[cl] <= 5000.0))
    # and a wrong mean is detected
    assert abs(k.mean() - 1.1 * mean) > 4.0 * math.sqrt(mean / n)


def test_single_target_no_clutter() -> None:
    """One confirmed track per target, no false track, and a consistent filter: the mean
    NEES of the position is 2 (χ²₂) within its sampling error."""
    truth, det = _scenario(n=20, steps=200, clutter=0.0, pd=1.0)
    # gate 30: P(d² > γ) = e^{-15} ≈ 3e-7 per track-scan (with γ = 16, 3e-4: one of the 4000
    # track-scans here falls outside the gate and births a tentative track, as it should)
    prm = tk.make_params(q=1.0, gate=30.0, m=3, n=3, drop=3, v0=40.0)
    tracks = tk.make_tracks(100)
    work = tk.make_work(100, 64)
    nees = []
    for k in range(det.t.size):
        a, b = int(det.start[k]), int(det.start[k + 1])
        tk.process_scan(tracks, work, prm, float(det.t[k]), det.zx[a:b], det.zy[a:b],
                        det.zR[a:b], det.zlab[a:b], b - a, 0.0, 0.0, np.inf)
        live = np.flatnonzero(tracks.tstat == tk.CONFIRMED)
        if k >= 3:
            assert live.size == 20
            assert np.all(tracks.tstat[tracks.tstat != 0] == tk.CONFIRMED)
            assert sorted(tracks.tlab[live].tolist()) == list(range(20))
        if k >= 50:
            for s in live:
                e = tracks.tx[s, :2] - truth.x[k, tracks.tlab[s], :2]
                nees.append(float(e @ np.linalg.solve(tracks.tP[s, :2, :2], e)))
    nees_a = np.asarray(nees)
    # 3000 samples, strongly autocorrelated in time: allow ±15 %
    assert nees_a.mean() == pytest.approx(2.0, rel=0.15)
    # position error well below σ (steady state of the filter: about 0.6 σ here)
    rms = math.sqrt(nees_a.mean() / 2.0 * float(np.mean(tracks.tP[live, 0, 0])))
    assert rms < 0.8 * SIG


def _run_sequence(seq: str, m: int, n: int, drop: int) -> list[tuple[int, str]]:
    """One stationary object: 'H' = a detection at the origin, 'M' = none, '.' = the track
    is outside the scan's coverage. Returns the (scan, event) list of slot 0."""
    prm = tk.make_params(q=0.01, gate=16.0, m=m, n=n, drop=drop, v0=1.0)
    tracks = tk.make_tracks(4)
    work = tk.make_work(4, 4)
    ev: list[tuple[int, str]] = []
    zR = np.array([[1.0, 0.0, 1.0]])
    lab = np.zeros(1, dtype=np.int64)
    z = np.zeros(1)
    for k, c in enumerate(seq):
        cx = 1e6 if c == "." else 0.0
        nz = 1 if c == "H" else 0
        nc, nd = tk.process_scan(tracks, work, prm, float(k), z, z, zR, lab, nz, cx, 0.0, 10.0)
        for i in range(nc):
            assert work.conf[i] == 0
            ev.append((k, "conf"))
        for i in range(nd):
            assert work.dele[i] == 0
            ev.append((k, "del"))
    return ev


@pytest.mark.parametrize(("seq", "m", "n", "drop", "expected"), [
    ("HH", 2, 2, 3, [(1, "conf")]),
    ("HM", 2, 2, 3, [(1, "del")]),
    ("HMH", 2, 3, 3, [(2, "conf")]),
    ("HMM", 2, 3, 3, [(2, "del")]),
    ("HMMH", 3, 4, 3, [(2, "del")]),        # 1 hit + 1 scan left < 3
    ("HMHH", 3, 4, 3, [(3, "conf")]),
    ("HHHMMH", 3, 3, 3, [(2, "conf")]),     # two misses < drop: kept
    ("HHHMMM", 3, 3, 3, [(2, "conf"), (5, "del")]),
    ("HHHMHMM", 3, 3, 2, [(2, "conf"), (6, "del")]),  # consecutive misses only
    ("HH.H", 3, 3, 1, [(3, "conf")]),       # an uncovered scan does not count
    ("HHH..M", 3, 3, 1, [(2, "conf"), (5, "del")]),
    ("H.....M", 2, 2, 3, [(6, "del")]),
    ("H", 2, 2, 1, []),
])
def test_m_of_n_confirmation_and_deletion(seq: str, m: int, n: int, drop: int,
                                          expected: list[tuple[int, str]]) -> None:
    assert _run_sequence(seq, m, n, drop) == expected


def test_params_are_checked() -> None:
    with pytest.raises(ValueError):
        tk.make_params(q=1.0, gate=16.0, m=1, n=1, drop=1, v0=1.0)
    with pytest.raises(ValueError):
        tk.make_params(q=1.0, gate=16.0, m=3, n=2, drop=1, v0=1.0)
    with pytest.raises(ValueError):
        tk.make_params(q=1.0, gate=16.0, m=2, n=2, drop=1, v0=1.0, mode=1, pd=0.0)


def test_uncovered_tracks_are_untouched() -> None:
    xs = np.array([[0.0, 0.0, 10.0, 0.0], [5000.0, 0.0, 10.0, 0.0]])
    tr = _store_with(xs, np.diag([100.0, 100.0, 25.0, 25.0]), 0.0)
    before = [a.copy() for a in tr]
    work = tk.make_work(2, 2)
    prm = tk.make_params(q=1.0, gate=16.0, m=2, n=3, drop=3, v0=30.0)
    z = np.array([20.0])
    tk.process_scan(tr, work, prm, 2.0, z, np.zeros(1), np.array([[100.0, 0.0, 100.0]]),
                    np.zeros(1, dtype=np.int64), 1, 0.0, 0.0, 1000.0)
    assert work.stats[tk.S_COVERED] == 1
    for name, b, a in zip(tr._fields, before, tr, strict=True):
        if name != "thw":  # (the store's high-water mark, not a slot)
            assert np.array_equal(b[1], a[1])
    assert tr.tt[0] == 2.0 and tr.thist[0] == 3 and tr.tx[0, 0] != xs[0, 0]


def test_capacity_overflow_drops_births() -> None:
    tr = tk.make_tracks(5)
    work = tk.make_work(5, 20)
    prm = tk.make_params(q=1.0, gate=16.0, m=2, n=3, drop=3, v0=30.0)
    rng = np.random.default_rng(0)
    zx = rng.uniform(0, 1e5, 20)
    zy = rng.uniform(0, 1e5, 20)
    zR = np.tile([100.0, 0.0, 100.0], (20, 1))
    lab = np.arange(20, dtype=np.int64)
    tk.process_scan(tr, work, prm, 0.0, zx, zy, zR, lab, 20, 0.0, 0.0, np.inf)
    assert work.stats[tk.S_BIRTHS] == 5 and work.stats[tk.S_BIRTHS_DROPPED] == 15
    assert tr.tlab.tolist() == [0, 1, 2, 3, 4]  # detection order, lowest slot first
    # more detections than capacity_dets: the extra ones are ignored, counted
    big = np.concatenate([zx, zx])
    tk.process_scan(tr, work, prm, 1.0, big, np.concatenate([zy, zy]), np.vstack([zR, zR]),
                    np.concatenate([lab, lab]), 40, 0.0, 0.0, np.inf)
    assert work.stats[tk.S_DETS_DROPPED] == 20
    assert work.stats[tk.S_BIRTHS] == 0 and work.stats[tk.S_BIRTHS_DROPPED] == 15
    # a freed slot is reused, lowest first
    tr.tstat[3] = 0
    tr.tstat[1] = 0
    tk.process_scan(tr, work, prm, 2.0, zx[:1] + 5e5, zy[:1], zR[:1], lab[:1] + 100, 1,
                    5e5, 0.0, 10.0)
    assert tr.tlab[1] == 100 and tr.tstat[3] == 0


@pytest.mark.parametrize(("mode", "staged"), [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_deterministic(mode: int, staged: int) -> None:
    _, det = _scenario(n=40, steps=30, clutter=30.0)
    prm = tk.make_params(q=1.0, gate=16.0, m=2, n=3, drop=3, v0=40.0, mode=mode,
                         clutter_density=30.0 / 40e6, staged=staged)
    a, sa = run_scans(det, prm, 400)
    b, sb = run_scans(det, prm, 400)
    assert np.array_equal(sa, sb)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert sa[:, tk.S_CONFIRMED].sum() > 0


def test_jpda_single_target_no_clutter_is_the_kalman_filter() -> None:
    _, det = _scenario(n=1, steps=50, clutter=0.0, pd=1.0)
    kf = tk.make_params(q=1.0, gate=16.0, m=2, n=2, drop=3, v0=40.0)
    jp = tk.make_params(q=1.0, gate=16.0, m=2, n=2, drop=3, v0=40.0, mode=1, pd=0.9,
                        clutter_density=1e-40)
    a, _ = run_scans(det, kf, 4)
    b, sb = run_scans(det, jp, 4)
    assert sb[:, tk.S_JPDA_CLUSTERS].sum() >= 48
    for x, y in zip(a, b, strict=True):
        assert np.allclose(x, y, rtol=1e-12, atol=1e-9)
    # and a real clutter density moves it away from the KF
    jp[tk.P_LAMBDA] = 1e-4
    c, _ = run_scans(det, jp, 4)
    assert not all(np.allclose(x, y, rtol=1e-9) for x, y in zip(a, c, strict=True))


def _brute_betas(nr: int, rows: list[list[tuple[int, float]]],
                 wmiss: np.ndarray) -> tuple[list[list[float]], list[float]]:
    opts = [[-1, *range(len(r))] for r in rows]
    num = [[0.0] * len(r) for r in rows]
    nm = [0.0] * nr
    tot = 0.0
    for combo in itertools.product(*opts):
        cols = [rows[i][o][0] for i, o in enumerate(combo) if o >= 0]
        if len(cols) != len(set(cols)):
            continue
        w = 1.0
        for i, o in enumerate(combo):
            w *= wmiss[i] if o < 0 else rows[i][o][1]
        tot += w
        for i, o in enumerate(combo):
            if o < 0:
                nm[i] += w
            else:
                num[i][o] += w
    return [[x / tot for x in r] for r in num], [x / tot for x in nm]


@settings(max_examples=150, deadline=None)
@given(nr=st.integers(1, 5), nd=st.integers(1, 5), seed=st.integers(0, 2**31))
def test_jpda_betas_are_the_enumeration(nr: int, nd: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows: list[list[tuple[int, float]]] = []
    rs = [0]
    ci: list[int] = []
    jw: list[float] = []
    for r in range(nr):
        cols = sorted(rng.choice(nd, size=int(rng.integers(0, nd + 1)), replace=False).tolist())
        rw = [(c, float(rng.uniform(0.01, 5.0))) for c in cols]
        rows.append(rw)
        for c, w in rw:
            ci.append(c)
            jw.append(w)
        ci.append(nd + r)  # the missed column (skipped by the enumeration)
        jw.append(0.0)
        rs.append(len(ci))
    wmiss = rng.uniform(0.05, 1.0, nr)
    bnum = np.zeros(len(ci))
    bmiss = np.zeros(nr)
    used = np.zeros(nd + nr, dtype=np.int8)
    jpda_marginals(nr, np.asarray(rs, np.int64), np.asarray(ci, np.int64), np.asarray(jw),
                   wmiss, np.zeros(nr, np.int64), np.zeros(nr + 1), used, bnum, bmiss)
    ref, refm = _brute_betas(nr, rows, wmiss)
    assert not used.any()
    for r in range(nr):
        got = bnum[rs[r]:rs[r + 1] - 1]
        assert np.allclose(got, ref[r], rtol=1e-12, atol=1e-14)
        assert bmiss[r] == pytest.approx(refm[r], rel=1e-12, abs=1e-14)
        assert got.sum() + bmiss[r] == pytest.approx(1.0, rel=1e-12)
    # each detection is used with total probability at most 1
    for c in range(nd):
        tot = sum(bnum[e] for e in range(len(ci)) if ci[e] == c and jw[e] > 0)
        assert tot <= 1.0 + 1e-12


def test_jpda_cluster_cap_falls_back_to_gnn() -> None:
    _, det = _scenario(n=40, steps=15, clutter=40.0)
    prm = tk.make_params(q=1.0, gate=16.0, m=2, n=3, drop=3, v0=40.0, mode=1,
                         clutter_density=40.0 / 40e6, jpda_cap=1)
    _, s = run_scans(det, prm, 400)
    assert s[:, tk.S_JPDA_FALLBACK].sum() > 0 and s[:, tk.S_JPDA_CLUSTERS].sum() > 0
    assert s[:, tk.S_MAX_CLUSTER].max() >= 2


def test_a_track_coasting_beyond_coast_s_is_deleted_wherever_it_is() -> None:
    """P_COAST: a confirmed track no scan covers (so no miss counts) is deleted at the first
    scan later than coast seconds after its last detection; a covered track is not."""
    xs = np.array([[0.0, 0.0, 0.0, 0.0], [50_000.0, 0.0, 0.0, 0.0]])
    tr = _store_with(xs, np.diag([100.0, 100.0, 25.0, 25.0]), 0.0)
    work = tk.make_work(2, 2)
    prm = tk.make_params(q=1.0, gate=16.0, m=2, n=3, drop=3, v0=30.0, coast=10.0)
    for t in (4.0, 8.0, 10.0):  # the sensor covers track 0 only, and detects it
        _ncf, ndel = tk.process_scan(tr, work, prm, t, np.array([0.0]), np.zeros(1),
                                    np.array([[100.0, 0.0, 100.0]]),
                                    np.zeros(1, dtype=np.int64), 1, 0.0, 0.0, 1000.0)
        assert ndel == 0 and tr.tstat[1] == tk.CONFIRMED
    _ncf, ndel = tk.process_scan(tr, work, prm, 10.5, np.array([0.0]), np.zeros(1),
                                np.array([[100.0, 0.0, 100.0]]), np.zeros(1, dtype=np.int64),
                                1, 0.0, 0.0, 1000.0)
    assert ndel == 1 and work.dele[0] == 1 and tr.tstat[1] == tk.FREE
    assert tr.tstat[0] == tk.CONFIRMED and tr.tupd[0] == 10.5
    with pytest.raises(ValueError):
        tk.make_params(q=1.0, gate=16.0, m=2, n=3, drop=3, v0=30.0, coast=0.0)
