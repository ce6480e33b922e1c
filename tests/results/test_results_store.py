"""The output folder of a run (``Results.save``, ``skyshield run --out``): every file, the
DuckDB and Parquet tables agree with the summary, and a second run replaces only its own files."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from skyshield.cli import main
from testkit import FLAGSHIP


def test_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", str(FLAGSHIP), "-n", "120", "--seed", "5", "--out", str(out),
                 "--quiet", "--record", "2"]) == 0
    for name in ("results.duckdb", "summary.json", "layout.json", "scenario.yaml",
                 "plots/loss_probability.png", "plots/timeline.png", "plots/map.png",
                 "plots/effectors.png"):
        assert (out / name).is_file(), name
    assert not [p for p in out.iterdir() if p.name.startswith(".skyshield-")]
    con = duckdb.connect(str(out / "results.duckdb"), read_only=True)
    try:
        reps = con.execute("select count(*) from replications").fetchone()
        assert reps is not None and reps[0] == 120
        # conservation per replication: launched = killed + leaked + expired
        bad = con.execute("select count(*) from replications "
                          "where launched <> killed + leaked + expired").fetchone()
        assert bad is not None and bad[0] == 0
        summary = json.loads((out / "summary.json").read_text())
        p_db = con.execute("select avg(lost::int) from replication_assets "
                           "where asset = 'VIP helicopter'").fetchone()
        assert p_db is not None and abs(p_db[0] - summary["assets"][0]["p_loss"]) < 1e-6
        for table in ("replications", "replication_assets", "summary_effectors", "timeline",
                      "events", "positions"):
            db = con.execute(f"select count(*) from {table}").fetchone()
            pqt = pq.read_table(out / "parquet" / f"{table}.parquet")
            assert db is not None and db[0] == pqt.num_rows > 0, table
        recorded = con.execute("select count(distinct rep) from events").fetchone()
        assert recorded is not None and 1 <= recorded[0] <= 2
        kinds = {r[0] for r in con.execute("select distinct kind from events").fetchall()}
        assert {"launch", "shot"} <= kinds
    finally:
        con.close()
    # a second run into the same folder replaces the results and keeps other files
    (out / "sweep.duckdb").write_bytes(b"kept")
    assert main(["run", str(FLAGSHIP), "-n", "60", "--out", str(out), "--quiet"]) == 0
    assert json.loads((out / "summary.json").read_text())["replications"] == 60
    assert (out / "sweep.duckdb").read_bytes() == b"kept"
