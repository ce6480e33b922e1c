"""Loading scenarios: safe YAML with line numbers, schema validation, consistency checks.

Every problem becomes an :class:`~skyshield.errors.InputError` naming the file, the line and
the field path. Nothing in a scenario is executed: the YAML is read with the safe loader and
only plain mappings, sequences and scalars are accepted.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from skyshield.errors import InputError, field_path
from skyshield.scenario.catalogue import Catalogue, default_catalogue
from skyshield.scenario.schema import LatLon, Point, Scenario

Loc = tuple[str | int, ...]


_ALLOWED_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("map", "seq", "str", "int", "float", "bool", "null")
}


def _to_python(node: yaml.Node, loc: Loc, lines: dict[Loc, int], file: str) -> Any:
    lines[loc] = node.start_mark.line + 1
    if node.tag not in _ALLOWED_TAGS:
        raise InputError(f"YAML tag '{node.tag}' is not allowed in a scenario (data only)",
                         file=file, line=node.start_mark.line + 1,
                         field=field_path(loc) or None)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError("mapping keys must be plain scalars", file=file,
                                 line=key_node.start_mark.line + 1, field=field_path(loc) or None)
            key = key_node.value
            if key in out:
                raise InputError(f"duplicate key '{key}'", file=file,
                                 line=key_node.start_mark.line + 1,
                                 field=field_path((*loc, key)))
            lines[(*loc, key)] = key_node.start_mark.line + 1
            out[key] = _to_python(value_node, (*loc, key), lines, file)
            lines[(*loc, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(v, (*loc, i), lines, file) for i, v in enumerate(node.value)]
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    raise InputError("unsupported YAML node", file=file, line=node.start_mark.line + 1)


def _scalar(node: yaml.ScalarNode) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def parse_yaml(text: str, file: str) -> tuple[Any, dict[Loc, int]]:
    """Parse YAML safely, returning plain data and a map from field location to line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        msg = exc.problem or str(exc)
        raise InputError(f"YAML syntax error: {msg}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", file=file) from None
    lines: dict[Loc, int] = {}
    if node is None:
        return None, lines
    return _to_python(node, (), lines, file), lines


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int | None:
    while True:
        if loc in lines:
            return lines[loc]
        if not loc:
            return None
        loc = loc[:-1]


def _clean_loc(loc: tuple[Any, ...]) -> Loc:
    # pydantic adds union branch names such as 'tuple[float, float]' or 'LatLon' into loc
    return tuple(p for p in loc if isinstance(p, int) or ("[" not in p and p != "LatLon"))


