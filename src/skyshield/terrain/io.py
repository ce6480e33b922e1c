"""Terrain readers: elevation grids from ``.npy``, ESRI ASCII (``.asc``) and GeoTIFF files
(``docs/model.md`` §4.9).

Every reader returns a :class:`~skyshield.terrain.grid.Grid` in the grid's node convention
(row 0 southernmost, node ``(i, j)`` at east ``x0 + j·cell``, north ``y0 + i·cell``, metres of
the scenario's local frame). Every problem with a terrain file is one
:class:`~skyshield.errors.InputError` that names the *scenario* file, line and field that
point at the terrain file (the caller's ``file``, ``line``, ``field``), and, in its message, the
terrain file itself (and, for ``.asc``, the line inside it).

GeoTIFFs are read through ``rasterio`` (the optional extra ``skyshield[terrain]``); the other
two formats need only NumPy.
"""

from __future__ import annotations

import math
import os
import re
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from skyshield.errors import InputError, did_you_mean
from skyshield.terrain.grid import Grid

#: Elevations a terrain file may hold, metres above sea level (the Dead Sea shore is −430 m,
#: Everest 8849 m): anything outside is a wrong unit, a wrong vertical datum or an unmarked
#: NODATA value.
ELEVATION_MIN_M = -500.0
ELEVATION_MAX_M = 9000.0

#: The file types :func:`read_grid` reads, by (case-insensitive) suffix.
SUFFIXES = (".asc", ".npy", ".tif", ".tiff")

RASTERIO_MISSING = "reading a GeoTIFF needs rasterio: pip install 'skyshield[terrain]'"

# ESRI ASCII header keywords (case-insensitive); dx/dy are GDAL's extension for
# non-square cells (accepted only when equal).
_ASC_KEYS = ("ncols", "nrows", "xllcorner", "xllcenter", "yllcorner", "yllcenter", "cellsize",
             "nodata_value", "dx", "dy")
_INT = re.compile(r"[+-]?[0-9]+")
_NPY_MAGIC = b"\x93NUMPY"

#: A cell's position in words, and the line of the terrain file that holds it (``.asc``).
_Locate = Callable[[int], tuple[str, int | None]]


class _Where:
    """Who raises: the scenario's file/line/field and the terrain file's name."""

    def __init__(self, path: Path, file: str | None, line: int | None,
                 field: str | None) -> None:
        self.name = _show(os.fspath(path))
        self.file, self.line, self.field = file, line, field

    def error(self, message: str, asc_line: int | None = None) -> InputError:
        at = f", line {asc_line}" if asc_line is not None else ""
        return InputError(f"terrain file {self.name}{at}: {message}", file=self.file,
                          line=self.line, field=self.field)

    def fail(self, message: str, asc_line: int | None = None) -> NoReturn:
        raise self.error(message, asc_line)


def _show(text: str, limit: int = 200) -> str:
    """``text`` quoted for a one-line message (control characters escaped, long text cut)."""
    if len(text) > limit:
        text = text[:limit] + "…"
    quoted = repr(text)
    return quoted if text.isprintable() else ascii(text)


def _first_line(exc: BaseException) -> str:
    words = str(exc).strip().splitlines()
    return _show(words[0], 160)[1:-1] if words else type(exc).__name__


