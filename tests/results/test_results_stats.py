"""Interval estimators: closed forms and coverage checked by simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from skyshield.results.stats import (
    mean_interval,
    paired_difference,
    paired_ratio_difference,
    ratio_interval,
    wilson_interval,
)


def test_wilson_known_value() -> None:
    # Wilson (1927) / Newcombe (1998) table: 81 of 263 -> (0.2553, 0.3662)
    lo, hi = wilson_interval(81, 263)
    assert math.isclose(lo, 0.2553, abs_tol=5e-4)
    assert math.isclose(hi, 0.3662, abs_tol=5e-4)


def test_wilson_zero_successes_is_not_degenerate() -> None:
    lo, hi = wilson_interval(0, 100)
    assert lo == 0.0
    assert math.isclose(hi, 3.8415 / (100 + 3.8415), rel_tol=1e-3)  # z^2 / (n + z^2)


@given(st.integers(0, 500), st.integers(1, 500))
def test_wilson_contains_estimate(k: int, n: int) -> None:
    k = min(k, n)
    lo, hi = wilson_interval(k, n)
    assert 0.0 <= lo <= k / n <= hi <= 1.0


def test_wilson_coverage_by_simulation() -> None:
    rng = np.random.default_rng(7)
    p, n, trials = 0.03, 400, 4000
    k = rng.binomial(n, p, size=trials)
    cover = sum(lo <= p <= hi for lo, hi in (wilson_interval(int(x), n) for x in k))
    assert 0.93 <= cover / trials <= 0.97


def test_mean_interval_and_paired_difference() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(5.0, 2.0, size=10_000)
    _m, lo, hi = mean_interval(x)
    assert lo < 5.0 < hi
    assert math.isclose(hi - lo, 2 * 1.96 * 2.0 / 100, rel_tol=0.05)
    # paired: a common component cancels, the interval is much narrower than unpaired
    common = rng.normal(0, 10, size=5000)
    a = common + rng.normal(0, 0.1, size=5000)
    b = common + 0.5 + rng.normal(0, 0.1, size=5000)
    _d, dlo, dhi = paired_difference(a, b)
    assert dlo < 0.5 < dhi
    assert dhi - dlo < 0.02


def test_mixture_interval_covers_the_true_mixture():
    from skyshield.results.stats import mixture_interval

    rng = np.random.default_rng(7)
    p = np.array([0.02, 0.3, 0.7, 0.0])
    w = np.array([0.4, 0.3, 0.2, 0.1])
    n = np.array([100, 60, 150, 40])
    truth = float(w @ p)
    hits = 0
    trials = 2000
    for _ in range(trials):
        k = rng.binomial(n, p)
        est, lo, hi = mixture_interval(k.tolist(), n.tolist(), w.tolist())
        assert 0.0 <= lo <= est <= hi <= 1.0
        assert est == pytest.approx(float(w @ (k / n)))
        hits += lo <= truth <= hi
    assert 0.93 <= hits / trials <= 0.985  # nominal 95 %
    with pytest.raises(ValueError):
        mixture_interval([0], [0], [1.0])


def test_ratio_interval_of_independent_trials_is_wilsons() -> None:
    """k_r ~ Binomial(n_r, p) independently: no design effect beyond sampling noise, so the
    interval is Wilson's on the pooled trials (or at most a little wider); at 0 and at every
    trial a success it is Wilson's exactly, and without trials undefined."""
    rng = np.random.default_rng(11)
    n = rng.integers(20, 40, size=200)
    k = rng.binomial(n, 0.3)
    p, lo, hi = ratio_interval(k, n)
    assert p == k.sum() / n.sum()
    wlo, whi = wilson_interval(int(k.sum()), int(n.sum()))
    assert lo <= wlo + 1e-12 and hi >= whi - 1e-12
    assert (hi - lo) <= 1.3 * (whi - wlo)
    assert ratio_interval(np.zeros(5), np.full(5, 10)) == (0.0, 0.0, wilson_interval(0, 50)[1])
    assert ratio_interval(np.full(5, 10), np.full(5, 10)) == (1.0, wilson_interval(50, 50)[0], 1.0)
    assert all(math.isnan(v) for v in ratio_interval(np.zeros(3), np.zeros(3)))


def test_ratio_interval_covers_a_clustered_proportion() -> None:
    """Drones of one replication share its draws: each replication's own detection rate is
    drawn (Beta(2, 2), mean 0.5), then its drones. The interval counts the replication as the
    unit and keeps its 95 % coverage, where Wilson's on the pooled drones falls far short."""
    rng = np.random.default_rng(5)
    trials, R, m = 1000, 40, 30
    ours = pooled = 0
    for _ in range(trials):
        n = np.full(R, m)
        k = rng.binomial(n, rng.beta(2.0, 2.0, size=R))
        _p, lo, hi = ratio_interval(k, n)
        ours += lo <= 0.5 <= hi
        wlo, whi = wilson_interval(int(k.sum()), int(n.sum()))
        pooled += wlo <= 0.5 <= whi
    assert 0.92 <= ours / trials <= 0.98
    assert pooled / trials < 0.6


def test_paired_ratio_difference_with_equal_trials_is_the_paired_difference() -> None:
    """With the same trials n in every replication the linearised ratio is k_r / n itself."""
    rng = np.random.default_rng(3)
    n = np.full(60, 25)
    k_a = rng.binomial(n, 0.6)
    k_b = np.minimum(n, k_a + rng.integers(-3, 2, size=60))
    got = paired_ratio_difference(k_a, n, k_b, n)
    want = paired_difference(k_a / 25.0, k_b / 25.0)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    assert got[0] == pytest.approx(k_b.sum() / n.sum() - k_a.sum() / n.sum())
    with pytest.raises(ValueError, match="same replications"):
        paired_ratio_difference(k_a, n, k_b[:10], n[:10])
    assert all(math.isnan(v) for v in paired_ratio_difference(k_a, 0 * n, k_b, n))
