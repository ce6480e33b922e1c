"""Intent inference from a constant-velocity track estimate: ``nearest``, ``heading``, ``bridge``.

Every function works on one track's estimate (mean ``m = [px, py, vx, vy]``, covariance ``P``
(4, 4)) and on plain arrays describing the destinations (``A`` assets); everything is compiled
with ``numba.njit(cache=True)`` so that it can be called per track, per C2 cycle, from inside
another numba kernel. Nothing allocates except :func:`tau_grid` (outside a kernel; inside,
:func:`fill_tau_grid`): outputs are written into arrays the caller passes.

The ``bridge`` posterior follows Ahmad, Murphy, Langdon & Godsill, "Bayesian intent prediction
in object tracking using bridging distributions", IEEE Trans. Cybernetics 48(1), 2018: the
destination is a pseudo-measurement of the position at the (unknown) arrival time. For the
linear-Gaussian constant-velocity model the track's current posterior is a sufficient
statistic, so no per-destination filter bank is needed; ``docs/intent.md`` derives the exact
equations, the time-to-go grid, the transit density, the tie rules and the numerical guards.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: log(2 pi)
LOG_2PI = math.log(2.0 * math.pi)
#: log(sqrt(pi) / 2)
LOG_SQRTPI_2 = 0.5 * math.log(math.pi) - math.log(2.0)
#: floor on the arrival variance sigma_d^2 (m^2): keeps S positive definite if P is singular
SIG2_MIN = 1e-6
#: above this argument erfcx uses its asymptotic series (relative error < 3e-13)
ERFCX_ASYMPTOTIC = 25.0
#: a z-interval whose exponent changes by less than this is integrated by Simpson's rule
SIMPSON_SPAN = 1e-2
#: alpha * h^2 below this: the relative motion over the cell is negligible (point value)
ALPHA_H2_MIN = 1e-18


@njit(cache=True)
def nearest_target(px: float, py: float, dest_xy: np.ndarray) -> int:
    """Index of the asset nearest to ``(px, py)`` (lowest index on ties).

    Parameters
    ----------
    px, py
        Track position (m).
    dest_xy
        ``(A, 2)`` asset positions now (m).

    Returns
    -------
    int
        The index in ``[0, A)``; ``-1`` if ``A == 0``.
    """
    best = -1
    best_d2 = np.inf
    for a in range(dest_xy.shape[0]):
        dx = dest_xy[a, 0] - px
        dy = dest_xy[a, 1] - py
        d2 = dx * dx + dy * dy
        if d2 < best_d2 or best < 0:
            best_d2 = d2
            best = a
    return best


@njit(cache=True)
def heading_target(m: np.ndarray, dest_xy: np.ndarray, dest_v: np.ndarray) -> tuple[int, float]:
    """Asset with the closest point of approach along the track's current velocity.

    For asset ``a``: ``r = dest_xy[a] - p``, ``u = v - dest_v[a]``,
    ``t_cpa = max(0, r.u / |u|^2)`` (``0`` if ``|u| = 0``), ``d_cpa = |r - u t_cpa|``. Among the
    assets with ``t_cpa > 0`` the smallest ``d_cpa`` wins, ties go to the smaller ``t_cpa``,
    then to the lower index. If no asset is ahead, the nearest one now
    (:func:`nearest_target`) is returned with ``t_cpa = 0``.

    Parameters
    ----------
    m
        ``(4,)`` track mean ``[px, py, vx, vy]`` (m, m/s).
    dest_xy, dest_v
        ``(A, 2)`` asset positions (m) and velocities (m/s) now.

    Returns
    -------
    tuple of (int, float)
        Asset index (``-1`` if ``A == 0``) and its time to closest approach ``t_cpa`` (s).
    """
    px = m[0]
    py = m[1]
    best = -1
    best_d2 = np.inf
    best_t = np.inf
    for a in range(dest_xy.shape[0]):
        rx = dest_xy[a, 0] - px
        ry = dest_xy[a, 1] - py
        ux = m[2] - dest_v[a, 0]
        uy = m[3] - dest_v[a, 1]
        uu = ux * ux + uy * uy
        t = 0.0
        if uu > 0.0:
            t = max(0.0, (rx * ux + ry * uy) / uu)
        if not t > 0.0:
            continue
        ex = rx - ux * t
        ey = ry - uy * t
        d2 = ex * ex + ey * ey
        if d2 < best_d2 or (d2 == best_d2 and t < best_t):
            best = a
            best_d2 = d2
            best_t = t
    if best < 0:
        return nearest_target(px, py, dest_xy), 0.0
    return best, best_t


def tau_grid(tau_max: float, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Time-to-go cells for a uniform prior on ``[0, tau_max]``: uniform midpoints.

    Cell ``j`` is ``[tau_j - h_j, tau_j + h_j]`` with ``tau_j = (j + 1/2) dt``,
    ``h_j = dt / 2``, ``dt = tau_max / k``; its prior mass is ``w_j = 1 / k``. The cells tile
    ``[0, tau_max]``. :func:`bridge_posterior` integrates the likelihood over each cell in
    closed form (see ``docs/intent.md``), so the nodes need not resolve the likelihood's peak
    in ``tau``; passing ``h = 0`` instead gives the plain midpoint rule.

    Parameters
    ----------
    tau_max
        Largest time to go (s), > 0.
    k
        Number of cells, >= 1.

    Returns
    -------
    tuple of numpy.ndarray
        ``tau`` (k,) cell centres (s), ``w`` (k,) prior masses (sum 1), ``h`` (k,) half-widths (s).
    """
    if not tau_max > 0.0 or k < 1:
        raise ValueError("tau_grid needs tau_max > 0 and k >= 1")
    tau = np.empty(k)
    w = np.empty(k)
    h = np.empty(k)
    fill_tau_grid(float(tau_max), tau, w, h)
    return tau, w, h


