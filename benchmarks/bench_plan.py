"""Benchmarks of the planner, each beside the baseline or peer it is measured against.

    .venv/bin/python -m benchmarks.bench_plan [--quick] [--json FILE] [--dobss-limit S]

1. Route search, 200 × 200 cells × 120 ticks (4.8 M space-time states): the layered sweep
   against plain space-time A* on the same graph (same optimum checked).
2. Stackelberg game, 1,000 plans × 100 adversary options, 1 and 10 adversary types: the
   compact LP on HiGHS against the DOBSS MILP on HiGHS (time-limited).
3. Route-versus-ambush game on a time-expanded graph of ~1.07 M arcs (30 × 30 cells × 140
   ticks, 100 ambush options): column generation with the sweep as pricing, against the
   generic arc-flow LP on HiGHS (same optimum checked).
4. The flagship plan end to end (no Monte Carlo), its game solved to a 1e-4 gap; baseline: the
   same game with one route per pricing sweep.

Reports the machine, the median and the spread (min–max) over repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np


def _timed(fn: Callable[[], Any], repeats: int) -> tuple[dict[str, float], Any]:
    times = []
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
            "repeats": repeats}, out


def _fmt(t: dict[str, float]) -> str:
    return f"{t['median_s']:8.3f} s  [{t['min_s']:.3f} – {t['max_s']:.3f}] (n={t['repeats']})"


def _route_field(nx: int, ny: int, T: int, floor: float, seed: int) -> np.ndarray:
    """Smooth threat bumps that move over time, on a floor: a field with structure."""
    rng = np.random.default_rng(seed)
    ks = np.arange(nx * ny)
    cx, cy = ks % nx, ks // nx
    hz = np.full((T, nx * ny), floor)
    for _ in range(12):
        x0, y0, vx, vy = rng.uniform(0, nx), rng.uniform(0, ny), *rng.normal(0, 0.4, 2)
        for t in range(T):
            hz[t] += 1e-3 * np.exp(-((cx - x0 - vx * t) ** 2 + (cy - y0 - vy * t) ** 2) / 200.0)
    return hz


def bench_route(quick: bool) -> dict[str, Any]:
    from skyshield.plan.route import min_risk_route, space_time_astar

    nx = ny = 200
    T = 120
    min_risk_route(np.zeros((8, 4)), 2, 2, 0, 1, (0, 1))  # compile outside the timing
    space_time_astar(np.zeros((8, 4)), 2, 2, 0, 1, (0, 1))
    reps = 3 if quick else 7
    out: dict[str, Any] = {"states": nx * ny * T}
    # "near": 45 cells, a hazard floor that makes A*'s heuristic informative;
    # "far": 55 cells (110 of the 120 ticks), no floor: A* degenerates to Dijkstra
    for case, floor, dist in (("near", 2e-5, 45), ("far", 0.0, 55)):
        hz = _route_field(nx, ny, T, floor, seed=4)
        origin, dest = 100 * nx + 5, 100 * nx + 5 + dist
        dep = (0, 40) if case == "near" else (0, 10)

        def sweep(hz: np.ndarray = hz, o: int = origin, d: int = dest,
                  w: tuple[int, int] = dep) -> Any:
            return min_risk_route(hz, nx, ny, o, d, w)

        def astar(hz: np.ndarray = hz, o: int = origin, d: int = dest,
                  w: tuple[int, int] = dep) -> Any:
            return space_time_astar(hz, nx, ny, o, d, w)

        t_sweep, r = _timed(sweep, reps)
        t_astar, (a_val, expanded) = _timed(astar, reps)
        out[case] = {"sweep": t_sweep, "astar": t_astar, "astar_expanded": int(expanded),
                     "hazard_sweep": r.hazard, "hazard_astar": a_val,
                     "same_optimum": bool(abs(r.hazard - a_val) <= 1e-12 * (1 + a_val))}
    return out


def _structured_losses(n: int, m: int, types: int, seed: int) -> list[np.ndarray]:
    """Plans × ambush options: a background risk per plan, and each option hits the few
    plans that pass its place in its window hard (cover sets of ~5 % of plans)."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.005, 0.05, n)
    out = []
    for _ in range(types):
        hit = rng.random((n, m)) < 0.05
        dmg = np.where(hit, rng.uniform(0.5, 3.0, (n, m)), rng.uniform(0, 0.02, (n, m)))
        out.append(-np.expm1(-(base[:, None] + dmg)))
    return out


def bench_game(quick: bool, dobss_limit: float) -> dict[str, Any]:
    from skyshield.plan.game import dobss, solve_zero_sum

    n, m = 1000, 100
    res: dict[str, Any] = {"plans": n, "options": m}
    reps = 3 if quick else 5
    for K in (1, 10):
        Ls = _structured_losses(n, m, K, seed=K)
        prior = np.full(K, 1.0 / K)

        def lp(Ls: list[np.ndarray] = Ls, prior: np.ndarray = prior) -> Any:
            return solve_zero_sum(Ls, prior)

        t, sol = _timed(lp, reps)
        res[f"lp_{K}_types"] = t | {"value": sol.value, "support": len(sol.support())}
        t0 = time.perf_counter()
        try:
            d = dobss(Ls, Ls, prior, time_limit=dobss_limit)
            res[f"dobss_{K}_types"] = {"seconds": time.perf_counter() - t0, "value": d.value,
                                       "status": d.status, "time_limit_s": dobss_limit}
        except RuntimeError as exc:  # no incumbent within the limit
            res[f"dobss_{K}_types"] = {"seconds": time.perf_counter() - t0, "value": None,
                                       "status": str(exc), "time_limit_s": dobss_limit}
    return res


