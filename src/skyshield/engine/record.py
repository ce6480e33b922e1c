"""Recording one replication: the kernel with its event and position buffers switched on."""

from __future__ import annotations

import numpy as np

from skyshield.contract import EVENT_KINDS, POS_ENTITIES, POS_EVERY_S, POS_STATES
from skyshield.engine.compile import CompiledScenario
from skyshield.engine.kernel import replication
from skyshield.engine.outcome import BatchOutcome, Recording
from skyshield.engine.state import new_outcome


def record(cs: CompiledScenario, seed: int, rep: int) -> Recording:
    """Run replication ``rep`` with recording; buffers grow until everything fits."""
    N = cs.n_drones_max
    A = len(cs.asset_names)
    ev_cap = 16 * N + 64
    pos_cap = (int(cs.duration_s // POS_EVERY_S) + 2) * (A + min(N, 64))
    while True:
        out = new_outcome(1, A, len(cs.wave_names), len(cs.effector_names), cs.n_bins,
                          len(cs.sensor_names))
        evf = np.zeros((ev_cap, 3))
        evi = np.zeros((ev_cap, 5), np.int32)
        posf = np.zeros((pos_cap, 4))
        posi = np.zeros((pos_cap, 3), np.int32)
        cnt = np.zeros(2, np.int64)
        replication(cs.params, seed, rep, 0, out, True, evf, evi, posf, posi, cnt)
        if cnt[0] <= ev_cap and cnt[1] <= pos_cap:
            break
        ev_cap = max(ev_cap, int(cnt[0]))
        pos_cap = max(pos_cap, int(cnt[1]))
    ne, npos = int(cnt[0]), int(cnt[1])
    kinds = np.array(EVENT_KINDS, dtype=object)
    events = {
        "t_s": evf[:ne, 0].copy(),
        "kind": kinds[evi[:ne, 0]],
        "drone": evi[:ne, 1].copy(),
        "wave": evi[:ne, 2].copy(),
        "effector": evi[:ne, 3].copy(),
        "asset": evi[:ne, 4].copy(),
        "x": evf[:ne, 1].copy(),
        "y": evf[:ne, 2].copy(),
    }
    positions = {
        "t_s": posf[:npos, 0].copy(),
        "entity": np.array(POS_ENTITIES, dtype=object)[posi[:npos, 0]],
        "id": posi[:npos, 1].copy(),
        "x": posf[:npos, 1].copy(),
        "y": posf[:npos, 2].copy(),
        "z": posf[:npos, 3].copy(),
        "state": np.array(POS_STATES, dtype=object)[posi[:npos, 2]],
    }
    return Recording(rep=rep, events=events, positions=positions,
                     outcome=BatchOutcome(**out._asdict()))
