"""The compiled engagement kernel: one replication of the model of ``docs/model.md``.

:func:`replication` runs one replication and writes its row of the outcome arrays;
:func:`batch` runs many with ``numba.prange`` (each replication independent, every draw keyed
by what it is for, so the result does not depend on the thread count). The same function,
with ``rec=True``, fills the event and position buffers of :func:`record_replication`, so a
recording always reproduces the outcome of its replication.

Work per step is proportional to the drones in the air: launches come off a list sorted by
launch time, the airborne drones live in a compacted active list, and detections are
computed only for drones inside a sensor's maximum range (or already held in its track
history).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np
from numba import njit

from skyshield.contract import BIN_S, EVENT_KINDS, POS_EVERY_S
from skyshield.engine import rng
from skyshield.engine.compile import (
    E_CHAN,
    E_COST,
    E_ESCORT,
    E_INTERVAL,
    E_KIND,
    E_MAG,
    E_MAXALT,
    E_MAXR,
    E_MINR,
    E_PKFF,
    E_REACT,
    E_RELOAD,
    E_VP,
    E_X,
    E_Y,
    K_ACOUSTIC,
    K_GUN,
    K_JAMMER,
    S_DROP,
    S_ESCORT,
    S_KIND,
    S_LAT,
    S_MAST,
    S_MINALT,
    S_SCAN,
    S_SLOPE,
    S_TM,
    S_TN,
    S_X,
    S_Y,
    W_ALT,
    W_COST,
    W_ENDUR,
    W_LETHAL,
    W_SEEKER,
    W_SPEED,
    KernelParams,
)
from skyshield.engine.draws import draw
from skyshield.engine.rng import absorb, to_unit, u2
from skyshield.engine.state import (
    C_N_JAM,
    C_N_LAUNCH,
    EPS_T,
    F_V_DRONE,
    F_V_SENSOR,
    K_RE,
    MD_AIR,
    MD_AMBUSH,
    MD_FIXED,
    MD_PURSUE,
    ST_AIR,
    ST_EXPIRED,
    ST_KILLED,
    ST_LEAKED,
    Outcome,
    new_state,
)
from skyshield.wta.engine import greedy_asset_based_nb, local_asset_based_nb

# event kinds: codes = indices in contract.EVENT_KINDS
EV_LAUNCH = EVENT_KINDS.index("launch")
EV_TRACK = EVENT_KINDS.index("track")
EV_TRACK_LOST = EVENT_KINDS.index("track_lost")
EV_SHOT = EVENT_KINDS.index("shot")
EV_KILL = EVENT_KINDS.index("kill")
EV_MISS = EVENT_KINDS.index("miss")
EV_JAMMED = EVENT_KINDS.index("jammed")
EV_LEAK = EVENT_KINDS.index("leak")
EV_HIT = EVENT_KINDS.index("hit")
EV_EXPIRE = EVENT_KINDS.index("expire")
EV_FF = EVENT_KINDS.index("friendly_fire")
EV_ASSET_LOST = EVENT_KINDS.index("asset_lost")
#: Steps between rebuilds of the sensors' watch lists.
CULL_STEPS = 16
#: Steps between rebuilds of the effectors' watch lists.
ECULL_STEPS = 32
# assignment policies (compile.POLICIES)
P_GREEDY, P_LOCAL, P_EXACT = 0, 1, 2
#: Move/swap evaluations the ``local`` policy may spend per decision cycle: a fixed budget,
#: not a clock, so results do not depend on the machine.
LOCAL_MAX_EVALS = 20_000


# ----------------------------------------------------------------------------- helpers


@njit(cache=True)
def plan_state(p: KernelParams, m: int, t: float) -> tuple[float, float, float, float, bool]:
    """Position, velocity and airborne flag of moving asset ``m`` at time ``t``."""
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


@njit(cache=True)
def pd_scan(kind: int, min_alt: float, rmax: float, inv_r50sq: float, slope: float,
            pd_acoustic: float, hor_s: float, hor_z: float, r2: float, z: float) -> float:
    """Single-scan detection probability at squared horizontal range ``r2`` and altitude
    ``z``. ``inv_r50sq`` = 1/R50² (R50 RCS-scaled for a radar), ``hor_s`` =
    sqrt(2·k·Re·h_sensor), ``hor_z`` = sqrt(2·k·Re·z)."""
    if z < min_alt or r2 > rmax * rmax:
        return 0.0
    if kind == K_ACOUSTIC:
        return pd_acoustic
    dh = hor_s + hor_z
    if r2 > dh * dh:
        return 0.0
    q = r2 * inv_r50sq
    if slope == 4.0:
        x = q * q
    elif slope == 2.0:
        x = q
    else:
        x = q ** (0.5 * slope)
    return 1.0 / (1.0 + x)


@njit(cache=True)
def tbin(t: float, nb_: int) -> int:
    b = int(t / BIN_S)
    return nb_ - 1 if b >= nb_ else b


@njit(cache=True)
def watch_disc(p_ef: np.ndarray, e: int, hx: np.ndarray, hy: np.ndarray, v_drone: float,
               v_sensor: float, dt: float) -> tuple[float, float, float]:
    """Centre and radius of the disc effector ``e`` watches until the next re-cull: its
    reach grown by what a drone and (escort-mounted, centred on the helicopter at
    ``hx[0], hy[0]``) the effector can close in ``ECULL_STEPS + 1`` steps."""
    vs = v_sensor if p_ef[e, E_ESCORT] > 0.0 else 0.0
    sx, sy = mount_xy(p_ef, e, E_X, E_Y, E_ESCORT, hx, hy)
    return sx, sy, p_ef[e, E_MAXR] + (v_drone + vs) * dt * (ECULL_STEPS + 1) + 1.0


@njit(cache=True)
def emit(rec: bool, evf: np.ndarray, evi: np.ndarray, cnt: np.ndarray, t: float, kind: int,
         drone: int, wave: int, eff: int, asset: int, x: float, y: float) -> None:
    """Append one event to the recording buffers (counting past their capacity)."""
    if not rec:
        return
    n = cnt[0]
    if n < evf.shape[0]:
        evf[n, 0] = t
        evf[n, 1] = x
        evf[n, 2] = y
        evi[n, 0] = kind
        evi[n, 1] = drone
        evi[n, 2] = wave
        evi[n, 3] = eff
        evi[n, 4] = asset
    cnt[0] = n + 1


@njit(cache=True)
def emit_pos(posf: np.ndarray, posi: np.ndarray, cnt: np.ndarray, t: float, entity: int,
             ident: int, x: float, y: float, z: float, state: int) -> None:
    n = cnt[1]
    if n < posf.shape[0]:
        posf[n, 0] = t
        posf[n, 1] = x
        posf[n, 2] = y
        posf[n, 3] = z
        posi[n, 0] = entity
        posi[n, 1] = ident
        posi[n, 2] = state
    cnt[1] = n + 1


@njit(inline="always")
def mount_xy(tab: np.ndarray, e: int, xcol: int, ycol: int, ecol: int, mx: np.ndarray,
             my: np.ndarray) -> tuple[float, float]:
    """Position of sensor/effector ``e`` of ``tab``: escort-mounted = at asset 0, else fixed."""
    if tab[e, ecol] > 0.0:
        return mx[0], my[0]
    return tab[e, xcol], tab[e, ycol]


@njit(inline="always")
def in_envelope(p_ef: np.ndarray, e: int, r2: float, zz: float) -> bool:
    """Effector ``e`` can engage at squared range ``r2`` and altitude ``zz``."""
    return (r2 <= p_ef[e, E_MAXR] * p_ef[e, E_MAXR] and r2 >= p_ef[e, E_MINR] * p_ef[e, E_MINR]
            and zz <= p_ef[e, E_MAXALT])


@njit(inline="always")
def own_aircraft_near(px: float, py: float, radius: float, M: int, mx: np.ndarray,
                      my: np.ndarray, mair: np.ndarray, lost: np.ndarray) -> bool:
    """An own aircraft in the air within ``radius`` of ``(px, py)`` (weapons tight)."""
    near = False
    for m in range(M):
        if mair[m] and not lost[m]:
            dx = px - mx[m]
            dy = py - my[m]
            if dx * dx + dy * dy < radius * radius:
                near = True
    return near


@njit(inline="always")
def spend_rounds(out: Outcome, r: int | np.integer, e: int, n: int, b: int, t: float, mag: np.ndarray,
                 reload_at: np.ndarray, p_ef: np.ndarray, rec: bool, evf: np.ndarray,
                 evi: np.ndarray, cnt: np.ndarray, kind: int, drone: int, wave: int,
                 asset: int, px: float, py: float) -> None:
    """Effector ``e`` fires ``n`` rounds: magazine, lowest magazine, shots (total and per
    bin), one event per round, and the reload starting when the magazine is empty."""
    mag[e] -= n
    if mag[e] < out.min_magazine[r, e]:
        out.min_magazine[r, e] = mag[e]
    out.eff_shots[r, e] += n
    out.eff_shots_t[r, e, b] += n
    for _ in range(n):
        emit(rec, evf, evi, cnt, t, kind, drone, wave, e, asset, px, py)
    if mag[e] == 0 and p_ef[e, E_RELOAD] > 0.0 and reload_at[e] < 0.0:
        reload_at[e] = t + p_ef[e, E_RELOAD]


@njit(inline="always")
def record_kill(out: Outcome, r: int | np.integer, status: np.ndarray, tend: np.ndarray, i: int, w: int,
                e: int, b: int, t: float, rec: bool, evf: np.ndarray, evi: np.ndarray,
                cnt: np.ndarray, kind: int, asset: int, px: float, py: float) -> None:
    """Drone ``i`` (wave ``w``) killed by effector ``e`` at ``t``."""
    status[i] = ST_KILLED
    tend[i] = t
    out.wave_killed[r, w] += 1
    out.wave_killed_t[r, w, b] += 1
    out.eff_kills[r, e] += 1
    emit(rec, evf, evi, cnt, t, kind, i, w, e, asset, px, py)


@njit(cache=True)
def pair_before(a: int, b: int, ps: np.ndarray, pt: np.ndarray, pdr: np.ndarray,
                pe: np.ndarray) -> bool:
    """Assignment priority: higher score, then shorter time to go, then lower drone index,
    then lower effector index."""
    if ps[a] != ps[b]:
        return ps[a] > ps[b]
    if pt[a] != pt[b]:
        return pt[a] < pt[b]
    if pdr[a] != pdr[b]:
        return pdr[a] < pdr[b]
    return pe[a] < pe[b]


@njit(cache=True)
def sort_pairs(n: int, ps: np.ndarray, pt: np.ndarray, pdr: np.ndarray, pe: np.ndarray,
               order: np.ndarray, tmp: np.ndarray) -> None:
    """``order[:n]`` = pair indices by :func:`pair_before` (bottom-up merge sort, O(n log n))."""
    for q in range(n):
        order[q] = q
    width = 1
    while width < n:
        lo = 0
        while lo < n:
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            a = lo
            b = mid
            k = lo
            while a < mid and b < hi:
                if pair_before(order[b], order[a], ps, pt, pdr, pe):
                    tmp[k] = order[b]
                    b += 1
                else:
                    tmp[k] = order[a]
                    a += 1
                k += 1
            while a < mid:
                tmp[k] = order[a]
                a += 1
                k += 1
            while b < hi:
                tmp[k] = order[b]
                b += 1
                k += 1
            lo = hi
        for q in range(n):
            order[q] = tmp[q]
        width *= 2


def exact_shots(asset_value: np.ndarray, threat_asset: np.ndarray, lethality: np.ndarray,
                pk: np.ndarray, capacity: np.ndarray, time_s: float) -> np.ndarray:
    """The ``exact`` policy's engagements (plain Python: HiGHS runs in object mode).

    :func:`skyshield.wta.engine.assign_asset_based` with ``method="exact"``: greedy, local
    search, then the outer-approximation MILP for at most ``time_s`` seconds.
    """
    from skyshield.wta.engine import assign_asset_based

    x = assign_asset_based(asset_value, threat_asset, lethality, pk, capacity, "exact", time_s)
    return np.ascontiguousarray(x, dtype=np.int64)


@njit(cache=True)
def wta_shots(policy: int, asset_value: np.ndarray, threat_asset: np.ndarray,
              lethality: np.ndarray, pk: np.ndarray, capacity: np.ndarray,
              time_s: float) -> np.ndarray:
    """Engagements ``(E, T)`` of one decision cycle's asset-based WTA for ``local``/``exact``.

    Parameters
    ----------
    policy
        :data:`P_LOCAL` or :data:`P_EXACT`.
    asset_value
        ``(A,)`` float64, the C2 weight of each asset.
    threat_asset, lethality
        ``(T,)`` the asset each candidate is aimed at and its perceived vulnerability.
    pk
        ``(E, T)`` float64 kill probability of one engagement (0 = infeasible).
    capacity
        ``(E,)`` int64 engagements each effector can start.
    time_s
        Time limit of the ``exact`` solve, seconds.

    Notes
    -----
    ``local`` = maximum marginal return, then first-improvement moves and swaps of single
    engagements for at most :data:`LOCAL_MAX_EVALS` evaluations (deterministic). ``exact``
    leaves nopython mode for :func:`exact_shots`.
    """
    x = greedy_asset_based_nb(asset_value, threat_asset, lethality, pk, capacity)
    if policy == P_LOCAL:
        local_asset_based_nb(asset_value, threat_asset, lethality, pk, capacity, x,
                             LOCAL_MAX_EVALS)
    elif policy == P_EXACT:
        with nb.objmode(x="int64[:, ::1]"):
            x = exact_shots(asset_value, threat_asset, lethality, pk, capacity, time_s)
    return x


# ----------------------------------------------------------------------------- one replication


@njit(cache=True, error_model="numpy")
def replication(p: KernelParams, seed: int, rep: int | np.integer, r: int | np.integer,
                out: Outcome, rec: bool,
                evf: np.ndarray, evi: np.ndarray, posf: np.ndarray, posi: np.ndarray,
                cnt: np.ndarray) -> None:
    """Run replication ``rep`` and write row ``r`` of ``out`` (see ``docs/model.md``)."""
    # the parameters as plain locals: no tuple access (and reference counting) in loops
    p_asset_key = p.asset_key
    p_asset_radius = p.asset_radius
    p_asset_value = p.asset_value
    p_asset_weight = p.asset_weight
    p_asset_x = p.asset_x
    p_asset_y = p.asset_y
    p_cycle_s = p.cycle_s
    p_doctrine = p.doctrine
    p_drone_key = p.drone_key
    p_drone_wave = p.drone_wave
    p_dt = p.dt
    p_duration = p.duration
    p_ef = p.ef
    p_eff_key = p.eff_key
    p_lethality = p.lethality
    p_n_bins = p.n_bins
    p_n_moving = p.n_moving
    p_n_steps = p.n_steps
    p_p_misid = p.p_misid
    p_perceived = p.perceived
    p_pk = p.pk
    p_policy = p.policy
    p_policy_time_s = p.policy_time_s
    p_plan_alt = p.plan_alt
    p_plan_n = p.plan_n
    p_plan_t = p.plan_t
    p_route_n = p.route_n
    p_route_x = p.route_x
    p_route_y = p.route_y
    p_salvo_size = p.salvo_size
    p_sen_pd = p.sen_pd
    p_sen_q = p.sen_q
    p_sen_rmax = p.sen_rmax
    p_sf = p.sf
    p_tight_r = p.tight_r
    p_wf = p.wf
    p_wfz = p.wfz
    N = p_drone_wave.shape[0]
    A = p_asset_value.shape[0]
    M = p_n_moving
    S = p_sf.shape[0]
    E = p_ef.shape[0]
    W = p_wf.shape[0]
    NB = p_n_bins
    dt = p_dt
    st = new_state(p, seed, rep, rec, evf, evi, posf, posi, cnt)
    # ---- §3 drawn once per replication: launch time, launch point, target, aim point
    draw(p, st, out, r)
    hk = st.hk
    h_kill = hk[rng.S_KILL]
    h_jam = hk[rng.S_JAM]
    h_impact = hk[rng.S_IMPACT]
    h_airhit = hk[rng.S_AIR_HIT]
    h_ffid = hk[rng.S_FF_ID]
    h_ffhit = hk[rng.S_FF_HIT]
    status = st.status
    mode = st.mode
    tl = st.tl
    lx = st.lx
    ly = st.ly
    tgt = st.tgt
    aimx = st.aimx
    aimy = st.aimy
    order = st.order
    n_launch = st.ctr[C_N_LAUNCH]
    x = st.x
    y = st.y
    z = st.z
    leg = st.leg
    engaged = st.engaged
    nshot = st.nshot
    ntrk = st.ntrk
    tend = st.tend
    hz = st.hz
    seen = st.seen
    hdet = st.hdet
    act = st.act
    n_act = 0
    ptr = 0
    hist = st.hist
    miss = st.miss
    trk_t = st.trk_t
    next_scan = st.next_scan
    slist = st.slist
    sn = st.sn
    v_drone = st.fl[F_V_DRONE]
    v_sensor = st.fl[F_V_SENSOR]
    scan_no = st.scan_no
    mag = st.mag
    reload_at = st.reload_at
    eng_d = st.eng_d
    eng_t = st.eng_t
    eng_n = st.eng_n
    eng_s0 = st.eng_s0
    jammers = st.jammers
    n_jam = st.ctr[C_N_JAM]
    lost = st.lost
    mx = st.mx
    my = st.my
    mvx = st.mvx
    mvy = st.mvy
    mair = st.mair
    next_c2 = 0.0
    cycle_no = 0
    cand = st.cand
    cval = st.cval
    ctight = st.ctight
    cidx = st.cidx
    elist = st.elist
    en = st.en
    jlist = st.jlist
    jn = 0
    pe = st.pe
    pi = st.pi
    ps = st.ps
    pt = st.pt
    pn = st.pn
    pd_ = st.pd_
    pdr = st.pdr
    porder = st.porder
    ptmp = st.ptmp
    cap = st.cap
    taken = st.taken
    go_e = st.go_e
    go_q = st.go_q
    go_n = st.go_n
    go_d = st.go_d
    last_pos = -1

    for k in range(p_n_steps + 1):
        t = min(k * dt, p_duration)
        b = tbin(t, NB)

        # ---- §4.1 assets
        for m in range(M):
            px, py, vx, vy, air = plan_state(p, m, t)
            mx[m] = px
            my[m] = py
            mvx[m] = vx
            mvy[m] = vy
            mair[m] = air

        # ---- §4.2 drones move (those launched in earlier steps), impacts
        if k > 0:
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
                    emit(rec, evf, evi, cnt, t, EV_EXPIRE, i, w, -1, -1, x[i], y[i])
                    continue
                step = p_wf[w, W_SPEED] * dt
                a = tgt[i]
                md = mode[i]
                if md == MD_FIXED or (md == MD_AIR and leg[i] < p_route_n[w]):
                    if leg[i] < p_route_n[w]:
                        gx = p_route_x[w, leg[i]]
                        gy = p_route_y[w, leg[i]]
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
                        else:
                            # impact at the aim point (§4.2)
                            status[i] = ST_LEAKED
                            tend[i] = t
                            out.wave_leaked[r, w] += 1
                            out.wave_leaked_t[r, w, b] += 1
                            emit(rec, evf, evi, cnt, t, EV_LEAK, i, w, -1, a, x[i], y[i])
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
                                emit(rec, evf, evi, cnt, t, EV_HIT, i, w, -1, s_, x[i], y[i])
                                if u2(h_impact, p_drone_key[i], p_asset_key[s_]) < lv:
                                    if not lost[s_]:
                                        lost[s_] = True
                                        out.asset_lost[r, s_] = True
                                        out.asset_loss_time_s[r, s_] = t
                                        emit(rec, evf, evi, cnt, t, EV_ASSET_LOST, i, w, -1,
                                             s_, x[i], y[i])
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
                        emit(rec, evf, evi, cnt, t, EV_EXPIRE, i, w, -1, a, x[i], y[i])
                        continue
                    if (md == MD_AIR or md == MD_PURSUE) and avail:
                        if z[i] != p_plan_alt[a]:
                            z[i] = p_plan_alt[a]
                            hz[i] = math.sqrt(2.0 * K_RE * z[i])
                        if d <= step + p_wf[w, W_LETHAL]:
                            x[i] = mx[a]
                            y[i] = my[a]
                            status[i] = ST_LEAKED
                            tend[i] = t
                            out.wave_leaked[r, w] += 1
                            out.wave_leaked_t[r, w, b] += 1
                            emit(rec, evf, evi, cnt, t, EV_LEAK, i, w, -1, a, x[i], y[i])
                            lv = p_lethality[a, w]
                            if lv > 0.0:
                                out.asset_hits[r, a] += 1
                                emit(rec, evf, evi, cnt, t, EV_HIT, i, w, -1, a, x[i], y[i])
                                if u2(h_airhit, p_drone_key[i], p_asset_key[a]) < lv:
                                    lost[a] = True
                                    out.asset_lost[r, a] = True
                                    out.asset_loss_time_s[r, a] = t
                                    emit(rec, evf, evi, cnt, t, EV_ASSET_LOST, i, w, -1, a,
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
                act[j] = i
                j += 1
            n_act = j
            out.drone_steps[r] += j

        # ---- §4.3 launches
        while ptr < n_launch and tl[order[ptr]] <= t + EPS_T:
            i = order[ptr]
            ptr += 1
            w = p_drone_wave[i]
            status[i] = ST_AIR
            x[i] = lx[i]
            y[i] = ly[i]
            z[i] = p_wf[w, W_ALT]
            hz[i] = math.sqrt(2.0 * K_RE * z[i])
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
            emit(rec, evf, evi, cnt, t, EV_LAUNCH, i, w, -1, tgt[i], x[i], y[i])

        if k % ECULL_STEPS == 0:
            for e in range(E):
                if int(p_ef[e, E_KIND]) == K_JAMMER:
                    continue
                sx, sy, reach = watch_disc(p_ef, e, mx, my, v_drone, v_sensor, dt)
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
                    sx, sy, reach = watch_disc(p_ef, e, mx, my, v_drone, v_sensor, dt)
                    dx = x[i] - sx
                    dy = y[i] - sy
                    if dx * dx + dy * dy <= reach * reach:
                        jlist[jn] = i
                        jn += 1
                        break

        # ---- §4.4 EW: area defeat by jammers
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
                ex, ey = mount_xy(p_ef, e, E_X, E_Y, E_ESCORT, mx, my)
                dx = x[i] - ex
                dy = y[i] - ey
                rm = p_ef[e, E_MAXR]
                if dx * dx + dy * dy > rm * rm:
                    continue
                rate += rj
                if rj > best_rate:
                    best_rate = rj
                    best = e
            if rate > 0.0:
                if to_unit(absorb(absorb(h_jam, p_drone_key[i]), np.uint64(k))) < \
                        1.0 - math.exp(-rate * dt):
                    record_kill(out, r, status, tend, i, w, best, b, t, rec, evf, evi, cnt,
                                EV_JAMMED, tgt[i], x[i], y[i])

        # ---- §4.5 sensors
        if k % CULL_STEPS == 0:
            for s in range(S):
                sx, sy = mount_xy(p_sf, s, S_X, S_Y, S_ESCORT, mx, my)
                vs = v_sensor if p_sf[s, S_ESCORT] > 0.0 else 0.0
                reach = p_sen_rmax[s] + (v_drone + vs) * dt * (CULL_STEPS + 1) + 1.0
                n = 0
                for jj in range(n_act):
                    i = act[jj]
                    if status[i] != ST_AIR:
                        continue
                    dx = x[i] - sx
                    dy = y[i] - sy
                    if (dx * dx + dy * dy <= reach * reach or hist[i, s] != 0
                            or trk_t[i, s] >= 0.0):
                        slist[s, n] = i
                        n += 1
                sn[s] = n
        for s in range(S):
            if t + EPS_T < next_scan[s]:
                continue
            sf = p_sf[s]
            while next_scan[s] <= t + EPS_T:
                next_scan[s] += sf[S_SCAN]
            usno = np.uint64(scan_no[s])
            scan_no[s] += 1
            sx, sy = mount_xy(p_sf, s, S_X, S_Y, S_ESCORT, mx, my)
            if sf[S_ESCORT] > 0.0:
                hs = sf[S_MAST] + (p_plan_alt[0] if mair[0] else 0.0)
            else:
                hs = sf[S_MAST]
            mask = (1 << int(sf[S_TN])) - 1
            tm = int(sf[S_TM])
            drop = int(sf[S_DROP])
            skind = int(sf[S_KIND])
            s_minalt = sf[S_MINALT]
            s_rmax = p_sen_rmax[s]
            s_slope = sf[S_SLOPE]
            hor_s = math.sqrt(2.0 * K_RE * hs)
            for jj in range(sn[s]):
                i = slist[s, jj]
                if status[i] != ST_AIR:
                    continue
                dx = x[i] - sx
                dy = y[i] - sy
                r2 = dx * dx + dy * dy
                w = p_drone_wave[i]
                pd = pd_scan(skind, s_minalt, s_rmax, p_sen_q[s, w], s_slope, p_sen_pd[s, w],
                             hor_s, hz[i], r2, z[i])
                if pd <= 0.0 and hist[i, s] == 0 and trk_t[i, s] < 0.0:
                    continue
                det = 0
                if pd > 0.0:
                    det = int(to_unit(absorb(hdet[i, s], usno)) < pd)
                hh = ((hist[i, s] << 1) | det) & mask
                hist[i, s] = hh
                if trk_t[i, s] < 0.0:
                    c = 0
                    while hh:
                        hh &= hh - 1
                        c += 1
                    if c >= tm:
                        trk_t[i, s] = t
                        miss[i, s] = 0
                        ntrk[i] += 1
                        seen[i] = min(seen[i], t + p_sf[s, S_LAT])
                        if ntrk[i] == 1:
                            emit(rec, evf, evi, cnt, t, EV_TRACK, i, p_drone_wave[i], -1,
                                 tgt[i], x[i], y[i])
                else:
                    if det:
                        miss[i, s] = 0
                    else:
                        miss[i, s] += 1
                        if miss[i, s] >= drop:
                            trk_t[i, s] = -1.0
                            hist[i, s] = 0
                            miss[i, s] = 0
                            ntrk[i] -= 1
                            seen[i] = np.inf
                            for s2 in range(S):
                                if trk_t[i, s2] >= 0.0:
                                    seen[i] = min(seen[i], trk_t[i, s2] + p_sf[s2, S_LAT])
                            if ntrk[i] == 0:
                                emit(rec, evf, evi, cnt, t, EV_TRACK_LOST, i,
                                     p_drone_wave[i], -1, tgt[i], x[i], y[i])

        # ---- §4.6 effectors: reloads, shots resolving, gun bursts
        for e in range(E):
            kind = int(p_ef[e, E_KIND])
            if kind == K_JAMMER:
                continue
            if reload_at[e] >= 0.0 and t + EPS_T >= reload_at[e]:
                mag[e] = int(p_ef[e, E_MAG])
                reload_at[e] = -1.0
            ex, ey = mount_xy(p_ef, e, E_X, E_Y, E_ESCORT, mx, my)
            for c in range(int(p_ef[e, E_CHAN])):
                i = eng_d[e, c]
                if i < 0 or t + EPS_T < eng_t[e, c]:
                    continue
                w = p_drone_wave[i]
                if kind != K_GUN:
                    # a missile or interceptor drone arrives
                    eng_d[e, c] = -1
                    engaged[i] -= 1
                    if status[i] != ST_AIR:
                        emit(rec, evf, evi, cnt, t, EV_MISS, i, w, e, tgt[i], x[i], y[i])
                        continue
                    killed = False
                    for q in range(eng_n[e, c]):
                        if u2(h_kill, p_drone_key[i], np.uint64(eng_s0[e, c] + q)) < p_pk[e, w]:
                            killed = True
                    if killed:
                        record_kill(out, r, status, tend, i, w, e, b, t, rec, evf, evi, cnt,
                                    EV_KILL, tgt[i], x[i], y[i])
                    else:
                        emit(rec, evf, evi, cnt, t, EV_MISS, i, w, e, tgt[i], x[i], y[i])
                    continue
                # a gun burst is due: fire while the target stays engageable
                # seen[i] is the earliest trk_t + latency over the drone's tracks
                ok = status[i] == ST_AIR and mag[e] > 0 and t + EPS_T >= seen[i]
                if ok:
                    dx = x[i] - ex
                    dy = y[i] - ey
                    r2 = dx * dx + dy * dy
                    ok = in_envelope(p_ef, e, r2, z[i])
                if ok and p_ef[e, E_ESCORT] <= 0.0 and p_tight_r > 0.0:
                    ok = not own_aircraft_near(x[i], y[i], p_tight_r, M, mx, my, mair, lost)
                if not ok:
                    eng_d[e, c] = -1
                    engaged[i] -= 1
                    continue
                spend_rounds(out, r, e, 1, b, t, mag, reload_at, p_ef, rec, evf, evi, cnt,
                             EV_SHOT, i, w, tgt[i], x[i], y[i])
                q = nshot[i]
                nshot[i] += 1
                if u2(h_kill, p_drone_key[i], np.uint64(q)) < p_pk[e, w]:
                    record_kill(out, r, status, tend, i, w, e, b, t, rec, evf, evi, cnt,
                                EV_KILL, tgt[i], x[i], y[i])
                    eng_d[e, c] = -1
                    engaged[i] -= 1
                else:
                    eng_t[e, c] += p_ef[e, E_INTERVAL]

        # ---- §4.7 command and control: threat evaluation and weapon assignment
        if t + EPS_T >= next_c2:
            while next_c2 <= t + EPS_T:
                next_c2 += p_cycle_s
            cyc = cycle_no
            cycle_no += 1
            # candidate threats
            nc = 0
            for jj in range(n_act):
                i = act[jj]
                if status[i] != ST_AIR or engaged[i] > 0:
                    continue
                if t + EPS_T < seen[i]:
                    continue
                w = p_drone_wave[i]
                a = tgt[i]
                v = p_asset_weight[a] * p_perceived[a, w]
                if v <= 0.0:
                    continue
                # the tight-escort flag and time to go are needed only for the few
                # candidates some effector can reach: worked out in the pair loop
                cand[nc] = i
                cval[nc] = v
                ctight[nc] = -1
                cidx[i] = nc
                nc += 1
            # feasible pairs
            npair = 0
            for e in range(E):
                kind = int(p_ef[e, E_KIND])
                cap[e] = 0
                if kind == K_JAMMER or mag[e] <= 0:
                    continue
                free = 0
                for c in range(int(p_ef[e, E_CHAN])):
                    if eng_d[e, c] < 0:
                        free += 1
                rounds = 1
                if kind != K_GUN and p_doctrine == 1:
                    rounds = min(p_salvo_size, mag[e])
                if kind != K_GUN:
                    free = min(free, mag[e] // rounds)
                cap[e] = free
                if free == 0:
                    continue
                ex, ey = mount_xy(p_ef, e, E_X, E_Y, E_ESCORT, mx, my)
                for jj in range(en[e]):
                    i = elist[e, jj]
                    q = cidx[i]
                    if q < 0:
                        continue
                    w = p_drone_wave[i]
                    pkw = p_pk[e, w]
                    if pkw <= 0.0:
                        continue
                    dx = x[i] - ex
                    dy = y[i] - ey
                    r2 = dx * dx + dy * dy
                    if not in_envelope(p_ef, e, r2, z[i]):
                        continue
                    if p_ef[e, E_ESCORT] <= 0.0:
                        if ctight[q] < 0:
                            tight = p_tight_r > 0.0 and own_aircraft_near(
                                x[i], y[i], p_tight_r, M, mx, my, mair, lost)
                            ctight[q] = 1 if tight else 0
                        if ctight[q] == 1:
                            continue
                    pe[npair] = e
                    pi[npair] = q
                    ps[npair] = cval[q] * (1.0 - (1.0 - pkw) ** rounds)
                    if mode[i] == MD_FIXED:
                        ddx = aimx[i] - x[i]
                        ddy = aimy[i] - y[i]
                    else:
                        ddx = mx[tgt[i]] - x[i]
                        ddy = my[tgt[i]] - y[i]
                    pt[npair] = math.sqrt(ddx * ddx + ddy * ddy) / p_wf[w, W_SPEED]
                    pn[npair] = rounds
                    pd_[npair] = math.sqrt(r2)
                    npair += 1
            for q in range(nc):
                cidx[cand[q]] = -1
            # assignment: a list of engagements (effector, candidate, rounds, distance) in
            # the order they start
            n_go = 0
            if p_policy == P_GREEDY:
                # greedy maximum marginal return: pairs in decreasing priority, each taken if
                # its effector has capacity left and its threat is unassigned — the same as
                # repeatedly taking the best valid pair
                for q in range(nc):
                    taken[q] = False
                for q in range(npair):
                    pdr[q] = cand[pi[q]]
                sort_pairs(npair, ps, pt, pdr, pe, porder, ptmp)
                for oq in range(npair):
                    best = porder[oq]
                    if cap[pe[best]] <= 0 or taken[pi[best]]:
                        continue
                    taken[pi[best]] = True
                    cap[pe[best]] -= 1
                    go_e[n_go] = pe[best]
                    go_q[n_go] = pi[best]
                    go_n[n_go] = pn[best]
                    go_d[n_go] = pd_[best]
                    n_go += 1
            elif npair > 0:
                # asset-based WTA over the candidates (docs/model.md 4.7): engagements of
                # effector e at candidate q, effector-major then candidate order
                pkm = np.zeros((E, nc))
                pix = np.full((E, nc), -1, np.int64)
                for q in range(npair):
                    e = pe[q]
                    miss_p = 1.0
                    for _ in range(pn[q]):
                        miss_p *= 1.0 - p_pk[e, p_drone_wave[cand[pi[q]]]]
                    pkm[e, pi[q]] = 1.0 - miss_p
                    pix[e, pi[q]] = q
                ta = np.empty(nc, np.int64)
                le = np.empty(nc)
                for q in range(nc):
                    i = cand[q]
                    ta[q] = tgt[i]
                    le[q] = p_perceived[tgt[i], p_drone_wave[i]]
                xs = wta_shots(p_policy, p_asset_weight, ta, le, pkm, cap, p_policy_time_s)
                for e in range(E):
                    for q in range(nc):
                        for _ in range(xs[e, q]):
                            go_e[n_go] = e
                            go_q[n_go] = q
                            go_n[n_go] = pn[pix[e, q]]
                            go_d[n_go] = pd_[pix[e, q]]
                            n_go += 1
            for g in range(n_go):
                e = go_e[g]
                i = cand[go_q[g]]
                w = p_drone_wave[i]
                kind = int(p_ef[e, E_KIND])
                c = 0
                while eng_d[e, c] >= 0:
                    c += 1
                eng_d[e, c] = i
                engaged[i] += 1
                if kind == K_GUN:
                    eng_t[e, c] = t + p_ef[e, E_REACT]
                    eng_n[e, c] = 0
                else:
                    n = go_n[g]
                    eng_n[e, c] = n
                    eng_s0[e, c] = nshot[i]
                    nshot[i] += n
                    eng_t[e, c] = t + p_ef[e, E_REACT] + go_d[g] / p_ef[e, E_VP]
                    spend_rounds(out, r, e, n, b, t, mag, reload_at, p_ef, rec, evf, evi, cnt,
                                 EV_SHOT, i, w, tgt[i], x[i], y[i])

            # ---- §4.7 friendly fire: misidentification of own aircraft in weapons-free
            # zones
            if p_p_misid > 0.0:
                for m in range(M):
                    if not mair[m] or lost[m]:
                        continue
                    inzone = False
                    for zq in range(p_wfz.shape[0]):
                        dx = mx[m] - p_wfz[zq, 0]
                        dy = my[m] - p_wfz[zq, 1]
                        if dx * dx + dy * dy <= p_wfz[zq, 2] * p_wfz[zq, 2]:
                            inzone = True
                    if not inzone:
                        continue
                    for e in range(E):
                        kind = int(p_ef[e, E_KIND])
                        if kind == K_JAMMER or p_ef[e, E_ESCORT] > 0.0 or mag[e] <= 0:
                            continue
                        dx = mx[m] - p_ef[e, E_X]
                        dy = my[m] - p_ef[e, E_Y]
                        r2 = dx * dx + dy * dy
                        if not in_envelope(p_ef, e, r2, p_plan_alt[m]):
                            continue
                        u = to_unit(absorb(absorb(absorb(h_ffid, p_eff_key[e]),
                                                  p_asset_key[m]), np.uint64(cyc)))
                        if u >= p_p_misid:
                            continue
                        out.friendly_fire[r] += 1
                        spend_rounds(out, r, e, 1, b, t, mag, reload_at, p_ef, rec, evf, evi,
                                     cnt, EV_FF, -1, -1, m, mx[m], my[m])
                        u = to_unit(absorb(absorb(absorb(h_ffhit, p_eff_key[e]),
                                                  p_asset_key[m]), np.uint64(cyc)))
                        if u < p_ef[e, E_PKFF] and not lost[m]:
                            lost[m] = True
                            out.asset_lost[r, m] = True
                            out.asset_loss_time_s[r, m] = t
                            if m == 0:
                                out.vip_lost_ff[r] = True
                            emit(rec, evf, evi, cnt, t, EV_ASSET_LOST, -1, -1, e, m,
                                 mx[m], my[m])

        # ---- positions for the replay (recording only)
        if rec:
            ps_ = int(t / POS_EVERY_S + EPS_T)
            if ps_ > last_pos:
                last_pos = ps_
                for a in range(A):
                    if a < M:
                        emit_pos(posf, posi, cnt, t, 1, a, mx[a], my[a],
                                 p_plan_alt[a] if mair[a] else 0.0, 2 if lost[a] else 0)
                    else:
                        emit_pos(posf, posi, cnt, t, 1, a, p_asset_x[a], p_asset_y[a], 0.0,
                                 2 if lost[a] else 0)
                for i in range(N):
                    if status[i] == ST_AIR:
                        st = 1 if ntrk[i] > 0 else 0
                        emit_pos(posf, posi, cnt, t, 0, i, x[i], y[i], z[i], st)
                    elif status[i] >= ST_KILLED and tend[i] > t - POS_EVERY_S + EPS_T:
                        emit_pos(posf, posi, cnt, t, 0, i, x[i], y[i], z[i], 2)

    # ---- §4.8 end of the run: whatever is still in the air has expired
    t_end = p_duration
    for jj in range(n_act):
        i = act[jj]
        if status[i] == ST_AIR:
            w = p_drone_wave[i]
            status[i] = ST_EXPIRED
            tend[i] = t_end
            out.wave_expired[r, w] += 1
            emit(rec, evf, evi, cnt, t_end, EV_EXPIRE, i, w, -1, tgt[i], x[i], y[i])
    att = 0.0
    for w in range(W):
        att += out.wave_launched[r, w] * p_wf[w, W_COST]
    out.attack_cost[r] = att
    dc = 0.0
    for e in range(E):
        dc += out.eff_shots[r, e] * p_ef[e, E_COST]
    out.defence_cost[r] = dc


@njit(cache=True, parallel=True)
def batch(p: KernelParams, seed: int, rep_start: int, out: Outcome) -> None:
    """Replications ``rep_start .. rep_start + R - 1`` into ``out`` (R = its first axis)."""
    R = out.leak.shape[0]
    evf = np.zeros((0, 3))
    evi = np.zeros((0, 5), np.int32)
    posf = np.zeros((0, 4))
    posi = np.zeros((0, 3), np.int32)
    # a run-time False and int64 indices: the same signature as record_replication's call,
    # so the big function is compiled (and cached) once
    rec = R < 0
    for j in nb.prange(R):
        r = np.int64(j)
        cnt = np.zeros(2, np.int64)
        replication(p, seed, rep_start + r, r, out, rec, evf, evi, posf, posi, cnt)
