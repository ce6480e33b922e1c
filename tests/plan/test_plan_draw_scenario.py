"""``skyshield plan-draw STRATEGY --scenario S --scenario-out F``: the drawn plan as a runnable
scenario (the variant the planner's Monte Carlo check flies)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skyshield.cli import main
from skyshield.scenario import load_scenario
from testkit import FLAGSHIP


def _strategy(tmp_path: Path, **extra: object) -> Path:
    plan = {"route": [{"x_m": 0.0, "y_m": 0.0, "t_s": 600.0},
                      {"x_m": 60_000.0, "y_m": 5_000.0, "t_s": 1_700.0},
                      {"x_m": 120_000.0, "y_m": 4_000.0, "t_s": 2_800.0}],
            "departure": 600.0, "asset": "VIP helicopter", "altitude_m": 120.0,
            "posture_changes": {"c2.escort_priority": 0.8}, **extra}
    path = tmp_path / "strategy.json"
    path.write_text(json.dumps({"plans": [plan], "probabilities": [1.0]}))
    return path


def test_the_drawn_plan_is_a_runnable_scenario(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "flown.yaml"
    assert main(["plan-draw", str(_strategy(tmp_path)), "--seed", "1", "--scenario",
                 str(FLAGSHIP), "--scenario-out", str(out)]) == 0
    drawn = json.loads(capsys.readouterr().out)
    sc = load_scenario(out)
    vip = sc.assets.moving[0]
    assert [(w.position[0], w.position[1], w.t_s) for w in vip.waypoints] == [
        (w["x_m"], w["y_m"], w["t_s"]) for w in drawn["route"]]
    assert vip.departure_s == 600.0 and vip.altitude_m == 120.0
    assert sc.c2.escort_priority == 0.8
    base = load_scenario(FLAGSHIP)
    assert sc.raids == base.raids and sc.effectors == base.effectors


def test_plan_draw_scenario_out_bad_input(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    s = _strategy(tmp_path)
    assert main(["plan-draw", str(s), "--scenario-out", str(tmp_path / "x.yaml")]) == 2
    assert "go together" in capsys.readouterr().err
    bad = tmp_path / "old.json"
    bad.write_text(json.dumps({"plans": [{"route": []}], "probabilities": [1.0]}))
    assert main(["plan-draw", str(bad), "--scenario", str(FLAGSHIP), "--scenario-out",
                 str(tmp_path / "x.yaml")]) == 2
    assert "cannot be made a scenario" in capsys.readouterr().err
    assert not (tmp_path / "x.yaml").exists()
