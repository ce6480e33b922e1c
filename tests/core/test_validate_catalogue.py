"""``skyshield validate`` and ``skyshield catalogue`` print what ``skyshield.scenario.text``
renders (JSON, or the line / tables for the terminal)."""

from __future__ import annotations

import json

import pytest

from skyshield.cli import main
from skyshield.scenario import default_catalogue, load_scenario
from skyshield.scenario.text import (
    catalogue_json,
    describe_catalogue,
    describe_scenario,
    scenario_info,
)
from testkit import FLAGSHIP


def test_validate(capsys: pytest.CaptureFixture[str]) -> None:
    sc = load_scenario(FLAGSHIP)
    assert main(["validate", str(FLAGSHIP), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got == scenario_info(sc) and got["valid"] and got["drones"] == sum(
        r.count for r in sc.raids)
    assert main(["validate", str(FLAGSHIP)]) == 0
    line = capsys.readouterr().out
    assert line == describe_scenario(sc, FLAGSHIP)
    assert line.startswith(f"{FLAGSHIP}: valid — {got['assets']} assets, ")


def test_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    cat = default_catalogue()
    assert main(["catalogue", "--json"]) == 0
    text = capsys.readouterr().out
    assert text == catalogue_json(cat)
    data = json.loads(text)
    assert set(data) == {"threats", "sensors", "effectors"}
    # sensors and effectors name their kind (the domain's named kinds); threats have none
    assert {e["kind"] for e in data["sensors"].values()} == {"radar", "acoustic", "eo_ir"}
    assert data["effectors"]["ew_jammer"]["kind"] == "jammer"
    assert all("kind" not in e for e in data["threats"].values())
    assert main(["catalogue"]) == 0
    out = capsys.readouterr().out
    assert out == describe_catalogue(cat) and out.endswith("Sources: docs/catalogue.md\n")