@njit(cache=True)
def fill_tau_grid(tau_max: float, tau: np.ndarray, w: np.ndarray, h: np.ndarray) -> None:
    """:func:`tau_grid` into preallocated ``(K,)`` arrays (inside a kernel; no checks)."""
    k = tau.shape[0]
    dt = tau_max / k
    for j in range(k):
        tau[j] = (j + 0.5) * dt
        w[j] = 1.0 / k
        h[j] = 0.5 * dt


@njit(cache=True)
def _erfcx(x: float) -> float:
    """Scaled complementary error function ``exp(x^2) erfc(x)`` for ``x >= 0``."""
    if x < ERFCX_ASYMPTOTIC:
        return math.exp(x * x) * math.erfc(x)
    r = 1.0 / (x * x)
    s = 1.0 - 0.5 * r * (1.0 - 1.5 * r * (1.0 - 2.5 * r * (1.0 - 3.5 * r)))
    return s / (x * math.sqrt(math.pi))


@njit(cache=True)
def log_int_exp_negsq(z1: float, z2: float) -> float:
    """``log of the integral of exp(-z^2) over [z1, z2]`` for ``z1 <= z2``, without cancellation."""
    if not z2 > z1:
        return -np.inf
    if z1 < 0.0 < z2:
        return LOG_SQRTPI_2 + math.log(math.erf(z2) + math.erf(-z1))
    if z2 <= 0.0:
        z1, z2 = -z2, -z1
    # now 0 <= z1 < z2: factor out the value at the near end, J = int_0^D exp(-2 z1 t - t^2) dt
    d = z2 - z1
    span = d * (2.0 * z1 + d)
    if span < SIMPSON_SPAN:
        hm = 0.5 * d
        j = d / 6.0 * (1.0 + 4.0 * math.exp(-hm * (2.0 * z1 + hm)) + math.exp(-span))
        return -z1 * z1 + math.log(j)
    if z1 < 1.0:
        return LOG_SQRTPI_2 + math.log(math.erf(z2) - math.erf(z1))
    j = _erfcx(z1) - math.exp(-span) * _erfcx(z2)
    return -z1 * z1 + LOG_SQRTPI_2 + math.log(j)


