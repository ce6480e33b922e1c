"""Cost of one bridge posterior (``skyshield.track.intent``): full against pruned.

Run: ``.venv/bin/python -m benchmarks.bench_intent [-a 6] [--margin 30] [--tau-max 1800]``.
Flagship-like tracks (256, from the border towards one of the five sites or the VIP's
straight plan, position σ 20–60 m, velocity σ 1–4 m/s), q = 1, K = 16 cells; a numba loop
calls each function 40 000 times after compiling, best of 3. Prints the share of terms the
pruned form skips, its largest |ΔP| against the full form, and µs per call.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import numpy as np
from numba import njit

from skyshield.track.intent import bridge_posterior, bridge_posterior_fast, tau_grid

K = 16
SITES = np.array([[30000, 8000], [72000, 17000], [108000, 9000], [55000, 6000],
                  [92000, 24000]], dtype=np.float64)


@njit
def _loop_full(ms: Any, ps: Any, dest: Any, sigma: Any, lp: Any, kappa: float, q: float,
               tau: Any, w: Any, h: Any, out: Any, n: int) -> float:
    s = 0.0
    for i in range(n):
        j = i % ms.shape[0]
        bridge_posterior(ms[j], ps[j], dest, sigma, lp, kappa, q, tau, w, h, out)
        s += out[0]
    return s


@njit
def _loop_fast(ms: Any, ps: Any, dest: Any, sigma: Any, lp: Any, kappa: float, q: float,
               tau: Any, w: Any, h: Any, margin: float, out: Any, n: int) -> int:
    s = 0
    for i in range(n):
        j = i % ms.shape[0]
        s += bridge_posterior_fast(ms[j], ps[j], dest, sigma, lp, kappa, q, tau, w, h,
                                   margin, out)
    return s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench_intent", description=__doc__)
    ap.add_argument("-a", "--assets", type=int, default=6)
    ap.add_argument("--margin", type=float, default=30.0)
    ap.add_argument("--tau-max", type=float, default=1800.0)
    args = ap.parse_args(argv)
    n_a = args.assets
    rng = np.random.default_rng(1)
    extra = rng.uniform([0, -15000], [125000, 35000], (max(n_a - 6, 0), 2))
    fixed = np.vstack([SITES, extra])[:n_a - 1]
    tau, w, h = tau_grid(args.tau_max, K)
    dest = np.empty((n_a, K, 2))
    dest[0] = np.array([20000.0, 6000.0]) + np.array([55.0, 18.0]) * tau[:, None]
    dest[1:] = fixed[:, None, :]
    sigma = np.r_[500.0, np.full(n_a - 1, 1000.0)]
    lp = np.log(np.r_[np.full(n_a, 0.95 / n_a), 0.05])
    n_tr = 256
    ms = np.zeros((n_tr, 4))
    ps = np.zeros((n_tr, 4, 4))
    for i in range(n_tr):
        goal = fixed[rng.integers(len(fixed))] if rng.random() < 0.85 else dest[0, 0]
        start = np.array([rng.uniform(20000, 120000), 39000.0])
        pos = start + rng.uniform(0.05, 0.95) * (goal - start)
        v = (goal - start) / np.hypot(*(goal - start)) * rng.uniform(40, 60)
        ms[i] = [*(pos + rng.normal(0, 30, 2)), *(v + rng.normal(0, 2, 2))]
        sp, sv = rng.uniform(20, 60) ** 2, rng.uniform(1, 4) ** 2
        c = 0.3 * np.sqrt(sp * sv)
        ps[i] = np.array([[sp, 0, c, 0], [0, sp, 0, c], [c, 0, sv, 0], [0, c, 0, sv]])
    kappa, q = 1.0 / (140e3 * 60e3), 1.0
    full = np.empty(n_a + 1)
    fast = np.empty(n_a + 1)
    d_max = 0.0
    skipped = 0
    for i in range(n_tr):
        bridge_posterior(ms[i], ps[i], dest, sigma, lp, kappa, q, tau, w, h, full)
        skipped += bridge_posterior_fast(ms[i], ps[i], dest, sigma, lp, kappa, q, tau, w, h,
                                         args.margin, fast)
        d_max = max(d_max, float(np.abs(full - fast).max()))
    print(f"A = {n_a}, K = {K}, tau_max = {args.tau_max:g} s, margin = {args.margin:g}: "
          f"{skipped / (n_tr * n_a * K):.1%} of terms skipped, max |dP| = {d_max:.1e}")
    n = 40_000
    runs = (("full", _loop_full, ()), ("fast", _loop_fast, (args.margin,)))
    for name, f, extra_args in runs:
        f(ms, ps, dest, sigma, lp, kappa, q, tau, w, h, *extra_args, full, 5)
        best = np.inf
        for _ in range(3):
            t0 = time.perf_counter()
            f(ms, ps, dest, sigma, lp, kappa, q, tau, w, h, *extra_args, full, n)
            best = min(best, time.perf_counter() - t0)
        print(f"  {name}: {best / n * 1e6:.2f} us/call (best of 3 x {n:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
