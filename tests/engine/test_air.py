"""Drones against the aircraft: intercept geometry, ambush, pursuit that cannot catch up."""

from __future__ import annotations

import math

import numpy as np
import pytest
from engine_scenarios import base, build
from hypothesis import given, settings
from hypothesis import strategies as st

from skyshield.engine import record_replication, run_batch
from skyshield.engine.motion import intercept_point


@settings(deadline=None)
@given(tx=st.floats(-5000, 5000), ty=st.floats(-5000, 5000), vx=st.floats(-60, 60),
       vy=st.floats(-60, 60), margin=st.floats(1, 100))
def test_intercept_point_is_reached_at_the_same_time(tx: float, ty: float, vx: float,
                                                     vy: float, margin: float) -> None:
    """A faster drone always has an intercept: the point the target reaches after τ is at
    distance speed·τ from the drone."""
    speed = math.hypot(vx, vy) + margin
    gx, gy = intercept_point(0.0, 0.0, tx, ty, vx, vy, speed)
    dist = math.hypot(gx, gy)
    if math.hypot(vx, vy) == 0.0:
        assert (gx, gy) == (tx, ty)
        return
    tau = dist / speed
    assert gx == pytest.approx(tx + vx * tau, abs=1e-6 * (1 + dist))
    assert gy == pytest.approx(ty + vy * tau, abs=1e-6 * (1 + dist))


def test_slower_drone_behind_falls_back_to_pure_pursuit() -> None:
    assert intercept_point(0.0, 0.0, 1000.0, 0.0, 60.0, 0.0, 40.0) == (1000.0, 0.0)


def _vip(d: dict) -> dict:
    d["assets"]["moving"] = [{"name": "VIP", "value": 100, "speed_mps": 60,
                              "waypoints": [{"position": [-20000, 0]},
                                            {"position": [20000, 0]}],
                              "vulnerability": {"fpv": 1.0}}]
    d["sensors"] = []
    return d


def test_ambush_ahead_of_the_aircraft_hits_it() -> None:
    d = _vip(base(duration_s=800))
    d["raids"][0].update(threat="fpv", launch_area={"center": [0, 500], "radius_m": 1e-6},
                         targeting={"weights": {"VIP": 1}, "mode": "ambush"},
                         launch={"start_s": 0, "end_s": 1})
    cs = build(d)
    out = run_batch(cs, 0, 0, 20)
    assert out.asset_lost[:, 0].all() and (out.wave_leaked[:, 0] == 1).all()
    # the aircraft comes within seeker range (1,500 m) near x = -1,400 m, about t = 310 s,
    # and meets the drone head-on a few seconds later
    t = out.asset_loss_time_s[:, 0]
    assert ((t > 300) & (t < 333)).all()
    ev = record_replication(cs, 0, 0).events
    assert list(ev["kind"]) == ["launch", "leak", "hit", "asset_lost"]


def test_slow_chaser_never_catches_up_and_expires_when_the_aircraft_lands() -> None:
    d = _vip(base(duration_s=800))
    d["raids"][0].update(threat="fpv", launch_area={"center": [-21000, 0], "radius_m": 1e-6},
                         targeting={"weights": {"VIP": 1}},
                         launch={"start_s": 10, "end_s": 11})
    out = run_batch(build(d), 0, 0, 5)
    # endurance 900 s > flight time 667 s: the drone is alive when the aircraft lands
    assert not out.asset_lost.any()
    np.testing.assert_array_equal(out.wave_expired[:, 0], 1)
