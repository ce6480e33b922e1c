"""Tiny scenarios with closed-form answers, built from plain dicts."""

from __future__ import annotations

import copy
from typing import Any

from skyshield.scenario import scenario_from_dict


def base(**over: Any) -> dict[str, Any]:
    """One fixed site at the origin, one raid of one drone, an acoustic net that always sees."""
    d: dict[str, Any] = {
        "name": "tiny",
        "area": {"west_m": -50000, "east_m": 50000, "south_m": -50000, "north_m": 50000},
        "duration_s": 1000,
        "dt_s": 1.0,
        "assets": {"fixed": [{"name": "Site", "position": [0, 0], "value": 10,
                              "radius_m": 50, "vulnerability": {"owa_piston": 1.0}}]},
        "raids": [{"name": "Raid", "threat": "owa_piston", "count": 1,
                   "launch_area": {"center": [0, 40000], "radius_m": 1e-6},
                   "launch": {"start_s": 0, "end_s": 1},
                   "targeting": {"weights": {"Site": 1}}}],
        "sensors": [{"name": "Net", "type": "acoustic_net", "position": [0, 0],
                     "params": {"net_radius_m": 49000, "max_range_m": 49000, "pd_scan": 1.0,
                                "scan_s": 1.0, "track_m": 1, "track_n": 1, "latency_s": 0.0,
                                "drop_misses": 1}}],
        "effectors": [],
        "c2": {"cycle_s": 2.0, "weapons_tight_radius_m": 0.0},
    }
    for k, v in over.items():
        d[k] = copy.deepcopy(v)
    return d


def missile(name: str = "SAM", pk: float = 0.5, magazine: int = 3, **params: float) -> dict:
    p = {"magazine": float(magazine), "reload_s": 0.0, "channels": 1.0, "reaction_s": 1.0,
         "projectile_speed_mps": 1e5, "min_range_m": 0.0, "max_range_m": 45000.0}
    p.update(params)
    return {"name": name, "type": "sam_cuas", "position": [0, 0], "params": p,
            "pk": {"owa_piston": pk}}


def build(d: dict[str, Any]):
    """Validate and compile a scenario dict."""
    from skyshield.engine import compile_scenario

    return compile_scenario(scenario_from_dict(d))