@njit(cache=True)
def _pred_cov(pm: np.ndarray, tau: float, q: float, s2: float) -> tuple[float, float, float]:
    """Symmetrised ``H (F P F' + Q) H' + s2 I`` at look-ahead ``tau``, eigenvalues floored at s2."""
    t2 = tau * tau
    qt = q * t2 * tau / 3.0 + s2
    a = pm[0, 0] + tau * (pm[0, 2] + pm[2, 0]) + t2 * pm[2, 2] + qt
    c = pm[1, 1] + tau * (pm[1, 3] + pm[3, 1]) + t2 * pm[3, 3] + qt
    b = 0.5 * ((pm[0, 1] + pm[1, 0]) + tau * (pm[2, 1] + pm[0, 3] + pm[3, 0] + pm[1, 2])
               + t2 * (pm[2, 3] + pm[3, 2]))
    # the smallest eigenvalue of a PSD matrix plus s2 I is >= s2: restore that if round-off
    # (or a slightly indefinite P) broke it
    lmin = 0.5 * (a + c) - math.hypot(0.5 * (a - c), b)
    if lmin < s2:
        a += s2 - lmin
        c += s2 - lmin
    return a, b, c


@njit(cache=True)
def _cell_loglik(m: np.ndarray, pm: np.ndarray, q: float, s2: float, tau: float, h: float,
                 ax: float, ay: float, gx: float, gy: float) -> float:
    """log of the cell average of N(a(tau'); p + v tau', S(tau')) over [tau - h, tau + h].

    ``a(tau') = (ax, ay) + (gx, gy) (tau' - tau)``; ``S`` is frozen at the point of the cell
    where the exponent peaks. ``h = 0``: the point value at ``tau``.
    """
    r0x = ax - m[0] - m[2] * tau
    r0y = ay - m[1] - m[3] * tau
    ux = gx - m[2]
    uy = gy - m[3]
    sa, sb, sc = _pred_cov(pm, tau, q, s2)
    det = sa * sc - sb * sb
    if h > 0.0:
        # peak of the exponent in the cell, with S at the centre; then S there
        ia = sc / det
        ib = -sb / det
        ic = sa / det
        alpha = ux * (ia * ux + ib * uy) + uy * (ib * ux + ic * uy)
        if alpha * h * h > ALPHA_H2_MIN:
            beta = ux * (ia * r0x + ib * r0y) + uy * (ib * r0x + ic * r0y)
            s_star = min(h, max(-h, -beta / alpha))
            if s_star != 0.0:
                sa, sb, sc = _pred_cov(pm, max(0.0, tau + s_star), q, s2)
                det = sa * sc - sb * sb
            ia = sc / det
            ib = -sb / det
            ic = sa / det
            alpha = ux * (ia * ux + ib * uy) + uy * (ib * ux + ic * uy)
            beta = ux * (ia * r0x + ib * r0y) + uy * (ib * r0x + ic * r0y)
            s0 = -beta / alpha
            px_ = r0x + ux * s0
            py_ = r0y + uy * s0
            gperp = max(px_ * (ia * px_ + ib * py_) + py_ * (ib * px_ + ic * py_), 0.0)
            k = math.sqrt(0.5 * alpha)
            li = log_int_exp_negsq(k * (-h - s0), k * (h - s0))
            return float(-LOG_2PI - 0.5 * math.log(det) - 0.5 * gperp
                         + 0.5 * math.log(2.0 / alpha) + li - math.log(2.0 * h))
    quad = (sc * r0x * r0x - 2.0 * sb * r0x * r0y + sa * r0y * r0y) / det
    return float(-LOG_2PI - 0.5 * math.log(det) - 0.5 * quad)


