"""The terrain of the scenario's map (``layout.json``'s ``terrain``, ``docs/model.md`` §4.9):
the ground to shade, and each fixed radar's and EO/IR's coverage masked by it at a stated
altitude, small enough for the file.

Rasters go into the layout as *lattices*: ``{"x0", "y0", "cell_m", "nx", "ny", "stride",
"encoding", "data"}``, node ``(i, j)`` at east ``x0 + j·cell_m``, north ``y0 + i·cell_m``
(row 0 southernmost, as in :mod:`skyshield.terrain.grid`); ``data`` holds the ``ny × nx``
values row by row in base64: ``int16`` (little-endian, whole metres) or ``bits``
(:func:`numpy.packbits`, the most significant bit first, the last byte padded with zeros). A
lattice keeps every ``stride``-th node of the scenario's grid, ``stride`` the least that
leaves at most :data:`MAX_SIDE` nodes a side, so the map of a 4-million-node grid stays a few
hundred kB.
"""

from __future__ import annotations

import base64
import math
from pathlib import Path
from typing import Any

import numpy as np

from skyshield.scenario.equipment import ResolvedEquipment, lowest_cruise_altitude
from skyshield.scenario.schema import Scenario
from skyshield.terrain.grid import Grid

#: The most nodes a lattice of the layout has along either side.
MAX_SIDE = 300


def _window(g: Grid, west: float, east: float, south: float, north: float,
            ) -> tuple[slice, slice, int]:
    """Rows and columns (every ``stride``-th) of the nodes of ``g`` that cover the rectangle
    (the nodes on or just beyond each side, clamped to the grid), and the stride."""
    ny, nx = g.shape

    def span(lo: float, hi: float, origin: float, n: int) -> tuple[int, int]:
        a = int(np.clip(math.floor((lo - origin) / g.cell), 0, n - 1))
        b = int(np.clip(math.ceil((hi - origin) / g.cell), 0, n - 1))
        return a, b

    j0, j1 = span(west, east, g.x0, nx)
    i0, i1 = span(south, north, g.y0, ny)
    stride = max(1, math.ceil(max(j1 - j0, i1 - i0) / (MAX_SIDE - 1)))
    return slice(i0, i1 + 1, stride), slice(j0, j1 + 1, stride), stride


def lattice(values: np.ndarray, x0: float, y0: float, cell: float, stride: int,
            encoding: str) -> dict[str, Any]:
    """A lattice of the layout holding ``values`` (``(ny, nx)``, row 0 south): elevations
    rounded to whole metres (``int16``) or a boolean mask (``bits``)."""
    ny, nx = values.shape
    if encoding == "int16":
        raw = np.clip(np.rint(values), -32768, 32767).astype("<i2").tobytes()
    elif encoding == "bits":
        raw = np.packbits(np.asarray(values, dtype=bool).ravel()).tobytes()
    else:  # pragma: no cover - a programming error
        raise ValueError(f"unknown lattice encoding {encoding!r}")
    return {"x0": float(x0), "y0": float(y0), "cell_m": float(cell), "nx": int(nx),
            "ny": int(ny), "stride": int(stride), "encoding": encoding,
            "data": base64.b64encode(raw).decode("ascii")}


def lattice_array(lat: dict[str, Any]) -> np.ndarray:
    """The ``(ny, nx)`` values of a lattice: ``float64`` metres (``int16``) or ``bool``.

    Raises
    ------
    ValueError
        The lattice is malformed (an unknown encoding, data of the wrong length).
    """
    ny, nx = int(lat["ny"]), int(lat["nx"])
    raw = base64.b64decode(str(lat["data"]), validate=True)
    if lat["encoding"] == "int16":
        if len(raw) != 2 * nx * ny:
            raise ValueError(f"{len(raw)} bytes of int16 for {ny} × {nx} nodes")
        return np.frombuffer(raw, dtype="<i2").astype(np.float64).reshape(ny, nx)
    if lat["encoding"] == "bits":
        if len(raw) != (nx * ny + 7) // 8:
            raise ValueError(f"{len(raw)} bytes of bits for {ny} × {nx} nodes")
        return np.unpackbits(np.frombuffer(raw, dtype=np.uint8),
                             count=nx * ny).astype(bool).reshape(ny, nx)
    raise ValueError(f"unknown lattice encoding {lat['encoding']!r}")


