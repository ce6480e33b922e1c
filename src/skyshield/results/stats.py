"""Interval estimates used throughout: Wilson score intervals for probabilities, normal
intervals for means, paired differences for common-random-number comparisons."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

Z95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    Notes
    -----
    With :math:`\\hat p = k/n`,

    .. math:: \\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}

    (Wilson 1927). Unlike the Wald interval it stays inside [0, 1] and keeps close to its
    nominal coverage for p near 0 or 1, the usual case for the loss of a well-defended VIP.
    """
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    # at k = 0 and k = n the bounds are exactly 0 and 1; rounding must not move them
    lo = 0.0 if successes <= 0 else max(0.0, centre - half)
    hi = 1.0 if successes >= n else min(1.0, centre + half)
    return (lo, hi)


def wilson_half_width(successes: int, n: int, z: float = Z95) -> float:
    lo, hi = wilson_interval(successes, n, z)
    return (hi - lo) / 2.0


def mixture_interval(successes: Sequence[int], ns: Sequence[int], weights: Sequence[float],
                     z: float = Z95) -> tuple[float, float, float]:
    """Estimate and interval of ``Σ w_i p_i`` from independent binomial samples ``k_i / n_i``.

    Notes
    -----
    The estimate is ``Σ w_i k_i / n_i``; its variance is estimated with the Agresti–Coull
    adjustment ``p̃_i = (k_i + z²/2) / (n_i + z²)``, ``Var ≈ Σ w_i² p̃_i (1 − p̃_i) / (n_i + z²)``,
    so that components with no or only losses still count; the interval is the estimate
    ``± z √Var``, clipped to [0, 1] (Agresti & Coull 1998). Used for the loss probability of
    a randomised flight plan, each plan flown in its own Monte Carlo.
    """
    est = 0.0
    var = 0.0
    z2 = z * z
    for k, n, w in zip(successes, ns, weights, strict=True):
        if n <= 0:
            raise ValueError("every component needs at least one sample")
        est += w * k / n
        pt = (k + z2 / 2.0) / (n + z2)
        var += w * w * pt * (1.0 - pt) / (n + z2)
    half = z * math.sqrt(var)
    return est, max(0.0, est - half), min(1.0, est + half)


def mean_interval(x: np.ndarray, z: float = Z95) -> tuple[float, float, float]:
    """Mean with a normal-approximation 95 % interval: (mean, lo, hi)."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    if n == 0:
        return (math.nan, math.nan, math.nan)
    m = float(x.mean())
    if n == 1:
        return (m, m, m)
    half = z * float(x.std(ddof=1)) / math.sqrt(n)
    return (m, m - half, m + half)


def paired_difference(a: np.ndarray, b: np.ndarray, z: float = Z95) -> tuple[float, float, float]:
    """Mean of ``b - a`` over paired replications with a 95 % interval: (diff, lo, hi).

    With common random numbers the per-replication differences have a far smaller variance
    than two independent estimates, which is what makes single-failure rankings sharp.
    """
    d = np.asarray(b, dtype=np.float64) - np.asarray(a, dtype=np.float64)
    return mean_interval(d, z)


def finite_round(x: float | None, digits: int = 6) -> float | None:
    """Round for display and JSON; None, NaN and inf become None (JSON has no NaN)."""
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), digits)


def finite_interval(lo: float | None, hi: float | None, digits: int = 6) -> list[float | None]:
    """An interval's ends by :func:`finite_round`."""
    return [finite_round(lo, digits), finite_round(hi, digits)]
