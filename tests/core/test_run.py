"""``skyshield run``: the command is the library call (same JSON, same text), and bad
arguments are one line and exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
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
        (["--objective", "cost"], "--objective"),
        (["--objective", "asset:"], "--objective"),
        (["--objective", "asset:Nowhere"], "--objective"),
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


def test_objective_is_printed_with_its_interval(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    """``--objective value``: the mean value lost per replication with its normal interval;
    ``asset:NAME``: that asset's loss probability, its Wilson interval (the summary's)."""
    from skyshield.results.stats import mean_interval

    base = ["run", str(FLAGSHIP), "-n", "60", "--seed", "2", "--record", "0"]
    res = skyshield.simulate(skyshield.load_scenario(FLAGSHIP), replications=60, seed=2,
                             record=0)
    assert main([*base, "--json", "--objective", "value"]) == 0
    got = json.loads(capsys.readouterr().out)
    m, lo, hi = mean_interval(res.asset_lost @ np.asarray(res.asset_values))
    assert got["objective"]["objective"] == "value" and got["objective"]["interval"] == "normal"
    assert got["objective"]["value"] == pytest.approx(m, abs=1e-6)
    assert got["objective"]["ci95"] == pytest.approx([lo, hi], abs=1e-5)
    assert {k: v for k, v in got.items() if k != "objective"} == json.loads(res.to_json())
    assert main([*base, "--json", "--objective", "asset:Aldmark", "--out",
                 str(tmp_path)]) == 0
    got = json.loads(capsys.readouterr().out)
    aldmark = res.summary["assets"][res.asset_names.index("Aldmark")]
    assert got["objective"]["value"] == aldmark["p_loss"]
    assert got["objective"]["ci95"] == aldmark["p_loss_ci95"]
    assert json.loads((tmp_path / "summary.json").read_text()) == got
    assert main([*base, "--quiet", "--objective", "asset:Aldmark"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Objective (asset:Aldmark: P(loss of Aldmark)):" in text
