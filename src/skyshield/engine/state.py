"""The per-replication state of the kernel, apart from its parameters.

As in gymnax's ``step(key, state, params)``: :class:`KernelParams` (``compile.py``) is what a
scenario is, :class:`State` what one replication has done so far. Every field is an array
(or the recording flag), so a phase function mutates the state in place and returns nothing
but what the time loop needs; the few scalars that change live in the small arrays ``ctr``
(integers, indices ``C_*``) and ``fl`` (floats, indices ``F_*``). The outcome row is written
straight into :class:`Outcome` (row ``r``).

Each phase function unpacks the fields it uses into locals once, before its loops (no tuple
access in hot loops).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from skyshield.contract import CAUSE_NONE, DRONE_STATUS
from skyshield.engine import rng
from skyshield.engine.compile import (
    E_KIND,
    E_MAG,
    E_STOCK,
    I_BRIDGE,
    K_JAMMER,
    W_SPEED,
    KernelParams,
)
from skyshield.engine.rng import absorb
from skyshield.track.tracker import Tracks, Work, default_pairs, new_tracks, new_work

#: 4/3-Earth radius for the radar horizon: k · Re (m).
K_RE = 4.0 / 3.0 * 6_371_000.0
#: Tolerance on time comparisons (times are sums of dt).
EPS_T = 1e-9

# drone status: codes = indices in contract.DRONE_STATUS
ST_WAIT = DRONE_STATUS.index("waiting")
ST_AIR = DRONE_STATUS.index("air")
ST_KILLED = DRONE_STATUS.index("killed")
ST_LEAKED = DRONE_STATUS.index("leaked")
ST_EXPIRED = DRONE_STATUS.index("expired")
# drone mode
MD_FIXED, MD_AIR, MD_AMBUSH, MD_PURSUE = 0, 1, 2, 3

# ctr: integer scalars of the state
C_N_ACT = 0  # airborne drones in act[:n_act]
C_PTR = 1  # next launch in order[ptr:n_launch]
C_N_LAUNCH = 2  # drones that launch at all (finite launch time)
C_JN = 3  # jammers' watch list length, jlist[:jn]
C_N_JAM = 4  # jammers, jammers[:n_jam]
C_CYCLE = 5  # C2 decision cycles so far
C_LAST_POS = 6  # last position-recording instant (multiple of POS_EVERY_S)
C_NSER = 7  # tracks born so far (the next track serial, §4.5.2)
N_CTR = 8
# fl: float scalars of the state
F_NEXT_C2 = 0  # time of the next C2 decision cycle
F_V_DRONE = 1  # fastest drone speed (m/s), for the watch lists
F_V_SENSOR = 2  # fastest speed of a moving asset (escort mounts), for the watch lists
N_FL = 3
#: Stream keys absorbed into the replication key: hk[stream] = absorb(h_rep, stream).
N_HK = 24


class Outcome(NamedTuple):
    """Per-replication outcome arrays (R replications); see :class:`BatchOutcome`."""

    asset_lost: np.ndarray  # (R, A) bool
    asset_loss_time_s: np.ndarray  # (R, A) float64, NaN if not lost
    asset_hits: np.ndarray  # (R, A) int32
    wave_launched: np.ndarray  # (R, W) int32
    wave_killed: np.ndarray  # (R, W) int32
    wave_leaked: np.ndarray  # (R, W) int32
    wave_expired: np.ndarray  # (R, W) int32
    eff_shots: np.ndarray  # (R, E) int32
    eff_kills: np.ndarray  # (R, E) int32
    defence_cost: np.ndarray  # (R,) float64 USD
    attack_cost: np.ndarray  # (R,) float64 USD
    friendly_fire: np.ndarray  # (R,) int32
    vip_lost_ff: np.ndarray  # (R,) bool
    leak: np.ndarray  # (R,) bool
    wave_launched_t: np.ndarray  # (R, W, B) int32
    wave_killed_t: np.ndarray  # (R, W, B) int32
    wave_leaked_t: np.ndarray  # (R, W, B) int32
    eff_shots_t: np.ndarray  # (R, E, B) int32
    min_magazine: np.ndarray  # (R, E) int32
    drone_steps: np.ndarray  # (R,) int64 airborne drone-steps simulated (work done)
    eff_dry_s: np.ndarray  # (R, E) float64 first time without any round (NaN: never)
    eff_left: np.ndarray  # (R, E) int32 rounds held at the end, magazine + stock (-1: unlimited)
    asset_cause: np.ndarray  # (R, A) int32 wave of the fatal hit, CAUSE_NONE, CAUSE_FRIENDLY_FIRE
    wave_eff_kills: np.ndarray  # (R, W, E) int32 kills by the killed drone's wave × effector
    wave_eff_shots: np.ndarray  # (R, W, E) int32 rounds by the engaged drone's wave × effector
    sen_tracked: np.ndarray  # (R, S) int32 drones the sensor held an M-of-N track on, ever


def new_outcome(R: int, A: int, W: int, E: int, B: int, S: int) -> Outcome:
    """Zeroed outcome arrays for ``R`` replications of ``A`` assets, ``W`` waves, ``E``
    effectors, ``B`` bins and ``S`` sensors (loss times NaN, causes ``CAUSE_NONE``)."""
    i4 = np.int32
    return Outcome(
        asset_lost=np.zeros((R, A), np.bool_),
        asset_loss_time_s=np.full((R, A), np.nan),
        asset_hits=np.zeros((R, A), i4),
        wave_launched=np.zeros((R, W), i4),
        wave_killed=np.zeros((R, W), i4),
        wave_leaked=np.zeros((R, W), i4),
        wave_expired=np.zeros((R, W), i4),
        eff_shots=np.zeros((R, E), i4),
        eff_kills=np.zeros((R, E), i4),
        defence_cost=np.zeros(R),
        attack_cost=np.zeros(R),
        friendly_fire=np.zeros(R, i4),
        vip_lost_ff=np.zeros(R, np.bool_),
        leak=np.zeros(R, np.bool_),
        wave_launched_t=np.zeros((R, W, B), i4),
        wave_killed_t=np.zeros((R, W, B), i4),
        wave_leaked_t=np.zeros((R, W, B), i4),
        eff_shots_t=np.zeros((R, E, B), i4),
        min_magazine=np.zeros((R, E), i4),
        drone_steps=np.zeros(R, np.int64),
        eff_dry_s=np.full((R, E), np.nan),
        eff_left=np.zeros((R, E), i4),
        asset_cause=np.full((R, A), CAUSE_NONE, i4),
        wave_eff_kills=np.zeros((R, W, E), i4),
        wave_eff_shots=np.zeros((R, W, E), i4),
        sen_tracked=np.zeros((R, S), i4),
    )


class State(NamedTuple):
    """One replication's state (N drones, S sensors, E effectors, C channels, A assets, M
    moving assets)."""

    # recording
    rec: bool
    evf: np.ndarray  # (cap, 3) float64 event t, x, y
    evi: np.ndarray  # (cap, 5) int32 event kind, drone, wave, effector, asset
    posf: np.ndarray  # (cap, 4) float64 position t, x, y, z
    posi: np.ndarray  # (cap, 3) int32 position entity, id, state
    cnt: np.ndarray  # (2,) int64 events, positions written (or wanted)
    # scalars and keys
    ctr: np.ndarray  # (N_CTR,) int64
    fl: np.ndarray  # (N_FL,) float64
    hk: np.ndarray  # (N_HK,) uint64 per-stream keys of the replication
    # drones (N), drawn once (§3)
    mode: np.ndarray  # int8 MD_*
    tl: np.ndarray  # float64 launch time (inf: never)
    lx: np.ndarray  # float64 launch point
    ly: np.ndarray
    tgt: np.ndarray  # int64 target asset
    ptgt: np.ndarray  # int64 the target C2 infers (its last cycle's view; = tgt under oracle)
    aimx: np.ndarray  # float64 aim point (fixed targets)
    aimy: np.ndarray
    fx: np.ndarray  # float64 feint point (a decoy site's centre)
    fy: np.ndarray
    tsw: np.ndarray  # float64 the feint ends at (-1: no feint)
    order: np.ndarray  # int64 drones by launch time
    # drones (N), dynamic
    status: np.ndarray  # int8 ST_*
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    hz: np.ndarray  # sqrt(2 k Re z): the drone's share of the radio horizon
    za: np.ndarray  # m above sea level (terrain only, §4.9; z is then za − the ground)
    upd: np.ndarray  # (W,) bool: the waves whose drones update their height this step (§4.9)
    leg: np.ndarray  # int64 route leg
    engaged: np.ndarray  # int64 engagements under way
    nshot: np.ndarray  # int64 rounds fired at it (kill-draw counter)
    ntrk: np.ndarray  # int64 sensors tracking it
    tend: np.ndarray  # float64 time it ended (inf: not yet)
    seen: np.ndarray  # float64 when C2 first sees it through its current tracks
    act: np.ndarray  # int64 active list act[:n_act]
    vx: np.ndarray  # float64 observed velocity (displacement over the last step / dt)
    vy: np.ndarray
    ox: np.ndarray  # float64 position at the previous observation
    oy: np.ndarray
    # sensors (S) and drone × sensor
    hdet: np.ndarray  # (N, S) uint64 detection keys (10, drone, sensor) absorbed
    hist: np.ndarray  # (N, S) int64 detection history bits
    miss: np.ndarray  # (N, S) int64 consecutive misses on a track
    trk_t: np.ndarray  # (N, S) float64 track start (-1: no track)
    trk_ever: np.ndarray  # (N, S) bool the sensor has held a track on the drone (sen_tracked)
    next_scan: np.ndarray  # (S,) float64
    scan_no: np.ndarray  # (S,) int64
    slist: np.ndarray  # (S, N) int64 watch lists
    sn: np.ndarray  # (S,) int64
    # effectors (E)
    mag: np.ndarray  # int64 rounds left in the magazine
    stock: np.ndarray  # int64 rounds held beyond it (-1: unlimited)
    sup_ptr: np.ndarray  # int64 next delivery
    reload_at: np.ndarray  # float64 reload done at (-1: none)
    eng_d: np.ndarray  # (E, C) int64 drone engaged on the channel (-1: free)
    eng_t: np.ndarray  # (E, C) float64 due time
    eng_n: np.ndarray  # (E, C) int64 rounds (missiles)
    eng_s0: np.ndarray  # (E, C) int64 first kill-draw counter (missiles)
    elist: np.ndarray  # (E, N) int64 watch lists
    en: np.ndarray  # (E,) int64
    jammers: np.ndarray  # (E,) int64 jammers[:n_jam]
    jlist: np.ndarray  # (N,) int64 the jammers' watch list
    # assets (A; moving M)
    lost: np.ndarray  # (A,) bool
    mx: np.ndarray  # (M,) float64 position and velocity of the moving assets
    my: np.ndarray
    mvx: np.ndarray
    mvy: np.ndarray
    mair: np.ndarray  # (M,) bool airborne
    mgnd: np.ndarray  # (M,) int64 the plan point of the stop it is on the ground at, or -1
    # C2 scratch (per cycle)
    cand: np.ndarray  # (N,) int64 candidate drones
    cval: np.ndarray  # (N,) float64 their value
    ctight: np.ndarray  # (N,) int8 -1 unknown, 0 no, 1 within the tight radius of an escort
    cidx: np.ndarray  # (N,) int64 drone -> its candidate index this cycle, or -1
    pe: np.ndarray  # (P,) int64 pair effector
    pi: np.ndarray  # (P,) int64 pair candidate
    ps: np.ndarray  # (P,) float64 pair score
    pt: np.ndarray  # (P,) float64 pair time to go
    pn: np.ndarray  # (P,) int64 pair rounds
    pd_: np.ndarray  # (P,) float64 pair distance
    pdr: np.ndarray  # (P,) int64 pair drone
    porder: np.ndarray  # (P,) int64
    ptmp: np.ndarray  # (P,) int64
    cap: np.ndarray  # (E,) int64 engagements each effector can start
    capa: np.ndarray  # (E,) int64 ... of them at threats to other assets than it escorts
    taken: np.ndarray  # (N,) bool
    dxy: np.ndarray  # (A, 2) float64 the assets' positions as C2 sees them (intent)
    dv: np.ndarray  # (A, 2) float64 ... and velocities
    m4: np.ndarray  # (4,) float64 one drone's position and velocity (intent)
    go_e: np.ndarray  # (E·C,) int64 the cycle's engagements
    go_q: np.ndarray
    go_n: np.ndarray
    go_d: np.ndarray  # float64
    # candidates as C2 sees them (NC = max(N, T) each)
    cta: np.ndarray  # int64 target asset
    cwv: np.ndarray  # int64 class (wave)
    cpx: np.ndarray  # float64 position (truth: the drone's; tracks: the estimate)
    cpy: np.ndarray
    cpz: np.ndarray  # float64 altitude (tracks: the class's cruise altitude)
    cgx: np.ndarray  # float64 where C2 takes it to be going (aim point or target position)
    cgy: np.ndarray
    # engagements: the entity on each channel (truth: the drone; tracks: the track slot)
    eng_k: np.ndarray  # (E, C) int64 (-1: free)
    eng_ser: np.ndarray  # (E, C) int64 track serial (tracks)
    eng_x: np.ndarray  # (E, C, 5) float64 estimate x, y, vx, vy and time at the start (tracks)
    eng_a: np.ndarray  # (E, C) int64 the target C2 gave the track at the start (tracks)
    nassess: np.ndarray  # (E,) int64 kill assessments so far (tracks)
    # information: tracks (§4.5.2); T = trk_cap, D = det_cap (1 each under truth)
    trk: Tracks
    twk: Work
    tprm: np.ndarray  # (N_PARAMS,) float64 the tracker's parameters, P_MISS_R set per scan
    tser: np.ndarray  # (T,) int64 serial of the track in the slot
    tav: np.ndarray  # (T,) float64 reported to C2 from
    teng: np.ndarray  # (T,) int64 engagements under way on it
    dsel: np.ndarray  # (N,) int64 drones detected in the scan
    zx: np.ndarray  # (D,) float64 the scan's measurements
    zy: np.ndarray
    zR: np.ndarray  # (D, 3) float64
    zlab: np.ndarray  # (D,) int64
    # intent: bridge (§4.7.1); K = p.br_k cells; B = T under bridge, else 1
    bpost: np.ndarray  # (B, A+1) float64 each track's cached posterior, transit last
    bser: np.ndarray  # (B,) int64 the serial it was computed for (-1: none)
    bnu: np.ndarray  # (B,) int64 ... and the track's count of associated measurements
    btau: np.ndarray  # (K,) float64 s time-to-go cells: centres, masses, half-widths
    bw: np.ndarray
    bh: np.ndarray
    bdest: np.ndarray  # (A, K, 2) float64 m each asset's planned position at tt + btau


@njit(inline="always")
def new_state(p: KernelParams, seed: int, rep: int | np.integer, rec: bool, evf: np.ndarray,
              evi: np.ndarray, posf: np.ndarray, posi: np.ndarray, cnt: np.ndarray) -> State:
    """The state at the start of replication ``rep``: nothing drawn yet (see
    :func:`skyshield.engine.draws.draw`), magazines full, no tracks.

    Inlined: allocated inside the replication, the arrays are known not to overlap, which
    the compiler uses in the hot loops (a separately compiled allocator costs ~7 %)."""
    N = p.drone_wave.shape[0]
    M = p.n_moving
    S = p.sf.shape[0]
    E = p.ef.shape[0]
    W = p.wf.shape[0]
    A = p.asset_value.shape[0]
    hr = rng.rep_key(seed, rep)
    hk = np.zeros(N_HK, np.uint64)
    hk[0] = hr
    for q in range(1, N_HK):
        hk[q] = absorb(hr, np.uint64(q))
    h_detect = hk[rng.S_DETECT]
    # detection keys (10, drone, sensor, scan): the first three absorbed once per replication
    hdet = np.empty((N, S), np.uint64)
    for i in range(N):
        hd = absorb(h_detect, p.drone_key[i])
        for s in range(S):
            hdet[i, s] = absorb(hd, p.sensor_key[s])
    fl = np.zeros(N_FL)
    v_drone = 0.0
    for w in range(W):
        v_drone = max(v_drone, p.wf[w, W_SPEED])
    v_sensor = 0.0
    for m in range(M):
        for q in range(p.plan_n[m] - 1):
            ddt = p.plan_t[m, q + 1] - p.plan_t[m, q]
            if ddt > 0.0:
                v_sensor = max(v_sensor, math.sqrt(
                    (p.plan_x[m, q + 1] - p.plan_x[m, q]) ** 2
                    + (p.plan_y[m, q + 1] - p.plan_y[m, q]) ** 2) / ddt)
    fl[F_V_DRONE] = v_drone
    fl[F_V_SENSOR] = v_sensor
    fl[F_NEXT_C2] = 0.0
    ctr = np.zeros(N_CTR, np.int64)
    ctr[C_LAST_POS] = -1
    mag = np.zeros(E, np.int64)
    stock = np.zeros(E, np.int64)
    for e in range(E):
        mag[e] = int(p.ef[e, E_MAG])
        stock[e] = int(p.ef[e, E_STOCK])
    jammers = np.empty(E, np.int64)
    n_jam = 0
    for e in range(E):
        if int(p.ef[e, E_KIND]) == K_JAMMER:
            jammers[n_jam] = e
            n_jam += 1
    ctr[C_N_JAM] = n_jam
    C = max(p.max_channels, 1)
    T = p.trk_cap
    D = p.det_cap
    NC = max(N, T, 1)
    n_pairs = 1  # the tracker's gated pairs: none under truth
    if T > 1:
        n_pairs = default_pairs(T, D)
    npair_max = max(E * NC, 1)
    B = T if p.intent == I_BRIDGE else 1
    K = max(p.br_k, 1)
    go_max = max(E * C, 1)
    return State(
        rec=rec, evf=evf, evi=evi, posf=posf, posi=posi, cnt=cnt,
        ctr=ctr, fl=fl, hk=hk,
        mode=np.zeros(N, np.int8), tl=np.empty(N), lx=np.empty(N), ly=np.empty(N),
        tgt=np.zeros(N, np.int64), ptgt=np.zeros(N, np.int64), aimx=np.zeros(N),
        aimy=np.zeros(N), fx=np.zeros(N), fy=np.zeros(N), tsw=np.full(N, -1.0),
        order=np.empty(N, np.int64),
        status=np.zeros(N, np.int8), x=np.zeros(N), y=np.zeros(N), z=np.zeros(N),
        hz=np.zeros(N), za=np.zeros(N),
        upd=np.zeros(p.wf.shape[0], np.bool_), leg=np.zeros(N, np.int64),
        engaged=np.zeros(N, np.int64),
        nshot=np.zeros(N, np.int64), ntrk=np.zeros(N, np.int64), tend=np.full(N, np.inf),
        seen=np.full(N, np.inf), act=np.empty(N, np.int64),
        vx=np.zeros(N), vy=np.zeros(N), ox=np.zeros(N), oy=np.zeros(N),
        hdet=hdet, hist=np.zeros((N, S), np.int64), miss=np.zeros((N, S), np.int64),
        trk_t=np.full((N, S), -1.0), trk_ever=np.zeros((N, S), np.bool_),
        next_scan=np.zeros(S), scan_no=np.zeros(S, np.int64),
        slist=np.empty((S, N), np.int64), sn=np.zeros(S, np.int64),
        mag=mag, stock=stock, sup_ptr=np.zeros(E, np.int64), reload_at=np.full(E, -1.0), eng_d=np.full((E, C), -1, np.int64),
        eng_t=np.zeros((E, C)), eng_n=np.zeros((E, C), np.int64),
        eng_s0=np.zeros((E, C), np.int64), elist=np.empty((E, N), np.int64),
        en=np.zeros(E, np.int64), jammers=jammers, jlist=np.empty(N, np.int64),
        lost=np.zeros(A, np.bool_), mx=np.zeros(M), my=np.zeros(M), mvx=np.zeros(M),
        mvy=np.zeros(M), mair=np.zeros(M, np.bool_), mgnd=np.full(M, -1, np.int64),
        cand=np.empty(NC, np.int64), cval=np.empty(NC), ctight=np.zeros(NC, np.int8),
        cidx=np.full(N, -1, np.int64),
        pe=np.empty(npair_max, np.int64), pi=np.empty(npair_max, np.int64),
        ps=np.empty(npair_max), pt=np.empty(npair_max), pn=np.empty(npair_max, np.int64),
        pd_=np.empty(npair_max), pdr=np.empty(npair_max, np.int64),
        porder=np.empty(npair_max, np.int64), ptmp=np.empty(npair_max, np.int64),
        cap=np.zeros(E, np.int64), capa=np.zeros(E, np.int64), taken=np.zeros(NC, np.bool_),
        dxy=np.zeros((A, 2)), dv=np.zeros((A, 2)), m4=np.zeros(4),
        go_e=np.empty(go_max, np.int64), go_q=np.empty(go_max, np.int64),
        go_n=np.empty(go_max, np.int64), go_d=np.empty(go_max),
        cta=np.zeros(NC, np.int64), cwv=np.zeros(NC, np.int64), cpx=np.zeros(NC),
        cpy=np.zeros(NC), cpz=np.zeros(NC), cgx=np.zeros(NC), cgy=np.zeros(NC),
        eng_k=np.full((E, C), -1, np.int64), eng_ser=np.full((E, C), -1, np.int64),
        eng_x=np.zeros((E, C, 5)), eng_a=np.zeros((E, C), np.int64),
        nassess=np.zeros(E, np.int64),
        trk=new_tracks(T), twk=new_work(T, D, n_pairs), tprm=p.trk_prm.copy(),
        tser=np.full(T, -1, np.int64), tav=np.full(T, np.inf), teng=np.zeros(T, np.int64),
        dsel=np.empty(max(N, 1), np.int64), zx=np.zeros(D), zy=np.zeros(D),
        zR=np.zeros((D, 3)), zlab=np.zeros(D, np.int64),
        bpost=np.zeros((B, A + 1)), bser=np.full(B, -1, np.int64), bnu=np.zeros(B, np.int64),
        btau=np.zeros(K), bw=np.zeros(K), bh=np.zeros(K), bdest=np.zeros((A, K, 2)),
    )


@njit(inline="always")
def estimate(st: State, k: int, t: float) -> tuple[float, float]:
    """Track ``k``'s position estimate at ``t`` (its state predicted without noise)."""
    tx = st.trk.tx
    d = t - st.trk.tt[k]
    return tx[k, 0] + d * tx[k, 2], tx[k, 1] + d * tx[k, 3]
