"""The value of information on every example: ``c2.information: truth`` (as written) against
``tracks`` (docs/model.md §4.5.2), paired replication by replication (common random numbers).

Run: ``.venv/bin/python -m benchmarks.value_of_information [-n 500] [--seed 1]``. For each
example: P(each moving asset lost) and the value lost at the fixed sites under both
settings, and the paired difference with its 95 % interval (normal approximation on the
per-replication differences), and the rounds fired. The numbers are those of
:func:`skyshield.analysis.value_of_information.paired_measures`, the helper behind
``skyshield report DIR --value-of-information N``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="value_of_information", description=__doc__)
    ap.add_argument("-n", "--replications", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from skyshield.analysis.value_of_information import SETTINGS, paired_measures
    from skyshield.montecarlo import simulate
    from skyshield.scenario import load_scenario
    from skyshield.scenario.paths import with_changes

    truth, tracks = (changes for _key, _label, changes in SETTINGS[:2])
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        sc = load_scenario(path)
        t, k = (simulate(with_changes(sc, changes), args.replications, args.seed, record=0)
                for changes in (truth, tracks))
        m0, m = paired_measures(t, t), paired_measures(t, k)
        print(f"{path.name}: {args.replications} paired replications, seed {args.seed}")
        for a, b in zip(m0["assets"], m["assets"], strict=True):
            lo, hi = b["d_p_loss_ci95"]
            print(f"  P({b['name']} lost): truth {a['p_loss']:.2%}, tracks {b['p_loss']:.2%}, "
                  f"Δ {b['d_p_loss'] * 100:+.2f} pt [{lo * 100:+.2f}, {hi * 100:+.2f}]")
        lo, hi = m["d_site_value_ci95"]
        print(f"  value lost at the sites: truth {m0['site_value']:.2f}, "
              f"tracks {m['site_value']:.2f}, Δ {m['d_site_value']:+.2f} [{lo:+.2f}, {hi:+.2f}]")
        false_rounds = (k.outcome["eff_shots"].sum(axis=1)
                        - k.outcome["wave_eff_shots"].sum(axis=(1, 2))).mean()
        print(f"  rounds: truth {m0['rounds']:.1f}, tracks {m['rounds']:.1f} "
              f"(in no wave's row: false tracks, friendly fire {false_rounds:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