def _fmt(v: float) -> str:
    """A length or elevation in metres for a message: at most 0.01 m shown."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def read_grid(
    path: str | os.PathLike[str],
    *,
    cell_m: float | None = None,
    origin: Sequence[float] | None = None,
    file: str | None,
    line: int | None,
    field: str | None,
) -> Grid:
    """Read an elevation grid from a terrain file, chosen by its suffix.

    Parameters
    ----------
    path
        The terrain file (the caller resolves it, e.g. relative to the scenario file).
    cell_m
        Node spacing, metres. Required for ``.npy`` (and for a TIFF with no georeferencing);
        for ``.asc`` and GeoTIFF the file gives it, and ``cell_m``, when given, must agree
        with the file to 1e-9 (relative).
    origin
        ``(east, north)``, metres (local), of node ``(0, 0)``, the south-west node. Required
        for ``.npy`` (and for a TIFF with no georeferencing). For ``.asc`` and GeoTIFF it
        overrides the file's position: the file's coordinates are then ignored. Without it,
        the file's x/y are taken as the scenario's local metres as they stand (no map
        projection is applied: the file must already be in the local frame).
    file, line, field
        The scenario file, line and field that name this terrain file: every
        :class:`~skyshield.errors.InputError` carries them.

    Returns
    -------
    Grid
        float64 elevations, row 0 southernmost.

    Raises
    ------
    InputError
        One, for any problem: a missing file, an unknown suffix, an unreadable or malformed
        file (for ``.asc``, with the line), a grid that is not 2-D or has fewer than 2×2
        nodes, NaN/inf/NODATA cells (how many, and the first), a cell size ≤ 0, non-square or
        rotated pixels, a geographic (degree) or non-metre CRS, elevations outside
        [−500, 9000] m, a missing or disagreeing ``cell_m``/``origin``, or a GeoTIFF without
        rasterio installed.

    Notes
    -----
    The formats:

    ``.npy``
        A 2-D array ``(ny, nx)`` of real numbers (any integer or float dtype, read as float64)
        whose **row 0 is the southernmost** row (the :class:`Grid` convention, *not* the
        north-first order of image and GIS rasters), read with ``allow_pickle=False``. It
        carries no coordinates: ``cell_m`` and ``origin`` are required.
    ``.asc`` (ESRI ASCII grid)
        A header of ``keyword value`` lines (case-insensitive, any order, each once):
        ``ncols``, ``nrows``, ``xllcorner`` or ``xllcenter``, ``yllcorner`` or
        ``yllcenter``, ``cellsize`` (or GDAL's ``dx`` and ``dy``, which must be equal) and
        optionally ``NODATA_value``; then ``nrows`` lines of ``ncols`` numbers each, the
        **northern row first** (blank lines are ignored; a row may not wrap onto two lines).
        The header ends at the first line that starts with a number. Cell centres are the
        nodes: with ``xllcorner``/``yllcorner`` (the outer corner of the south-west cell)
        node ``(0, 0)`` is at ``(xllcorner + cellsize/2, yllcorner + cellsize/2)``; with
        ``xllcenter``/``yllcenter`` it is at those values. Rows are flipped to south-first.
        Parsed here, without GDAL; numbers are ASCII, as Python's ``float`` reads them
        (``nan`` and ``inf`` parse, and count as missing cells).
    ``.tif``, ``.tiff`` (GeoTIFF)
        Band 1 of a single-band raster, read through ``rasterio``; its nodata value and mask
        mark missing cells; a band scale/offset is applied. The geotransform must be north-up
        (no rotation or shear, pixel height negative) with square pixels; pixel centres are
        the nodes, flipped to south-first. A CRS in degrees, or in a linear unit other than
        the metre, is refused. A TIFF with no geotransform at all is read as an image
        (row 0 north) and needs ``cell_m`` and ``origin``.

    Missing cells (NODATA, NaN, inf) are refused, not filled: the message says how many and
    where the first is, as ``row r, column c`` in the file's own order (0-based for
    ``.npy`` and TIFF arrays; 1-based counted from the file's top row for ``.asc``, with the
    line).
    """
    p = Path(path)
    where = _Where(p, file, line, field)
    cell_given = _check_cell(cell_m, where)
    origin_given = _check_origin(origin, where)
    try:
        exists, is_file = p.exists(), p.is_file()
    except (OSError, ValueError) as e:  # a path with a NUL byte, a permission error
        where.fail(f"cannot be opened ({_first_line(e)})")
    if not exists:
        where.fail("does not exist")
    if not is_file:
        where.fail("is not a file")
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        where.fail(f"has an unknown type {_show(p.suffix or '(no suffix)')} "
                   f"(known: {', '.join(SUFFIXES)})")
    if suffix == ".npy":
        return _read_npy(p, where, cell_given, origin_given)
    if suffix == ".asc":
        return _read_asc(p, where, cell_given, origin_given)
    return _read_tif(p, where, cell_given, origin_given)


def _check_cell(cell_m: float | None, where: _Where) -> float | None:
    if cell_m is None:
        return None
    try:
        c = float(cell_m)
    except (TypeError, ValueError):
        where.fail(f"cell_m must be a number of metres, not {_show(str(cell_m))}")
    if not (math.isfinite(c) and c > 0):
        where.fail(f"cell_m must be > 0 m, not {c!r}")
    return c


def _check_origin(origin: Sequence[float] | None, where: _Where) -> tuple[float, float] | None:
    if origin is None:
        return None
    try:
        x, y = (float(v) for v in origin)
    except (TypeError, ValueError):
        where.fail(f"origin must be (east, north) in metres, not {_show(str(origin))}")
    if not (math.isfinite(x) and math.isfinite(y)):
        where.fail(f"origin must be finite, not ({x!r}, {y!r})")
    return x, y


def _agree(cell_m: float | None, cell: float, where: _Where, what: str) -> None:
    if cell_m is not None and abs(cell_m - cell) > 1e-9 * max(cell_m, cell):
        where.fail(f"cell_m {cell_m!r} m disagrees with the file's {what} {cell!r}")


def _finish(z: np.ndarray, where: _Where, locate: _Locate, *, north_first: bool,
            nodata: np.ndarray | None, x0: float, y0: float, cell: float) -> Grid:
    """The checks common to every format, on ``z`` in the file's own order; then the grid."""
    missing = ~np.isfinite(z)
    if nodata is not None:
        missing |= nodata
    n_missing = int(np.count_nonzero(missing))
    if n_missing:
        words, at = locate(int(np.flatnonzero(missing)[0]))
        were = "cells are" if n_missing > 1 else "cell is"
        where.fail(f"{n_missing} {were} NODATA/NaN/inf (a terrain grid must be complete: "
                   f"fill or crop them), first at {words}", at)
    outside = (z < ELEVATION_MIN_M) | (z > ELEVATION_MAX_M)
    n_out = int(np.count_nonzero(outside))
    if n_out:
        k = int(np.flatnonzero(outside)[0])
        words, at = locate(k)
        were = "cells are" if n_out > 1 else "cell is"
        where.fail(f"{n_out} {were} outside [{_fmt(ELEVATION_MIN_M)}, {_fmt(ELEVATION_MAX_M)}] "
                   f"m (elevations in metres above sea level), first at {words}: "
                   f"{float(z.flat[k])!r} m", at)
    z = z[::-1] if north_first else z
    return Grid(z=np.ascontiguousarray(z, dtype=np.float64), x0=float(x0), y0=float(y0),
                cell=float(cell))


