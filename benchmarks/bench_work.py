"""What an entity-step costs: the work count of ``skyshield.engine.size`` against CPU time.

For each example scenario, and a sparse one (few drones, a long run), prints the entity-steps
of one replication (the count the work limit is on), the kernel's CPU time per replication
on one thread, and their ratio in nanoseconds per entity-step — the figures
``docs/scenario.md`` ("Limits") quotes to turn the limit into hours.

Run: ``.venv/bin/python -m benchmarks.bench_work [--reps N]``. Compilation happens once
(cached on disk) before any timing.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench_work", description=__doc__)
    ap.add_argument("--reps", type=int, default=200, help="replications per scenario")
    args = ap.parse_args(argv)

    import numba

    from skyshield.engine import compile_scenario, run_batch
    from skyshield.engine.size import run_size
    from skyshield.scenario import load_scenario, scenario_from_dict

    numba.set_num_threads(1)
    scenarios = {p.stem: load_scenario(p) for p in sorted((ROOT / "examples").glob("*.yaml"))}
    sparse = scenarios["residence-defence"].model_dump(mode="json")
    sparse["name"] = "sparse: 10 drones, 24 h"
    sparse["duration_s"] = 86_400
    for r in sparse["raids"]:
        r["count"] = max(1, r["count"] // 100)
    scenarios["sparse"] = scenario_from_dict(sparse)
    try:
        print(f"load average {os.getloadavg()[0]:.2f}; 1 thread; {args.reps} replications")
    except OSError:  # pragma: no cover
        pass
    print(f"{'scenario':<20} {'entity-steps/rep':>17} {'CPU s/rep':>10} {'ns/entity-step':>15}")
    for name, sc in scenarios.items():
        cs = compile_scenario(sc)
        run_batch(cs, 0, 0, 1)
        c0 = time.process_time()
        run_batch(cs, 1, 0, args.reps)
        cpu = (time.process_time() - c0) / args.reps
        work = run_size(sc).replication_work
        print(f"{name:<20} {work:>17.3g} {cpu:>10.4f} {cpu / work * 1e9:>15.2f}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
