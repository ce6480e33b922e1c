"""The map over terrain (issue 13): the ground shaded under everything, each fixed radar's and
EO/IR's coverage masked by the terrain at the lowest cruise altitude of the raids, stated in
the legend; a flat scenario's layout and figure as before; a ridge hides the far side."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.figure import Figure

from skyshield.contract import SENSOR_CODES
from skyshield.display import json_text
from skyshield.results.plots import draw_map
from skyshield.scenario import load_scenario, scenario_from_dict
from skyshield.scenario.equipment import lowest_cruise_altitude
from skyshield.scenario.layout import layout
from skyshield.scenario.terrain_map import MAX_SIDE, lattice_array, lattice_nodes
from testkit import EXAMPLES, load_flagship

TERRAIN_EXAMPLE = EXAMPLES / "vip-transit-terrain.yaml"
SIGHTED = {SENSOR_CODES["radar"], SENSOR_CODES["eo_ir"]}


def _draw(lay: dict[str, Any]) -> tuple[Figure, Any]:
    fig = Figure(figsize=(12, 6), layout="constrained")
    ax = fig.subplots()
    draw_map(ax, lay)
    return fig, ax


def _gids(ax: Any, prefix: str) -> list[Any]:
    return [a for a in ax.get_children() if str(a.get_gid() or "").startswith(prefix)]


def test_terrain_example_shades_the_ground_and_masks_each_fixed_sensor() -> None:
    sc = load_scenario(TERRAIN_EXAMPLE)
    lay = layout(sc)
    ter = lay["terrain"]
    alt, threat = lowest_cruise_altitude(sc)
    assert (ter["coverage_altitude_m"], ter["coverage_threat"]) == (alt, threat) == (60.0, "fpv")
    sighted = [s for s in lay["sensors"] if s["position"] is not None and s["kind"] in SIGHTED]
    assert len(sighted) == 3
    # only the fixed radars and EO/IRs have a mask: not the acoustic net, not the escort turret
    assert [s["name"] for s in lay["sensors"] if "masked_coverage" in s] == \
        [s["name"] for s in sighted]
    # small: lattices of at most MAX_SIDE nodes a side, the file well under a megabyte
    for lat in [ter["elevation"]] + [s["masked_coverage"] for s in sighted]:
        assert max(lat["nx"], lat["ny"]) <= MAX_SIDE
    assert len(json_text(lay, indent=1)) < 200_000
    z = lattice_array(ter["elevation"])
    assert 50.0 <= z.min() and z.max() <= 851.0  # base 50 m, relief 800 m
    fig, ax = _draw(lay)
    (shade,) = _gids(ax, "terrain-shading")
    assert shade.get_zorder() < min(p.get_zorder() for p in ax.patches)  # under everything
    masked = _gids(ax, "masked-coverage:")
    assert sorted(a.get_gid() for a in masked) == sorted(f"masked-coverage:{s['name']}"
                                                         for s in sighted)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "radar: coverage at 60 m above ground, masked by terrain" in labels
    bars = [a for a in fig.axes if a is not ax]
    assert [b.get_xlabel() for b in bars] == ["ground elevation (m)"]


def test_a_flat_scenario_draws_as_before() -> None:
    """``terrain: none``: no terrain key in the layout, no mask on any sensor, no image and no
    colour bar in the figure — the layout's keys are those of the map before terrain."""
    lay = layout(load_flagship())
    assert set(lay) == {"name", "origin", "area", "duration_s", "moving", "fixed", "sensors",
                        "effectors", "raids", "leak", "weapons_free_zones"}
    for s in lay["sensors"]:
        assert set(s) == {"name", "type", "kind", "kind_name", "mount", "position", "range_m",
                          "params"}
    fig, ax = _draw(lay)
    assert len(ax.images) == 0 and fig.axes == [ax]
    assert _gids(ax, "masked-coverage:") == [] and _gids(ax, "terrain-shading") == []
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert not any("masked by terrain" in lb for lb in labels)


CELL = 500.0
RIDGE_Y0, RIDGE_Y1 = 9000.0, 11000.0


