"""Benchmark of the WTA solvers beside a generic Kelley/HiGHS MILP and the published records.

Run with ``skyshield wta bench`` or ``python -m benchmarks.bench_wta`` (``--quick`` for a short
run). Times are wall-clock on this machine, after a warm-up that loads the compiled kernels.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

#: the published instances: ``../shared/wta/andersen2022`` beside the checkout, or
#: ``$SKYSHIELD_WTA_DATA``
DATA = Path(os.environ.get(
    "SKYSHIELD_WTA_DATA",
    Path(__file__).resolve().parents[4] / "shared" / "wta" / "andersen2022"))

# Best published results (Andersen et al. 2022, results.csv; CPLEX 12.10, 1 thread, 7200 s).
PUBLISHED: dict[str, tuple[float, float, str]] = {
    "50x100x1": (1734.302278, 1734.302257, "1.2"),
    "50x100x2": (123.838406, 123.838359, "18.6"),
    "50x100x3": (20.587974, 20.589861, "356.1"),
    "100x200x1": (2862.234768, 2862.302609, "14.7"),
    "100x200x2": (116.045985, 116.057161, "202.6"),
    "100x200x3": (14.549077, 14.579133, "-"),
    "150x300x1": (3740.138652, 3740.417450, "35.7"),
    "150x300x2": (103.148114, 103.150726, "420.7"),
    "150x300x3": (11.383811, 11.429016, "-"),
    "200x400x1": (4970.172084, 4970.363244, "86.3"),
    "200x400x2": (115.406346, 115.447021, "-"),
    "200x400x3": (10.507078, 10.577367, "-"),
    "250x500x1": (6689.831589, 6689.827836, "392.2"),
    "250x500x2": (114.262785, 114.350685, "-"),
    "250x500x3": (10.856597, 10.959830, "-"),
    "300x600x1": (8136.481866, 8136.875861, "358.9"),
    "300x600x2": (118.439121, 118.543307, "-"),
    "300x600x3": (12.982123, 13.100070, "-"),
}


def _timed(fn: Callable[[], Any], repeats: int) -> tuple[Any, list[float]]:
    times: list[float] = []
    out = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, times


def _fmt_t(times: list[float]) -> str:
    med = statistics.median(times)
    if len(times) == 1:
        return f"{med:8.3f}"
    return f"{med:8.3f} [{min(times):.3f}-{max(times):.3f}]"


def run_benchmark(quick: bool = False, repeats: int | None = None,
                  baseline: bool = True, mu_limit: float | None = None) -> list[dict[str, object]]:
    """Run the benchmark, print a table and return its rows."""
    from skyshield.wta import ahuja_instance, read_instance, solve
    from skyshield.wta.kelley import solve_kelley

    reps = repeats if repeats is not None else (1 if quick else 3)
    limit_mu = mu_limit if mu_limit is not None else (20.0 if quick else 120.0)
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, python {platform.python_version()}")
    print(f"repeats: {reps} (median [min-max] seconds)")
    warm = ahuja_instance(12, seed=0, units=2)
    for m in ("greedy", "local", "exact"):
        solve(warm, m, time_limit=5.0)
    rows: list[dict[str, object]] = []

    def line(name: str, method: str, sol: Any, times: list[float], base: str = "",
             pub: str = "") -> None:
        print(f"{name:<16} {method:<7} {_fmt_t(times):<26} obj {sol.objective:<16.9f} "
              f"lb {sol.lower_bound:<16.9f} gap {sol.gap:9.2e} {sol.status:<10} {base} {pub}",
              flush=True)
        rows.append({"instance": name, "method": method, "median_s": statistics.median(times),
                     "min_s": min(times), "max_s": max(times), "objective": sol.objective,
                     "lower_bound": sol.lower_bound, "gap": sol.gap, "status": sol.status,
                     "baseline": base, "published": pub})

    def kelley(p: Any, tl: float) -> str:
        if not baseline:
            return ""
        _, ub, lb, sec, rounds = solve_kelley(p, time_limit=tl)
        gap = (ub - lb) / ub if ub > 0 else 0.0
        return f"| kelley/HiGHS {sec:.1f}s gap {gap:.1e} ({rounds} MILPs)"

    # --- Ahuja recipe, one unit per weapon
    sizes = [(80, [1])] if quick else [(80, [1, 2, 3]), (200, [1, 2, 3])]
    for n, seeds in sizes:
        for seed in seeds:
            p = ahuja_instance(n, seed=seed)
            name = f"ahuja{n}x{n} s{seed}"
            ex, t_ex = _timed(partial(solve, p, "exact", time_limit=60.0), reps)
            base = kelley(p, 30.0 if quick else 120.0) if seed == seeds[0] else ""
            line(name, "exact", ex, t_ex, base)
            budget = 0.05 if n >= 200 else 0.02
            lo, t_lo = _timed(partial(solve, p, "local", time_limit=budget, bound=False), reps)
            line(name, "local", lo, t_lo, f"| {100 * (lo.objective / ex.objective - 1):.3f}% "
                 f"above the optimum (search only, budget {budget}s)")
            gr, t_gr = _timed(partial(solve, p, "greedy", bound=False), reps)
            line(name, "greedy", gr, t_gr,
                 f"| {100 * (gr.objective / ex.objective - 1):.3f}% above the optimum")
    # --- Andersen set
    if DATA.exists():
        names = ["50x100x1", "100x200x1"] if quick else [
            f"{w}x{2 * w}x1" for w in (50, 100, 150, 200, 250, 300)]
        for nm in names:
            p = read_instance(DATA / f"wta_{nm}.txt.gz")
            ex, t_ex = _timed(partial(solve, p, "exact", time_limit=600.0), reps)
            lb_p, ub_p, t_p = PUBLISHED[nm]
            base = kelley(p, 60.0 if quick else 300.0) if nm == "100x200x1" else ""
            line(nm, "exact", ex, t_ex, base,
                 f"| published lb {lb_p} ub {ub_p} proof {t_p}s")
        mu_names = ["50x100x2"] if quick else [
            f"{w}x{2 * w}x{mu}" for mu in (2, 3) for w in (50, 100, 150, 200, 250, 300)]
        for nm in mu_names:
            p = read_instance(DATA / f"wta_{nm}.txt.gz")
            ex, t_ex = _timed(partial(solve, p, "exact", time_limit=limit_mu), 1)
            lb_p, ub_p, t_p = PUBLISHED[nm]
            pub_gap = (ub_p - lb_p) / ub_p
            verdict = []
            if ex.lower_bound > lb_p:
                verdict.append("better lb")
            if ex.objective < ub_p - 1e-6 * ub_p:
                verdict.append("better ub")
            line(nm, "exact", ex, t_ex, "",
                 f"| published lb {lb_p} ub {ub_p} gap {pub_gap:.1e} (7200s) "
                 f"{' '.join(verdict)}")
    else:
        print(f"(Andersen files not found under {DATA}; set SKYSHIELD_WTA_DATA)")
    # --- large instance, local with a bound
    n_big = 300 if quick else 1000
    p = ahuja_instance(n_big, seed=1)
    lo, t_lo = _timed(partial(solve, p, "local", time_limit=1.0), reps)
    line(f"ahuja{n_big}x{n_big} s1", "local", lo, t_lo, "| with certified lower bound")
    return rows


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``--quick``, ``--repeats N``, ``--no-baseline``, ``--mu-limit S``."""
    import argparse

    ap = argparse.ArgumentParser(prog="bench_wta", description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--mu-limit", type=float, default=None,
                    help="seconds per Andersen mu = 2, 3 instance (default 120; quick 20)")
    args = ap.parse_args(argv)
    np.seterr(all="ignore")
    run_benchmark(args.quick, args.repeats, not args.no_baseline, args.mu_limit)
    return 0
