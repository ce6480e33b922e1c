"""``skyshield export``: the laydown read back by independent readers (python-geojson,
fastkml, gpxpy, csv) matches the layout; RFC 7946 rules (lon/lat order, closed
counterclockwise rings); lat/lon is the exact inverse of the model's projection."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
from pathlib import Path

import pytest

from skyshield.cli import main
from skyshield.report.export import export
from skyshield.scenario.geo import to_latlon, to_local
from skyshield.scenario.schema import LatLon

ORIGIN = "48.5,22.3"
ORG = LatLon(lat=48.5, lon=22.3)


def _layout(run: Path) -> dict:
    return json.loads((run / "layout.json").read_text())


def _signed_area(ring: list[list[float]]) -> float:
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))


def test_latlon_is_the_inverse_of_the_projection() -> None:
    for x, y in ((0.0, 0.0), (1500.0, -2500.0), (-180_000.0, 95_000.0), (600_000.0, 1e6)):
        lat, lon = to_latlon(x, y, ORG)
        bx, by = to_local(LatLon(lat=lat, lon=lon), ORG)
        assert abs(bx - x) < 1e-6 and abs(by - y) < 1e-6


def test_geojson_is_rfc7946_and_matches_the_layout(run_copy: Path) -> None:
    import geojson

    lay = _layout(run_copy)
    path = export(run_copy, "geojson", origin=ORIGIN)
    assert path == run_copy / "export" / "layout.geojson"
    assert geojson.loads(path.read_text()).is_valid  # (the reader rounds to 6 decimals)
    fc = json.loads(path.read_text())
    assert "crs" not in fc  # RFC 7946: WGS 84 lon/lat, no crs member
    sites = [f for f in fc["features"] if f["properties"]["kind"] == "site"]
    assert [s["properties"]["name"] for s in sites] == [f["name"] for f in lay["fixed"]]
    for s, f in zip(sites, lay["fixed"], strict=True):
        lon, lat = s["geometry"]["coordinates"]
        x, y = to_local(LatLon(lat=lat, lon=lon), ORG)  # lon first, as RFC 7946 says
        assert abs(x - f["position"][0]) < 5e-3 and abs(y - f["position"][1]) < 5e-3  # 1e-8°
    for f in fc["features"]:
        if f["geometry"]["type"] == "Polygon":
            ring = f["geometry"]["coordinates"][0]
            assert ring[0] == ring[-1] and len(ring) >= 4
            assert _signed_area(ring) > 0  # exterior ring counterclockwise (right-hand)
    plan = next(f for f in fc["features"] if f["properties"]["kind"] == "flight_plan")
    assert len(plan["geometry"]["coordinates"]) == len(lay["moving"][0]["waypoints"])
    # without an origin: local metres, and the crs says so
    local = json.loads(export(run_copy, "geojson").read_text())
    assert "local-metres" in local["crs"]["properties"]["name"]


def test_kml_and_gpx_read_back(run_copy: Path, tmp_path: Path) -> None:
    import gpxpy
    from fastkml import kml

    lay = _layout(run_copy)
    k = kml.KML.from_string(export(run_copy, "kml", origin=ORIGIN).read_bytes())
    doc = next(iter(k.features))
    names = {pm.name for folder in doc.features for pm in folder.features}
    assert {f["name"] for f in lay["fixed"]} <= names
    assert {m["name"] for m in lay["moving"]} <= names
    gpx = gpxpy.parse(export(run_copy, "gpx", out=tmp_path / "x.gpx",
                             origin=ORIGIN).read_text())
    wpts = [w for w in gpx.waypoints if w.type == "site"]
    for w, f in zip(wpts, lay["fixed"], strict=True):
        lat, lon = to_latlon(*f["position"], ORG)
        assert w.name == f["name"]
        assert math.isclose(w.latitude, lat, abs_tol=1e-7)
        assert math.isclose(w.longitude, lon, abs_tol=1e-7)
    assert [r.name for r in gpx.routes] == [m["name"] for m in lay["moving"]]
    assert len(gpx.routes[0].points) == len(lay["moving"][0]["waypoints"])


def test_csv_rows(run_copy: Path) -> None:
    lay = _layout(run_copy)
    rows = list(csv.DictReader(io.StringIO(export(run_copy, "csv").read_text())))
    sites = [r for r in rows if r["kind"] == "site"]
    for r, f in zip(sites, lay["fixed"], strict=True):
        assert r["name"] == f["name"]
        assert float(r["east_m"]) == pytest.approx(f["position"][0])
        assert r["lat"] == ""  # no origin: no lat/lon
    cover = [r for r in rows if r["kind"] == "sensor_coverage"]
    assert len(cover) == sum(s["position"] is not None for s in lay["sensors"])


def test_bad_export_requests_exit_2(run_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(run_copy), "-f", "kml"]) == 2
    assert "--origin" in capsys.readouterr().err
    assert main(["export", str(run_copy), "-f", "shp"]) == 2
    assert "unknown format 'shp'" in capsys.readouterr().err
    assert main(["export", str(run_copy), "--origin", "48.5"]) == 2
    assert "LAT,LON" in capsys.readouterr().err
    assert main(["export", str(run_copy / "nowhere")]) == 2
    assert main(["export", str(run_copy), "-o", str(run_copy)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_czml_reads_back_with_its_replay(run_copy: Path) -> None:
    """CZML: every packet parses as czml3's model; the sites are there; the recorded
    replication's drones fly as time-tagged positions within the scenario's clock."""
    from czml3 import Document, Packet

    lay = _layout(run_copy)
    packets = json.loads(export(run_copy, "czml", origin=ORIGIN).read_text())
    doc = Document(packets=[Packet.model_validate(p) for p in packets])
    assert doc.packets[0].id == "document"
    names = {p.get("name") for p in packets}
    assert {f["name"] for f in lay["fixed"]} <= names
    replay = [p for p in packets if p["id"].startswith("replay-drone-")]
    assert replay
    s = replay[0]["position"]["cartographicDegrees"]
    assert len(s) % 4 == 0 and 0.0 <= s[0] <= lay["duration_s"]
    assert main(["export", str(run_copy), "-f", "czml", "--origin", ORIGIN, "--replay",
                 "99999"]) == 2
