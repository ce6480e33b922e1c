"""The planner: minimum-risk route and departure, distinct alternatives, and a mixed strategy
over plans that stays safe when plans leak (Stackelberg security game). See ``docs/plan.md``.

Heavy modules are imported lazily so that ``skyshield --help`` stays instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.plan.outcome import PlanOutcome, PlanSampler
    from skyshield.plan.planner import plan_flight
    from skyshield.plan.spec import PlanSpec

__all__ = ["PlanOutcome", "PlanSampler", "PlanSpec", "plan_flight"]

_LAZY = {
    "plan_flight": "skyshield.plan.planner",
    "PlanOutcome": "skyshield.plan.outcome",
    "PlanSampler": "skyshield.plan.outcome",
    "PlanSpec": "skyshield.plan.spec",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'skyshield.plan' has no attribute {name!r}")
