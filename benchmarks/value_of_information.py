"""The value of information on every example: ``c2.information: truth`` (as written) against
``tracks`` (docs/model.md §4.5.2), paired replication by replication (common random numbers).

Run: ``.venv/bin/python -m benchmarks.value_of_information [-n 500] [--seed 1]``. For each
example: P(each moving asset lost) and the value lost at the fixed sites under both
settings, and the paired difference with its 95 % interval (normal approximation on the
per-replication differences), and the rounds fired.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _ci(d: np.ndarray) -> tuple[float, float, float]:
    m = float(d.mean())
    h = 1.96 * float(d.std(ddof=1)) / math.sqrt(d.size) if d.size > 1 else math.nan
    return m, m - h, m + h


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="value_of_information", description=__doc__)
    ap.add_argument("-n", "--replications", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from skyshield.engine import compile_scenario, run_batch
    from skyshield.scenario import load_scenario

    for path in sorted((ROOT / "examples").glob("*.yaml")):
        sc = load_scenario(path)
        runs = {}
        for info in ("truth", "tracks"):
            v = sc.model_copy(update={"c2": sc.c2.model_copy(update={"information": info})})
            cs = compile_scenario(v)
            runs[info] = (cs, run_batch(cs, args.seed, 0, args.replications))
        cs, t = runs["truth"]
        _, k = runs["tracks"]
        fixed = np.array([kind == "fixed" for kind in cs.asset_kinds])
        vals = cs.asset_values
        print(f"{path.name}: {args.replications} paired replications, seed {args.seed}")
        for a, name in enumerate(cs.asset_names):
            if fixed[a]:
                continue
            d = k.asset_lost[:, a].astype(float) - t.asset_lost[:, a]
            m, lo, hi = _ci(d)
            print(f"  P({name} lost): truth {t.asset_lost[:, a].mean():.2%}, tracks "
                  f"{k.asset_lost[:, a].mean():.2%}, Δ {m * 100:+.2f} pt [{lo * 100:+.2f}, "
                  f"{hi * 100:+.2f}]")
        st = (t.asset_lost[:, fixed] * vals[fixed]).sum(axis=1)
        sk = (k.asset_lost[:, fixed] * vals[fixed]).sum(axis=1)
        m, lo, hi = _ci(sk - st)
        print(f"  value lost at the sites: truth {st.mean():.2f}, tracks {sk.mean():.2f}, "
              f"Δ {m:+.2f} [{lo:+.2f}, {hi:+.2f}]")
        rt, rk = t.eff_shots.sum(axis=1), k.eff_shots.sum(axis=1)
        false_rounds = (rk - k.wave_eff_shots.sum(axis=(1, 2))).mean()
        print(f"  rounds: truth {rt.mean():.1f}, tracks {rk.mean():.1f} (in no wave's row: "
              f"false tracks, friendly fire {false_rounds:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
