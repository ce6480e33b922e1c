"""Terrain readers (``skyshield.terrain.io``) and synthetic relief
(``skyshield.terrain.synthetic``): round-trips, one InputError per bad input, and the
synthetic model's determinism, scaling and spectrum (``docs/model.md`` §4.9)."""

from __future__ import annotations

import itertools
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skyshield.errors import InputError
from skyshield.terrain.grid import Grid
from skyshield.terrain.io import (
    ELEVATION_MAX_M,
    ELEVATION_MIN_M,
    RASTERIO_MISSING,
    check_covers,
    read_grid,
    write_asc,
)
from skyshield.terrain.synthetic import synthetic_relief

WHERE: dict[str, Any] = {"file": "scenario.yaml", "line": 17, "field": "terrain.file"}


def read(path: Path, *, cell_m: float | None = None, origin: Any = None) -> Grid:
    return read_grid(path, cell_m=cell_m, origin=origin, file=WHERE["file"], line=WHERE["line"],
                     field=WHERE["field"])


def input_error(path: Path, **kw: Any) -> InputError:
    """The one InputError that reading ``path`` raises; it names the scenario's
    file/line/field and the terrain file, on one line."""
    with pytest.raises(InputError) as info:
        read(path, **kw)
    e = info.value
    assert (e.file, e.line, e.field) == (WHERE["file"], WHERE["line"], WHERE["field"])
    assert path.name in e.message
    assert "\n" not in str(e)
    return e


def sample_z(ny: int = 5, nx: int = 7, seed: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-100.0, 2500.0, (ny, nx))


# a 3 (north) × 4 (east) ESRI grid: the file's first row is the northern
ASC = """\
ncols 4
nrows 3
xllcorner 1000
yllcorner -2000
cellsize 50
NODATA_value -9999
30 31 32 33
20 21 22 23
10 11 12 13
"""


def write(tmp_path: Path, text: str, name: str = "dem.asc") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# --- round trips ----------------------------------------------------------------------------


def test_npy_round_trip_row_0_is_south(tmp_path: Path) -> None:
    z = sample_z()
    p = tmp_path / "dem.npy"
    np.save(p, z)
    g = read(p, cell_m=25.0, origin=(-300.0, 1200.5))
    assert g.z.dtype == np.float64 and g.z.tobytes() == z.tobytes()
    assert (g.x0, g.y0, g.cell) == (-300.0, 1200.5, 25.0)
    # row 0 south: the node at (x0, y0) is z[0, 0]
    assert g.elevation(-300.0, 1200.5) == z[0, 0]
    assert g.elevation(-300.0 + 6 * 25.0, 1200.5 + 4 * 25.0) == z[4, 6]


def test_npy_integer_dtype_reads_as_float64(tmp_path: Path) -> None:
    p = tmp_path / "dem.npy"
    np.save(p, np.arange(12, dtype=np.int16).reshape(3, 4))
    g = read(p, cell_m=10.0, origin=(0.0, 0.0))
    assert g.z.dtype == np.float64 and g.z[2, 3] == 11.0


def test_asc_hand_written_is_flipped_south_first_at_cell_centres(tmp_path: Path) -> None:
    g = read(write(tmp_path, ASC))
    assert g.shape == (3, 4)
    np.testing.assert_array_equal(g.z[0], [10, 11, 12, 13])  # the file's last row: south
    np.testing.assert_array_equal(g.z[2], [30, 31, 32, 33])
    assert (g.x0, g.y0, g.cell) == (1025.0, -1975.0, 50.0)  # corner + half a cell
    assert (g.x1, g.y1) == (1175.0, -1875.0)


def test_asc_center_header_keywords_any_case_and_order(tmp_path: Path) -> None:
    text = ("NROWS 2\nXLLCENTER 5.5\nncols 2\nYllCenter -7\nCellSize 2\n\n"
            "1 2\n\n3 4\n")
    g = read(write(tmp_path, text))
    assert (g.x0, g.y0, g.cell) == (5.5, -7.0, 2.0)
    np.testing.assert_array_equal(g.z, [[3, 4], [1, 2]])


def test_asc_gdal_dx_dy_equal_is_a_cell_size(tmp_path: Path) -> None:
    text = "ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ndx 4\ndy 4\n1 2\n3 4\n"
    assert read(write(tmp_path, text)).cell == 4.0


