"""The compiled kernel against the plain-Python reference, replication by replication."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest
from engine_scenarios import base, build, missile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import scenarios

from skyshield.engine import BatchOutcome, run_batch
from skyshield.engine.reference import run_replication
from skyshield.scenario import Scenario, load_scenario
from testkit import FLAGSHIP


def _same(cs, seed: int, reps: int) -> None:
    out = run_batch(cs, seed, 0, reps)
    for r in range(reps):
        ref = run_replication(cs, seed, r)
        for f in fields(BatchOutcome):
            np.testing.assert_array_equal(getattr(out.row(r), f.name), getattr(ref, f.name),
                                          err_msg=f"{f.name}, replication {r}")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(d=scenarios(), seed=st.integers(0, 2**63 - 1))
def test_identical_on_random_small_scenarios(d: dict, seed: int) -> None:
    _same(build(d), seed, 2)


def _cut_down_flagship(**c2: object) -> Scenario:
    """The flagship's geometry and equipment, a tenth of its drones (launched in the first
    1400 s), the VIP leaving at once, 25 minutes; the leak at p = 0.5 with 4 drones."""
    sc = load_scenario(FLAGSHIP)
    raids = [r.model_copy(update={"count": max(1, r.count // 10),
                                  "launch": r.launch.model_copy(update={"end_s": 1400.0,
                                                                        "times_s": None,
                                                                        "rates": None})})
             for r in sc.raids]
    assert sc.leak is not None
    return sc.model_copy(update={
        "raids": raids, "duration_s": 1500.0,
        "leak": sc.leak.model_copy(update={"probability": 0.5, "count": 4}),
        "c2": sc.c2.model_copy(update=c2),
        "assets": sc.assets.model_copy(update={"moving": [
            sc.assets.moving[0].model_copy(update={"departure_s": 0.0})]}),
    })


def test_identical_on_a_cut_down_flagship() -> None:
    small = _cut_down_flagship()
    from skyshield.engine import compile_scenario

    cs = compile_scenario(small)
    out = run_batch(cs, 3, 0, 3)
    # the comparison exercises shots, kills, leaks and EW (not a vacuous run)
    assert out.eff_shots.sum() > 0 and out.wave_killed.sum() > 0 and out.wave_leaked.sum() > 0
    _same(cs, 3, 3)


@pytest.mark.parametrize("intent", ["nearest", "heading"])
def test_identical_on_a_cut_down_flagship_with_inferred_intent(intent: str) -> None:
    """The cut-down flagship with C2 inferring each threat's target (§4.7.1)."""
    from skyshield.engine import compile_scenario

    cs = compile_scenario(_cut_down_flagship(intent=intent))
    out = run_batch(cs, 3, 0, 2)
    assert out.eff_shots.sum() > 0 and out.wave_killed.sum() > 0
    _same(cs, 3, 2)


def test_identical_on_the_analytic_cases() -> None:
    d = base(effectors=[missile(pk=0.5, magazine=3)])
    _same(build(d), 1, 5)
    d["c2"] = {**d["c2"], "doctrine": "salvo", "salvo_size": 2}
    _same(build(d), 2, 5)


def test_identical_on_a_full_flagship_replication_with_a_leak() -> None:
    """One whole flagship replication (seed 5, replication 1: the plan leaks)."""
    from skyshield.engine import compile_scenario

    cs = compile_scenario(load_scenario(FLAGSHIP))
    out = run_batch(cs, 5, 1, 1)
    assert out.leak[0] and out.wave_launched[0, -1] == 30
    # the new outcome fields are compared, and not trivially: the surge downs the VIP, and
    # every wave drew rounds
    assert {"asset_cause", "wave_eff_kills", "wave_eff_shots", "sen_tracked"} <= {
        f.name for f in fields(BatchOutcome)}
    assert out.asset_cause[0, 0] == len(cs.wave_names) - 1
    assert (out.wave_eff_shots[0].sum(axis=1)[:5] > 0).all()
    # every sensor tracked some drones, none more than were launched
    assert (out.sen_tracked[0] > 0).all()
    assert (out.sen_tracked[0] <= out.wave_launched[0].sum()).all()
    ref = run_replication(cs, 5, 1)
    for f in fields(BatchOutcome):
        np.testing.assert_array_equal(getattr(out, f.name), getattr(ref, f.name),
                                      err_msg=f.name)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(d=scenarios(), seed=st.integers(0, 2**63 - 1))
def test_identical_with_the_local_policy(d: dict, seed: int) -> None:
    d["c2"] = {**d["c2"], "policy": "local"}
    _same(build(d), seed, 2)


def test_identical_with_local_and_exact_on_the_analytic_cases() -> None:
    for policy in ("local", "exact"):
        d = base(effectors=[missile(pk=0.5, magazine=3), missile("SAM2", pk=0.4, magazine=2)])
        d["c2"] = {**d["c2"], "policy": policy, "policy_time_s": 5.0}
        _same(build(d), 1, 4)
        d["c2"] = {**d["c2"], "doctrine": "salvo", "salvo_size": 2}
        _same(build(d), 2, 4)


def test_identical_with_local_on_a_cut_down_flagship() -> None:
    """The cut-down flagship of the test above under the ``local`` policy."""
    small = _cut_down_flagship(policy="local")
    from skyshield.engine import compile_scenario

    cs = compile_scenario(small)
    out = run_batch(cs, 3, 0, 2)
    assert out.eff_shots.sum() > 0 and out.wave_killed.sum() > 0
    _same(cs, 3, 2)
