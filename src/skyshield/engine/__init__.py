"""The engagement engine: scenario → arrays → compiled Monte Carlo kernel → outcome arrays.

Public interface::

    cs = compile_scenario(scenario)                  # CompiledScenario
    out = run_batch(cs, seed, rep_start, rep_count)  # BatchOutcome, R = rep_count
    rec = record_replication(cs, seed, rep)          # Recording: events and positions

The model is specified in ``docs/model.md``; :mod:`skyshield.engine.reference` is a slow,
plain-Python implementation of the same document used to check the kernel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from skyshield.engine.compile import CompiledScenario, compile_scenario
from skyshield.engine.outcome import BatchOutcome, Recording

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = [
    "BatchOutcome",
    "CompiledScenario",
    "Recording",
    "compile_scenario",
    "record_replication",
    "run_batch",
]


def run_batch(cs: CompiledScenario, seed: int, rep_start: int, rep_count: int) -> BatchOutcome:
    """Run replications ``rep_start .. rep_start + rep_count - 1`` with the compiled kernel.

    Parameters
    ----------
    cs
        The compiled scenario.
    seed
        The run's seed, in ``[0, 2**63)``.
    rep_start, rep_count
        The first replication index and the number of replications.

    Returns
    -------
    BatchOutcome
        Arrays with a first axis of length ``rep_count``. Replication ``rep`` gives the same
        row whatever the batch it is run in and whatever the number of threads.
    """
    from skyshield.engine.kernel import batch
    from skyshield.engine.state import new_outcome

    _check(seed, rep_start, rep_count)
    out = new_outcome(rep_count, len(cs.asset_names), len(cs.wave_names),
                      len(cs.effector_names), cs.n_bins, len(cs.sensor_names))
    if rep_count:
        batch(cs.params, int(seed), int(rep_start), out)
    return BatchOutcome(**out._asdict())


def record_replication(cs: CompiledScenario, seed: int, rep: int) -> Recording:
    """Run one replication with its event log and positions every 5 s (for the replay).

    The outcome is identical to row ``rep`` of :func:`run_batch` (the same kernel runs with
    recording switched on). See :class:`Recording` for the columns.
    """
    from skyshield.engine.record import record

    _check(seed, rep, 1)
    return record(cs, int(seed), int(rep))


def _check(seed: Any, rep_start: Any, rep_count: Any) -> None:
    if not 0 <= int(seed) < 2**63:
        raise ValueError("seed must be in [0, 2**63)")
    if int(rep_start) < 0 or int(rep_count) < 0:
        raise ValueError("replication indices must be non-negative")
