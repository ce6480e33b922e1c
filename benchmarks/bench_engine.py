"""Engine benchmark: replications/s and drone-steps/s of the compiled kernel on the flagship
scenario, a raid-size scaling series up to 10,000 drones in one raid, and the plain-Python
reference on the same scenario for the speed-up ratio.

Run: ``.venv/bin/python -m benchmarks.bench_engine [--quick] [--reps N] [--repeats K]``.
Compilation happens once (cached on disk) before any timing.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "examples" / "vip-transit.yaml"
TERRAIN = ROOT / "examples" / "vip-transit-terrain.yaml"


def _stats(xs: list[float]) -> str:
    med = statistics.median(xs)
    return f"median {med:.3f} s (min {min(xs):.3f}, max {max(xs):.3f}, n={len(xs)})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench_engine", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="small counts, for a smoke run")
    ap.add_argument("--reps", type=int, default=None, help="replications per timing")
    ap.add_argument("--repeats", type=int, default=None, help="timings per measurement")
    ap.add_argument("--threads", type=int, default=None, help="numba threads (default: all)")
    ap.add_argument("--no-reference", action="store_true", help="skip the slow reference")
    args = ap.parse_args(argv)

    import numba

    from skyshield.engine import compile_scenario, run_batch
    from skyshield.engine.reference import run_replication
    from skyshield.scenario import load_scenario

    if args.threads:
        numba.set_num_threads(args.threads)
    reps = args.reps or (100 if args.quick else 1000)
    repeats = args.repeats or (3 if args.quick else 5)
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, numba {numba.__version__}, "
          f"{numba.get_num_threads()} threads, python {sys.version.split()[0]}")
    try:
        print(f"load average: {os.getloadavg()[0]:.2f} (timings on a busy machine are slower)")
    except OSError:  # pragma: no cover
        pass

    sc = load_scenario(FLAGSHIP)
    cs = compile_scenario(sc)
    t0 = time.perf_counter()
    run_batch(cs, 0, 0, 2)
    print(f"first call (compile or load from cache): {time.perf_counter() - t0:.1f} s")

    # ---- flagship throughput
    times = []
    cpus = []
    steps = 0
    for k in range(repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        out = run_batch(cs, k + 1, 0, reps)
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        steps = int(out.drone_steps.sum())
    med = statistics.median(times)
    cpu = statistics.median(cpus)
    nominal = cs.n_drones_max * cs.n_steps * reps
    print(f"\nflagship {FLAGSHIP.name}: {cs.n_drones_max} drones, {len(cs.effector_names)} "
          f"effectors, {len(cs.sensor_names)} sensors, {cs.n_steps} steps of {cs.dt_s:g} s")
    print(f"  {reps} replications: {_stats(times)}")
    print(f"  {reps / med:,.0f} replications/s; time for 1,000 replications "
          f"{1000 * med / reps:.2f} s (target <= 5 s on 2 cores)")
    nt = numba.get_num_threads()
    print(f"  CPU time {cpu / reps * 1000:.2f} ms/replication (all threads): on {nt} idle cores "
          f"1,000 replications would take ~{1000 * cpu / reps / nt:.2f} s (wall/CPU = "
          f"{med / cpu * nt:.2f}: above 1 means the cores were shared)")
    print(f"  {steps / med:,.3e} airborne drone-steps/s ({steps / reps:,.0f} per replication); "
          f"{nominal / med:,.3e} nominal drone-steps/s (all drones x all steps)")

    # ---- what C2 knows: the flagship under c2.information: tracks (+ intent), CPU per
    # replication against truth, interleaved on the same machine (docs/model.md §4.5.2)
    info_reps = max(20, reps // 10)
    variants = [("truth", {}), ("tracks", {"information": "tracks"}),
                ("tracks + heading", {"information": "tracks", "intent": "heading"}),
                ("tracks + bridge", {"information": "tracks", "intent": "bridge"})]
    compiled = [compile_scenario(sc.model_copy(update={"c2": sc.c2.model_copy(update=u)}))
                for _n, u in variants]
    cpu_v: dict[str, list[float]] = {n: [] for n, _u in variants}
    for k in range(max(2, repeats // 2)):
        for (name, _u), csv in zip(variants, compiled, strict=True):
            c0 = time.process_time()
            run_batch(csv, k + 1, 0, info_reps)
            cpu_v[name].append((time.process_time() - c0) / info_reps)
    base_cpu = statistics.median(cpu_v["truth"])
    print(f"\nwhat C2 knows (flagship, {info_reps} replications x {max(2, repeats // 2)} "
          f"interleaved timings, CPU time per replication, median [min, max]):")
    for name, xs in cpu_v.items():
        m = statistics.median(xs)
        print(f"  {name:<17} {m * 1000:8.2f} ms [{min(xs) * 1000:.2f}, {max(xs) * 1000:.2f}]"
              f"  x{m / base_cpu:.2f} of truth (target <= 3 with tracks + intent)")

    # ---- terrain (docs/model.md §4.9): the flagship over its synthetic relief against flat
    # Earth, CPU per replication interleaved; compile time of the rasters beside it
    t0 = time.perf_counter()
    cs_ter = compile_scenario(load_scenario(TERRAIN))
    t_comp = time.perf_counter() - t0
    run_batch(cs_ter, 0, 0, 2)
    p_ter = cs_ter.params
    cpu_t: dict[str, list[float]] = {"flat Earth": [], "terrain": []}
    for k in range(max(2, repeats // 2)):
        for name, csv in (("flat Earth", cs), ("terrain", cs_ter)):
            c0 = time.process_time()
            run_batch(csv, k + 1, 0, info_reps)
            cpu_t[name].append((time.process_time() - c0) / info_reps)
    flat_cpu = statistics.median(cpu_t["flat Earth"])
    print(f"\nterrain ({TERRAIN.name}: {p_ter.ter_z.shape[1]} x {p_ter.ter_z.shape[0]} nodes "
          f"of {p_ter.ter_cell:g} m; compiled with its viewsheds in {t_comp:.2f} s), "
          f"{info_reps} replications x {max(2, repeats // 2)} interleaved timings, CPU time "
          f"per replication, median [min, max]:")
    for name, xs in cpu_t.items():
        m = statistics.median(xs)
        print(f"  {name:<17} {m * 1000:8.2f} ms [{min(xs) * 1000:.2f}, {max(xs) * 1000:.2f}]"
              f"  x{m / flat_cpu:.2f} of flat Earth (target <= 1.3)")

    # ---- scaling with raid size (one raid grows; the others as in the flagship)
    counts = [140, 1400, 10000] if not args.quick else [140, 2000]
    print("\nscaling: 'Shahed wave west' grows to N drones (CPU time: robust to shared cores)")
    base_per = None
    for n in counts:
        raids = [r.model_copy(update={"count": n}) if r.name == "Shahed wave west" else r
                 for r in sc.raids]
        csn = compile_scenario(sc.model_copy(update={"raids": raids}))
        rn = max(4, reps * 140 // (n * 5))
        run_batch(csn, 0, 0, 1)
        ts = []
        cs_ = []
        for k in range(max(2, repeats // 2)):
            c0 = time.process_time()
            t0 = time.perf_counter()
            o = run_batch(csn, k + 1, 0, rn)
            ts.append(time.perf_counter() - t0)
            cs_.append(time.process_time() - c0)
        mc = statistics.median(cs_)
        ds = int(o.drone_steps.sum())
        per = mc / ds
        base_per = base_per or per
        print(f"  N={n:>6} ({csn.n_drones_max} drones in all): {rn} reps, wall {_stats(ts)}; "
              f"CPU {mc / rn * 1000:.1f} ms/replication, {per * 1e9:.1f} CPU-ns per "
              f"drone-step (x{per / base_per:.2f} of the first row), "
              f"{ds / rn:,.0f} drone-steps/replication")

    # ---- the slow reference on the same scenario
    if not args.no_reference:
        ref_reps = 1
        t0 = time.perf_counter()
        for r in range(ref_reps):
            run_replication(cs, 1, r)
        tr = (time.perf_counter() - t0) / ref_reps
        tk = med / reps
        print(f"\nreference (plain Python), flagship: {tr:.1f} s/replication "
              f"(1 replication); kernel {tk * 1000:.2f} ms/replication with "
              f"{numba.get_num_threads()} threads: speed-up x{tr / tk:,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
