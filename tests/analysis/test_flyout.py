"""The proportional-navigation fly-out of ``docs/flyout.md``: on a straight target it flies
the collision course (the straight-line intercept), against a weaving one it does not."""

from __future__ import annotations

import math

import pytest

from skyshield.analysis.flyout import Shot, collision_time, engine_time, pn_time


def test_collision_time_is_the_closed_form() -> None:
    # head-on: the gap closes at the sum of the speeds; receding at their difference
    assert collision_time(Shot(6000, 600, 50, 180)) == pytest.approx(6000 / 650)
    assert collision_time(Shot(4000, 600, 50, 0)) == pytest.approx(4000 / 550)
    # crossing: (V_P τ)² = R² + (v τ)²
    assert collision_time(Shot(6000, 600, 50, 90)) == pytest.approx(
        6000 / math.sqrt(600**2 - 50**2))
    assert collision_time(Shot(3000, 40, 50, 0)) == math.inf  # too slow to catch it
    assert engine_time(Shot(6000, 600, 50)) == 10.0


@pytest.mark.parametrize("heading", [0.0, 45.0, 90.0, 135.0, 180.0])
@pytest.mark.parametrize(("vp", "amax"), [(600.0, 30.0), (150.0, 20.0)])
def test_pn_on_a_straight_target_is_the_straight_line_within_0_2_percent(
        heading: float, vp: float, amax: float) -> None:
    s = Shot(5000, vp, 50, heading, a_max_g=amax)
    assert pn_time(s) == pytest.approx(collision_time(s), rel=2e-3)
    # launched straight at the target instead, PN still converges on the collision course
    assert pn_time(s, lead=False) == pytest.approx(collision_time(s), rel=2e-2)


def test_a_weaving_target_makes_the_interceptor_drone_differ() -> None:
    s = Shot(3000, 85, 50, 90, weave_g=2.0, a_max_g=4, hit_m=3, dt=0.01)
    assert abs(pn_time(s) / collision_time(s) - 1.0) > 0.1
