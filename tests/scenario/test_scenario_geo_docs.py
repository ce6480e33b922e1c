"""``to_local`` against known distances; the examples; the generated documentation."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skyshield.scenario import default_catalogue, load_scenario, parse_yaml, scenario_from_dict
from skyshield.scenario.docgen import main as docgen_main
from skyshield.scenario.domain import TABLES
from skyshield.scenario.geo import EARTH_RADIUS_M, to_local
from skyshield.scenario.schema import LatLon, Scenario
from testkit import ROOT


def haversine(a: LatLon, b: LatLon) -> float:
    """Great-circle distance on the same sphere, metres (plain reference formula)."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def test_one_degree_of_latitude() -> None:
    # 1° of arc on the mean-radius sphere: 2πR/360 = 111,195.08 m (an ellipsoid gives
    # 110.6-111.7 km depending on latitude).
    x, y = to_local(LatLon(lat=51.0, lon=30.0), LatLon(lat=50.0, lon=30.0))
    assert x == pytest.approx(0.0, abs=1e-6)
    assert y == pytest.approx(111_195.08, abs=0.01)


def test_one_degree_of_longitude_on_the_equator() -> None:
    x, y = to_local(LatLon(lat=0.0, lon=1.0), LatLon(lat=0.0, lon=0.0))
    assert (x, y) == pytest.approx((111_195.08, 0.0), abs=0.01)


def test_kyiv_to_lviv() -> None:
    # Geodesic on WGS-84 between the city centres (50.4501 N 30.5234 E, 49.8397 N 24.0297 E)
    # is 467.7 km; the sphere is within 0.5 % of the ellipsoid, so within 0.5 % of that.
    kyiv, lviv = LatLon(lat=50.4501, lon=30.5234), LatLon(lat=49.8397, lon=24.0297)
    x, y = to_local(lviv, kyiv)
    assert math.hypot(x, y) == pytest.approx(467_700, rel=5e-3)
    assert x < 0 and y < 0  # west and a little south
    assert math.degrees(math.atan2(x, y)) % 360 == pytest.approx(264.2, abs=1.0)  # bearing


def test_origin_and_local_points() -> None:
    o = LatLon(lat=-33.9, lon=151.2)
    assert to_local(o, o) == (0.0, 0.0)
    assert to_local((1234.5, -6.0), None) == (1234.5, -6.0)
    with pytest.raises(ValueError, match="origin"):
        to_local(LatLon(lat=1, lon=1), None)


def test_antimeridian_is_wrapped() -> None:
    x, y = to_local(LatLon(lat=0.0, lon=-179.5), LatLon(lat=0.0, lon=179.5))
    assert (x, y) == pytest.approx((111_195.08, 0.0), abs=0.01)


@settings(max_examples=200, deadline=None)
@given(st.floats(-70, 70), st.floats(-178, 178), st.floats(-2, 2), st.floats(-2, 2),
       st.floats(-2, 2), st.floats(-2, 2))
def test_distances_match_great_circle(lat0: float, lon0: float, a1: float, b1: float,
                                      a2: float, b2: float) -> None:
    """Distance from the origin is exact; between two points within ~300 km of the origin,
    the plane distance is within c²/6 ≈ 0.04 % (+ rounding) of the great circle."""
    o = LatLon(lat=lat0, lon=lon0)
    p = LatLon(lat=lat0 + a1, lon=lon0 + b1)
    q = LatLon(lat=lat0 + a2, lon=lon0 + b2)
    xp, yp = to_local(p, o)
    xq, yq = to_local(q, o)
    assert math.hypot(xp, yp) == pytest.approx(haversine(o, p), rel=1e-9, abs=1e-6)
    gc = haversine(p, q)
    reach = max(haversine(o, p), haversine(o, q)) / EARTH_RADIUS_M
    assert math.hypot(xp - xq, yp - yq) == pytest.approx(gc, rel=reach**2 / 3 + 1e-9,
                                                         abs=1e-6)


# --------------------------------------------------------------------------- examples


EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def test_the_three_examples_exist() -> None:
    assert {p.name for p in EXAMPLES} >= {"vip-transit.yaml", "residence-defence.yaml",
                                          "border-towns.yaml"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_loads_and_round_trips(path: Path) -> None:
    sc = load_scenario(path)
    assert scenario_from_dict(sc.model_dump(mode="json")) == sc


def test_examples_match_their_briefs() -> None:
    res = load_scenario(ROOT / "examples" / "residence-defence.yaml")
    assert len(res.assets.fixed) == 1 and not res.assets.moving
    by_class: dict[str, int] = {}
    for r in res.raids:
        by_class[r.threat] = by_class.get(r.threat, 0) + r.count
    assert 120 <= by_class["owa_piston"] <= 180 and by_class["decoy"] > 0 and by_class["fpv"] > 0
    kinds = {e.type for e in res.effectors} | {s.type for s in res.sensors}
    assert {"ew_jammer", "gun_airburst", "hmg_team", "acoustic_net", "radar_cuas"} <= kinds

    towns = load_scenario(ROOT / "examples" / "border-towns.yaml")
    assert len(towns.assets.fixed) >= 4 and not towns.assets.moving
    assert 300 <= sum(r.count for r in towns.raids) <= 600
    span = max(s.position[0] for s in towns.assets.fixed) - min(  # type: ignore[index]
        s.position[0] for s in towns.assets.fixed)  # type: ignore[index]
    assert span >= 150_000  # a long border
    assert len(towns.effectors) <= len(towns.assets.fixed) + 2  # spread thin


# --------------------------------------------------------------------------- documentation


def test_generated_docs_are_up_to_date() -> None:
    assert docgen_main(["--check", "--root", str(ROOT)]) == 0


def _models(model: type) -> list[Any]:
    from skyshield.scenario.docgen import _models as walk

    return list(walk(model))


def test_scenario_doc_lists_every_field() -> None:
    doc = (ROOT / "docs" / "scenario.md").read_text(encoding="utf-8")
    for model in _models(Scenario):
        section = doc.split(f"### {model.__name__}\n", 1)[1].split("\n### ", 1)[0]
        for name in model.model_fields:
            assert f"| `{name}` |" in section, f"{model.__name__}.{name}"


def test_catalogue_doc_sources_every_parameter() -> None:
    doc = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    cat = default_catalogue()
    for sec, table in TABLES.items():
        for name, entry in cat.section(sec).items():
            part = doc.split(f"#### `{name}`\n", 1)[1].split("\n#### ", 1)[0]
            assert set(entry.params) == set(table.names(entry.kind)), name
            for key, value in entry.params.items():
                row = re.search(rf"^\| `{key}` \| .*$", part, re.MULTILINE)
                assert row is not None, f"{name}.{key}"
                cells = [c.strip() for c in row.group(0).split(" | ")]
                assert cells[2] == f"{value:g}" and cells[4], row.group(0)
            for cls in entry.pk:
                assert f"| `pk.{cls}` |" in part
            # every source names a parameter of the class (no stale source keys)
            assert set(entry.sources) <= set(entry.params) | {"pk"}, name


def test_doc_example_scenario_is_valid() -> None:
    doc = (ROOT / "docs" / "scenario.md").read_text(encoding="utf-8")
    block = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    data, lines = parse_yaml(block, "docs/scenario.md")
    assert scenario_from_dict(data, lines=lines).name == "minimal"
