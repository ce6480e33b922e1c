"""§4.7 of ``docs/model.md``: command and control, every ``cycle_s``: threat evaluation,
weapon assignment (greedy, local or exact), engagements starting, and friendly fire.

The C2 pairs are sorted once per cycle (merge sort on the priority of 4.7), so a cycle
costs O(P log P) for P feasible pairs. ``local``/``exact`` build the cycle's WTA problem
from the candidates and pairs and solve it with :mod:`skyshield.wta.asset_based`.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np
from numba import njit

from skyshield.contract import CAUSE_FRIENDLY_FIRE
from skyshield.engine import rng
from skyshield.engine.compile import (
    BRIDGE_TAU_MIN_S,
    E_CHAN,
    E_ESCORT,
    E_GUARD,
    E_KIND,
    E_PKFF,
    E_REACT,
    E_RES_K,
    E_RES_M,
    E_RES_R,
    E_VP,
    E_X,
    E_Y,
    E_ZONE_POS,
    E_ZONED,
    I_BRIDGE,
    I_HEADING,
    I_ORACLE,
    INF_TRACKS,
    K_GUN,
    K_JAMMER,
    R_AREA,
    R_ESCORT,
    R_HOLD,
    W_ALT,
    W_SPEED,
    KernelParams,
)
from skyshield.engine.engagement import (
    effector_xy,
    in_envelope,
    own_aircraft_near,
    reserve_open,
    spend_rounds,
)
from skyshield.engine.events import EV_ASSET_LOST, EV_FF, EV_SHOT, emit
from skyshield.engine.information import track_class
from skyshield.engine.motion import plan_state
from skyshield.engine.rng import absorb, to_unit
from skyshield.engine.state import (
    C_CYCLE,
    C_N_ACT,
    EPS_T,
    F_NEXT_C2,
    MD_FIXED,
    ST_AIR,
    Outcome,
    State,
    estimate,
)
from skyshield.engine.terrain import effector_sees, slant2
from skyshield.track.intent import (
    PRUNE_MARGIN,
    bridge_posterior_fast,
    fill_tau_grid,
    heading_target,
    nearest_target,
)
from skyshield.track.tracker import CONFIRMED
from skyshield.wta.asset_based import greedy_asset_based_nb, local_asset_based_nb

# assignment policies (compile.POLICIES)
P_GREEDY, P_LOCAL, P_EXACT = 0, 1, 2
# threat-value rules (compile.PRIORITY_RULES)
PR_VALUE, PR_RELATIVE = 0, 1
#: Move/swap evaluations the ``local`` policy may spend per decision cycle: a fixed budget,
#: not a clock, so results do not depend on the machine.
LOCAL_MAX_EVALS = 20_000


@njit(cache=True)
def pair_before(a: int, b: int, ps: np.ndarray, pt: np.ndarray, pdr: np.ndarray,
                pe: np.ndarray) -> bool:
    """Assignment priority: higher score, then shorter time to go, then lower drone index,
    then lower effector index."""
    if ps[a] != ps[b]:
        return bool(ps[a] > ps[b])
    if pt[a] != pt[b]:
        return bool(pt[a] < pt[b])
    if pdr[a] != pdr[b]:
        return bool(pdr[a] < pdr[b])
    return bool(pe[a] < pe[b])


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

    :func:`skyshield.wta.asset_based.assign_asset_based` with ``method="exact"``: greedy, local
    search, then the outer-approximation MILP for at most ``time_s`` seconds.
    """
    from skyshield.wta.asset_based import assign_asset_based

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


@njit(inline="always")
def role_at(p: KernelParams, e: int, t: float) -> int:
    """Effector ``e``'s role at ``t`` (``compile.ROLES``): the last breakpoint ``≤ t``."""
    q = 0
    H = p.role_t.shape[1]
    while q + 1 < H and t + EPS_T >= p.role_t[e, q + 1]:
        q += 1
    return int(p.role_r[e, q])


