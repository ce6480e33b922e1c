"""The sizes a scenario implies before anything is compiled: its time grid and drone count.

The compiler (:mod:`skyshield.engine.compile`) takes its time grid from :func:`time_grid`, the
consistency checks refuse a grid of more than :data:`MAX_STEPS` steps, and the run estimate
(:mod:`skyshield.engine.size`) counts from the same numbers, so the three cannot disagree.
"""

from __future__ import annotations

import math

from skyshield.contract import BIN_S

#: The most time steps of one replication (``duration_s / dt_s``): 115 days at the default
#: 1 s step, 2.8 hours at the shortest (1 ms). A step costs tens of nanoseconds with nothing in
#: the air, so a replication stays within seconds of overhead; far beyond it, a run of any
#: useful number of replications would not end.
MAX_STEPS = 10_000_000


def time_grid(duration_s: float, dt_s: float) -> tuple[int, int]:
    """``(K, B)``: the steps after ``t = 0``, ``K = ⌈duration/dt − 10⁻⁹⌉`` (at least 1), and
    the 60-s outcome bins, ``B = ⌈duration/60 − 10⁻⁹⌉`` (at least 1) — ``docs/model.md`` §1."""
    return (max(1, math.ceil(duration_s / dt_s - 1e-9)),
            max(1, math.ceil(duration_s / BIN_S - 1e-9)))


def fa_cap(mean: float) -> int:
    """The most false alarms one scan draws: the Poisson count is truncated here, 10
    standard deviations above a mean ``mean`` (P(beyond) < 1e-15 for every mean)."""
    return 0 if mean <= 0.0 else math.ceil(mean + 10.0 * math.sqrt(mean) + 10.0)