def _ridge_scenario(tmp_path: Path, **raid: Any) -> Any:
    """A radar at the origin (10 m mast, 45 km range) south of a ridge 400 m high between
    north 9 and 11 km across the whole map, over a ``.npy`` grid."""
    n = int(100000 / CELL) + 1
    y = -50000.0 + CELL * np.arange(n)
    z = np.zeros((n, n))
    z[(y >= RIDGE_Y0) & (y <= RIDGE_Y1), :] = 400.0
    np.save(tmp_path / "ridge.npy", z)
    return scenario_from_dict({
        "name": "ridge",
        "area": {"west_m": -50000, "east_m": 50000, "south_m": -50000, "north_m": 50000},
        "duration_s": 600,
        "assets": {"fixed": [{"name": "Site", "position": [0, 0], "value": 10,
                              "radius_m": 50, "vulnerability": {"owa_piston": 1.0}}]},
        "raids": [{"name": "Raid", "threat": "owa_piston", "count": 1,
                   "launch_area": {"center": [0, 40000], "radius_m": 100},
                   "launch": {"start_s": 0, "end_s": 1},
                   "targeting": {"weights": {"Site": 1}}, **raid}],
        "sensors": [{"name": "Radar", "type": "radar_cuas", "position": [0, 0], "mast_m": 10,
                     "params": {"max_range_m": 45000}}],
        "effectors": [],
        "terrain": {"source": str(tmp_path / "ridge.npy"), "cell_m": CELL,
                    "origin": [-50000, -50000]},
    })


def test_the_masked_coverage_behind_a_ridge_excludes_the_far_side(tmp_path: Path) -> None:
    """At 150 m (the owa_piston class's cruise altitude) the radar sees the flat ground south
    of the ridge out to its range and the crest, never the ground beyond: the line from its
    mast over the ridge's near edge (390 m over 9 km) is above 500 m north of 11 km."""
    lay = layout(_ridge_scenario(tmp_path))
    assert lay["terrain"]["coverage_altitude_m"] == 150.0
    (radar,) = lay["sensors"]
    lat = radar["masked_coverage"]
    mask = lattice_array(lat)
    xs, ys = lattice_nodes(lat)
    x, y = np.meshgrid(xs, ys)
    inside = np.hypot(x, y) <= 45000.0
    north = y > RIDGE_Y1 + 1.0
    assert (inside & ~north).sum() > 1000 and not mask[north & inside].any()
    assert mask[(y < RIDGE_Y0) & inside].all()
    assert mask[(y >= RIDGE_Y0 + CELL) & (y <= RIDGE_Y1) & inside].all()
    assert not mask[~inside].any()
    # the drawn region stays south of the far edge of the crest (within a lattice cell)
    _fig, ax = _draw(lay)
    (art,) = _gids(ax, "masked-coverage:")
    top = max(float(p.vertices[:, 1].max()) for p in art.get_paths() if len(p.vertices))
    assert top <= (RIDGE_Y1 + lat["cell_m"]) / 1000.0
    # the same ridge at 600 m: the coverage reaches beyond it
    high = lattice_array(layout(_ridge_scenario(tmp_path, altitude_m=600.0))["sensors"][0]
                         ["masked_coverage"])
    assert high[north & inside].any()


@pytest.mark.parametrize("leak", [False, True])
def test_the_coverage_altitude_is_the_lowest_cruise_altitude(tmp_path: Path, leak: bool
                                                             ) -> None:
    """A raid's own ``altitude_m`` counts over its class's; the leak surge flies its class's."""
    sc = _ridge_scenario(tmp_path, altitude_m=90.0)
    if leak:
        d = sc.model_dump(mode="json")
        d["assets"]["moving"] = [{"name": "VIP", "value": 1, "speed_mps": 50,
                                  "waypoints": [{"position": [0, 0]},
                                                {"position": [1000, 0]}],
                                  "vulnerability": {"fpv": 1.0}}]
        d["leak"] = {"probability": 0.5, "threat": "fpv", "count": 2,
                     "launch_area": {"center": [0, 1000], "radius_m": 100}}
        sc = scenario_from_dict(d)
    assert lowest_cruise_altitude(sc) == ((60.0, "fpv") if leak else (90.0, "owa_piston"))
