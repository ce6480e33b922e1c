"""Regenerate the golden summaries of the flagship (review the diff before committing): with
unlimited stocks (the model before finite means) and as it stands."""

from __future__ import annotations

import sys
from pathlib import Path

import skyshield

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

if __name__ == "__main__":
    import testkit

    for scenario, name in ((testkit.load_flagship_unlimited(), "vip-transit-seed7-n250.json"),
                           (testkit.load_flagship(), "vip-transit-finite-seed7-n250.json")):
        res = skyshield.simulate(scenario, replications=250, seed=7, record=0)
        path = Path(__file__).parent / "golden" / name
        path.write_text(res.to_json(), encoding="utf-8")
        print(f"wrote {path}")
