"""Intent inferred, not known (``c2.intent``, docs/model.md §4.7.1): closed-form cases.

One drone flies straight south from (0, 40 km) at 50 m/s to the site "Site" at the origin.
A second town, "Far", stands at (3 km, 25 km), beside its path. The only effector may engage
threats whose impact point lies within 2 km of "Site" (``zone_test: impact``); its rounds
never kill (pk 1e-12), so it fires at every decision cycle at which C2 takes the drone to be
going for "Site", and the shot times show what C2 believed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from engine_scenarios import base, build, missile

from skyshield.engine import record_replication, run_batch
from skyshield.engine.reference import run_replication

NEVER = 1e-12
SPEED = 50.0


def _scenario(intent: str) -> dict:
    e = {**missile(pk=NEVER, magazine=1000, reload_s=0.0, channels=1.0,
                   projectile_speed_mps=1e6, reaction_s=0.5), "zones": ["Town"]}
    d = base(effectors=[e])
    d["assets"]["fixed"].append({"name": "Far", "position": [3000, 25000], "value": 10,
                                 "radius_m": 50, "vulnerability": {"owa_piston": 1.0}})
    d["c2"] = {**d["c2"], "intent": intent,
               "engagement_zones": [{"name": "Town", "center": [0, 0], "radius_m": 2000}]}
    return d


def _shot_times(intent: str) -> np.ndarray:
    cs = build(_scenario(intent))
    ev = record_replication(cs, 3, 0).events
    times = np.asarray(ev["t_s"][ev["kind"] == "shot"])
    out = run_batch(cs, 3, 0, 2)
    for r in range(2):
        ref = run_replication(cs, 3, r)
        for name in ("eff_shots", "eff_shots_t", "asset_lost", "asset_hits", "min_magazine"):
            np.testing.assert_array_equal(getattr(out.row(r), name), getattr(ref, name),
                                          err_msg=f"{intent}: {name} {r}")
    return times


def test_oracle_engages_from_the_first_cycle() -> None:
    t = _shot_times("oracle")
    assert t.min() <= 2.0
    assert len(t) > 300  # a shot every cycle of the 800 s flight


def test_nearest_misattributes_the_threat_while_it_passes_the_other_town() -> None:
    """At (0, y) the drone is nearer "Site" than "Far" iff y² < 3000² + (y − 25000)², i.e.
    y < 634·10⁶ / 50 000 = 12 680 m: reached after (40 000 − 12 680) / 50 = 546.4 s. Before
    that C2 takes it for a threat to "Far", outside the zone, and holds fire."""
    t = _shot_times("nearest")
    y_switch = (3000.0**2 + 25000.0**2) / (2 * 25000.0)
    t_switch = (40000.0 - y_switch) / SPEED
    assert math.isclose(t_switch, 546.4)
    assert t.min() >= t_switch
    assert t.min() <= t_switch + 2 * 2.0  # within one cycle (2 s) of the switch, plus a step


def test_heading_reads_the_target_off_the_velocity() -> None:
    """The first cycle (t = 0) sees no velocity yet and falls back on the nearest asset
    ("Far"); from the next, the closest approach along the velocity is "Site" (0 m) and not
    "Far" (3 km): C2 fires from then on, as under ``oracle``."""
    t = _shot_times("heading")
    assert 0.0 < t.min() <= 4.0
    assert abs(len(t) - len(_shot_times("oracle"))) <= 2


@pytest.mark.parametrize("intent", ["nearest", "heading"])
def test_a_threat_to_the_aircraft_is_recognised_by_heading(intent: str) -> None:
    """An aircraft flying west at 60 m/s along y = −2 km from x = 20 km, and an FPV drone
    (40 m/s) launched at (0, 3 km) on an intercept course (closest approach to the aircraft
    ~0, to the site ~2.4 km). The only effector escorts the aircraft (role ``escort``: it
    takes threats to the VIP only). ``heading`` names the aircraft from the second cycle;
    ``nearest`` names the site (3 km away, the aircraft ~20 km) and holds fire until the drone
    is nearer the aircraft. Kernel and reference agree either way."""
    eff = {**missile(pk=NEVER, magazine=1000, reload_s=0.0), "role": "escort",
           "escorts": "VIP", "pk": {"fpv": NEVER}}
    d = base(effectors=[eff])
    d["assets"]["moving"] = [{"name": "VIP", "value": 100, "speed_mps": 60.0,
                              "departure_s": 0.0,
                              "waypoints": [{"position": [20000, -2000]},
                                            {"position": [-40000, -2000]}],
                              "vulnerability": {"fpv": 1.0}}]
    d["raids"] = [{"name": "FPV", "threat": "fpv", "count": 1,
                   "launch_area": {"center": [0, 3000], "radius_m": 1e-6},
                   "launch": {"start_s": 0, "end_s": 1},
                   "targeting": {"weights": {"VIP": 1}}}]
    d["c2"] = {**d["c2"], "intent": intent}
    cs = build(d)
    out = run_batch(cs, 3, 0, 2)
    for r in range(2):
        ref = run_replication(cs, 3, r)
        for name in ("eff_shots", "eff_shots_t", "asset_lost", "asset_hits"):
            np.testing.assert_array_equal(getattr(out.row(r), name), getattr(ref, name),
                                          err_msg=f"{intent}: {name} {r}")
    ev = record_replication(cs, 3, 0).events
    shots = np.asarray(ev["t_s"][ev["kind"] == "shot"])
    assert len(shots) > 0
    if intent == "heading":
        assert shots.min() <= 4.0
    else:
        assert shots.min() > 30.0
