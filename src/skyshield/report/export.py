"""``skyshield export DIR --format geojson|kml|gpx|csv``: a run's laydown (``layout.json``)
for the tools planners already use.

Features: the map area, every protected site, each moving asset's flight plan, every sensor
and effector with a fixed position (and its coverage as a circle), the raids' launch areas,
the leak surge's area and the weapons-free zones. Positions are the compiled model's
(``layout.json``, local metres east/north); in lon/lat about the scenario's ``origin`` (or the
one given with ``--origin LAT,LON``) by the inverse of the model's azimuthal equidistant
projection (:func:`skyshield.scenario.geo.to_latlon`). GeoJSON follows RFC 7946 (lon/lat,
exterior rings counterclockwise, closed); without an origin it is written in local metres
with a stated ``crs`` member (not RFC 7946: no CRS but WGS 84 is allowed there). KML and GPX
are WGS 84 only and need an origin. CSV has one row per feature: its kind, name, centre in
local metres and, with an origin, lat/lon, and its radius. CZML (Cesium) carries the laydown
and a recorded replication's replay, time-tagged from a stated epoch.
"""

from __future__ import annotations

import csv
import io
import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from skyshield.errors import InputError

FORMATS = ("geojson", "kml", "gpx", "csv", "czml")
EXTENSIONS = {"geojson": "geojson", "kml": "kml", "gpx": "gpx", "csv": "csv", "czml": "czml"}
#: CZML's clock needs a date: scenario time 0 is this instant (stated, not a real date)
CZML_EPOCH = "2000-01-01T00:00:00Z"
#: vertices of a circle drawn as a polygon
CIRCLE_VERTICES = 72
LOCAL_CRS = "skyshield:local-metres (east_m, north_m) about the scenario's origin"


def features(lay: dict[str, Any]) -> list[dict[str, Any]]:
    """The laydown as features in local metres: ``{kind, name, geometry: (type, coords),
    properties}`` with ``type`` ``Point`` ``(x, y)``, ``LineString`` ``[(x, y), …]`` or
    ``Circle`` ``(x, y, r)``; in file order within each kind."""
    out: list[dict[str, Any]] = []
    a = lay["area"]
    out.append({"kind": "area", "name": lay.get("name", "area"),
                "geometry": ("Box", (a["west_m"], a["south_m"], a["east_m"], a["north_m"])),
                "properties": {}})
    for f in lay.get("fixed", []):
        x, y = f["position"]
        out.append({"kind": "site", "name": f["name"], "geometry": ("Point", (x, y)),
                    "properties": {"value": f["value"], "radius_m": f["radius_m"]}})
    for m in lay.get("moving", []):
        out.append({"kind": "flight_plan", "name": m["name"],
                    "geometry": ("LineString", [tuple(w) for w in m["waypoints"]]),
                    "properties": {"value": m["value"], "altitude_m": m["altitude_m"],
                                   "speed_mps": m["speed_mps"],
                                   "transit_s": m.get("transit_s")}})
    for group, kind in (("sensors", "sensor"), ("effectors", "effector")):
        for e in lay.get(group, []):
            if e["position"] is None:
                continue  # mounted on a moving asset: no fixed position
            x, y = e["position"]
            props = {"type": e["type"], "kind_name": e["kind_name"], "range_m": e["range_m"]}
            out.append({"kind": kind, "name": e["name"], "geometry": ("Point", (x, y)),
                        "properties": props})
            out.append({"kind": f"{kind}_coverage", "name": e["name"],
                        "geometry": ("Circle", (x, y, e["range_m"])), "properties": props})
    for r in lay.get("raids", []):
        c = r["launch_area"]
        out.append({"kind": "raid_launch_area", "name": r["name"],
                    "geometry": ("Circle", (*c["center"], c["radius_m"])),
                    "properties": {"threat": r["threat"], "count": r["count"]}})
    if lay.get("leak"):
        lk = lay["leak"]
        c = lk["launch_area"]
        out.append({"kind": "leak_surge_area", "name": "leak surge",
                    "geometry": ("Circle", (*c["center"], c["radius_m"])),
                    "properties": {"threat": lk["threat"], "count": lk["count"],
                                   "probability": lk["probability"]}})
    for k, z in enumerate(lay.get("weapons_free_zones", [])):
        out.append({"kind": "weapons_free_zone", "name": f"zone {k + 1}",
                    "geometry": ("Circle", (*z["center"], z["radius_m"])), "properties": {}})
    return out


