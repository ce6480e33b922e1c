"""An elevation grid in the scenario's local metres (``docs/model.md`` §4.9).

Elevations are given at *nodes*: node ``(i, j)`` (row ``i``, column ``j``) lies at east
``x0 + j·cell``, north ``y0 + i·cell``; row 0 is the southernmost. (Files that store the
northern row first, ESRI ASCII grids and GeoTIFFs, are flipped on reading.) Between nodes the
ground is the bilinear interpolation of the four nodes around the point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Grid:
    """Elevation at the nodes of a square grid.

    Attributes
    ----------
    z
        ``(ny, nx) float64`` elevation, metres above sea level, row 0 southernmost.
    x0, y0
        East and north (m, local) of node ``(0, 0)``.
    cell
        Node spacing, metres (the same east and north).
    """

    z: np.ndarray
    x0: float
    y0: float
    cell: float

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.z.shape[0]), int(self.z.shape[1]))

    @property
    def x1(self) -> float:
        """East (m) of the last column of nodes."""
        return float(self.x0 + (self.z.shape[1] - 1) * self.cell)

    @property
    def y1(self) -> float:
        """North (m) of the last row of nodes."""
        return float(self.y0 + (self.z.shape[0] - 1) * self.cell)

    def covers(self, west: float, east: float, south: float, north: float) -> bool:
        """The nodes span the rectangle (so every point in it interpolates between nodes)."""
        return (self.x0 <= west and self.x1 >= east and self.y0 <= south and self.y1 >= north)

    def node(self, x: float, y: float) -> tuple[int, int]:
        """The node nearest ``(x, y)``, as ``(row, column)`` clamped to the grid."""
        ny, nx = self.shape
        j = int(np.clip(np.floor((x - self.x0) / self.cell + 0.5), 0, nx - 1))
        i = int(np.clip(np.floor((y - self.y0) / self.cell + 0.5), 0, ny - 1))
        return i, j

    def elevation(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """Ground elevation (m) at points, bilinear between the four nodes around each
        (clamped to the grid's edge outside it)."""
        return bilinear(self.z, self.x0, self.y0, self.cell, np.asarray(x, dtype=np.float64),
                        np.asarray(y, dtype=np.float64))


def bilinear(a: np.ndarray, x0: float, y0: float, cell: float, x: np.ndarray,
             y: np.ndarray) -> np.ndarray:
    """Bilinear interpolation of node values ``a`` at points (vectorised; the same
    arithmetic as :func:`skyshield.terrain.los.lookup`, which the kernel calls per check)."""
    ny, nx = a.shape
    inv = 1.0 / cell
    fx = (x - x0) * inv
    fy = (y - y0) * inv
    j = np.clip(np.floor(fx), 0, max(nx - 2, 0)).astype(np.int64)
    i = np.clip(np.floor(fy), 0, max(ny - 2, 0)).astype(np.int64)
    tx = np.clip(fx - j, 0.0, 1.0)
    ty = np.clip(fy - i, 0.0, 1.0)
    j1 = np.minimum(j + 1, nx - 1)
    i1 = np.minimum(i + 1, ny - 1)
    a = a.astype(np.float64, copy=False)
    out: np.ndarray = ((1.0 - ty) * ((1.0 - tx) * a[i, j] + tx * a[i, j1])
                       + ty * ((1.0 - tx) * a[i1, j] + tx * a[i1, j1]))
    return out
