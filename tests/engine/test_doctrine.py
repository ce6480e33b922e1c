"""Roles, reserves and engagement zones (docs/model.md §4.7.2-3): closed-form cases.

The base scenario (``engine_scenarios.base``): one site at the origin, drones launched 40 km
north flying straight at it at 50 m/s, an acoustic net that always sees them. Kill
probabilities of 1e-12 make every round a miss, so an effector fires every round its doctrine
allows: the shot counts are exact, not statistical.
"""

from __future__ import annotations

import numpy as np
from engine_scenarios import base, build, missile

from skyshield.engine import record_replication, run_batch
from skyshield.engine.reference import run_replication

NEVER = 1e-12


def _vip(**over: object) -> dict:
    """A VIP that takes off at ``departure_s`` (default 0) and flies 16 km west to east
    just south of the site, landing after 16000/60 ≈ 267 s."""
    v = {"name": "VIP", "value": 100, "speed_mps": 60.0, "departure_s": 0.0,
         "waypoints": [{"position": [-8000, -2000]}, {"position": [8000, -2000]}],
         "vulnerability": {"fpv": 1.0}}
    v.update(over)
    return v


def _scenario(effector: dict, *, count: int = 5, fpv: int = 0, vip: dict | None = None
              ) -> dict:
    d = base(effectors=[effector])
    d["raids"][0]["count"] = count
    d["raids"][0]["launch"] = {"start_s": 0, "end_s": 100}
    d["raids"][0]["launch_area"]["radius_m"] = 500
    if vip is not None or fpv:
        d["assets"]["moving"] = [vip or _vip()]
    if fpv:
        d["raids"].append({"name": "FPV", "threat": "fpv", "count": fpv,
                           "launch_area": {"center": [0, -6000], "radius_m": 100},
                           "launch": {"start_s": 0, "end_s": 1},
                           "targeting": {"weights": {"VIP": 1}}})
    return d


def _shots(cs, rep: int = 0) -> dict[str, np.ndarray]:
    ev = record_replication(cs, 3, rep).events
    m = ev["kind"] == "shot"
    return {k: np.asarray(v[m]) for k, v in ev.items()}


def _same(cs, reps: int = 3) -> None:
    out = run_batch(cs, 3, 0, reps)
    for r in range(reps):
        ref = run_replication(cs, 3, r)
        for name in ("eff_shots", "eff_kills", "eff_shots_t", "wave_killed", "asset_lost",
                     "asset_loss_time_s", "asset_hits", "asset_cause", "min_magazine",
                     "eff_dry_s", "eff_left"):
            np.testing.assert_array_equal(getattr(out.row(r), name), getattr(ref, name),
                                          err_msg=f"{name} {r}")


def test_a_reserve_holds_its_rounds_until_the_escort_window_closes() -> None:
    """Magazine 3, reserve 2 rounds for the VIP: against 5 unkillable strike drones at the
    site, one round while the window is open (all replications); once it closes (the VIP
    lands at ~267 s, or ``to_s``), the rest."""
    e = missile(pk=NEVER, magazine=3, reload_s=0.0)
    # the window stays open to the end: exactly 3 - 2 = 1 round at the site's attackers
    held = {**e, "reserve": {"rounds": 2, "to_s": 1000}}
    cs = build(_scenario(held, vip=_vip(departure_s=0.0)))
    out = run_batch(cs, 3, 0, 10)
    np.testing.assert_array_equal(out.eff_shots[:, 0], 1)
    np.testing.assert_array_equal(out.eff_left[:, 0], 2)
    _same(cs)
    # the same with the rounds kept ready in the magazine: a gun with a 1,000-s reload and
    # 5 bursts keeps 3, so 2 bursts at the site's attackers, none of its stock reached
    gun = {"name": "Gun", "type": "gun_35", "position": [0, 0], "stock": 50,
           "params": {"channels": 1.0, "max_range_m": 45000.0, "magazine": 5.0,
                      "reload_s": 1000.0, "shot_interval_s": 5.0, "reaction_s": 1.0},
           "pk": {"owa_piston": NEVER}, "reserve": {"ready": 3, "to_s": 1000}}
    cs = build(_scenario(gun, vip=_vip()))
    out = run_batch(cs, 3, 0, 5)
    np.testing.assert_array_equal(out.eff_shots[:, 0], 2)
    np.testing.assert_array_equal(out.eff_left[:, 0], 53)
    _same(cs)
    # default window: until the VIP lands (~267 s); the drones arrive after ~700 s
    cs = build(_scenario({**e, "reserve": {"rounds": 2}}, vip=_vip()))
    out = run_batch(cs, 3, 0, 10)
    np.testing.assert_array_equal(out.eff_shots[:, 0], 3)
    shots = _shots(cs)
    assert shots["t_s"][0] < 267.0 <= shots["t_s"][1]
    _same(cs)


