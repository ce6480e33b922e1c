"""skyshield: plan and stress-test the air defence of high-value assets against drone raids.

Heavy modules (numba, duckdb, ...) are imported lazily so that ``skyshield --help`` is instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from skyshield._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.montecarlo import simulate
    from skyshield.results import Results
    from skyshield.scenario import Scenario, load_scenario

__all__ = ["Results", "Scenario", "__version__", "load_scenario", "simulate"]

_LAZY = {
    "load_scenario": ("skyshield.scenario", "load_scenario"),
    "Scenario": ("skyshield.scenario", "Scenario"),
    "simulate": ("skyshield.montecarlo", "simulate"),
    "Results": ("skyshield.results", "Results"),
}


def __dir__() -> list[str]:
    return sorted(__all__)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'skyshield' has no attribute {name!r}")
