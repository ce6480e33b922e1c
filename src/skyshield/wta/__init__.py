"""Weapon–target assignment: problems, instance files, and solvers.

``solve(problem, method="greedy" | "local" | "exact", time_limit=...)`` returns a
:class:`Solution` with objective, certified lower bound, gap and status. The asset-based
entry point used by the engine's C2 lives in :mod:`skyshield.wta.asset_based`.

Names are imported lazily, so that ``skyshield.wta.cli`` (on the CLI's start-up path) does
not pull in numpy and the solvers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.wta._highs import new_highs
    from skyshield.wta.instances import (
        ahuja_instance,
        andersen_instance,
        read_instance,
        write_instance,
    )
    from skyshield.wta.problem import WTAProblem, assignment_of
    from skyshield.wta.solver import METHODS, Solution, solve

_LAZY = {
    "ahuja_instance": "skyshield.wta.instances",
    "andersen_instance": "skyshield.wta.instances",
    "read_instance": "skyshield.wta.instances",
    "write_instance": "skyshield.wta.instances",
    "WTAProblem": "skyshield.wta.problem",
    "assignment_of": "skyshield.wta.problem",
    "new_highs": "skyshield.wta._highs",
    "METHODS": "skyshield.wta.solver",
    "Solution": "skyshield.wta.solver",
    "solve": "skyshield.wta.solver",
}

__all__ = [
    "METHODS",
    "Solution",
    "WTAProblem",
    "ahuja_instance",
    "andersen_instance",
    "assignment_of",
    "new_highs",
    "read_instance",
    "solve",
    "write_instance",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'skyshield.wta' has no attribute {name!r}")