@pytest.mark.parametrize("corner", [False, True], ids=["center", "corner"])
def test_asc_round_trip(tmp_path: Path, corner: bool) -> None:
    z = sample_z(6, 9)
    g = Grid(z=z, x0=-1234.5, y0=987.25, cell=12.5)
    p = tmp_path / "dem.asc"
    write_asc(p, g, corner=corner)
    head = p.read_text().splitlines()[2]
    assert head.startswith("xllcorner" if corner else "xllcenter")
    back = read(p)
    assert back.z.tobytes() == z.tobytes()
    assert (back.x0, back.y0, back.cell) == (g.x0, g.y0, g.cell)


def test_asc_origin_overrides_the_files_position(tmp_path: Path) -> None:
    g = read(write(tmp_path, ASC), origin=(0.0, 0.0))
    assert (g.x0, g.y0, g.cell) == (0.0, 0.0, 50.0)


def test_asc_cell_m_must_agree_with_the_file(tmp_path: Path) -> None:
    p = write(tmp_path, ASC)
    assert read(p, cell_m=50.0).cell == 50.0
    assert "disagrees" in input_error(p, cell_m=30.0).message


def test_asc_nodata_value_without_nodata_cells_is_fine(tmp_path: Path) -> None:
    assert read(write(tmp_path, ASC)).z.min() == 10.0


def north_up(west: float, north: float, width: float, height: float) -> Any:
    """rasterio's ``from_origin``, without the ``*`` that affine ≥ 3.1 deprecates."""
    from rasterio.transform import Affine

    return Affine(width, 0.0, west, 0.0, -height, north)


def tif(path: Path, z_north_first: np.ndarray, **profile: Any) -> Path:
    rasterio = pytest.importorskip("rasterio")

    meta: dict[str, Any] = {
        "driver": "GTiff", "height": z_north_first.shape[-2], "width": z_north_first.shape[-1],
        "count": 1 if z_north_first.ndim == 2 else z_north_first.shape[0],
        "dtype": str(z_north_first.dtype), "crs": "EPSG:32633",
        "transform": north_up(500_000.0, 4_600_000.0, 30.0, 30.0),
    }
    meta.update(profile)
    with rasterio.open(path, "w", **meta) as ds:
        if z_north_first.ndim == 2:
            ds.write(z_north_first, 1)
        else:
            ds.write(z_north_first)
    return path


def _has_rasterio() -> bool:
    try:
        import rasterio  # noqa: F401
    except ImportError:
        return False
    return True


needs_rasterio = pytest.mark.skipif(
    not _has_rasterio(), reason="rasterio (extra 'terrain') is not installed: GeoTIFF untested")


@needs_rasterio
@pytest.mark.parametrize("dtype", ["float32", "float64", "int16"])
def test_tif_round_trip_north_up_pixel_centres(tmp_path: Path, dtype: str) -> None:
    z = sample_z(5, 8).astype(dtype)
    p = tif(tmp_path / "dem.tif", z[::-1].copy())  # the raster stores north first
    g = read(p)
    np.testing.assert_array_equal(g.z, z.astype(np.float64))
    assert g.cell == 30.0
    assert g.x0 == 500_000.0 + 15.0
    assert g.y0 == 4_600_000.0 - 30.0 * 4.5  # the southern row's centres
    assert g.y1 == 4_600_000.0 - 15.0
    assert read(p, origin=(0.0, 0.0), cell_m=30.0).x0 == 0.0


@needs_rasterio
def test_tif_band_scale_and_offset_are_applied_and_cell_m_must_agree(tmp_path: Path) -> None:
    import rasterio

    raw = np.array([[0, 10, 20], [30, 40, 50]], dtype="int16")  # north first
    p = tif(tmp_path / "scaled.tif", raw)
    with rasterio.open(p, "r+") as ds:
        ds.scales = (0.5,)
        ds.offsets = (100.0,)
    g = read(p)
    np.testing.assert_array_equal(g.z, [[115.0, 120.0, 125.0], [100.0, 105.0, 110.0]])
    assert "disagrees with the file's pixel size 30.0" in input_error(p, cell_m=10.0).message