def _check_shape(shape: tuple[int, ...], where: _Where, what: str) -> None:
    if len(shape) != 2:
        where.fail(f"holds a {len(shape)}-D array of shape {shape}: a terrain grid is 2-D "
                   f"({what})")
    if shape[0] < 2 or shape[1] < 2:
        where.fail(f"has {shape[0]}×{shape[1]} nodes (rows × columns): a terrain grid needs "
                   f"at least 2×2")


def _need_coordinates(cell_m: float | None, origin: tuple[float, float] | None,
                      where: _Where, what: str) -> tuple[float, tuple[float, float]]:
    lacking = [name for name, v in (("cell_m", cell_m), ("origin", origin)) if v is None]
    if cell_m is None or origin is None:
        where.fail(f"{what} carries no coordinates: give {' and '.join(lacking)}")
    return cell_m, origin


# --- .npy -----------------------------------------------------------------------------------


def _read_npy(p: Path, where: _Where, cell_m: float | None,
              origin: tuple[float, float] | None) -> Grid:
    try:
        with p.open("rb") as f:
            magic = f.read(len(_NPY_MAGIC))
            if magic != _NPY_MAGIC:
                where.fail("is not a NumPy .npy file (no .npy header)")
            f.seek(0)
            a = np.load(f, allow_pickle=False)
    except InputError:
        raise
    except (OSError, ValueError, EOFError, SyntaxError, TypeError, MemoryError) as e:
        where.fail(f"is not a readable .npy array ({_first_line(e)})")
    if not isinstance(a, np.ndarray):  # pragma: no cover - np.load of a .npy stream
        where.fail("is not a single .npy array")
    if a.dtype.kind not in "iuf":
        where.fail(f"holds {a.dtype} values: a terrain grid holds real numbers")
    _check_shape(a.shape, where, "ny rows × nx columns, row 0 south")
    cell, (x0, y0) = _need_coordinates(cell_m, origin, where, "a .npy grid")
    nx = a.shape[1]

    def locate(k: int) -> tuple[str, int | None]:
        return f"row {k // nx}, column {k % nx} (0-based, row 0 south)", None

    return _finish(np.asarray(a, dtype=np.float64), where, locate, north_first=False,
                   nodata=None, x0=x0, y0=y0, cell=cell)


# --- .asc -----------------------------------------------------------------------------------


