"""Sweeps and fault analyses too large to run: refused with one line (exit 2) before any
point is validated past the design's size, any store is written or any run starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit import FLAGSHIP, cli_error


@pytest.fixture(autouse=True)
def eight_gb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKYSHIELD_MEMORY_LIMIT", "8e9")
    monkeypatch.delenv("SKYSHIELD_WORK_LIMIT", raising=False)


@pytest.mark.parametrize(("vary", "extra", "field", "says"), [
    ("raids[0].count=1:1000000:1", [], "--vary", "1,000,000 values, more than the 10,000"),
    ("c2.escort_priority=0:1:0.000001", [], "--vary", "more than the 10,000 points"),
    ("c2.escort_priority=lhs(0,1)", ["--lhs", "1000000"], "--lhs",
     "the design has 1,000,000 points, more than the 10,000"),
])
def test_design_too_large(tmp_path: Path, capsys: pytest.CaptureFixture[str], vary: str,
                          extra: list[str], field: str, says: str) -> None:
    out = tmp_path / "sweep"
    cli_error(["sweep", str(FLAGSHIP), "--vary", vary, *extra, "--out", str(out)], capsys,
              where="<argument>", field=field, says=says)
    assert not out.exists()


def test_sweep_replications_too_many(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sweep"
    line = cli_error(["sweep", str(FLAGSHIP), "--vary", "c2.escort_priority=0,1", "-n",
                      str(10**9), "--out", str(out)], capsys, where="<argument>",
                     field="--replications", says="the sweep needs about")
    assert "2 runs" in line
    assert not out.exists()


def test_sweep_points_too_large(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    # a work limit below one flagship replication (2.3e7 entity-steps): each point alone is
    # too large, whatever the replications, so the design is at fault
    monkeypatch.setenv("SKYSHIELD_WORK_LIMIT", "1e7")
    out = tmp_path / "sweep"
    cli_error(["sweep", str(FLAGSHIP), "--vary", "c2.escort_priority=0,1", "-n", "1",
               "--out", str(out)], capsys, where="<argument>", field="--vary",
              says="entity-steps of work")
    assert not out.exists()


def test_faults_replications_too_many(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    cli_error(["faults", str(FLAGSHIP), "-n", str(10**9), "--no-tornado"], capsys,
              where="<argument>", field="--replications", says="the faults analysis needs")


@pytest.mark.parametrize(("option", "value"), [("--late", "nan"), ("--late", "inf"),
                                               ("--late", "-1"), ("--late", "1e300")])
def test_faults_bad_late_names_the_option(capsys: pytest.CaptureFixture[str], option: str,
                                          value: str) -> None:
    cli_error(["faults", str(FLAGSHIP), option, value], capsys, where="<argument>",
              field=option, says="must be a positive number of seconds")


def test_raid_sweep_replications_too_many(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from skyshield.cli import main

    run = tmp_path / "run"
    assert main(["run", str(FLAGSHIP), "-n", "4", "--record", "0", "--out", str(run),
                 "--quiet"]) == 0
    cli_error(["report", str(run), "--raid-sweep", "--sweep-replications", str(10**12)],
              capsys, where="<argument>", field="--sweep-replications",
              says="the sweep needs about")
    assert not (run / "sweep.duckdb").exists()