def _ring(geom: tuple[str, Any]) -> list[tuple[float, float]]:
    """A polygon's exterior ring in local metres: counterclockwise, closed."""
    kind, g = geom
    if kind == "Box":
        w, s, e, n = g
        return [(w, s), (e, s), (e, n), (w, n), (w, s)]
    x, y, r = g
    pts = [(x + r * math.cos(2 * math.pi * k / CIRCLE_VERTICES),
            y + r * math.sin(2 * math.pi * k / CIRCLE_VERTICES)) for k in range(CIRCLE_VERTICES)]
    return [*pts, pts[0]]


class _Geo:
    """Local metres → output coordinates: ``(lon, lat)`` about ``origin``, or the metres."""

    def __init__(self, origin: Any | None) -> None:
        self.origin = origin

    def __call__(self, p: tuple[float, float]) -> tuple[float, float]:
        if self.origin is None:
            return float(p[0]), float(p[1])
        from skyshield.scenario.geo import to_latlon

        lat, lon = to_latlon(p[0], p[1], self.origin)
        return round(lon, 8), round(lat, 8)


def _geometry(geom: tuple[str, Any], geo: _Geo) -> dict[str, Any]:
    kind, g = geom
    if kind == "Point":
        return {"type": "Point", "coordinates": list(geo(g))}
    if kind == "LineString":
        return {"type": "LineString", "coordinates": [list(geo(p)) for p in g]}
    return {"type": "Polygon", "coordinates": [[list(geo(p)) for p in _ring(geom)]]}


def to_geojson(lay: dict[str, Any], origin: Any | None) -> str:
    """RFC 7946 FeatureCollection (lon/lat) with an origin; local metres and a stated ``crs``
    without one."""
    geo = _Geo(origin)
    fc: dict[str, Any] = {"type": "FeatureCollection", "name": lay.get("name")}
    if origin is None:
        fc["crs"] = {"type": "name", "properties": {"name": LOCAL_CRS}}
    fc["features"] = [
        {"type": "Feature", "geometry": _geometry(f["geometry"], geo),
         "properties": {"kind": f["kind"], "name": f["name"], **f["properties"]}}
        for f in features(lay)]
    return json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n"


def _kml_coords(pts: list[tuple[float, float]], geo: _Geo) -> str:
    return " ".join(f"{lon:.8f},{lat:.8f}" for lon, lat in (geo(p) for p in pts))


def to_kml(lay: dict[str, Any], origin: Any) -> str:
    """KML 2.2: a Document of Placemarks (Point, LineString, Polygon), one Folder per kind."""
    ns = "http://www.opengis.net/kml/2.2"
    ET.register_namespace("", ns)
    geo = _Geo(origin)
    root = ET.Element(f"{{{ns}}}kml")
    doc = ET.SubElement(root, f"{{{ns}}}Document")
    ET.SubElement(doc, f"{{{ns}}}name").text = str(lay.get("name", "skyshield"))
    folders: dict[str, ET.Element] = {}
    for f in features(lay):
        if f["kind"] not in folders:
            folders[f["kind"]] = ET.SubElement(doc, f"{{{ns}}}Folder")
            ET.SubElement(folders[f["kind"]], f"{{{ns}}}name").text = f["kind"]
        pm = ET.SubElement(folders[f["kind"]], f"{{{ns}}}Placemark")
        ET.SubElement(pm, f"{{{ns}}}name").text = str(f["name"])
        ET.SubElement(pm, f"{{{ns}}}description").text = "; ".join(
            f"{k}={v}" for k, v in f["properties"].items())
        kind, g = f["geometry"]
        if kind == "Point":
            el = ET.SubElement(pm, f"{{{ns}}}Point")
            ET.SubElement(el, f"{{{ns}}}coordinates").text = _kml_coords([g], geo)
        elif kind == "LineString":
            el = ET.SubElement(pm, f"{{{ns}}}LineString")
            ET.SubElement(el, f"{{{ns}}}coordinates").text = _kml_coords(g, geo)
        else:
            el = ET.SubElement(pm, f"{{{ns}}}Polygon")
            ob = ET.SubElement(el, f"{{{ns}}}outerBoundaryIs")
            lr = ET.SubElement(ob, f"{{{ns}}}LinearRing")
            ET.SubElement(lr, f"{{{ns}}}coordinates").text = _kml_coords(_ring(f["geometry"]),
                                                                       geo)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") \
        + "\n"