def _number(token: str) -> float | None:
    """``token`` as a float, or ``None``: ASCII, as Python's ``float`` reads it, without the
    ``_`` digit separators Python allows."""
    if not token.isascii() or "_" in token:
        return None
    try:
        return float(token)
    except ValueError:
        return None


def _read_asc(p: Path, where: _Where, cell_m: float | None,
              origin: tuple[float, float] | None) -> Grid:
    try:
        raw = p.read_bytes()
    except OSError as e:
        where.fail(f"cannot be read ({_first_line(e)})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        where.fail(f"is not a text file (byte 0x{raw[e.start]:02x} is not UTF-8)",
                   raw.count(b"\n", 0, e.start) + 1)
    if not text.strip():
        where.fail("is empty")
    lines = text.split("\n")

    # the header: "keyword value" lines up to the first line that starts with a number
    header: dict[str, tuple[str, int]] = {}
    start = len(lines)
    for i, s in enumerate(lines):
        toks = s.split()
        if not toks:
            continue
        if _number(toks[0]) is not None:
            start = i
            break
        key = toks[0].lower()
        if key not in _ASC_KEYS:
            hint = did_you_mean(key, _ASC_KEYS)
            where.fail(f"unknown header keyword {_show(toks[0], 40)}{hint} (an ESRI ASCII "
                       f"grid's header has ncols, nrows, xllcorner|xllcenter, "
                       f"yllcorner|yllcenter, cellsize, NODATA_value)", i + 1)
        if len(toks) != 2:
            where.fail(f"a header line is 'keyword value', not {len(toks)} words", i + 1)
        if key in header:
            where.fail(f"header keyword {toks[0]!r} is given twice (first on line "
                       f"{header[key][1]})", i + 1)
        header[key] = (toks[1], i + 1)
    # the line where a missing keyword is reported: the first row of values, else the last
    header_end = start + 1 if start < len(lines) else max(ln for _, ln in header.values())

    def value(key: str) -> tuple[float, int]:
        tok, ln = header[key]
        v = _number(tok)
        if v is None:
            where.fail(f"{key} must be a number, not {_show(tok, 40)}", ln)
        return v, ln

    def count(key: str) -> tuple[int, int]:
        if key not in header:
            where.fail(f"the header has no {key}", header_end)
        tok, ln = header[key]
        if not (tok.isascii() and _INT.fullmatch(tok)):
            where.fail(f"{key} must be a whole number, not {_show(tok, 40)}", ln)
        return int(tok), ln

    def position(axis: str) -> tuple[float, bool]:
        corner, center = f"{axis}llcorner", f"{axis}llcenter"
        if corner in header and center in header:
            where.fail(f"the header gives both {corner} and {center}", header[center][1])
        if corner not in header and center not in header:
            where.fail(f"the header has no {corner} (or {center})", header_end)
        key = corner if corner in header else center
        v, ln = value(key)
        if not math.isfinite(v):
            where.fail(f"{key} must be finite, not {v!r}", ln)
        return v, key == corner

    ncols, ncols_line = count("ncols")
    nrows, nrows_line = count("nrows")
    if ncols < 2 or nrows < 2:
        where.fail(f"has {nrows}×{ncols} nodes (nrows × ncols): a terrain grid needs at "
                   f"least 2×2", ncols_line if ncols < 2 else nrows_line)
    if "cellsize" in header:
        if "dx" in header or "dy" in header:
            where.fail("the header gives cellsize and dx/dy: give one",
                       header["dx" if "dx" in header else "dy"][1])
        cell, cell_line = value("cellsize")
    elif "dx" in header and "dy" in header:
        cell, cell_line = value("dx")
        dy, dy_line = value("dy")
        if not (math.isfinite(dy) and dy > 0):
            where.fail(f"dy must be > 0, not {dy!r}", dy_line)
        if math.isfinite(cell) and cell > 0 and cell != dy:
            where.fail(f"non-square cells (dx {cell!r}, dy {dy!r}): a terrain grid needs "
                       f"square cells (resample it first)", dy_line)
    else:
        where.fail("the header has no cellsize (or dx and dy)", header_end)
    if not (math.isfinite(cell) and cell > 0):
        where.fail(f"the cell size must be > 0, not {cell!r}", cell_line)
    _agree(cell_m, cell, where, "cellsize")
    xll, x_corner = position("x")
    yll, y_corner = position("y")
    nodata_value = value("nodata_value")[0] if "nodata_value" in header else None

    # the rows, northern first, one a line
    rows: list[np.ndarray] = []
    row_lines: list[int] = []
    for i in range(start, len(lines)):
        s = lines[i]
        toks = s.split()
        if not toks:
            continue
        ln = i + 1
        if len(rows) == nrows:
            where.fail(f"more rows of values than nrows {nrows} (line {nrows_line}) says",
                       ln)
        if len(toks) != ncols:
            where.fail(f"row {len(rows) + 1} has {len(toks)} values where ncols "
                       f"(line {ncols_line}) says {ncols}", ln)
        try:
            if not s.isascii() or "_" in s:
                raise ValueError
            values = [float(t) for t in toks]
        except ValueError:
            parsed = [_number(t) for t in toks]
            bad = [c for c, v in enumerate(parsed) if v is None]
            if bad:
                c = bad[0]
                where.fail(f"value {c + 1} of row {len(rows) + 1}, {_show(toks[c], 40)}, is "
                           f"not a number", ln)
            values = [v for v in parsed if v is not None]
        rows.append(np.array(values, dtype=np.float64))
        row_lines.append(ln)
    if len(rows) < nrows:
        where.fail(f"has {len(rows)} rows of values where nrows says {nrows}", nrows_line)
    z = np.vstack(rows)
    nodata = None
    if nodata_value is not None and not math.isnan(nodata_value):
        nodata = z == nodata_value

    def locate(k: int) -> tuple[str, int | None]:
        r, c = divmod(k, ncols)
        return f"row {r + 1}, column {c + 1} (1-based, row 1 the file's top row)", row_lines[r]

    if origin is not None:
        x0, y0 = origin
    else:
        x0 = xll + cell / 2 if x_corner else xll
        y0 = yll + cell / 2 if y_corner else yll
        if not (math.isfinite(x0) and math.isfinite(y0)):  # pragma: no cover - 1e308 corners
            where.fail("the grid's position overflows")
    return _finish(z, where, locate, north_first=True, nodata=nodata, x0=x0, y0=y0,
                   cell=cell)


