"""Reading a run folder for the report: summary, map layout, tables, recorded replications
and the optional raid-size sweep.

The folder format is the contract of ``docs/architecture.md``; this module only reads it.
Anything missing or malformed becomes an :class:`~skyshield.errors.InputError` that names the
file, so ``skyshield report`` prints one line and exits 2.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from skyshield.contract import REPORT_TABLES
from skyshield.errors import InputError, field_path
from skyshield.results.folder import check_run_folder
from skyshield.terrain.grid import Grid


@dataclass
class SweepPoint:
    """One point of ``sweep.duckdb``'s ``sweep_points`` table."""

    point: int
    params: dict[str, Any]
    replications: int
    seed: int
    vip_p_loss: float
    vip_lo: float
    vip_hi: float
    summary: dict[str, Any]


@dataclass
class RunData:
    """Everything the report shows, read from one run folder.

    Attributes
    ----------
    tables
        Column arrays per table (``{"effector_timeline": {"t_s": ndarray, ...}, ...}``), in the
        row order of the file.
    sweep
        The raid-size sweep points sorted by ``point``, or ``None`` when the folder has no
        ``sweep.duckdb``.
    """

    folder: Path
    summary: dict[str, Any]
    layout: dict[str, Any]
    tables: dict[str, dict[str, np.ndarray]]
    sweep: list[SweepPoint] | None = None
    sweep_source: str | None = None
    notes: list[str] = field(default_factory=list)
    #: why a ``sweep.duckdb`` in the folder is not shown (another scenario's), or ``None``
    sweep_skipped: str | None = None
    #: ``frontier.json`` of ``skyshield frontier --out`` into this folder (same scenario)
    frontier: dict[str, Any] | None = None
    #: ``value_of_information.json`` of ``skyshield report --value-of-information`` (same
    #: scenario)
    voi: dict[str, Any] | None = None
    #: ``terrain_value.json`` of ``skyshield report --terrain-value`` (same scenario)
    terrain_value: dict[str, Any] | None = None
    #: ``faults.json`` of ``skyshield faults --out`` into this folder (same scenario)
    faults: dict[str, Any] | None = None
    #: the ground of the run's scenario under terrain (from its ``scenario.yaml``), for the
    #: replay's heights above sea level; ``None`` without terrain, or when it cannot be read
    ground: Grid | None = None

    @property
    def recorded_reps(self) -> list[int]:
        """Replications with an event log or positions, ascending."""
        reps = set(self.tables["events"]["rep"].tolist())
        reps |= set(self.tables["positions"]["rep"].tolist())
        return sorted(int(r) for r in reps)


def _read_json(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text (byte {exc.start + 1})", file=str(path),
                         line=line) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", file=str(path), line=exc.lineno) from None
    except RecursionError:
        raise InputError("not valid JSON: nested too deeply", file=str(path)) from None


def _check(model: type[BaseModel], obj: Any, path: Path, what: str) -> None:
    """Raise one line naming the file and field when ``obj`` is not what the report reads."""
    try:
        model.model_validate(obj)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(f"not a skyshield {what}: {err['msg'].lower()}", file=str(path),
                         field=field_path(err["loc"]) or None) from None


# What the report reads of summary.json and layout.json (other keys are allowed): their types
# are checked before anything is drawn. Strict: a number is a JSON number, never a string.
_Num = float | None
_Pair = Annotated[list[_Num], Field(min_length=2, max_length=2)]
_FINITE = ConfigDict(strict=True, extra="allow", allow_inf_nan=False)
_ANY = ConfigDict(strict=True, extra="allow")


class _Asset(BaseModel):
    model_config = _ANY
    name: str
    kind: str
    value: _Num = None
    p_loss: _Num
    p_loss_ci95: _Pair
    hits_mean: _Num = None


class _Wave(BaseModel):
    model_config = _ANY
    name: str
    launched_mean: _Num = None
    killed_mean: _Num = None
    leaked_mean: _Num = None
    expired_mean: _Num = None


