"""Interval estimates used throughout: Wilson score intervals for probabilities, normal
intervals for means, paired differences for common-random-number comparisons, and
proportions pooled over replications (a sensor's P(detect): drones tracked ÷ launched)."""

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
    return _wilson(successes / n, n, z)


def _wilson(p: float, n: float, z: float) -> tuple[float, float]:
    """Wilson's bounds at proportion ``p`` of ``n > 0`` trials (``n`` may be an effective,
    non-integer number)."""
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    # at k = 0 and k = n the bounds are exactly 0 and 1; rounding must not move them
    lo = 0.0 if p <= 0.0 else max(0.0, centre - half)
    hi = 1.0 if p >= 1.0 else min(1.0, centre + half)
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


def ratio_interval(k: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[float, float, float]:
    """A proportion pooled over replications, ``Σ_r k_r / Σ_r n_r``, with a 95 % interval that
    counts the replication, not the trial, as the unit of sampling: (p, lo, hi).

    Parameters
    ----------
    k, n
        Per replication, the successes and the trials (``k_r ≤ n_r``): the drones a sensor
        tracked and the drones launched.

    Returns
    -------
    tuple
        ``(nan, nan, nan)`` without trials.

    Notes
    -----
    The trials of one replication share its draws (one raid, one defence), so they are not
    independent and a Wilson interval on ``Σ n_r`` trials would be too narrow. The variance
    of the ratio estimator ``p̂`` is estimated by linearisation over the R replications,
    ``V = Σ_r (k_r − p̂ n_r)² / (R (R − 1) n̄²)``; the interval is Wilson's
    (:func:`wilson_interval`) at the effective number of trials ``n_eff = Σ n_r / deff``,
    with the design effect ``deff = max(1, V / (p̂ (1 − p̂) / Σ n_r))`` (Kish 1965; Korn &
    Graubard 1998): never narrower than Wilson's on the trials, inside [0, 1], and not
    degenerate at ``p̂ = 0`` or 1 (where ``deff = 1``).
    """
    kf = np.asarray(k, dtype=np.float64).reshape(-1)
    nf = np.asarray(n, dtype=np.float64).reshape(-1)
    total = float(nf.sum())
    if total <= 0.0:
        return (math.nan, math.nan, math.nan)
    p = float(kf.sum()) / total
    R = nf.size
    n_eff = total
    var_binom = p * (1.0 - p) / total
    if R >= 2 and var_binom > 0.0:
        nbar = total / R
        var = float(((kf - p * nf) ** 2).sum()) / (R * (R - 1) * nbar * nbar)
        n_eff = total / max(1.0, var / var_binom)
    lo, hi = _wilson(p, n_eff, z)
    return (p, lo, hi)


def paired_ratio_difference(k_a: np.ndarray, n_a: np.ndarray, k_b: np.ndarray,
                            n_b: np.ndarray, z: float = Z95) -> tuple[float, float, float]:
    """``p_b − p_a`` of two pooled proportions (:func:`ratio_interval`) measured on the same
    replications (common random numbers), with a 95 % paired interval: (diff, lo, hi).

    Notes
    -----
    Each ratio is linearised per replication, ``ẑ_r = p̂ + (k_r − p̂ n_r)/n̄`` (mean p̂, the
    variance of the ratio estimator), and the interval is :func:`paired_difference`'s on the
    per-replication ``ẑ_b − ẑ_a``. ``(nan, nan, nan)`` when either has no trials.
    """
    zs = []
    for k, n in ((k_a, n_a), (k_b, n_b)):
        kf = np.asarray(k, dtype=np.float64).reshape(-1)
        nf = np.asarray(n, dtype=np.float64).reshape(-1)
        total = float(nf.sum())
        if total <= 0.0:
            return (math.nan, math.nan, math.nan)
        p = float(kf.sum()) / total
        zs.append(p + (kf - p * nf) / (total / nf.size))
    if zs[0].size != zs[1].size:
        raise ValueError("paired proportions need the same replications")
    return paired_difference(zs[0], zs[1], z)


def finite_round(x: float | None, digits: int = 6) -> float | None:
    """Round for display and JSON; None, NaN and inf become None (JSON has no NaN)."""
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), digits)


def finite_interval(lo: float | None, hi: float | None, digits: int = 6) -> list[float | None]:
    """An interval's ends by :func:`finite_round`."""
    return [finite_round(lo, digits), finite_round(hi, digits)]
