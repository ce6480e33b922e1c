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
from typing import Any

import numpy as np

from skyshield.contract import REPORT_TABLES
from skyshield.errors import InputError
from skyshield.results.folder import check_run_folder


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

    @property
    def recorded_reps(self) -> list[int]:
        """Replications with an event log or positions, ascending."""
        reps = set(self.tables["events"]["rep"].tolist())
        reps |= set(self.tables["positions"]["rep"].tolist())
        return sorted(int(r) for r in reps)


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", file=str(path), line=exc.lineno) from None


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


def _read_tables(folder: Path) -> dict[str, dict[str, np.ndarray]]:
    """Read the report's tables from ``results.duckdb`` (or ``parquet/`` as a fallback)."""
    db = folder / "results.duckdb"
    pq_dir = folder / "parquet"
    tables: dict[str, dict[str, np.ndarray]] = {}
    if db.is_file():
        import duckdb

        try:
            con = duckdb.connect(str(db), read_only=True)
        except duckdb.Error as exc:
            raise InputError(f"not a readable DuckDB database ({exc})", file=str(db)) from None
        try:
            present = {r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables").fetchall()}
            for name in REPORT_TABLES:
                if name not in present:
                    raise InputError(f"table '{name}' is missing", file=str(db))
                tables[name] = _table_columns(con.sql(f'SELECT * FROM "{name}"')
                                              .to_arrow_table())
        finally:
            con.close()
        return tables
    if pq_dir.is_dir():
        import pyarrow.parquet as pq

        for name in REPORT_TABLES:
            path = pq_dir / f"{name}.parquet"
            if not path.is_file():
                raise InputError(f"table '{name}' is missing", file=str(path))
            tables[name] = _table_columns(pq.read_table(path))
        return tables
    raise InputError(
        "no results in this folder (no results.duckdb or parquet/); "
        "write one with `skyshield run SCENARIO --out DIR`", file=str(folder))


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
        points.append(SweepPoint(
            point=int(point), params=params if isinstance(params, dict) else {"value": params},
            replications=int(reps), seed=int(seed), vip_p_loss=_float(p), vip_lo=_float(lo),
            vip_hi=_float(hi), summary=summary if isinstance(summary, dict) else {}))
    return points


def load_run(folder: str | Path) -> RunData:
    """Read a run folder written by ``skyshield run SCENARIO --out DIR``.

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
    if not (folder / "layout.json").is_file():
        raise InputError("layout.json is missing", file=str(folder / "layout.json"))
    layout = _read_json(folder / "layout.json")
    if not isinstance(layout, dict) or "area" not in layout:
        raise InputError("not a skyshield map layout (no 'area')",
                         file=str(folder / "layout.json"))
    data = RunData(folder=folder, summary=summary, layout=layout, tables=_read_tables(folder))
    sweep = folder / "sweep.duckdb"
    if sweep.is_file():
        data.sweep = read_sweep(sweep)
        data.sweep_source = str(sweep)
    return data