def to_gpx(lay: dict[str, Any], origin: Any) -> str:
    """GPX 1.1: sites, sensors and effectors as waypoints, each flight plan as a route."""
    ns = "http://www.topografix.com/GPX/1/1"
    ET.register_namespace("", ns)
    geo = _Geo(origin)
    root = ET.Element(f"{{{ns}}}gpx", {"version": "1.1", "creator": "skyshield"})
    md = ET.SubElement(root, f"{{{ns}}}metadata")
    ET.SubElement(md, f"{{{ns}}}name").text = str(lay.get("name", "skyshield"))
    fs = features(lay)
    for f in fs:
        if f["geometry"][0] != "Point":
            continue
        lon, lat = geo(f["geometry"][1])
        w = ET.SubElement(root, f"{{{ns}}}wpt", {"lat": f"{lat:.8f}", "lon": f"{lon:.8f}"})
        ET.SubElement(w, f"{{{ns}}}name").text = str(f["name"])
        ET.SubElement(w, f"{{{ns}}}type").text = f["kind"]
    for f in fs:
        if f["geometry"][0] != "LineString":
            continue
        rte = ET.SubElement(root, f"{{{ns}}}rte")
        ET.SubElement(rte, f"{{{ns}}}name").text = str(f["name"])
        for p in f["geometry"][1]:
            lon, lat = geo(p)
            ET.SubElement(rte, f"{{{ns}}}rtept", {"lat": f"{lat:.8f}", "lon": f"{lon:.8f}"})
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") \
        + "\n"


