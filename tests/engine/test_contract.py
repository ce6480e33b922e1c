"""The output contract: the codes the kernel writes are the ones the report decodes."""

from __future__ import annotations

import numpy as np

from skyshield import contract
from skyshield.engine import compile_scenario, record_replication
from skyshield.engine import events as K
from skyshield.engine.kernel import replication
from skyshield.engine.state import new_outcome
from skyshield.report import page as report_page
from skyshield.scenario import load_scenario
from testkit import FLAGSHIP


def test_kernel_event_codes_are_the_reports() -> None:
    names = {"launch": K.EV_LAUNCH, "track": K.EV_TRACK, "track_lost": K.EV_TRACK_LOST,
             "shot": K.EV_SHOT, "kill": K.EV_KILL, "miss": K.EV_MISS, "jammed": K.EV_JAMMED,
             "leak": K.EV_LEAK, "hit": K.EV_HIT, "expire": K.EV_EXPIRE,
             "friendly_fire": K.EV_FF, "asset_lost": K.EV_ASSET_LOST,
             "false_kill": K.EV_FALSE_KILL, "missed_kill": K.EV_MISSED_KILL}
    assert len(names) == len(contract.EVENT_KINDS)
    for name, code in names.items():
        assert contract.EVENT_KINDS[code] == name
    # the report encodes the recorded names with the contract's tables
    assert report_page.EVENT_KINDS is contract.EVENT_KINDS
    assert report_page.ENTITIES is contract.POS_ENTITIES
    assert report_page.STATES is contract.POS_STATES
    assert set(contract.REPORT_TABLES) <= set(contract.TABLES)


def test_kind_codes_cover_the_named_kinds() -> None:
    from typing import get_args

    from skyshield.scenario.domain import EffectorKind, SensorKind

    assert set(contract.SENSOR_CODES) == set(get_args(SensorKind))
    assert set(contract.EFFECTOR_CODES) == set(get_args(EffectorKind))
    for codes in (contract.SENSOR_CODES, contract.EFFECTOR_CODES):
        assert sorted(codes.values()) == list(range(len(codes)))


def test_recorded_codes_decode_as_the_report_decodes_them() -> None:
    """The raw codes of a flagship recording, decoded with the report's tables, are the
    recording's kind, entity and state columns."""
    cs = compile_scenario(load_scenario(FLAGSHIP))
    rec = record_replication(cs, 5, 1)
    n_ev, n_pos = len(rec.events["kind"]), len(rec.positions["entity"])
    out = new_outcome(1, len(cs.asset_names), len(cs.wave_names), len(cs.effector_names),
                      cs.n_bins, len(cs.sensor_names))
    evf, evi = np.zeros((n_ev, 3)), np.zeros((n_ev, 5), np.int32)
    posf, posi = np.zeros((n_pos, 4)), np.zeros((n_pos, 3), np.int32)
    cnt = np.zeros(2, np.int64)
    replication(cs.params, 5, 1, 0, out, True, evf, evi, posf, posi, cnt)
    assert cnt[0] == n_ev and cnt[1] == n_pos
    kinds = [contract.EVENT_KINDS[c] for c in evi[:, 0]]
    assert kinds == list(rec.events["kind"])
    # the recording exercises most kinds (not a vacuous check)
    assert {"launch", "track", "shot", "kill", "leak", "expire"} <= set(kinds)
    assert [contract.POS_ENTITIES[c] for c in posi[:, 0]] == list(rec.positions["entity"])
    assert [contract.POS_STATES[c] for c in posi[:, 2]] == list(rec.positions["state"])
