"""Constant-velocity Kalman filter on 2-D Cartesian tracks (``docs/tracking.md`` §1).

State ``x = [px, py, vx, vy]`` (metres, m/s); continuous white-noise acceleration of spectral
density ``q`` (m²/s³) per axis::

    F(Δ) = [[I, Δ I], [0, I]],    Q(Δ) = q [[Δ³/3 I, Δ²/2 I], [Δ²/2 I, Δ I]]

Measurement ``z = H x + v``, ``H = [I 0]``, ``v ~ N(0, R)`` with ``R`` given per detection as
``(Rxx, Rxy, Ryy)``. The update is the standard form ``P⁺ = P − K S Kᵀ`` followed by
symmetrisation ``(P⁺ + P⁺ᵀ)/2``. The in-place functions work on one row ``k`` of the track
store arrays (``tx (T, 4)``, ``tP (T, 4, 4)``) and allocate nothing; ``kf_predict`` /
``kf_update`` are allocating conveniences for tests and docs.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def cv_F(dt: float) -> np.ndarray:
    """Transition matrix ``F(Δ)`` (4×4) of the constant-velocity model."""
    f = np.eye(4)
    f[0, 2] = dt
    f[1, 3] = dt
    return f


@njit(cache=True)
def cv_Q(dt: float, q: float) -> np.ndarray:
    """Process-noise covariance ``Q(Δ)`` (4×4) of the continuous white-noise acceleration."""
    a = q * dt**3 / 3.0
    b = q * dt**2 / 2.0
    c = q * dt
    m = np.zeros((4, 4))
    m[0, 0] = a
    m[1, 1] = a
    m[0, 2] = b
    m[2, 0] = b
    m[1, 3] = b
    m[3, 1] = b
    m[2, 2] = c
    m[3, 3] = c
    return m


@njit(cache=True)
def predict_inplace(tx: np.ndarray, tP: np.ndarray, k: int, dt: float, q: float) -> None:
    """Predict track ``k`` by ``dt`` seconds in place: ``x ← F x``, ``P ← F P Fᵀ + Q``."""
    if dt == 0.0:
        return
    tx[k, 0] += dt * tx[k, 2]
    tx[k, 1] += dt * tx[k, 3]
    p = tP[k]
    # rows: (F P)
    for c in range(4):
        p[0, c] += dt * p[2, c]
        p[1, c] += dt * p[3, c]
    # columns: (F P) Fᵀ
    for r in range(4):
        p[r, 0] += dt * p[r, 2]
        p[r, 1] += dt * p[r, 3]
    a = q * dt * dt * dt / 3.0
    b = q * dt * dt / 2.0
    c2 = q * dt
    p[0, 0] += a
    p[1, 1] += a
    p[0, 2] += b
    p[2, 0] += b
    p[1, 3] += b
    p[3, 1] += b
    p[2, 2] += c2
    p[3, 3] += c2


@njit(cache=True)
def innovation(tx: np.ndarray, tP: np.ndarray, k: int, zx: float, zy: float, rxx: float,
               rxy: float, ryy: float) -> tuple[float, float, float, float, float, float]:
    """Innovation of track ``k`` against ``z``: ``(νx, νy, Sxx, Sxy, Syy, d²)`` where
    ``S = H P Hᵀ + R`` and ``d² = νᵀ S⁻¹ ν`` (squared Mahalanobis distance)."""
    nx = zx - tx[k, 0]
    ny = zy - tx[k, 1]
    sxx = tP[k, 0, 0] + rxx
    sxy = 0.5 * (tP[k, 0, 1] + tP[k, 1, 0]) + rxy
    syy = tP[k, 1, 1] + ryy
    det = sxx * syy - sxy * sxy
    d2 = (syy * nx * nx - 2.0 * sxy * nx * ny + sxx * ny * ny) / det
    return nx, ny, sxx, sxy, syy, d2


@njit(cache=True)
def update_inplace(tx: np.ndarray, tP: np.ndarray, k: int, zx: float, zy: float, rxx: float,
                   rxy: float, ryy: float) -> float:
    """Kalman update of track ``k`` with ``z`` in place; returns ``d²`` of the innovation.

    ``K = P Hᵀ S⁻¹``, ``x ← x + K ν``, ``P ← P − K S Kᵀ`` then ``P ← (P + Pᵀ)/2``.
    """
    nx, ny, sxx, sxy, syy, d2 = innovation(tx, tP, k, zx, zy, rxx, rxy, ryy)
    det = sxx * syy - sxy * sxy
    ixx = syy / det
    ixy = -sxy / det
    iyy = sxx / det
    p = tP[k]
    # rows 0, 1 of P (= P Hᵀ transposed), copied before P changes
    a0, a1, a2, a3 = p[0, 0], p[0, 1], p[0, 2], p[0, 3]
    b0, b1, b2, b3 = p[1, 0], p[1, 1], p[1, 2], p[1, 3]
    for r in range(4):
        # K[r] = P[r, :2] S^-1 (P symmetric: P[r, 0] = row0[r], P[r, 1] = row1[r])
        pr0 = p[r, 0]
        pr1 = p[r, 1]
        kr0 = pr0 * ixx + pr1 * ixy
        kr1 = pr0 * ixy + pr1 * iyy
        tx[k, r] += kr0 * nx + kr1 * ny
        # (K S Kᵀ)[r, :] = K[r] P[:2, :]
        p[r, 0] -= kr0 * a0 + kr1 * b0
        p[r, 1] -= kr0 * a1 + kr1 * b1
        p[r, 2] -= kr0 * a2 + kr1 * b2
        p[r, 3] -= kr0 * a3 + kr1 * b3
    for r in range(4):
        for c in range(r + 1, 4):
            m = 0.5 * (p[r, c] + p[c, r])
            p[r, c] = m
            p[c, r] = m
    return d2


@njit(cache=True)
def polar_cov(r: float, bearing: float, sigma_r: float,
              sigma_b: float) -> tuple[float, float, float]:
    """Cartesian covariance ``(Rxx, Rxy, Ryy)`` of a range/bearing measurement, linearised.

    Bearing in radians clockwise from north (``x`` east, ``y`` north): ``x = r sin b``,
    ``y = r cos b``; ``R = J diag(σr², σb²) Jᵀ`` with ``J = ∂(x, y)/∂(r, b) =
    [[sin b, r cos b], [cos b, −r sin b]]``.
    """
    s = math.sin(bearing)
    c = math.cos(bearing)
    vr = sigma_r * sigma_r
    vb = r * r * sigma_b * sigma_b
    return s * s * vr + c * c * vb, s * c * (vr - vb), c * c * vr + s * s * vb


def kf_predict(x: np.ndarray, P: np.ndarray, dt: float,
               q: float) -> tuple[np.ndarray, np.ndarray]:
    """Allocating predict of one state (for tests): returns ``(F x, F P Fᵀ + Q)``."""
    tx = np.array(x, dtype=np.float64).reshape(1, 4)
    tP = np.array(P, dtype=np.float64).reshape(1, 4, 4)
    predict_inplace(tx, tP, 0, float(dt), float(q))
    return tx[0], tP[0]


def kf_update(x: np.ndarray, P: np.ndarray, z: np.ndarray,
              R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Allocating update of one state (for tests) with ``z (2,)`` and ``R (2, 2)``."""
    tx = np.array(x, dtype=np.float64).reshape(1, 4)
    tP = np.array(P, dtype=np.float64).reshape(1, 4, 4)
    update_inplace(tx, tP, 0, float(z[0]), float(z[1]), float(R[0, 0]), float(R[0, 1]),
                   float(R[1, 1]))
    return tx[0], tP[0]
