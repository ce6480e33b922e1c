"""Loading scenarios: safe YAML with line numbers, schema validation, consistency checks.

Every problem becomes an :class:`~skyshield.errors.InputError` naming the file, the line and
the field path. Nothing in a scenario is executed: the YAML is read with the safe loader and
only plain mappings, sequences and scalars are accepted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

import yaml
from pydantic import ValidationError

from skyshield.errors import InputError, field_path
from skyshield.scenario.catalogue import Catalogue, EquipmentClass, default_catalogue
from skyshield.scenario.schema import (
    Effector,
    FixedSite,
    LatLon,
    MovingAsset,
    Point,
    Scenario,
    Sensor,
)

Loc = tuple[str | int, ...]


_ALLOWED_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("map", "seq", "str", "int", "float", "bool", "null")
}
_MERGE_TAG = "tag:yaml.org,2002:merge"
#: PyYAML follows YAML 1.1, where ``1e3`` and ``1.5e3`` (no dot, or no sign in the exponent)
#: are strings; YAML 1.2 and every user read them as numbers.
_PLAIN_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+")
#: Aliases can make a small file expand exponentially ("billion laughs"); no real scenario
#: comes near this many values.
MAX_NODES = 200_000


class _Reader:
    """Turns a composed YAML node graph into plain data, recording the line of every field."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[Loc, int] = {}
        self.nodes = 0
        self.active: set[int] = set()  # ids of the collections being read (alias cycles)
        self.loader = yaml.SafeLoader("")

    def fail(self, msg: str, node: yaml.Node, loc: Loc) -> NoReturn:
        raise InputError(msg, file=self.file, line=node.start_mark.line + 1,
                         field=field_path(loc) or None)

    def read(self, node: yaml.Node, loc: Loc) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.fail(f"too many values (over {MAX_NODES:,}; aliases expanding?)", node, loc)
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if node.tag not in _ALLOWED_TAGS:
            self.fail(f"YAML tag '{node.tag}' is not allowed in a scenario (data only)",
                      node, loc)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, loc)
        if id(node) in self.active:
            self.fail("recursive alias: a value contains itself", node, loc)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, loc)
            if isinstance(node, yaml.SequenceNode):
                return [self.read(v, (*loc, i)) for i, v in enumerate(node.value)]
        finally:
            self.active.discard(id(node))
        self.fail("unsupported YAML node", node, loc)  # pragma: no cover - composer's types

    def mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail("mapping keys must be plain scalars", key_node, loc)
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            if key_node.tag not in _ALLOWED_TAGS:
                self.fail(f"YAML tag '{key_node.tag}' is not allowed in a scenario (data only)",
                          key_node, loc)
            # Keys are kept as written: every key in the schema is text (names, classes).
            key = key_node.value
            if key in out:
                self.fail(f"duplicate key '{key}'", key_node, (*loc, key))
            self.lines.setdefault((*loc, key), key_node.start_mark.line + 1)
            out[key] = self.read(value_node, (*loc, key))
        # '<<: *anchor' or '<<: [*a, *b]' (YAML merge keys): the keys written here win, then
        # the earlier merges. Read after the own keys, so that those keep their own lines.
        merged: dict[str, Any] = {}
        for value_node in merges:
            sources = (value_node.value if isinstance(value_node, yaml.SequenceNode)
                       else [value_node])
            for src in sources:
                if not isinstance(src, yaml.MappingNode):
                    self.fail("a merge key '<<' takes a mapping or a list of mappings",
                              src, loc)
                for k, v in self.read(src, loc).items():
                    merged.setdefault(k, v)
        if not merged:
            return out
        return {**{k: v for k, v in merged.items() if k not in out}, **out}

    def scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        if (node.tag == "tag:yaml.org,2002:str" and node.style is None
                and _PLAIN_FLOAT.fullmatch(node.value)):
            return float(node.value.replace("_", ""))
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            self.fail(f"bad {node.tag.rsplit(':', 1)[-1]} value: {problem}", node, loc)


