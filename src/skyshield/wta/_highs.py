"""A quiet HiGHS instance: its start-up banner goes to stderr, never into ``--json`` output."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

_bannered = False


def new_highs() -> Any:
    """Return ``highspy.Highs()`` with output off; the one-time banner is sent to stderr."""
    global _bannered
    import highspy

    make: Callable[[], Any] = highspy.Highs  # highspy is untyped
    if _bannered:
        h = make()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            os.dup2(2, 1)
            h = make()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _bannered = True
    h.setOptionValue("output_flag", False)
    return h
