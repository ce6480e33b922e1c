"""Event and position emitting: the recording of one replication (``record.py``).

The codes are indices in :mod:`skyshield.contract`'s tuples. With recording off (``st.rec``
false, the batch) nothing is written; the outcome never depends on it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from skyshield.contract import EVENT_KINDS, POS_ENTITIES, POS_EVERY_S, POS_STATES
from skyshield.engine.compile import INF_TRACKS, KernelParams
from skyshield.engine.state import C_LAST_POS, EPS_T, ST_AIR, ST_KILLED, State, estimate
from skyshield.track.tracker import CONFIRMED

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
EV_FALSE_KILL = EVENT_KINDS.index("false_kill")
EV_MISSED_KILL = EVENT_KINDS.index("missed_kill")
# positions: entity and state codes
PE_DRONE = POS_ENTITIES.index("drone")
PE_ASSET = POS_ENTITIES.index("asset")
PE_TRACK = POS_ENTITIES.index("track")
PS_FLYING = POS_STATES.index("flying")
PS_TRACKED = POS_STATES.index("tracked")
PS_DEAD = POS_STATES.index("dead")
PS_FALSE = POS_STATES.index("false")


@njit(cache=True)
def write_event(evf: np.ndarray, evi: np.ndarray, cnt: np.ndarray, t: float, kind: int,
                drone: int, wave: int, eff: int, asset: int, x: float, y: float) -> None:
    """Append one event to the buffers (counting past their capacity)."""
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


@njit(inline="always")
def emit(st: State, t: float, kind: int, drone: int, wave: int, eff: int, asset: int,
         x: float, y: float) -> None:
    """Record one event when recording (:func:`write_event`); nothing otherwise."""
    if st.rec:
        write_event(st.evf, st.evi, st.cnt, t, kind, drone, wave, eff, asset, x, y)


@njit(inline="always")
def emit_pos(st: State, t: float, entity: int, ident: int, x: float, y: float, z: float,
             state: int) -> None:
    """Append one position to the recording buffers (counting past their capacity)."""
    n = st.cnt[1]
    if n < st.posf.shape[0]:
        st.posf[n, 0] = t
        st.posf[n, 1] = x
        st.posf[n, 2] = y
        st.posf[n, 3] = z
        st.posi[n, 0] = entity
        st.posi[n, 1] = ident
        st.posi[n, 2] = state
    st.cnt[1] = n + 1


@njit(inline="always")
def positions(p: KernelParams, st: State, t: float) -> None:
    """Positions of every asset and of the drones in the air (or just ended) every
    ``POS_EVERY_S`` (recording only)."""
    if not st.rec:
        return
    ps_ = int(t / POS_EVERY_S + EPS_T)
    if ps_ <= st.ctr[C_LAST_POS]:
        return
    st.ctr[C_LAST_POS] = ps_
    mx = st.mx
    my = st.my
    mair = st.mair
    lost = st.lost
    status = st.status
    ntrk = st.ntrk
    tend = st.tend
    x = st.x
    y = st.y
    z = st.z
    p_asset_x = p.asset_x
    p_asset_y = p.asset_y
    p_plan_alt = p.plan_alt
    A = p_asset_x.shape[0]
    M = p.n_moving
    N = status.shape[0]
    for a in range(A):
        if a < M:
            emit_pos(st, t, PE_ASSET, a, mx[a], my[a],
                     p_plan_alt[a] if mair[a] else 0.0, PS_DEAD if lost[a] else PS_FLYING)
        else:
            emit_pos(st, t, PE_ASSET, a, p_asset_x[a], p_asset_y[a], 0.0,
                     PS_DEAD if lost[a] else PS_FLYING)
    for i in range(N):
        if status[i] == ST_AIR:
            s = PS_TRACKED if ntrk[i] > 0 else PS_FLYING
            emit_pos(st, t, PE_DRONE, i, x[i], y[i], z[i], s)
        elif status[i] >= ST_KILLED and tend[i] > t - POS_EVERY_S + EPS_T:
            emit_pos(st, t, PE_DRONE, i, x[i], y[i], z[i], PS_DEAD)
    # information: tracks: the confirmed tracks' estimates (id = serial; state "tracked" for
    # a track whose last measurement was a drone's, "false" for a false alarm's)
    if p.information == INF_TRACKS:
        trk = st.trk
        for k in range(trk.tstat.shape[0]):
            if trk.tstat[k] == CONFIRMED:
                ex, ey = estimate(st, k, t)
                emit_pos(st, t, PE_TRACK, st.tser[k], ex, ey, 0.0,
                         PS_TRACKED if trk.tlab[k] >= 0 else PS_FALSE)
