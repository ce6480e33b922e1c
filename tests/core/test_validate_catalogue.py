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


def test_validate_prints_the_timeline() -> None:
    """Departure and arrival from the flight plan (as the kernel's plan), raid windows in
    time order, the leak last; counts in the singular where there is one."""
    from skyshield.engine import compile_scenario

    sc = load_scenario(FLAGSHIP)
    tl = scenario_info(sc)["timeline"]
    timed = [e["t_s"] for e in tl if e["t_s"] is not None]
    assert timed == sorted(timed) and tl[-1]["what"] == "leak"
    dep = next(e for e in tl if e["what"] == "departure")
    arr = next(e for e in tl if e["what"] == "arrival")
    cs = compile_scenario(sc)
    n = int(cs.params.plan_n[0])
    assert dep["t_s"] == cs.params.plan_t[0, 0] and arr["t_s"] == cs.params.plan_t[0, n - 1]
    assert arr["flight_s"] == pytest.approx(arr["t_s"] - dep["t_s"])
    assert {e["name"] for e in tl if e["what"] == "raid launches"} == {r.name for r in sc.raids}
    text = describe_scenario(sc, FLAGSHIP)
    assert f"{sc.vip.name} departs" in text and "arrives after" in text
    one = sc.model_copy(update={"sensors": sc.sensors[:1]})
    assert "1 sensor," in describe_scenario(one, FLAGSHIP)
