"""§3 of ``docs/model.md``: what is drawn once per replication.

Whether the leak happens; per drone its launch time, launch point, target and (fixed
targets) aim point; the launch order.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from skyshield.engine import rng
from skyshield.engine.compile import (
    E_KIND,
    E_MAG,
    K_JAMMER,
    W_AMBUSH,
    W_FEINT,
    W_LCX,
    W_LCY,
    W_LR,
    W_SCATTER,
    W_SPEED,
    KernelParams,
)
from skyshield.engine.rng import absorb, to_unit, u2
from skyshield.engine.state import (
    C_N_LAUNCH,
    MD_AIR,
    MD_AMBUSH,
    MD_FIXED,
    Outcome,
    State,
)


@njit(cache=True)
def launch_time(p: KernelParams, w: int, u: float) -> float:
    """Inverse CDF of the wave's piecewise-constant launch density at ``u``."""
    k = 0
    n = p.prof_n[w]
    while k < n - 1 and u >= p.prof_cum[w, k + 1]:
        k += 1
    c0 = p.prof_cum[w, k]
    c1 = p.prof_cum[w, k + 1]
    t0 = p.prof_t[w, k]
    t1 = p.prof_t[w, k + 1]
    return float(t0 + (u - c0) / (c1 - c0) * (t1 - t0))


@njit(inline="always")
def draw(p: KernelParams, st: State, out: Outcome, r: int | np.integer) -> None:
    """§3: the leak, each drone's launch time, launch point, target and aim point, and the
    launch order (``st.order[:n_launch]``); lowest magazines start full."""
    p_drone_wave = p.drone_wave
    p_drone_key = p.drone_key
    p_leak_wave = p.leak_wave
    p_leak_asset = p.leak_asset
    p_leak_spread = p.leak_spread
    p_leak_x = p.leak_x
    p_leak_y = p.leak_y
    p_leak_t = p.leak_t
    p_wf = p.wf
    p_target_cum = p.target_cum
    p_asset_x = p.asset_x
    p_asset_y = p.asset_y
    hk = st.hk
    mode = st.mode
    tl = st.tl
    lx = st.lx
    ly = st.ly
    tgt = st.tgt
    aimx = st.aimx
    aimy = st.aimy
    N = p_drone_wave.shape[0]
    A = p.asset_value.shape[0]
    M = p.n_moving
    E = p.ef.shape[0]
    zero = np.uint64(0)
    h_launch_t = hk[rng.S_LAUNCH_T]
    h_launch_r = hk[rng.S_LAUNCH_R]
    h_launch_a = hk[rng.S_LAUNCH_A]
    h_target = hk[rng.S_TARGET]
    h_aim1 = hk[rng.S_AIM_1]
    h_aim2 = hk[rng.S_AIM_2]
    h_surge_r = hk[rng.S_SURGE_R]
    h_surge_a = hk[rng.S_SURGE_A]
    h_feint = hk[rng.S_FEINT]
    p_feint_w = p.feint_w
    fx = st.fx
    fy = st.fy
    tsw = st.tsw

    leak = False
    if p_leak_wave >= 0:
        leak = to_unit(absorb(absorb(hk[rng.S_LEAK], zero), zero)) < p.leak_p
    out.leak[r] = leak

    for i in range(N):
        w = p_drone_wave[i]
        dk = p_drone_key[i]
        if w == p_leak_wave:
            if not leak:
                tl[i] = np.inf
                lx[i] = 0.0
                ly[i] = 0.0
                tgt[i] = p_leak_asset
                continue
            tl[i] = p_leak_t
            rr = p_leak_spread * math.sqrt(u2(h_surge_r, dk, zero))
            th = 2.0 * math.pi * u2(h_surge_a, dk, zero)
            lx[i] = p_leak_x + rr * math.cos(th)
            ly[i] = p_leak_y + rr * math.sin(th)
            tgt[i] = p_leak_asset
            mode[i] = MD_AMBUSH
            continue
        tl[i] = launch_time(p, w, u2(h_launch_t, dk, zero))
        rr = p_wf[w, W_LR] * math.sqrt(u2(h_launch_r, dk, zero))
        th = 2.0 * math.pi * u2(h_launch_a, dk, zero)
        lx[i] = p_wf[w, W_LCX] + rr * math.cos(th)
        ly[i] = p_wf[w, W_LCY] + rr * math.sin(th)
        ut = u2(h_target, dk, zero)
        a = 0
        while a < A - 1 and ut >= p_target_cum[w, a]:
            a += 1
        tgt[i] = a
        if a < M:
            mode[i] = MD_AMBUSH if p_wf[w, W_AMBUSH] > 0.0 else MD_AIR
        else:
            mode[i] = MD_FIXED
            sc = p_wf[w, W_SCATTER]
            g1 = u2(h_aim1, dk, zero)
            g2 = u2(h_aim2, dk, zero)
            rad = math.sqrt(-2.0 * math.log(1.0 - g1))
            aimx[i] = p_asset_x[a] + sc * rad * math.cos(2.0 * math.pi * g2)
            aimy[i] = p_asset_y[a] + sc * rad * math.sin(2.0 * math.pi * g2)
            f = p_wf[w, W_FEINT]
            if f > 0.0:  # a feint at another site, drawn from the raid's other site weights
                tot = 0.0
                for j in range(M, A):
                    if j != a:
                        tot += p_feint_w[w, j]
                uf = u2(h_feint, dk, zero) * tot
                acc = 0.0
                af = -1
                last = a
                for j in range(M, A):
                    if j == a or p_feint_w[w, j] <= 0.0:
                        continue
                    acc += p_feint_w[w, j]
                    last = j
                    if af < 0 and uf < acc:
                        af = j
                if af < 0:
                    af = last
                fx[i] = p_asset_x[af]
                fy[i] = p_asset_y[af]
                ddx = fx[i] - lx[i]
                ddy = fy[i] - ly[i]
                tsw[i] = tl[i] + f * math.sqrt(ddx * ddx + ddy * ddy) / p_wf[w, W_SPEED]
    st.ptgt[:] = tgt  # until C2 first infers otherwise
    st.ox[:] = lx  # a drone is first observed at its launch point
    st.oy[:] = ly
    order = st.order
    order[:] = np.argsort(tl, kind="mergesort")
    n_launch = 0
    while n_launch < N and tl[order[n_launch]] < np.inf:
        n_launch += 1
    st.ctr[C_N_LAUNCH] = n_launch
    for e in range(E):
        out.min_magazine[r, e] = int(p.ef[e, E_MAG])
        if st.mag[e] == 0 and st.stock[e] == 0 and int(p.ef[e, E_KIND]) != K_JAMMER:
            out.eff_dry_s[r, e] = 0.0  # a shooter with nothing to fire
