"""Catalogue + scenario overrides → the equipment as the simulation sees it, resolved once.

:func:`resolve_equipment` is the one merge of a class's catalogue parameters with a scenario
item's ``params`` / ``pk`` overrides. The compiler (``skyshield.engine.compile``), the map
(``layout.json``), the planner's hazard model and the faults analysis all read it, so that they
agree on every value — e.g. an acoustic net covers ``min(net_radius_m, max_range_m)`` in each
of them. The derived quantities the model specifies (``docs/model.md`` §4) are methods here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast

from skyshield.scenario.catalogue import Catalogue, EquipmentClass, default_catalogue
from skyshield.scenario.domain import EffectorKind, SensorKind
from skyshield.scenario.geo import to_local
from skyshield.scenario.schema import Effector, Raid, Scenario, Sensor

Mount = Literal["fixed", "escort"]


@dataclass(frozen=True)
class ResolvedSensor:
    """A sensor of the scenario with its class's parameters and the overrides merged.

    ``params`` holds every parameter of its kind (:data:`~skyshield.scenario.domain.SENSORS`);
    ``position`` is in local metres, ``None`` for an escort mount (it flies with the VIP).
    """

    name: str
    type: str
    kind: SensorKind
    mount: Mount
    position: tuple[float, float] | None
    mast_m: float
    params: Mapping[str, float]

    def get(self, name: str) -> float:
        """A parameter's value; 0 for one its kind does not have."""
        return self.params.get(name, 0.0)

    @property
    def coverage_m(self) -> float:
        """Radius within which it can detect: an acoustic net's disc is the smaller of
        ``net_radius_m`` and ``max_range_m``; other kinds ``max_range_m``."""
        if self.kind == "acoustic":
            return min(self.params["net_radius_m"], self.params["max_range_m"])
        return self.params["max_range_m"]

    def r50_m(self, rcs_m2: float) -> float:
        """Range of 50 % single-scan detection on a target of ``rcs_m2``: a radar's
        ``r50_m (rcs / rcs_ref_m2)^{1/4}``, an EO/IR's ``r50_m``; 0 for an acoustic net."""
        if self.kind == "radar":
            return float(self.params["r50_m"] * (rcs_m2 / self.params["rcs_ref_m2"]) ** 0.25)
        return self.get("r50_m")

    @property
    def track_rule(self) -> tuple[float, float, float]:
        """The track logic in whole scans, as the kernel runs it: ``m`` detections (at least
        1) within ``n`` scans (``m ≤ n ≤ 30``) start a track, ``drop`` misses (at least 1)
        drop it."""
        m = float(max(1, round(self.params["track_m"])))
        n = float(min(30, max(m, round(self.params["track_n"]))))
        return m, n, float(max(1, round(self.params["drop_misses"])))

    @property
    def cue_delay_s(self) -> float:
        """From first detection to a track reported to C2, at best: ``m`` scans of the track
        rule and the latency."""
        return self.track_rule[0] * self.params["scan_s"] + self.params["latency_s"]


@dataclass(frozen=True)
class ResolvedEffector:
    """An effector of the scenario with its class's parameters, kill probabilities and the
    overrides merged (``params``: every parameter of its kind; ``pk`` by threat class)."""

    name: str
    type: str
    kind: EffectorKind
    mount: Mount
    position: tuple[float, float] | None
    params: Mapping[str, float]
    pk: Mapping[str, float]
    stock: int | None = 0
    """Rounds held beyond the magazine (``None``: an unlimited depot), the effector's
    ``stock`` field or else the catalogue's."""
    deliveries: tuple[tuple[float, int], ...] = ()
    """Resupply as ``(time_s, rounds)``, in time order (ties: file order)."""

    def get(self, name: str) -> float:
        """A parameter's value; 0 for one its kind does not have."""
        return self.params.get(name, 0.0)

    @property
    def is_jammer(self) -> bool:
        return self.kind == "jammer"

    @property
    def range_m(self) -> float:
        """Engagement range (a jammer's radius of effect)."""
        return self.params["max_range_m"]

    @property
    def min_range_m(self) -> float:
        return self.get("min_range_m")

    def pk_against(self, threat: str) -> float:
        """Kill probability per shot (jammer: defeat rate per second) against a class."""
        return self.pk.get(threat, 0.0)


@dataclass(frozen=True)
class ResolvedEquipment:
    """Every sensor and effector of a scenario, resolved, in file order."""

    sensors: tuple[ResolvedSensor, ...]
    effectors: tuple[ResolvedEffector, ...]


def merged_params(entry: EquipmentClass, overrides: Mapping[str, float]) -> dict[str, float]:
    """A class's parameters with a scenario item's overrides (the one merge)."""
    return {**entry.params, **overrides}