def bench_flow(quick: bool) -> dict[str, Any]:
    from skyshield.plan.flowlp import solve_synthetic_cg, solve_synthetic_lp, synthetic_game

    nx, ny, T, J = (12, 10, 60, 30) if quick else (30, 30, 140, 100)
    inst = synthetic_game(nx, ny, T, J, seed=1)
    solve_synthetic_cg(synthetic_game(4, 3, 12, 2, seed=0), 4, 3)  # compile
    t_cg, (value, log) = _timed(lambda: solve_synthetic_cg(inst, nx, ny, rel_tol=1e-6),
                                2 if quick else 3)
    t0 = time.perf_counter()
    lp_value, info = solve_synthetic_lp(inst, nx, ny)
    lp_total = time.perf_counter() - t0
    return {"grid": [nx, ny, T], "options": J, "arcs": int(info["arcs"]),
            "cg": t_cg, "cg_iterations": log.iterations, "cg_routes": log.columns,
            "cg_value": value, "lp_value": lp_value, "lp_solve_s": info["seconds"],
            "lp_total_s": lp_total,
            "same_optimum": bool(abs(value - lp_value) <= 1e-6 * abs(lp_value) + 1e-12)}


def bench_flagship(quick: bool) -> dict[str, Any]:
    """The flagship plan with the default spec (game solved to a 1e-4 gap), and the same
    game with one route per pricing sweep (plain column generation) as the baseline."""
    import skyshield
    from skyshield.plan import PlanSpec, plan_flight

    sc = skyshield.load_scenario("examples/vip-transit.yaml")
    spec = PlanSpec(mc_replications=0)
    t, out = _timed(lambda: plan_flight(sc, spec, verify_plans=False), 1 if quick else 3)
    d = out.to_dict()
    base_spec = PlanSpec(mc_replications=0, route_pool=1,
                         game_time_limit_s=60.0 if quick else 300.0)
    tb, base = _timed(lambda: plan_flight(sc, base_spec, verify_plans=False), 1)
    db = base.to_dict()
    return {"total": t, "stages_s": d["timings_s"], "risk_randomised_q0":
            d["leak_curve"][0]["risk_randomised"], "risk_fixed": d["risk_fixed"],
            "game": d["game"], "options": d["adversary"]["options"],
            "options_offered": d["adversary"]["options_offered"],
            "baseline_one_route_per_sweep": {"total": tb, "game_s": db["timings_s"]["game"],
                                             "game": db["game"]}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench_plan", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--dobss-limit", type=float, default=None,
                    help="seconds allowed to each DOBSS MILP (default 20 quick, 600 full)")
    args = ap.parse_args(argv)
    limit = args.dobss_limit or (20.0 if args.quick else 600.0)
    machine = {"platform": platform.platform(), "python": platform.python_version(),
               "cpus": os.cpu_count(), "load_avg_1m": os.getloadavg()[0]}
    print(f"machine: {machine['platform']}, {machine['cpus']} CPUs, "
          f"load {machine['load_avg_1m']:.1f}")
    out: dict[str, Any] = {"machine": machine, "quick": args.quick}

    rr = out["route"] = bench_route(args.quick)
    print(f"\n[1] route search, {rr['states'] / 1e6:.1f} M space-time states (target <= 1 s)")
    for case in ("near", "far"):
        r = rr[case]
        print(f"    {case}: layered sweep {_fmt(r['sweep'])}")
        print(f"    {case}: space-time A* {_fmt(r['astar'])}  ({r['astar_expanded']} "
              f"expansions; same optimum: {r['same_optimum']})")

    g = out["game"] = bench_game(args.quick, limit)
    print(f"\n[2] Stackelberg game, {g['plans']} plans x {g['options']} options "
          "(targets: 1 type <= 1 s, 10 types <= 10 s)")
    for K in (1, 10):
        lp, db = g[f"lp_{K}_types"], g[f"dobss_{K}_types"]
        print(f"    {K:>2} type(s)  compact LP {_fmt(lp)}  value {lp['value']:.6f}")
        val = "-" if db["value"] is None else f"{db['value']:.6f}"
        print(f"              DOBSS MILP {db['seconds']:8.3f} s  value {val}  ({db['status']})")

    f = out["flow"] = bench_flow(args.quick)
    print(f"\n[3] route-versus-ambush game, {f['arcs'] / 1e6:.2f} M arcs, {f['options']} options"
          " (target <= 60 s)")
    print(f"    column generation {_fmt(f['cg'])}  ({f['cg_iterations']} iterations, "
          f"{f['cg_routes']} routes)")
    print(f"    generic arc LP    {f['lp_total_s']:8.3f} s  (HiGHS solve {f['lp_solve_s']:.1f} s)")
    print(f"    same optimum: {f['same_optimum']} ({f['cg_value']:.8f} vs {f['lp_value']:.8f})")

    p = out["flagship"] = bench_flagship(args.quick)
    print(f"\n[4] flagship plan (vip-transit, no Monte Carlo) {_fmt(p['total'])}")
    print(f"    stages: {p['stages_s']}")
    print(f"    risk randomised (q=0) {p['risk_randomised_q0']:.3f}, best fixed "
          f"{p['risk_fixed']:.3f}; {p['options']} of {p['options_offered']} ambush options")
    gm = p["game"]
    print(f"    game: {gm['status']}, gap {gm['gap']:.1e}, {gm['iterations']} iterations, "
          f"{gm['columns']} routes, {p['stages_s']['game']:.1f} s")
    b = p["baseline_one_route_per_sweep"]
    print(f"    baseline, one route per sweep: {b['game']['status']}, gap "
          f"{b['game']['gap']:.1e}, {b['game']['iterations']} iterations, {b['game_s']:.1f} s")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=2, default=float)
    return 0


if __name__ == "__main__":
    sys.exit(main())
