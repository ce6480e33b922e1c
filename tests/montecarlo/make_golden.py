"""Regenerate the golden summary of the flagship (review the diff before committing)."""

from __future__ import annotations

from pathlib import Path

import skyshield

ROOT = Path(__file__).resolve().parents[2]

if __name__ == "__main__":
    res = skyshield.simulate(skyshield.load_scenario(ROOT / "examples" / "vip-transit.yaml"),
                             replications=250, seed=7, record=0)
    path = Path(__file__).parent / "golden" / "vip-transit-seed7-n250.json"
    path.write_text(res.to_json(), encoding="utf-8")
    print(f"wrote {path}")