def resolve_sensor(s: Sensor, scenario: Scenario, cat: Catalogue) -> ResolvedSensor:
    entry = cat.sensors[s.type]
    pos = None if s.mount == "escort" or s.position is None else to_local(s.position,
                                                                          scenario.origin)
    return ResolvedSensor(s.name, s.type, cast(SensorKind, entry.kind), s.mount, pos,
                          float(s.mast_m), merged_params(entry, s.params))


def resolve_effector(e: Effector, scenario: Scenario, cat: Catalogue) -> ResolvedEffector:
    entry = cat.effectors[e.type]
    pos = None if e.mount == "escort" or e.position is None else to_local(e.position,
                                                                          scenario.origin)
    params = merged_params(entry, e.params)
    stock: int | None
    if e.stock == "unlimited":
        stock = None
    elif e.stock == "catalogue":
        # a magazine that is never reloaded (reload_s 0) cannot draw on the class's stock
        stock = math.floor(params.get("stock", 0.0)) if params.get("reload_s", 0.0) > 0 else 0
    else:
        stock = int(e.stock)
    deliveries = sorted(((t, d.rounds) for d in e.resupply
                         for t in d.times(scenario.duration_s)), key=lambda td: td[0])
    return ResolvedEffector(e.name, e.type, cast(EffectorKind, entry.kind), e.mount, pos,
                            params, {**entry.pk, **e.pk}, stock, tuple(deliveries))


def resolve_equipment(scenario: Scenario, catalogue: Catalogue | None = None
                      ) -> ResolvedEquipment:
    """The scenario's sensors and effectors with catalogue defaults and overrides merged.

    Parameters
    ----------
    scenario
        A validated scenario (its equipment types exist in the catalogue).
    catalogue
        The equipment catalogue (default: the built-in one).
    """
    cat = catalogue or default_catalogue()
    return ResolvedEquipment(
        sensors=tuple(resolve_sensor(s, scenario, cat) for s in scenario.sensors),
        effectors=tuple(resolve_effector(e, scenario, cat) for e in scenario.effectors),
    )


# --------------------------------------------------------------------------- threats


def raid_params(raid: Raid, catalogue: Catalogue | None = None) -> dict[str, float]:
    """A raid's threat parameters: its class's, with the raid's own speed, altitude and
    RCS where it gives them."""
    cat = catalogue or default_catalogue()
    out = dict(cat.threats[raid.threat].params)
    out["speed_mps"] = raid.speed_mps or out["speed_mps"]
    out["altitude_m"] = raid.altitude_m or out["altitude_m"]
    out["rcs_m2"] = raid.rcs_m2 or out["rcs_m2"]
    if raid.feint_fraction is not None:
        out["feint_fraction"] = raid.feint_fraction
    return out


def lowest_cruise_altitude(scenario: Scenario, catalogue: Catalogue | None = None
                           ) -> tuple[float, str]:
    """The lowest cruise altitude (m above the ground beneath, ``docs/model.md`` §4.9) of the
    scenario's drones, and the threat class that flies it.

    Every raid's altitude is its own ``altitude_m``, else its class's (:func:`raid_params`);
    the leak surge's is its class's. Without raids or a leak, the lowest of the catalogue's
    threat classes. Ties go to the first in file order (raids, then the leak).
    """
    cat = catalogue or default_catalogue()
    flown = [(raid_params(r, cat)["altitude_m"], r.threat) for r in scenario.raids]
    if scenario.leak is not None:
        flown.append((cat.threats[scenario.leak.threat].params["altitude_m"],
                      scenario.leak.threat))
    if not flown:
        flown = [(t.params["altitude_m"], name) for name, t in cat.threats.items()]
    alt, cls = min(flown, key=lambda ac: ac[0])
    return float(alt), cls


def perceived_class(cls: str, catalogue: Catalogue | None = None) -> str:
    """The class the C2 takes a drone of class ``cls`` for: itself if armed; a decoy (warhead
    0) is seen as the armed class nearest in speed and RCS (``docs/model.md``)."""
    cat = catalogue or default_catalogue()
    p = cat.threats[cls].params
    if p["warhead"] > 0:
        return cls
    best, best_d = cls, math.inf
    for name, e in cat.threats.items():
        q = e.params
        if q["warhead"] <= 0:
            continue
        d = abs(q["speed_mps"] - p["speed_mps"]) / max(p["speed_mps"], 1e-9) + abs(
            math.log(q["rcs_m2"] / p["rcs_m2"]))
        if d < best_d:
            best, best_d = name, d
    return best