@needs_rasterio
def test_tif_and_asc_agree(tmp_path: Path) -> None:
    z = sample_z(4, 6)
    g_tif = read(tif(tmp_path / "dem.tiff", z[::-1].copy()))
    p = tmp_path / "dem.asc"
    write_asc(p, g_tif)
    g_asc = read(p)
    assert g_asc.z.tobytes() == g_tif.z.tobytes()
    assert (g_asc.x0, g_asc.y0, g_asc.cell) == (g_tif.x0, g_tif.y0, g_tif.cell)


@needs_rasterio
@pytest.mark.parametrize("corner", [False, True], ids=["center", "corner"])
def test_asc_reads_as_gdal_reads_it(tmp_path: Path, corner: bool) -> None:
    """GDAL's own AAIGrid driver (through rasterio) on the files :func:`write_asc` writes and
    on a hand-written one: the same elevations and the same pixel centres."""
    import rasterio

    p = tmp_path / "dem.asc"
    write_asc(p, Grid(z=sample_z(5, 7), x0=100.0, y0=-250.0, cell=25.0), corner=corner)
    for path in (p, write(tmp_path, ASC, "hand.asc")):
        g = read(path)
        with rasterio.open(path, DATATYPE="Float64") as ds:  # GDAL's default is Float32
            z = ds.read(1)[::-1]
            t = ds.transform
            h = ds.height
        np.testing.assert_array_equal(g.z, z)
        assert g.cell == t.a == -t.e
        assert g.x0 == pytest.approx(t.c + t.a / 2, abs=1e-9)
        assert g.y0 == pytest.approx(t.f + t.e * (h - 0.5), abs=1e-9)


