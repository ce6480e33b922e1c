"""The flagship cut down to a few drones and 25 minutes: a fraction of a second a run."""

from __future__ import annotations

from typing import Any

from skyshield.scenario import load_scenario


def small_dict() -> dict[str, Any]:
    d = load_scenario("examples/vip-transit.yaml").model_dump(mode="json")
    d["duration_s"] = 1500
    d["assets"]["moving"][0]["departure_s"] = 0
    for r in d["raids"]:
        r["count"] = max(1, r["count"] // 20)
        r["launch"] = {"start_s": min(r["launch"]["start_s"], 600),
                       "end_s": min(r["launch"]["end_s"], 1400)}
    return d
