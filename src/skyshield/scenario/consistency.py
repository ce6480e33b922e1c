"""Consistency checks: what the schema cannot see field by field.

Names resolve and are unique, equipment and threat classes exist, positions lie on the map,
parameter overrides are parameters of the equipment's kind and possible. Every problem is one
:class:`~skyshield.errors.InputError` naming the file, the line and the field.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from typing import NoReturn

from skyshield.errors import InputError, did_you_mean, field_path
from skyshield.scenario.catalogue import Catalogue, default_catalogue
from skyshield.scenario.domain import ORDERED, TABLES, Section, problem
from skyshield.scenario.equipment import merged_params
from skyshield.scenario.geo import on_map, to_local
from skyshield.scenario.keys import LEAK_WAVE_NAME, name_key
from skyshield.scenario.schema import Effector, FixedSite, MovingAsset, Point, Scenario, Sensor
from skyshield.scenario.sizes import MAX_STEPS, time_grid
from skyshield.scenario.yaml_lines import Loc, line_for

#: The most deliveries one effector may receive in a scenario (a recurring delivery every
#: minute for a week is ~10,000).
MAX_DELIVERIES = 10_000


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
            on_map(point, scenario.origin, area)
        except ValueError as exc:
            fail(str(exc), *loc)

    def check_keys(kind: str, items: Iterable[tuple[str, tuple[str | int, ...]]]) -> None:
        # names are draw keys (docs/model.md §1): two different names of one kind with the
        # same CRC-32 would share every random number
        first: dict[int, str] = {}
        for name, loc in items:
            k = name_key(name)
            if k in first and first[k] != name:
                fail(f"{kind} names '{first[k]}' and '{name}' have the same draw key "
                     f"(CRC-32 {k:#010x}) and would share every random number: rename one",
                     *loc)
            first.setdefault(k, name)

    def check_classes(classes: Iterable[str], *loc: str | int) -> None:
        for cls in classes:
            if cls not in cat.threats:
                fail(f"unknown threat class '{cls}'{did_you_mean(cls, cat.threats)} (known: "
                     f"{', '.join(cat.threats)})",
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
                    fail("waypoint times must increase"
                         + (" (after the ground time before it)" if k and
                            m.waypoints[k - 1].ground_s > 0 else ""),
                         "assets", "moving", i, "waypoints", k, "t_s")
                last_t = wp.t_s
            if wp.ground_vulnerability:
                if wp.ground_s <= 0:
                    fail("ground_vulnerability needs ground time at this waypoint (ground_s)",
                         "assets", "moving", i, "waypoints", k, "ground_vulnerability")
                check_classes(wp.ground_vulnerability, "assets", "moving", i, "waypoints", k,
                              "ground_vulnerability")
            if wp.ground_s > 0:
                if k == 0:
                    fail("ground time at the first waypoint: set the take-off with departure_s",
                         "assets", "moving", i, "waypoints", k, "ground_s")
                if k == len(m.waypoints) - 1:
                    fail("ground time at the last waypoint: the flight ends there",
                         "assets", "moving", i, "waypoints", k, "ground_s")
                if wp.t_s is not None:
                    last_t = wp.t_s + wp.ground_s
        if m.planning is not None:
            for k, z in enumerate(m.planning.no_fly_zones):
                check_point(z.center, "assets", "moving", i, "planning", "no_fly_zones", k,
                            "center")
        pts = [to_local(wp.position, scenario.origin) for wp in m.waypoints]
        if all(math.dist(pts[0], p) == 0.0 for p in pts[1:]):
            fail("a flight plan must move: all waypoints coincide", "assets", "moving", i,
                 "waypoints")
    if not names:
        fail("a scenario needs at least one protected asset", "assets")
    check_keys("asset", ((a.name, ("assets", group, i, "name")) for group, i, a in assets))
    steps, _ = time_grid(scenario.duration_s, scenario.dt_s)
    if steps > MAX_STEPS:
        fail(f"duration_s / dt_s = {scenario.duration_s:g} s / {scenario.dt_s:g} s makes "
             f"{steps:,} time steps, more than the {MAX_STEPS:,} a replication may have",
             "dt_s" if scenario.dt_s < 1.0 else "duration_s")

    waves: set[str] = set()
    for i, r in enumerate(scenario.raids):
        if r.name in waves:
            fail(f"duplicate raid name '{r.name}'", "raids", i, "name")
        if r.name == LEAK_WAVE_NAME:
            fail(f"'{LEAK_WAVE_NAME}' is the name of the leak's surge wave (its drones' draw "
                 f"keys): give the raid another name", "raids", i, "name")
        waves.add(r.name)
        if r.threat not in cat.threats:
            fail(f"unknown threat class '{r.threat}'{did_you_mean(r.threat, cat.threats)} "
                 f"(known: {', '.join(cat.threats)})",
                 "raids", i, "threat")
        check_point(r.launch_area.center, "raids", i, "launch_area", "center")
        for k, p in enumerate(r.route):
            check_point(p, "raids", i, "route", k)
        for target in r.targeting.weights:
            if target not in names:
                fail(f"unknown asset '{target}'{did_you_mean(target, names)} (known: "
                     f"{', '.join(names)})",
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

    # the surge first, so that a raid whose key equals the surge's is the one named
    check_keys("raid", [*([(LEAK_WAVE_NAME, ("leak",))] if scenario.leak is not None else []),
                        *((r.name, ("raids", i, "name")) for i, r in enumerate(scenario.raids))])
    if scenario.leak is not None:
        lk = scenario.leak
        if lk.threat not in cat.threats:
            fail(f"unknown threat class '{lk.threat}'{did_you_mean(lk.threat, cat.threats)} "
                 f"(known: {', '.join(cat.threats)})",
                 "leak", "threat")
        if cat.threats[lk.threat].params["can_attack_air"] <= 0:
            fail(f"threat class '{lk.threat}' cannot attack air targets", "leak", "threat")
        if scenario.vip is None:
            fail("a leak needs a moving asset whose plan leaks", "leak")
        if lk.asset is not None and names.get(lk.asset) != "moving":
            fail(f"'{lk.asset}' is not a moving asset", "leak", "asset")
        check_point(lk.launch_area.center, "leak", "launch_area", "center")

    def check_logistics(e: Effector, kind: str | None, merged: dict[str, float], i: int) -> None:
        # finite means (docs/model.md §4.6): stock and resupply need a reloadable shooter
        if "stock" in e.params:
            fail("set the stock with the effector's own 'stock' field (null: unlimited)",
                 "effectors", i, "params", "stock")
        if kind == "jammer":
            if isinstance(e.stock, int) and e.stock > 0:
                fail("a jammer fires no rounds: it has no stock", "effectors", i, "stock")
            if e.resupply:
                fail("a jammer fires no rounds: it takes no resupply", "effectors", i,
                     "resupply")
            return
        reloads = merged.get("reload_s", 0.0) > 0.0
        if isinstance(e.stock, int) and e.stock > 0 and not reloads:
            fail("reload_s is 0 (the magazine is never reloaded), so a stock cannot be used",
                 "effectors", i, "stock")
        if not e.resupply:
            return
        if e.stock == "unlimited":
            fail("resupply needs a finite stock (this effector's stock is unlimited)",
                 "effectors", i, "resupply")
        if not reloads:
            fail("reload_s is 0 (the magazine is never reloaded), so a resupply cannot be "
                 "used", "effectors", i, "resupply")
        n = 0
        for k, d in enumerate(e.resupply):
            if d.t_s is not None and d.t_s > scenario.duration_s:
                fail("delivery after the end of the scenario", "effectors", i, "resupply", k,
                     "t_s")
            if d.every_s is not None:
                first = d.every_s if d.from_s is None else d.from_s
                n += max(0, math.floor((scenario.duration_s - first) / d.every_s) + 1)
            else:
                n += 1
            if n > MAX_DELIVERIES:
                fail(f"more than {MAX_DELIVERIES:,} deliveries in the scenario's "
                     f"{scenario.duration_s:g} s", "effectors", i, "resupply", k)

    zones: set[str] = set()
    for k, ez in enumerate(scenario.c2.engagement_zones):
        if ez.name in zones:
            fail(f"duplicate engagement zone name '{ez.name}'", "c2", "engagement_zones", k,
                 "name")
        zones.add(ez.name)
        check_point(ez.center, "c2", "engagement_zones", k, "center")

    def check_doctrine(e: Effector, kind: str | None, i: int) -> None:
        # roles, reserves and engagement zones (docs/model.md §4.7.2-3)
        if kind == "jammer":
            for key, unset in (("role", e.role == "both"), ("reserve", e.reserve is None),
                               ("zones", not e.zones)):
                if not unset:
                    fail(f"a jammer is always on (area effect): it takes no {key}",
                         "effectors", i, key)
        for k, zn in enumerate(e.zones):
            if zn not in zones:
                fail(f"unknown engagement zone '{zn}'{did_you_mean(zn, zones)} (known: "
                     f"{', '.join(sorted(zones)) or 'none: add c2.engagement_zones'})",
                     "effectors", i, "zones", k)
        uses_escort = e.reserve is not None or e.role == "escort" or (
            isinstance(e.role, list) and any(ph.role == "escort" for ph in e.role))
        if uses_escort and scenario.vip is None:
            fail("an escort role or a reserve needs a moving asset to escort", "effectors", i,
                 "reserve" if e.reserve is not None else "role")
        if isinstance(e.role, list):
            if not e.role:
                fail("a role schedule needs at least one phase", "effectors", i, "role")
            spans = sorted((ph.from_s, scenario.duration_s if ph.to_s is None else ph.to_s, k)
                           for k, ph in enumerate(e.role))
            for (_a0, a1, ka), (b0, _b1, kb) in itertools.pairwise(spans):
                if b0 < a1:
                    fail(f"role phases {ka} and {kb} overlap ({b0:g} s < {a1:g} s)",
                         "effectors", i, "role", kb, "from_s")
            for k, ph in enumerate(e.role):
                if ph.from_s >= scenario.duration_s:
                    fail("the phase starts after the scenario ends", "effectors", i, "role",
                         k, "from_s")

    seen: set[str] = set()
    equipment: list[tuple[Section, int, Sensor | Effector]] = [
        *(("sensors", i, e) for i, e in enumerate(scenario.sensors)),
        *(("effectors", i, e) for i, e in enumerate(scenario.effectors)),
    ]
    for section, i, e in equipment:
        if e.name in seen:
            fail(f"duplicate equipment name '{e.name}'", section, i, "name")
        seen.add(e.name)
        classes = cat.section(section)
        if e.type not in classes:
            fail(f"unknown equipment '{e.type}'{did_you_mean(e.type, classes)} (known: "
                 f"{', '.join(classes)})",
                 section, i, "type")
        entry = classes[e.type]
        table = TABLES[section]
        own = table.names(entry.kind)
        for key, value in e.params.items():
            if key not in own:
                fail(f"unknown parameter '{key}'{did_you_mean(key, own)} for {e.type} (known: "
                     f"{', '.join(own)})",
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

        merged = merged_params(entry, e.params)
        for param in table.of_kind(entry.kind):
            bad = problem(param, merged[param.name], entry.kind)
            if bad:
                fail(bad, *where(param.name))
        for lower, upper, msg in ORDERED[section]:
            if lower in merged and upper in merged and merged[lower] > merged[upper]:
                fail(msg, *where(lower, upper))
        if e.escorts is not None and names.get(e.escorts) != "moving":
            fail(f"'{e.escorts}' is not a moving asset (moving: "
                 f"{', '.join(m.name for m in scenario.assets.moving) or 'none'})",
                 section, i, "escorts")
        if isinstance(e, Effector):
            check_classes(e.pk, section, i, "pk")
            check_logistics(e, entry.kind, merged, i)
            check_doctrine(e, entry.kind, i)
        if e.mount == "escort":
            if scenario.vip is None:
                fail("an escort mount needs a moving asset", section, i, "mount")
            if e.position is not None:
                fail("an escort-mounted item moves with the asset: remove 'position'",
                     section, i, "position")
        elif e.position is None:
            fail("position is required for a fixed mount", section, i, "position")
        else:
            check_point(e.position, section, i, "position")
    check_keys("sensor", ((s.name, ("sensors", i, "name"))
                          for i, s in enumerate(scenario.sensors)))
    check_keys("effector", ((e.name, ("effectors", i, "name"))
                            for i, e in enumerate(scenario.effectors)))
    for k, z in enumerate(scenario.c2.weapons_free_zones):
        check_point(z.center, "c2", "weapons_free_zones", k, "center")
    check_terrain(scenario, file=file, lines=lines)


def check_terrain(scenario: Scenario, *, file: str = "<scenario>",
                  lines: dict[Loc, int] | None = None) -> None:
    """The terrain block: a ``.npy`` file has its cell size and origin, the grid is not too
    big, an elevation file reads cleanly and its nodes span the map (by building the grid
    once, as :func:`skyshield.scenario.ground.terrain_grid` does for the engine)."""
    from skyshield.scenario.ground import terrain_grid

    lines = lines or {}
    ter = scenario.terrain
    if ter.source == "none":
        return

    def fail(msg: str, *loc: str | int) -> NoReturn:
        raise InputError(msg, file=file, line=line_for(tuple(loc), lines),
                         field=field_path(loc))

    if ter.source.lower().endswith(".npy"):
        for key in ("cell_m", "origin"):
            if getattr(ter, key) is None:
                fail(f"a .npy elevation file carries no georeference: give terrain.{key}",
                     "terrain", "source")
    terrain_grid(scenario, file=file, lines=lines)
