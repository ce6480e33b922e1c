"""Recompilation tripwire: the kernel compiles once per signature.

``batch_range`` (the loop that :func:`~skyshield.engine.kernel.batch` runs on threads) calls
``replication`` with the same argument types as ``record_replication`` (a run-time ``rec`` flag, int64 indices), so a run and a recording share one compiled
replication. A second signature would mean a second cold compile (about a minute, see
``docs/model.md`` §7) for every fresh process; this test fails first.
"""

from __future__ import annotations

from engine_scenarios import base, build, missile

from skyshield.engine import kernel as K
from skyshield.engine import record_replication, run_batch


def test_replication_and_batch_compile_once() -> None:
    cs = build(base(effectors=[missile(pk=0.5, magazine=3)]))
    run_batch(cs, 1, 0, 3)
    record_replication(cs, 1, 0)
    run_batch(cs, 2, 7, 2)
    record_replication(cs, 2, 4)
    # one signature each, whatever else this session has run
    assert len(K.replication.signatures) == 1, K.replication.signatures
    assert len(K.batch_range.signatures) == 1, K.batch_range.signatures
    assert len(K.replication.overloads) == 1
    assert len(K.batch_range.overloads) == 1