def test_the_reserve_is_spent_on_threats_to_the_escorted_asset() -> None:
    """With the same reserve, FPVs hunting the VIP may take the held rounds."""
    e = {**missile(pk=NEVER, magazine=3, reload_s=0.0), "reserve": {"rounds": 2, "to_s": 1000}}
    e["pk"] = {"owa_piston": NEVER, "fpv": NEVER}
    cs = build(_scenario(e, fpv=3))
    out = run_batch(cs, 3, 0, 10)
    np.testing.assert_array_equal(out.eff_shots[:, 0], 3)
    shots = _shots(cs)
    fpv_wave = 1
    assert (shots["wave"] == fpv_wave).sum() >= 2
    _same(cs)


def test_a_channel_reserve_leaves_channels_free() -> None:
    """Two channels, one kept: never two engagements of the site's attackers at once, so a
    gun with a long reaction fires bursts at one drone at a time."""
    g = {"name": "Gun", "type": "gun_35", "position": [0, 0], "stock": None,
         "params": {"channels": 2.0, "max_range_m": 45000.0, "magazine": 1000.0,
                    "shot_interval_s": 5.0, "reaction_s": 1.0},
         "pk": {"owa_piston": NEVER}, "reserve": {"channels": 1, "to_s": 1000}}
    cs = build(_scenario(g, vip=_vip()))
    shots = _shots(cs)
    # one channel at a time fires a burst every 5 s (a new engagement only after the drone
    # it fired at is gone); two channels fire about twice as often
    t = shots["t_s"]
    assert len(t) > 10
    assert (np.diff(t) >= 5.0 - 1e-9).mean() > 0.9
    free = _shots(build(_scenario({**g, "reserve": None}, vip=_vip())))
    assert len(free["t_s"]) > 1.8 * len(t)
    assert (np.diff(free["t_s"]) < 5.0).mean() > 0.5
    _same(cs)


def test_roles_decide_which_threats_are_engaged() -> None:
    e = missile(pk=NEVER, magazine=4, reload_s=0.0)
    e["pk"] = {"owa_piston": NEVER, "fpv": NEVER}
    site_wave, fpv_wave = 0, 1
    for role, waves in (("area", {site_wave}), ("escort", {fpv_wave}),
                        ("both", {site_wave, fpv_wave}), ("hold", set())):
        cs = build(_scenario({**e, "role": role}, count=3, fpv=3))
        got = set(_shots(cs)["wave"].tolist())
        assert got == waves if role != "both" else got <= waves and got, (role, got)
        _same(cs)


def test_a_role_schedule_switches_at_its_breakpoints() -> None:
    """Weapons hold until 300 s, then both missions: the first shot is at 300 s or later,
    and every round is still fired."""
    e = {**missile(pk=NEVER, magazine=3, reload_s=0.0),
         "role": [{"role": "hold", "to_s": 300}]}
    cs = build(_scenario(e))
    shots = _shots(cs)
    assert len(shots["t_s"]) == 3 and shots["t_s"].min() >= 300.0
    _same(cs)


