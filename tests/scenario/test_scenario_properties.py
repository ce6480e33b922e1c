"""Property tests of the scenario schema and loader (Hypothesis).

Generated small valid scenarios always load and survive a JSON round trip; one random mutation
(a required key deleted, a negative value, an unknown key) is always rejected with an
InputError whose field path is the mutated place and whose line is where that place is written.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skyshield.errors import InputError, field_path
from skyshield.scenario import default_catalogue, parse_yaml, scenario_from_dict

CAT = default_catalogue()
AIR = sorted(n for n, e in CAT.threats.items() if e.params["can_attack_air"] > 0)
THREATS = sorted(CAT.threats)

NAMES = st.lists(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ abcxyz-", min_size=1, max_size=8)
                 .map(str.strip).filter(bool), min_size=14, max_size=14, unique=True)
PROFILE = settings(max_examples=60, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow])


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A small valid scenario as plain data (what YAML would give)."""
    names = iter(draw(NAMES))
    west = draw(st.floats(-100_000, -1_000))
    east = draw(st.floats(1_000, 100_000))
    south = draw(st.floats(-100_000, -1_000))
    north = draw(st.floats(1_000, 100_000))
    origin = {"lat": draw(st.floats(-60, 60)), "lon": draw(st.floats(-179, 179))}

    def point() -> Any:
        if draw(st.integers(0, 5)) == 0:
            return dict(origin)  # the origin itself, (0, 0) locally
        return [draw(st.floats(west, east)), draw(st.floats(south, north))]

    def probs(classes: list[str]) -> dict[str, float]:
        chosen = draw(st.lists(st.sampled_from(classes), max_size=3, unique=True))
        return {c: draw(st.floats(0, 1)) for c in chosen}

    fixed = [{"name": next(names), "position": point(), "value": draw(st.floats(0.1, 1e3)),
              "radius_m": draw(st.floats(0, 2_000)), "vulnerability": probs(THREATS)}
             for _ in range(draw(st.integers(0, 3)))]
    moving = []
    for _ in range(draw(st.integers(0 if fixed else 1, 2))):
        a = [west / 2, south / 2]
        b = [east / 2, draw(st.floats(south / 2, north / 2))]
        wps: list[dict[str, Any]] = [{"position": a}, {"position": b}]
        if draw(st.booleans()):
            wps[1]["t_s"] = draw(st.floats(1, 1_000))
        moving.append({"name": next(names), "value": draw(st.floats(0.1, 1e3)),
                       "waypoints": wps, "speed_mps": draw(st.floats(10, 100)),
                       "vulnerability": probs(AIR)})
    duration = draw(st.floats(600, 7_200))
    raids = []
    for _ in range(draw(st.integers(1, 3))):
        on_air = not fixed or (moving and draw(st.booleans()))
        targets = moving if on_air else fixed
        threat = draw(st.sampled_from(AIR if on_air else THREATS))
        start = draw(st.floats(0, duration / 2))
        launch: dict[str, Any] = {"start_s": start, "end_s": draw(st.floats(start + 1, duration))}
        if draw(st.booleans()):
            launch["times_s"] = [start, (start + launch["end_s"]) / 2]
            launch["rates"] = [draw(st.floats(0, 5)), draw(st.floats(0.1, 5))]
        targeting: dict[str, Any] = {
            "weights": {t["name"]: draw(st.floats(0.1, 10)) for t in targets},
            "scatter_m": draw(st.floats(0, 500)),
        }
        if on_air:
            targeting["mode"] = draw(st.sampled_from(["strike", "ambush"]))
        raids.append({"name": next(names), "threat": threat,
                      "count": draw(st.integers(1, 500)),
                      "launch_area": {"center": point(), "radius_m": draw(st.floats(1, 5_000))},
                      "launch": launch, "targeting": targeting,
                      "route": [point() for _ in range(draw(st.integers(0, 2)))]})
    sensors = [{"name": next(names), "type": draw(st.sampled_from(sorted(CAT.sensors))),
                "position": point(), "mast_m": draw(st.floats(0, 30))}
               for _ in range(draw(st.integers(0, 2)))]
    effectors = []
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(sorted(CAT.effectors)))
        entry = CAT.effectors[kind]
        params = {}
        if draw(st.booleans()):
            params["max_range_m"] = entry.params["min_range_m"] + draw(st.floats(1, 10_000))
        effectors.append({"name": next(names), "type": kind, "position": point(),
                          "params": params, "pk": probs(THREATS)})
    data: dict[str, Any] = {
        "name": next(names), "origin": origin,
        "area": {"west_m": west, "east_m": east, "south_m": south, "north_m": north},
        "duration_s": duration, "assets": {"fixed": fixed, "moving": moving},
        "raids": raids, "sensors": sensors, "effectors": effectors,
        "c2": {"cycle_s": draw(st.floats(0.5, 10)),
               "policy": draw(st.sampled_from(["greedy", "local", "exact"])),
               "weapons_free_zones": [{"center": point(), "radius_m": 1000.0}]},
    }
    return data


def dump(data: dict[str, Any]) -> str:
    # Block style: one key per line, so a line names one key.
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)


