"""The `skyshield run` path end to end: determinism across workers, the output folder, the
sequential stopping rule, the golden summary of the flagship, and argument errors."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

import skyshield
from skyshield.cli import main
from skyshield.montecarlo import BATCH
from skyshield.results.stats import wilson_half_width

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "examples" / "vip-transit.yaml"
GOLDEN = Path(__file__).parent / "golden" / "vip-transit-seed7-n250.json"


def _run_json(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["run", str(FLAGSHIP), "--json", *args]) == 0
    return capsys.readouterr().out


def test_json_is_byte_identical_across_workers_and_repeats(
    capsys: pytest.CaptureFixture[str],
) -> None:
    n = str(2 * BATCH)
    one = _run_json(capsys, "-n", n, "--seed", "3", "--workers", "1", "--record", "0")
    again = _run_json(capsys, "-n", n, "--seed", "3", "--workers", "1", "--record", "0")
    two = _run_json(capsys, "-n", n, "--seed", "3", "--workers", "2", "--record", "0")
    assert one == again == two
    other_seed = _run_json(capsys, "-n", n, "--seed", "4", "--record", "0")
    assert other_seed != one
    s = json.loads(one)
    for key in ("scenario", "replications", "seed", "assets", "threats", "effectors", "cost",
                "friendly_fire"):
        assert key in s
    assert s["assets"][0]["kind"] == "moving"
    for a in s["assets"]:
        lo, hi = a["p_loss_ci95"]
        assert 0.0 <= lo <= a["p_loss"] <= hi <= 1.0


def test_python_api_matches_cli(capsys: pytest.CaptureFixture[str]) -> None:
    text = _run_json(capsys, "-n", "100", "--seed", "11", "--record", "0")
    res = skyshield.simulate(skyshield.load_scenario(FLAGSHIP), replications=100, seed=11,
                             record=0)
    assert res.to_json() == text
    p, _lo, _hi = res.p_loss("VIP helicopter")
    assert json.loads(text)["assets"][0]["p_loss"] == round(p, 6)


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


def test_sequential_stopping_meets_the_precision() -> None:
    sc = skyshield.load_scenario(FLAGSHIP)
    res = skyshield.simulate(sc, replications=20 * BATCH, seed=2, precision=0.03, record=0)
    assert res.stopped_by_precision
    n = res.replications
    assert n % BATCH == 0 and n < 20 * BATCH
    k = int(res.asset_lost[:, 0].sum())
    assert wilson_half_width(k, n) <= 0.03
    # one batch fewer would not have met it: the rule stops at the first batch that does
    k_prev = int(res.asset_lost[: n - BATCH, 0].sum())
    assert n == BATCH or wilson_half_width(k_prev, n - BATCH) > 0.03
    # and the replications are the same as those of a fixed-size run
    fixed = skyshield.simulate(sc, replications=n, seed=2, record=0)
    assert np.array_equal(fixed.asset_lost, res.asset_lost)


def test_golden_summary_of_the_flagship() -> None:
    """Guards against unintended changes of the model: regenerate deliberately with
    `python tests/core/make_golden.py` and review the diff."""
    res = skyshield.simulate(skyshield.load_scenario(FLAGSHIP), replications=250, seed=7,
                             record=0)
    assert res.to_json() == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["-n", "0"], "--replications"),
        (["--seed", "-1"], "--seed"),
        (["--workers", "0"], "--workers"),
        (["--precision", "0"], "--precision"),
        (["--precision", "0.7"], "--precision"),
    ],
)
def test_bad_arguments_exit_2(args: list[str], field: str,
                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(FLAGSHIP), *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and field in err[0]


def test_missing_scenario_and_bad_option_exit_2(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    assert main(["run", str(tmp_path / "nope.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main(["run", str(FLAGSHIP), "--replications", "many"]) == 2
    assert main(["run"]) == 2
