"""``skyshield run``: the command is the library call (same JSON, same text), and bad
arguments are one line and exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import skyshield
from skyshield.cli import main
from testkit import FLAGSHIP


def test_python_api_matches_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["run", str(FLAGSHIP), "--json", "-n", "100", "--seed", "11",
                 "--record", "0"]) == 0
    text = capsys.readouterr().out
    res = skyshield.simulate(skyshield.load_scenario(FLAGSHIP), replications=100, seed=11,
                             record=0)
    assert res.to_json() == text
    p, _lo, _hi = res.p_loss("VIP helicopter")
    assert json.loads(text)["assets"][0]["p_loss"] == round(p, 6)
    # without --json: Results.describe(), naming the output folder
    out = tmp_path / "run"
    assert main(["run", str(FLAGSHIP), "-n", "100", "--seed", "11", "--record", "0",
                 "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert printed == res.describe(out)
    assert printed.startswith("vip-transit: 100 replications, seed 11")
    assert f"Results:{out}/results.duckdb," in "".join(printed.split())  # rich wraps it


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
