"""§4.1–4.3 of ``docs/model.md``: the assets fly their plans, the drones move (and hit),
and new drones launch."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from skyshield.engine import rng
from skyshield.engine.compile import (
    I_HEADING,
    W_ALT,
    W_ENDUR,
    W_LETHAL,
    W_SEEKER,
    W_SPEED,
    KernelParams,
)
from skyshield.engine.events import (
    EV_ASSET_LOST,
    EV_EXPIRE,
    EV_HIT,
    EV_LAUNCH,
    EV_LEAK,
    emit,
)
from skyshield.engine.rng import u2
from skyshield.engine.state import (
    C_JN,
    C_N_ACT,
    C_N_LAUNCH,
    C_PTR,
    EPS_T,
    K_RE,
    MD_AIR,
    MD_AMBUSH,
    MD_FIXED,
    MD_PURSUE,
    ST_AIR,
    ST_EXPIRED,
    ST_LEAKED,
    Outcome,
    State,
)
from skyshield.engine.terrain import follow_terrain, ground


@njit(cache=True)
def ground_leg(p: KernelParams, m: int, t: float) -> int:
    """The plan point ``k`` whose ground leg (a stop) holds moving asset ``m`` at ``t``, or
    -1: the same leg as :func:`plan_state`'s."""
    n = p.plan_n[m]
    if t < p.plan_t[m, 0] or t > p.plan_t[m, n - 1]:
        return -1
    k = 0
    while k < n - 2 and t > p.plan_t[m, k + 1]:
        k += 1
    return k if p.plan_gnd[m, k] else -1


@njit(cache=True)
def plan_state(p: KernelParams, m: int, t: float) -> tuple[float, float, float, float, bool]:
    """Position, velocity and airborne flag of moving asset ``m`` at time ``t`` (the first
    leg whose end is not before ``t``; a ground leg: at its point, not airborne)."""
    n = p.plan_n[m]
    if t < p.plan_t[m, 0]:
        return p.plan_x[m, 0], p.plan_y[m, 0], 0.0, 0.0, False
    if t > p.plan_t[m, n - 1]:
        return p.plan_x[m, n - 1], p.plan_y[m, n - 1], 0.0, 0.0, False
    k = 0
    while k < n - 2 and t > p.plan_t[m, k + 1]:
        k += 1
    t0 = p.plan_t[m, k]
    t1 = p.plan_t[m, k + 1]
    if p.plan_gnd[m, k]:  # on the ground between landing and take-off
        return p.plan_x[m, k], p.plan_y[m, k], 0.0, 0.0, False
    vx = (p.plan_x[m, k + 1] - p.plan_x[m, k]) / (t1 - t0)
    vy = (p.plan_y[m, k + 1] - p.plan_y[m, k]) / (t1 - t0)
    return p.plan_x[m, k] + vx * (t - t0), p.plan_y[m, k] + vy * (t - t0), vx, vy, True


@njit(cache=True)
def intercept_point(px: float, py: float, tx: float, ty: float, vx: float, vy: float,
                    speed: float) -> tuple[float, float]:
    """Predicted intercept point for a target moving at constant velocity; pure pursuit (the
    target's position) when the drone cannot catch it."""
    rx = tx - px
    ry = ty - py
    a = vx * vx + vy * vy - speed * speed
    b = 2.0 * (rx * vx + ry * vy)
    c = rx * rx + ry * ry
    tau = -1.0
    if abs(a) < 1e-12:
        if b < 0.0:
            tau = -c / b
    else:
        disc = b * b - 4.0 * a * c
        if disc >= 0.0:
            sq = math.sqrt(disc)
            r1 = (-b - sq) / (2.0 * a)
            r2 = (-b + sq) / (2.0 * a)
            lo = min(r1, r2)
            hi = max(r1, r2)
            if lo > 0.0:
                tau = lo
            elif hi > 0.0:
                tau = hi
    if tau > 0.0:
        return tx + vx * tau, ty + vy * tau
    return tx, ty


