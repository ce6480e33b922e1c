"""Closed-form cases: the model means what docs/model.md says."""

from __future__ import annotations

import math

import numpy as np
import pytest
from engine_scenarios import base, missile

from skyshield.engine import run_batch
from skyshield.engine.sensing import pd_scan
from skyshield.engine.state import K_RE


def _z(k: int, n: int, p: float) -> float:
    """Standard score of k successes in n Bernoulli(p) trials."""
    return (k - n * p) / math.sqrt(n * p * (1 - p))


@pytest.mark.parametrize(("p", "k"), [(0.5, 3), (0.3, 1), (0.8, 2)])
def test_k_shot_opportunities(build, p: float, k: int) -> None:
    """A magazine of k missiles, shoot-look-shoot, one drone: P(leak) = (1 - p)^k."""
    cs = build(base(effectors=[missile(pk=p, magazine=k)]))
    n = 3000
    out = run_batch(cs, 7, 0, n)
    leaked = int(out.wave_leaked[:, 0].sum())
    assert abs(_z(leaked, n, (1 - p) ** k)) < 4.0
    # every replication fires until the drone dies or the magazine is empty
    shots = out.eff_shots[:, 0]
    assert shots.max() == k and shots.min() >= 1
    np.testing.assert_array_equal(out.wave_killed[:, 0] + out.wave_leaked[:, 0], 1)
    # with vulnerability 1 the site is lost exactly when the drone leaks
    np.testing.assert_array_equal(out.asset_lost[:, 0], out.wave_leaked[:, 0] == 1)
    # a geometric number of shots: P(shots = j) = (1-p)^(j-1) p for j < k
    for j in range(1, k):
        m = int((shots == j).sum())
        assert abs(_z(m, n, (1 - p) ** (j - 1) * p)) < 4.0


@pytest.mark.parametrize(("p", "size"), [(0.4, 2), (0.3, 3)])
def test_salvo(build, p: float, size: int) -> None:
    """One salvo of n missiles at once: P(kill) = 1 - (1 - p)^n, n rounds spent together."""
    d = base(effectors=[missile(pk=p, magazine=size)])
    d["c2"] = {**d["c2"], "doctrine": "salvo", "salvo_size": size}
    cs = build(d)
    n = 3000
    out = run_batch(cs, 11, 0, n)
    killed = int(out.wave_killed[:, 0].sum())
    assert abs(_z(killed, n, 1 - (1 - p) ** size)) < 4.0
    np.testing.assert_array_equal(out.eff_shots[:, 0], size)
    np.testing.assert_array_equal(out.min_magazine[:, 0], 0)


def _erlang_b(c: int, a: float) -> float:
    terms = [a**j / math.factorial(j) for j in range(c + 1)]
    return terms[-1] / sum(terms)


@pytest.mark.parametrize("channels", [1, 2])
def test_channel_limited_erlang_loss(build, channels: int) -> None:
    """Drones arrive (nearly) as a Poisson stream into a one-step engagement window; an
    engagement holds a channel for 16 steps and always kills. Those finding every channel
    busy leak: the loss probability is Erlang's B(c, a) with offered load a = λ·16 s."""
    lam = 1.0 / 16.0
    count, horizon = 400, 6400.0
    d = base(duration_s=6500)
    d["raids"][0].update(count=count, launch={"start_s": 0, "end_s": horizon},
                         launch_area={"center": [0, 1000], "radius_m": 1e-6})
    # in range [990, 2000] m only at the launch step; resolves 15.01 s later, before arrival
    d["effectors"] = [missile(pk=1.0, magazine=100000, channels=float(channels),
                              min_range_m=990.0, max_range_m=2000.0, reaction_s=15.0)]
    d["c2"] = {**d["c2"], "cycle_s": 1.0}
    cs = build(d)
    out = run_batch(cs, 3, 0, 60)
    launched = out.wave_launched[:, 0].sum()
    loss = out.wave_leaked[:, 0].sum() / launched
    expect = _erlang_b(channels, lam * 16.0)
    assert launched == 60 * count
    assert abs(loss - expect) < 0.02, (loss, expect)


