"""The plain-Python tracker (skyshield.track.pyref, the engine reference's) against the
compiled one: the same scans give bit-identical track stores, scan by scan."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from skyshield.track import tracker as tk
from skyshield.track.pyref import process_scan_ref
from skyshield.track.sim import make_detections, make_truth


def _same(a: tk.Tracks, b: tk.Tracks) -> None:
    for name, x, y in zip(a._fields, a, b, strict=True):
        if name != "thw":  # the compiled store's high-water mark (no slot of its own)
            assert np.array_equal(x, y), name


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**20), n=st.integers(1, 12), clutter=st.sampled_from([0.0, 3.0]),
       disc=st.booleans(), miss_r=st.booleans(), coast=st.sampled_from([np.inf, 5.0]))
def test_python_tracker_equals_the_compiled_one(seed: int, n: int, clutter: float,
                                                disc: bool, miss_r: bool,
                                                coast: float) -> None:
    """Random raids with clutter, crossing targets, a coverage disc and a miss radius (some
    tracks uncovered, some coasting): every scan's confirmed, deleted and born slots and
    the whole store agree."""
    box = 400.0 * np.sqrt(n)  # dense enough for multi-track clusters
    truth = make_truth(n, 30, 1.0, box, 25.0, 1.0, seed)
    det = make_detections(truth, 0.8, 20.0, clutter, seed + 1)
    prm = tk.make_params(q=1.0, gate=13.8, m=2, n=3, drop=3, v0=30.0, coast=coast)
    cap = 3 * n + 40
    a = tk.make_tracks(cap)
    b = tk.make_tracks(cap)
    maxd = max(int(np.diff(det.start).max()), 1)
    work = tk.make_work(cap, maxd)
    cx, cy, cr = (0.0, 0.0, 0.6 * box) if disc else (0.0, 0.0, np.inf)
    if miss_r:
        prm[tk.P_MISS_R] = 0.4 * box
    for k in range(det.t.size):
        lo, hi = int(det.start[k]), int(det.start[k + 1])
        zx, zy = det.zx[lo:hi].copy(), det.zy[lo:hi].copy()
        zR, zl = det.zR[lo:hi].copy(), det.zlab[lo:hi].copy()
        ncf, ndel = tk.process_scan(a, work, prm, float(det.t[k]), zx, zy, zR, zl, hi - lo,
                                    cx, cy, cr)
        conf, dele, born = process_scan_ref(b, prm, float(det.t[k]), zx, zy, zR, zl,
                                            hi - lo, cx, cy, cr)
        assert work.conf[:ncf].tolist() == conf
        assert work.dele[:ndel].tolist() == dele
        assert work.born[:work.stats[tk.S_BIRTHS]].tolist() == born
        _same(a, b)