@njit(inline="always")
def in_zones(p: KernelParams, e: int, px: float, py: float) -> bool:
    """``(px, py)`` lies in one of effector ``e``'s engagement zones (boundary included)."""
    inside = False
    for zq in range(p.zone.shape[0]):
        if p.ezone[e, zq]:
            dx = px - p.zone[zq, 0]
            dy = py - p.zone[zq, 1]
            if dx * dx + dy * dy <= p.zone[zq, 2] * p.zone[zq, 2]:
                inside = True
    return inside


@njit(inline="always")
def reserve_capacity(p: KernelParams, st: State, e: int, t: float, free: int, rounds: int,
                     cap: int) -> int:
    """Engagements ``e`` may start at threats to other assets than the one it escorts: while
    its reserve window is open they must leave ``E_RES_R`` rounds held (magazine + stock),
    ``E_RES_M`` rounds in the magazine and ``E_RES_K`` free channels."""
    if not reserve_open(p, e, t):
        return cap
    rr = int(p.ef[e, E_RES_R])
    rk = int(p.ef[e, E_RES_K])
    rm = int(p.ef[e, E_RES_M])
    c = min(cap, free - rk, int((st.mag[e] - rm) // rounds))
    if st.stock[e] >= 0:  # a finite stock: the rounds held bound it too
        c = min(c, int((st.mag[e] + st.stock[e] - rr) // rounds))
    return max(c, 0)


@njit(inline="always")
def intent_picture(p: KernelParams, st: State) -> None:
    """The assets as C2 sees them this cycle, for intent: positions ``st.dxy`` and velocities
    ``st.dv`` now (a fixed site: its centre, at rest)."""
    M = p.n_moving
    for a in range(p.asset_value.shape[0]):
        if a < M:
            st.dxy[a, 0] = st.mx[a]
            st.dxy[a, 1] = st.my[a]
            st.dv[a, 0] = st.mvx[a]
            st.dv[a, 1] = st.mvy[a]
        else:
            st.dxy[a, 0] = p.asset_x[a]
            st.dxy[a, 1] = p.asset_y[a]
            st.dv[a, 0] = 0.0
            st.dv[a, 1] = 0.0


@njit(inline="always")
def bridge_track(p: KernelParams, st: State, k: int, w: int) -> None:
    """§4.7.1 ``bridge``: the posterior of track ``k`` (class ``w``: its prior) over the
    assets and transit, at the
    track's state time ``tt`` (its stored mean and covariance), into ``st.bpost[k]``; the
    time-to-go cells tile ``[0, max(duration − tt, BRIDGE_TAU_MIN_S)]``, a moving asset's
    destinations are its plan at ``tt + τ_j``. Cached: recomputed only when the slot's
    serial or its count of associated measurements changed since (a prediction alone leaves
    the posterior given the same measurements as it was)."""
    if st.bser[k] == st.tser[k] and st.bnu[k] == st.trk.tnupd[k]:
        return
    ts = st.trk.tt[k]
    K = p.br_k
    fill_tau_grid(max(p.duration - ts, BRIDGE_TAU_MIN_S), st.btau, st.bw, st.bh)
    M = p.n_moving
    for a in range(p.asset_value.shape[0]):
        for j in range(K):
            if a < M:
                px, py, _vx, _vy, _air = plan_state(p, a, ts + st.btau[j])
                st.bdest[a, j, 0] = px
                st.bdest[a, j, 1] = py
            else:
                st.bdest[a, j, 0] = p.asset_x[a]
                st.bdest[a, j, 1] = p.asset_y[a]
    bridge_posterior_fast(st.trk.tx[k], st.trk.tP[k], st.bdest, p.br_sigma, p.br_logp[w],
                          p.br_kappa, p.br_q, st.btau, st.bw, st.bh, PRUNE_MARGIN,
                          st.bpost[k])
    st.bser[k] = st.tser[k]
    st.bnu[k] = st.trk.tnupd[k]


@njit(inline="always")
def infer_target(p: KernelParams, st: State, i: int) -> int:
    """§4.7.1 intent: the asset C2 takes drone ``i`` to be going for (after
    :func:`intent_picture`): ``oracle`` its goal, else :func:`skyshield.track.intent.heading_target`
    or :func:`~skyshield.track.intent.nearest_target` on its position and observed velocity."""
    if p.intent == I_ORACLE:
        return int(st.tgt[i])
    if p.intent == I_HEADING:
        m4 = st.m4
        m4[0] = st.x[i]
        m4[1] = st.y[i]
        m4[2] = st.vx[i]
        m4[3] = st.vy[i]
        return heading_target(m4, st.dxy, st.dv)[0]
    return nearest_target(st.x[i], st.y[i], st.dxy)


@njit(inline="always")
def candidates(p: KernelParams, st: State, t: float) -> int:
    """Threat evaluation: the airborne drones C2 sees, not engaged, aimed at an asset it
    values; ``st.cand[:nc]`` with their values. Returns ``nc``."""
    p_drone_wave = p.drone_wave
    p_asset_weight = p.asset_weight
    p_perceived = p.perceived
    n_act = st.ctr[C_N_ACT]
    act = st.act
    status = st.status
    engaged = st.engaged
    seen = st.seen
    ptgt = st.ptgt
    cand = st.cand
    cval = st.cval
    ctight = st.ctight
    cidx = st.cidx
    cta = st.cta
    cwv = st.cwv
    cpx = st.cpx
    cpy = st.cpy
    cpz = st.cpz
    cgx = st.cgx
    cgy = st.cgy
    x = st.x
    y = st.y
    z = st.z
    mode = st.mode
    aimx = st.aimx
    aimy = st.aimy
    M = p.n_moving
    if p.information == INF_TRACKS:
        nc = track_candidates(p, st, t)
    else:
        # candidate threats
        if p.intent != I_ORACLE:
            intent_picture(p, st)
        nc = 0
        for jj in range(n_act):
            i = act[jj]
            if status[i] != ST_AIR or engaged[i] > 0:
                continue
            if t + EPS_T < seen[i]:
                continue
            w = p_drone_wave[i]
            a = infer_target(p, st, i)
            ptgt[i] = a
            v = p_asset_weight[a] * p_perceived[a, w]
            if v <= 0.0:
                continue
            # the tight-escort flag and time to go are needed only for the few
            # candidates some effector can reach: worked out in the pair loop
            cand[nc] = i
            cval[nc] = v
            ctight[nc] = -1
            cidx[i] = nc
            cta[nc] = a
            cwv[nc] = w
            cpx[nc] = x[i]
            cpy[nc] = y[i]
            cpz[nc] = z[i]
            if p.intent == I_ORACLE and mode[i] == MD_FIXED:
                cgx[nc] = aimx[i]
                cgy[nc] = aimy[i]
            elif a < M:
                cgx[nc] = st.mx[a]
                cgy[nc] = st.my[a]
            else:  # an inferred site: its centre (C2 does not know the aim point)
                cgx[nc] = p.asset_x[a]
                cgy[nc] = p.asset_y[a]
            nc += 1
    if p.priority_rule == PR_RELATIVE:
        # each threat relative to its mission's most valuable threat, times the mission weight
        s_move, s_fix = mission_scale(p, st, nc)
        for q in range(nc):
            cval[q] /= s_move if cta[q] < M else s_fix
    return nc


@njit(inline="always")
def mission_scale(p: KernelParams, st: State, nc: int) -> tuple[float, float]:
    """The largest value at risk ``value_a · L̃[a, w]`` among the cycle's candidates aimed at
    moving assets (escort mission) and among those aimed at fixed sites (area mission); 1 for
    a mission without candidates."""
    s_move = 0.0
    s_fix = 0.0
    M = p.n_moving
    for q in range(nc):
        a = st.cta[q]
        r = p.asset_value[a] * p.perceived[a, st.cwv[q]]
        if a < M:
            s_move = max(s_move, r)
        else:
            s_fix = max(s_fix, r)
    return (s_move if s_move > 0.0 else 1.0), (s_fix if s_fix > 0.0 else 1.0)


@njit(inline="always")
def pairs(p: KernelParams, st: State, nc: int, t: float) -> int:
    """Feasible (effector, candidate) pairs with their score, time to go, rounds and
    distance; each effector's capacity ``st.cap`` (``st.capa`` at threats to other assets
    than the one it escorts). Roles and engagement zones decide which candidates an effector
    may take. Returns the number of pairs."""
    p_ef = p.ef
    p_pk = p.pk
    p_wf = p.wf
    p_doctrine = p.doctrine
    p_salvo_size = p.salvo_size
    p_tight_r = p.tight_r
    E = p_ef.shape[0]
    M = p.n_moving
    mag = st.mag
    eng_k = st.eng_k
    cap = st.cap
    capa = st.capa
    en = st.en
    elist = st.elist
    cidx = st.cidx
    cand = st.cand
    cval = st.cval
    ctight = st.ctight
    cta = st.cta
    cwv = st.cwv
    cpx = st.cpx
    cpy = st.cpy
    cpz = st.cpz
    cgx = st.cgx
    cgy = st.cgy
    tracks = p.information == INF_TRACKS
    pe = st.pe
    pi = st.pi
    ps = st.ps
    pt = st.pt
    pn = st.pn
    pd_ = st.pd_
    # feasible pairs
    npair = 0
    for e in range(E):
        kind = int(p_ef[e, E_KIND])
        cap[e] = 0
        capa[e] = 0
        if kind == K_JAMMER or mag[e] <= 0:
            continue
        role = role_at(p, e, t)
        if role == R_HOLD:
            continue
        nfree = 0
        for c in range(int(p_ef[e, E_CHAN])):
            if eng_k[e, c] < 0:
                nfree += 1
        rounds = 1
        if kind != K_GUN and p_doctrine == 1:
            rounds = min(p_salvo_size, mag[e])
        free = nfree
        if kind != K_GUN:
            free = min(free, mag[e] // rounds)
        cap[e] = free
        if free == 0:
            continue
        capa[e] = reserve_capacity(p, st, e, t, nfree, rounds, free)
        guard = int(p_ef[e, E_GUARD])
        zoned = p_ef[e, E_ZONED] > 0.0
        zone_pos = p_ef[e, E_ZONE_POS] > 0.0
        ex, ey = effector_xy(p, st, e)
        # truth: the effector's watch list; tracks: every candidate
        for jj in range(nc if tracks else en[e]):
            if tracks:
                q = jj
            else:
                q = cidx[elist[e, jj]]
                if q < 0:
                    continue
            a = cta[q]
            if role == R_ESCORT and a != guard:
                continue
            if role == R_AREA and a < M:
                continue
            if a != guard and capa[e] <= 0:
                continue
            if zoned:
                if zone_pos:
                    zx = cpx[q]
                    zy = cpy[q]
                else:
                    zx = cgx[q]
                    zy = cgy[q]
                if not in_zones(p, e, zx, zy):
                    continue
            w = cwv[q]
            pkw = p_pk[e, w]
            if pkw <= 0.0:
                continue
            dx = cpx[q] - ex
            dy = cpy[q] - ey
            r2 = slant2(p, st, e, ex, ey, cpx[q], cpy[q], cpz[q], dx * dx + dy * dy)
            if not in_envelope(p, e, r2, cpz[q]):
                continue
            if not effector_sees(p, st, e, ex, ey, cpx[q], cpy[q], cpz[q]):
                continue  # §4.9: masked by the terrain
            if p_ef[e, E_ESCORT] <= 0.0:
                if ctight[q] < 0:
                    tight = p_tight_r > 0.0 and own_aircraft_near(p, st, cpx[q], cpy[q])
                    ctight[q] = 1 if tight else 0
                if ctight[q] == 1:
                    continue
            pe[npair] = e
            pi[npair] = q
            ps[npair] = cval[q] * (1.0 - (1.0 - pkw) ** rounds)
            ddx = cgx[q] - cpx[q]
            ddy = cgy[q] - cpy[q]
            pt[npair] = math.sqrt(ddx * ddx + ddy * ddy) / p_wf[w, W_SPEED]
            pn[npair] = rounds
            pd_[npair] = math.sqrt(r2)
            npair += 1
    if not tracks:
        for q in range(nc):
            cidx[cand[q]] = -1
    return npair


@njit(inline="always")
def assign(p: KernelParams, st: State, nc: int, npair: int) -> int:
    """Weapon assignment: the cycle's engagements ``st.go_*[:n_go]`` (effector, candidate,
    rounds, distance) in the order they start. Returns ``n_go``."""
    p_pk = p.pk
    p_perceived = p.perceived
    p_asset_weight = p.asset_weight
    p_policy = p.policy
    p_policy_time_s = p.policy_time_s
    p_ef = p.ef
    E = p_ef.shape[0]
    cand = st.cand
    cta = st.cta
    cwv = st.cwv
    cap = st.cap
    capa = st.capa
    taken = st.taken
    pe = st.pe
    pi = st.pi
    ps = st.ps
    pt = st.pt
    pn = st.pn
    pd_ = st.pd_
    pdr = st.pdr
    porder = st.porder
    ptmp = st.ptmp
    go_e = st.go_e
    go_q = st.go_q
    go_n = st.go_n
    go_d = st.go_d
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
            e = pe[best]
            if cap[e] <= 0 or taken[pi[best]]:
                continue
            if capa[e] <= 0 and cta[pi[best]] != int(p_ef[e, E_GUARD]):
                continue  # the reserve is kept for threats to the escorted asset
            taken[pi[best]] = True
            cap[e] -= 1
            capa[e] -= 1
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
                miss_p *= 1.0 - p_pk[e, cwv[pi[q]]]
            pkm[e, pi[q]] = 1.0 - miss_p
            pix[e, pi[q]] = q
        ta = np.empty(nc, np.int64)
        le = np.empty(nc)
        for q in range(nc):
            ta[q] = cta[q]
            le[q] = p_perceived[cta[q], cwv[q]]
        av = p_asset_weight
        if p.priority_rule == PR_RELATIVE:
            s_move, s_fix = mission_scale(p, st, nc)
            av = p_asset_weight.copy()
            for a in range(av.shape[0]):
                av[a] /= s_move if a < p.n_moving else s_fix
        xs = wta_shots(p_policy, av, ta, le, pkm, cap, p_policy_time_s)
        for e in range(E):
            guard = int(p_ef[e, E_GUARD])
            for q in range(nc):
                for _ in range(xs[e, q]):
                    if ta[q] != guard:
                        if capa[e] <= 0:
                            continue  # beyond the reserve: dropped
                    capa[e] -= 1
                    go_e[n_go] = e
                    go_q[n_go] = q
                    go_n[n_go] = pn[pix[e, q]]
                    go_d[n_go] = pd_[pix[e, q]]
                    n_go += 1
    return n_go


@njit(inline="always")
def start(p: KernelParams, st: State, out: Outcome, r: int | np.integer, t: float, b: int,
          n_go: int) -> None:
    """The assigned engagements start: a channel each; guns fire after their reaction
    time, missiles and interceptors are launched now (rounds spent) and arrive later."""
    p_ef = p.ef
    p_drone_wave = p.drone_wave
    cand = st.cand
    tgt = st.tgt
    x = st.x
    y = st.y
    engaged = st.engaged
    nshot = st.nshot
    eng_d = st.eng_d
    eng_t = st.eng_t
    eng_n = st.eng_n
    eng_s0 = st.eng_s0
    go_e = st.go_e
    go_q = st.go_q
    go_n = st.go_n
    go_d = st.go_d
    tracks = p.information == INF_TRACKS
    eng_k = st.eng_k
    for g in range(n_go):
        e = go_e[g]
        q = go_q[g]
        kind = int(p_ef[e, E_KIND])
        c = 0
        while eng_k[e, c] >= 0:
            c += 1
        if tracks:
            start_on_track(p, st, out, r, t, b, e, c, q, go_n[g], go_d[g])
            continue
        i = cand[q]
        w = p_drone_wave[i]
        eng_k[e, c] = i
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
            spend_rounds(p, st, out, r, e, n, t, b, EV_SHOT, i, w, tgt[i], x[i], y[i])


@njit(inline="always")
def start_on_track(p: KernelParams, st: State, out: Outcome, r: int | np.integer, t: float,
                   b: int, e: int, c: int, q: int, n: int, dist: float) -> None:
    """An engagement of candidate ``q`` (a track) starts on channel ``c`` of ``e`` (§4.5.2):
    its track's slot, serial, label and estimate are kept; rounds go to the label's drone
    (a false alarm's track: to nothing)."""
    k = st.cand[q]
    lab = st.trk.tlab[k]
    st.eng_k[e, c] = k
    st.eng_d[e, c] = lab
    st.eng_ser[e, c] = st.tser[k]
    st.eng_a[e, c] = st.cta[q]
    ex = st.eng_x[e, c]
    ex[0] = st.cpx[q]
    ex[1] = st.cpy[q]
    ex[2] = st.trk.tx[k, 2]
    ex[3] = st.trk.tx[k, 3]
    ex[4] = t
    st.teng[k] += 1
    if int(p.ef[e, E_KIND]) == K_GUN:
        st.eng_t[e, c] = t + p.ef[e, E_REACT]
        st.eng_n[e, c] = 0
        return
    st.eng_n[e, c] = n
    w = -1
    asset = -1
    if lab >= 0:
        st.eng_s0[e, c] = st.nshot[lab]
        st.nshot[lab] += n
        w = int(p.drone_wave[lab])
        asset = int(st.tgt[lab])
    st.eng_t[e, c] = t + p.ef[e, E_REACT] + dist / p.ef[e, E_VP]
    spend_rounds(p, st, out, r, e, n, t, b, EV_SHOT, lab, w, asset, st.cpx[q], st.cpy[q])


@njit(inline="always")
def track_candidates(p: KernelParams, st: State, t: float) -> int:
    """Threat evaluation on tracks (§4.5.2): the confirmed tracks reported to C2 with no
    engagement under way, in slot order, valued on their estimates. Returns ``nc``."""
    trk = st.trk
    tstat = trk.tstat
    tx = trk.tx
    tlab = trk.tlab
    intent_picture(p, st)
    m4 = st.m4
    nc = 0
    for k in range(tstat.shape[0]):
        if tstat[k] != CONFIRMED or t + EPS_T < st.tav[k] or st.teng[k] > 0:
            continue
        px, py = estimate(st, k, t)
        lab = tlab[k]
        w = track_class(p, lab)
        if p.intent == I_BRIDGE:
            # the most probable asset (lowest index on ties); the expected value at risk
            bridge_track(p, st, k, w)
            post = st.bpost[k]
            a = 0
            v = 0.0
            for d in range(post.shape[0] - 1):
                if post[d] > post[a]:
                    a = d
                v += post[d] * p.asset_weight[d] * p.perceived[d, w]
        else:
            if p.intent == I_ORACLE and lab >= 0:
                a = int(st.tgt[lab])
            elif p.intent == I_HEADING:
                m4[0] = px
                m4[1] = py
                m4[2] = tx[k, 2]
                m4[3] = tx[k, 3]
                a = heading_target(m4, st.dxy, st.dv)[0]
            else:
                a = nearest_target(px, py, st.dxy)
            v = p.asset_weight[a] * p.perceived[a, w]
        if v <= 0.0:
            continue
        st.cand[nc] = k
        st.cval[nc] = v
        st.ctight[nc] = -1
        st.cta[nc] = a
        st.cwv[nc] = w
        st.cpx[nc] = px
        st.cpy[nc] = py
        st.cpz[nc] = p.wf[w, W_ALT]
        st.cgx[nc] = st.dxy[a, 0]
        st.cgy[nc] = st.dxy[a, 1]
        nc += 1
    return nc


@njit(inline="always")
def c2(p: KernelParams, st: State, out: Outcome, r: int | np.integer, t: float,
       b: int) -> int:
    """§4.7 when a decision cycle is due: candidates, pairs, assignment, engagements.
    Returns the cycle's number, or -1 when none is due."""
    fl = st.fl
    if t + EPS_T < fl[F_NEXT_C2]:
        return -1
    while fl[F_NEXT_C2] <= t + EPS_T:
        fl[F_NEXT_C2] += p.cycle_s
    cyc = st.ctr[C_CYCLE]
    st.ctr[C_CYCLE] = cyc + 1
    nc = candidates(p, st, t)
    npair = pairs(p, st, nc, t)
    n_go = assign(p, st, nc, npair)
    start(p, st, out, r, t, b, n_go)
    return int(cyc)


@njit(inline="always")
def friendly_fire(p: KernelParams, st: State, out: Outcome, r: int | np.integer, t: float,
                  b: int, cyc: int) -> None:
    """§4.7 friendly fire: in a weapons-free zone, a fixed effector that can reach an own
    aircraft misidentifies it with ``p_misid`` per cycle, fires one round and may down it."""
    if p.p_misid <= 0.0:
        return
    p_ef = p.ef
    p_wfz = p.wfz
    p_eff_key = p.eff_key
    p_asset_key = p.asset_key
    p_plan_alt = p.plan_alt
    p_p_misid = p.p_misid
    M = p.n_moving
    E = p_ef.shape[0]
    h_ffid = st.hk[rng.S_FF_ID]
    h_ffhit = st.hk[rng.S_FF_HIT]
    mag = st.mag
    mx = st.mx
    my = st.my
    mair = st.mair
    lost = st.lost
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
            if role_at(p, e, t) == R_HOLD:
                continue  # weapons hold: it fires at nothing
            dx = mx[m] - p_ef[e, E_X]
            dy = my[m] - p_ef[e, E_Y]
            r2 = slant2(p, st, e, p_ef[e, E_X], p_ef[e, E_Y], mx[m], my[m], p_plan_alt[m],
                        dx * dx + dy * dy)
            if not in_envelope(p, e, r2, p_plan_alt[m]):
                continue
            if not effector_sees(p, st, e, p_ef[e, E_X], p_ef[e, E_Y], mx[m], my[m],
                                 p_plan_alt[m]):
                continue  # §4.9: masked by the terrain
            u = to_unit(absorb(absorb(absorb(h_ffid, p_eff_key[e]),
                                      p_asset_key[m]), np.uint64(cyc)))
            if u >= p_p_misid:
                continue
            out.friendly_fire[r] += 1
            spend_rounds(p, st, out, r, e, 1, t, b, EV_FF, -1, -1, m, mx[m], my[m])
            u = to_unit(absorb(absorb(absorb(h_ffhit, p_eff_key[e]),
                                      p_asset_key[m]), np.uint64(cyc)))
            if u < p_ef[e, E_PKFF] and not lost[m]:
                lost[m] = True
                out.asset_lost[r, m] = True
                out.asset_loss_time_s[r, m] = t
                out.asset_cause[r, m] = CAUSE_FRIENDLY_FIRE
                if m == 0:
                    out.vip_lost_ff[r] = True
                emit(st, t, EV_ASSET_LOST, -1, -1, e, m,
                     mx[m], my[m])