def test_radar_horizon_and_pd_curve() -> None:
    """Pd = 1/(1 + (R/R50)^slope) inside the 4/3-Earth horizon, 0 beyond it."""
    hs, z = 20.0, 150.0
    d_h = math.sqrt(2 * K_RE * hs) + math.sqrt(2 * K_RE * z)
    assert d_h == pytest.approx(68894.0, rel=1e-3)  # 4.12 (sqrt(20) + sqrt(150)) km
    hor = math.sqrt(2 * K_RE * hs)
    hz = math.sqrt(2 * K_RE * z)
    q50 = 1 / 6000.0**2
    args = (0, 10.0, 1e6, 1 / 60000.0**2, 4.0, 0.0, hor, hz)
    assert pd_scan(*args, (d_h - 1.0) ** 2, z) > 0.0
    assert pd_scan(*args, (d_h + 1.0) ** 2, z) == 0.0
    assert pd_scan(0, 10.0, 1e6, q50, 4.0, 0.0, hor, hz, 6000.0**2, z) == pytest.approx(0.5)
    assert pd_scan(0, 10.0, 1e6, q50, 3.0, 0.0, hor, hz, 12000.0**2, z) == pytest.approx(1 / 9)
    assert pd_scan(0, 10.0, 1e6, q50, 4.0, 0.0, hor, hz, 100.0, 5.0) == 0.0  # below min alt
    assert pd_scan(0, 10.0, 5000.0, q50, 4.0, 0.0, hor, hz, 5001.0**2, z) == 0.0  # max range
    assert pd_scan(1, 0.0, 5000.0, 0.0, 0.0, 0.35, 0.0, hz, 4999.0**2, z) == 0.35  # acoustic


def test_radar_r50_scales_with_rcs_fourth_root(build) -> None:
    d = base()
    d["sensors"] = [{"name": "R", "type": "radar_cuas", "position": [0, 0]}]
    d["raids"][0]["rcs_m2"] = 0.8
    cs = build(d)
    assert cs.params.sen_q[0, 0] == pytest.approx((6000.0 * (0.8 / 0.05) ** 0.25) ** -2)


def test_jammer_defeat_rate(build) -> None:
    """A drone inside a jammer's radius for T steps survives with probability exp(-rate·T)."""
    d = base()
    d["raids"][0]["launch_area"] = {"center": [0, 2000], "radius_m": 1e-6}
    d["raids"][0]["speed_mps"] = 20.0  # 100 s in the air, 99 jammer steps (launch step excluded)
    d["effectors"] = [{"name": "J", "type": "ew_jammer", "position": [0, 0],
                       "params": {"max_range_m": 5000.0}, "pk": {"owa_piston": 0.01}}]
    cs = build(d)
    n = 3000
    out = run_batch(cs, 5, 0, n)
    killed = int(out.wave_killed[:, 0].sum())
    # jammed at steps 0..99 except the arrival step 100: 100 exposures of dt = 1 s
    assert abs(_z(killed, n, 1 - math.exp(-0.01 * 100))) < 4.0
    np.testing.assert_array_equal(out.eff_shots[:, 0], 0)
    np.testing.assert_array_equal(out.eff_kills[:, 0], out.wave_killed[:, 0])


def test_leak_probability_and_costs(build) -> None:
    d = base()
    d["assets"]["moving"] = [{"name": "VIP", "value": 100, "speed_mps": 60,
                              "waypoints": [{"position": [-20000, 0]},
                                            {"position": [20000, 0]}]}]
    d["leak"] = {"probability": 0.3, "threat": "fpv", "count": 5,
                 "launch_area": {"center": [0, 5000], "radius_m": 1000}}
    cs = build(d)
    assert cs.wave_names[-1] == "Leak surge"
    assert cs.asset_names[0] == "VIP" and cs.asset_kinds == ("moving", "fixed")
    n = 3000
    out = run_batch(cs, 9, 0, n)
    assert abs(_z(int(out.leak.sum()), n, 0.3)) < 4.0
    np.testing.assert_array_equal(out.wave_launched[:, -1], np.where(out.leak, 5, 0))
    np.testing.assert_allclose(out.attack_cost,
                               out.wave_launched @ cs.wave_cost_usd)
    # the ambush point is the flight-path point nearest the leak launch-area centre
    assert (cs.params.leak_x, cs.params.leak_y) == pytest.approx((0.0, 0.0))
    assert cs.params.leak_t == pytest.approx(20000 / 60 - 120)


