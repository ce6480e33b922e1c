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
    return _shot_times_of(_scenario(intent))


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


def _feint_scenario(intent: str, fraction: float) -> dict:
    """The zone case above with the raid feinting: weights Site 1, Far 1e-12, so the real
    target is "Site" and the feint site "Far" (the other site with weight)."""
    d = _scenario(intent)
    d["raids"][0]["targeting"] = {"weights": {"Site": 1.0, "Far": 1e-12}}
    d["raids"][0]["feint_fraction"] = fraction
    return d


def _class_feint_scenario(intent: str) -> dict:
    """The feint case with the catalogue's late-turning class ``owa_feint`` and no
    ``feint_fraction`` on the raid: the class's 0.8 applies."""
    d = _feint_scenario(intent, 0.6)
    raid = d["raids"][0]
    del raid["feint_fraction"]
    raid["threat"] = "owa_feint"
    d["effectors"][0]["pk"] = {"owa_feint": NEVER}
    for site in d["assets"]["fixed"]:
        site["vulnerability"] = {"owa_feint": 1.0}
    return d


def _turn_s(fraction: float) -> float:
    """Launch to turn: ``fraction`` of |F − L| = √(3000² + 15000²) = 15 297 m at 50 m/s."""
    return fraction * math.sqrt(3000.0**2 + 15000.0**2) / SPEED


def _assert_flies_the_feint(d: dict, fraction: float) -> None:
    """The drone flies the launch–feint line until the turn, then the line from the turn
    point to the site at the origin."""
    rec = record_replication(build(d), 3, 0)
    pos = rec.positions
    dr = (np.asarray(pos["entity"]) == "drone")
    t = np.asarray(pos["t_s"])[dr]
    x = np.asarray(pos["x"])[dr]
    y = np.asarray(pos["y"])[dr]
    dist = math.sqrt(3000.0**2 + 15000.0**2)
    t_sw = _turn_s(fraction)
    tl = float(np.asarray(rec.events["t_s"])[np.asarray(rec.events["kind"]) == "launch"][0])
    before = (t > tl) & (t < tl + t_sw - 1.0)
    assert before.sum() >= 10
    # on the launch-feint line: (x, y − 40000) parallel to (3000, −15000)
    cross = x[before] * -15000.0 - (y[before] - 40000.0) * 3000.0
    assert np.abs(cross / dist).max() < 1e-6
    after = t > tl + t_sw + 1.0
    assert after.sum() >= 10
    # then towards the site at the origin: on the line from the turn point to (0, 0)
    px, py = fraction * 3000.0, 40000.0 - fraction * 15000.0
    cross2 = x[after] * py - y[after] * px
    assert np.abs(cross2 / math.hypot(px, py)).max() < 60.0  # within a step of the turn


def test_a_feint_heads_for_the_decoy_site_then_turns() -> None:
    """Launched at (0, 40 km) with the feint site "Far" at (3 km, 25 km), |F − L| =
    √(3000² + 15000²) = 15 297 m; with fraction 0.6 it turns at 0.6 · 15 297 / 50 = 183.6 s,
    at 0.6 of the way to "Far", and then flies straight to its aim point (the site)."""
    from skyshield.scenario import scenario_from_dict

    assert math.isclose(_turn_s(0.6), 183.6, abs_tol=0.05)
    _assert_flies_the_feint(_feint_scenario("oracle", 0.6), 0.6)
    assert scenario_from_dict(_feint_scenario("oracle", 0.6)).raids[0].feint_fraction == 0.6


def test_the_late_turning_class_flies_its_own_feint() -> None:
    """A raid of ``owa_feint`` that names no fraction loads with the class's 0.8 and turns
    at 0.8 · 15 297 / 50 = 244.8 s; otherwise it is the Shahed class it derives from."""
    from skyshield.scenario import default_catalogue, scenario_from_dict
    from skyshield.scenario.equipment import perceived_class, raid_params

    sc = scenario_from_dict(_class_feint_scenario("oracle"))
    assert sc.raids[0].feint_fraction is None
    assert raid_params(sc.raids[0])["feint_fraction"] == 0.8
    cat = default_catalogue()
    feint, shahed = cat.threats["owa_feint"].params, cat.threats["owa_piston"].params
    assert {k: v for k, v in feint.items() if k != "feint_fraction"} == {
        k: v for k, v in shahed.items() if k != "feint_fraction"}
    assert perceived_class("owa_feint") == "owa_feint" and perceived_class("decoy") == "owa_piston"
    for name, e in cat.effectors.items():
        assert e.pk["owa_feint"] == e.pk["owa_piston"], name
    assert math.isclose(_turn_s(0.8), 244.8, abs_tol=0.05)
    _assert_flies_the_feint(_class_feint_scenario("oracle"), 0.8)


@pytest.mark.parametrize("intent", ["oracle", "heading"])
def test_the_late_turning_class_deceives_heading_until_the_turn(intent: str) -> None:
    """As below with the class's fraction 0.8: ``oracle`` fires from the first cycle,
    ``heading`` takes the drone for a threat to "Far" until it turns, 244.8 s after launch."""
    first = np.asarray(_shot_times_of(_class_feint_scenario(intent))).min()
    if intent == "oracle":
        assert first <= 2.0
    else:
        assert _turn_s(0.8) - 1.0 <= first <= _turn_s(0.8) + 2 * 2.0 + 1.0


@pytest.mark.parametrize("intent", ["oracle", "nearest", "heading"])
def test_a_feint_deceives_inferred_intent_not_the_oracle(intent: str) -> None:
    """The effector may engage threats to "Site" only (impact zone): the oracle knows the
    real target and fires from the first cycle; `heading` takes the feinting drone for a threat
    to "Far" until it turns (183.6 s after launch); `nearest` until it is nearer "Site"."""
    t = np.asarray(_shot_times_of(_feint_scenario(intent, 0.6)))
    first = t.min()
    if intent == "oracle":
        assert first <= 2.0
    elif intent == "heading":
        assert 183.6 - 1.0 <= first <= 183.6 + 2 * 2.0 + 1.0
    else:
        assert first > 183.6


def _shot_times_of(d: dict) -> np.ndarray:
    cs = build(d)
    ev = record_replication(cs, 3, 0).events
    out = run_batch(cs, 3, 0, 2)
    for r in range(2):
        ref = run_replication(cs, 3, r)
        for name in ("eff_shots", "eff_shots_t", "asset_lost", "asset_hits", "min_magazine",
                     "asset_loss_time_s"):
            np.testing.assert_array_equal(getattr(out.row(r), name), getattr(ref, name),
                                          err_msg=f"{name} {r}")
    return np.asarray(ev["t_s"][ev["kind"] == "shot"])