def load_text(text: str) -> Any:
    data, lines = parse_yaml(text, "gen.yaml")
    return scenario_from_dict(data, file="gen.yaml", lines=lines)


@PROFILE
@given(scenarios())
def test_valid_scenarios_load_and_round_trip(data: dict[str, Any]) -> None:
    sc = load_text(dump(data))
    assert sc.name == data["name"]
    assert sum(r.count for r in sc.raids) == sum(r["count"] for r in data["raids"])
    again = scenario_from_dict(sc.model_dump(mode="json"))
    assert again == sc
    # and through YAML text of the dump, as `skyshield run` writes scenario.yaml
    assert load_text(dump(sc.model_dump(mode="json"))) == sc


# --------------------------------------------------------------------------- mutations

Path = tuple[str | int, ...]

#: Required keys of each kind of mapping, recognised by its place in the file.
REQUIRED: dict[str, tuple[str, ...]] = {
    "": ("name", "area", "duration_s", "assets", "raids"),
    "area": ("west_m", "east_m", "south_m", "north_m"),
    "fixed": ("name", "position", "value"),
    "moving": ("name", "value", "waypoints"),
    "waypoints": ("position",),
    "raids": ("name", "threat", "count", "launch_area", "launch", "targeting"),
    "launch_area": ("center", "radius_m"),
    "launch": ("end_s",),
    "targeting": ("weights",),
    "sensors": ("name", "type"),
    "effectors": ("name", "type"),
    "weapons_free_zones": ("center", "radius_m"),
    "latlon": ("lat", "lon"),
}
#: Keys whose value must not be negative (with every value in these free-form maps).
NON_NEGATIVE = {"radius_m", "duration_s", "value", "count", "speed_mps", "start_s", "end_s",
                "scatter_m", "mast_m", "cycle_s", "t_s", "rates", "times_s"}
FREE_MAPS = {"weights", "vulnerability", "params", "pk"}


def _kind(path: Path, node: dict[str, Any]) -> str:
    if set(node) == {"lat", "lon"}:
        return "latlon"
    names = [p for p in path if isinstance(p, str)]
    return names[-1] if names else ""


def mappings(node: Any, path: Path = ()) -> list[tuple[Path, dict[str, Any]]]:
    out = []
    if isinstance(node, dict):
        out.append((path, node))
        for k, v in node.items():
            out += mappings(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += mappings(v, (*path, i))
    return out


def numbers(node: Any, path: Path = ()) -> list[Path]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in numbers(v, (*path, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in numbers(v, (*path, i))]
    if isinstance(node, int | float) and not isinstance(node, bool):
        return [path]
    return []


def _at(data: Any, path: Path) -> Any:
    for p in path:
        data = data[p]
    return data


def _check(text: str, path: Path, key_on_line: str | None) -> None:
    """The error names ``path``; its line holds ``key_on_line`` (``None``: opens a list item,
    ``""``: the first line)."""
    with pytest.raises(InputError) as info:
        load_text(text)
    err = info.value
    assert err.field == field_path(path), str(err)
    assert err.file == "gen.yaml" and err.line is not None
    line = text.splitlines()[err.line - 1]
    if key_on_line == "":
        assert err.line == 1
    elif key_on_line is not None:
        assert key_on_line in line and ":" in line, (str(err), line)
    else:
        assert line.lstrip().startswith("-"), (str(err), line)


@PROFILE
@given(scenarios(), st.data())
def test_deleted_required_key_is_named(data: dict[str, Any], pick: st.DataObject) -> None:
    candidates = [(path, key) for path, node in mappings(data)
                  for key in REQUIRED.get(_kind(path, node), ())
                  if key in node and not (path and path[-1] in FREE_MAPS)]
    path, key = pick.draw(st.sampled_from(candidates))
    bad = copy.deepcopy(data)
    del _at(bad, path)[key]
    # The error names the missing key; its line is where the enclosing mapping is written.
    parent = path[-1] if path else ""
    _check(dump(bad), (*path, key), None if isinstance(parent, int) else parent)


@PROFILE
@given(scenarios(), st.data())
def test_negative_value_is_named(data: dict[str, Any], pick: st.DataObject) -> None:
    def eligible(path: Path) -> bool:
        keys = [p for p in path if isinstance(p, str)]
        if {"center", "position", "route", "area", "origin"} & set(keys):
            return False  # coordinates may be negative
        return keys[-1] in NON_NEGATIVE or (len(keys) >= 2 and keys[-2] in FREE_MAPS)

    candidates = [p for p in numbers(data) if eligible(p)]
    path = pick.draw(st.sampled_from(candidates))
    bad = copy.deepcopy(data)
    parent = _at(bad, path[:-1])
    parent[path[-1]] = -1 - abs(parent[path[-1]])
    # an item of times_s / rates is a list item; anything else a key
    _check(dump(bad), path, None if isinstance(path[-1], int) else str(path[-1]))


@PROFILE
@given(scenarios(), st.data())
def test_unknown_key_is_named(data: dict[str, Any], pick: st.DataObject) -> None:
    path, _ = pick.draw(st.sampled_from(mappings(data)))
    bad = copy.deepcopy(data)
    _at(bad, path)["zz_unknown"] = 1
    _check(dump(bad), (*path, "zz_unknown"), "zz_unknown")
