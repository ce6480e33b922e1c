"""Weapon–target assignment (issue 3): problems, instance files, and solvers.

``solve(problem, method="greedy" | "local" | "exact", time_limit=...)`` returns a
:class:`Solution` with objective, certified lower bound, gap and status. The asset-based
entry point used by the engine's C2 lives in :mod:`skyshield.wta.engine`.
"""

from skyshield.wta.instances import (
    ahuja_instance,
    andersen_instance,
    read_instance,
    write_instance,
)
from skyshield.wta.problem import WTAProblem, assignment_of
from skyshield.wta.solve import METHODS, Solution, solve

__all__ = [
    "METHODS",
    "Solution",
    "WTAProblem",
    "ahuja_instance",
    "andersen_instance",
    "assignment_of",
    "read_instance",
    "solve",
    "write_instance",
]
