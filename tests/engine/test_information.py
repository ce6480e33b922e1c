"""``c2.information: tracks`` (docs/model.md §4.5.2): the kernel against the reference, the
false-alarm count's Poisson law, and ``truth`` untouched."""

from __future__ import annotations

import math

import numpy as np
import pytest
from engine_scenarios import base, build, missile
from test_reference import _cut_down_flagship, _same

from skyshield.engine import compile_scenario, run_batch
from skyshield.engine.information import poisson_count
from skyshield.engine.rng import py_uniform
from skyshield.scenario import Scenario


def _noisy(sc: Scenario, fa: float = 2.0, res: float = 200.0, pmk: float = 0.2,
           pfk: float = 0.1) -> Scenario:
    """Every sensor with false alarms, a resolution cell and kill-assessment errors."""
    over = {"false_alarms_per_scan": fa, "resolution_m": res, "p_missed_kill": pmk,
            "p_false_kill": pfk}
    sensors = [s.model_copy(update={"params": {**(s.params or {}), **over}})
               for s in sc.sensors]
    return sc.model_copy(update={"sensors": sensors})


@pytest.mark.parametrize("intent", ["oracle", "heading", "bridge"])
def test_kernel_equals_reference_on_tracks(intent: str) -> None:
    sc = _noisy(_cut_down_flagship(information="tracks", intent=intent))
    cs = compile_scenario(sc)
    out = run_batch(cs, 3, 0, 3)
    # not vacuous: shots, kills and rounds spent on false tracks (in no wave's row)
    assert out.eff_shots.sum() > 0 and out.wave_killed.sum() > 0
    assert out.eff_shots.sum() > out.wave_eff_shots.sum()
    _same(cs, 3, 3)


def test_kernel_equals_reference_on_clean_tracks() -> None:
    cs = compile_scenario(_cut_down_flagship(information="tracks", policy="local"))
    _same(cs, 5, 2)


@pytest.mark.parametrize("lam", [0.3, 2.0, 7.5])
def test_false_alarm_count_is_poisson(lam: float) -> None:
    """The inversion of §4.5.2 on keyed uniforms: mean, variance and P(0) of Poisson(λ)."""
    n = 20_000
    cap = math.ceil(lam + 10.0 * math.sqrt(lam) + 10.0)
    k = np.array([poisson_count(py_uniform(7, 20, j), lam, cap) for j in range(n)])
    se = math.sqrt(lam / n)
    assert abs(k.mean() - lam) < 5 * se
    assert abs(k.var() - lam) < 5 * lam * math.sqrt(2.0 / n) + 5 * se
    assert abs((k == 0).mean() - math.exp(-lam)) < 5 * math.sqrt(math.exp(-lam) / n)


def _one_drone(fa: float = 0.0, pmk: float = 0.0, pfk: float = 0.0, basket: float = 150.0,
               sigma: float = 30.0, magazine: int = 10) -> dict:
    """One drone flying at the site, an acoustic net on tracks, a pk = 1 missile."""
    d = base(effectors=[missile(pk=1.0, magazine=magazine, basket_m=basket)])
    d["sensors"][0]["params"].update({
        "false_alarms_per_scan": fa, "sigma_range_m": sigma, "resolution_m": 0.0,
        "p_missed_kill": pmk, "p_false_kill": pfk})
    d["c2"] = {**d["c2"], "information": "tracks"}
    return d


def test_a_judged_kill_ends_it_a_missed_kill_spends_more_rounds() -> None:
    seen = build(_one_drone())
    out = run_batch(seen, 1, 0, 8)
    assert (out.wave_killed.sum(axis=1) == 1).all()
    assert (out.eff_shots.sum(axis=1) == 1).all()  # one round, the kill seen, the track gone
    missed = run_batch(build(_one_drone(pmk=1.0)), 1, 0, 8)
    assert (missed.wave_killed.sum(axis=1) == 1).all()
    # never judged: the track of the dead drone coasts and is engaged again until it drops
    assert (missed.eff_shots.sum(axis=1) > 1).all()
    _same(build(_one_drone(pmk=1.0)), 1, 2)


def test_the_basket_decides_whether_a_round_can_kill() -> None:
    out = run_batch(build(_one_drone(basket=1e-3, sigma=300.0, magazine=5)), 2, 0, 6)
    assert out.eff_shots.sum() > 0 and out.wave_killed.sum() == 0


def test_false_tracks_draw_fire() -> None:
    """With many false alarms, rounds go to tracks that no drone made: counted in shots, in
    no wave's row."""
    cs = build(_one_drone(fa=30.0, sigma=300.0, magazine=50))
    out = run_batch(cs, 3, 0, 4)
    assert (out.eff_shots.sum(axis=1) > out.wave_eff_shots.sum(axis=(1, 2))).all()
    _same(cs, 3, 2)


def test_bridge_needs_tracks_and_its_prior_follows_the_perceived_class() -> None:
    """``intent: bridge`` is refused under ``truth`` (no covariance); compiled, each wave's
    prior is its perceived class's expected drones per asset, transit 0.05 (§4.7.1)."""
    from skyshield.errors import InputError
    from skyshield.scenario import scenario_from_dict

    d = _one_drone()
    d["c2"] = {**d["c2"], "information": "truth", "intent": "bridge"}
    with pytest.raises((InputError, ValueError), match=r"bridge needs c2\.information: tracks"):
        scenario_from_dict(d)
    d["c2"]["information"] = "tracks"
    p = build(d).params
    assert p.br_logp.shape == (1, 2) and p.br_sigma.shape == (1,)
    np.testing.assert_allclose(np.exp(p.br_logp[0]), [0.95, 0.05], rtol=1e-15)
    assert p.br_kappa == pytest.approx(1.0 / 1e10)
