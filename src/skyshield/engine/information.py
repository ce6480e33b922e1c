"""§4.5.2 of ``docs/model.md``: what C2 knows under ``c2.information: tracks``.

Measurements with noise and false alarms for each scan, the fused multi-target tracker
(:func:`skyshield.track.tracker.process_scan`), the tracks as C2's candidates, engagements
aimed at track estimates (acquisition basket) and kill assessment. Under ``truth`` none of
this runs. The helpers take the tuples (``p``, ``st``, ``out``) and are inlined like every
phase of the kernel.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from skyshield.engine import rng
from skyshield.engine.compile import (
    E_BASKET,
    E_CHAN,
    E_ESCORT,
    E_GUARD,
    E_INTERVAL,
    E_KIND,
    INF_TRACKS,
    K_ACOUSTIC,
    K_GUN,
    K_JAMMER,
    S_FA,
    S_KIND,
    S_LAT,
    S_PFK,
    S_PMK,
    S_RES,
    S_SIGB,
    S_SIGR,
    W_ALT,
    KernelParams,
)
from skyshield.engine.engagement import (
    effector_xy,
    in_envelope,
    keeps_reserve,
    own_aircraft_near,
    record_kill,
    sensor_xy,
    spend_rounds,
)
from skyshield.engine.events import EV_FALSE_KILL, EV_KILL, EV_MISS, EV_MISSED_KILL, EV_SHOT, emit
from skyshield.engine.rng import absorb, to_unit, u2
from skyshield.engine.state import C_NSER, EPS_T, ST_AIR, Outcome, State, estimate
from skyshield.engine.terrain import effector_sees, slant2
from skyshield.track.tracker import FREE, P_MISS_R, S_BIRTHS, process_scan

TWO_PI = 2.0 * math.pi


@njit(inline="always")
def meas_cov(acoustic: bool, sr: float, sb: float, rr: float, c: float, s_: float,
             zR: np.ndarray, j: int) -> None:
    """Covariance ``zR[j]`` of a measurement at range ``rr``, bearing (cos, sin) = ``(c, s_)``:
    the converted polar noise of §4.5.2, or ``σ_r² I`` for an acoustic net."""
    if acoustic:
        zR[j, 0] = sr * sr
        zR[j, 1] = 0.0
        zR[j, 2] = sr * sr
        return
    a = sr * sr
    b = rr * rr * sb * sb
    zR[j, 0] = a * c * c + b * s_ * s_
    zR[j, 1] = (a - b) * c * s_
    zR[j, 2] = a * s_ * s_ + b * c * c


@njit(inline="always")
def poisson_count(u: float, lam: float, cap: int) -> int:
    """The Poisson(``lam``) count of uniform ``u`` by inversion, at most ``cap``."""
    pk = math.exp(-lam)
    f = pk
    k = 0
    while u >= f and k < cap:
        k += 1
        pk = pk * lam / k
        f += pk
    return k


@njit(inline="always")
def track_scan(p: KernelParams, st: State, s: int, t: float, usno: np.uint64, sx: float,
               sy: float, nd: int) -> None:
    """§4.5.2 for one scan of sensor ``s`` at ``(sx, sy)``: the detected drones
    ``st.dsel[:nd]`` become measurements, false alarms join them, the tracker runs."""
    sf = p.sf[s]
    dsel = st.dsel
    x = st.x
    y = st.y
    zx = st.zx
    zy = st.zy
    zR = st.zR
    zlab = st.zlab
    # the detected drones in increasing index (insertion sort: a scan holds few)
    for a in range(1, nd):
        v = dsel[a]
        b = a - 1
        while b >= 0 and dsel[b] > v:
            dsel[b + 1] = dsel[b]
            b -= 1
        dsel[b + 1] = v
    acoustic = int(sf[S_KIND]) == K_ACOUSTIC
    sr = sf[S_SIGR]
    sb = sf[S_SIGB]
    rho = sf[S_RES]
    ks = p.sensor_key[s]
    h1 = st.hk[rng.S_MEAS_1]
    h2 = st.hk[rng.S_MEAS_2]
    nz = 0
    for a in range(nd):
        i = dsel[a]
        if rho > 0.0:
            merged = False
            for j in range(nz):
                o = zlab[j]
                dx = x[i] - x[o]
                dy = y[i] - y[o]
                if dx * dx + dy * dy < rho * rho:
                    merged = True
                    break
            if merged:
                continue
        dk = p.drone_key[i]
        u1 = to_unit(absorb(absorb(absorb(h1, dk), ks), usno))
        u2_ = to_unit(absorb(absorb(absorb(h2, dk), ks), usno))
        g = math.sqrt(-2.0 * math.log(1.0 - u1))
        n1 = g * math.cos(TWO_PI * u2_)
        n2 = g * math.sin(TWO_PI * u2_)
        if acoustic:
            zx[nz] = x[i] + sr * n1
            zy[nz] = y[i] + sr * n2
            meas_cov(True, sr, sb, 0.0, 1.0, 0.0, zR, nz)
        else:
            dx = x[i] - sx
            dy = y[i] - sy
            rr = math.sqrt(dx * dx + dy * dy) + sr * n1
            th = math.atan2(dy, dx) + sb * n2
            c = math.cos(th)
            s_ = math.sin(th)
            zx[nz] = sx + rr * c
            zy[nz] = sy + rr * s_
            meas_cov(False, sr, sb, rr, c, s_, zR, nz)
        zlab[nz] = i
        nz += 1
    lam = sf[S_FA]
    cr = p.sen_rmax[s]
    if lam > 0.0:
        hs = absorb(st.hk[rng.S_FA_N], ks)
        n_fa = poisson_count(to_unit(absorb(hs, usno)), lam, int(p.fa_cap[s]))
        hr = absorb(absorb(st.hk[rng.S_FA_R], ks), usno)
        ha = absorb(absorb(st.hk[rng.S_FA_A], ks), usno)
        for j in range(n_fa):
            r_ = cr * math.sqrt(to_unit(absorb(hr, np.uint64(j))))
            phi = TWO_PI * to_unit(absorb(ha, np.uint64(j)))
            c = math.cos(phi)
            s_ = math.sin(phi)
            zx[nz] = sx + r_ * c
            zy[nz] = sy + r_ * s_
            meas_cov(acoustic, sr, sb, r_, c, s_, zR, nz)
            zlab[nz] = -1
            nz += 1
    st.tprm[P_MISS_R] = p.sen_miss_r[s]
    ncf, _ndel = process_scan(st.trk, st.twk, st.tprm, t, zx, zy, zR, zlab, nz, sx, sy, cr)
    born = st.twk.born
    for q in range(st.twk.stats[S_BIRTHS]):
        k = born[q]
        st.tser[k] = st.ctr[C_NSER]
        st.ctr[C_NSER] += 1
        st.teng[k] = 0
        st.tav[k] = np.inf
    conf = st.twk.conf
    for q in range(ncf):
        st.tav[conf[q]] = t + sf[S_LAT]


@njit(inline="always")
def track_class(p: KernelParams, lab: int) -> int:
    """The class C2 gives a track with label ``lab``: its drone's wave (a false alarm's
    track: the most numerous wave)."""
    return int(p.drone_wave[lab]) if lab >= 0 else p.wave_default


@njit(inline="always")
def label_wave(p: KernelParams, lab: int) -> int:
    """The true wave of the drone behind label ``lab`` (-1 for a false alarm's)."""
    return int(p.drone_wave[lab]) if lab >= 0 else -1


@njit(inline="always")
def aim_point(st: State, e: int, c: int, t: float) -> tuple[float, float, bool]:
    """Where engagement ``(e, c)`` aims at ``t``: its track's estimate while the track lives
    (same slot, same serial), else the estimate at the start carried on at its velocity.
    Returns the point and whether the track lives."""
    k = st.eng_k[e, c]
    live = st.trk.tstat[k] != FREE and st.tser[k] == st.eng_ser[e, c]
    if live:
        ax, ay = estimate(st, k, t)
        return ax, ay, True
    ex = st.eng_x[e, c]
    return ex[0] + (t - ex[4]) * ex[2], ex[1] + (t - ex[4]) * ex[3], False


@njit(inline="always")
def release(st: State, e: int, c: int, live: bool) -> None:
    """Engagement ``(e, c)`` ends: its channel is free, its track (if it lives) one
    engagement less."""
    if live:
        st.teng[st.eng_k[e, c]] -= 1
    st.eng_k[e, c] = -1
    st.eng_d[e, c] = -1


@njit(inline="always")
def assess(p: KernelParams, st: State, e: int, k: int, lab: int, t: float, killed: bool,
           ax: float, ay: float, live: bool) -> bool:
    """Kill assessment after effector ``e``'s round(s) at track ``k`` (label ``lab``) aimed at
    ``(ax, ay)``: whether C2 judges a kill. A judged kill deletes the track if it lives."""
    a_e = st.nassess[e]
    st.nassess[e] += 1
    pmk = 1.0
    pfk = 1.0
    covered = False
    for s in range(p.sf.shape[0]):
        sx, sy = sensor_xy(p, st, s)
        dx = ax - sx
        dy = ay - sy
        if dx * dx + dy * dy <= p.sen_rmax[s] * p.sen_rmax[s]:
            covered = True
            pmk = min(pmk, p.sf[s, S_PMK])
            pfk = min(pfk, p.sf[s, S_PFK])
    judged = False
    if covered:
        u = to_unit(absorb(absorb(st.hk[rng.S_ASSESS], p.eff_key[e]), np.uint64(a_e)))
        judged = (killed and u >= pmk) or (not killed and u < pfk)
    w = label_wave(p, lab)
    if judged and live:
        st.trk.tstat[k] = FREE
    if judged and not killed:
        emit(st, t, EV_FALSE_KILL, lab, w, e, -1, ax, ay)
    elif killed and not judged:
        emit(st, t, EV_MISSED_KILL, lab, w, e, -1, ax, ay)
    return judged


@njit(inline="always")
def in_basket(p: KernelParams, st: State, e: int, i: int, ax: float, ay: float) -> bool:
    """Drone ``i`` is airborne and within effector ``e``'s acquisition basket of the aim
    point."""
    if st.status[i] != ST_AIR:
        return False
    dx = st.x[i] - ax
    dy = st.y[i] - ay
    return bool(dx * dx + dy * dy <= p.ef[e, E_BASKET] * p.ef[e, E_BASKET])


@njit(inline="always")
def resolve_on_track(p: KernelParams, st: State, out: Outcome, r: int | np.integer, e: int,
                     c: int, t: float, b: int, kind: int, ex: float, ey: float) -> None:
    """§4.6 under tracks: the due engagement ``(e, c)`` resolves at its aim point."""
    h_kill = st.hk[rng.S_KILL]
    lab = st.eng_d[e, c]
    ax, ay, live = aim_point(st, e, c, t)
    if kind != K_GUN:
        n = st.eng_n[e, c]
        s0 = st.eng_s0[e, c]
        k = st.eng_k[e, c]
        release(st, e, c, live)
        killed = False
        if lab >= 0 and in_basket(p, st, e, lab, ax, ay):
            w = p.drone_wave[lab]
            for q in range(n):
                if u2(h_kill, p.drone_key[lab], np.uint64(s0 + q)) < p.pk[e, w]:
                    killed = True
        if killed:
            record_kill(st, out, r, lab, p.drone_wave[lab], e, t, b, EV_KILL)
        else:
            emit(st, t, EV_MISS, lab, label_wave(p, lab), e, -1, ax, ay)
        assess(p, st, e, k, lab, t, killed, ax, ay, live)
        return
    wc = track_class(p, lab)
    ok = live and st.mag[e] > 0
    if ok:
        dx = ax - ex
        dy = ay - ey
        ok = (in_envelope(p, e, slant2(p, st, e, ex, ey, ax, ay, p.wf[wc, W_ALT],
                                       dx * dx + dy * dy), p.wf[wc, W_ALT])
              and effector_sees(p, st, e, ex, ey, ax, ay, p.wf[wc, W_ALT]))
    if ok and p.ef[e, E_ESCORT] <= 0.0 and p.tight_r > 0.0:
        ok = not own_aircraft_near(p, st, ax, ay)
    if ok and st.eng_a[e, c] != int(p.ef[e, E_GUARD]):
        ok = keeps_reserve(p, st, e, t)
    if not ok:
        release(st, e, c, live)
        return
    w = label_wave(p, lab)
    spend_rounds(p, st, out, r, e, 1, t, b, EV_SHOT, lab, w,
                 int(st.tgt[lab]) if lab >= 0 else -1, ax, ay)
    killed = False
    if lab >= 0:
        q = st.nshot[lab]
        st.nshot[lab] += 1
        if in_basket(p, st, e, lab, ax, ay) and \
                u2(h_kill, p.drone_key[lab], np.uint64(q)) < p.pk[e, w]:
            killed = True
            record_kill(st, out, r, lab, w, e, t, b, EV_KILL)
    if assess(p, st, e, st.eng_k[e, c], lab, t, killed, ax, ay, live):
        release(st, e, c, live)
    else:
        st.eng_t[e, c] += p.ef[e, E_INTERVAL]


@njit(inline="always")
def resolve_tracks(p: KernelParams, st: State, out: Outcome, r: int | np.integer, t: float,
                   b: int) -> None:
    """§4.6 under tracks, after every effector's logistics: the due engagements resolve,
    effectors in file order, channels in order."""
    if p.information != INF_TRACKS:
        return
    for e in range(p.ef.shape[0]):
        kind = int(p.ef[e, E_KIND])
        if kind == K_JAMMER:
            continue
        ex, ey = effector_xy(p, st, e)
        for c in range(int(p.ef[e, E_CHAN])):
            if st.eng_k[e, c] < 0 or t + EPS_T < st.eng_t[e, c]:
                continue
            resolve_on_track(p, st, out, r, e, c, t, b, kind, ex, ey)
