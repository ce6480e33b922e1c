"""The map of a scenario (``layout.json``): positions in local metres, coverage radii.

Plots and the report draw the scenario from this; the radii are those of the compiled model
(:func:`~skyshield.scenario.equipment.resolve_equipment`), so the map shows what the
simulation uses.
"""

from __future__ import annotations

from typing import Any

from skyshield.scenario.schema import Scenario


def layout(scenario: Scenario) -> dict[str, Any]:
    """The map of a scenario for plots and the report: positions in local metres, coverage
    radii from the catalogue (with the scenario's overrides)."""
    from skyshield.scenario import default_catalogue, to_local

    cat = default_catalogue()
    org = scenario.origin

    def xy(p: Any) -> list[float] | None:
        return None if p is None else list(to_local(p, org))

    def circle(c: Any) -> dict[str, Any]:
        return {"center": xy(c.center), "radius_m": c.radius_m}

    sensors = []
    for s in scenario.sensors:
        params = {**cat.sensors[s.type].params, **s.params}
        rng = params.get("net_radius_m", params["max_range_m"])
        sensors.append({"name": s.name, "type": s.type, "kind": int(params["kind"]),
                        "mount": s.mount, "position": xy(s.position), "range_m": rng})
    effectors = []
    for e in scenario.effectors:
        params = {**cat.effectors[e.type].params, **e.params}
        effectors.append({"name": e.name, "type": e.type, "kind": int(params["kind"]),
                          "mount": e.mount, "position": xy(e.position),
                          "range_m": params["max_range_m"],
                          "min_range_m": params.get("min_range_m", 0.0)})
    a = scenario.area
    return {
        "name": scenario.name,
        "area": {"west_m": a.west_m, "east_m": a.east_m, "south_m": a.south_m,
                 "north_m": a.north_m},
        "duration_s": scenario.duration_s,
        "moving": [{"name": m.name, "value": m.value, "speed_mps": m.speed_mps,
                    "departure_s": m.departure_s, "altitude_m": m.altitude_m,
                    "waypoints": [xy(w.position) for w in m.waypoints]}
                   for m in scenario.assets.moving],
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
