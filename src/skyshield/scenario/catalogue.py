"""The equipment catalogue: generic threat, sensor and effector classes with sourced defaults.

The data live in ``skyshield/data/catalogue.yaml``; ``docs/catalogue.md`` gives the references.
Every class is a flat table of float parameters (plus ``pk`` for effectors), so that a scenario
may override any of them by name and the engine can pack them into arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

THREAT_PARAMS = (
    "speed_mps", "altitude_m", "rcs_m2", "acoustic", "lethal_radius_m", "warhead",
    "can_attack_air", "seeker_range_m", "endurance_s", "cost_usd",
)  # fmt: skip
SENSOR_KINDS = {0: "radar", 1: "acoustic", 2: "eo_ir"}
EFFECTOR_KINDS = {0: "missile", 1: "gun", 2: "jammer", 3: "interceptor_drone"}


@dataclass(frozen=True)
class EquipmentClass:
    """One catalogue entry: a name, a description, float parameters and their sources."""

    name: str
    description: str
    params: dict[str, float]
    sources: dict[str, str] = field(default_factory=dict)
    pk: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalogue:
    threats: dict[str, EquipmentClass]
    sensors: dict[str, EquipmentClass]
    effectors: dict[str, EquipmentClass]


def _entries(section: dict[str, Any]) -> dict[str, EquipmentClass]:
    out = {}
    for name, raw in section.items():
        raw = dict(raw)
        desc = str(raw.pop("description", ""))
        sources = {str(k): str(v) for k, v in (raw.pop("sources", None) or {}).items()}
        pk = {str(k): float(v) for k, v in (raw.pop("pk", None) or {}).items()}
        params = {str(k): float(v) for k, v in raw.items()}
        out[name] = EquipmentClass(name, desc, params, sources, pk)
    return out


@cache
def default_catalogue() -> Catalogue:
    """The built-in catalogue (read once per process)."""
    text = resources.files("skyshield").joinpath("data/catalogue.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return Catalogue(
        threats=_entries(raw["threats"]),
        sensors=_entries(raw["sensors"]),
        effectors=_entries(raw["effectors"]),
    )
