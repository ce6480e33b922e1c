"""§4.4 and §4.6 of ``docs/model.md``: electronic warfare and the effectors' engagements,
with the bookkeeping C2 shares (mount position, envelope, rounds spent, kills).

The effectors' watch lists are rebuilt every :data:`ECULL_STEPS` steps: the drones that
could come within an effector's maximum range before the next rebuild (launches are
appended). C2 builds its pairs from these lists; the assignment does not depend on the
order in which pairs are found (they are sorted by a strict total order, or indexed by
effector and candidate). The jammers' watch list is built the same way: the drones that
could come within some jammer's range, a subsequence of the active list in its order (so
events keep their order).

The helpers take the tuples (``p``, ``st``, ``out``), not their arrays, and are inlined:
that keeps reference counting out of the phases' loops.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from skyshield.engine import rng
from skyshield.engine.compile import (
    E_CHAN,
    E_ESCORT,
    E_GUARD,
    E_INTERVAL,
    E_KIND,
    E_MAG,
    E_MAXALT,
    E_MAXR,
    E_MINR,
    E_RELOAD,
    E_RES_FROM,
    E_RES_K,
    E_RES_M,
    E_RES_R,
    E_RES_TO,
    E_X,
    E_Y,
    INF_TRACKS,
    K_GUN,
    K_JAMMER,
    S_ESCORT,
    S_X,
    S_Y,
    KernelParams,
)
from skyshield.engine.events import EV_JAMMED, EV_KILL, EV_MISS, EV_SHOT, emit
from skyshield.engine.rng import absorb, to_unit, u2
from skyshield.engine.state import (
    C_JN,
    C_N_ACT,
    C_N_JAM,
    EPS_T,
    F_V_DRONE,
    F_V_SENSOR,
    ST_AIR,
    ST_KILLED,
    Outcome,
    State,
)
from skyshield.engine.terrain import effector_sees, slant2

#: Steps between rebuilds of the effectors' watch lists.
ECULL_STEPS = 32


# ----------------------------------------------------------------------------- helpers


@njit(inline="always")
def mount_xy(st: State, tab: np.ndarray, i: int, c_escort: int, c_x: int,
             c_y: int) -> tuple[float, float]:
    """Position of row ``i`` of an equipment table (``p.ef`` or ``p.sf``): escort-mounted
    (column ``c_escort`` = 1 + the moving asset's index) = at that asset, else fixed."""
    if tab[i, c_escort] > 0.0:
        m = int(tab[i, c_escort]) - 1
        return st.mx[m], st.my[m]
    return tab[i, c_x], tab[i, c_y]


@njit(inline="always")
def effector_xy(p: KernelParams, st: State, e: int) -> tuple[float, float]:
    """Position of effector ``e`` (:func:`mount_xy`)."""
    return mount_xy(st, p.ef, e, E_ESCORT, E_X, E_Y)


@njit(inline="always")
def sensor_xy(p: KernelParams, st: State, s: int) -> tuple[float, float]:
    """Position of sensor ``s`` (:func:`mount_xy`)."""
    return mount_xy(st, p.sf, s, S_ESCORT, S_X, S_Y)


@njit(inline="always")
def in_envelope(p: KernelParams, e: int, r2: float, zz: float) -> bool:
    """Effector ``e`` can engage at squared range ``r2`` and altitude ``zz``."""
    return bool(r2 <= p.ef[e, E_MAXR] * p.ef[e, E_MAXR]
                and r2 >= p.ef[e, E_MINR] * p.ef[e, E_MINR] and zz <= p.ef[e, E_MAXALT])


@njit(inline="always")
def own_aircraft_near(p: KernelParams, st: State, px: float, py: float) -> bool:
    """An own aircraft in the air within the weapons-tight radius of ``(px, py)``."""
    near = False
    for m in range(p.n_moving):
        if st.mair[m] and not st.lost[m]:
            dx = px - st.mx[m]
            dy = py - st.my[m]
            if dx * dx + dy * dy < p.tight_r * p.tight_r:
                near = True
    return near


@njit(inline="always")
def spend_rounds(p: KernelParams, st: State, out: Outcome, r: int | np.integer, e: int,
                 n: int, t: float, b: int, kind: int, drone: int, wave: int, asset: int,
                 px: float, py: float) -> None:
    """Effector ``e`` fires ``n`` rounds: magazine, lowest magazine, shots (total, per bin
    and, at a drone of wave ``wave ≥ 0``, per wave), one event per round, and the reload
    starting when the magazine is empty. Friendly fire passes ``wave = -1``."""
    st.mag[e] -= n
    if st.mag[e] < out.min_magazine[r, e]:
        out.min_magazine[r, e] = st.mag[e]
    out.eff_shots[r, e] += n
    out.eff_shots_t[r, e, b] += n
    if wave >= 0:
        out.wave_eff_shots[r, wave, e] += n
    for _ in range(n):
        emit(st, t, kind, drone, wave, e, asset, px, py)
    if st.mag[e] == 0 and st.reload_at[e] < 0.0:
        if p.ef[e, E_RELOAD] > 0.0 and st.stock[e] != 0:
            st.reload_at[e] = t + p.ef[e, E_RELOAD]
        elif math.isnan(out.eff_dry_s[r, e]):
            out.eff_dry_s[r, e] = t  # no round left anywhere: "Winchester"


@njit(inline="always")
def reserve_open(p: KernelParams, e: int, t: float) -> bool:
    """Effector ``e`` has a reserve and its window is open at ``t`` (§4.7.2)."""
    return bool((p.ef[e, E_RES_R] > 0.0 or p.ef[e, E_RES_M] > 0.0 or p.ef[e, E_RES_K] > 0.0)
                and t + EPS_T >= p.ef[e, E_RES_FROM] and t <= p.ef[e, E_RES_TO] + EPS_T)


@njit(inline="always")
def keeps_reserve(p: KernelParams, st: State, e: int, t: float) -> bool:
    """One more round of ``e`` at a threat to another asset than the one it escorts leaves
    its reserve of rounds held and rounds ready (a gun's next burst, §4.6)."""
    if not reserve_open(p, e, t):
        return True
    if st.mag[e] - 1 < int(p.ef[e, E_RES_M]):
        return False
    return bool(st.stock[e] < 0 or st.mag[e] + st.stock[e] - 1 >= int(p.ef[e, E_RES_R]))


@njit(inline="always")
def restock(p: KernelParams, st: State, t: float, e: int) -> None:
    """§4.6 logistics of effector ``e`` at ``t``: deliveries due join the stock; a reload
    due refills the magazine from the stock; an empty magazine with rounds in stock and no
    reload under way (a delivery to a dry effector) starts one."""
    stock = st.stock
    ptr = st.sup_ptr
    while ptr[e] < p.sup_cnt[e] and t + EPS_T >= p.sup_t[e, ptr[e]]:
        stock[e] += p.sup_n[e, ptr[e]]
        ptr[e] += 1
    if st.reload_at[e] >= 0.0 and t + EPS_T >= st.reload_at[e]:
        full = int(p.ef[e, E_MAG])
        if stock[e] < 0:  # unlimited
            st.mag[e] = full
        else:
            n = min(full - st.mag[e], stock[e])
            st.mag[e] += n
            stock[e] -= n
        st.reload_at[e] = -1.0
    if st.mag[e] == 0 and st.reload_at[e] < 0.0 and stock[e] > 0 and p.ef[e, E_RELOAD] > 0.0:
        st.reload_at[e] = t + p.ef[e, E_RELOAD]


@njit(inline="always")
def record_kill(st: State, out: Outcome, r: int | np.integer, i: int, w: int, e: int,
                t: float, b: int, kind: int) -> None:
    """Drone ``i`` (wave ``w``) killed by effector ``e`` at ``t``."""
    st.status[i] = ST_KILLED
    st.tend[i] = t
    out.wave_killed[r, w] += 1
    out.wave_killed_t[r, w, b] += 1
    out.eff_kills[r, e] += 1
    out.wave_eff_kills[r, w, e] += 1
    emit(st, t, kind, i, w, e, st.tgt[i], st.x[i], st.y[i])


@njit(inline="always")
def watch_disc(p: KernelParams, st: State, e: int) -> tuple[float, float, float]:
    """Centre and radius of the disc effector ``e`` watches until the next re-cull: its
    reach grown by what a drone and (escort-mounted, centred on the helicopter) the
    effector can close in ``ECULL_STEPS + 1`` steps."""
    vs = st.fl[F_V_SENSOR] if p.ef[e, E_ESCORT] > 0.0 else 0.0
    sx, sy = effector_xy(p, st, e)
    return sx, sy, p.ef[e, E_MAXR] + (st.fl[F_V_DRONE] + vs) * p.dt * (ECULL_STEPS + 1) + 1.0


# ----------------------------------------------------------------------------- watch lists


@njit(inline="always")
def cull_effectors(p: KernelParams, st: State) -> None:
    """Rebuild the effectors' and the jammers' watch lists (every :data:`ECULL_STEPS`)."""
    p_ef = p.ef
    E = p_ef.shape[0]
    ctr = st.ctr
    n_act = ctr[C_N_ACT]
    n_jam = ctr[C_N_JAM]
    act = st.act
    status = st.status
    x = st.x
    y = st.y
    elist = st.elist
    en = st.en
    jlist = st.jlist
    jammers = st.jammers
    for e in range(E):
        if int(p_ef[e, E_KIND]) == K_JAMMER:
            continue
        sx, sy, reach = watch_disc(p, st, e)
        n = 0
        for jj in range(n_act):
            i = act[jj]
            if status[i] != ST_AIR:
                continue
            dx = x[i] - sx
            dy = y[i] - sy
            if dx * dx + dy * dy <= reach * reach:
                elist[e, n] = i
                n += 1
        en[e] = n
    jn = 0
    for jj in range(n_act if n_jam > 0 else 0):
        i = act[jj]
        if status[i] != ST_AIR:
            continue
        for je in range(n_jam):
            e = jammers[je]
            sx, sy, reach = watch_disc(p, st, e)
            dx = x[i] - sx
            dy = y[i] - sy
            if dx * dx + dy * dy <= reach * reach:
                jlist[jn] = i
                jn += 1
                break
    ctr[C_JN] = jn


# ----------------------------------------------------------------------------- §4.4, §4.6


@njit(inline="always")
def ew(p: KernelParams, st: State, out: Outcome, r: int | np.integer, t: float, k: int,
       b: int) -> None:
    """§4.4: area defeat by jammers, a Poisson process with the summed rate of the jammers
    that reach the drone; the kill goes to the strongest."""
    if k % ECULL_STEPS == 0:
        cull_effectors(p, st)
    p_ef = p.ef
    p_pk = p.pk
    p_drone_wave = p.drone_wave
    p_drone_key = p.drone_key
    dt = p.dt
    h_jam = st.hk[rng.S_JAM]
    jn = st.ctr[C_JN]
    n_jam = st.ctr[C_N_JAM]
    jlist = st.jlist
    jammers = st.jammers
    status = st.status
    x = st.x
    y = st.y
    z = st.z
    for jj in range(jn):
        i = jlist[jj]
        if status[i] != ST_AIR:
            continue
        w = p_drone_wave[i]
        rate = 0.0
        best = -1
        best_rate = 0.0
        for je in range(n_jam):
            e = jammers[je]
            rj = p_pk[e, w]
            if rj <= 0.0 or z[i] > p_ef[e, E_MAXALT]:
                continue
            ex, ey = effector_xy(p, st, e)
            dx = x[i] - ex
            dy = y[i] - ey
            rm = p_ef[e, E_MAXR]
            if slant2(p, st, e, ex, ey, x[i], y[i], z[i], dx * dx + dy * dy) > rm * rm:
                continue
            if not effector_sees(p, st, e, ex, ey, x[i], y[i], z[i]):
                continue  # §4.9: masked by the terrain
            rate += rj
            if rj > best_rate:
                best_rate = rj
                best = e
        if rate > 0.0:
            if to_unit(absorb(absorb(h_jam, p_drone_key[i]), np.uint64(k))) < \
                    1.0 - math.exp(-rate * dt):
                record_kill(st, out, r, i, w, best, t, b, EV_JAMMED)


@njit(inline="always")
def effectors(p: KernelParams, st: State, out: Outcome, r: int | np.integer, t: float,
              b: int) -> None:
    """§4.6: reloads complete; missiles and interceptors arrive (kill if any round kills);
    gun bursts fire while the target stays engageable."""
    p_ef = p.ef
    p_pk = p.pk
    p_drone_wave = p.drone_wave
    p_drone_key = p.drone_key
    p_tight_r = p.tight_r
    E = p_ef.shape[0]
    h_kill = st.hk[rng.S_KILL]
    mag = st.mag
    eng_d = st.eng_d
    eng_k = st.eng_k
    eng_t = st.eng_t
    eng_n = st.eng_n
    eng_s0 = st.eng_s0
    engaged = st.engaged
    nshot = st.nshot
    status = st.status
    seen = st.seen
    tgt = st.tgt
    x = st.x
    y = st.y
    z = st.z
    tracks = p.information == INF_TRACKS
    for e in range(E):
        kind = int(p_ef[e, E_KIND])
        if kind == K_JAMMER:
            continue
        restock(p, st, t, e)
        if tracks:
            continue  # the channels resolve on tracks (information.resolve_tracks)
        ex, ey = effector_xy(p, st, e)
        for c in range(int(p_ef[e, E_CHAN])):
            i = eng_d[e, c]
            if i < 0 or t + EPS_T < eng_t[e, c]:
                continue
            w = p_drone_wave[i]
            if kind != K_GUN:
                # a missile or interceptor drone arrives
                eng_d[e, c] = -1
                eng_k[e, c] = -1
                engaged[i] -= 1
                if status[i] != ST_AIR:
                    emit(st, t, EV_MISS, i, w, e, tgt[i], x[i], y[i])
                    continue
                killed = False
                for q in range(eng_n[e, c]):
                    if u2(h_kill, p_drone_key[i], np.uint64(eng_s0[e, c] + q)) < p_pk[e, w]:
                        killed = True
                if killed:
                    record_kill(st, out, r, i, w, e, t, b, EV_KILL)
                else:
                    emit(st, t, EV_MISS, i, w, e, tgt[i], x[i], y[i])
                continue
            # a gun burst is due: fire while the target stays engageable
            # seen[i] is the earliest trk_t + latency over the drone's tracks
            ok = status[i] == ST_AIR and mag[e] > 0 and t + EPS_T >= seen[i]
            if ok:
                dx = x[i] - ex
                dy = y[i] - ey
                r2 = slant2(p, st, e, ex, ey, x[i], y[i], z[i], dx * dx + dy * dy)
                ok = (in_envelope(p, e, r2, z[i])
                      and effector_sees(p, st, e, ex, ey, x[i], y[i], z[i]))
            if ok and p_ef[e, E_ESCORT] <= 0.0 and p_tight_r > 0.0:
                ok = not own_aircraft_near(p, st, x[i], y[i])
            if ok and st.ptgt[i] != int(p_ef[e, E_GUARD]):
                ok = keeps_reserve(p, st, e, t)
            if not ok:
                eng_d[e, c] = -1
                eng_k[e, c] = -1
                engaged[i] -= 1
                continue
            spend_rounds(p, st, out, r, e, 1, t, b, EV_SHOT, i, w, tgt[i], x[i], y[i])
            q = nshot[i]
            nshot[i] += 1
            if u2(h_kill, p_drone_key[i], np.uint64(q)) < p_pk[e, w]:
                record_kill(st, out, r, i, w, e, t, b, EV_KILL)
                eng_d[e, c] = -1
                eng_k[e, c] = -1
                engaged[i] -= 1
            else:
                eng_t[e, c] += p_ef[e, E_INTERVAL]