def write_asc(path: str | os.PathLike[str], grid: Grid, *, corner: bool = False) -> None:
    """Write ``grid`` as an ESRI ASCII grid that :func:`read_grid` (and GDAL) read back.

    Parameters
    ----------
    path
        The file to write (overwritten).
    grid
        A grid of finite elevations.
    corner
        Write ``xllcorner``/``yllcorner`` (node ``(0, 0)`` less half a cell) instead of the
        default ``xllcenter``/``yllcenter`` (node ``(0, 0)`` itself, which round-trips
        exactly; the corner form may differ in the last bit of the position).

    Raises
    ------
    ValueError
        A non-finite elevation (the format's NODATA is not written).

    Notes
    -----
    Rows are written northern first, one a line; every number is Python's shortest
    ``repr`` of the float64, so that the elevations round-trip exactly.
    """
    z = np.asarray(grid.z, dtype=np.float64)
    if not np.isfinite(z).all():
        raise ValueError("write_asc: the grid has non-finite elevations")
    ny, nx = z.shape
    if corner:
        head = [("xllcorner", grid.x0 - grid.cell / 2), ("yllcorner", grid.y0 - grid.cell / 2)]
    else:
        head = [("xllcenter", grid.x0), ("yllcenter", grid.y0)]
    out = [f"ncols {nx}", f"nrows {ny}", *(f"{k} {float(v)!r}" for k, v in head),
           f"cellsize {float(grid.cell)!r}"]
    out.extend(" ".join(map(repr, row)) for row in z[::-1].tolist())
    Path(path).write_text("\n".join(out) + "\n", encoding="ascii")


# --- GeoTIFF --------------------------------------------------------------------------------


