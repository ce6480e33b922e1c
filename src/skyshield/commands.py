"""Registry of the CLI's commands and command groups.

Each area owns its commands in its own module; this file only wires them in, so that the
people working on different areas never edit the same lines. A module listed here must
import nothing heavier than ``typer`` at module level (``skyshield --help`` stays instant;
``tests/core/test_cli_startup.py`` checks it).
"""

from __future__ import annotations

import importlib

import typer

#: modules exposing ``app``, added as command groups: (module, group name)
GROUPS: list[tuple[str, str]] = [
    ("skyshield.wta.cli", "wta"),
]
#: modules exposing ``register(app)``, which add top-level commands
TOP_LEVEL: list[str] = [
    "skyshield.core_cli",
    "skyshield.plan.cli",
    "skyshield.analysis.cli",
    "skyshield.report.cli",
]


def register(app: typer.Typer) -> None:
    for module_name in TOP_LEVEL:
        importlib.import_module(module_name).register(app)
    for module_name, name in GROUPS:
        app.add_typer(importlib.import_module(module_name).app, name=name)
