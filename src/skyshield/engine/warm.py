"""Fill numba's on-disk cache before work that needs the compiled code: ``python -m
skyshield.engine.warm SCENARIO``.

Compiles (or loads) the kernel's batch loop and its recording path on ``SCENARIO`` and the
multi-target tracker (GNN and JPDA) on a small synthetic scan. ``make test`` runs it beside
the linters, so that the test workers load the kernel from the cache instead of each
compiling it at once (about a minute of CPU each on a cold cache).
"""

from __future__ import annotations

import sys
import time


def warm(scenario_path: str) -> dict[str, float]:
    """Compile everything :mod:`skyshield.engine.warm` names; seconds per part."""
    from skyshield.engine import compile_scenario, record_replication, run_batch
    from skyshield.scenario import load_scenario
    from skyshield.track.sim import make_detections, make_truth, run_scans
    from skyshield.track.tracker import make_params

    took: dict[str, float] = {}
    t0 = time.perf_counter()
    cs = compile_scenario(load_scenario(scenario_path))
    run_batch(cs, 1, 0, 1)
    record_replication(cs, 1, 0)
    took["kernel"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    det = make_detections(make_truth(4, 5, 1.0, 2000.0, 20.0, 1.0, 1), 0.9, 20.0, 2.0, 1)
    for mode in (0, 1):
        run_scans(det, make_params(1.0, 16.0, 2, 3, 3, 30.0, mode=mode), 32)
    took["tracker"] = time.perf_counter() - t0
    return took


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m skyshield.engine.warm SCENARIO.yaml", file=sys.stderr)
        return 2
    took = warm(args[0])
    print("numba cache warm: " + ", ".join(f"{k} {v:.0f} s" for k, v in took.items()))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
