"""The asset-based WTA problem of the engine's C2: its objective and its checks.

Threats ``t`` are aimed at defended assets ``a(t)`` with value ``v_a``; a threat that is not
killed destroys its asset with probability ``beta_t`` (lethality). With ``x_wt`` shots of
weapon ``w`` at threat ``t`` the threat survives with ``s_t = prod_w (1 - p_wt)^x_wt`` and the
expected surviving asset value is

    J(x) = sum_a v_a prod_{t: a(t) = a} (1 - beta_t s_t)      (Hosein & Athans 1990),

maximised subject to ``sum_t x_wt <= capacity_w`` and ``x_wt = 0`` where ``p_wt = 0``.
The solvers are :mod:`skyshield.wta.asset_based` (greedy, local search, and the entry point
:func:`~skyshield.wta.asset_based.assign_asset_based`) and :mod:`skyshield.wta.asset_exact`
(the MILP); both build on this module, which imports neither.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: The solution methods of :func:`skyshield.wta.asset_based.assign_asset_based`.
METHODS = ("greedy", "local", "exact")


@njit(cache=True)
def asset_ptr(threat_asset: np.ndarray, n_a: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR lists of the threats aimed at each asset."""
    counts = np.zeros(n_a + 1, dtype=np.int64)
    for t in range(threat_asset.shape[0]):
        counts[threat_asset[t] + 1] += 1
    ptr = np.cumsum(counts)
    fill = ptr[:-1].copy()
    lst = np.empty(threat_asset.shape[0], dtype=np.int64)
    for t in range(threat_asset.shape[0]):
        a = threat_asset[t]
        lst[fill[a]] = t
        fill[a] += 1
    return ptr, lst


@njit(cache=True)
def asset_survival(a: int, ptr: np.ndarray, lst: np.ndarray, lethality: np.ndarray,
                    s: np.ndarray) -> float:
    out = 1.0
    for k in range(ptr[a], ptr[a + 1]):
        t = lst[k]
        out *= 1.0 - lethality[t] * s[t]
    return out


@njit(cache=True)
def asset_objective_nb(asset_value: np.ndarray, threat_asset: np.ndarray,
                       lethality: np.ndarray, pk: np.ndarray, x: np.ndarray) -> float:
    """Expected surviving asset value ``J(x)`` (compiled)."""
    n_w, n_t = pk.shape
    s = np.ones(n_t)
    for w in range(n_w):
        for t in range(n_t):
            for _ in range(x[w, t]):
                s[t] *= 1.0 - pk[w, t]
    surv = np.ones(asset_value.shape[0])
    for t in range(n_t):
        surv[threat_asset[t]] *= 1.0 - lethality[t] * s[t]
    out = 0.0
    for a in range(asset_value.shape[0]):
        out += asset_value[a] * surv[a]
    return out


def validate(asset_value: np.ndarray, threat_asset: np.ndarray, lethality: np.ndarray,
              pk: np.ndarray, capacity: np.ndarray) -> None:
    n_a = asset_value.shape[0]
    if pk.ndim != 2 or threat_asset.shape != (pk.shape[1],) or lethality.shape != (pk.shape[1],) \
            or capacity.shape != (pk.shape[0],) or asset_value.ndim != 1:
        raise ValueError("shapes must be asset_value (A,), threat_asset (T,), lethality (T,), "
                         "pk (W, T), capacity (W,)")
    if pk.shape[1] and (threat_asset.min() < 0 or threat_asset.max() >= n_a):
        raise ValueError("threat_asset must index asset_value")
    if np.any((pk < 0) | (pk > 1)) or np.any((lethality < 0) | (lethality > 1)):
        raise ValueError("probabilities must lie in [0, 1]")
    if np.any(capacity < 0) or np.any(asset_value < 0):
        raise ValueError("capacity and asset values must be >= 0")