@njit(inline="always")
def assets(p: KernelParams, st: State, t: float) -> None:
    """§4.1: position, velocity and airborne flag of each moving asset at ``t``."""
    mx = st.mx
    my = st.my
    mvx = st.mvx
    mvy = st.mvy
    mair = st.mair
    M = p.n_moving
    mgnd = st.mgnd
    for m in range(M):
        px, py, vx, vy, air = plan_state(p, m, t)
        mx[m] = px
        my[m] = py
        mvx[m] = vx
        mvy[m] = vy
        mair[m] = air
        mgnd[m] = ground_leg(p, m, t) if p.plan_stops[m] else -1


@njit(inline="always")
def move(p: KernelParams, st: State, out: Outcome, r: int | np.integer, t: float, k: int,
         b: int) -> None:
    """§4.2: the drones launched in earlier steps move; endurance, impacts at the aim point,
    hits on aircraft; the active list is compacted."""
    p_drone_wave = p.drone_wave
    p_drone_key = p.drone_key
    p_wf = p.wf
    p_route_n = p.route_n
    p_route_x = p.route_x
    p_route_y = p.route_y
    p_lethality = p.lethality
    p_asset_x = p.asset_x
    p_asset_y = p.asset_y
    p_asset_radius = p.asset_radius
    p_asset_key = p.asset_key
    p_plan_t = p.plan_t
    p_plan_n = p.plan_n
    p_plan_alt = p.plan_alt
    dt = p.dt
    M = p.n_moving
    A = p_asset_x.shape[0]
    h_impact = st.hk[rng.S_IMPACT]
    h_airhit = st.hk[rng.S_AIR_HIT]
    act = st.act
    status = st.status
    mode = st.mode
    tl = st.tl
    tgt = st.tgt
    aimx = st.aimx
    aimy = st.aimy
    tsw = st.tsw
    leg = st.leg
    x = st.x
    y = st.y
    z = st.z
    hz = st.hz
    tend = st.tend
    lost = st.lost
    mx = st.mx
    my = st.my
    mvx = st.mvx
    mvy = st.mvy
    mair = st.mair
    n_act = st.ctr[C_N_ACT]
    # §4.9: the waves whose drones update their height at this step (one modulo a wave, not
    # one a drone)
    upd = st.upd
    if p.ter_on != 0:
        for w_ in range(upd.shape[0]):
            upd[w_] = k % p.ter_kw[w_] == 0
    j = 0
    for jj in range(n_act):
        i = act[jj]
        if status[i] != ST_AIR:
            continue
        w = p_drone_wave[i]
        if t - tl[i] >= p_wf[w, W_ENDUR] - EPS_T:
            status[i] = ST_EXPIRED
            tend[i] = t
            out.wave_expired[r, w] += 1
            emit(st, t, EV_EXPIRE, i, w, -1, -1, x[i], y[i])
            continue
        step = p_wf[w, W_SPEED] * dt
        a = tgt[i]
        md = mode[i]
        chase = False  # climbing to the aircraft's altitude (§4.9)
        if md == MD_FIXED or (md == MD_AIR and leg[i] < p_route_n[w]):
            feint = False
            if leg[i] < p_route_n[w]:
                gx = p_route_x[w, leg[i]]
                gy = p_route_y[w, leg[i]]
            elif t + EPS_T < tsw[i]:  # the feint: towards the decoy site
                gx = st.fx[i]
                gy = st.fy[i]
                feint = True
            else:
                gx = aimx[i]
                gy = aimy[i]
            dx = gx - x[i]
            dy = gy - y[i]
            d = math.sqrt(dx * dx + dy * dy)
            if d <= step:
                x[i] = gx
                y[i] = gy
                if leg[i] < p_route_n[w]:
                    leg[i] += 1
                elif feint:
                    tsw[i] = t  # over the decoy site: the feint ends
                else:
                    # impact at the aim point (§4.2)
                    status[i] = ST_LEAKED
                    tend[i] = t
                    out.wave_leaked[r, w] += 1
                    out.wave_leaked_t[r, w, b] += 1
                    emit(st, t, EV_LEAK, i, w, -1, a, x[i], y[i])
                    for s_ in range(M, A):
                        lv = p_lethality[s_, w]
                        if lv <= 0.0:
                            continue
                        ddx = x[i] - p_asset_x[s_]
                        ddy = y[i] - p_asset_y[s_]
                        reach = p_wf[w, W_LETHAL] + p_asset_radius[s_]
                        if ddx * ddx + ddy * ddy > reach * reach:
                            continue
                        out.asset_hits[r, s_] += 1
                        emit(st, t, EV_HIT, i, w, -1, s_, x[i], y[i])
                        if u2(h_impact, p_drone_key[i], p_asset_key[s_]) < lv:
                            if not lost[s_]:
                                lost[s_] = True
                                out.asset_lost[r, s_] = True
                                out.asset_loss_time_s[r, s_] = t
                                out.asset_cause[r, s_] = w
                                emit(st, t, EV_ASSET_LOST, i, w, -1,
                                     s_, x[i], y[i])
                    # an aircraft on the ground at a stop within lethal reach (§4.2.4)
                    for m in range(M):
                        k = st.mgnd[m]
                        if k < 0 or p.ground_leth[m, k, w] <= 0.0:
                            continue
                        ddx = x[i] - mx[m]
                        ddy = y[i] - my[m]
                        if ddx * ddx + ddy * ddy > p_wf[w, W_LETHAL] * p_wf[w, W_LETHAL]:
                            continue
                        out.asset_hits[r, m] += 1
                        emit(st, t, EV_HIT, i, w, -1, m, x[i], y[i])
                        if u2(h_airhit, p_drone_key[i], p_asset_key[m]) < \
                                p.ground_leth[m, k, w] and not lost[m]:
                            lost[m] = True
                            out.asset_lost[r, m] = True
                            out.asset_loss_time_s[r, m] = t
                            out.asset_cause[r, m] = w
                            emit(st, t, EV_ASSET_LOST, i, w, -1, m, x[i], y[i])
                    continue
            else:
                x[i] += dx / d * step
                y[i] += dy / d * step
        else:
            # air target: the aircraft ``a``
            avail = mair[a] and not lost[a]
            landed = t > p_plan_t[a, p_plan_n[a] - 1] or lost[a]
            dx = mx[a] - x[i]
            dy = my[a] - y[i]
            d = math.sqrt(dx * dx + dy * dy)
            if md == MD_AMBUSH:
                if avail and d <= p_wf[w, W_SEEKER]:
                    mode[i] = MD_PURSUE
                    md = MD_PURSUE
            elif landed or (md == MD_PURSUE and d > 2.0 * p_wf[w, W_SEEKER]):
                status[i] = ST_EXPIRED
                tend[i] = t
                out.wave_expired[r, w] += 1
                emit(st, t, EV_EXPIRE, i, w, -1, a, x[i], y[i])
                continue
            if (md == MD_AIR or md == MD_PURSUE) and avail:
                chase = True
                if z[i] != p_plan_alt[a] and p.ter_on == 0:
                    z[i] = p_plan_alt[a]
                    hz[i] = math.sqrt(2.0 * K_RE * z[i])
                if d <= step + p_wf[w, W_LETHAL]:
                    x[i] = mx[a]
                    y[i] = my[a]
                    status[i] = ST_LEAKED
                    tend[i] = t
                    out.wave_leaked[r, w] += 1
                    out.wave_leaked_t[r, w, b] += 1
                    emit(st, t, EV_LEAK, i, w, -1, a, x[i], y[i])
                    lv = p_lethality[a, w]
                    if lv > 0.0:
                        out.asset_hits[r, a] += 1
                        emit(st, t, EV_HIT, i, w, -1, a, x[i], y[i])
                        if u2(h_airhit, p_drone_key[i], p_asset_key[a]) < lv:
                            lost[a] = True
                            out.asset_lost[r, a] = True
                            out.asset_loss_time_s[r, a] = t
                            out.asset_cause[r, a] = w
                            emit(st, t, EV_ASSET_LOST, i, w, -1, a,
                                 x[i], y[i])
                    continue
                gx, gy = intercept_point(x[i], y[i], mx[a], my[a], mvx[a], mvy[a],
                                         p_wf[w, W_SPEED])
                dx = gx - x[i]
                dy = gy - y[i]
                d = math.sqrt(dx * dx + dy * dy)
                if d > 0.0:
                    f = min(step, d) / d
                    x[i] += dx * f
                    y[i] += dy * f
        if p.ter_on != 0 and upd[w]:
            # §4.9: terrain following, or the climb to the aircraft, every ter_kw steps
            g = ground(p, x[i], y[i])
            if chase:
                goal = ground(p, mx[a], my[a]) + p_plan_alt[a]
            else:
                goal = g + p_wf[w, W_ALT]
            follow_terrain(p, st, i, w, goal, g)
        act[j] = i
        j += 1
    st.ctr[C_N_ACT] = j
    out.drone_steps[r] += j


