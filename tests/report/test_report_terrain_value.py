"""``skyshield report DIR --terrain-value N``: the paired runs of the folder's scenario over
its terrain and on flat Earth, their file, the report's section and figure, and bad input."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from report_fixtures import HOSTILE, REAL_SCENARIO, write_real_run

from skyshield.cli import main

N = 4
#: The hostile scenario over a rugged synthetic relief: the radar at 4 km north loses drones
#: behind the hills.
TERRAIN = {"source": "synthetic", "cell_m": 200.0, "relief_m": 600.0, "roughness": 0.5,
           "seed": 3}


def _terrain_run(folder: Path) -> Path:
    sc = copy.deepcopy(REAL_SCENARIO)
    sc["terrain"] = TERRAIN
    return write_real_run(folder, replications=10, scenario=sc)


@pytest.fixture(scope="module")
def terrain_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run of the hostile scenario over hills (read-only: copy it to write)."""
    return _terrain_run(tmp_path_factory.mktemp("terrain") / "run")


def _by_hand(folder: Path, flat: bool) -> dict[str, np.ndarray]:
    """One setting's per-replication drones tracked per sensor, drones launched, VIP loss,
    value lost at the fixed sites and rounds, from the compiled kernel directly
    (replications 0 .. N − 1, the run's seed)."""
    from skyshield.engine import compile_scenario, run_batch
    from skyshield.scenario import load_scenario, scenario_from_dict

    seed = json.loads((folder / "summary.json").read_text("utf-8"))["seed"]
    sc = load_scenario(folder / "scenario.yaml")
    if flat:
        sc = scenario_from_dict({**sc.model_dump(mode="json"), "terrain": {"source": "none"}})
    cs = compile_scenario(sc)
    out = run_batch(cs, seed, 0, N)
    fixed = np.array([k == "fixed" for k in cs.asset_kinds])
    values = np.asarray(cs.asset_values, dtype=float)
    return {"tracked": out.sen_tracked.astype(float),
            "launched": out.wave_launched.sum(axis=1).astype(float),
            "vip": out.asset_lost[:, 0].astype(float),
            "site": (out.asset_lost[:, fixed] * values[fixed]).sum(axis=1),
            "rounds": out.eff_shots.sum(axis=1).astype(float)}


