"""A hand-made run folder in the documented format, written through the real
``Results.save`` so the files match what ``skyshield run --out`` writes.

Used where a run folder with exactly known content is needed (the replay moves along known
straight lines; leakers and hits are known); the end-to-end tests use real runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

HOSTILE = '<script>alert(1)</script>'
HOSTILE_ATTR = '"><img src=x onerror=alert(1)>'

SCENARIO: dict[str, Any] = {
    "name": f"synthetic {HOSTILE}",
    "area": {"west_m": 0, "east_m": 20000, "south_m": 0, "north_m": 10000},
    "duration_s": 600,
    "assets": {
        "moving": [{"name": f"VIP {HOSTILE_ATTR}", "value": 1000,
                    "waypoints": [{"position": [1000, 2000]}, {"position": [19000, 2000]}],
                    "speed_mps": 40, "departure_s": 0}],
        "fixed": [{"name": HOSTILE, "position": [10000, 3000], "value": 100, "radius_m": 500},
                  {"name": "Town & Co", "position": [15000, 4000], "value": 50}],
    },
    "raids": [{"name": f"wave {HOSTILE}", "threat": "owa_piston", "count": 6,
               "launch_area": {"center": [10000, 9500], "radius_m": 300},
               "launch": {"start_s": 0, "end_s": 100},
               "targeting": {"weights": {HOSTILE: 1}}}],
    "sensors": [{"name": "Radar <b>", "type": "radar_cuas", "position": [10000, 4000]}],
    "effectors": [{"name": f"Gun {HOSTILE_ATTR}", "type": "gun_35", "position": [10000, 3500]},
                  {"name": "Door gun", "type": "hmg_team", "mount": "escort"}],
}


@dataclass
class Recording:
    events: dict[str, np.ndarray]
    positions: dict[str, np.ndarray]


def _recording(rep: int, n_drones: int) -> Recording:
    """Drones fly straight south from (10 km, 9.5 km) at 50 m/s to the site at (10 km, 3 km):
    even drones are killed at t = launch + 60 s, odd ones leak and hit the site."""
    ev: dict[str, list[Any]] = {k: [] for k in ("t_s", "kind", "drone", "wave", "effector",
                                                 "asset", "x", "y")}
    pos: dict[str, list[Any]] = {k: [] for k in ("t_s", "entity", "id", "x", "y", "z", "state")}

    def event(t: float, kind: str, d: int, e: int, a: int, x: float, y: float) -> None:
        for k, v in zip(("t_s", "kind", "drone", "wave", "effector", "asset", "x", "y"),
                        (t, kind, d, 0 if d >= 0 else -1, e, a, x, y), strict=True):
            ev[k].append(v)

    for d in range(n_drones):
        t0 = 10.0 * d + rep
        end = t0 + 60.0 if d % 2 == 0 else t0 + 130.0
        event(t0, "launch", d, -1, -1, 10000.0, 9500.0)
        event(t0 + 20.0, "track", d, -1, -1, 10000.0, 8500.0)
        if d % 2 == 0:
            y = 9500.0 - 50.0 * 60.0
            event(t0 + 58.0, "shot", d, 0, -1, 10000.0, y + 100.0)
            event(end, "kill", d, 0, -1, 10000.0, y)
        else:
            event(end, "leak", d, -1, 1, 10000.0, 3000.0)
            event(end, "hit", d, -1, 1, 10000.0, 3000.0)
        for t in np.arange(0.0, 600.0 + 1e-9, 5.0):
            if t < t0 or t > end:
                continue
            y = 9500.0 - 50.0 * (t - t0)
            pos["t_s"].append(t)
            pos["entity"].append("drone")
            pos["id"].append(d)
            pos["x"].append(10000.0)
            pos["y"].append(max(y, 3000.0))
            pos["z"].append(300.0)
            pos["state"].append("tracked" if t >= t0 + 20.0 else "flying")
    for t in np.arange(0.0, 600.0 + 1e-9, 5.0):
        pos["t_s"].append(t)
        pos["entity"].append("asset")
        pos["id"].append(0)
        pos["x"].append(min(1000.0 + 40.0 * t, 19000.0))
        pos["y"].append(2000.0)
        pos["z"].append(150.0)
        pos["state"].append("flying")
    order = np.argsort(np.asarray(ev["t_s"]), kind="stable")
    events = {k: np.asarray(v)[order] for k, v in ev.items()}
    return Recording(events=events, positions={k: np.asarray(v) for k, v in pos.items()})


def write_synthetic_run(folder: Path, replications: int = 40, seed: int = 3) -> Path:
    """Write a complete run folder with two recorded replications (0 and 1)."""
    from skyshield.results import Results
    from skyshield.scenario import scenario_from_dict

    sc = scenario_from_dict(SCENARIO)
    rng = np.random.default_rng(seed)
    R, A, W, E, B = replications, 3, 1, 2, 10
    n = 6
    killed = rng.integers(2, n + 1, size=(R, W)).astype(np.int32)
    leaked = (n - killed).astype(np.int32)
    lost = rng.random((R, A)) < np.array([0.1, 0.4, 0.2])
    shots = np.stack([killed[:, 0] * 3, rng.integers(0, 4, R)], axis=1).astype(np.int32)
    launched_t = np.zeros((R, W, B))
    launched_t[:, :, :2] = n / 2
    killed_t = np.zeros((R, W, B))
    killed_t[:, 0, 1:3] = killed / 2
    leaked_t = np.zeros((R, W, B))
    leaked_t[:, 0, 2:4] = leaked / 2
    shots_t = np.zeros((R, E, B))
    shots_t[:, 0, 1:3] = shots[:, :1] / 2
    shots_t[:, 1, 4] = shots[:, 1]
    outcome = {
        "asset_lost": lost,
        "asset_hits": np.stack([lost[:, 0].astype(np.int32), leaked[:, 0],
                                np.zeros(R, np.int32)], axis=1),
        "asset_loss_time_s": np.where(lost, 300.0, np.nan),
        "wave_launched": np.full((R, W), n, np.int32),
        "wave_killed": killed,
        "wave_leaked": leaked,
        "wave_expired": np.zeros((R, W), np.int32),
        "eff_shots": shots,
        "eff_kills": np.stack([killed[:, 0], np.zeros(R, np.int32)], axis=1),
        "defence_cost": shots @ np.array([2000.0, 50.0]),
        "attack_cost": np.full(R, n * 35000.0),
        "friendly_fire": np.zeros(R, np.int32),
        "vip_lost_ff": np.zeros(R, bool),
        "leak": np.zeros(R, bool),
        "wave_launched_t": launched_t,
        "wave_killed_t": killed_t,
        "wave_leaked_t": leaked_t,
        "eff_shots_t": shots_t,
    }
    res = Results(
        scenario=sc, seed=seed,
        asset_names=[sc.assets.moving[0].name] + [f.name for f in sc.assets.fixed],
        asset_kinds=["moving", "fixed", "fixed"], asset_values=[1000.0, 100.0, 50.0],
        wave_names=[sc.raids[0].name], effector_names=[e.name for e in sc.effectors],
        effector_cost_per_shot=[2000.0, 50.0], outcome=outcome,
        recordings={0: _recording(0, n), 1: _recording(1, n)},
    )
    res.save(folder, plots=False)
    return folder
