"""Synthetic truth and detections for the tracker's tests and benchmarks (plain numpy, seeded
``np.random.default_rng``; ``docs/tracking.md`` §7).

Truth: ``n`` targets, positions uniform in the square ``[0, box]²``, headings uniform, the
given speed, then the exact discrete constant-velocity model: ``x_{k+1} = F(dt) x_k + w_k``,
``w_k ~ N(0, Q(dt))``. Detections per scan: each target detected with probability ``pd`` at
``p + N(0, σ² I)`` (``R = (σ², 0, σ²)``, label = target index); ``Poisson(clutter_per_scan)``
false alarms uniform in the box (label -1); the scan's detections in a random order.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from skyshield.track.kalman import cv_F, cv_Q


class Truth(NamedTuple):
    """Ground truth: ``t (steps,)`` scan times, ``x (steps, n, 4)`` states, ``box`` (m)."""

    t: np.ndarray
    x: np.ndarray
    box: float


class Detections(NamedTuple):
    """All scans' detections, flat: scan ``k`` is ``start[k]:start[k+1]``."""

    t: np.ndarray      #: (steps,) scan times
    start: np.ndarray  #: (steps + 1,) int64 offsets
    zx: np.ndarray     #: (N,) metres
    zy: np.ndarray     #: (N,)
    zR: np.ndarray     #: (N, 3) (Rxx, Rxy, Ryy)
    zlab: np.ndarray   #: (N,) int64 target index, -1 = clutter
    n_clutter: np.ndarray  #: (steps,) int64 false alarms per scan


def make_truth(n_targets: int, steps: int, dt: float, box_m: float, speed: float, q: float,
               seed: int) -> Truth:
    """Seeded constant-velocity truth (see the module docstring)."""
    rng = np.random.default_rng(seed)
    n = int(n_targets)
    x = np.empty((steps, n, 4))
    hd = rng.uniform(0.0, 2.0 * np.pi, n)
    x[0, :, 0] = rng.uniform(0.0, box_m, n)
    x[0, :, 1] = rng.uniform(0.0, box_m, n)
    x[0, :, 2] = speed * np.sin(hd)
    x[0, :, 3] = speed * np.cos(hd)
    f = cv_F(dt)
    chol = np.linalg.cholesky(cv_Q(dt, q) + 1e-12 * np.eye(4)) if q > 0 else np.zeros((4, 4))
    for k in range(1, steps):
        w = rng.standard_normal((n, 4)) @ chol.T
        x[k] = x[k - 1] @ f.T + w
    return Truth(t=np.arange(steps) * float(dt), x=x, box=float(box_m))