def _paired(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    d = b - a
    h = NormalDist().inv_cdf(0.975) * float(d.std(ddof=1)) / math.sqrt(d.size)
    return float(d.mean()), float(d.mean()) - h, float(d.mean()) + h


def _linearised(k: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The ratio Σk/Σn, linearised per replication: p̂ + (k_r − p̂ n_r)/n̄."""
    p = k.sum() / n.sum()
    return np.asarray(p + (k - p * n) / n.mean())


def test_the_section_the_file_and_the_paired_differences(
        terrain_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from skyshield.analysis.terrain_value import SETTINGS

    run_copy = tmp_path / "run"
    shutil.copytree(terrain_run, run_copy)
    capsys.readouterr()
    assert main(["report", str(run_copy), "--terrain-value", str(N), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    path = run_copy / "terrain_value.json"
    assert got["terrain_value"] == str(path) and "terrain_value" in got["figures"]
    assert (run_copy / "report" / "terrain_value.png").is_file()
    tv = json.loads(path.read_text("utf-8"))
    assert tv["replications"] == N and tv["seed"] == 7
    assert tv["terrain"]["source"] == "synthetic" and tv["terrain"]["relief_m"] == 600.0
    assert [s["key"] for s in tv["settings"]] == [k for k, _l, _t in SETTINGS] == [
        "flat", "terrain"]
    flat, hills = tv["settings"]
    assert flat["changes"] == {"terrain": {"source": "none"}} and hills["changes"] == {}
    a, b = _by_hand(run_copy, flat=True), _by_hand(run_copy, flat=False)
    # P(detect) per sensor on each setting, and its paired Δ: drones tracked ÷ launched
    for st, h in ((flat, a), (hills, b)):
        for s, sen in enumerate(st["sensors"]):
            assert sen["p_detect"] == pytest.approx(
                h["tracked"][:, s].sum() / h["launched"].sum(), abs=1e-6)
            lo, hi = sen["p_detect_ci95"]
            assert 0.0 <= lo <= sen["p_detect"] <= hi <= 1.0
    radar = hills["sensors"][0]
    assert radar["name"] == "Radar <b>bold</b>" and radar["kind"] == "radar"
    m, lo, hi = _paired(_linearised(a["tracked"][:, 0], a["launched"]),
                        _linearised(b["tracked"][:, 0], b["launched"]))
    np.testing.assert_allclose([radar["d_p_detect"], *radar["d_p_detect_ci95"]], [m, lo, hi],
                               atol=1e-6)
    assert radar["d_p_detect"] < 0 and radar["d_p_detect_ci95"][1] < 0  # the hills mask
    assert flat["sensors"][0]["d_p_detect"] == 0
    # the loss, value and rounds: the paired differences of the two run_batch calls
    for name, d, ci, digits in (("vip", hills["assets"][0]["d_p_loss"],
                                 hills["assets"][0]["d_p_loss_ci95"], 6),
                                ("site", hills["d_site_value"], hills["d_site_value_ci95"], 4),
                                ("rounds", hills["d_rounds"], hills["d_rounds_ci95"], 4)):
        if np.all(a[name] == b[name]):
            assert d == 0 and ci == [0.0, 0.0]
            continue
        m, lo, hi = _paired(a[name], b[name])
        np.testing.assert_allclose([d, *ci], [m, lo, hi], atol=10.0**-digits, err_msg=name)
    assert hills["d_rounds"] != 0  # not a trivial pairing
    assert hills["rounds"] == pytest.approx(b["rounds"].mean(), abs=1e-4)
    page = (run_copy / "report" / "index.html").read_text("utf-8")
    sec = page[page.index('<section id="terrain-value">'):page.index('<section id="figures">')]
    assert "What terrain does" in sec and 'id="terrain-missing"' not in sec
    assert 'id="fig-terrain_value"' in sec and "<script" not in sec
    assert "Radar &lt;b&gt;bold&lt;/b&gt;" in sec and "Radar <b>bold" not in sec
    # one row per sensor, a header, then one row per setting and a header
    assert sec.count("<tr>") == (1 + len(flat["sensors"])) + (1 + len(SETTINGS))
    assert "flat Earth (terrain: none)" in sec and "over the terrain" in sec
    assert 'href="#terrain-value"' in page
    # again with the same N: the file is kept (not run again), the page is the same
    stamp = path.stat().st_mtime_ns
    assert main(["report", str(run_copy), "--terrain-value", str(N), "--json"]) == 0
    capsys.readouterr()
    assert path.stat().st_mtime_ns == stamp
    assert (run_copy / "report" / "index.html").read_text("utf-8") == page


def test_the_library_call_gives_the_file(terrain_run: Path) -> None:
    """``terrain_value`` on the scenario: the dict the report writes (same N and seed), and
    the same dict twice (no timings)."""
    from skyshield.analysis.terrain_value import terrain_value
    from skyshield.scenario import load_scenario

    sc = load_scenario(terrain_run / "scenario.yaml")
    one = terrain_value(sc, replications=2, seed=7)
    assert one == terrain_value(sc, replications=2, seed=7)
    assert [len(s["sensors"]) for s in one["settings"]] == [1, 1]


def test_a_folder_without_the_file_says_how_to_make_it(run_copy: Path) -> None:
    from skyshield.report import build_report

    out = build_report(run_copy)
    page = out.html.read_text("utf-8")
    assert 'id="terrain-missing"' in page and "--terrain-value N" in page
    assert out.terrain_value is None and "terrain_value" not in out.figures


def test_another_scenarios_file_is_skipped_and_a_malformed_one_refused(
        run_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from skyshield.report import build_report

    path = run_copy / "terrain_value.json"
    sensor = {"name": f"Radar {HOSTILE}", "kind": "radar", "p_detect": 0.9,
              "p_detect_ci95": [0.8, 0.95], "d_p_detect": 0.0, "d_p_detect_ci95": [0.0, 0.0]}
    row = {"key": "flat", "label": f"flat {HOSTILE}", "sensors": [sensor], "assets": [
        {"name": HOSTILE, "p_loss": 0.5, "p_loss_ci95": [0.1, 0.9], "d_p_loss": 0.0,
         "d_p_loss_ci95": [0.0, 0.0]}], "site_value": 1.0, "site_value_ci95": [0.0, 2.0],
        "d_site_value": 0.0, "d_site_value_ci95": [0.0, 0.0], "rounds": 3.0, "d_rounds": 0.0,
        "d_rounds_ci95": [0.0, 0.0]}
    hills = {**row, "key": "terrain", "label": "over the terrain",
             "sensors": [{**sensor, "p_detect": 0.6, "d_p_detect": -0.3,
                          "d_p_detect_ci95": [-0.4, -0.2]}]}
    doc = {"scenario": "other", "scenario_hash": "0" * 64, "replications": 2, "seed": 1,
           "settings": [row, hills]}
    path.write_text(json.dumps(doc), "utf-8")
    out = build_report(run_copy)
    assert out.terrain_value is None and any("of another scenario" in n for n in out.notes)
    # the same file of this scenario is shown, its names escaped
    doc["scenario_hash"] = None
    path.write_text(json.dumps(doc), "utf-8")
    out = build_report(run_copy)
    page = out.html.read_text("utf-8")
    assert out.terrain_value == str(path) and "terrain_value" in out.figures
    assert f"flat {HOSTILE}" not in page and "flat &lt;script&gt;" in page
    assert "-30.00 pt [-40.00, -20.00]" in page
    del doc["settings"][1]["sensors"][0]["d_p_detect"]
    path.write_text(json.dumps(doc), "utf-8")
    assert main(["report", str(run_copy)]) == 2
    err = capsys.readouterr().err
    assert "terrain_value.json" in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("n", ["0", "-3", str(10**12)])
def test_bad_n_exits_2_before_any_run(terrain_run: Path, tmp_path: Path, n: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    run_copy = tmp_path / "run"
    shutil.copytree(terrain_run, run_copy)
    capsys.readouterr()
    assert main(["report", str(run_copy), "--terrain-value", n, "--raid-sweep"]) == 2
    err = capsys.readouterr().err
    assert "--terrain-value" in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (run_copy / "terrain_value.json").exists()
    assert not (run_copy / "sweep.duckdb").exists()


def test_a_scenario_without_terrain_exits_2_naming_the_option(
        run_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(run_copy), "--terrain-value", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"skyshield: error: {run_copy / 'scenario.yaml'}")
    assert "--terrain-value" in err and "no terrain" in err and err.count("\n") == 1
    assert not (run_copy / "terrain_value.json").exists()
    assert not (run_copy / "report").exists()
    # the library call says the same
    from skyshield.analysis.terrain_value import terrain_value
    from skyshield.errors import InputError
    from skyshield.scenario import load_scenario

    with pytest.raises(InputError, match="no terrain") as info:
        terrain_value(load_scenario(run_copy / "scenario.yaml"), replications=2, seed=1)
    assert info.value.field == "--terrain-value"


def test_a_folder_without_its_scenario_exits_2(terrain_run: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    run_copy = tmp_path / "run"
    shutil.copytree(terrain_run, run_copy)
    (run_copy / "scenario.yaml").unlink()
    capsys.readouterr()
    assert main(["report", str(run_copy), "--terrain-value", "2"]) == 2
    err = capsys.readouterr().err
    assert "scenario.yaml is missing" in err and err.count("\n") == 1
    assert not (run_copy / "terrain_value.json").exists()