@njit(cache=True)
def bridge_loglik(m: np.ndarray, pm: np.ndarray, dest_xy: np.ndarray, sigma: np.ndarray,
                  q: float, tau: np.ndarray, w: np.ndarray, h: np.ndarray,
                  out: np.ndarray) -> None:
    """Per-destination log marginal likelihood ``log sum_k w_k L_d(tau_k)`` into ``out (A,)``.

    Same arguments as :func:`bridge_posterior`; ``out[a] = -inf`` if every ``w_k`` is 0.
    """
    n_a = dest_xy.shape[0]
    n_k = tau.shape[0]
    for a in range(n_a):
        s2 = max(sigma[a] * sigma[a], SIG2_MIN)
        mx = -np.inf
        acc = 0.0
        for k in range(n_k):
            wk = w[k]
            if not wk > 0.0:
                continue
            gx, gy = _slope(dest_xy, tau, h, a, k)
            ll = _cell_loglik(m, pm, q, s2, tau[k], h[k], dest_xy[a, k, 0], dest_xy[a, k, 1],
                              gx, gy)
            # streaming log-sum-exp of log w_k + ll
            if ll > mx:
                acc = acc * math.exp(mx - ll) + wk
                mx = ll
            elif ll > -np.inf:
                acc += wk * math.exp(ll - mx)
        out[a] = mx + math.log(acc) if acc > 0.0 else -np.inf


@njit(cache=True)
def bridge_posterior(m: np.ndarray, pm: np.ndarray, dest_xy: np.ndarray, sigma: np.ndarray,
                     log_prior: np.ndarray, kappa: float, q: float, tau: np.ndarray,
                     w: np.ndarray, h: np.ndarray, out: np.ndarray) -> None:
    """Posterior probability of each destination and of transit, written into ``out (A+1,)``.

    ``P(d | y) ∝ exp(log_prior[d]) sum_k w_k Lbar_d,k`` for ``d < A``, where ``Lbar_d,k`` is
    the average over cell ``k`` of ``N(a_d(tau); p + v tau, S_d(tau))``,
    ``S_d(tau) = H (F(tau) P F(tau)' + Q(tau)) H' + sigma_d^2 I``; transit (index ``A``):
    ``exp(log_prior[A]) kappa``. Normalised by log-sum-exp.

    Parameters
    ----------
    m, pm
        Track mean ``(4,)`` ``[px, py, vx, vy]`` and covariance ``(4, 4)`` now.
    dest_xy
        ``(A, K, 2)`` planned position of each asset at ``now + tau[k]`` (m).
    sigma
        ``(A,)`` arrival spread sigma_d (m), > 0.
    log_prior
        ``(A+1,)`` log prior probability of each destination, transit last (need not be
        normalised; ``-inf`` excludes a hypothesis).
    kappa
        Transit density (1/m^2): 1 / area of the defended region.
    q
        Spectral density of the white-noise acceleration (m^2/s^3), as in the tracker.
    tau, w, h
        ``(K,)`` cell centres (s), prior masses (sum 1 for a proper prior), half-widths (s)
        of the time-to-go grid (:func:`tau_grid`); ``h = 0`` evaluates at ``tau`` only.
    out
        ``(A+1,)`` output probabilities; transit at index ``A``.

    Notes
    -----
    If ``m`` or ``P`` is not finite, ``out`` is the normalised prior. If no hypothesis has a
    finite log-weight, ``out`` is uniform.
    """
    n_a = dest_xy.shape[0]
    if _finite_track(m, pm):
        bridge_loglik(m, pm, dest_xy, sigma, q, tau, w, h, out)
        for a in range(n_a):
            out[a] += log_prior[a]
        out[n_a] = log_prior[n_a] + (math.log(kappa) if kappa > 0.0 else -np.inf)
    else:
        for a in range(n_a + 1):
            out[a] = log_prior[a]
    _softmax(out)


