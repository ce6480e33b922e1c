"""C2 assignment policies on the flagship: ``python -m benchmarks.bench_policy``.

Runs ``examples/vip-transit.yaml`` under ``c2.policy`` = ``greedy``, ``local`` and ``exact``
with the same seed (common random numbers) and reports, per policy: the VIP's loss
probability with its 95 % Wilson interval, the paired difference against ``greedy`` (the
baseline), the shots and the defence cost per replication, and the wall time (median and
spread over repeats, after a warm-up that compiles the kernel).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from skyshield.scenario import Scenario

FLAGSHIP = Path(__file__).resolve().parents[1] / "examples" / "vip-transit.yaml"
POLICIES = ("greedy", "local", "exact")


def _variant(policy: str, time_s: float) -> Scenario:
    from skyshield.scenario import load_scenario, scenario_from_dict

    d = load_scenario(FLAGSHIP).model_dump(mode="json")
    d["c2"]["policy"] = policy
    if policy == "exact":
        d["c2"]["policy_time_s"] = time_s
    return scenario_from_dict(d)


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print a Markdown table; returns 0."""
    ap = argparse.ArgumentParser(prog="bench_policy", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="few replications, one repeat")
    ap.add_argument("--replications", type=int, default=None)
    ap.add_argument("--exact-replications", type=int, default=None,
                    help="replications for exact (its HiGHS solves are slow); the first "
                         "ones of the same seed, compared with the same rows of greedy")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--exact-time", type=float, default=1.0,
                    help="c2.policy_time_s for exact, seconds (default 1.0)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    reps = a.replications or (40 if a.quick else 1000)
    reps_exact = min(reps, a.exact_replications or (10 if a.quick else 100))
    repeats = a.repeats or (1 if a.quick else 3)

    import skyshield
    from skyshield.results import paired_difference

    print(f"# C2 policies on {FLAGSHIP.name}: {platform.platform()}, "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"numba threads {os.environ.get('NUMBA_NUM_THREADS', 'default')}")
    print(f"seed {a.seed}; {reps} replications ({reps_exact} for exact, "
          f"policy_time_s = {a.exact_time}); wall time over {repeats} repeat(s)\n")
    res = {}
    wall = {}
    same = dict.fromkeys(POLICIES, True)
    for pol in POLICIES:
        sc = _variant(pol, a.exact_time)
        n = reps_exact if pol == "exact" else reps
        skyshield.simulate(sc, replications=1, seed=a.seed, record=0)  # compile / warm up
        times = []
        for k in range(repeats):
            t0 = time.perf_counter()
            r = skyshield.simulate(sc, replications=n, seed=a.seed, record=0)
            times.append(time.perf_counter() - t0)
            if k == 0:
                res[pol] = r
            elif not all(np.array_equal(r.outcome[f], res[pol].outcome[f], equal_nan=True)
                         for f in ("asset_lost", "asset_loss_time_s", "eff_shots")):
                same[pol] = False
        wall[pol] = np.array(times)
    g = res["greedy"]
    print("| policy | reps | P(VIP lost) [95 %] | Δ vs greedy [95 %] (paired) | shots/rep "
          "| Δ shots (paired) | defence cost/rep (USD) | Δ cost (paired) | wall s "
          "(median, min–max) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for pol in POLICIES:
        r = res[pol]
        n = r.replications
        p, lo, hi = r.p_loss(0)
        dl = paired_difference(g.asset_lost[:n, 0], r.asset_lost[:, 0])
        sg = g.outcome["eff_shots"][:n].sum(axis=1)
        s = r.outcome["eff_shots"].sum(axis=1)
        ds = paired_difference(sg, s)
        cg = g.outcome["defence_cost"][:n]
        c = r.outcome["defence_cost"]
        dc = paired_difference(cg, c)
        w = wall[pol]
        print(f"| {pol} | {n} | {p:.4f} [{lo:.4f}, {hi:.4f}] "
              f"| {dl[0]:+.4f} [{dl[1]:+.4f}, {dl[2]:+.4f}] | {s.mean():.1f} "
              f"| {ds[0]:+.2f} [{ds[1]:+.2f}, {ds[2]:+.2f}] | {c.mean():,.0f} "
              f"| {dc[0]:+,.0f} [{dc[1]:+,.0f}, {dc[2]:+,.0f}] "
              f"| {np.median(w):.2f} ({w.min():.2f}–{w.max():.2f}) |")
    print("\nrepeats bit-identical: "
          + ", ".join(f"{pol} {'yes' if same[pol] else 'NO'}" for pol in POLICIES)
          + ("" if repeats > 1 else " (one repeat: not checked)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