def scenario_from_dict(
    data: Any,
    *,
    file: str = "<scenario>",
    lines: dict[Loc, int] | None = None,
    catalogue: Catalogue | None = None,
) -> Scenario:
    """Validate plain data (as read from YAML) into a :class:`Scenario`.

    Raises
    ------
    InputError
        naming the file, the line (when ``lines`` is given) and the field path.
    """
    lines = lines or {}
    if not isinstance(data, dict):
        raise InputError("a scenario must be a YAML mapping", file=file, line=1)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = _clean_loc(tuple(err["loc"]))
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown key '{loc[-1]}'"
        elif err["type"] == "missing":
            msg = f"missing required field '{loc[-1]}'"
        else:
            value = err.get("input")
            if isinstance(value, (int, float, str)) and not isinstance(value, bool):
                msg = f"{msg} (got {value!r})"
        more = len(exc.errors()) - 1
        if more:
            msg += f" [and {more} more problem{'s' if more > 1 else ''}]"
        raise InputError(msg, file=file, line=_line_for(loc, lines),
                         field=field_path(loc) or None) from None
    check_consistency(scenario, file=file, lines=lines, catalogue=catalogue)
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (YAML).

    Parameters
    ----------
    path
        The scenario file.

    Raises
    ------
    InputError
        For any problem, naming the file, the line and the field.
    """
    p = Path(path)
    file = str(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=file) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a scenario file", file=file) from None
    except UnicodeDecodeError:
        raise InputError("not a UTF-8 text file", file=file) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=file) from None
    data, lines = parse_yaml(text, file)
    if data is None:
        raise InputError("the scenario file is empty", file=file, line=1)
    return scenario_from_dict(data, file=file, lines=lines)


# --------------------------------------------------------------------------- consistency


def to_local(point: Point, origin: LatLon | None) -> tuple[float, float]:
    """A position in local metres (east, north); lat/lon converted about ``origin``.

    Uses the local tangent-plane (equirectangular) approximation on the WGS-84 mean radius,
    accurate to well under 0.1 % over a few hundred kilometres.
    """
    if isinstance(point, LatLon):
        if origin is None:
            raise ValueError("a lat/lon position needs the scenario 'origin'")
        r = 6_371_008.8
        east = math.radians(point.lon - origin.lon) * r * math.cos(math.radians(origin.lat))
        north = math.radians(point.lat - origin.lat) * r
        return east, north
    return float(point[0]), float(point[1])


def check_consistency(
    scenario: Scenario,
    *,
    file: str = "<scenario>",
    lines: dict[Loc, int] | None = None,
    catalogue: Catalogue | None = None,
) -> None:
    """Cross-field checks: names resolve, equipment exists, positions lie on the map."""
    lines = lines or {}
    cat = catalogue or default_catalogue()

    def fail(msg: str, *loc: str | int) -> None:
        raise InputError(msg, file=file, line=_line_for(tuple(loc), lines),
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
            fail(f"position ({x:.0f} m, {y:.0f} m) lies outside the map area", *loc)

    names: dict[str, str] = {}
    for kind, items in (("fixed", scenario.assets.fixed), ("moving", scenario.assets.moving)):
        for i, a in enumerate(items):
            if a.name in names:
                fail(f"duplicate asset name '{a.name}'", "assets", kind, i, "name")
            names[a.name] = kind
            vuln = a.vulnerability
            for cls in vuln:
                if cls not in cat.threats:
                    fail(f"unknown threat class '{cls}' (known: {', '.join(cat.threats)})",
                         "assets", kind, i, "vulnerability", cls)
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

    for i, r in enumerate(scenario.raids):
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
            fail(f"unknown threat class '{lk.threat}'", "leak", "threat")
        if cat.threats[lk.threat].params["can_attack_air"] <= 0:
            fail(f"threat class '{lk.threat}' cannot attack air targets", "leak", "threat")
        if not scenario.assets.moving:
            fail("a leak needs a moving asset whose plan leaks", "leak")
        if lk.asset is not None and names.get(lk.asset) != "moving":
            fail(f"'{lk.asset}' is not a moving asset", "leak", "asset")
        check_point(lk.launch_area.center, "leak", "launch_area", "center")

    seen: set[str] = set()
    for section, items, table in (("sensors", scenario.sensors, cat.sensors),
                                  ("effectors", scenario.effectors, cat.effectors)):
        for i, e in enumerate(items):
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
            merged = {**entry.params, **e.params}
            if merged.get("min_range_m", 0.0) > merged.get("max_range_m", math.inf):
                fail("min_range_m is above max_range_m", section, i, "params")
            if section == "effectors":
                kind = int(merged["kind"])
                if kind != 2 and merged["projectile_speed_mps"] <= 0:
                    fail("projectile_speed_mps must be positive", section, i, "params")
                for cls in getattr(e, "pk", {}):
                    if cls not in cat.threats:
                        fail(f"unknown threat class '{cls}'", section, i, "pk", cls)
            else:
                if merged.get("scan_s", 1.0) <= 0:
                    fail("scan_s must be positive", section, i, "params", "scan_s")
                if merged.get("track_m", 1) > merged.get("track_n", 1):
                    fail("track_m must not exceed track_n", section, i, "params")
            if e.mount == "escort":
                if not scenario.assets.moving:
                    fail("an escort mount needs a moving asset", section, i, "mount")
            elif e.position is None:
                fail("position is required for a fixed mount", section, i, "position")
            else:
                check_point(e.position, section, i, "position")
    for k, z in enumerate(scenario.c2.weapons_free_zones):
        check_point(z.center, "c2", "weapons_free_zones", k, "center")