def make_detections(truth: Truth, pd: float, sigma: float, clutter_per_scan: float,
                    seed: int) -> Detections:
    """Seeded detections of ``truth`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    steps, n, _ = truth.x.shape
    zx_l, zy_l, lab_l, ncl = [], [], [], []
    start = np.zeros(steps + 1, dtype=np.int64)
    for k in range(steps):
        det = rng.random(n) < pd
        idx = np.flatnonzero(det)
        px = truth.x[k, idx, 0] + sigma * rng.standard_normal(idx.size)
        py = truth.x[k, idx, 1] + sigma * rng.standard_normal(idx.size)
        nc = int(rng.poisson(clutter_per_scan))
        cx = rng.uniform(0.0, truth.box, nc)
        cy = rng.uniform(0.0, truth.box, nc)
        x = np.concatenate([px, cx])
        y = np.concatenate([py, cy])
        lab = np.concatenate([idx.astype(np.int64), np.full(nc, -1, dtype=np.int64)])
        perm = rng.permutation(x.size)
        zx_l.append(x[perm])
        zy_l.append(y[perm])
        lab_l.append(lab[perm])
        ncl.append(nc)
        start[k + 1] = start[k] + x.size
    nz = int(start[-1])
    zR = np.zeros((nz, 3))
    zR[:, 0] = sigma * sigma
    zR[:, 2] = sigma * sigma
    return Detections(t=truth.t.copy(), start=start, zx=np.concatenate(zx_l),
                      zy=np.concatenate(zy_l), zR=zR, zlab=np.concatenate(lab_l),
                      n_clutter=np.asarray(ncl, dtype=np.int64))


def run_scans(det: Detections, prm: np.ndarray, capacity_tracks: int,
              record: bool = True) -> tuple[list[np.ndarray], np.ndarray]:
    """Feed every scan of ``det`` to :func:`~skyshield.track.tracker.process_scan` (coverage:
    everything). Returns (per scan, the confirmed tracks' positions ``(k, 2)`` after the scan
    if ``record``; per scan, ``work.stats`` ``(steps, N_STATS)``)."""
    from skyshield.track.tracker import N_STATS, make_tracks, make_work, process_scan

    tracks = make_tracks(capacity_tracks)
    maxd = int(np.diff(det.start).max()) if det.start.size > 1 else 1
    work = make_work(capacity_tracks, max(maxd, 1))
    steps = det.t.size
    out: list[np.ndarray] = []
    stats = np.zeros((steps, N_STATS), dtype=np.int64)
    for k in range(steps):
        a, b = int(det.start[k]), int(det.start[k + 1])
        process_scan(tracks, work, prm, float(det.t[k]), det.zx[a:b], det.zy[a:b],
                     det.zR[a:b], det.zlab[a:b], b - a, 0.0, 0.0, np.inf)
        stats[k] = work.stats
        if record:
            out.append(tracks.tx[tracks.tstat == 2, :2].copy())
    return out, stats


def run_stonesoup(det: Detections, q: float, gate: float, m: int, drop: int, v0: float,
                  mode: int = 0, pd: float = 0.9,
                  clutter_density: float = 1e-6,
                  scan_times: list[float] | None = None) -> list[np.ndarray]:
    """The same scans through Stone Soup (the reference; needs the ``track-ref`` extra).

    Components: ``KalmanPredictor`` (two ``ConstantVelocity(q)`` combined; state order
    ``[px, vx, py, vy]``), ``KalmanUpdater(force_symmetric_covariance=True)``,
    ``LinearGaussian`` measurement model per detection (mapping (0, 2), its ``R``);
    GNN (``mode = 0``): ``DistanceHypothesiser(Mahalanobis, missed_distance=√γ)`` +
    ``GNNWith2DAssignment`` in a ``MultiTargetTracker``; JPDA (``mode = 1``):
    ``PDAHypothesiser(λ, Pd, Pg = 1 − e^{−γ/2})`` + ``JPDAwithEHM`` in a
    ``MultiTargetMixtureTracker``; ``MultiMeasurementInitiator(min_points = m)`` whose holding
    tracks use the GNN above and ``UpdateTimeStepsDeleter(1)`` (= our m-of-m rule), and
    ``UpdateTimeStepsDeleter(drop)`` for confirmed tracks. Returns, per scan, the tracks'
    positions ``(k, 2)``; ``scan_times``, if given, receives each scan's wall time (s).
    """
    import time
    from datetime import datetime, timedelta

    from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
    from stonesoup.dataassociator.probability import JPDAwithEHM
    from stonesoup.deleter.time import UpdateTimeStepsDeleter
    from stonesoup.hypothesiser.distance import DistanceHypothesiser
    from stonesoup.hypothesiser.probability import PDAHypothesiser
    from stonesoup.initiator.simple import MultiMeasurementInitiator
    from stonesoup.measures import Mahalanobis
    from stonesoup.models.measurement.linear import LinearGaussian
    from stonesoup.models.transition.linear import (
        CombinedLinearGaussianTransitionModel,
        ConstantVelocity,
    )
    from stonesoup.predictor.kalman import KalmanPredictor
    from stonesoup.tracker.simple import MultiTargetMixtureTracker, MultiTargetTracker
    from stonesoup.types.detection import Detection
    from stonesoup.types.state import GaussianState
    from stonesoup.updater.kalman import KalmanUpdater

    t0 = datetime(2025, 1, 1)
    models: dict[tuple[float, float, float], LinearGaussian] = {}
    scans = []
    for k in range(det.t.size):
        ts = t0 + timedelta(seconds=float(det.t[k]))
        ds = set()
        for i in range(int(det.start[k]), int(det.start[k + 1])):
            key = (float(det.zR[i, 0]), float(det.zR[i, 1]), float(det.zR[i, 2]))
            mm = models.get(key)
            if mm is None:
                mm = LinearGaussian(ndim_state=4, mapping=(0, 2), noise_covar=np.array(
                    [[key[0], key[1]], [key[1], key[2]]]))
                models[key] = mm
            ds.add(Detection(np.array([[det.zx[i]], [det.zy[i]]]), timestamp=ts,
                             measurement_model=mm))
        scans.append((ts, ds))
    trans = CombinedLinearGaussianTransitionModel([ConstantVelocity(q), ConstantVelocity(q)])
    predictor = KalmanPredictor(trans)
    updater = KalmanUpdater(measurement_model=None, force_symmetric_covariance=True)
    gnn = GNNWith2DAssignment(DistanceHypothesiser(predictor, updater, Mahalanobis(),
                                                   missed_distance=float(np.sqrt(gate))))
    prior = GaussianState(np.zeros((4, 1)), np.diag([0.0, v0 * v0, 0.0, v0 * v0]))
    initiator = MultiMeasurementInitiator(prior_state=prior,
                                          deleter=UpdateTimeStepsDeleter(1),
                                          data_associator=gnn, updater=updater,
                                          min_points=m)
    deleter = UpdateTimeStepsDeleter(drop)
    tracker: MultiTargetTracker | MultiTargetMixtureTracker
    if mode == 0:
        tracker = MultiTargetTracker(initiator=initiator, deleter=deleter, detector=scans,
                                     data_associator=gnn, updater=updater)
    else:
        hyp = PDAHypothesiser(predictor, updater, clutter_spatial_density=clutter_density,
                              prob_detect=pd, prob_gate=1.0 - float(np.exp(-0.5 * gate)))
        tracker = MultiTargetMixtureTracker(initiator=initiator, deleter=deleter,
                                            detector=scans, data_associator=JPDAwithEHM(hyp),
                                            updater=updater)
    out = []
    it = iter(tracker)
    while True:
        c0 = time.perf_counter()
        try:
            _, tracks = next(it)
        except StopIteration:
            break
        if scan_times is not None:
            scan_times.append(time.perf_counter() - c0)
        pts = np.array([[float(tr.state_vector[0, 0]), float(tr.state_vector[2, 0])]
                        for tr in tracks]).reshape(-1, 2)
        out.append(pts)
    return out
