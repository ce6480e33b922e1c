"""Run folders for the report tests: real ``skyshield run`` runs of a small scenario whose
names try to inject markup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

HOSTILE = '<script>alert(1)</script>'
HOSTILE_ATTR = '"><img src=x onerror=alert(1)>'

# --------------------------------------------------------------------------- real runs

REAL_SCENARIO: dict[str, Any] = {
    "name": f"hostile {HOSTILE}",
    "description": f"a small real scenario whose names try to inject markup {HOSTILE_ATTR}",
    "area": {"west_m": 0, "east_m": 20000, "south_m": 0, "north_m": 12000},
    "duration_s": 600,
    "assets": {
        "moving": [{"name": f"VIP {HOSTILE_ATTR}", "value": 1000,
                    "waypoints": [{"position": [1000, 2000]}, {"position": [19000, 2500]}],
                    "speed_mps": 50, "departure_s": 0, "altitude_m": 150,
                    "vulnerability": {"fpv": 0.7}}],
        "fixed": [{"name": HOSTILE, "position": [10000, 3000], "value": 100, "radius_m": 500,
                   "vulnerability": {"owa_piston": 0.5}},
                  {"name": "Town & Co", "position": [15000, 4000], "value": 50,
                   "radius_m": 300, "vulnerability": {"owa_piston": 0.4}}],
    },
    "raids": [
        {"name": f"wave {HOSTILE}", "threat": "owa_piston", "count": 12,
         "launch_area": {"center": [10000, 11000], "radius_m": 1000},
         "launch": {"start_s": 0, "end_s": 200},
         "targeting": {"weights": {HOSTILE: 2, "Town & Co": 1}, "scatter_m": 100}},
        {"name": "FPV team", "threat": "fpv", "count": 4,
         "launch_area": {"center": [9000, 4500], "radius_m": 500},
         "launch": {"start_s": 0, "end_s": 100},
         "targeting": {"weights": {f"VIP {HOSTILE_ATTR}": 1}, "mode": "ambush"}},
    ],
    "sensors": [{"name": "Radar <b>bold</b>", "type": "radar_cuas",
                 "position": [10000, 4000]}],
    "effectors": [{"name": f"Gun {HOSTILE_ATTR}", "type": "gun_35", "position": [10000, 3500]},
                  {"name": "Door gun", "type": "hmg_team", "mount": "escort"}],
}


def terrain_scenario() -> dict[str, Any]:
    """``examples/vip-transit-terrain.yaml`` as a dict (its relief is synthetic: no file)."""
    import yaml

    from testkit import EXAMPLES

    data: dict[str, Any] = yaml.safe_load(
        (EXAMPLES / "vip-transit-terrain.yaml").read_text(encoding="utf-8"))
    return data


def write_real_run(folder: Path, replications: int = 200, seed: int = 7,
                   scenario: dict[str, Any] | None = None) -> Path:
    """``skyshield run`` (the real command, in-process) of a small scenario into ``folder``."""
    import yaml

    from skyshield.cli import main

    folder.parent.mkdir(parents=True, exist_ok=True)
    path = folder.parent / f"{folder.name}.yaml"
    path.write_text(yaml.safe_dump(scenario or REAL_SCENARIO, sort_keys=False,
                                   allow_unicode=True), encoding="utf-8")
    rc = main(["run", str(path), "--replications", str(replications), "--seed", str(seed),
               "--record", "2", "--out", str(folder), "--quiet", "--json"])
    if rc != 0:
        raise RuntimeError(f"skyshield run failed with exit code {rc}")
    return folder
