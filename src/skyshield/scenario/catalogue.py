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


#: Every catalogue parameter: (unit, meaning). One table drives ``docs/catalogue.md`` and the
#: check that the catalogue holds no undocumented parameter. The model that uses them is
#: specified in ``docs/model.md``.
PARAMETERS: dict[str, tuple[str, str]] = {
    # threats
    "speed_mps": ("m/s", "cruise speed"),
    "altitude_m": ("m", "cruise height above ground"),
    "rcs_m2": ("m²", "radar cross-section"),
    "acoustic": ("1", "acoustic signature relative to a piston OWA drone (= 1)"),
    "lethal_radius_m": ("m", "radius within which an impact can destroy a site"),
    "warhead": ("0/1", "1 = armed, 0 = decoy (no damage)"),
    "can_attack_air": ("0/1", "1 = can hunt an aircraft (ambush, leak surge)"),
    "seeker_range_m": ("m", "range at which an air-capable threat acquires an aircraft"),
    "endurance_s": ("s", "flight time before the drone falls (expires)"),
    "cost_usd": ("US$", "unit cost"),
    # sensors
    "kind": ("code", "sensor: 0 radar, 1 acoustic net, 2 EO/IR; effector: 0 missile, 1 gun, "
             "2 jammer, 3 interceptor drone"),
    "r50_m": ("m", "range of 50 % single-scan detection on a target of rcs_ref_m2"),
    "rcs_ref_m2": ("m²", "reference cross-section for r50_m"),
    "slope": ("1", "steepness of the single-scan detection probability against range"),
    "max_range_m": ("m", "instrumented range (sensor) or engagement range (effector)"),
    "scan_s": ("s", "time between scans"),
    "min_altitude_m": ("m", "targets below this height are not seen"),
    "track_m": ("scans", "detections needed ... (m of n track initiation)"),
    "track_n": ("scans", "... within this many scans to start a track"),
    "drop_misses": ("scans", "consecutive missed scans that drop a track"),
    "latency_s": ("s", "delay from detection to a track reported to C2"),
    "net_radius_m": ("m", "radius of the disc covered by the acoustic net"),
    "pd_scan": ("1", "P(detect) per scan in coverage, for acoustic signature 1"),
    # effectors
    "min_range_m": ("m", "no engagement closer than this"),
    "max_altitude_m": ("m", "no engagement above this height"),
    "projectile_speed_mps": ("m/s", "average speed of the missile, shell or interceptor "
                             "to the intercept point"),
    "magazine": ("shots", "ready shots (gun: bursts) before a reload"),
    "reload_s": ("s", "time to reload the magazine (0: no reload)"),
    "channels": ("targets", "simultaneous engagements"),
    "reaction_s": ("s", "from target assignment to the first shot"),
    "shot_interval_s": ("s", "between shots of one channel"),
    "cost_per_shot_usd": ("US$", "cost of one shot (gun: one burst)"),
    "pk": ("1 (jammer: 1/s)", "kill probability per shot by threat class; jammer: defeat "
           "rate per second of exposure"),
}


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