def test_tif_without_rasterio_says_how_to_install(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "dem.tif"
    p.write_bytes(b"II*\x00")
    monkeypatch.setitem(sys.modules, "rasterio", None)  # import rasterio → ImportError
    e = input_error(p)
    assert RASTERIO_MISSING in e.message


# --- bad inputs: one InputError each ------------------------------------------------------


def test_missing_file_directory_and_unknown_type(tmp_path: Path) -> None:
    assert "does not exist" in input_error(tmp_path / "nowhere.asc").message
    d = tmp_path / "folder.asc"
    d.mkdir()
    assert "is not a file" in input_error(d).message
    with pytest.raises(InputError, match=re.escape("nul\\x00.asc': ")):  # escaped, one line
        read(tmp_path / "nul\x00.asc")
    e = input_error(write(tmp_path, "1 2\n3 4\n", "dem.xyz"))
    assert "unknown type '.xyz'" in e.message and ".asc" in e.message


def npy(tmp_path: Path, a: np.ndarray, **kw: Any) -> Path:
    p = tmp_path / "dem.npy"
    np.save(p, a, **kw)
    return p


@pytest.mark.parametrize(("array", "words"), [
    (np.zeros(5), "1-D array"),
    (np.zeros((2, 3, 4)), "3-D array"),
    (np.zeros((1, 5)), "1×5 nodes"),
    (np.zeros((5, 1)), "5×1 nodes"),
    (np.zeros((3, 3), dtype=complex), "complex128 values"),
    (np.zeros((3, 3), dtype=bool), "bool values"),
])
def test_npy_bad_shape_or_dtype(tmp_path: Path, array: np.ndarray, words: str) -> None:
    assert words in input_error(npy(tmp_path, array), cell_m=1.0, origin=(0, 0)).message


def test_npy_pickled_or_not_npy_at_all(tmp_path: Path) -> None:
    p = npy(tmp_path, np.array([[None, 1], [2, 3]], dtype=object), allow_pickle=True)
    assert "not a readable .npy array" in input_error(p, cell_m=1.0, origin=(0, 0)).message
    p.write_bytes(b"ncols 2\n")
    assert "not a NumPy .npy file" in input_error(p, cell_m=1.0, origin=(0, 0)).message
    p.write_bytes(np.lib.format.magic(1, 0) + b"\x10\x00{'descr': '<f8'")  # cut short
    assert "not a readable .npy array" in input_error(p, cell_m=1.0, origin=(0, 0)).message


def test_npy_needs_cell_and_origin(tmp_path: Path) -> None:
    p = npy(tmp_path, np.zeros((3, 3)))
    assert "give cell_m and origin" in input_error(p).message
    assert "give origin" in input_error(p, cell_m=5.0).message
    assert "give cell_m" in input_error(p, origin=(0, 0)).message
    for bad in (0.0, -5.0, float("nan"), float("inf")):
        assert "cell_m must be > 0" in input_error(p, cell_m=bad, origin=(0, 0)).message
    assert "origin must be finite" in input_error(p, cell_m=1.0,
                                                  origin=(0, float("nan"))).message
    assert "origin must be (east, north)" in input_error(p, cell_m=1.0, origin=(1, 2, 3)).message


def test_npy_nan_inf_cells_counted_first_located(tmp_path: Path) -> None:
    z = np.zeros((4, 5))
    z[1, 3] = np.nan
    z[2, 0] = np.inf
    z[3, 4] = np.nan
    e = input_error(npy(tmp_path, z), cell_m=1.0, origin=(0, 0))
    assert "3 cells are NODATA/NaN" in e.message
    assert "first at row 1, column 3 (0-based, row 0 south)" in e.message


@pytest.mark.parametrize("bad", [ELEVATION_MAX_M + 1, ELEVATION_MIN_M - 1, -9999.0])
def test_npy_elevation_out_of_range(tmp_path: Path, bad: float) -> None:
    z = np.full((3, 3), 100.0)
    z[2, 1] = bad
    e = input_error(npy(tmp_path, z), cell_m=1.0, origin=(0, 0))
    assert "1 cell is outside [-500, 9000] m" in e.message
    assert f"first at row 2, column 1 (0-based, row 0 south): {bad!r} m" in e.message


def asc_lines(**change: str | None) -> str:
    """:data:`ASC` with header lines replaced (``key=None`` drops the line)."""
    out: list[str] = []
    for s in ASC.splitlines():
        key = s.split()[0].lower()
        if key in change:
            new = change[key]
            if new is not None:
                out.append(new)
        else:
            out.append(s)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize(("text", "line", "words"), [
    ("", None, "is empty"),
    ("\n  \n", None, "is empty"),
    (asc_lines(cellsize="cellsize fifty"), 5, "cellsize must be a number, not 'fifty'"),
    (asc_lines(ncols="ncols 4.0"), 1, "ncols must be a whole number, not '4.0'"),
    (asc_lines(nrows="nrows three"), 2, "nrows must be a whole number"),
    (asc_lines(xllcorner="xllcorner 1e3x"), 3, "xllcorner must be a number"),
    (asc_lines(yllcorner="yllcorner nan"), 4, "yllcorner must be finite"),
    (asc_lines(cellsize="cellsize 0"), 5, "the cell size must be > 0, not 0.0"),
    (asc_lines(cellsize="cellsize -50"), 5, "the cell size must be > 0, not -50.0"),
    (asc_lines(cellsize="cellsize inf"), 5, "the cell size must be > 0, not inf"),
    (asc_lines(cellsize="dx 50\ndy 40"), 6, "non-square cells (dx 50.0, dy 40.0)"),
    (asc_lines(cellsize="dx 50"), 7, "the header has no cellsize (or dx and dy)"),
    (asc_lines(cellsize="cellsize 50\ndx 50"), 6, "cellsize and dx/dy"),
    (asc_lines(cellsize=None), 6, "the header has no cellsize"),
    (asc_lines(ncols=None), 6, "the header has no ncols"),
    (asc_lines(xllcorner=None), 6, "the header has no xllcorner (or xllcenter)"),
    (asc_lines(yllcorner="yllcorner 0\nyllcenter 0"), 5, "both yllcorner and yllcenter"),
    (asc_lines(nodata_value="NODATA_value -9999\nnodata_value 0"), 7, "given twice"),
    (asc_lines(nodata_value="NODATA_value none"), 6, "nodata_value must be a number"),
    (asc_lines(nodata_value="nodata -9999"), 6, "unknown header keyword 'nodata'"),
    (asc_lines(cellsize="cellsze 50"), 5, "did you mean 'cellsize'"),
    (asc_lines(cellsize="cellsize 50 50"), 5, "'keyword value', not 3 words"),
    (asc_lines(ncols="ncols 1"), 1, "has 3×1 nodes"),
    (asc_lines(nrows="nrows 1"), 2, "has 1×4 nodes"),
    (ASC.replace("20 21 22 23", "20 21 22"), 8, "row 2 has 3 values where ncols (line 1) says 4"),
    (ASC.replace("20 21 22 23", "20 21 22 23 24"), 8, "row 2 has 5 values"),
    (ASC + "40 41 42 43\n", 10, "more rows of values than nrows 3"),
    (ASC.replace("10 11 12 13\n", ""), 2, "has 2 rows of values where nrows says 3"),
    (asc_lines(nodata_value="NODATA_value -9999", **{"30": None, "20": None, "10": None}),
     2, "has 0 rows of values where nrows says 3"),
    (ASC.replace("21", "2l"), 8, "value 2 of row 2, '2l', is not a number"),
    (ASC.replace("21", "2_1"), 8, "value 2 of row 2, '2_1', is not a number"),
    (ASC.replace("21", "٢١"), 8, "value 2 of row 2, '٢١', is not a number"),
    (ASC.replace(" 32 ", " -9999 ").replace(" 11 ", " -9999 ").replace("20 21", "nan 21"), 7,
     "3 cells are NODATA/NaN/inf (a terrain grid must be complete: fill or crop them), "
     "first at row 1, column 3"),
    (ASC.replace("13", "inf"), 9, "1 cell is NODATA/NaN/inf"),
    (ASC.replace("13", "1e999"), 9, "1 cell is NODATA/NaN/inf"),
    (ASC.replace("22", "9001"), 8, "1 cell is outside [-500, 9000] m"),
    (ASC.replace("22", "-501"), 8, "first at row 2, column 3 (1-based, row 1 the file's top "
                                   "row): -501.0 m"),
])
def test_asc_bad_input(tmp_path: Path, text: str, line: int | None, words: str) -> None:
    e = input_error(write(tmp_path, text))
    assert words in e.message
    at = f"'{tmp_path / 'dem.asc'}', line {line}:" if line else f"'{tmp_path / 'dem.asc'}':"
    assert at in e.message


def test_asc_not_utf8_names_the_line(tmp_path: Path) -> None:
    p = tmp_path / "dem.asc"
    p.write_bytes(ASC.encode().replace(b"22", b"\xff\xfe"))
    e = input_error(p)
    assert "line 8: is not a text file (byte 0xff" in e.message


def test_asc_nodata_nan_cells_and_unicode_spaces(tmp_path: Path) -> None:
    # NODATA_value nan: NaN cells are caught as such; no-break spaces separate like spaces
    text = asc_lines(nodata_value="NODATA_value nan").replace("31 32", "31\u00a032")
    assert read(write(tmp_path, text)).z[2, 2] == 32.0
    e = input_error(write(tmp_path, text.replace("12", "NaN")))
    assert "line 9: 1 cell is NODATA/NaN/inf" in e.message
    assert "first at row 3, column 3 (1-based, row 1 the file's top row)" in e.message


@needs_rasterio
def test_tif_bad_input(tmp_path: Path) -> None:
    from rasterio.transform import Affine

    z = np.full((3, 4), 50.0, dtype="float32")
    cases: list[tuple[dict[str, Any], np.ndarray, str]] = [
        ({"transform": Affine(30.0, 5.0, 0.0, 0.0, -30.0, 0.0)}, z, "rotated or sheared"),
        ({"transform": Affine(30.0, 0.0, 0.0, 0.0, 30.0, 0.0)}, z, "not north-up"),
        ({"transform": north_up(0.0, 0.0, 30.0, 25.0)}, z, "non-square pixels (30.0 × 25.0)"),
        ({"crs": "EPSG:4326", "transform": north_up(10.0, 50.0, 1e-3, 1e-3)}, z,
         "geographic CRS"),
        ({"crs": "EPSG:2263"}, z, "is in US survey foot"),
        ({}, np.stack([z, z]), "has 2 bands"),
        ({}, np.full((1, 4), 50.0, dtype="float32"), "1×4 nodes"),
        ({"nodata": -32768.0}, np.where(np.arange(12).reshape(3, 4) % 5 == 1, -32768.0,
                                        50.0).astype("float32"),
         "3 cells are NODATA/NaN/inf (a terrain grid must be complete: fill or crop them), "
         "first at row 0, column 1 (0-based, row 0 north)"),
        ({}, np.where(np.arange(12).reshape(3, 4) == 6, 9999.0, 50.0).astype("float32"),
         "1 cell is outside [-500, 9000] m (elevations in metres above sea level), first at "
         "row 1, column 2 (0-based, row 0 north): 9999.0 m"),
    ]
    for i, (profile, a, words) in enumerate(cases):
        p = tif(tmp_path / f"bad{i}.tif", a, **profile)
        assert words in input_error(p).message, (i, words)
    (tmp_path / "junk.tif").write_bytes(b"not a tiff at all")
    assert "not a readable GeoTIFF" in input_error(tmp_path / "junk.tif").message


@needs_rasterio
def test_tif_without_georeferencing_reads_as_an_image(tmp_path: Path) -> None:
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning

    z = sample_z(3, 4)
    p = tmp_path / "plain.tif"
    with pytest.warns(NotGeoreferencedWarning), rasterio.open(
            p, "w", driver="GTiff", height=3, width=4, count=1, dtype="float64") as ds:
        ds.write(z[::-1].copy(), 1)
    assert "give cell_m and origin" in input_error(p).message
    g = read(p, cell_m=10.0, origin=(5.0, 6.0))
    np.testing.assert_array_equal(g.z, z)
    assert (g.x0, g.y0, g.cell) == (5.0, 6.0, 10.0)


# --- coverage -------------------------------------------------------------------------------


def test_check_covers_names_each_short_edge() -> None:
    g = Grid(z=np.zeros((11, 21)), x0=0.0, y0=-500.0, cell=100.0)  # east 0–2000, north −500–500
    check_covers(g, 0.0, 2000.0, -500.0, 500.0, **WHERE)
    check_covers(g, 10.0, 1990.0, -400.0, 400.0, **WHERE)
    with pytest.raises(InputError) as info:
        check_covers(g, -250.0, 2000.0, -500.0, 612.5, **WHERE)
    e = info.value
    assert (e.file, e.line, e.field) == ("scenario.yaml", 17, "terrain.file")
    assert "falls short of the west edge by 250 m, the north edge by 112.5 m" in e.message
    assert "east" not in e.message.split("(")[0].replace("west", "")
    with pytest.raises(InputError, match=re.escape("the east edge by 0.5 m, the south edge by 1 m")):
        check_covers(g, 0.0, 2000.5, -501.0, 0.0, **WHERE)
    check_covers(g, 0.0, 2000.0 + 1e-9, -500.0, 500.0, **WHERE)  # rounding slack


# --- synthetic relief -----------------------------------------------------------------------


def relief(**kw: Any) -> Grid:
    args: dict[str, Any] = {"nx": 64, "ny": 48, "cell": 30.0, "seed": 7, "relief_m": 400.0,
                            "roughness": 0.7, "base_m": 120.0, "x0": -900.0, "y0": 300.0}
    args.update(kw)
    g: Grid = synthetic_relief(**args)
    return g


def test_synthetic_same_seed_same_bytes_other_seed_other_grid() -> None:
    a, b = relief(), relief()
    assert a.z.tobytes() == b.z.tobytes()
    assert relief(seed=8).z.tobytes() != a.z.tobytes()
    assert relief(roughness=0.5).z.tobytes() != a.z.tobytes()


def test_synthetic_relief_and_minimum_exactly_as_asked() -> None:
    g = relief()
    assert g.shape == (48, 64) and g.z.dtype == np.float64 and g.z.flags.c_contiguous
    assert (g.x0, g.y0, g.cell) == (-900.0, 300.0, 30.0)
    assert g.z.min() == 120.0 and g.z.max() == 520.0
    assert g.z.max() - g.z.min() == 400.0


def test_synthetic_golden_values() -> None:
    """The stream is pinned: PCG64(SeedSequence(1)) normals, the documented filter, NumPy's
    FFT (to 1e-9 m: an FFT's last-bit rounding may move between NumPy releases)."""
    g = synthetic_relief(4, 3, 10.0, seed=1, relief_m=100.0, roughness=0.5, x0=0.0, y0=0.0)
    expect = np.array([[75.8463272531, 97.6980095648, 68.5947843475, 0.0],
                       [100.0, 86.298347536, 64.7656413795, 62.3804048196],
                       [28.6477031484, 6.728857637, 10.4890321771, 37.7557326709]])
    np.testing.assert_allclose(g.z, expect, rtol=0, atol=1e-9)


def reference_relief(nx: int, ny: int, cell: float, seed: int, roughness: float) -> np.ndarray:
    """The docstring's equations, written out with a full complex FFT (not rfft): the
    implementation equals them, before rescaling."""
    my, mx = 2 * ny, 2 * nx
    w = np.random.default_rng(seed).standard_normal((my, mx))
    ky, kx = np.meshgrid(np.fft.fftfreq(my, cell), np.fft.fftfreq(mx, cell), indexing="ij")
    k = np.hypot(kx, ky)
    a = np.maximum(k, 1.0 / (cell * max(nx, ny))) ** (-(2 * roughness + 2) / 2)
    a[0, 0] = 0.0
    f = np.fft.ifft2(np.fft.fft2(w) * a).real[:ny, :nx]
    out: np.ndarray = (f - f.min()) / (f.max() - f.min())
    return out


@pytest.mark.parametrize(("nx", "ny", "h"), [(16, 9, 0.3), (7, 12, 1.0), (2, 2, 0.5)])
def test_synthetic_equals_its_equations(nx: int, ny: int, h: float) -> None:
    g = synthetic_relief(nx, ny, 20.0, seed=11, relief_m=1.0, roughness=h, x0=0.0, y0=0.0)
    np.testing.assert_allclose(g.z, reference_relief(nx, ny, 20.0, 11, h), rtol=0, atol=1e-12)


def radial_slope(z: np.ndarray, cell: float) -> float:
    """The log-log slope of the radially averaged 2-D periodogram (Hann-windowed), between
    4 k_c and a quarter of the sampling wavenumber."""
    ny, nx = z.shape
    a = (z - z.mean()) * np.outer(np.hanning(ny), np.hanning(nx))
    p = np.abs(np.fft.fft2(a)) ** 2
    k = np.hypot(*np.meshgrid(np.fft.fftfreq(ny, cell), np.fft.fftfreq(nx, cell),
                              indexing="ij"))
    edges = np.geomspace(4.0 / (cell * max(nx, ny)), 0.25 / cell, 12)
    ks, ps = [], []
    for lo, hi in itertools.pairwise(edges):
        m = (k >= lo) & (k < hi)
        ks.append(np.exp(np.log(k[m]).mean()))
        ps.append(p[m].mean())
    return float(np.polyfit(np.log(ks), np.log(ps), 1)[0])


@pytest.mark.parametrize("h", [0.2, 0.5, 0.9])
def test_synthetic_power_spectrum_slope_is_about_minus_beta(h: float) -> None:
    slopes = [radial_slope(synthetic_relief(256, 256, 25.0, seed=s, relief_m=300.0,
                                            roughness=h, x0=0.0, y0=0.0).z, 25.0)
              for s in range(3)]
    beta = 2 * h + 2
    assert abs(np.mean(slopes) + beta) < 0.3, (slopes, -beta)


@pytest.mark.parametrize(("kw", "words"), [
    ({"nx": 1}, "at least 2×2"),
    ({"ny": 0}, "at least 2×2"),
    ({"nx": 3.0}, "at least 2×2"),
    ({"seed": -1}, "seed"),
    ({"seed": 1.5}, "seed"),
    ({"cell": 0.0}, "cell"),
    ({"relief_m": 0.0}, "relief_m"),
    ({"relief_m": float("inf")}, "relief_m"),
    ({"roughness": 0.0}, "roughness"),
    ({"roughness": 1.01}, "roughness"),
    ({"roughness": float("nan")}, "roughness"),
    ({"base_m": float("nan")}, "base_m"),
    ({"x0": float("inf")}, "x0"),
])
def test_synthetic_refuses_bad_arguments(kw: dict[str, Any], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        relief(**kw)


@settings(max_examples=60, deadline=None)
@given(nx=st.integers(2, 40), ny=st.integers(2, 40), seed=st.integers(0, 2**64 - 1),
       relief_m=st.floats(1e-3, 9000.0), roughness=st.floats(1e-3, 1.0),
       base_m=st.floats(-500.0, 500.0), cell=st.floats(0.5, 500.0))
def test_synthetic_any_arguments_give_finite_values_in_range(
        nx: int, ny: int, seed: int, relief_m: float, roughness: float, base_m: float,
        cell: float) -> None:
    g = synthetic_relief(nx, ny, cell, seed=seed, relief_m=relief_m, roughness=roughness,
                         base_m=base_m, x0=0.0, y0=0.0)
    assert g.shape == (ny, nx)
    assert np.isfinite(g.z).all()
    assert g.z.min() == base_m and g.z.max() == base_m + relief_m
    assert g.z.max() - g.z.min() == pytest.approx(relief_m, rel=1e-12, abs=1e-12)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), nx=st.integers(2, 30), ny=st.integers(2, 30),
       corner=st.booleans())