class _Threats(_Wave):
    name: str = ""
    waves: list[_Wave] = []


class _Effector(BaseModel):
    model_config = _ANY
    name: str
    shots_mean: _Num = None
    kills_mean: _Num = None
    cost_mean: _Num = None
    cost_per_kill: _Num = None
    magazine: _Num = None
    stock: _Num = None
    delivered: _Num = None
    p_dry: _Num = None
    dry_time_median_s: _Num = None
    rounds_left_mean: _Num = None


class _Sensor(BaseModel):
    model_config = _ANY
    name: str
    kind: str = ""
    tracked_mean: _Num = None
    p_detect: _Num = None
    p_detect_ci95: _Pair | None = None


class _Cost(BaseModel):
    model_config = _ANY
    defence_mean: _Num = None
    defence_ci95: _Pair | None = None
    attack_mean: _Num = None
    exchange_ratio: _Num = None
    damage_value_mean: _Num = None


class _FriendlyFire(BaseModel):
    model_config = _ANY
    p_event: _Num = None
    p_event_ci95: _Pair | None = None


class _Leak(BaseModel):
    model_config = _ANY
    p_leaked: _Num = None


class _Summary(BaseModel):
    model_config = _ANY
    scenario: str | None = None
    replications: int
    seed: int
    assets: list[_Asset]
    threats: _Threats = _Threats()
    effectors: list[_Effector] = []
    sensors: list[_Sensor] = []
    cost: _Cost = _Cost()
    friendly_fire: _FriendlyFire = _FriendlyFire()
    leak: _Leak | None = None


class _VoiAsset(BaseModel):
    model_config = _ANY
    name: str
    p_loss: _Num
    p_loss_ci95: _Pair
    d_p_loss: _Num
    d_p_loss_ci95: _Pair


class _VoiSetting(BaseModel):
    model_config = _ANY
    key: str
    label: str
    assets: list[_VoiAsset]
    site_value: _Num
    site_value_ci95: _Pair
    d_site_value: _Num
    d_site_value_ci95: _Pair
    rounds: _Num
    d_rounds: _Num
    d_rounds_ci95: _Pair


class _Voi(BaseModel):
    """``value_of_information.json`` (:mod:`skyshield.analysis.value_of_information`)."""

    model_config = _ANY
    scenario: str | None = None
    scenario_hash: str | None = None
    replications: int
    seed: int
    settings: Annotated[list[_VoiSetting], Field(min_length=1)]


class _TvSensor(BaseModel):
    model_config = _ANY
    name: str
    kind: str = ""
    p_detect: _Num
    p_detect_ci95: _Pair
    d_p_detect: _Num
    d_p_detect_ci95: _Pair


class _TvSetting(_VoiSetting):
    sensors: list[_TvSensor]


class _TerrainValue(BaseModel):
    """``terrain_value.json`` (:mod:`skyshield.analysis.terrain_value`)."""

    model_config = _ANY
    scenario: str | None = None
    scenario_hash: str | None = None
    replications: int
    seed: int
    settings: Annotated[list[_TvSetting], Field(min_length=1)]


class _FaultObjective(BaseModel):
    model_config = _ANY
    value: _Num = None
    delta: float
    delta_ci95: Annotated[list[float], Field(min_length=2, max_length=2)]


class _Fault(BaseModel):
    model_config = _ANY
    fault: str
    description: str
    objective: _FaultObjective
    significant: bool
    single_point_of_failure: bool


class _Setting(BaseModel):
    model_config = _ANY
    label: str
    objective: _FaultObjective


class _Sensitivity(BaseModel):
    model_config = _ANY
    parameter: str
    low: _Setting | None = None
    high: _Setting | None = None


class _BaseObjective(BaseModel):
    model_config = _ANY
    value: float


class _Baseline(BaseModel):
    model_config = _ANY
    objective: _BaseObjective