def test_friendly_fire_in_a_weapons_free_zone(build) -> None:
    """The aircraft crosses a 4-km weapons-free zone inside one effector's envelope: 41 C2
    cycles, each a misidentification with probability q and then a hit with pk_ff (the
    effector's largest pk, 0.85): P(lost) = 1 - (1 - q·pk_ff)^41."""
    d = base(duration_s=600)
    d["assets"]["moving"] = [{"name": "VIP", "value": 100, "speed_mps": 50,
                              "waypoints": [{"position": [-10000, 0]},
                                            {"position": [10000, 0]}]}]
    d["effectors"] = [missile(pk=0.5, magazine=1000, max_range_m=3000.0)]
    d["c2"] = {"cycle_s": 2.0, "p_misidentification": 0.01,
               "weapons_free_zones": [{"center": [0, 0], "radius_m": 2000}]}
    cs = build(d)
    n = 3000
    out = run_batch(cs, 1, 0, n)
    lost = int(out.asset_lost[:, 0].sum())
    assert abs(_z(lost, n, 1 - (1 - 0.01 * 0.85) ** 41)) < 4.0
    np.testing.assert_array_equal(out.vip_lost_ff, out.asset_lost[:, 0])
    t = out.asset_loss_time_s[out.vip_lost_ff, 0]
    assert ((t >= 160) & (t <= 240)).all()
    # no zone, no friendly fire
    d["c2"]["weapons_free_zones"] = []
    assert run_batch(build(d), 1, 0, 200).friendly_fire.sum() == 0


# ----------------------------------------------------------------------------- cause of loss


def test_a_site_attacked_by_one_wave_only_is_lost_to_that_wave(build) -> None:
    """Two sites 20 km apart, each the only target of its own wave (no scatter, lethal radii
    far smaller than the gap): every loss of a site is caused by its wave, and a missile with
    one round at each wave's drone makes some replications lose nothing."""
    d = base()
    d["assets"]["fixed"].append({"name": "Far", "position": [20000, 0], "value": 5,
                                 "radius_m": 50, "vulnerability": {"owa_piston": 1.0}})
    far = {**d["raids"][0], "name": "Far raid",
           "launch_area": {"center": [20000, 40000], "radius_m": 1e-6},
           "targeting": {"weights": {"Far": 1}}}
    d["raids"].append(far)
    # each missile reaches only its own site's wave
    d["effectors"] = [missile(pk=0.5, magazine=1, max_range_m=15000.0),
                      missile("SAM2", pk=0.5, magazine=1, max_range_m=15000.0)]
    d["effectors"][1]["position"] = [20000, 0]
    cs = build(d)
    out = run_batch(cs, 4, 0, 400)
    site, far_site = cs.asset_names.index("Site"), cs.asset_names.index("Far")
    for a, w in ((site, 0), (far_site, 1)):
        lost = out.asset_lost[:, a]
        assert 0 < lost.sum() < len(lost)
        np.testing.assert_array_equal(out.asset_cause[:, a], np.where(lost, w, -1))
    # each wave's kills are its own effector's, and its one round is at its own wave
    np.testing.assert_array_equal(out.wave_eff_kills.sum(axis=2), out.wave_killed)
    np.testing.assert_array_equal(out.wave_eff_shots[:, 0, 1] + out.wave_eff_shots[:, 1, 0], 0)


