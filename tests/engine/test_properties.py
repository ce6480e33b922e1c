"""Hypothesis: invariants hold on random small scenarios (conservation of drones, magazines
never negative, probabilities in [0, 1], no NaN)."""

from __future__ import annotations

import numpy as np
from engine_scenarios import base, build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skyshield.contract import CAUSE_FRIENDLY_FIRE, CAUSE_NONE
from skyshield.engine import run_batch

EFFECTOR_TYPES = ["sam_cuas", "manpads", "gun_35", "gun_airburst", "hmg_team", "ew_jammer",
                  "interceptor_drone"]
THREATS = ["owa_piston", "owa_jet", "fpv", "loitering", "decoy"]


@st.composite
def scenarios(draw: st.DrawFn) -> dict:
    d = base(duration_s=draw(st.sampled_from([300, 600, 900])))
    d["dt_s"] = draw(st.sampled_from([0.5, 1.0, 2.0]))
    d["assets"]["moving"] = [{
        "name": "VIP", "value": 100, "speed_mps": draw(st.floats(20, 80)),
        "departure_s": draw(st.floats(0, 200)),
        "waypoints": [{"position": [-8000, 0]},
                      {"position": [0, 3000], "ground_s": (g := draw(st.sampled_from(
                          [0.0, 0.0, 90.0]))),
                       "ground_vulnerability": {"owa_piston": 0.8, "fpv": 0.5} if g else {}},
                      {"position": [8000, 0]}],
        "vulnerability": {"fpv": draw(st.floats(0, 1)), "loitering": draw(st.floats(0, 1))}}]
    d["assets"]["fixed"][0]["vulnerability"] = {t: draw(st.floats(0, 1)) for t in THREATS}
    raids = []
    for k in range(draw(st.integers(1, 3))):
        threat = draw(st.sampled_from(THREATS))
        air = threat in ("fpv", "loitering")
        weights = {"Site": 1.0}
        if air:
            weights["VIP"] = draw(st.floats(0, 3))
        start = draw(st.floats(0, 100))
        raids.append({
            "name": f"R{k}", "threat": threat, "count": draw(st.integers(1, 25)),
            "launch_area": {"center": [draw(st.floats(-8000, 8000)),
                                       draw(st.floats(1000, 9000))],
                            "radius_m": draw(st.floats(1, 3000))},
            "launch": {"start_s": start, "end_s": start + draw(st.floats(1, 150))},
            "targeting": {"weights": weights, "scatter_m": draw(st.floats(0, 500)),
                          "mode": "ambush" if air and draw(st.booleans()) else "strike"},
            "route": [[draw(st.floats(-5000, 5000)), draw(st.floats(-5000, 5000))]
                      for _ in range(draw(st.integers(0, 2)))],
        })
    d["raids"] = raids
    if draw(st.booleans()):
        d["leak"] = {"probability": draw(st.floats(0, 1)), "threat": "fpv",
                     "count": draw(st.integers(1, 10)),
                     "launch_area": {"center": [0, 6000], "radius_m": 500},
                     "spread_m": draw(st.floats(0, 1000))}
    d["sensors"].append({"name": "Radar", "type": "radar_cuas", "position": [0, 500]})
    if draw(st.booleans()):
        d["sensors"].append({"name": "EO", "type": "eo_ir", "mount": "escort"})
    effs = []
    for k in range(draw(st.integers(0, 5))):
        typ = draw(st.sampled_from(EFFECTOR_TYPES))
        e = {"name": f"E{k}", "type": typ,
             "params": {"magazine": float(draw(st.integers(0, 6))),
                        "reload_s": draw(st.sampled_from([0.0, 30.0])),
                        "channels": float(draw(st.integers(0, 3)))},
             "pk": {t: draw(st.floats(0, 1)) for t in THREATS}}
        if typ == "ew_jammer":
            e["params"] = {}
        elif e["params"]["reload_s"] > 0:
            # finite means (§4.6): the catalogue's stock, an unlimited one, or a few rounds,
            # and perhaps deliveries
            e["stock"] = draw(st.sampled_from(["catalogue", None, 0, 1, 3]))
            if e["stock"] is not None and draw(st.booleans()):
                e["resupply"] = draw(st.sampled_from([
                    [{"t_s": 120.0, "rounds": 2}],
                    [{"every_s": 90.0, "rounds": 1, "from_s": 30.0, "until_s": 400.0}],
                    [{"t_s": 60.0, "rounds": 1}, {"every_s": 200.0, "rounds": 3}]]))
        if typ != "ew_jammer" and draw(st.booleans()):
            # doctrine (§4.7.2-3): a role or a schedule, a reserve, engagement zones
            e["role"] = draw(st.sampled_from([
                "both", "escort", "area", "hold",
                [{"role": "hold", "to_s": 60.0}, {"role": "escort", "from_s": 60.0,
                                                   "to_s": 200.0}]]))
            if draw(st.booleans()):
                e["reserve"] = {"rounds": draw(st.integers(0, 3)),
                                "ready": draw(st.integers(0, 2)),
                                "channels": draw(st.integers(0, 1))}
            if draw(st.booleans()):
                e["zones"] = draw(st.sampled_from([["North"], ["North", "Home"]]))
                e["zone_test"] = draw(st.sampled_from(["impact", "position"]))
        if draw(st.booleans()):
            e["mount"] = "escort"
        else:
            e["position"] = [draw(st.floats(-5000, 5000)), draw(st.floats(-3000, 3000))]
        effs.append(e)
    d["effectors"] = effs
    d["c2"] = {"cycle_s": draw(st.sampled_from([1.0, 2.0, 5.0])),
               "priority_rule": draw(st.sampled_from(["value", "relative"])),
               "intent": draw(st.sampled_from(["oracle", "nearest", "heading"])),
               "escort_priority": draw(st.sampled_from([0.5, 0.05, 0.95])),
               "doctrine": draw(st.sampled_from(["shoot-look-shoot", "salvo"])),
               "salvo_size": draw(st.integers(1, 4)),
               "weapons_tight_radius_m": draw(st.sampled_from([0.0, 300.0])),
               "p_misidentification": draw(st.sampled_from([0.0, 0.05])),
               "weapons_free_zones": [{"center": [0, 0], "radius_m": 6000}],
               "engagement_zones": [{"name": "North", "center": [0, 6000], "radius_m": 4000},
                                    {"name": "Home", "center": [0, 0], "radius_m": 1500}]}
    return d


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(d=scenarios(), seed=st.integers(0, 2**63 - 1))
def test_invariants(d: dict, seed: int) -> None:
    cs = build(d)
    R = 8
    out = run_batch(cs, seed, 0, R)
    np.testing.assert_array_equal(out.wave_launched,
                                  out.wave_killed + out.wave_leaked + out.wave_expired)
    assert (out.wave_launched <= cs.wave_count).all()
    assert (out.min_magazine >= 0).all()
    for name in ("wave_launched", "wave_killed", "wave_leaked"):
        np.testing.assert_array_equal(getattr(out, name + "_t").sum(axis=2), getattr(out, name))
    np.testing.assert_array_equal(out.eff_shots_t.sum(axis=2), out.eff_shots)
    lost = out.asset_lost
    assert np.isnan(out.asset_loss_time_s[~lost]).all()
    t = out.asset_loss_time_s[lost]
    assert ((t >= 0) & (t <= cs.duration_s)).all()
    for name in ("defence_cost", "attack_cost"):
        v = getattr(out, name)
        assert np.isfinite(v).all() and (v >= 0).all()
    np.testing.assert_allclose(out.defence_cost, out.eff_shots @ cs.cost_per_shot)
    assert (out.eff_kills <= out.wave_killed.sum(axis=1, keepdims=True)).all()
    assert (out.friendly_fire <= out.eff_shots.sum(axis=1)).all()
    assert (~out.vip_lost_ff | lost[:, 0]).all()
    jam = cs.params.ef[:, 0] == 2
    assert (out.eff_shots[:, jam] == 0).all()
    # drones the defence never engaged cannot be shot down: kills ≤ shots except jammers
    assert (out.eff_kills[:, ~jam] <= out.eff_shots[:, ~jam]).all()
    p = out.asset_lost.mean(axis=0)
    assert ((p >= 0) & (p <= 1)).all()
    # the cause of every loss (docs/model.md §5)
    cause = out.asset_cause
    np.testing.assert_array_equal(cause == CAUSE_NONE, ~lost)
    assert ((cause >= 0) | (cause == CAUSE_NONE) | (cause == CAUSE_FRIENDLY_FIRE)).all()
    assert (cause < len(cs.wave_names)).all()
    r_, a_ = np.nonzero(cause >= 0)
    assert (cs.params.lethality[a_, cause[r_, a_]] > 0).all()  # decoys never cause a loss
    assert (out.asset_hits[r_, a_] >= 1).all()
    ff = cause == CAUSE_FRIENDLY_FIRE
    assert not ff[:, cs.params.n_moving:].any()  # only aircraft are shot by their own side
    np.testing.assert_array_equal(ff[:, 0], out.vip_lost_ff)
    assert (out.friendly_fire >= ff.sum(axis=1)).all()
    # kills and rounds by wave × effector
    np.testing.assert_array_equal(out.wave_eff_kills.sum(axis=2), out.wave_killed)
    np.testing.assert_array_equal(out.wave_eff_kills.sum(axis=1), out.eff_kills)
    # friendly-fire rounds (one per event) have no wave
    np.testing.assert_array_equal(out.eff_shots.sum(axis=1) - out.wave_eff_shots.sum(axis=(1, 2)),
                                  out.friendly_fire)
    assert (out.wave_eff_shots.sum(axis=1) <= out.eff_shots).all()
    assert (out.wave_eff_shots >= 0).all() and (out.wave_eff_kills >= 0).all()
    # drones tracked per sensor: each launched drone at most once
    assert out.sen_tracked.shape == (out.leak.shape[0], len(cs.sensor_names))
    assert ((out.sen_tracked >= 0)
            & (out.sen_tracked <= out.wave_launched.sum(axis=1, keepdims=True))).all()