def lattice_nodes(lat: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """East ``(nx,)`` and north ``(ny,)`` of a lattice's columns and rows, metres."""
    c = float(lat["cell_m"])
    return (float(lat["x0"]) + c * np.arange(int(lat["nx"])),
            float(lat["y0"]) + c * np.arange(int(lat["ny"])))


def _nodes(g: Grid, west: float, east: float, south: float, north: float
           ) -> tuple[slice, slice, int, np.ndarray, np.ndarray]:
    """:func:`_window` with the east ``(nx,)`` and north ``(ny,)`` of the nodes it keeps."""
    rows, cols, stride = _window(g, west, east, south, north)
    ny, nx = g.shape
    xs = g.x0 + g.cell * np.arange(nx)[cols]
    ys = g.y0 + g.cell * np.arange(ny)[rows]
    return rows, cols, stride, xs, ys


def masked_coverage(g: Grid, view: np.ndarray, x: float, y: float, radius: float,
                    altitude: float, area: tuple[float, float, float, float]
                    ) -> dict[str, Any]:
    """The ``bits`` lattice of a fixed sensor's coverage at ``altitude`` m above the ground:
    the nodes within ``radius`` of ``(x, y)`` whose line-of-sight raster ``view``
    (:func:`skyshield.terrain.viewshed.site_viewshed`) is at most ``altitude`` — the
    engine's test ``h ≥ V`` at the nodes (``docs/model.md`` §4.9) —, over the part of the
    disc's bounding box on the map (``area``: west, east, south, north)."""
    west, east, south, north = area
    rows, cols, stride, xs, ys = _nodes(g, max(west, x - radius), min(east, x + radius),
                                        max(south, y - radius), min(north, y + radius))
    seen = view[rows, cols].astype(np.float64) <= altitude
    inside = np.hypot(xs[None, :] - x, ys[:, None] - y) <= radius
    return lattice(seen & inside, float(xs[0]), float(ys[0]), stride * g.cell, stride,
                   "bits")


def terrain_layout(scenario: Scenario, equipment: ResolvedEquipment
                   ) -> tuple[dict[str, Any] | None, list[dict[str, Any] | None]]:
    """The layout's ``terrain`` block and, per sensor of ``equipment`` (in order), its
    ``masked_coverage`` lattice (``None`` for a sensor that has none: an acoustic net, which
    hears round the terrain, or an escort mount, which moves); ``(None, [None, ...])`` for
    ``terrain: none``.

    Notes
    -----
    The coverage is drawn at the lowest cruise altitude of the scenario's drones
    (:func:`~skyshield.scenario.equipment.lowest_cruise_altitude`), the hardest case for the
    sensors; each fixed radar's and EO/IR's raster is the engine's (the sweep from the node
    nearest the site at its ``mast_m``). The block: ``source`` (``synthetic``, or the
    elevation file's name), ``grid_cell_m`` (the scenario grid's node spacing),
    ``elevation`` (an ``int16`` lattice over the map), ``min_m`` / ``max_m`` (its lowest and
    highest node), ``coverage_altitude_m`` and ``coverage_threat`` (the class that flies
    it).
    """
    from skyshield.scenario.ground import terrain_grid

    g = terrain_grid(scenario)
    if g is None:
        return None, [None] * len(equipment.sensors)
    from skyshield.terrain.viewshed import site_viewshed

    a = scenario.area
    area = (a.west_m, a.east_m, a.south_m, a.north_m)
    alt, threat = lowest_cruise_altitude(scenario)
    rows, cols, stride, xs, ys = _nodes(g, *area)
    sub = g.z[rows, cols]
    elevation = lattice(sub, float(xs[0]), float(ys[0]), stride * g.cell, stride, "int16")
    masks: list[dict[str, Any] | None] = []
    for s in equipment.sensors:
        if s.position is None or s.kind == "acoustic":
            masks.append(None)
            continue
        view = site_viewshed(g, s.position[0], s.position[1], s.mast_m)
        masks.append(masked_coverage(g, view, s.position[0], s.position[1], s.coverage_m,
                                     alt, area))
    ter = scenario.terrain
    # an elevation file by its name only: the map carries no path of the machine it ran on
    block = {"source": Path(ter.source).name if ter.is_file else ter.source,
             "grid_cell_m": float(g.cell),
             "elevation": elevation, "min_m": float(np.min(sub)), "max_m": float(np.max(sub)),
             "coverage_altitude_m": alt, "coverage_threat": threat}
    return block, masks