def test_an_engagement_zone_that_a_threat_crosses() -> None:
    """``zone_test: position``: a 3-km zone about (0, 20 km) on the drones' path: every round
    is fired while the drone is inside it, none before or after."""
    e = {**missile(pk=NEVER, magazine=50, reload_s=0.0), "zones": ["Gate"],
         "zone_test": "position"}
    d = _scenario(e, count=1)
    d["c2"]["engagement_zones"] = [{"name": "Gate", "center": [0, 20000], "radius_m": 3000}]
    cs = build(d)
    shots = _shots(cs)
    assert len(shots["t_s"]) > 3
    r = np.hypot(shots["x"] - 0.0, shots["y"] - 20000.0)
    assert (r <= 3000.0 + 1e-6).all()
    # the drone spends 6 km / 50 m/s = 120 s in the zone: the shots span at most that
    assert shots["t_s"].max() - shots["t_s"].min() <= 120.0 + 1e-9
    _same(cs)


def test_an_impact_zone_keeps_out_threats_to_other_sites() -> None:
    """``zone_test: impact`` (the default): a zone about the site guards it; a second site
    outside the zone is not defended by this effector."""
    e = {**missile(pk=NEVER, magazine=10, reload_s=0.0), "zones": ["Town"]}
    d = _scenario(e, count=4)
    d["assets"]["fixed"].append({"name": "Far", "position": [20000, 0], "value": 10,
                                 "radius_m": 50, "vulnerability": {"owa_piston": 1.0}})
    d["raids"][0]["targeting"] = {"weights": {"Site": 1, "Far": 1}}
    d["c2"]["engagement_zones"] = [{"name": "Town", "center": [0, 0], "radius_m": 2000}]
    cs = build(d)
    for rep in range(3):
        ev = record_replication(cs, 3, rep).events
        shot = ev["kind"] == "shot"
        assert (ev["asset"][shot] == 0).all()  # asset 0 = the site "Site" (no moving asset)
    _same(cs)


def test_the_relative_rule_makes_escort_priority_a_dial() -> None:
    """One gun with one channel sees, at once, one FPV hunting the VIP (value 100, P(lost |
    hit) 1) and three strike drones at the site (value 10, P(destroyed) 1) when its minute of
    weapons hold ends. Under ``priority_rule: value`` the FPV's value 100·ω outranks each
    drone's 10·(1 − ω) unless ω < 1/11; under ``relative`` the FPV scores ω (the most
    valuable threat of its mission) and each drone 1 − ω, so the FPV is engaged first iff
    ω > 1/2."""
    g = {"name": "Gun", "type": "gun_35", "position": [0, 0], "stock": None,
         "params": {"channels": 1.0, "max_range_m": 45000.0, "magazine": 1000.0,
                    "shot_interval_s": 5.0, "reaction_s": 1.0},
         "pk": {"owa_piston": NEVER, "fpv": NEVER},
         # weapons hold for the first minute: by then C2 sees all four drones
         "role": [{"role": "hold", "to_s": 60}]}

    def first_wave(rule: str, omega: float) -> int:
        d = _scenario(g, count=3, fpv=1, vip=_vip(departure_s=0.0))
        d["raids"][0]["launch"] = {"start_s": 0, "end_s": 1}
        d["raids"][0]["launch_area"] = {"center": [0, 20000], "radius_m": 1e-6}
        d["assets"]["fixed"][0]["vulnerability"] = {"owa_piston": 1.0}
        d["c2"] = {**d["c2"], "priority_rule": rule, "escort_priority": omega}
        d["sensors"][0]["params"]["drop_misses"] = 30  # the FPV's track holds
        cs = build(d)
        _same(cs, 2)
        return int(_shots(cs)["wave"][0])

    site_wave, fpv_wave = 0, 1
    for omega, value_first, relative_first in ((0.05, site_wave, site_wave),
                                               (0.3, fpv_wave, site_wave),
                                               (0.7, fpv_wave, fpv_wave)):
        assert first_wave("value", omega) == value_first, omega
        assert first_wave("relative", omega) == relative_first, omega