def parse_yaml(text: str, file: str) -> tuple[Any, dict[Loc, int]]:
    """Parse YAML safely, returning plain data and a map from field location to line.

    Parameters
    ----------
    text
        The YAML text.
    file
        The file name, for error messages.

    Returns
    -------
    data, lines
        The plain data (``None`` for an empty document) and, for every location (a tuple of
        keys and list indices), the 1-based line where it is written.

    Raises
    ------
    InputError
        On a syntax error, a non-data tag (``!!python/...``, ``!!timestamp``...), a duplicate
        key, a recursive alias or an alias bomb.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        msg = exc.problem or str(exc)
        if msg.startswith("but ") and exc.context:
            # PyYAML splits some messages: context "expected X", problem "but found Y"
            msg = f"{exc.context}, {msg}"
        raise InputError(f"YAML syntax error: {msg}", file=file, line=line) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise InputError(f"character {exc.character!r} is not allowed in YAML", file=file,
                         line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", file=file) from None
    if node is None:
        return None, {}
    reader = _Reader(file)
    try:
        return reader.read(node, ()), reader.lines
    finally:
        reader.loader.dispose()


def line_of_field(lines: dict[Loc, int], field: str | None) -> int | None:
    """The line of a dotted field path (``raids[0].count``) in a file parsed by
    :func:`parse_yaml`, or of the nearest enclosing key that is there."""
    loc: Loc = tuple(int(s) if s.isdigit() else s
                     for s in (field or "").replace("[", ".").replace("]", "").split(".") if s)
    while loc:  # never the document's first line for a key that is not there at all
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return None


def field_line(path: str | Path, field: str | None) -> int | None:
    """:func:`line_of_field` for a YAML file on disk (``None`` when it cannot be read)."""
    try:
        _, lines = parse_yaml(Path(path).read_text(encoding="utf-8"), str(path))
    except (OSError, InputError):
        return None
    return line_of_field(lines, field)


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int | None:
    while True:
        if loc in lines:
            return lines[loc]
        if not loc:
            return None
        loc = loc[:-1]


def _clean_loc(loc: tuple[Any, ...], data: Any, keep_last: bool) -> Loc:
    """The part of a pydantic error location that indexes into ``data``.

    pydantic puts union branch tags (``<east_m, north_m>``), ``[key]`` and validator names
    into the location; they are dropped by following the location through the data. The last
    part is kept when it names something absent (``keep_last``: a missing key).
    """
    out: list[str | int] = []
    cur = data
    for k, part in enumerate(loc):
        if isinstance(cur, dict) and isinstance(part, str) and part in cur:
            cur = cur[part]
        elif (isinstance(cur, list) and isinstance(part, int) and not isinstance(part, bool)
              and 0 <= part < len(cur)):
            cur = cur[part]
        elif k == len(loc) - 1 and keep_last and isinstance(part, str | int):
            pass
        else:
            continue
        out.append(part)
    return tuple(out)


_UNITS = (("_mps", "m/s"), ("_m2", "m²"), ("_usd", "US$"), ("_s", "s"), ("_m", "m"))


def _unit(loc: Loc) -> str:
    for part in reversed(loc):
        if isinstance(part, str):
            for suffix, unit in _UNITS:
                if part.endswith(suffix):
                    return unit
            return ""
    return ""


def _named_field(loc: Loc, msg: str, data: Any) -> Loc:
    """Narrow a model-level error ("end_s must be after start_s") to the field it begins
    with, when the file writes that field, so that the line is the field's own."""
    node: Any = data
    for part in loc:
        node = node[part]
    first = msg.split(" ", 1)[0]
    if isinstance(node, dict) and first in node:
        return (*loc, first)
    return loc


