"""Docking against Stone Soup (the field's reference tracker): the same seeded detections
into both; mean GOSPA (c = 100 m, p = 2, α = 2, after a burn-in) of ours within ±2 % of Stone
Soup's at 10, 50 and 150 targets (GNN) and at 12 targets in a dense box (JPDA with EHM).

Our tracker runs with ``staged = 1`` (confirmed tracks associated first, then tentative ones
with the detections left over, the order of Stone Soup's ``MultiTargetTracker`` +
``MultiMeasurementInitiator``) and m-of-n with n = m (= ``min_points = m`` with
``UpdateTimeStepsDeleter(1)`` on holding tracks): the rules are then the same, and the
per-scan GOSPA agrees to rounding, which is asserted too (1e-6 relative). A mis-tuned
tracker (gate too small) must fall outside the ±2 %.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

from skyshield.track.gospa import gospa
from skyshield.track.sim import make_detections, make_truth, run_scans, run_stonesoup
from skyshield.track.tracker import S_JPDA_CLUSTERS, S_JPDA_FALLBACK, S_MAX_CLUSTER, make_params

if os.environ.get("CI"):
    import stonesoup  # noqa: F401  (on CI a missing Stone Soup is a failure, not a skip)
else:
    pytest.importorskip("stonesoup", reason="Stone Soup (extra track-ref) is the reference")

Q, GATE, M, DROP, V0, PD, SIG = 1.0, 16.0, 3, 3, 40.0, 0.9, 10.0
BURN = 5


def _mean_gospa(truth_x: np.ndarray, est: list[np.ndarray]) -> np.ndarray:
    return np.array([gospa(truth_x[k, :, :2], est[k], 100.0, 2.0)[0]
                     for k in range(BURN, len(est))])


def _case(n: int, steps: int, clutter: float, box: float,
          seed: int) -> tuple[np.ndarray, object, float]:
    truth = make_truth(n, steps, 1.0, box, 30.0, Q, seed)
    det = make_detections(truth, PD, SIG, clutter, seed + 1)
    return truth.x, det, clutter / box**2


@pytest.mark.parametrize(("n", "steps", "clutter"), [(10, 25, 5.0), (50, 15, 20.0),
                                                     (150, 10, 20.0)])
def test_gnn_gospa_matches_stone_soup(n: int, steps: int, clutter: float) -> None:
    tx, det, _ = _case(n, steps, clutter, 1000.0 * math.sqrt(n), n)
    ss = _mean_gospa(tx, run_stonesoup(det, Q, GATE, M, DROP, V0))
    prm = make_params(q=Q, gate=GATE, m=M, n=M, drop=DROP, v0=V0, staged=1)
    ours = _mean_gospa(tx, run_scans(det, prm, 4 * n + 100)[0])
    assert ours.mean() == pytest.approx(ss.mean(), rel=0.02)
    assert np.allclose(ours, ss, rtol=1e-6, atol=1e-9)
    # the comparison can fail: a gate too small falls outside the ±2 %
    bad = make_params(q=Q, gate=4.0, m=M, n=M, drop=DROP, v0=V0, staged=1)
    worse = _mean_gospa(tx, run_scans(det, bad, 4 * n + 100)[0])
    assert abs(worse.mean() / ss.mean() - 1.0) > 0.02
    if n == 50:
        # one joint association of all tracks (staged = 0, our default) differs from Stone
        # Soup's order only when a tentative and a confirmed track compete for a detection
        joint = make_params(q=Q, gate=GATE, m=M, n=M, drop=DROP, v0=V0, staged=0)
        j = _mean_gospa(tx, run_scans(det, joint, 4 * n + 100)[0])
        assert j.mean() == pytest.approx(ss.mean(), rel=0.05)


def test_jpda_gospa_matches_stone_soup_jpda_with_ehm() -> None:
    # 12 targets in a 1.5 km box with 10 false alarms a scan: clusters of several tracks
    tx, det, lam = _case(12, 20, 10.0, 1500.0, 7)
    ss = _mean_gospa(tx, run_stonesoup(det, Q, GATE, M, DROP, V0, mode=1, pd=PD,
                                       clutter_density=lam))
    prm = make_params(q=Q, gate=GATE, m=M, n=M, drop=DROP, v0=V0, mode=1, pd=PD,
                      clutter_density=lam, jpda_cap=12, staged=1)
    est, stats = run_scans(det, prm, 200)
    assert stats[:, S_JPDA_FALLBACK].sum() == 0
    assert stats[:, S_JPDA_CLUSTERS].sum() > 0 and stats[:, S_MAX_CLUSTER].max() >= 2
    ours = _mean_gospa(tx, est)
    # EHM and our enumeration are both exact: the β's, hence the tracks, agree to rounding;
    # the ±2 % of the GNN docking is kept as the acceptance bound
    assert ours.mean() == pytest.approx(ss.mean(), rel=0.02)
    assert np.allclose(ours, ss, rtol=1e-6, atol=1e-9)
    # and GNN on the same scans is a different tracker, measurably
    gnn = make_params(q=Q, gate=GATE, m=M, n=M, drop=DROP, v0=V0, staged=1)
    g = _mean_gospa(tx, run_scans(det, gnn, 200)[0])
    assert not np.allclose(g, ss, rtol=1e-6, atol=1e-9)
