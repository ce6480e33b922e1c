"""The compiled engagement kernel: one replication of the model of ``docs/model.md``.

:func:`replication` runs one replication and writes its row of the outcome arrays;
:func:`batch` runs many on threads (each replication independent, every draw keyed by what
it is for, so the result does not depend on the thread count). The same function,
with ``rec=True``, fills the event and position buffers of :func:`record_replication`, so a
recording always reproduces the outcome of its replication.

This module keeps the time loop; each phase of a step is a function of its own module,
named as in ``docs/model.md`` (§3 ``draws.draw``; §4.1–4.3 ``motion.assets``, ``move``,
``launch``, ``observe``; §4.4 ``engagement.ew``; §4.5 ``sensing.sense``; §4.6 ``engagement.effectors``;
§4.7 ``c2.c2``, ``c2.friendly_fire``; recording ``events.positions``; §4.8 :func:`end`).
Phases take ``(p, st, out, r, ...)``: the parameters (:class:`KernelParams`), the state
(:class:`~skyshield.engine.state.State`) and the outcome row. They are inlined
(``inline="always"``), so the compiled replication is one function, as fast as a
hand-written one.

Work per step is proportional to the drones in the air: launches come off a list sorted by
launch time, the airborne drones live in a compacted active list, and detections are
computed only for drones inside a sensor's maximum range (or already held in its track
history).
"""

from __future__ import annotations

import numba as nb
import numpy as np
from numba import njit

from skyshield.contract import BIN_S
from skyshield.engine import cache
from skyshield.engine.c2 import c2, friendly_fire
from skyshield.engine.compile import E_COST, W_COST, KernelParams
from skyshield.engine.draws import draw
from skyshield.engine.engagement import effectors, ew
from skyshield.engine.events import EV_EXPIRE, emit, positions
from skyshield.engine.fuse import KernelCompiler
from skyshield.engine.information import resolve_tracks
from skyshield.engine.motion import assets, launch, move, observe
from skyshield.engine.sensing import sense
from skyshield.engine.state import (
    C_N_ACT,
    ST_AIR,
    ST_EXPIRED,
    Outcome,
    State,
    new_state,
)
from skyshield.track.intent import nearest_target
from skyshield.track.tracker import process_scan
from skyshield.wta.asset_based import greedy_asset_based_nb


@njit(cache=True)
def tbin(t: float, nb_: int) -> int:
    """The outcome time bin of ``t`` (the last bin takes the end of the run)."""
    b = int(t / BIN_S)
    return nb_ - 1 if b >= nb_ else b


@njit(inline="always")
def end(p: KernelParams, st: State, out: Outcome, r: int | np.integer) -> None:
    """§4.8: whatever is still in the air has expired; attack and defence costs."""
    p_drone_wave = p.drone_wave
    p_wf = p.wf
    p_ef = p.ef
    W = p_wf.shape[0]
    E = p_ef.shape[0]
    act = st.act
    status = st.status
    tend = st.tend
    tgt = st.tgt
    x = st.x
    y = st.y
    t_end = p.duration
    for jj in range(st.ctr[C_N_ACT]):
        i = act[jj]
        if status[i] == ST_AIR:
            w = p_drone_wave[i]
            status[i] = ST_EXPIRED
            tend[i] = t_end
            out.wave_expired[r, w] += 1
            emit(st, t_end, EV_EXPIRE, i, w, -1, tgt[i], x[i], y[i])
    att = 0.0
    for w in range(W):
        att += out.wave_launched[r, w] * p_wf[w, W_COST]
    out.attack_cost[r] = att
    dc = 0.0
    for e in range(E):
        dc += out.eff_shots[r, e] * p_ef[e, E_COST]
        out.eff_left[r, e] = -1 if st.stock[e] < 0 else st.mag[e] + st.stock[e]
    out.defence_cost[r] = dc


