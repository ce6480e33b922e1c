"""§4.5 of ``docs/model.md``: sensors scan their watch lists; M-of-N tracks start and drop.

Each sensor scans only its watch list, rebuilt every :data:`CULL_STEPS` steps: the drones
that could come within its range before the next rebuild, or that it holds history or a
track on (plus drones launched since). Everything outside a list would be skipped by the
scan anyway (Pd = 0, no state).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from skyshield.engine.compile import (
    INF_TRACKS,
    K_ACOUSTIC,
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
    KernelParams,
)
from skyshield.engine.engagement import sensor_xy
from skyshield.engine.events import EV_TRACK, EV_TRACK_LOST, emit
from skyshield.engine.information import track_scan
from skyshield.engine.rng import absorb, to_unit
from skyshield.engine.state import (
    C_N_ACT,
    EPS_T,
    F_V_DRONE,
    F_V_SENSOR,
    K_RE,
    ST_AIR,
    Outcome,
    State,
)
from skyshield.engine.terrain import sensor_sees

#: Steps between rebuilds of the sensors' watch lists.
CULL_STEPS = 16


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


@njit(inline="always")
def cull_sensors(p: KernelParams, st: State) -> None:
    """Rebuild every sensor's watch list (every :data:`CULL_STEPS` steps)."""
    p_sf = p.sf
    p_sen_rmax = p.sen_rmax
    dt = p.dt
    S = p_sf.shape[0]
    v_drone = st.fl[F_V_DRONE]
    v_sensor = st.fl[F_V_SENSOR]
    n_act = st.ctr[C_N_ACT]
    act = st.act
    status = st.status
    x = st.x
    y = st.y
    hist = st.hist
    trk_t = st.trk_t
    slist = st.slist
    sn = st.sn
    for s in range(S):
        sx, sy = sensor_xy(p, st, s)
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


@njit(inline="always")
def sense(p: KernelParams, st: State, out: Outcome, r: int | np.integer, t: float,
          k: int) -> None:
    """§4.5: the sensors whose scan is due detect (Pd per scan, one draw per drone and
    scan), and tracks start (M of N) or drop (misses in a row); a drone's first track by a
    sensor counts in the sensor's ``sen_tracked`` (§5)."""
    if k % CULL_STEPS == 0:
        cull_sensors(p, st)
    p_sf = p.sf
    p_sen_rmax = p.sen_rmax
    p_sen_q = p.sen_q
    p_sen_pd = p.sen_pd
    p_drone_wave = p.drone_wave
    p_plan_alt = p.plan_alt
    S = p_sf.shape[0]
    next_scan = st.next_scan
    scan_no = st.scan_no
    slist = st.slist
    sn = st.sn
    status = st.status
    x = st.x
    y = st.y
    z = st.z
    hz = st.hz
    tgt = st.tgt
    hdet = st.hdet
    hist = st.hist
    miss = st.miss
    trk_t = st.trk_t
    trk_ever = st.trk_ever
    ntrk = st.ntrk
    seen = st.seen
    mair = st.mair
    sen_tracked = out.sen_tracked
    dsel = st.dsel
    tracks = p.information == INF_TRACKS
    for s in range(S):
        if t + EPS_T < next_scan[s]:
            continue
        sf = p_sf[s]
        while next_scan[s] <= t + EPS_T:
            next_scan[s] += sf[S_SCAN]
        usno = np.uint64(scan_no[s])
        scan_no[s] += 1
        sx, sy = sensor_xy(p, st, s)
        if sf[S_ESCORT] > 0.0:
            m = int(sf[S_ESCORT]) - 1
            hs = sf[S_MAST] + (p_plan_alt[m] if mair[m] else 0.0)
        else:
            hs = sf[S_MAST]
        mask = (1 << int(sf[S_TN])) - 1
        tm = int(sf[S_TM])
        drop = int(sf[S_DROP])
        skind = int(sf[S_KIND])
        s_minalt = sf[S_MINALT]
        s_rmax = p_sen_rmax[s]
        s_slope = sf[S_SLOPE]
        # with terrain the 4/3-Earth is in the line of sight (§4.9), from the ground up
        hor_s = math.sqrt(2.0 * K_RE * hs) if p.ter_on == 0 else math.inf
        nd = 0
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
            if pd > 0.0 and not sensor_sees(p, s, sx, sy, hs, x[i], y[i], z[i]):
                pd = 0.0  # §4.9: masked by the terrain
            if pd <= 0.0 and hist[i, s] == 0 and trk_t[i, s] < 0.0:
                continue
            det = 0
            if pd > 0.0:
                det = int(to_unit(absorb(hdet[i, s], usno)) < pd)
                if tracks and det:
                    dsel[nd] = i
                    nd += 1
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
                    if not trk_ever[i, s]:  # §5: each drone once per sensor
                        trk_ever[i, s] = True
                        sen_tracked[r, s] += 1
                    ntrk[i] += 1
                    seen[i] = min(seen[i], t + p_sf[s, S_LAT])
                    if ntrk[i] == 1:
                        emit(st, t, EV_TRACK, i, p_drone_wave[i], -1,
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
                            emit(st, t, EV_TRACK_LOST, i,
                                 p_drone_wave[i], -1, tgt[i], x[i], y[i])
        if tracks:
            track_scan(p, st, s, t, usno, sx, sy, nd)  # §4.5.2
