"""``skyshield.simulate``: determinism across workers and repeats, the sequential stopping
rule (with any number of workers), and the golden summary of the flagship."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import skyshield
import testkit
from skyshield.cli import main
from skyshield.montecarlo import BATCH
from skyshield.results.stats import wilson_half_width
from testkit import FLAGSHIP

GOLDEN = Path(__file__).parent / "golden" / "vip-transit-seed7-n250.json"
GOLDEN_FINITE = Path(__file__).parent / "golden" / "vip-transit-finite-seed7-n250.json"


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


def test_sequential_stopping_meets_the_precision(flagship: skyshield.Scenario) -> None:
    res = skyshield.simulate(flagship, replications=20 * BATCH, seed=2, precision=0.03,
                             record=0)
    assert res.stopped_by_precision
    n = res.replications
    assert n % BATCH == 0 and n < 20 * BATCH
    k = int(res.asset_lost[:, 0].sum())
    assert wilson_half_width(k, n) <= 0.03
    # one batch fewer would not have met it: the rule stops at the first batch that does
    k_prev = int(res.asset_lost[: n - BATCH, 0].sum())
    assert n == BATCH or wilson_half_width(k_prev, n - BATCH) > 0.03
    # and the replications are the same as those of a fixed-size run
    fixed = skyshield.simulate(flagship, replications=n, seed=2, record=0)
    assert np.array_equal(fixed.asset_lost, res.asset_lost)


def test_precision_stopping_with_two_workers_equals_one(flagship_small: skyshield.Scenario,
                                                        outcomes_equal) -> None:
    """The stopping rule is checked in batch order: the pool's workers finishing batches in
    any order change neither where the run stops nor any replication."""
    one, two = (skyshield.simulate(flagship_small, 12 * BATCH, 9, workers=w, precision=0.04,
                                   record=1) for w in (1, 2))
    assert one.stopped_by_precision and two.stopped_by_precision
    assert BATCH < one.replications < 12 * BATCH  # stopped after a few batches, not the first
    assert two.replications == one.replications
    outcomes_equal(one, two)
    assert one.to_json() == two.to_json()
    assert sorted(one.recordings) == sorted(two.recordings)


def test_golden_summary_of_the_flagship_with_unlimited_stocks() -> None:
    """The model before finite means (every effector ``stock: null``) keeps its summary:
    guards against unintended changes of the model. Regenerate deliberately with
    `python tests/montecarlo/make_golden.py` and review the diff."""
    res = skyshield.simulate(testkit.load_flagship_unlimited(), replications=250, seed=7,
                             record=0)
    assert res.to_json() == GOLDEN.read_text(encoding="utf-8")


def test_golden_summary_of_the_flagship(flagship: skyshield.Scenario) -> None:
    """The flagship as it stands, with its finite stocks (same regeneration)."""
    res = skyshield.simulate(flagship, replications=250, seed=7, record=0)
    assert res.to_json() == GOLDEN_FINITE.read_text(encoding="utf-8")


def test_simulate_checks_its_arguments(flagship: skyshield.Scenario) -> None:
    with pytest.raises(ValueError, match="replications must be at least 1"):
        skyshield.simulate(flagship, 0)
    with pytest.raises(ValueError, match=r"seed must be in \[0, 2\*\*63\)"):
        skyshield.simulate(flagship, 10, -1)


def test_simulate_takes_a_scenario_file(flagship: skyshield.Scenario) -> None:
    a = skyshield.simulate(FLAGSHIP, 20, 5, record=0)
    b = skyshield.simulate(flagship, 20, 5, record=0)
    assert a.to_json() == b.to_json()
