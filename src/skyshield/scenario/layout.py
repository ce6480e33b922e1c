"""The map of a scenario (``layout.json``): positions in local metres, coverage radii.

Plots and the report draw the scenario from this; the radii are those of the compiled model
(:func:`~skyshield.scenario.equipment.resolve_equipment`), so the map shows what the
simulation uses. Under terrain the layout also holds the ground and each fixed radar's and
EO/IR's coverage masked by it (:mod:`skyshield.scenario.terrain_map`); a flat scenario's
layout has neither.
"""

from __future__ import annotations

from typing import Any

from skyshield.scenario.equipment import resolve_equipment
from skyshield.scenario.geo import to_local
from skyshield.scenario.schema import Scenario


def layout(scenario: Scenario) -> dict[str, Any]:
    """The map of a scenario for plots and the report (``layout.json``): positions in local
    metres; each sensor's coverage and each effector's reach as the compiled model has them
    (:func:`~skyshield.scenario.equipment.resolve_equipment`); ``kind`` is the kernel's code
    of the equipment kind, ``kind_name`` its name, ``params`` every parameter of its kind as
    resolved (and ``pk`` for an effector).

    With terrain (``terrain.source`` not ``none``), ``terrain`` holds the ground (a lattice of
    whole metres, at most 300 nodes a side) and the altitude the coverage is drawn at (the
    lowest cruise altitude of the scenario's drones), and each fixed radar and EO/IR has
    ``masked_coverage``: the lattice of the nodes within its range from which it sees that
    altitude (:func:`~skyshield.scenario.terrain_map.terrain_layout`). Without terrain
    neither key is written."""
    from skyshield.contract import EFFECTOR_CODES, SENSOR_CODES

    org = scenario.origin
    equipment = resolve_equipment(scenario)

    def xy(p: Any) -> list[float] | None:
        return None if p is None else list(to_local(p, org))

    def circle(c: Any) -> dict[str, Any]:
        return {"center": xy(c.center), "radius_m": c.radius_m}

    sensors = [{"name": s.name, "type": s.type, "kind": SENSOR_CODES[s.kind],
                "kind_name": s.kind, "mount": s.mount,
                "position": None if s.position is None else list(s.position),
                "range_m": s.coverage_m, "params": dict(s.params)} for s in equipment.sensors]
    effectors = [{"name": e.name, "type": e.type, "kind": EFFECTOR_CODES[e.kind],
                  "kind_name": e.kind, "mount": e.mount,
                  "position": None if e.position is None else list(e.position),
                  "range_m": e.range_m, "min_range_m": e.min_range_m,
                  "params": dict(e.params), "pk": dict(e.pk)}
                 for e in equipment.effectors]
    from skyshield.scenario.terrain_map import terrain_layout

    ground, masks = terrain_layout(scenario, equipment)
    for entry, mask in zip(sensors, masks, strict=True):
        if mask is not None:
            entry["masked_coverage"] = mask
    from skyshield.scenario.timeline import asset_plan

    a = scenario.area
    plans = [asset_plan(scenario, m)[2] for m in scenario.assets.moving]
    out = {
        "name": scenario.name,
        # the local frame's geographic origin (None: a local-metres scenario)
        "origin": None if org is None else {"lat": org.lat, "lon": org.lon},
        "area": {"west_m": a.west_m, "east_m": a.east_m, "south_m": a.south_m,
                 "north_m": a.north_m},
        "duration_s": scenario.duration_s,
        "moving": [{"name": m.name, "value": m.value, "speed_mps": m.speed_mps,
                    "departure_s": m.departure_s, "altitude_m": m.altitude_m,
                    "waypoints": [xy(w.position) for w in m.waypoints],
                    # from take-off to landing, as the flight plan has it (docs/model.md §1)
                    "transit_s": [pt[0], pt[-1]]}
                   for m, pt in zip(scenario.assets.moving, plans, strict=True)],
        "fixed": [{"name": f.name, "value": f.value, "position": xy(f.position),
                   "radius_m": f.radius_m} for f in scenario.assets.fixed],
        "sensors": sensors,
        "effectors": effectors,
        "raids": [{"name": r.name, "threat": r.threat, "count": r.count,
                   "launch_area": circle(r.launch_area)} for r in scenario.raids],
        "leak": None if scenario.leak is None else {
            "probability": scenario.leak.probability, "threat": scenario.leak.threat,
            "count": scenario.leak.count, "launch_area": circle(scenario.leak.launch_area)},
        "weapons_free_zones": [circle(z) for z in scenario.c2.weapons_free_zones],
    }
    if ground is not None:
        out["terrain"] = ground
    return out