#: default pruning margin of :func:`bridge_posterior_fast` (natural-log units): a skipped
#: term is below e^-30 of the largest term, so |ΔP| <= (A K) e^-30 (< 1e-11 for A K <= 1000)
PRUNE_MARGIN = 30.0


@njit(cache=True)
def _cell_log_bound(m: np.ndarray, pm: np.ndarray, q: float, s2: float, tau: float, h: float,
                    ax: float, ay: float, gx: float, gy: float) -> float:
    """Upper bound on :func:`_cell_loglik` (same arguments), from arithmetic and two logs.

    For every look-ahead ``tau'`` in the cell (where :func:`_cell_loglik` may freeze ``S``) and
    every offset ``s``: ``lambda_min(S) >= l = s2 + q (tau - h)^3 / 3`` (``H F P F' H'`` is PSD),
    ``lambda_max(S) <= T`` (the trace at the cell's ends: convex quadratic + increasing cubic),
    ``det S >= l lambda_max`` and the exponent ``>= rho / lambda_max`` with ``rho`` the least
    squared Euclidean residual over the cell; maximising over ``lambda_max in [l, T]`` gives
    ``-log 2 pi - log(l Lam)/2 - rho / (2 Lam)``, ``Lam = clamp(rho, l, T)``. A cell average
    never exceeds the maximum of its integrand.
    """
    t_lo = max(0.0, tau - h)
    t_hi = tau + h
    l_lo = s2 + q * t_lo * t_lo * t_lo / 3.0
    tpp = pm[0, 0] + pm[1, 1]
    tpv = pm[0, 2] + pm[2, 0] + pm[1, 3] + pm[3, 1]
    tvv = pm[2, 2] + pm[3, 3]
    tr_lo = tpp + t_lo * tpv + t_lo * t_lo * tvv
    tr_hi = tpp + t_hi * tpv + t_hi * t_hi * tvv
    big = max(tr_lo, tr_hi, 0.0) + 2.0 * (s2 + q * t_hi * t_hi * t_hi / 3.0)
    # least |r0 + u s|^2 over s in [-h, h]
    r0x = ax - m[0] - m[2] * tau
    r0y = ay - m[1] - m[3] * tau
    ux = gx - m[2]
    uy = gy - m[3]
    uu = ux * ux + uy * uy
    s = 0.0
    if uu > 0.0:
        s = min(h, max(-h, -(r0x * ux + r0y * uy) / uu))
    ex = r0x + ux * s
    ey = r0y + uy * s
    rho = ex * ex + ey * ey
    lam = min(big, max(l_lo, rho))
    return float(-LOG_2PI - 0.5 * math.log(l_lo * lam) - 0.5 * rho / lam)


@njit(cache=True)
def _slope(dest_xy: np.ndarray, tau: np.ndarray, h: np.ndarray, a: int, k: int) -> tuple[float, float]:
    """The slope ``g`` of asset ``a``'s plan in cell ``k`` (central difference, as
    :func:`bridge_loglik`)."""
    n_k = tau.shape[0]
    if not (h[k] > 0.0 and n_k > 1):
        return 0.0, 0.0
    k0 = max(k - 1, 0)
    k1 = min(k + 1, n_k - 1)
    dt = tau[k1] - tau[k0]
    if not dt > 0.0:
        return 0.0, 0.0
    return ((dest_xy[a, k1, 0] - dest_xy[a, k0, 0]) / dt,
            (dest_xy[a, k1, 1] - dest_xy[a, k0, 1]) / dt)


