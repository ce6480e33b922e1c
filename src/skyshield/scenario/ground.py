"""The scenario's ground as an elevation grid (``docs/model.md`` §4.9): built once here for
the engine, the map and the planner alike.
"""

from __future__ import annotations

import math
import os
from functools import lru_cache
from typing import TYPE_CHECKING

from skyshield.errors import InputError, field_path
from skyshield.scenario.yaml_lines import Loc, line_for

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.scenario.schema import Scenario
    from skyshield.terrain.grid import Grid

#: Default node spacing of the synthetic relief, metres.
SYNTHETIC_CELL_M = 200.0
#: The most nodes a terrain grid may have (each fixed site keeps a float32 raster of this
#: size: 4 M nodes are 16 MB a site).
MAX_NODES = 4_000_000


def terrain_grid(scenario: Scenario, *, file: str = "<scenario>",
                 lines: dict[Loc, int] | None = None) -> Grid | None:
    """The ground under ``scenario`` (``None`` for ``terrain: none``).

    Raises
    ------
    InputError
        The file cannot be read or is malformed, the grid is too big or does not span the map
        (naming the scenario file, the line and the field ``terrain.source``).
    """
    ter = scenario.terrain
    if ter.source == "none":
        return None
    ar = scenario.area
    loc: Loc = ("terrain", "source")
    line = line_for(loc, lines or {})
    field = field_path(loc)
    if ter.source == "synthetic":
        cell = float(ter.cell_m or SYNTHETIC_CELL_M)
        nx = math.ceil((ar.east_m - ar.west_m) / cell) + 1
        ny = math.ceil((ar.north_m - ar.south_m) / cell) + 1
        if nx * ny > MAX_NODES:
            raise InputError(
                f"the synthetic relief at {cell:g} m over the map would have {nx} × {ny} "
                f"nodes, more than {MAX_NODES:,}: give a larger terrain.cell_m", file=file,
                line=line_for(("terrain", "cell_m"), lines or {}) or line,
                field="terrain.cell_m")
        return _synthetic(nx, ny, cell, int(ter.seed), float(ter.relief_m),
                          float(ter.roughness), float(ter.base_m), float(ar.west_m),
                          float(ar.south_m))
    try:
        st = os.stat(ter.source)
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, 0)
    origin = None if ter.origin is None else (float(ter.origin[0]), float(ter.origin[1]))
    grid = _read(ter.source, stamp, ter.cell_m, origin, file, line, field)
    ny, nx = grid.shape
    if nx * ny > MAX_NODES:
        raise InputError(f"the elevation grid {ter.source} has {nx} × {ny} nodes, more than "
                         f"{MAX_NODES:,}: resample it coarser", file=file, line=line,
                         field=field)
    from skyshield.terrain.io import check_covers

    check_covers(grid, ar.west_m, ar.east_m, ar.south_m, ar.north_m, file=file, line=line,
                 field=field)
    return grid


@lru_cache(maxsize=4)
def _synthetic(nx: int, ny: int, cell: float, seed: int, relief: float, rough: float,
               base: float, x0: float, y0: float) -> Grid:
    from skyshield.terrain.synthetic import synthetic_relief

    return synthetic_relief(nx, ny, cell, seed=seed, relief_m=relief, roughness=rough,
                            base_m=base, x0=x0, y0=y0)


@lru_cache(maxsize=4)
def _read(path: str, stamp: tuple[int, int], cell: float | None,
          origin: tuple[float, float] | None, file: str, line: int | None,
          field: str) -> Grid:
    from skyshield.terrain.io import read_grid

    del stamp  # part of the cache key only: a rewritten file is read again
    return read_grid(path, cell_m=cell, origin=origin, file=file, line=line, field=field)
