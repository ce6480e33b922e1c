"""P(VIP lost) on the flagship under ``c2.information: tracks`` with intent ``oracle``,
``nearest`` and ``bridge``, paired replication by replication (common random numbers).

Run: ``.venv/bin/python -m benchmarks.intent_outcomes [-n 500] [--seed 1]``. Prints each
setting's P(VIP lost) and the paired differences bridge − oracle and bridge − nearest with
95 % intervals (normal approximation on the per-replication differences), the same
replications as ``skyshield frontier … -n N --seed S`` runs for those designs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = {"oracle": {}, "nearest": {"intent": "nearest"}, "bridge": {"intent": "bridge"}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="intent_outcomes", description=__doc__)
    ap.add_argument("-n", "--replications", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from skyshield.engine import compile_scenario, run_batch
    from skyshield.results.stats import paired_difference
    from skyshield.scenario import load_scenario

    sc = load_scenario(ROOT / "examples" / "vip-transit.yaml")
    lost = {}
    for name, u in SETTINGS.items():
        c2 = sc.c2.model_copy(update={"information": "tracks", **u})
        cs = compile_scenario(sc.model_copy(update={"c2": c2}))
        lost[name] = run_batch(cs, args.seed, 0, args.replications).asset_lost[:, 0].astype(float)
    print(f"vip-transit.yaml, information: tracks, {args.replications} paired replications, "
          f"seed {args.seed}")
    for name, x in lost.items():
        print(f"  P(VIP lost), {name}: {x.mean():.2%}")
    for other in ("oracle", "nearest"):
        m, lo, hi = paired_difference(lost[other], lost["bridge"])
        print(f"  bridge - {other}: {100 * m:+.2f} pt [{100 * lo:+.2f}, {100 * hi:+.2f}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
