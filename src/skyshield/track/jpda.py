"""Joint probabilistic data association on one cluster (``docs/tracking.md`` §5).

Bar-Shalom's parametric JPDA: a joint event ``θ`` assigns each track of the cluster either
"missed" or one of its gated detections, no detection twice; its weight is

    W(θ) = Π_{i missed} (1 − Pd Pg) · Π_{i → j} Pd N(z_j; ẑ_i, S_ij) / λ,

``Pg = 1 − exp(−γ/2)`` (the χ²₂ gate probability). The marginal ``β_ij = Σ_{θ ∋ (i, j)} W(θ) /
Σ_θ W(θ)`` is exact (every joint event enumerated, depth first). The update of track ``i`` is
the moment-matched mixture of its hypotheses (the PDA update; with one common ``R`` it is
Bar-Shalom's combined innovation with the spread-of-innovations term).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from skyshield.track.kalman import update_inplace

#: A cluster whose joint-event count bound Π(1 + gated detections of each track) exceeds this
#: is associated by GNN instead (as one whose track count exceeds the cap parameter).
JPDA_MAX_EVENTS = 1_000_000.0


@njit(cache=True)
def jpda_marginals(nr: int, rs: np.ndarray, ci: np.ndarray, jw: np.ndarray,
                   wmiss: np.ndarray, opt: np.ndarray, pref: np.ndarray, used: np.ndarray,
                   bnum: np.ndarray, bmiss: np.ndarray) -> float:
    """Exact marginal association probabilities of one cluster by enumeration.

    Row ``r``'s detection options are the edges ``rs[r] .. rs[r+1] - 2`` (the last edge of each
    row is its "missed" column and is skipped here), column ``ci[e]`` with weight ``jw[e]``;
    ``wmiss[r]`` is its missed weight. On return ``bnum[e]`` and ``bmiss[r]`` hold the β's
    (normalised). ``used`` (length ≥ columns) must be all zero on entry and is left so.
    Returns the normaliser ``Σ_θ W(θ)``.
    """
    for r in range(nr):
        bmiss[r] = 0.0
        for e in range(rs[r], rs[r + 1]):
            bnum[e] = 0.0
    total = 0.0
    r = 0
    opt[0] = -1
    pref[0] = 1.0
    while r >= 0:
        o = opt[r]
        if o >= 1:
            used[ci[rs[r] + o - 1]] = 0
        o += 1
        deg = rs[r + 1] - rs[r] - 1
        while 1 <= o <= deg and used[ci[rs[r] + o - 1]]:
            o += 1
        if o > deg:
            opt[r] = -1
            r -= 1
            continue
        opt[r] = o
        if o == 0:
            w = pref[r] * wmiss[r]
        else:
            e = rs[r] + o - 1
            used[ci[e]] = 1
            w = pref[r] * jw[e]
        if r == nr - 1:
            total += w
            for s in range(nr):
                os_ = opt[s]
                if os_ == 0:
                    bmiss[s] += w
                else:
                    bnum[rs[s] + os_ - 1] += w
        else:
            pref[r + 1] = w
            r += 1
            opt[r] = -1
    for r in range(nr):
        bmiss[r] /= total
        for e in range(rs[r], rs[r + 1] - 1):
            bnum[e] /= total
    return total


@njit(cache=True)
def pda_update(tx: np.ndarray, tP: np.ndarray, k: int, b0: float, dets: np.ndarray,
               betas: np.ndarray, nd: int, zx: np.ndarray, zy: np.ndarray, zR: np.ndarray,
               sx: np.ndarray, sP: np.ndarray, ax: np.ndarray, aP: np.ndarray) -> None:
    """PDA update of track ``k`` in place: ``x = β₀ x̂ + Σ_j β_j x_j``, ``P = Σ_h β_h (P_h +
    (x_h − x)(x_h − x)ᵀ)`` over the hypotheses ``h`` (missed: ``x̂, P̂``; detection ``j``: the
    Kalman update of ``x̂, P̂`` with ``z_j, R_j``). ``dets[:nd]``, ``betas[:nd]``: detections
    and their β. ``sx (1, 4)``, ``sP (1, 4, 4)``, ``ax (2, 4)``, ``aP (4, 4)``: scratch."""
    z0 = k - k  # int64 zero (a literal 0 would make numba compile a second update_inplace)
    # ax[1] = x̂ (kept), ax[0] = mean
    for c in range(4):
        ax[1, c] = tx[k, c]
        ax[0, c] = b0 * tx[k, c]
    for h in range(nd):
        j = dets[h]
        for c in range(4):
            sx[0, c] = ax[1, c]
            for d in range(4):
                sP[0, c, d] = tP[k, c, d]
        update_inplace(sx, sP, z0, zx[j], zy[j], zR[j, 0], zR[j, 1], zR[j, 2])
        for c in range(4):
            ax[0, c] += betas[h] * sx[0, c]
    for c in range(4):
        dc = ax[1, c] - ax[0, c]
        for d in range(4):
            aP[c, d] = b0 * (tP[k, c, d] + dc * (ax[1, d] - ax[0, d]))
    for h in range(nd):
        j = dets[h]
        for c in range(4):
            sx[0, c] = ax[1, c]
            for d in range(4):
                sP[0, c, d] = tP[k, c, d]
        update_inplace(sx, sP, z0, zx[j], zy[j], zR[j, 0], zR[j, 1], zR[j, 2])
        bh = betas[h]
        for c in range(4):
            dc = sx[0, c] - ax[0, c]
            for d in range(4):
                aP[c, d] += bh * (sP[0, c, d] + dc * (sx[0, d] - ax[0, d]))
    for c in range(4):
        tx[k, c] = ax[0, c]
        for d in range(4):
            tP[k, c, d] = aP[c, d]
    for c in range(4):
        for d in range(c + 1, 4):
            m = 0.5 * (tP[k, c, d] + tP[k, d, c])
            tP[k, c, d] = m
            tP[k, d, c] = m
