"""Hostile plan specs and strategy files: one line naming the file, the line and the field,
exit 2, before any planning work — a 1 mm cell or an absurd speed (a grid of petabytes), a
sub-microsecond window step, a file that is not UTF-8 or nests absurdly deep, positions off
the map; and ``plan-draw`` on strategies whose probabilities are negative, NaN, zero-sum,
nested or infinite, or with a negative seed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testkit import FLAGSHIP, cli_error

ADVERSARY = "{name: A, threat: fpv, count: 10, launch_area: {center: [70000, 30000], " \
            "radius_m: 500}"


@pytest.fixture(autouse=True)
def eight_gb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKYSHIELD_MEMORY_LIMIT", "8e9")


SPECS: list[tuple[str, str, int, str, str]] = [
    # id, spec text, line, field, says
    ("cell-1mm", "corridor_m: 10000\ncell_m: 0.001\n", 2, "cell_m",
     "the planning grid needs about"),
    ("speed-1e300", "speed_mps: 1e300\n", 1, "speed_mps", "at most 1e+12 in magnitude"),
    ("speed-1e9", "speed_mps: 1e9\n", 1, "speed_mps", "the planning grid needs about"),
    ("speed-inf", "speed_mps: .inf\n", 1, "speed_mps", "finite number"),
    ("speed-nan", "speed_mps: .nan\n", 1, "speed_mps", "finite number"),
    ("speed-text", "speed_mps: fast\n", 1, "speed_mps", "expected a number, got text"),
    ("endurance-factor-huge", "endurance_factor: 1e300\n", 1, "endurance_factor",
     "at most 1e+12 in magnitude"),
    ("window-step-1us", f"adversary_types:\n  - {ADVERSARY}, window_step_s: 0.000001}}\n", 2,
     "adversary_types[0].window_step_s", "the ambush set of adversary type 'A' needs about"),
    ("spacing-1m", f"adversary_types:\n  - {ADVERSARY}, spacing_m: 1}}\n", 2,
     "adversary_types[0].spacing_m", "ambush points"),
    ("adversary-count-huge", f"adversary_types:\n  - {ADVERSARY.replace('10,', '1e9,')}}}\n",
     2, "adversary_types[0].count", "less than or equal to 100000"),
    ("route-pool-spread-huge", "route_pool_spread: 1e30\n", 1, "route_pool_spread",
     "at most 1e+12 in magnitude"),
    ("route-pool-spread-large", "route_pool_spread: 1e9\n", 1, "route_pool_spread",
     "less than or equal to 1000000"),
    ("mc-replications-huge", "mc_replications: 1e30\n", 1, "mc_replications",
     "at most 1e+12 in magnitude"),
    ("max-cells-huge", "max_cells: 1e9\n", 1, "max_cells", "less than or equal to 1000"),
    ("alternatives-boolean", "alternatives: yes\n", 1, "alternatives",
     "expected a number, got a boolean"),
    ("origin-off-map", "origin: [1e9, 0]\n", 1, "origin", "outside the map"),
    ("destination-latlon-without-origin", "destination: {lat: 1, lon: 2}\n", 1,
     "destination", "needs the scenario 'origin'"),
    ("no-fly-zone-off-map", "no_fly_zones:\n  - {center: [0, 1e7], radius_m: 100}\n", 2,
     "no_fly_zones[0].center", "outside the map"),
    ("ambush-point-off-map",
     f"adversary_types:\n  - {ADVERSARY}, points: [[0, 0], [0, 9e9]]}}\n", 2,
     "adversary_types[0].points[1]", "outside the map"),
    ("launch-area-off-map",
     "adversary_types:\n  - {name: A, threat: fpv, count: 10, launch_area: {center: "
     "[-1e6, 0], radius_m: 500}}\n", 2, "adversary_types[0].launch_area.center",
     "outside the map"),
]


@pytest.mark.parametrize(("id", "text", "line", "field", "says"), SPECS,
                         ids=[s[0] for s in SPECS])
def test_hostile_plan_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str], id: str,
                           text: str, line: int, field: str, says: str) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    cli_error(["plan", str(FLAGSHIP), "--plan-spec", str(spec), "-n", "0"], capsys,
              where=f"{spec}:{line}", field=field, says=says)


@pytest.mark.parametrize(("data", "where", "says"), [
    (b"cell_m: 500\n# \xff\xfe\n", ":2", "not a UTF-8 text file (byte 0xff)"),
    (b"a: " + b"[" * 100_000 + b"]" * 100_000 + b"\n", ":1", "nested more than 64 deep"),
    (b"- a\n- b\n", ":", "a plan spec must be a mapping"),
])
def test_plan_spec_files_that_are_not_specs(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            data: bytes, where: str, says: str) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(data)
    cli_error(["plan", str(FLAGSHIP), "--plan-spec", str(spec), "-n", "0"], capsys,
              where=f"{spec}{where}", says=says)


def test_plan_spec_folder_and_missing(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    cli_error(["plan", str(FLAGSHIP), "--plan-spec", str(tmp_path), "-n", "0"], capsys,
              where=str(tmp_path), says="is a directory, not a plan spec")
    cli_error(["plan", str(FLAGSHIP), "--plan-spec", str(tmp_path / "x.yaml"), "-n", "0"],
              capsys, where=str(tmp_path / "x.yaml"), says="file not found")


def test_verification_too_large_is_refused_before_planning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli_error(["plan", str(FLAGSHIP), "-n", str(10**12)], capsys, field="mc_replications",
              says="the Monte Carlo check of the plans needs about")


# --------------------------------------------------------------------------- plan-draw

PLANS = [{"route": "north"}, {"route": "south"}]


@pytest.mark.parametrize(("text", "field", "says"), [
    (json.dumps({"plans": PLANS, "probabilities": [-0.5, 1.5]}), "probabilities[0]",
     "finite number >= 0, got -0.5"),
    ('{"plans": [{}, {}], "probabilities": [NaN, 1]}', "probabilities[0]", "got nan"),
    ('{"plans": [{}, {}], "probabilities": [Infinity, 1]}', "probabilities[0]", "got inf"),
    (json.dumps({"plans": PLANS, "probabilities": [0, 0]}), "probabilities",
     "positive, finite sum, got 0"),
    (json.dumps({"plans": PLANS, "probabilities": [1e308, 1e308]}), "probabilities",
     "positive, finite sum, got inf"),
    (json.dumps({"plans": PLANS, "probabilities": [[0.5], [0.5]]}), "probabilities[0]",
     "expected a number, got list"),
    (json.dumps({"plans": PLANS, "probabilities": [True, 1]}), "probabilities[0]",
     "expected a number, got bool"),
    (json.dumps({"plans": PLANS, "probabilities": ["0.5", 0.5]}), "probabilities[0]",
     "expected a number, got str"),
    (json.dumps({"plans": PLANS, "probabilities": [1]}), "probabilities",
     "a list of 2 probabilities"),
    (json.dumps({"plans": PLANS, "probabilities": {"a": 1}}), "probabilities",
     "a list of 2 probabilities"),
    (json.dumps({"plans": [], "probabilities": []}), "plans", "non-empty list"),
    (json.dumps({"plans": [1, 2], "probabilities": [1, 1]}), "plans[0]", "a plan"),
    (json.dumps({"plans": PLANS}), "probabilities", "missing 'probabilities'"),
])
def test_plan_draw_bad_strategy(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                text: str, field: str, says: str) -> None:
    path = tmp_path / "strategy.json"
    path.write_text(text)
    cli_error(["plan-draw", str(path), "--seed", "1"], capsys, where=str(path), field=field,
              says=says)


@pytest.mark.parametrize(("data", "says"), [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b"[1, 2]", "expected a JSON object"),
    (b"{nope", "not JSON"),
    (b'{"plans": \xff}', "not a UTF-8 text file"),
])
def test_plan_draw_not_a_strategy(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  data: bytes, says: str) -> None:
    path = tmp_path / "strategy.json"
    path.write_bytes(data)
    cli_error(["plan-draw", str(path)], capsys, where=str(path), says=says)


@pytest.mark.parametrize("seed", ["-1", str(2**63)])
def test_plan_draw_bad_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            seed: str) -> None:
    path = tmp_path / "strategy.json"
    path.write_text(json.dumps({"plans": PLANS, "probabilities": [0.25, 0.75]}))
    cli_error(["plan-draw", str(path), "--seed", seed], capsys, where="<argument>",
              field="--seed", says="must be in [0, 2**63)")


def test_plan_draw_good_strategy_draws_a_listed_plan(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from skyshield.cli import main

    path = tmp_path / "strategy.json"
    path.write_text(json.dumps({"plans": PLANS, "probabilities": [0, 3]}))
    assert main(["plan-draw", str(path), "--seed", "7"]) == 0
    assert json.loads(capsys.readouterr().out) == PLANS[1]  # the only plan with weight
