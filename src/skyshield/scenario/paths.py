"""Dotted scenario paths and scenario variants.

A *path* names one scalar of a scenario's plain-dict form (``Scenario.model_dump(mode="json")``),
dotted, with list indices or names in brackets: ``raids[0].count``,
``raids[Shahed wave west].count``, ``leak.probability``, ``c2.escort_priority``,
``effectors[SAM Aldmark].params.magazine``. :func:`with_changes` and :func:`with_flight` make
validated variants of a scenario (one dump, one validation each); the sweep (``--vary``), the
planner's postures and the faults analysis use them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from skyshield.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.scenario.schema import Scenario

#: Mappings whose keys are free (equipment parameters, kill probabilities, vulnerabilities,
#: targeting weights): a path may name a key they do not list yet, meaning "override the
#: catalogue default"; the scenario's own checks then say whether that key exists.
FREE_MAPPINGS = frozenset({"params", "pk", "vulnerability", "weights"})
Scalar = int | float | str | bool | None
Segment = str | int | tuple[str]  # key, list index, or ``(name,)``: list item by name

_ARG = "<argument>"
_KEY = re.compile(r"[^.\[\]]+")


def parse_path(path: str) -> list[Segment]:
    """Split ``raids[Shahed wave west].count`` into ``["raids", ("Shahed wave west",), "count"]``.

    Integer brackets index a list; any other bracket text names a list item by its ``name``.
    Names may contain dots and spaces (they end at the closing bracket).
    """
    segs: list[Segment] = []
    i, n = 0, len(path)
    expect_key = True
    while i < n:
        c = path[i]
        if c == "[":
            j = path.find("]", i + 1)
            if j < 0:
                raise InputError(f"unclosed '[' in parameter path {path!r}", file=_ARG,
                                 field="--vary")
            inner = path[i + 1:j].strip()
            if not inner:
                raise InputError(f"empty brackets in parameter path {path!r}", file=_ARG,
                                 field="--vary")
            if not segs:
                raise InputError(f"parameter path {path!r} must start with a field name",
                                 file=_ARG, field="--vary")
            segs.append(int(inner) if re.fullmatch(r"-?\d+", inner) else (inner,))
            i = j + 1
            expect_key = False
        elif c == ".":
            if expect_key:
                raise InputError(f"empty field name in parameter path {path!r}", file=_ARG,
                                 field="--vary")
            i += 1
            expect_key = True
        else:
            if not expect_key:
                raise InputError(f"expected '.' or '[' after ']' in parameter path {path!r}",
                                 file=_ARG, field="--vary")
            m = _KEY.match(path, i)
            key = m.group(0).strip() if m is not None else ""
            if m is None or not key:
                raise InputError(f"unexpected {c!r} in parameter path {path!r}", file=_ARG,
                                 field="--vary")
            segs.append(key)
            i = m.end()
            expect_key = False
    if not segs or expect_key:
        raise InputError(f"empty or incomplete parameter path {path!r}", file=_ARG,
                         field="--vary")
    return segs


def format_path(segs: list[Segment]) -> str:
    """Inverse of :func:`parse_path` (canonical spelling)."""
    out = ""
    for s in segs:
        if isinstance(s, int):
            out += f"[{s}]"
        elif isinstance(s, tuple):
            out += f"[{s[0]}]"
        else:
            out += ("." if out else "") + s
    return out


def _resolve(data: Any, segs: list[Segment], path: str) -> tuple[Any, str | int, bool]:
    """Walk to the container of the last segment: (container, key, key_exists)."""
    node = data
    where: list[Segment] = []
    for k, seg in enumerate(segs):
        last = k == len(segs) - 1
        here = format_path(where) or "the scenario"
        if isinstance(seg, str):
            if not isinstance(node, dict):
                raise InputError(f"unknown parameter {path!r}: {here} is not a mapping",
                                 file=_ARG, field="--vary")
            free = bool(where) and isinstance(where[-1], str) and where[-1] in FREE_MAPPINGS
            if seg not in node:
                if last and free:
                    return node, seg, False
                known = ", ".join(map(str, node)) or "none"
                raise InputError(f"unknown parameter {path!r}: {here} has no field '{seg}' "
                                 f"(fields: {known})", file=_ARG, field="--vary")
            key: str | int = seg
        else:
            if not isinstance(node, list):
                raise InputError(f"unknown parameter {path!r}: {here} is not a list",
                                 file=_ARG, field="--vary")
            if isinstance(seg, int):
                if not -len(node) <= seg < len(node):
                    raise InputError(f"unknown parameter {path!r}: index {seg} is out of range "
                                     f"({here} has {len(node)} items)", file=_ARG,
                                     field="--vary")
                key = seg % len(node)
            else:
                names = [it.get("name") for it in node if isinstance(it, dict)]
                if seg[0] not in names:
                    known = ", ".join(repr(x) for x in names if x is not None) or "none"
                    raise InputError(f"unknown parameter {path!r}: {here} has no item named "
                                     f"'{seg[0]}' (names: {known})", file=_ARG, field="--vary")
                key = names.index(seg[0])
        if last:
            return node, key, True
        node = node[key]
        where.append(seg)
    raise AssertionError("unreachable")  # pragma: no cover


def get_value(data: Any, path: str) -> Scalar:
    """The scalar at ``path`` in a scenario dict (``None`` for a free key not yet set)."""
    node, key, exists = _resolve(data, parse_path(path), path)
    if not exists:
        return None
    value = node[key]
    if isinstance(value, (dict, list)):
        raise InputError(f"parameter {path!r} is a {'mapping' if isinstance(value, dict) else 'list'}"
                         ", not a single value: name one of its fields", file=_ARG,
                         field="--vary")
    scalar: Scalar = value
    return scalar


def set_value(data: Any, path: str, value: Scalar | dict[str, Any] | list[Any]) -> None:
    """Set the value at ``path`` in a scenario dict, in place: a scalar where a scalar is
    (or a free key); a mapping or list replaces the whole item at ``path`` (a role schedule,
    a reserve, a list of zones). The variant is validated afterwards (:func:`with_changes`)."""
    if isinstance(value, (dict, list)):
        node, key, _ = _resolve(data, parse_path(path), path)
        node[key] = value
        return
    get_value(data, path)  # same checks: the target exists (or is a free key) and is scalar
    node, key, _ = _resolve(data, parse_path(path), path)
    node[key] = value


# --------------------------------------------------------------------------- variants


def _validated(data: dict[str, Any], file: str) -> Scenario:
    from skyshield.scenario.loader import scenario_from_dict

    return scenario_from_dict(data, file=file)


def _apply(data: dict[str, Any], changes: Mapping[str, Any]) -> None:
    for path, value in changes.items():
        set_value(data, path, value)


def with_changes(scenario: Scenario, changes: Mapping[str, Any], *,
                 file: str = "<scenario variant>") -> Scenario:
    """The scenario with each ``{path: value}`` of ``changes`` applied (:func:`set_value`),
    validated.

    Raises
    ------
    InputError
        For a path that names no scalar of the scenario (``field`` ``--vary``, as for
        :func:`set_value`), or when the variant is not a valid scenario (named ``file``).
    """
    data = scenario.model_dump(mode="json")
    _apply(data, changes)
    return _validated(data, file)


def with_flight(
    scenario: Scenario,
    waypoints: Sequence[tuple[float, float, float | None]],
    *,
    asset: int | str = 0,
    departure_s: float | None = None,
    altitude_m: float | None = None,
    changes: Mapping[str, Scalar] | None = None,
    file: str = "<plan variant>",
) -> Scenario:
    """The scenario with a moving asset flying a new flight plan, validated once.

    Parameters
    ----------
    scenario
        A validated scenario.
    waypoints
        ``(east_m, north_m, t_s)`` of each waypoint in local metres; ``t_s`` may be ``None``
        (derived from the asset's speed).
    asset
        The moving asset, by index in ``assets.moving`` or by name (default: the VIP).
    departure_s, altitude_m
        New take-off time and flight height (default: kept).
    changes
        Further ``{path: value}`` changes (:func:`with_changes`), applied first, e.g. an
        escort posture's.

    Raises
    ------
    InputError
        For an unknown asset or path, or when the variant is not a valid scenario.
    """
    movers = scenario.assets.moving
    names = [m.name for m in movers]
    if isinstance(asset, str):
        if asset not in names:
            raise InputError(f"unknown moving asset '{asset}' (known: {', '.join(names)})",
                             file=file, field="assets.moving")
        index = names.index(asset)
    elif 0 <= asset < len(movers):
        index = asset
    else:
        raise InputError(f"no moving asset {asset} (the scenario has {len(movers)})",
                         file=file, field="assets.moving")
    data = scenario.model_dump(mode="json")
    _apply(data, changes or {})
    m = data["assets"]["moving"][index]
    m["waypoints"] = [{"position": [float(x), float(y)], "t_s": None if t is None else float(t)}
                      for x, y, t in waypoints]
    if departure_s is not None:
        m["departure_s"] = float(departure_s)
    if altitude_m is not None:
        m["altitude_m"] = float(altitude_m)
    return _validated(data, file)
