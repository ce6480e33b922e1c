"""Finite means (docs/model.md §4.6): stocks that run out, resupply that arrives, Winchester.

One drone that no round kills (pk 1e-12) flies 40 km to the site at 50 m/s, so the missile
battery keeps engaging it for ~800 s: every round the effector can fire, it fires. The shot
times come from the event log of a recording (the same kernel as the batch)."""

from __future__ import annotations

import math

import numpy as np
from engine_scenarios import base, build, missile

from skyshield.engine import record_replication, run_batch
from skyshield.engine.reference import run_replication


def _shot_times(cs, rep: int = 0) -> np.ndarray:
    rec = record_replication(cs, 1, rep)
    ev = rec.events
    return np.asarray(ev["t_s"][ev["kind"] == "shot"])


def _unkillable(**over: object) -> dict:
    e = missile(pk=1e-12, magazine=2, reload_s=10.0)
    e.update(over)
    return base(effectors=[e])


def test_a_stock_runs_out_after_exactly_magazine_plus_stock_rounds() -> None:
    """Magazine 2, stock 3, reload 10 s: 5 rounds, then Winchester at the 5th shot; the
    reload that the 4th and 5th rounds need starts when the magazine empties."""
    cs = build(_unkillable(stock=3))
    out = run_batch(cs, 1, 0, 20)
    np.testing.assert_array_equal(out.eff_shots[:, 0], 5)
    np.testing.assert_array_equal(out.eff_left[:, 0], 0)
    np.testing.assert_array_equal(out.min_magazine[:, 0], 0)
    shots = _shot_times(cs)
    assert len(shots) == 5
    # the magazine's 2 rounds, a 10-s reload, 2 more, a reload, the last round
    assert shots[2] >= shots[1] + 10.0 and shots[4] >= shots[3] + 10.0
    assert float(out.eff_dry_s[0, 0]) == shots[-1]


def test_an_unlimited_stock_never_runs_dry() -> None:
    """``stock: null``: every reload refills the magazine (the behaviour before stocks)."""
    cs = build(_unkillable(stock=None))
    out = run_batch(cs, 1, 0, 5)
    assert (out.eff_shots[:, 0] > 20).all()
    assert np.isnan(out.eff_dry_s[:, 0]).all()
    np.testing.assert_array_equal(out.eff_left[:, 0], -1)


def test_a_resupply_arrives_at_its_time() -> None:
    """Magazine 2, stock 0: dry after 2 rounds; 3 rounds delivered at t = 300 s start a reload
    (10 s), so the third shot is at 310 s at the earliest, and 5 rounds are fired in all."""
    cs = build(_unkillable(stock=0, resupply=[{"t_s": 300.0, "rounds": 3}]))
    out = run_batch(cs, 1, 0, 10)
    np.testing.assert_array_equal(out.eff_shots[:, 0], 5)
    np.testing.assert_array_equal(out.eff_left[:, 0], 0)
    shots = _shot_times(cs)
    assert shots[1] < 300.0 <= shots[2] - 10.0
    # Winchester is the first time without any round: after the second shot
    assert float(out.eff_dry_s[0, 0]) == shots[1]
    # no shot before the delivery and the reload (bins of 60 s: nothing in bins 1..4)
    assert out.eff_shots_t[0, 0, 1:5].sum() == 0


def test_a_recurring_resupply_sets_the_rate_of_fire() -> None:
    """Stock 0, one round every 100 s from 100 s: after the magazine's 2 rounds, one shot per
    delivery (each delivery starts a 10-s reload of its one round) while the drone flies."""
    cs = build(_unkillable(stock=0, resupply=[{"every_s": 100.0, "rounds": 1}]))
    shots = _shot_times(cs)
    later = shots[2:]
    assert len(later) >= 5
    np.testing.assert_array_less(np.arange(1, len(later) + 1) * 100.0 + 10.0 - 1e-9, later)
    assert (np.diff(later) >= 100.0 - 1e-9).all()


def test_kernel_equals_reference_with_stocks_and_resupply() -> None:
    for over in ({"stock": 3}, {"stock": 0, "resupply": [{"t_s": 300.0, "rounds": 3}]},
                 {"stock": 1, "resupply": [{"every_s": 70.0, "rounds": 2, "until_s": 500}]}):
        cs = build(_unkillable(**over))
        out = run_batch(cs, 4, 0, 3)
        for r in range(3):
            ref = run_replication(cs, 4, r)
            for name in ("eff_shots", "eff_dry_s", "eff_left", "min_magazine", "eff_shots_t"):
                np.testing.assert_array_equal(getattr(out.row(r), name), getattr(ref, name),
                                              err_msg=f"{over} {name} {r}")


def test_a_magazine_that_is_never_reloaded_ignores_the_catalogue_stock() -> None:
    """``reload_s: 0`` (interceptor drones are spent): the magazine is all there is."""
    cs = build(base(effectors=[missile(pk=1e-12, magazine=3)]))
    out = run_batch(cs, 1, 0, 5)
    np.testing.assert_array_equal(out.eff_shots[:, 0], 3)
    np.testing.assert_array_equal(out.eff_left[:, 0], 0)
    assert not math.isnan(float(out.eff_dry_s[0, 0]))
