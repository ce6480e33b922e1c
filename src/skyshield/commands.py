"""Registry of the CLI's commands and command groups.

Each area owns its commands in its own module; this file only wires them in, so that the
people working on different areas never edit the same lines. A module listed here must
import nothing heavier than ``typer`` at module level.
"""

from __future__ import annotations

import importlib

import typer

# (module, attribute, group name or None for top-level commands registered by a function)
_GROUPS: list[tuple[str, str]] = [
    ("skyshield.wta.cli", "wta"),
]
# Modules exposing ``register(app)`` that add top-level commands.
_TOP_LEVEL: list[str] = [
    "skyshield.core_cli",
    "skyshield.plan.cli",
    "skyshield.analysis.cli",
    "skyshield.report.cli",
]


def register(app: typer.Typer) -> None:
    for module_name in _TOP_LEVEL:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module_name.startswith(exc.name):
                raise
            continue
        module.register(app)
    for module_name, name in _GROUPS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module_name.startswith(exc.name):
                raise
            continue
        app.add_typer(module.app, name=name)
