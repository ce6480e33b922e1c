"""The sweep store: one DuckDB file that a sweep fills point by point and resumes from.

Only the driver process writes. Each finished point is one transaction, so a sweep killed at
any moment (SIGKILL included) leaves the points it had finished, whole, and none of the point
it was writing; DuckDB's write-ahead log replays committed transactions on the next open.
The connection is opened for each write and closed after it, so that readers (the report) can
look at a sweep in progress between two points.

Tables (``docs/analysis.md``):

- ``sweep_meta(key VARCHAR, value VARCHAR)``: what the sweep is (its key, scenario, spec...).
- ``sweep_design(point INTEGER, params_json VARCHAR, seed BIGINT)``: every planned point.
- ``sweep_points(point INTEGER, params_json VARCHAR, replications INTEGER, seed BIGINT,
  vip_p_loss DOUBLE, vip_lo DOUBLE, vip_hi DOUBLE, summary_json VARCHAR, sweep_key VARCHAR)``:
  the finished points.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from skyshield.errors import InputError

DB_NAME = "sweep.duckdb"
PARQUET_NAME = "sweep_points.parquet"
#: How long a write waits for another process to release the file.
LOCK_WAIT_S = 60.0

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sweep_meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    "CREATE TABLE IF NOT EXISTS sweep_design (point INTEGER PRIMARY KEY, params_json VARCHAR, "
    "seed BIGINT)",
    "CREATE TABLE IF NOT EXISTS sweep_points (point INTEGER PRIMARY KEY, params_json VARCHAR, "
    "replications INTEGER, seed BIGINT, vip_p_loss DOUBLE, vip_lo DOUBLE, vip_hi DOUBLE, "
    "summary_json VARCHAR, sweep_key VARCHAR)",
)
POINT_COLUMNS = ("point", "params_json", "replications", "seed", "vip_p_loss", "vip_lo",
                 "vip_hi", "summary_json", "sweep_key")


class SweepStore:
    """The DuckDB file of one sweep folder.

    Parameters
    ----------
    out_dir
        The sweep folder; created if missing.
    """

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self.path = self.out_dir / DB_NAME

    @contextlib.contextmanager
    def _connect(self, read_only: bool = False) -> Iterator[Any]:
        import duckdb

        # A reader (the report, a user's query) may hold the file for a moment: wait for it
        # rather than lose the point, up to LOCK_WAIT_S.
        deadline = time.monotonic() + LOCK_WAIT_S
        delay = 0.02
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise InputError(f"cannot open the sweep store: {exc}",
                                     file=str(self.path)) from None
                time.sleep(delay)
                delay = min(0.5, delay * 2)
        try:
            yield con
        finally:
            con.close()

    def _tables(self, con: Any) -> set[str]:
        return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}

    def meta(self) -> dict[str, str]:
        """The sweep's description, or ``{}`` when the store holds no sweep yet."""
        if not self.path.exists():
            return {}
        with self._connect() as con:
            if "sweep_meta" not in self._tables(con):
                return {}
            return dict(con.execute("SELECT key, value FROM sweep_meta").fetchall())

    def begin(self, key: str, meta: dict[str, str], design: list[tuple[int, str, int]],
              *, overwrite: bool = False) -> set[int]:
        """Open the sweep ``key``: create it, or find the points it already has.

        Returns
        -------
        set[int]
            The points already finished (empty for a new sweep).

        Raises
        ------
        InputError
            When the folder holds a different sweep and ``overwrite`` is false.
        """
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the sweep folder: {exc.strerror}",
                             file=str(self.out_dir), field="--out") from None
        # a Parquet export cut short by a kill leaves its temporary file behind
        for stale in self.out_dir.glob(f".{PARQUET_NAME}.*.tmp"):
            stale.unlink(missing_ok=True)
        old = self.meta()
        if old and old.get("sweep_key") != key:
            if not overwrite:
                raise InputError(
                    f"{self.out_dir} holds a different sweep (scenario "
                    f"'{old.get('scenario', '?')}', key {old.get('sweep_key', '?')[:12]}); "
                    "use another --out, or --overwrite to replace it", file="<argument>",
                    field="--out")
            self.remove()
            old = {}
        with self._connect() as con:
            if not old:
                # the whole set-up is one transaction: a sweep killed here starts afresh
                con.execute("BEGIN TRANSACTION")
                for stmt in _SCHEMA:
                    con.execute(stmt)
                con.execute("DELETE FROM sweep_meta")
                con.execute("DELETE FROM sweep_design")
                con.execute("DELETE FROM sweep_points")
                con.executemany("INSERT INTO sweep_meta VALUES (?, ?)",
                                [("sweep_key", key), *sorted(meta.items())])
                con.executemany("INSERT INTO sweep_design VALUES (?, ?, ?)", design)
                con.execute("COMMIT")
                return set()
            rows = con.execute("SELECT point FROM sweep_points WHERE sweep_key = ?",
                               [key]).fetchall()
            return {int(r[0]) for r in rows}

    def add(self, row: dict[str, Any]) -> None:
        """Record one finished point: one transaction."""
        with self._connect() as con:
            con.execute("BEGIN TRANSACTION")
            # OR IGNORE: a second driver on the same folder computes the same (deterministic)
            # row; the first one stored stays, nothing is counted twice
            con.execute(f"INSERT OR IGNORE INTO sweep_points ({', '.join(POINT_COLUMNS)}) VALUES "
                        f"({', '.join('?' for _ in POINT_COLUMNS)})",
                        [row[c] for c in POINT_COLUMNS])
            con.execute("COMMIT")

    def points(self) -> list[dict[str, Any]]:
        """The finished points, in point order."""
        with self._connect() as con:
            cur = con.execute(f"SELECT {', '.join(POINT_COLUMNS)} FROM sweep_points "
                              "ORDER BY point")
            return [dict(zip(POINT_COLUMNS, r, strict=True)) for r in cur.fetchall()]

    def export_parquet(self) -> Path:
        """Write ``sweep_points.parquet`` (point order) atomically; return its path."""
        target = self.out_dir / PARQUET_NAME
        tmp = self.out_dir / f".{PARQUET_NAME}.{os.getpid()}.tmp"
        with self._connect() as con:
            quoted = str(tmp).replace("'", "''")
            con.execute(f"COPY (SELECT * FROM sweep_points ORDER BY point) TO '{quoted}' "
                        "(FORMAT parquet)")
        os.replace(tmp, target)
        return target

    def remove(self) -> None:
        """Delete the store (and its write-ahead log and Parquet export)."""
        for name in (DB_NAME, DB_NAME + ".wal", PARQUET_NAME):
            with contextlib.suppress(FileNotFoundError):
                (self.out_dir / name).unlink()


def point_row(point: int, params: dict[str, Any], replications: int, seed: int,
              summary: dict[str, Any], key: str) -> dict[str, Any]:
    """The ``sweep_points`` row of a finished point (VIP = ``summary['assets'][0]``)."""
    vip = summary["assets"][0]
    lo, hi = vip["p_loss_ci95"]
    return {
        "point": point,
        "params_json": json.dumps(params, ensure_ascii=False),
        "replications": replications,
        "seed": seed,
        "vip_p_loss": vip["p_loss"],
        "vip_lo": lo,
        "vip_hi": hi,
        "summary_json": json.dumps(summary, ensure_ascii=False),
        "sweep_key": key,
    }