def test_ground_time_removes_exposure_to_air_attack() -> None:
    """The VIP lands at (0, -2000) at ~133 s for 300 s. FPVs launched 4 km further along its
    route at 150 s wait while it is on the ground (no hit, no loss before take-off at ~433 s)
    and strike once it flies towards them again; without the ground time it passes them at
    ~200 s and they hit it then."""
    def scenario(ground: float) -> dict:
        vip = _vip(waypoints=[{"position": [-8000, -2000]},
                              {"position": [0, -2000], "ground_s": ground},
                              {"position": [8000, -2000]}])
        d = _scenario(missile(pk=NEVER, magazine=1, reload_s=0.0), count=1, fpv=5, vip=vip)
        d["raids"][1]["launch_area"] = {"center": [4000, -2600], "radius_m": 100}
        d["raids"][1]["launch"] = {"start_s": 150, "end_s": 151}
        return d

    cs = build(scenario(300.0))
    takeoff = 8000.0 / 60.0 + 300.0
    for rep in range(5):
        ev = record_replication(cs, 3, rep).events
        hit_t = ev["t_s"][(ev["kind"] == "hit") & (ev["asset"] == 0)]
        assert (hit_t > takeoff).all() and len(hit_t) > 0, rep
    out = run_batch(cs, 3, 0, 50)
    assert (out.asset_loss_time_s[:, 0][out.asset_lost[:, 0]] > takeoff).all()
    _same(cs)
    flying = build(scenario(0.0))
    ev = record_replication(flying, 3, 0).events
    hit_t = ev["t_s"][(ev["kind"] == "hit") & (ev["asset"] == 0)]
    assert len(hit_t) > 0 and (hit_t < takeoff).all()


def test_a_strike_on_the_landing_point_hits_the_aircraft_on_the_ground() -> None:
    """A one-way attack drone aimed at a helipad site at the VIP's stop (0, -2000) impacts at
    ~200 s. With a 300-s stop from ~133 s the helicopter is on the ground there and its
    ground vulnerability 1 loses it (cause: that wave); with a 30-s stop it has left, and the
    strike cannot touch an aircraft in the air."""
    def scenario(ground: float) -> dict:
        vip = _vip(waypoints=[
            {"position": [-8000, -2000]},
            {"position": [0, -2000], "ground_s": ground,
             "ground_vulnerability": {"owa_piston": 1.0}},
            {"position": [8000, -2000]}])
        d = _scenario(missile(pk=NEVER, magazine=1, reload_s=0.0), count=1, vip=vip)
        d["assets"]["fixed"].append({"name": "Helipad", "position": [0, -2000], "value": 1,
                                     "radius_m": 20, "vulnerability": {"owa_piston": 0.0}})
        d["raids"][0]["launch_area"] = {"center": [0, 8000], "radius_m": 1e-6}
        d["raids"][0]["launch"] = {"start_s": 0, "end_s": 1}
        d["raids"][0]["targeting"] = {"weights": {"Helipad": 1}}
        return d

    cs = build(scenario(300.0))
    out = run_batch(cs, 3, 0, 20)
    assert out.asset_lost[:, 0].all() and (out.asset_cause[:, 0] == 0).all()
    assert ((out.asset_loss_time_s[:, 0] > 133.0) & (out.asset_loss_time_s[:, 0] < 433.0)).all()
    _same(cs)
    cs = build(scenario(30.0))
    out = run_batch(cs, 3, 0, 20)
    assert not out.asset_lost[:, 0].any() and (out.asset_hits[:, 0] == 0).all()
    _same(cs)
