"""``skyshield sweep`` and ``skyshield faults`` on the real engine (a small scenario): the
``--json`` output is the library's result, every point is the plain ``simulate`` run of its
scenario, bad input is one line and exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from skyshield.analysis.spec import design, parse_vary, point_scenarios
from skyshield.cli import main
from skyshield.montecarlo import simulate
from skyshield.scenario import load_scenario, scenario_from_dict
from testkit import flagship_small_dict


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    d = flagship_small_dict()
    # compile (or load) the kernel here once, so that the spawned workers find it cached
    simulate(scenario_from_dict(d), 1, 0, record=0)
    path = tmp_path_factory.mktemp("small") / "small.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    return path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def test_sweep_json_is_the_library_result_and_resumes(small: Path, tmp_path: Path,
                                                      capsys) -> None:
    out = tmp_path / "sw"
    args = ["sweep", str(small), "--vary", "raids[Decoys].count=1,6",
            "--vary", "c2.escort_priority=0.2,0.9", "-n", "40", "--seed", "7", "--out",
            str(out), "--workers", "2", "--json"]
    rc, text, err = _run(capsys, *args)
    assert rc == 0, err
    got = json.loads(text)
    assert got["points_total"] == 4 and got["points_run"] == 4 and got["points_resumed"] == 0
    sc = load_scenario(small)
    base = sc.model_dump(mode="json")
    pts = design([parse_vary("raids[Decoys].count=1,6", base),
                  parse_vary("c2.escort_priority=0.2,0.9", base)], None, 7)
    for p, psc, row in zip(pts, point_scenarios(sc, pts), got["points"], strict=True):
        assert row["params"] == p and row["seed"] == 7
        ref = simulate(psc, 40, 7, record=0).summary  # a point is the plain run of its scenario
        assert row["summary"] == json.loads(json.dumps(ref))
        assert row["vip_p_loss"] == ref["assets"][0]["p_loss"]
        assert row["vip_p_loss_ci95"] == ref["assets"][0]["p_loss_ci95"]
    rc, text, _ = _run(capsys, *args)  # the same command again: nothing left to run
    again = json.loads(text)
    assert rc == 0 and again["points_run"] == 0 and again["points_resumed"] == 4
    assert again["points"] == got["points"]
    rc, text, _ = _run(capsys, *args[:-1], "--quiet")  # the human-readable table
    assert rc == 0 and "P(loss of VIP helicopter)" in text and text.count("raids[Decoys]") >= 4


def test_faults_json_and_files(small: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "f"
    rc, text, err = _run(capsys, "faults", str(small), "-n", "60", "--seed", "3",
                         "--no-tornado", "--workers", "2", "--out", str(out), "--json")
    assert rc == 0, err
    got = json.loads(text)
    assert got == json.loads((out / "faults.json").read_text(encoding="utf-8"))
    assert (out / "faults.duckdb").is_file() and (out / "plots" / "tornado.png").is_file()
    sc = load_scenario(small)
    base = simulate(sc, 60, 3, record=0)
    assert got["baseline"]["vip_p_loss"] == base.summary["assets"][0]["p_loss"]
    assert len(got["faults"]) == len(sc.sensors) + len(sc.effectors) + 3
    # the mean paired difference is the difference of the two loss probabilities
    for f in got["faults"]:
        assert f["delta"] == pytest.approx(f["vip_p_loss"] - got["baseline"]["vip_p_loss"],
                                           abs=1e-6)
        assert f["delta_ci95"][0] <= f["delta"] <= f["delta_ci95"][1]
    # one of them, recomputed from scratch with the plain simulate
    f = next(f for f in got["faults"] if f["fault"] == "effector_out:Door gun")
    d = sc.model_dump(mode="json")
    d["effectors"] = [e for e in d["effectors"] if e["name"] != "Door gun"]
    var = simulate(scenario_from_dict(d), 60, 3, record=0)
    assert f["vip_p_loss"] == var.summary["assets"][0]["p_loss"]
    rc, text, _ = _run(capsys, "faults", str(small), "-n", "60", "--seed", "3",
                       "--no-tornado", "--workers", "2", "--quiet")
    assert rc == 0 and "single point of failure" in text.lower()


@pytest.mark.parametrize(("argv", "words"), [
    (["sweep", "{s}", "--vary", "raids[0].cout=1,2"], "no field 'cout'"),
    (["sweep", "{s}", "--vary", "raids[Nope].count=1,2"], "no item named 'Nope'"),
    (["sweep", "{s}", "--vary", "raids[0].count=9:1:1"], "empty range"),
    (["sweep", "{s}", "--vary", "raids[0].count=1:9"], "a:b:step"),
    (["sweep", "{s}", "--vary", "raids[0].count=lhs(1,9)"], "--lhs N"),
    (["sweep", "{s}", "--vary", "raids[0].count"], "PATH=SPEC"),
    (["sweep", "{s}", "--vary", "leak.probability=0.5,3"], "sweep point 1"),
    (["sweep", "{s}", "--vary", "raids[0].count=1,2", "--backend", "dask"], "unknown backend"),
    (["sweep", "{s}", "--vary", "raids[0].count=1,2", "-n", "0"], "at least 1"),
    (["sweep", "{s}", "--vary", "raids[0].count=1,2", "--workers", "0"], "at least 1"),
    (["sweep", "missing.yaml", "--vary", "raids[0].count=1,2"], "file not found"),
    (["sweep", "{s}", "--vary", "raids[0].count=1,2", "--out", "{s}"], "sweep folder"),
    (["faults", "{s}", "--pk-factor", "1.5"], "pk-factor"),
    (["faults", "{s}", "--late", "-3"], "--late"),
    (["faults", "{s}", "--address", "x:1"], "--backend ray"),
    (["faults", "{s}", "--objective", "cost"], "unknown objective 'cost'"),
    (["faults", "{s}", "--objective", "asset:Nowhere"], "no asset named 'Nowhere'"),
    (["sweep", "{s}", "--vary", "raids[0].count=1,2", "--objective", "asset:"], "asset:NAME"),
    (["sweep", "{s}", "--vary", "raids[0].count=1,2", "--objective", "asset:Nowhere"],
     "field '--objective'"),
])
def test_bad_input_is_one_line_and_exit_2(small: Path, capsys, argv, words) -> None:
    rc, out, err = _run(capsys, *(a.format(s=small) for a in argv))
    assert out == ""
    assert rc == 2
    assert words in err and err.startswith("skyshield: error:")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_different_sweep_in_out_is_refused(small: Path, tmp_path: Path, capsys) -> None:
    out = str(tmp_path / "sw")
    base = ["sweep", str(small), "-n", "20", "--out", out, "--workers", "1", "--json"]
    assert _run(capsys, *base, "--vary", "c2.escort_priority=0.3")[0] == 0
    rc, _, err = _run(capsys, *base, "--vary", "c2.escort_priority=0.4")
    assert rc == 2 and "different sweep" in err
    rc, text, _ = _run(capsys, *base, "--vary", "c2.escort_priority=0.4", "--overwrite")
    assert rc == 0 and json.loads(text)["points"][0]["params"] == {"c2.escort_priority": 0.4}


def test_help_shows_range_syntax_as_typed(capsys) -> None:
    # rich would turn ":b:" in "a:b:step" into an emoji in the help text
    assert main(["sweep", "--help"]) == 0
    out = capsys.readouterr().out
    assert "START:STOP:STEP" in out and "\U0001f171" not in out