def _message(err: Any, loc: Loc) -> str:
    kind = err["type"]
    msg = str(err["msg"]).removeprefix("Value error, ")
    value = err.get("input")
    if kind == "extra_forbidden":
        return f"unknown key '{loc[-1]}'"
    if kind == "missing":
        return f"missing required field '{loc[-1]}'"
    if kind == "number_type":
        unit = _unit(loc)
        what = f"a number in {unit}" if unit else "a number"
        got = f"the boolean {str(value).lower()}" if isinstance(value, bool) else f"{value!r}"
        return f"expected {what}, got {got}"
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return f"{msg} (got {value!r})"
    return msg


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
        errors = exc.errors()
        err = errors[0]
        loc = _clean_loc(tuple(err["loc"]), data, keep_last=err["type"] == "missing")
        msg = _message(err, loc)
        if err["type"] == "value_error":
            loc = _named_field(loc, msg, data)
        more = len(errors) - 1
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
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", file=file) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a scenario file", file=file) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=file) from None
    try:
        # utf-8-sig: a byte-order mark, as some Windows editors write, is not content
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not a UTF-8 text file (byte 0x{raw[exc.start]:02x})", file=file,
                         line=line) from None
    data, lines = parse_yaml(text, file)
    if data is None:
        raise InputError("the scenario file is empty", file=file, line=1)
    return scenario_from_dict(data, file=file, lines=lines)


# --------------------------------------------------------------------------- consistency


#: WGS-84 mean Earth radius, metres (IUGG R1).
EARTH_RADIUS_M = 6_371_008.8


def to_local(point: Point, origin: LatLon | None) -> tuple[float, float]:
    r"""A position in local metres (east, north); lat/lon converted about ``origin``.

    Parameters
    ----------
    point
        ``(east_m, north_m)``, returned as is, or a :class:`LatLon`.
    origin
        The geographic position of the local origin; needed for a :class:`LatLon`.

    Returns
    -------
    east_m, north_m
        Local east-north coordinates, metres.

    Raises
    ------
    ValueError
        For a :class:`LatLon` without an ``origin``.

    Notes
    -----
    Azimuthal equidistant projection about the origin on a sphere of the WGS-84 mean radius
    :math:`R` (Snyder, *Map Projections: A Working Manual*, USGS PP 1395, 1987, §25). With
    latitudes :math:`\varphi`, longitudes :math:`\lambda` in radians,
    :math:`\Delta\lambda = \lambda - \lambda_0`,

    .. math::

        u = \cos\varphi \sin\Delta\lambda, \qquad
        v = \cos\varphi_0 \sin\varphi - \sin\varphi_0 \cos\varphi \cos\Delta\lambda, \\
        c = \operatorname{atan2}\bigl(\sqrt{u^2 + v^2},\;
            \sin\varphi_0 \sin\varphi + \cos\varphi_0 \cos\varphi \cos\Delta\lambda\bigr), \\
        (x, y) = R\,\frac{c}{\sin c}\,(u, v),

    so that :math:`\sqrt{x^2 + y^2} = R c` is the great-circle distance from the origin and
    the direction is the true azimuth. Distances between other points are stretched across
    the radial direction by :math:`c / \sin c - 1 \approx c^2 / 6`: 0.04 % at 300 km from
    the origin (an equirectangular plane would be off by
    :math:`\tan\varphi_0\,\Delta\varphi`, ~2 % at 100 km north of 50°N). The sphere differs
    from the ellipsoid by up to ~0.5 % in local scale. Longitudes are wrapped to
    :math:`(-\pi, \pi]`.
    """
    if isinstance(point, LatLon):
        if origin is None:
            raise ValueError("a lat/lon position needs the scenario 'origin'")
        phi0, phi = math.radians(origin.lat), math.radians(point.lat)
        dlam = math.radians(point.lon - origin.lon)
        u = math.cos(phi) * math.sin(dlam)
        v = math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(dlam)
        sin_c = math.hypot(u, v)
        c = math.atan2(sin_c, math.sin(phi0) * math.sin(phi)
                       + math.cos(phi0) * math.cos(phi) * math.cos(dlam))
        # c / sin c -> 1 at the origin; below 1e-8 rad (6 cm) the ratio is 1 to 1e-17
        k = EARTH_RADIUS_M * (c / sin_c if sin_c > 1e-8 else 1.0)
        return k * u, k * v
    return float(point[0]), float(point[1])


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