class _Faults(BaseModel):
    """``faults.json`` (:class:`skyshield.analysis.faults.FaultReport`)."""

    model_config = _ANY
    scenario: str
    scenario_hash: str | None = None
    vip: str
    replications: int
    seed: int
    baseline: _Baseline
    faults: list[_Fault]
    sensitivity: list[_Sensitivity]


_XY = Annotated[list[float], Field(min_length=2, max_length=2)]


class _Area(BaseModel):
    model_config = _FINITE
    west_m: float
    east_m: float
    south_m: float
    north_m: float


class _Circle(BaseModel):
    model_config = _FINITE
    center: _XY
    radius_m: float


class _Named(BaseModel):
    model_config = _FINITE
    name: str


class _Raid(_Named):
    threat: str
    launch_area: _Circle


class _LeakArea(BaseModel):
    model_config = _FINITE
    threat: str
    launch_area: _Circle


class _Equipment(_Named):
    kind: int
    position: _XY | None = None
    range_m: float


class _Fixed(_Named):
    position: _XY


class _Moving(_Named):
    waypoints: list[_XY]


class _Lattice(BaseModel):
    """A raster of the layout (:mod:`skyshield.scenario.terrain_map`)."""

    model_config = _FINITE
    x0: float
    y0: float
    cell_m: Annotated[float, Field(gt=0.0)]
    nx: Annotated[int, Field(ge=1)]
    ny: Annotated[int, Field(ge=1)]
    encoding: str
    data: str


class _LayoutSensor(_Equipment):
    masked_coverage: _Lattice | None = None


class _Terrain(BaseModel):
    model_config = _FINITE
    elevation: _Lattice
    coverage_altitude_m: float


class _Layout(BaseModel):
    model_config = _FINITE
    name: str | None = None
    area: _Area
    moving: list[_Moving] = []
    fixed: list[_Fixed] = []
    sensors: list[_LayoutSensor] = []
    effectors: list[_Equipment] = []
    raids: list[_Raid] = []
    leak: _LeakArea | None = None
    weapons_free_zones: list[_Circle] = []
    terrain: _Terrain | None = None


def _check_lattices(layout: dict[str, Any], path: Path) -> None:
    """Raise one line naming the file and field when a raster of the layout does not decode
    (an unknown encoding, data of the wrong length, not base64)."""
    from binascii import Error as Base64Error

    from skyshield.scenario.terrain_map import lattice_array

    found: list[tuple[str, Any]] = []
    if layout.get("terrain") is not None:
        found.append(("terrain.elevation", layout["terrain"]["elevation"]))
    for k, s in enumerate(layout.get("sensors", [])):
        if s.get("masked_coverage") is not None:
            found.append((f"sensors[{k}].masked_coverage", s["masked_coverage"]))
    for where, lat in found:
        try:
            lattice_array(lat)
        except (ValueError, Base64Error) as exc:
            raise InputError(f"not a skyshield map layout: a raster that does not decode "
                             f"({exc})", file=str(path), field=where) from None


def _table_columns(table: Any) -> dict[str, np.ndarray]:
    """An Arrow table as numpy columns (strings and nullable columns as object arrays)."""
    out: dict[str, np.ndarray] = {}
    for name in table.column_names:
        col = table.column(name)
        if col.null_count == 0 and not (
            str(col.type).startswith(("string", "large_string"))
        ):
            out[name] = col.to_numpy()
        else:
            out[name] = np.asarray(col.to_pylist(), dtype=object)
    return out


#: The columns the report reads, by table: ``f`` a number, ``i`` an integer, ``s`` text;
#: upper case: never NULL (and, for numbers, finite).
_COLUMNS: dict[str, dict[str, str]] = {
    "summary_effectors": {"effector": "s"},
    "effector_timeline": {"t_s": "F", "effector": "s", "shots_mean": "f"},
    "timeline": {"t_s": "F", "wave": "s", "launched_mean": "f", "killed_mean": "f",
                 "leaked_mean": "f"},
    "events": {"rep": "I", "t_s": "F", "kind": "S", "drone": "i", "wave": "s",
               "effector": "s", "asset": "s", "x": "f", "y": "f"},
    "positions": {"rep": "I", "t_s": "F", "entity": "S", "id": "I", "x": "F", "y": "F",
                  "state": "s"},
}