@njit(inline="always")
def launch(p: KernelParams, st: State, out: Outcome, r: int | np.integer, t: float,
           b: int) -> None:
    """§4.3: drones whose launch time has come take off (the active list and every watch
    list get them)."""
    p_drone_wave = p.drone_wave
    p_wf = p.wf
    S = p.sf.shape[0]
    E = p.ef.shape[0]
    order = st.order
    tl = st.tl
    lx = st.lx
    ly = st.ly
    tgt = st.tgt
    status = st.status
    x = st.x
    y = st.y
    z = st.z
    hz = st.hz
    act = st.act
    slist = st.slist
    sn = st.sn
    elist = st.elist
    en = st.en
    jlist = st.jlist
    ctr = st.ctr
    n_act = ctr[C_N_ACT]
    ptr = ctr[C_PTR]
    jn = ctr[C_JN]
    n_launch = ctr[C_N_LAUNCH]
    while ptr < n_launch and tl[order[ptr]] <= t + EPS_T:
        i = order[ptr]
        ptr += 1
        w = p_drone_wave[i]
        status[i] = ST_AIR
        x[i] = lx[i]
        y[i] = ly[i]
        z[i] = p_wf[w, W_ALT]
        hz[i] = math.sqrt(2.0 * K_RE * z[i])
        if p.ter_on != 0:
            st.za[i] = ground(p, x[i], y[i]) + z[i]
        act[n_act] = i
        n_act += 1
        for s in range(S):
            slist[s, sn[s]] = i
            sn[s] += 1
        for e in range(E):
            elist[e, en[e]] = i
            en[e] += 1
        jlist[jn] = i
        jn += 1
        out.wave_launched[r, w] += 1
        out.wave_launched_t[r, w, b] += 1
        emit(st, t, EV_LAUNCH, i, w, -1, tgt[i], x[i], y[i])
    ctr[C_N_ACT] = n_act
    ctr[C_PTR] = ptr
    ctr[C_JN] = jn


@njit(inline="always")
def observe(p: KernelParams, st: State) -> None:
    """§4.3, last: under ``c2.intent: heading`` each airborne drone's observed velocity is its
    displacement since the previous step over the nominal ``dt`` (0 in the step it launches)."""
    if p.intent != I_HEADING:
        return
    inv_dt = 1.0 / p.dt
    act = st.act
    status = st.status
    x = st.x
    y = st.y
    ox = st.ox
    oy = st.oy
    vx = st.vx
    vy = st.vy
    for jj in range(st.ctr[C_N_ACT]):
        i = act[jj]
        if status[i] != ST_AIR:
            continue
        vx[i] = (x[i] - ox[i]) * inv_dt
        vy[i] = (y[i] - oy[i]) * inv_dt
        ox[i] = x[i]
        oy[i] = y[i]