def _read_tif(p: Path, where: _Where, cell_m: float | None,
              origin: tuple[float, float] | None) -> Grid:
    try:
        import rasterio
        from rasterio.errors import CRSError, NotGeoreferencedWarning, RasterioError
    except (ImportError, OSError):
        where.fail(RASTERIO_MISSING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(p) as ds:
                return _from_dataset(ds, where, cell_m, origin)
    except (RasterioError, CRSError) as e:
        where.fail(f"is not a readable GeoTIFF ({_first_line(e)})")


def _from_dataset(ds: Any, where: _Where, cell_m: float | None,
                  origin: tuple[float, float] | None) -> Grid:
    if ds.count != 1:
        where.fail(f"has {ds.count} bands: a terrain GeoTIFF has one (the elevation)")
    dtype = np.dtype(ds.dtypes[0]) if not str(ds.dtypes[0]).startswith("c") else None
    if dtype is None or dtype.kind not in "iuf":
        where.fail(f"holds {ds.dtypes[0]} values: a terrain grid holds real numbers")
    _check_shape((int(ds.height), int(ds.width)), where, "one band")
    t = ds.transform
    if t.is_identity and ds.crs is None:  # no georeferencing: an image, row 0 north
        cell, (x0, y0) = _need_coordinates(cell_m, origin, where,
                                           "a TIFF without georeferencing")
    else:
        if t.b != 0 or t.d != 0:
            where.fail(f"is rotated or sheared (geotransform {tuple(t)[:6]}): only north-up "
                       f"rasters are read (warp it first, e.g. gdalwarp)")
        if not (t.e < 0 and t.a > 0):
            where.fail(f"is not north-up (pixel width {t.a!r}, height {t.e!r}; north-up has "
                       f"width > 0, height < 0): warp it first, e.g. gdalwarp")
        if abs(t.a + t.e) > 1e-9 * t.a:
            where.fail(f"has non-square pixels ({t.a!r} × {-t.e!r}): a terrain grid needs "
                       f"square cells (resample it first)")
        crs = ds.crs
        if crs is not None:
            if crs.is_geographic:
                where.fail("is in a geographic CRS (pixels in degrees): reproject it to a "
                           "projected CRS in metres first, e.g. gdalwarp -t_srs EPSG:326xx")
            try:
                unit, factor = crs.linear_units_factor
            except Exception:  # a CRS without a linear unit: taken as metres
                unit, factor = "metre", 1.0
            if abs(float(factor) - 1.0) > 1e-12:
                where.fail(f"is in {unit} (a CRS unit of {factor!r} m): reproject it to "
                           f"metres first")
        cell = float(t.a)
        _agree(cell_m, cell, where, "pixel size")
        if origin is not None:
            x0, y0 = origin
        else:
            x0 = float(t.c) + cell / 2
            y0 = float(t.f) + float(t.e) * (int(ds.height) - 0.5)
    band = ds.read(1, masked=True)
    z = np.ma.getdata(band).astype(np.float64)
    mask = np.ma.getmaskarray(band)
    scale, offset = float(ds.scales[0]), float(ds.offsets[0])
    if scale != 1.0 or offset != 0.0:
        z = z * scale + offset
    nx = int(ds.width)

    def locate(k: int) -> tuple[str, int | None]:
        return f"row {k // nx}, column {k % nx} (0-based, row 0 north)", None

    return _finish(z, where, locate, north_first=True, nodata=mask, x0=x0, y0=y0, cell=cell)


# --- coverage -------------------------------------------------------------------------------


def check_covers(grid: Grid, west: float, east: float, south: float, north: float, *,
                 file: str | None, line: int | None, field: str | None) -> None:
    """Refuse a grid whose nodes do not span the map.

    Parameters
    ----------
    grid
        The terrain.
    west, east, south, north
        The map's edges, metres (local).
    file, line, field
        Where the scenario names the terrain, for the error.

    Raises
    ------
    InputError
        Naming each edge the grid falls short of, and by how many metres. A shortfall within
        a rounding slack (1e-9 of the coordinates' magnitude) is accepted.
    """
    slack = 1e-9 * max(1.0, abs(west), abs(east), abs(south), abs(north), grid.cell)
    short = []
    if grid.x0 > west + slack:
        short.append(f"the west edge by {_fmt(grid.x0 - west)} m")
    if grid.x1 < east - slack:
        short.append(f"the east edge by {_fmt(east - grid.x1)} m")
    if grid.y0 > south + slack:
        short.append(f"the south edge by {_fmt(grid.y0 - south)} m")
    if grid.y1 < north - slack:
        short.append(f"the north edge by {_fmt(north - grid.y1)} m")
    if short:
        raise InputError(
            f"the terrain grid does not cover the map: it falls short of {', '.join(short)} "
            f"(its nodes span east {_fmt(grid.x0)} to {_fmt(grid.x1)} m, north "
            f"{_fmt(grid.y0)} to {_fmt(grid.y1)} m; the map spans east {_fmt(west)} to "
            f"{_fmt(east)} m, north {_fmt(south)} to {_fmt(north)} m)",
            file=file, line=line, field=field)
