"""Where the value of information comes from on the flagship: C2 on tracks with one source of
error removed at a time, each paired against C2 on the truth (common random numbers).

Run: ``.venv/bin/python -m benchmarks.information_sources [-n 300] [--seed 1]``. Settings
(``docs/model.md`` §4.5.2): tracks as the catalogue has them; without false alarms
(``false_alarms_per_scan: 0`` on every sensor); with perfect kill assessment
(``p_missed_kill = p_false_kill = 0``); with an unlimited acquisition basket
(``basket_m: 1e6`` on every effector); without the coast limit (``coast_s: 1e9``). For each:
P(VIP lost) and its paired Δ from truth with the 95 % interval, kills and rounds per
replication.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _variants(sc: Any) -> dict[str, Any]:
    def sensors(**p: float) -> Any:
        return sc.model_copy(update={"sensors": [
            s.model_copy(update={"params": {**s.params, **p}}) for s in sc.sensors]})

    def tracks(s: Any, **tr: float) -> Any:
        t = s.c2.tracker.model_copy(update=tr)
        return s.model_copy(update={"c2": s.c2.model_copy(
            update={"information": "tracks", "tracker": t})})

    effs = sc.model_copy(update={"effectors": [
        e.model_copy(update={"params": {**e.params, "basket_m": 1e6}}) for e in sc.effectors]})
    return {
        "truth": sc,
        "tracks (catalogue)": tracks(sc),
        "tracks, no false alarms": tracks(sensors(false_alarms_per_scan=0.0)),
        "tracks, perfect kill assessment": tracks(sensors(p_missed_kill=0.0, p_false_kill=0.0)),
        "tracks, unlimited basket": tracks(effs),
        "tracks, no coast limit": tracks(sc, coast_s=1e9),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="information_sources", description=__doc__)
    ap.add_argument("-n", "--replications", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from skyshield.engine import compile_scenario, run_batch
    from skyshield.results.stats import paired_difference
    from skyshield.scenario import load_scenario

    sc = load_scenario(ROOT / "examples" / "vip-transit.yaml")
    n, seed = args.replications, args.seed
    print(f"vip-transit.yaml: {n} paired replications, seed {seed}; Δ against truth, 95 %")
    base = None
    for name, v in _variants(sc).items():
        out = run_batch(compile_scenario(v), seed, 0, n)
        lost = out.asset_lost[:, 0].astype(float)
        kills = float(out.eff_kills.sum(axis=1).mean())
        rounds = float(out.eff_shots.sum(axis=1).mean())
        if base is None:
            base = lost
            print(f"  {name:<34} P(VIP lost) {lost.mean():7.2%}{'':27} kills {kills:6.1f}  "
                  f"rounds {rounds:6.1f}")
            continue
        m, lo, hi = paired_difference(base, lost)
        print(f"  {name:<34} P(VIP lost) {lost.mean():7.2%}  Δ {100 * m:+5.2f} pt "
              f"[{100 * lo:+5.2f}, {100 * hi:+5.2f}]  kills {kills:6.1f}  rounds {rounds:6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