@njit(cache=True)
def bridge_posterior_fast(m: np.ndarray, pm: np.ndarray, dest_xy: np.ndarray, sigma: np.ndarray,
                          log_prior: np.ndarray, kappa: float, q: float, tau: np.ndarray,
                          w: np.ndarray, h: np.ndarray, margin: float,
                          out: np.ndarray) -> int:
    """:func:`bridge_posterior` with provably negligible terms skipped; returns how many.

    Same model and arguments, plus ``margin`` (natural-log units, e.g. :data:`PRUNE_MARGIN`).
    Every term ``log p(d) + log w_k + log Lbar_d,k`` of the posterior's sum is first bounded
    above by :func:`_cell_log_bound`; a term whose bound is below the largest term computed
    so far (the transit term included) minus ``margin`` is skipped, the others are computed
    exactly (:func:`_cell_loglik`). Each destination starts at its cell of least Euclidean
    residual and walks outward, so the running maximum is high early. Every skipped term is
    below ``e^-margin`` times the largest term, hence below ``e^-margin`` times the normaliser:
    ``|out - bridge_posterior| <= n_skipped e^-margin`` componentwise. Ties and guards as in
    :func:`bridge_posterior` (non-finite ``m`` or ``P``: the normalised prior; nothing finite:
    uniform).
    """
    n_a = dest_xy.shape[0]
    n_k = tau.shape[0]
    skipped = 0
    if _finite_track(m, pm):
        top = log_prior[n_a] + (math.log(kappa) if kappa > 0.0 else -np.inf)
        out[n_a] = top
        for a in range(n_a):
            s2 = max(sigma[a] * sigma[a], SIG2_MIN)
            # the node of least Euclidean residual: where this destination's terms peak
            k_best = 0
            r_best = np.inf
            for k in range(n_k):
                rx = dest_xy[a, k, 0] - m[0] - m[2] * tau[k]
                ry = dest_xy[a, k, 1] - m[1] - m[3] * tau[k]
                rr = rx * rx + ry * ry
                if rr < r_best:
                    r_best = rr
                    k_best = k
            mx = -np.inf
            acc = 0.0
            lpa = log_prior[a]
            for j in range(2 * n_k):
                # k_best, k_best + 1, k_best - 1, k_best + 2, ...
                off = (j + 1) // 2
                k = k_best + off if j % 2 == 1 else k_best - off
                if k < 0 or k >= n_k:
                    continue
                wk = w[k]
                if not wk > 0.0:
                    continue
                gx, gy = _slope(dest_xy, tau, h, a, k)
                lw = lpa + math.log(wk)
                ub = lw + _cell_log_bound(m, pm, q, s2, tau[k], h[k], dest_xy[a, k, 0],
                                          dest_xy[a, k, 1], gx, gy)
                if ub < top - margin:
                    skipped += 1
                    continue
                ll = _cell_loglik(m, pm, q, s2, tau[k], h[k], dest_xy[a, k, 0],
                                  dest_xy[a, k, 1], gx, gy)
                if lw + ll > top:
                    top = lw + ll
                if ll > mx:
                    acc = acc * math.exp(mx - ll) + wk
                    mx = ll
                elif ll > -np.inf:
                    acc += wk * math.exp(ll - mx)
            out[a] = lpa + mx + math.log(acc) if acc > 0.0 else -np.inf
    else:
        for a in range(n_a + 1):
            out[a] = log_prior[a]
    _softmax(out)
    return skipped


@njit(cache=True)
def _finite_track(m: np.ndarray, pm: np.ndarray) -> bool:
    """Whether the track mean ``(4,)`` and covariance ``(4, 4)`` are all finite."""
    for i in range(4):
        if not math.isfinite(m[i]):
            return False
        for j in range(4):
            if not math.isfinite(pm[i, j]):
                return False
    return True


@njit(cache=True)
def _softmax(out: np.ndarray) -> None:
    """Normalise log-weights ``out`` in place (log-sum-exp); uniform if none is finite."""
    n = out.shape[0]
    mx = -np.inf
    for a in range(n):
        if out[a] > mx:
            mx = out[a]
    if not (mx > -np.inf and mx < np.inf):
        for a in range(n):
            out[a] = 1.0 / n
        return
    tot = 0.0
    for a in range(n):
        e = math.exp(out[a] - mx) if out[a] > -np.inf else 0.0
        out[a] = e
        tot += e
    for a in range(n):
        out[a] /= tot