def to_csv(lay: dict[str, Any], origin: Any | None) -> str:
    """One row per feature: kind, name, centre (local metres; lat/lon with an origin),
    radius (circles), vertices (flight plans: the waypoints, ``x y;x y;…`` in metres)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["kind", "name", "east_m", "north_m", "lat", "lon", "radius_m", "vertices_m"])
    geo = _Geo(origin)
    for f in features(lay):
        kind, g = f["geometry"]
        verts = ""
        r: float | str = ""
        if kind == "Point":
            x, y = g
        elif kind == "Circle":
            x, y, r = g
        elif kind == "Box":
            x, y = (g[0] + g[2]) / 2, (g[1] + g[3]) / 2
        else:
            x, y = g[0]
            verts = ";".join(f"{px:g} {py:g}" for px, py in g)
        lat: float | str = ""
        lon: float | str = ""
        if origin is not None:
            lon, lat = geo((x, y))
        w.writerow([f["kind"], f["name"], f"{x:g}", f"{y:g}", lat, lon, r, verts])
    return buf.getvalue()


def _iso(t: float) -> str:
    from datetime import UTC, datetime, timedelta

    base = datetime(2000, 1, 1, tzinfo=UTC)
    return (base + timedelta(seconds=float(t))).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def to_czml(lay: dict[str, Any], origin: Any, positions: dict[str, Any] | None = None,
            rep: int | None = None) -> str:
    """CZML (Cesium): the laydown as static entities (points with labels, coverage and
    areas as ellipses, flight plans as polylines) and, with ``positions`` (the run's
    ``positions`` table) and a recorded replication ``rep``, its replay: every asset and
    drone as a time-tagged position (epoch :data:`CZML_EPOCH` = scenario time 0, samples
    every 5 s) available while it flies."""
    import numpy as np

    geo = _Geo(origin)
    duration = float(lay.get("duration_s", 0.0))
    packets: list[dict[str, Any]] = [{
        "id": "document", "name": str(lay.get("name", "skyshield")), "version": "1.0",
        "clock": {"interval": f"{_iso(0)}/{_iso(duration)}", "currentTime": _iso(0),
                  "multiplier": 30}}]
    colours = {"site": [26, 61, 124, 255], "sensor": [31, 119, 180, 255],
               "effector": [214, 39, 40, 255]}
    for k, f in enumerate(features(lay)):
        kind, g = f["geometry"]
        pid = f"{f['kind']}-{k}"
        desc = "; ".join(f"{a}={v}" for a, v in f["properties"].items())
        if kind == "Point":
            lon, lat = geo(g)
            packets.append({"id": pid, "name": str(f["name"]), "description": desc,
                            "position": {"cartographicDegrees": [lon, lat, 0.0]},
                            "point": {"pixelSize": 8, "color": {
                                "rgba": colours.get(f["kind"], [255, 255, 255, 255])}},
                            "label": {"text": str(f["name"]), "scale": 0.5,
                                      "pixelOffset": {"cartesian2": [0, -14]}}})
        elif kind == "LineString":
            flat = [c for p in g for c in (*geo(p), 0.0)]
            packets.append({"id": pid, "name": str(f["name"]), "description": desc,
                            "polyline": {"positions": {"cartographicDegrees": flat},
                                         "width": 3, "material": {"solidColor": {"color": {
                                             "rgba": [255, 0, 255, 255]}}}}})
        elif kind == "Circle":
            x, y, r = g
            lon, lat = geo((x, y))
            packets.append({"id": pid, "name": str(f["name"]), "description": desc,
                            "position": {"cartographicDegrees": [lon, lat, 0.0]},
                            "ellipse": {"semiMajorAxis": float(r), "semiMinorAxis": float(r),
                                        "fill": False, "outline": True}})
    if positions is not None and rep is not None and len(positions.get("rep", [])):
        sel = np.asarray(positions["rep"]) == rep
        ent = np.asarray(positions["entity"])[sel]
        ids = np.asarray(positions["id"])[sel]
        ts = np.asarray(positions["t_s"], dtype=float)[sel]
        xs = np.asarray(positions["x"], dtype=float)[sel]
        ys = np.asarray(positions["y"], dtype=float)[sel]
        zs = np.asarray(positions["z"], dtype=float)[sel]
        state = np.asarray(positions["state"])[sel]
        n_moving = len(lay.get("moving", []))
        for e_kind in ("asset", "drone"):
            for i in sorted(set(ids[ent == e_kind].tolist())):
                if e_kind == "asset" and i >= n_moving:
                    continue  # fixed sites are static entities above
                m = (ent == e_kind) & (ids == i) & (state != "dead")
                if not m.any():
                    continue
                samples: list[float] = []
                for t, x, y, z in zip(ts[m], xs[m], ys[m], zs[m], strict=True):
                    lon, lat = geo((x, y))
                    samples += [float(t), lon, lat, float(z)]
                name = (lay["moving"][i]["name"] if e_kind == "asset" else f"drone {i}")
                packets.append({
                    "id": f"replay-{e_kind}-{i}", "name": name,
                    "availability": f"{_iso(ts[m].min())}/{_iso(ts[m].max())}",
                    "position": {"epoch": _iso(0), "cartographicDegrees": samples},
                    "point": {"pixelSize": 6 if e_kind == "asset" else 4, "color": {
                        "rgba": [255, 0, 255, 255] if e_kind == "asset"
                        else [200, 30, 30, 255]}},
                    **({"path": {"leadTime": 0, "trailTime": 600, "width": 2}}
                       if e_kind == "asset" else {})})
    return json.dumps(packets, ensure_ascii=False, separators=(",", ":")) + "\n"


def parse_origin(text: str | None) -> Any | None:
    """``--origin LAT,LON`` as a :class:`~skyshield.scenario.schema.LatLon` (None if not
    given); one clear message when malformed."""
    if text is None:
        return None
    from skyshield.scenario.schema import LatLon

    try:
        lat_s, lon_s = text.split(",")
        return LatLon(lat=float(lat_s), lon=float(lon_s))
    except ValueError:
        raise InputError(f"expected LAT,LON in degrees (e.g. 48.5,22.3), got {text!r}",
                         file="<argument>", field="--origin") from None


def export(run_dir: str | Path, fmt: str, *, out: str | Path | None = None,
           origin: str | None = None, replay: int | None = None) -> Path:
    """Write the run folder's laydown as ``fmt`` to ``out`` (default
    ``DIR/export/layout.<ext>``), atomically; return the path. CZML also carries the replay
    of recorded replication ``replay`` (default: the first recorded)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})",
                         file="<argument>", field="--format")
    from skyshield.report.data import load_run

    data = load_run(run_dir)
    lay = data.layout
    org = parse_origin(origin)
    if org is None and lay.get("origin"):
        from skyshield.scenario.schema import LatLon

        org = LatLon(**lay["origin"])
    if org is None and fmt in ("kml", "gpx", "czml"):
        raise InputError(f"{fmt.upper()} is in lat/lon and this scenario has no origin: give "
                         "--origin LAT,LON to place its local frame", file="<argument>",
                         field="--origin")
    if fmt == "czml":
        pos = data.tables["positions"]
        reps = sorted({int(r) for r in pos.get("rep", [])})
        if replay is not None and replay not in reps:
            raise InputError(f"replication {replay} was not recorded (recorded: "
                             f"{', '.join(map(str, reps)) or 'none'})", file="<argument>",
                             field="--replay")
        text = to_czml(lay, org, pos, replay if replay is not None else
                       (reps[0] if reps else None))
    else:
        text = {"geojson": to_geojson, "kml": to_kml, "gpx": to_gpx,
                "csv": to_csv}[fmt](lay, org)
    from skyshield.outfolder import atomic_write, check_entries, locked, out_folder, record

    folder = Path(run_dir)
    if out is None:
        name = f"export/layout.{EXTENSIONS[fmt]}"
        check_entries(folder, [name], option="DIR")
        with locked(folder):
            out_folder(folder / "export", option="DIR", what="export folder")
            target = folder / name
            atomic_write(target, text)
            record(folder, "export", [name])
        return target
    target = Path(out)
    if target.is_dir():
        raise InputError("is a folder; give the file to write", file=str(target),
                         field="--out")
    if not target.parent.is_dir():
        raise InputError("its folder does not exist", file=str(target), field="--out")
    atomic_write(target, text)
    return target
