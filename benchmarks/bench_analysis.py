"""Benchmark of the analysis area: sweeps and N−1 fault analysis of the flagship.

Targets:

- a 16-point raid-size sweep (``raids[0].count=50:800:50``), 1,000 replications a point, in
  at most 2 minutes on the 2-core machine with the process pool;
- the same sweep on Ray (local instance) within 20 % of the process pool (the baseline);
- N−1 analysis of the flagship in at most 1 minute.

Each configuration runs ``--repeats`` times into a fresh folder; the report gives the machine,
the median and the spread (min–max) of the wall time, the median time of one point, and the
process-pool-relative time of Ray. ``--quick``: 4 points × 100 replications, one repeat.

    .venv/bin/python -m benchmarks.bench_analysis [--quick] [--repeats N] [--replications R]
        [--points P] [--workers W] [--skip-ray] [--skip-faults] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FLAGSHIP = Path(__file__).resolve().parent.parent / "examples" / "vip-transit.yaml"


def _machine() -> dict[str, Any]:
    return {"platform": platform.platform(), "python": platform.python_version(),
            "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine()}


def _stats(xs: list[float]) -> dict[str, float]:
    return {"median_s": statistics.median(xs), "min_s": min(xs), "max_s": max(xs),
            "repeats": len(xs)}


def _sweep_once(plan: Any, backend: str,
                workers: int) -> tuple[float, dict[int, float], dict[int, float]]:
    from skyshield.analysis.sweep import run_sweep

    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        t0 = time.perf_counter()
        res = run_sweep(plan, tmp, backend=backend, workers=workers)
        return time.perf_counter() - t0, res.point_seconds, res.point_cpu_seconds


def lpt_makespan(costs: list[float], workers: int) -> float:
    """Makespan of the longest-first list schedule of ``costs`` on ``workers`` machines."""
    import heapq

    loads = [0.0] * workers
    for c in sorted(costs, reverse=True):
        heapq.heapreplace(loads, loads[0] + c)
    return max(loads)


def scaling_model(costs: list[float], wall: float, workers: int) -> list[dict[str, float]]:
    """Predicted sweep time on W workers: measured overhead + LPT makespan of the measured
    point times (``docs/scaling.md``)."""
    overhead = max(0.0, wall - lpt_makespan(costs, workers))
    total = sum(costs)
    rows = []
    for w in (1, 2, 4, 8, 16, 32, 64):
        t = overhead + lpt_makespan(costs, w)
        rows.append({"workers": w, "predicted_s": t, "speedup": (overhead + total) / t,
                     "efficiency": (overhead + total) / t / w})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench_analysis", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--replications", type=int, default=None)
    ap.add_argument("--points", type=int, default=None, help="sweep points (default 16)")
    ap.add_argument("--workers", type=int, default=None, help="default: the CPU count")
    ap.add_argument("--fault-replications", type=int, default=None)
    ap.add_argument("--skip-ray", action="store_true")
    ap.add_argument("--skip-faults", action="store_true")
    ap.add_argument("--skip-sweep", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args(argv)
    quick = args.quick
    repeats = args.repeats or (1 if quick else 3)
    reps = args.replications or (100 if quick else 1000)
    points = args.points or (4 if quick else 16)
    workers = args.workers or (os.cpu_count() or 1)
    fault_reps = args.fault_replications or reps

    from skyshield.analysis.sweep import plan_sweep
    from skyshield.scenario import load_scenario

    sc = load_scenario(FLAGSHIP)
    spec = f"raids[0].count=50:{50 * points}:50"
    plan = plan_sweep(sc, [spec], replications=reps, seed=1)
    report: dict[str, Any] = {"machine": _machine(), "sweep": {"spec": spec, "points": points,
                                                               "replications": reps,
                                                               "workers": workers}}
    print(f"machine: {report['machine']}")
    print(f"sweep: {spec} ({points} points × {reps} replications), {workers} workers, "
          f"{repeats} repeat(s)", flush=True)

    # warm the compiled kernel's on-disk cache so that no configuration pays for compiling
    from skyshield.montecarlo import simulate

    simulate(sc, 1, 0, record=0)

    results: dict[str, Any] = {}
    for backend in ("process", "ray"):
        if args.skip_sweep or (backend == "ray" and args.skip_ray):
            continue
        if backend == "ray":
            try:
                import ray  # noqa: F401
            except ImportError:
                print("ray: not installed, skipped")
                continue
        times: list[float] = []
        per_point: list[dict[int, float]] = []
        per_cpu: list[dict[int, float]] = []
        for _ in range(repeats):
            t, pts, cpu = _sweep_once(plan, backend, workers)
            times.append(t)
            per_point.append(pts)
            per_cpu.append(cpu)
        costs = [statistics.median(p[i] for p in per_point) for i in range(points)]
        cpus = [statistics.median(p[i] for p in per_cpu) for i in range(points)]
        results[backend] = {**_stats(times), "point_median_s": statistics.median(costs),
                            "point_s": costs, "point_cpu_s": cpus}
        r = results[backend]
        print(f"  {backend:<8} median {r['median_s']:7.1f} s  (min {r['min_s']:.1f}, "
              f"max {r['max_s']:.1f})  one point {r['point_median_s']:.2f} s", flush=True)
    report["sweep"]["results"] = results
    if "process" in results:
        r = results["process"]
        model = scaling_model(r["point_s"], r["median_s"], workers)
        report["sweep"]["model"] = model
        print("  point wall times (s, process pool): "
              + ", ".join(f"{c:.1f}" for c in r["point_s"]))
        print("  point CPU times (s, process pool):  "
              + ", ".join(f"{c:.1f}" for c in r["point_cpu_s"]))
        bound = {w: lpt_makespan(r["point_cpu_s"], w) for w in (1, 2, 4, 8, 16)}
        report["sweep"]["cpu_makespan_s"] = bound
        print("  compute-only makespan of the CPU times (what an idle machine would need, "
              "without start-up): " + ", ".join(f"{w} workers {t:.1f} s"
                                                 for w, t in bound.items()))
        print("  scaling model (measured overhead + longest-first makespan of these points):")
        for m in model:
            print(f"    {m['workers']:>3} workers: {m['predicted_s']:7.1f} s  speed-up "
                  f"{m['speedup']:5.2f}  efficiency {m['efficiency']:.2f}")
    if "process" in results:
        ok = results["process"]["median_s"] <= 120.0 * points * reps / 16000
        print(f"  target (process pool, scaled to this size: "
              f"{120.0 * points * reps / 16000:.0f} s): {'met' if ok else 'NOT met'}")
    if "process" in results and "ray" in results:
        ratio = results["ray"]["median_s"] / results["process"]["median_s"]
        report["sweep"]["ray_over_process"] = ratio
        print(f"  Ray / process pool (baseline): {ratio:.3f} "
              f"(target ≤ 1.20: {'met' if ratio <= 1.2 else 'NOT met'})")

    if not args.skip_faults:
        from skyshield.analysis.faults import analyse_faults

        fr: dict[str, Any] = {"replications": fault_reps}
        for label, tornado in (("n_minus_1", False), ("n_minus_1_and_tornado", True)):
            times, fcpu = [], []
            for _ in range(repeats):
                t0 = time.perf_counter()
                rep = analyse_faults(sc, replications=fault_reps, seed=1, tornado=tornado,
                                     workers=workers)
                times.append(time.perf_counter() - t0)
                fcpu.append(rep.cpu_seconds)
            runs = 1 + len(rep.faults) + sum(("low" in s) + ("high" in s) for s in rep.sensitivity)
            fr[label] = {**_stats(times), "runs": runs, "cpu_s": statistics.median(fcpu)}
            print(f"faults {label:<22} {runs:>3} runs × {fault_reps} replications: median "
                  f"{statistics.median(times):7.1f} s (min {min(times):.1f}, "
                  f"max {max(times):.1f}); CPU {statistics.median(fcpu):.1f} s "
                  f"(÷{workers} workers = {statistics.median(fcpu) / workers:.1f} s)", flush=True)
        target = 60.0 * fault_reps / 1000
        ok = fr["n_minus_1"]["median_s"] <= target
        print(f"  target (N−1, scaled to this size: {target:.0f} s): {'met' if ok else 'NOT met'}")
        report["faults"] = fr
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