def test_synthetic_written_as_asc_reads_back_identically(
        tmp_path_factory: pytest.TempPathFactory, seed: int, nx: int, ny: int,
        corner: bool) -> None:
    g = synthetic_relief(nx, ny, 7.5, seed=seed, relief_m=800.0, roughness=0.6, base_m=-50.0,
                         x0=-3.75, y0=11.25)
    p = tmp_path_factory.mktemp("rt") / "relief.asc"
    write_asc(p, g, corner=corner)
    back = read(p)
    assert back.z.tobytes() == g.z.tobytes()
    assert (back.x0, back.y0, back.cell) == (g.x0, g.y0, g.cell)


# --- fuzzing the .asc reader: nothing but InputError ----------------------------------------

_TOKENS = ["ncols", "nrows", "xllcorner", "xllcenter", "yllcorner", "yllcenter", "cellsize",
           "NODATA_value", "dx", "dy", "0", "1", "2", "3", "4", "-1", "50", "-9999", "9001",
           "nan", "inf", "-inf", "1e999", "1e-999", "4.0", "1_0", "x", "٣", "\x00", "\t",
           "\r", " ", "\u00a0", "\u2028", "\x0c", "+", "-", ".", "e5", "99999999999999999999"]


@st.composite
def mutated_asc(draw: st.DrawFn) -> str:
    """:data:`ASC`, or its tokens, mutated: tokens replaced, dropped or inserted, lines
    dropped, duplicated or swapped."""
    lines = [s.split() for s in ASC.splitlines()]
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["replace", "drop", "insert", "dropline", "dupline",
                                   "swap", "text"]))
        i = draw(st.integers(0, len(lines) - 1)) if lines else 0
        if op == "dropline" and lines:
            del lines[i]
        elif op == "dupline" and lines:
            lines.insert(i, list(lines[i]))
        elif op == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif lines:
            row = lines[i]
            j = draw(st.integers(0, max(len(row) - 1, 0)))
            token = draw(st.sampled_from(_TOKENS) | st.text(max_size=6))
            if op == "replace" and row:
                row[j] = token
            elif op == "drop" and row:
                del row[j]
            else:
                row.insert(j, token)
    return "\n".join(" ".join(row) for row in lines) + draw(st.sampled_from(["", "\n", "\r\n"]))


def read_or_input_error(path: Path) -> None:
    try:
        g = read(path)
    except InputError as e:
        assert (e.file, e.line, e.field) == (WHERE["file"], WHERE["line"], WHERE["field"])
        assert "\n" not in str(e) and path.name in e.message
        return
    ny, nx = g.shape
    assert ny >= 2 and nx >= 2 and g.cell > 0
    assert np.isfinite(g.z).all()
    assert ELEVATION_MIN_M <= g.z.min() and g.z.max() <= ELEVATION_MAX_M


@settings(max_examples=300, deadline=None)
@given(text=mutated_asc())
def test_fuzzed_asc_text_raises_nothing_but_input_error(
        tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    p = tmp_path_factory.getbasetemp() / "fuzz.asc"
    p.write_text(text, encoding="utf-8", errors="surrogatepass")
    read_or_input_error(p)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300) | st.text(max_size=300).map(
    lambda s: s.encode("utf-8", "surrogatepass")))
def test_arbitrary_bytes_as_asc_raise_nothing_but_input_error(
        tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    p = tmp_path_factory.getbasetemp() / "fuzz-bytes.asc"
    p.write_bytes(data)
    read_or_input_error(p)