@njit(cache=True, error_model="numpy", pipeline_class=KernelCompiler)
def replication(p: KernelParams, seed: int, rep: int | np.integer, r: int | np.integer,
                out: Outcome, rec: bool,
                evf: np.ndarray, evi: np.ndarray, posf: np.ndarray, posi: np.ndarray,
                cnt: np.ndarray) -> None:
    """Run replication ``rep`` and write row ``r`` of ``out`` (see ``docs/model.md``)."""
    st = new_state(p, seed, rep, rec, evf, evi, posf, posi, cnt)
    # §3 drawn once per replication
    draw(p, st, out, r)
    for k in range(p.n_steps + 1):
        t = min(k * p.dt, p.duration)
        b = tbin(t, p.n_bins)
        assets(p, st, t)  # §4.1
        if k > 0:
            move(p, st, out, r, t, k, b)  # §4.2 (drones launched in earlier steps)
        launch(p, st, out, r, t, b)  # §4.3
        observe(p, st)  # §4.3, under c2.intent: heading
        ew(p, st, out, r, t, k, b)  # §4.4
        sense(p, st, out, r, t, k)  # §4.5
        effectors(p, st, out, r, t, b)  # §4.6
        resolve_tracks(p, st, out, r, t, b)  # §4.6 under c2.information: tracks (§4.5.2)
        cyc = c2(p, st, out, r, t, b)  # §4.7, when a decision cycle is due
        if cyc >= 0:
            friendly_fire(p, st, out, r, t, b, cyc)
        positions(p, st, t)  # recording only
    end(p, st, out, r)  # §4.8


@njit(cache=True, nogil=True)
def batch_range(p: KernelParams, seed: int, rep_start: int, out: Outcome, lo: int,
                hi: int) -> None:
    """Rows ``lo .. hi - 1`` of ``out``: replications ``rep_start + lo .. rep_start + hi - 1``.

    Compiled without the GIL, so that :func:`batch` runs slices of a batch on threads."""
    evf = np.zeros((0, 3))
    evi = np.zeros((0, 5), np.int32)
    posf = np.zeros((0, 4))
    posi = np.zeros((0, 3), np.int32)
    # a run-time False and int64 indices: the same signature as record_replication's call,
    # so the big function is compiled (and cached) once
    rec = hi < lo
    for j in range(lo, hi):
        r = np.int64(j)
        cnt = np.zeros(2, np.int64)
        replication(p, seed, rep_start + r, r, out, rec, evf, evi, posf, posi, cnt)


#: Slices per thread in :func:`batch` (replications differ in cost: small slices balance).
SLICES_PER_THREAD = 8


def batch(p: KernelParams, seed: int, rep_start: int, out: Outcome,
          threads: int | None = None) -> None:
    """Replications ``rep_start .. rep_start + R - 1`` into ``out`` (R = its first axis), on
    ``threads`` threads (default: numba's thread count, ``numba.get_num_threads()``).

    Each replication writes only its own row and draws only from its own keys, so the
    result does not depend on the number of threads or on how the batch is sliced. Threads
    rather than ``numba.prange``: the same parallelism without a second compilation of the
    kernel as a parallel loop (about a quarter of its cold compile time)."""
    R = out.leak.shape[0]
    n = int(threads) if threads is not None else int(nb.get_num_threads())
    n = max(1, min(n, R))
    if n == 1:
        batch_range(p, seed, rep_start, out, 0, R)
        return
    from concurrent.futures import ThreadPoolExecutor

    batch_range(p, seed, rep_start, out, 0, 0)  # compiled (or loaded) once, before the threads
    step = max(1, -(-R // (n * SLICES_PER_THREAD)))
    with ThreadPoolExecutor(max_workers=n) as pool:
        futs = [pool.submit(batch_range, p, seed, rep_start, out, lo, min(lo + step, R))
                for lo in range(0, R, step)]
        for f in futs:
            f.result()


# numba's cache sees only this file's stamp, but the kernel is compiled from the phase modules
# skyshield.wta and skyshield.track too: drop stale cache entries before anything is loaded from them
cache.check([replication, greedy_asset_based_nb, nearest_target, process_scan])