def _check_table(name: str, table: Any, path: Path) -> None:
    """Raise one line naming the file and column when a table lacks a column the report
    reads, holds it with the wrong type, or has a NULL (or a NaN) where it needs a value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kinds = {"f": (pa.types.is_floating, pa.types.is_integer, pa.types.is_decimal),
             "i": (pa.types.is_integer,),
             "s": (pa.types.is_string, pa.types.is_large_string)}
    words = {"f": "numbers", "i": "integers", "s": "text"}
    for col, spec in _COLUMNS.get(name, {}).items():
        kind = spec.lower()
        if col not in table.column_names:
            raise InputError(f"table '{name}' has no column '{col}'", file=str(path))
        column = table.column(col)
        typ = column.type
        if not (pa.types.is_null(typ) or any(ok(typ) for ok in kinds[kind])):
            raise InputError(f"table '{name}', column '{col}': {typ}, not {words[kind]}",
                             file=str(path))
        if spec.isupper() and table.num_rows:
            missing = column.null_count > 0 or pa.types.is_null(typ)
            if not missing and pa.types.is_floating(typ):
                missing = not pc.all(pc.is_finite(column)).as_py()
            if missing:
                raise InputError(f"table '{name}', column '{col}': a row without a value "
                                 "(NULL or not finite)", file=str(path))


def _read_tables(folder: Path) -> dict[str, dict[str, np.ndarray]]:
    """Read the report's tables from ``results.duckdb`` (or ``parquet/`` as a fallback)."""
    import pyarrow as pa

    db = folder / "results.duckdb"
    pq_dir = folder / "parquet"
    tables: dict[str, dict[str, np.ndarray]] = {}
    if db.is_file():
        import duckdb

        try:
            con = duckdb.connect(str(db), read_only=True)
        except duckdb.Error as exc:
            raise InputError(f"not a readable DuckDB database ({_first_line(exc)})",
                             file=str(db)) from None
        try:
            present = {r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables").fetchall()}
            for name in REPORT_TABLES:
                if name not in present:
                    raise InputError(f"table '{name}' is missing", file=str(db))
                try:
                    table = con.sql(f'SELECT * FROM "{name}"').to_arrow_table()
                except duckdb.Error as exc:
                    raise InputError(f"table '{name}' cannot be read ({_first_line(exc)})",
                                     file=str(db)) from None
                _check_table(name, table, db)
                tables[name] = _table_columns(table)
        finally:
            con.close()
        return tables
    if pq_dir.is_dir():
        import pyarrow.parquet as pq

        for name in REPORT_TABLES:
            path = pq_dir / f"{name}.parquet"
            if not path.is_file():
                raise InputError(f"table '{name}' is missing", file=str(path))
            try:
                table = pq.read_table(path)
            except (pa.ArrowException, OSError, ValueError) as exc:
                raise InputError(f"not a readable Parquet file ({_first_line(exc)})",
                                 file=str(path)) from None
            _check_table(name, table, path)
            tables[name] = _table_columns(table)
        return tables
    raise InputError(
        "no results in this folder (no results.duckdb or parquet/); "
        "write one with `skyshield run SCENARIO --out DIR`", file=str(folder))


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def run_scenario_hash(folder: Path) -> str | None:
    """The scenario hash of the run in ``folder``: its ``run`` table's ``scenario_hash``
    (``results.duckdb``, else ``parquet/run.parquet``), else the folder's manifest; ``None``
    when nothing records it (a folder written by hand or by an older skyshield)."""
    import duckdb
    import pyarrow as pa

    rows: list[tuple[Any, Any]] = []
    db, pq_path = folder / "results.duckdb", folder / "parquet" / "run.parquet"
    # an unreadable record is no record: the tables, read next, say what is wrong
    try:
        if db.is_file():
            con = duckdb.connect(str(db), read_only=True)
            try:
                rows = con.execute('SELECT key, value FROM "run"').fetchall()
            finally:
                con.close()
        elif pq_path.is_file():
            import pyarrow.parquet as pq

            t = pq.read_table(pq_path).to_pydict()
            rows = list(zip(t.get("key", []), t.get("value", []), strict=False))
    except (duckdb.Error, pa.ArrowException, OSError, ValueError):
        rows = []
    for k, v in rows:
        if k == "scenario_hash" and isinstance(v, str) and v:
            return v
    from skyshield.outfolder import read_manifest

    m = read_manifest(folder)
    h = m.get("scenario_hash") if m else None
    return h if isinstance(h, str) and h else None


def sweep_scenario(path: Path) -> tuple[str | None, str | None]:
    """``(scenario name, scenario hash)`` of the base scenario of a sweep database, from its
    ``sweep_meta`` (``scenario_hash``, else the hash of ``scenario_json``); ``(None, None)``
    when it has no such record (a hand-made table)."""
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise InputError(f"not a readable DuckDB database ({_first_line(exc)})",
                         file=str(path)) from None
    try:
        meta = dict(con.execute("SELECT key, value FROM sweep_meta").fetchall())
    except duckdb.Error:
        return None, None
    finally:
        con.close()
    name = meta.get("scenario")
    h = meta.get("scenario_hash")
    if not h and meta.get("scenario_json"):
        from skyshield.scenario.identity import digest

        try:
            h = digest(json.loads(str(meta["scenario_json"])))
        except (ValueError, RecursionError):
            h = None
    return (None if name is None else str(name)), (None if not h else str(h))


def _float(v: Any) -> float:
    return math.nan if v is None else float(v)


def read_sweep(path: Path) -> list[SweepPoint]:
    """Read ``sweep_points`` from a sweep database written by ``skyshield sweep --out``."""
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise InputError(f"not a readable DuckDB database ({exc})", file=str(path)) from None
    try:
        try:
            rows = con.execute(
                "SELECT point, params_json, replications, seed, vip_p_loss, vip_lo, vip_hi, "
                "summary_json FROM sweep_points ORDER BY point").fetchall()
        except duckdb.Error as exc:
            raise InputError(f"no readable table sweep_points ({exc})",
                             file=str(path)) from None
    finally:
        con.close()
    points = []
    for point, params_json, reps, seed, p, lo, hi, summary_json in rows:
        try:
            params = json.loads(params_json) if params_json else {}
            summary = json.loads(summary_json) if summary_json else {}
        except json.JSONDecodeError as exc:
            raise InputError(f"sweep point {point}: bad JSON ({exc.msg})", file=str(path),
                             field="sweep_points") from None
        try:
            points.append(SweepPoint(
                point=int(point),
                params=params if isinstance(params, dict) else {"value": params},
                replications=int(reps), seed=int(seed), vip_p_loss=_float(p),
                vip_lo=_float(lo), vip_hi=_float(hi),
                summary=summary if isinstance(summary, dict) else {}))
        except (TypeError, ValueError) as exc:
            raise InputError(f"sweep point {point}: a value of the wrong type ({exc})",
                             file=str(path), field="sweep_points") from None
    return points


def load_run(folder: str | Path) -> RunData:
    """Read a run folder written by ``skyshield run SCENARIO --out DIR``.

    A ``sweep.duckdb`` whose base scenario is not the run's (by scenario hash) is skipped,
    and :attr:`RunData.notes` says so: its figure would describe another scenario.

    Raises
    ------
    InputError
        When the folder does not exist or holds no results, or a file in it is malformed.
    """
    folder = check_run_folder(folder)
    summary = _read_json(folder / "summary.json")
    if not isinstance(summary, dict) or "assets" not in summary:
        raise InputError("not a skyshield run summary (no 'assets')",
                         file=str(folder / "summary.json"))
    _check(_Summary, summary, folder / "summary.json", "run summary")
    if not (folder / "layout.json").is_file():
        raise InputError("layout.json is missing", file=str(folder / "layout.json"))
    layout = _read_json(folder / "layout.json")
    if not isinstance(layout, dict) or "area" not in layout:
        raise InputError("not a skyshield map layout (no 'area')",
                         file=str(folder / "layout.json"))
    _check(_Layout, layout, folder / "layout.json", "map layout")
    _check_lattices(layout, folder / "layout.json")
    data = RunData(folder=folder, summary=summary, layout=layout, tables=_read_tables(folder))
    if layout.get("terrain") is not None:
        data.ground = _ground(data)
    sweep = folder / "sweep.duckdb"
    if sweep.is_file():
        name, h = sweep_scenario(sweep)
        own = run_scenario_hash(folder)
        if h is not None and own is not None and h != own:
            data.sweep_skipped = (
                f"{sweep} skipped: it is a sweep of another scenario ('{name}', hash "
                f"{h[:12]}), not of this run's (hash {own[:12]})")
            data.notes.append(data.sweep_skipped)
        else:
            data.sweep = read_sweep(sweep)
            data.sweep_source = str(sweep)
    front = folder / "frontier.json"
    if front.is_file():
        fd = _read_json(front)
        if not (isinstance(fd, dict) and isinstance(fd.get("designs"), list)
                and isinstance(fd.get("frontier"), list)
                and isinstance(fd.get("neighbours"), list)):
            raise InputError("not a skyshield frontier (no designs, frontier, neighbours)",
                             file=str(front))
        data.frontier = _of_this_run(data, front, fd, "a frontier")
    from skyshield.analysis.value_of_information import FILE as VOI_FILE

    voi = folder / VOI_FILE
    if voi.is_file():
        vd = _read_json(voi)
        _check(_Voi, vd, voi, "value of information")
        data.voi = _of_this_run(data, voi, vd, "a value of information")
    from skyshield.analysis.terrain_value import FILE as TV_FILE

    tv = folder / TV_FILE
    if tv.is_file():
        td = _read_json(tv)
        _check(_TerrainValue, td, tv, "terrain value")
        data.terrain_value = _of_this_run(data, tv, td, "a terrain value")
    faults = folder / "faults.json"
    if faults.is_file():
        fj = _read_json(faults)
        _check(_Faults, fj, faults, "fault analysis")
        data.faults = _of_this_run(data, faults, fj, "a fault analysis")
    return data


def _ground(data: RunData) -> Grid | None:
    """The ground of the run's scenario (its ``scenario.yaml``), for the replay's heights
    above sea level; ``None``, with a note, when it cannot be had (the copy is missing, or
    names an elevation file that has gone)."""
    path = data.folder / "scenario.yaml"
    why = "scenario.yaml is missing"
    if path.is_file():
        from skyshield.scenario import load_scenario
        from skyshield.scenario.ground import terrain_grid

        try:
            return terrain_grid(load_scenario(path))
        except InputError as exc:
            why = str(exc)
    data.notes.append(f"the replay shows heights above the ground only, not above sea level: "
                      f"{why}")
    return None


def _of_this_run(data: RunData, path: Path, doc: dict[str, Any], what: str
                 ) -> dict[str, Any] | None:
    """``doc`` (read from ``path``), or ``None`` with a note when its ``scenario_hash`` is not
    the run's: it would describe another scenario."""
    own = run_scenario_hash(data.folder)
    if doc.get("scenario_hash") and own is not None and doc["scenario_hash"] != own:
        data.notes.append(f"{path} skipped: it is {what} of another scenario "
                          f"('{doc.get('scenario')}')")
        return None
    return doc