def test_friendly_fire_alone_causes_every_loss(build) -> None:
    """The case of :func:`test_friendly_fire_in_a_weapons_free_zone`: the only drone strikes
    the site, so every loss of the aircraft is friendly fire (cause −2, ``vip_lost_ff``), and
    the friendly-fire rounds are in ``eff_shots`` but in no wave's shots."""
    from skyshield.contract import CAUSE_FRIENDLY_FIRE, CAUSE_NONE

    d = base(duration_s=600)
    d["assets"]["moving"] = [{"name": "VIP", "value": 100, "speed_mps": 50,
                              "waypoints": [{"position": [-10000, 0]},
                                            {"position": [10000, 0]}]}]
    d["effectors"] = [missile(pk=0.5, magazine=1000, max_range_m=3000.0)]
    d["c2"] = {"cycle_s": 2.0, "p_misidentification": 0.01,
               "weapons_free_zones": [{"center": [0, 0], "radius_m": 2000}]}
    cs = build(d)
    out = run_batch(cs, 1, 0, 1000)
    lost = out.asset_lost[:, 0]
    assert lost.sum() > 100
    np.testing.assert_array_equal(out.asset_cause[:, 0],
                                  np.where(lost, CAUSE_FRIENDLY_FIRE, CAUSE_NONE))
    np.testing.assert_array_equal(out.asset_cause[:, 0] == CAUSE_FRIENDLY_FIRE, out.vip_lost_ff)
    assert out.friendly_fire.sum() > 0
    np.testing.assert_array_equal(out.wave_eff_shots.sum(axis=1)[:, 0],
                                  out.eff_shots[:, 0] - out.friendly_fire)


def test_decoys_never_cause_a_loss(build) -> None:
    """An armed wave and a decoy wave (no warhead) strike the same site, undefended but for
    a missile with one round per drone that cannot tell them apart: the decoys draw rounds
    and leak onto the site, yet every loss is the armed wave's."""
    d = base()
    d["raids"][0]["count"] = 3
    d["raids"].append({**d["raids"][0], "name": "Gerberas", "threat": "decoy", "count": 3})
    d["effectors"] = [missile(pk=0.3, magazine=6, channels=6.0)]
    d["effectors"][0]["pk"]["decoy"] = 0.3
    cs = build(d)
    out = run_batch(cs, 2, 0, 400)
    decoys = cs.wave_names.index("Gerberas")
    assert out.wave_leaked[:, decoys].sum() > 0 and out.wave_eff_shots[:, decoys, 0].sum() > 0
    lost = out.asset_lost[:, 0]
    assert lost.sum() > 0
    assert not (out.asset_cause == decoys).any()
    np.testing.assert_array_equal(out.asset_cause[:, 0], np.where(lost, 0, -1))


def _net(name: str, pd: float, centre: list[float], radius: float) -> dict:
    """An acoustic net: a track at the first detection, dropped at the first miss."""
    return {"name": name, "type": "acoustic_net", "position": centre,
            "params": {"net_radius_m": radius, "max_range_m": radius, "pd_scan": pd,
                       "scan_s": 1.0, "track_m": 1, "track_n": 1, "latency_s": 0.0,
                       "drop_misses": 1}}


def test_sen_tracked_counts_each_drone_once_per_sensor(build) -> None:
    """§5 ``sen_tracked``: one drone, a net that always hears it ⇒ 1; a net that hears
    half its scans (its track drops at every miss and starts again) ⇒ still 1; a net the
    drones never come near ⇒ 0; three drones ⇒ 3."""
    from skyshield.engine import record_replication

    d = base(sensors=[_net("Sure", 1.0, [0, 0], 49000), _net("Half", 0.5, [0, 0], 49000),
                      _net("Far", 1.0, [45000, -45000], 1000)])
    cs = build(d)
    out = run_batch(cs, 3, 0, 20)
    np.testing.assert_array_equal(out.sen_tracked, np.tile([1, 1, 0], (20, 1)))
    # the half-deaf net alone: its track on the one drone starts over and over
    rec = record_replication(build(base(sensors=[_net("Half", 0.5, [0, 0], 49000)])), 3, 0)
    assert list(rec.events["kind"]).count("track") > 5
    np.testing.assert_array_equal(rec.outcome.sen_tracked, [[1]])
    d["raids"][0]["count"] = 3
    out3 = run_batch(build(d), 3, 0, 10)
    np.testing.assert_array_equal(out3.wave_launched[:, 0], 3)
    np.testing.assert_array_equal(out3.sen_tracked, np.tile([3, 3, 0], (10, 1)))
