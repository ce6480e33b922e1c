"""Same seed ⇒ bit-identical outcomes, whatever the batch boundaries or the thread count;
recordings reproduce their replication."""

from __future__ import annotations

from dataclasses import fields
from functools import cache

import numba
import numpy as np

from skyshield.engine import (
    BatchOutcome,
    CompiledScenario,
    compile_scenario,
    record_replication,
    run_batch,
)
from skyshield.scenario import load_scenario
from testkit import FLAGSHIP, assert_outcomes_equal


@cache
def flagship() -> CompiledScenario:
    return compile_scenario(load_scenario(FLAGSHIP))


def _concat(a: BatchOutcome, b: BatchOutcome) -> BatchOutcome:
    return BatchOutcome(**{f.name: np.concatenate([getattr(a, f.name), getattr(b, f.name)])
                           for f in fields(BatchOutcome)})


def test_batch_boundaries_and_repeats() -> None:
    cs = flagship()
    whole = run_batch(cs, 42, 0, 24)
    assert_outcomes_equal(whole, _concat(run_batch(cs, 42, 0, 10), run_batch(cs, 42, 10, 14)))
    assert_outcomes_equal(whole, run_batch(cs, 42, 0, 24))
    other = run_batch(cs, 43, 0, 24)
    assert not np.array_equal(whole.wave_killed, other.wave_killed)


def test_thread_count_does_not_matter() -> None:
    cs = flagship()
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = run_batch(cs, 5, 3, 12)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = run_batch(cs, 5, 3, 12)
    finally:
        numba.set_num_threads(before)
    assert_outcomes_equal(one, two)


def test_recording_reproduces_its_replication() -> None:
    cs = flagship()
    out = run_batch(cs, 1, 0, 3)
    for rep in range(3):
        rec = record_replication(cs, 1, rep)
        assert_outcomes_equal(rec.outcome, out.row(rep))
        ev = rec.events
        kinds = ev["kind"]
        n = {k: int((kinds == k).sum()) for k in set(kinds)}
        assert n.get("launch", 0) == out.wave_launched[rep].sum()
        assert n.get("kill", 0) + n.get("jammed", 0) == out.wave_killed[rep].sum()
        assert n.get("leak", 0) == out.wave_leaked[rep].sum()
        assert n.get("expire", 0) == out.wave_expired[rep].sum()
        assert n.get("shot", 0) + n.get("friendly_fire", 0) == out.eff_shots[rep].sum()
        assert n.get("asset_lost", 0) == out.asset_lost[rep].sum()
        assert n.get("hit", 0) == out.asset_hits[rep].sum()
        assert np.all(np.diff(ev["t_s"]) >= 0)
        for k in ("drone", "wave", "effector", "asset"):
            assert ev[k].dtype == np.int32
        ps = rec.positions
        assert set(np.unique(ps["t_s"] % 5.0)) == {0.0}
        assert set(ps["state"]) <= {"flying", "tracked", "dead"}
        assert set(ps["entity"]) == {"drone", "asset"}
        assert np.isfinite(ps["x"]).all() and np.isfinite(ps["z"]).all()


def test_common_random_numbers_across_variants() -> None:
    """Removing an effector leaves every drone's launch draws unchanged (keys are names)."""
    sc = load_scenario(FLAGSHIP)
    fewer = sc.model_copy(update={"effectors": sc.effectors[1:]})
    a = record_replication(compile_scenario(sc), 4, 0).events
    b = record_replication(compile_scenario(fewer), 4, 0).events
    la = a["kind"] == "launch"
    lb = b["kind"] == "launch"
    for k in ("t_s", "drone", "x", "y", "asset"):
        np.testing.assert_array_equal(a[k][la], b[k][lb])
