"""The output contract shared by the engine, the results writer and the report.

Plain Python (no numba, no numpy): the names and codes the kernel writes and that
``results/`` and ``report/`` read. The kernel keeps numba-friendly integer constants derived
from these tuples (``engine/events.py``); a test checks that the codes agree.
"""

from __future__ import annotations

#: Width of the time bins of the per-bin outcome series (s).
BIN_S = 60.0

#: Event kinds of the event log; the index is the code the kernel writes.
EVENT_KINDS = (
    "launch", "track", "track_lost", "shot", "kill", "miss", "jammed", "leak", "hit", "expire",
    "friendly_fire", "asset_lost", "false_kill", "missed_kill",
)  # fmt: skip

#: Entity and state codes of the ``positions`` table (index = code).
POS_ENTITIES = ("drone", "asset", "track")
POS_STATES = ("flying", "tracked", "dead", "false")
#: Interval of the recorded positions (s).
POS_EVERY_S = 5.0

#: Drone status names (index = the kernel's status code).
DRONE_STATUS = ("waiting", "air", "killed", "leaked", "expired")

#: Codes of ``asset_cause`` other than a wave index ``w ≥ 0`` (the wave of the drone whose hit
#: destroyed the asset): not lost, and lost to friendly fire. ``CAUSE_FRIENDLY_FIRE_NAME`` is
#: how results and the report name the friendly-fire cause.
CAUSE_NONE = -1
CAUSE_FRIENDLY_FIRE = -2
CAUSE_FRIENDLY_FIRE_NAME = "friendly fire"

#: Integer codes of the equipment kinds, as the kernel reads them and ``layout.json`` writes
#: them (``kind``; ``kind_name`` is the name). The names are the kinds of
#: :mod:`skyshield.scenario.domain`.
SENSOR_CODES = {"radar": 0, "acoustic": 1, "eo_ir": 2}
EFFECTOR_CODES = {"missile": 0, "gun": 1, "jammer": 2, "interceptor_drone": 3}

#: Tables of a run folder (``results.duckdb`` and ``parquet/``).
TABLES = (
    "run", "replications", "replication_assets", "replication_effectors",
    "replication_wave_effectors", "replication_sensors", "summary_assets",
    "summary_effectors", "summary_wave_effectors", "summary_sensors", "timeline",
    "effector_timeline", "events", "positions",
)  # fmt: skip
#: Tables the report reads; ``events`` and ``positions`` may be empty (nothing recorded).
REPORT_TABLES = ("summary_effectors", "effector_timeline", "timeline", "events", "positions")

__all__ = [
    "BIN_S",
    "CAUSE_FRIENDLY_FIRE",
    "CAUSE_FRIENDLY_FIRE_NAME",
    "CAUSE_NONE",
    "DRONE_STATUS",
    "EFFECTOR_CODES",
    "EVENT_KINDS",
    "POS_ENTITIES",
    "POS_EVERY_S",
    "POS_STATES",
    "REPORT_TABLES",
    "SENSOR_CODES",
    "TABLES",
]
