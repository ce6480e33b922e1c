"""Tracker benchmark: milliseconds per scan of the numba tracker (GNN at 300 targets + 50
false alarms a scan and at 10,000 targets; JPDA at 100 targets), Stone Soup on the same
detections for the ratio (not at 10,000 targets: far too slow).

Run: ``.venv/bin/python -m benchmarks.bench_track [--quick] [--repeats K]``. Compilation (or
loading from numba's cache) happens before any timing; each timing replays the same scans
from the same saved state (after a burn-in, so that the tracks exist).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from typing import Any

import numpy as np


def _stats_ms(xs: list[float]) -> str:
    return (f"median {statistics.median(xs) * 1e3:.3f} ms (min {min(xs) * 1e3:.3f}, "
            f"max {max(xs) * 1e3:.3f}, n={len(xs)})")


def _scenario(n: int, steps: int, clutter: float, seed: int) -> tuple[Any, Any, float]:
    from skyshield.track.sim import make_detections, make_truth

    box = 1000.0 * math.sqrt(n)  # one target per km²
    truth = make_truth(n, steps, 1.0, box, 30.0, 1.0, seed)
    det = make_detections(truth, 0.9, 10.0, clutter, seed + 1)
    return truth, det, clutter / box**2


def _time_ours(det: Any, prm: np.ndarray, capacity: int, burn: int,
               repeats: int) -> tuple[list[float], list[float], np.ndarray]:
    """Per-scan wall and CPU times over the scans after ``burn``, replayed ``repeats`` times
    from the state after the burn-in; returns (wall/scan, cpu/scan, stats of the last run)."""
    from skyshield.track.tracker import N_STATS, make_tracks, make_work, process_scan

    tracks = make_tracks(capacity)
    work = make_work(capacity, int(np.diff(det.start).max()))

    def scan(tr: Any, k: int) -> None:
        a, b = int(det.start[k]), int(det.start[k + 1])
        process_scan(tr, work, prm, float(det.t[k]), det.zx[a:b], det.zy[a:b], det.zR[a:b],
                     det.zlab[a:b], b - a, 0.0, 0.0, math.inf)

    for k in range(burn):
        scan(tracks, k)
    saved = [a.copy() for a in tracks]
    steps = det.t.size
    walls, cpus = [], []
    stats = np.zeros((steps - burn, N_STATS), dtype=np.int64)
    for _ in range(repeats):
        tr = type(tracks)(*[a.copy() for a in saved])
        c0 = time.process_time()
        t0 = time.perf_counter()
        for k in range(burn, steps):
            scan(tr, k)
            stats[k - burn] = work.stats
        walls.append((time.perf_counter() - t0) / (steps - burn))
        cpus.append((time.process_time() - c0) / (steps - burn))
    return walls, cpus, stats


def _stone_soup(det: Any, burn: int, mode: int, lam: float) -> list[float] | None:
    try:
        import stonesoup  # noqa: F401
    except ImportError:
        print("  Stone Soup: not installed (extra track-ref): no ratio")
        return None
    from skyshield.track.sim import run_stonesoup

    times: list[float] = []
    run_stonesoup(det, 1.0, 16.0, 3, 3, 40.0, mode=mode, pd=0.9, clutter_density=lam,
                  scan_times=times)
    return times[burn:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench_track", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer scans, for a smoke run")
    ap.add_argument("--repeats", type=int, default=None, help="timings per measurement")
    ap.add_argument("--no-stonesoup", action="store_true", help="skip the reference")
    args = ap.parse_args(argv)

    import numba

    from skyshield.track.tracker import (
        S_CLUSTERS,
        S_JPDA_CLUSTERS,
        S_JPDA_FALLBACK,
        S_PAIRS,
        make_params,
    )

    repeats = args.repeats or (3 if args.quick else 7)
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, numba {numba.__version__}, python {sys.version.split()[0]}"
          f" (the tracker is single-threaded)")
    try:
        print(f"load average: {os.getloadavg()[0]:.2f} (timings on a busy machine are slower)")
    except OSError:  # pragma: no cover
        pass

    gnn = make_params(q=1.0, gate=16.0, m=3, n=3, drop=3, v0=40.0, staged=1)
    # ---- warm-up: compile (or load from cache) both modes before any clock
    _, dw, lw = _scenario(20, 6, 5.0, 99)
    jw = make_params(q=1.0, gate=16.0, m=3, n=3, drop=3, v0=40.0, mode=1, pd=0.9,
                     clutter_density=lw, staged=1)
    t0 = time.perf_counter()
    _time_ours(dw, gnn, 200, 2, 1)
    _time_ours(dw, jw, 200, 2, 1)
    print(f"first calls (compile or load from cache): {time.perf_counter() - t0:.1f} s")

    # ---- GNN, 300 targets + 50 false alarms a scan
    burn = 6
    steps = burn + (6 if args.quick else 30)
    _, det, lam = _scenario(300, steps, 50.0, 1)
    w, c, st = _time_ours(det, gnn, 2000, burn, repeats)
    print(f"\nGNN, 300 targets, Pd 0.9, 50 false alarms/scan (Poisson), 1 target/km², "
          f"{steps - burn} scans after {burn} of burn-in:")
    print(f"  ours: {_stats_ms(w)} per scan; CPU {statistics.median(c) * 1e3:.3f} ms/scan "
          f"(target <= 5 ms); {st[:, S_PAIRS].mean():.0f} gated pairs, "
          f"{st[:, S_CLUSTERS].mean():.0f} clusters a scan")
    if not args.no_stonesoup:
        # Stone Soup takes seconds a scan here: the first scans of the same detections only
        ss_burn = 3 if args.quick else burn
        _, ss_det, _ = _scenario(300, ss_burn + (1 if args.quick else 5), 50.0, 1)
        ss = _stone_soup(ss_det, ss_burn, 0, lam)
        if ss:
            print(f"  Stone Soup (GNNWith2DAssignment, same detections): "
                  f"{statistics.median(ss):.3f} s per scan (n={len(ss)}): ours is "
                  f"x{statistics.median(ss) / statistics.median(w):,.0f} faster")

    # ---- GNN, 10,000 targets, same clutter density (1,667 false alarms a scan)
    burn = 5
    steps = burn + (3 if args.quick else 10)
    _, det, _ = _scenario(10_000, steps, 50.0 * 10_000 / 300, 2)
    w, c, st = _time_ours(det, gnn, 40_000, burn, max(2, repeats // 2))
    print(f"\nGNN, 10,000 targets, 1,667 false alarms/scan (same densities), "
          f"{steps - burn} scans after {burn} of burn-in:")
    print(f"  ours: {_stats_ms(w)} per scan; CPU {statistics.median(c) * 1e3:.3f} ms/scan "
          f"(target <= 100 ms); {st[:, S_PAIRS].mean():.0f} gated pairs a scan")
    print("  Stone Soup: not run at 10,000 targets (its hypothesiser is O(tracks x detections)"
          " in Python: hours)")

    # ---- JPDA, 100 targets, 20 false alarms a scan, in a denser box (clusters)
    burn = 6
    steps = burn + (3 if args.quick else 10)
    from skyshield.track.sim import make_detections, make_truth

    box = 5000.0  # 4 targets per km²
    truth = make_truth(100, steps, 1.0, box, 30.0, 1.0, 3)
    det = make_detections(truth, 0.9, 10.0, 20.0, 4)
    lam = 20.0 / box**2
    jp = make_params(q=1.0, gate=16.0, m=3, n=3, drop=3, v0=40.0, mode=1, pd=0.9,
                     clutter_density=lam, jpda_cap=12, staged=1)
    w, c, st = _time_ours(det, jp, 1000, burn, repeats)
    ncl = float(st[:, S_JPDA_CLUSTERS].mean())
    print(f"\nJPDA (exact enumeration), 100 targets in 5 x 5 km, Pd 0.9, 20 false alarms/scan, "
          f"{steps - burn} scans after {burn} of burn-in: {ncl:.0f} JPDA clusters a scan "
          f"({st[:, S_JPDA_FALLBACK].sum()} fell back to GNN)")
    print(f"  ours: {_stats_ms(w)} per scan, {statistics.median(w) / max(ncl, 1) * 1e6:.2f} µs "
          f"per cluster; CPU {statistics.median(c) * 1e3:.3f} ms/scan")
    if not args.no_stonesoup:
        ss = _stone_soup(det, burn, 1, lam)
        if ss:
            r = statistics.median(ss) / statistics.median(w)
            print(f"  Stone Soup (JPDAwithEHM, same detections): {statistics.median(ss):.3f} s "
                  f"per scan (n={len(ss)}), {statistics.median(ss) / max(ncl, 1) * 1e3:.2f} ms "
                  f"per cluster: ours is x{r:,.0f} faster per cluster (target >= 100)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
