"""Names are draw keys: the one function that turns a name into its key, and the reserved name.

Every random draw of a drone, sensor, effector or asset is keyed by its name
(``docs/model.md`` §1–2), so two things of one kind whose names have the same key would share
every random number. :func:`~skyshield.scenario.consistency.check_consistency` refuses that
(equal names, or different names with equal keys), and :data:`LEAK_WAVE_NAME` as a raid name.
"""

from __future__ import annotations

import zlib

#: The wave name of the leak's surge (after the raids); no raid may take it.
LEAK_WAVE_NAME = "Leak surge"


def name_key(name: str) -> int:
    """A stable 32-bit key of a name (CRC-32 of its UTF-8 bytes)."""
    return zlib.crc32(name.encode("utf-8")) & 0xFFFFFFFF
