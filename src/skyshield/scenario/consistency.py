"""Consistency checks: what the schema cannot see field by field.

Names resolve and are unique, equipment and threat classes exist, positions lie on the map,
parameter overrides are parameters of the equipment's kind and possible. Every problem is one
:class:`~skyshield.errors.InputError` naming the file, the line and the field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NoReturn

from skyshield.errors import InputError, field_path
from skyshield.scenario.catalogue import Catalogue, EquipmentClass, default_catalogue
from skyshield.scenario.geo import to_local
from skyshield.scenario.schema import Effector, FixedSite, MovingAsset, Point, Scenario, Sensor
from skyshield.scenario.yaml_lines import Loc, line_for


def check_consistency(
    scenario: Scenario,
    *,
    file: str = "<scenario>",
    lines: dict[Loc, int] | None = None,
    catalogue: Catalogue | None = None,
) -> None:
    """Cross-field checks: names resolve and are unique, equipment exists, positions lie on
    the map, parameter overrides are known and possible.

    Parameters
    ----------
    scenario
        A scenario that passed the schema.
    file, lines
        For error messages: the file name and the line of each location (from
        :func:`parse_yaml`).
    catalogue
        The equipment catalogue (default: the built-in one).

    Raises
    ------
    InputError
        At the first problem, naming the file, the line and the field.
    """
    lines = lines or {}
    cat = catalogue or default_catalogue()

    def fail(msg: str, *loc: str | int) -> NoReturn:
        raise InputError(msg, file=file, line=line_for(tuple(loc), lines),
                         field=field_path(loc))

    area = scenario.area

    def check_point(point: Point, *loc: str | int) -> None:
        try:
            x, y = to_local(point, scenario.origin)
        except ValueError as exc:
            fail(str(exc), *loc)
        if not all(math.isfinite(v) for v in (x, y)):
            fail("position must be finite", *loc)
        if not (area.west_m <= x <= area.east_m and area.south_m <= y <= area.north_m):
            fail(f"position ({x:.0f} m, {y:.0f} m) lies outside the map area "
                 f"([{area.west_m:g}, {area.east_m:g}] x [{area.south_m:g}, {area.north_m:g}] m)",
                 *loc)

    def check_classes(classes: Iterable[str], *loc: str | int) -> None:
        for cls in classes:
            if cls not in cat.threats:
                fail(f"unknown threat class '{cls}' (known: {', '.join(cat.threats)})",
                     *loc, cls)

    names: dict[str, str] = {}
    assets: list[tuple[str, int, FixedSite | MovingAsset]] = [
        *(("fixed", i, a) for i, a in enumerate(scenario.assets.fixed)),
        *(("moving", i, a) for i, a in enumerate(scenario.assets.moving)),
    ]
    for group, i, a in assets:
        if a.name in names:
            fail(f"duplicate asset name '{a.name}'", "assets", group, i, "name")
        names[a.name] = group
        check_classes(a.vulnerability, "assets", group, i, "vulnerability")
    for i, s in enumerate(scenario.assets.fixed):
        check_point(s.position, "assets", "fixed", i, "position")
    for i, m in enumerate(scenario.assets.moving):
        last_t = -1.0
        for k, wp in enumerate(m.waypoints):
            check_point(wp.position, "assets", "moving", i, "waypoints", k, "position")
            if wp.t_s is not None:
                if wp.t_s <= last_t:
                    fail("waypoint times must increase", "assets", "moving", i, "waypoints", k,
                         "t_s")
                last_t = wp.t_s
        pts = [to_local(wp.position, scenario.origin) for wp in m.waypoints]
        if all(math.dist(pts[0], p) == 0.0 for p in pts[1:]):
            fail("a flight plan must move: all waypoints coincide", "assets", "moving", i,
                 "waypoints")
    if not names:
        fail("a scenario needs at least one protected asset", "assets")

    waves: set[str] = set()
    for i, r in enumerate(scenario.raids):
        if r.name in waves:
            fail(f"duplicate raid name '{r.name}'", "raids", i, "name")
        waves.add(r.name)
        if r.threat not in cat.threats:
            fail(f"unknown threat class '{r.threat}' (known: {', '.join(cat.threats)})",
                 "raids", i, "threat")
        check_point(r.launch_area.center, "raids", i, "launch_area", "center")
        for k, p in enumerate(r.route):
            check_point(p, "raids", i, "route", k)
        for target in r.targeting.weights:
            if target not in names:
                fail(f"unknown asset '{target}' (known: {', '.join(names)})",
                     "raids", i, "targeting", "weights", target)
        if r.launch.start_s >= scenario.duration_s:
            fail("launches start after the scenario ends", "raids", i, "launch", "start_s")
        if r.launch.end_s > scenario.duration_s:
            fail("launches end after the scenario ends", "raids", i, "launch", "end_s")
        air = cat.threats[r.threat].params["can_attack_air"] > 0
        if r.targeting.mode == "ambush" and not air:
            fail(f"threat class '{r.threat}' cannot attack air targets, so cannot ambush",
                 "raids", i, "targeting", "mode")
        for target, w in r.targeting.weights.items():
            if w > 0 and names[target] == "moving" and not air:
                fail(f"threat class '{r.threat}' cannot attack the aircraft '{target}'",
                     "raids", i, "targeting", "weights", target)

    if scenario.leak is not None:
        lk = scenario.leak
        if lk.threat not in cat.threats:
            fail(f"unknown threat class '{lk.threat}' (known: {', '.join(cat.threats)})",
                 "leak", "threat")
        if cat.threats[lk.threat].params["can_attack_air"] <= 0:
            fail(f"threat class '{lk.threat}' cannot attack air targets", "leak", "threat")
        if not scenario.assets.moving:
            fail("a leak needs a moving asset whose plan leaks", "leak")
        if lk.asset is not None and names.get(lk.asset) != "moving":
            fail(f"'{lk.asset}' is not a moving asset", "leak", "asset")
        check_point(lk.launch_area.center, "leak", "launch_area", "center")

    seen: set[str] = set()
    equipment: list[tuple[str, int, Sensor | Effector, dict[str, EquipmentClass]]] = [
        *(("sensors", i, e, cat.sensors) for i, e in enumerate(scenario.sensors)),
        *(("effectors", i, e, cat.effectors) for i, e in enumerate(scenario.effectors)),
    ]
    for section, i, e, table in equipment:
        if e.name in seen:
            fail(f"duplicate equipment name '{e.name}'", section, i, "name")
        seen.add(e.name)
        if e.type not in table:
            fail(f"unknown equipment '{e.type}' (known: {', '.join(table)})",
                 section, i, "type")
        entry = table[e.type]
        for key, value in e.params.items():
            if key not in entry.params or key == "kind":
                fail(f"unknown parameter '{key}' for {e.type} "
                     f"(known: {', '.join(k for k in entry.params if k != 'kind')})",
                     section, i, "params", key)
            if not math.isfinite(value) or value < 0:
                fail("parameter must be a finite, non-negative number", section, i,
                     "params", key)

        def where(*keys: str, _e: Sensor | Effector = e, _s: str = section,
                  _i: int = i) -> tuple[str | int, ...]:
            # the first of ``keys`` that the file overrides, else the params block
            for k in keys:
                if k in _e.params:
                    return (_s, _i, "params", k)
            return (_s, _i, "params")

        merged = {**entry.params, **e.params}
        if merged.get("max_range_m", 1.0) <= 0:
            fail("max_range_m must be positive", *where("max_range_m"))
        if merged.get("min_range_m", 0.0) > merged.get("max_range_m", math.inf):
            fail("min_range_m is above max_range_m", *where("min_range_m", "max_range_m"))
        if isinstance(e, Effector):
            if int(merged["kind"]) != 2 and merged["projectile_speed_mps"] <= 0:
                fail("projectile_speed_mps must be positive", *where("projectile_speed_mps"))
            check_classes(e.pk, section, i, "pk")
        else:
            if merged.get("scan_s", 1.0) <= 0:
                fail("scan_s must be positive", *where("scan_s"))
            if merged.get("track_m", 1) > merged.get("track_n", 1):
                fail("track_m must not exceed track_n", *where("track_m", "track_n"))
            if merged.get("pd_scan", 0.0) > 1.0:
                fail("pd_scan is a probability, at most 1", *where("pd_scan"))
        if e.mount == "escort":
            if not scenario.assets.moving:
                fail("an escort mount needs a moving asset", section, i, "mount")
            if e.position is not None:
                fail("an escort-mounted item moves with the asset: remove 'position'",
                     section, i, "position")
        elif e.position is None:
            fail("position is required for a fixed mount", section, i, "position")
        else:
            check_point(e.position, section, i, "position")
    for k, z in enumerate(scenario.c2.weapons_free_zones):
        check_point(z.center, "c2", "weapons_free_zones", k, "center")
