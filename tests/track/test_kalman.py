"""The constant-velocity Kalman filter (docs/tracking.md §1): steady state = the discrete
algebraic Riccati equation, exact composition of predictions, the update against the dense
textbook formula, the polar-to-Cartesian covariance against its Jacobian and Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import solve_discrete_are

from skyshield.track.kalman import cv_F, cv_Q, kf_predict, kf_update, polar_cov

H = np.hstack([np.eye(2), np.zeros((2, 2))])


def _random_spd(rng: np.random.Generator, n: int, scale: float) -> np.ndarray:
    a = rng.standard_normal((n, n)) * scale
    return a @ a.T + scale * scale * np.eye(n)


@pytest.mark.parametrize(("dt", "q", "sigma"), [(1.0, 1.0, 10.0), (0.5, 20.0, 3.0),
                                                (4.0, 0.05, 50.0)])
def test_steady_state_is_the_riccati_solution(dt: float, q: float, sigma: float) -> None:
    R = np.array([[sigma**2, 0.3 * sigma**2], [0.3 * sigma**2, 2.0 * sigma**2]])
    x = np.zeros(4)
    P = np.diag([R[0, 0], R[1, 1], 1e4, 1e4])
    prev = P
    for _ in range(5000):
        x, Pp = kf_predict(x, P, dt, q)
        if np.allclose(Pp, prev, rtol=1e-15, atol=0.0):
            break
        prev = Pp
        x, P = kf_update(x, Pp, np.zeros(2), R)
    F = cv_F(dt)
    X = solve_discrete_are(F.T, H.T, cv_Q(dt, q), R)  # the predicted (a priori) covariance
    assert np.allclose(Pp, X, rtol=1e-9, atol=0.0)
    # and the updated one is its Kalman update
    S = H @ X @ H.T + R
    K = X @ H.T @ np.linalg.inv(S)
    assert np.allclose(P, X - K @ S @ K.T, rtol=1e-9, atol=0.0)


@settings(max_examples=60, deadline=None)
@given(d1=st.floats(0.0, 20.0), d2=st.floats(0.0, 20.0), q=st.floats(0.0, 50.0),
       seed=st.integers(0, 2**31))
def test_predictions_compose(d1: float, d2: float, q: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 100.0, 4)
    P = _random_spd(rng, 4, 10.0)
    xa, Pa = kf_predict(*kf_predict(x, P, d1, q), d2, q)
    xb, Pb = kf_predict(x, P, d1 + d2, q)
    assert np.allclose(xa, xb, rtol=1e-12, atol=1e-9)
    assert np.allclose(Pa, Pb, rtol=1e-11, atol=1e-9 * np.abs(Pb).max())


def test_predict_is_the_dense_formula() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        x = rng.normal(0.0, 100.0, 4)
        P = _random_spd(rng, 4, 5.0)
        dt = float(rng.uniform(0.0, 10.0))
        q = float(rng.uniform(0.0, 10.0))
        xp, Pp = kf_predict(x, P, dt, q)
        F = cv_F(dt)
        assert np.allclose(xp, F @ x, rtol=1e-13, atol=1e-10)
        assert np.allclose(Pp, F @ P @ F.T + cv_Q(dt, q), rtol=1e-12, atol=1e-10)


def test_q_is_the_integral_of_the_white_noise() -> None:
    # Q(Δ) = ∫₀^Δ F(s) G q Gᵀ F(s)ᵀ ds with G = [0; I] (trapezoid on a fine grid)
    dt, q = 3.0, 2.5
    s = np.linspace(0.0, dt, 20001)
    G = np.vstack([np.zeros((2, 2)), np.eye(2)])
    vals = np.array([cv_F(si) @ G @ G.T @ cv_F(si).T * q for si in s])
    integ = np.trapezoid(vals, s, axis=0)
    assert np.allclose(cv_Q(dt, q), integ, rtol=1e-7, atol=1e-9)


def test_update_is_the_textbook_formula() -> None:
    rng = np.random.default_rng(7)
    for _ in range(100):
        x = rng.normal(0.0, 100.0, 4)
        P = _random_spd(rng, 4, 20.0)
        R = _random_spd(rng, 2, 5.0)
        z = rng.normal(0.0, 100.0, 2)
        xu, Pu = kf_update(x, P, z, R)
        S = H @ P @ H.T + R
        K = P @ H.T @ np.linalg.inv(S)
        x_ref = x + K @ (z - H @ x)
        IKH = np.eye(4) - K @ H
        P_ref = IKH @ P @ IKH.T + K @ R @ K.T  # Joseph form: equal in exact arithmetic
        assert np.allclose(xu, x_ref, rtol=1e-10, atol=1e-8)
        assert np.allclose(Pu, P_ref, rtol=1e-9, atol=1e-9 * np.abs(P_ref).max())
        assert np.array_equal(Pu, Pu.T)


def test_polar_cov_is_the_jacobian_product() -> None:
    rng = np.random.default_rng(11)
    for _ in range(50):
        r = float(rng.uniform(10.0, 2e4))
        b = float(rng.uniform(-math.pi, math.pi))
        sr = float(rng.uniform(0.1, 50.0))
        sb = float(rng.uniform(1e-4, 0.05))
        J = np.array([[math.sin(b), r * math.cos(b)], [math.cos(b), -r * math.sin(b)]])
        ref = J @ np.diag([sr * sr, sb * sb]) @ J.T
        rxx, rxy, ryy = polar_cov(r, b, sr, sb)
        assert np.allclose([rxx, rxy, ryy], [ref[0, 0], ref[0, 1], ref[1, 1]], rtol=1e-12,
                           atol=1e-12 * ref.max())


def test_polar_cov_matches_monte_carlo_for_small_noise() -> None:
    rng = np.random.default_rng(12)
    r, b, sr, sb = 5000.0, math.radians(30.0), 20.0, 0.002  # east-of-north bearing
    n = 400_000
    rr = r + sr * rng.standard_normal(n)
    bb = b + sb * rng.standard_normal(n)
    xy = np.stack([rr * np.sin(bb), rr * np.cos(bb)])
    emp = np.cov(xy)
    rxx, rxy, ryy = polar_cov(r, b, sr, sb)
    # sampling error of a covariance ~ sqrt(2/n) ≈ 0.2 %; linearisation error ~ σb² ≈ 4e-6
    assert np.allclose([emp[0, 0], emp[0, 1], emp[1, 1]], [rxx, rxy, ryy], rtol=0.01)
    # the mean position is where the bearing convention says (x east = r sin b)
    assert abs(xy[0].mean() - r * math.sin(b)) < 1.0
    assert abs(xy[1].mean() - r * math.cos(b)) < 1.0
