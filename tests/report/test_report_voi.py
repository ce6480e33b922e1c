"""``skyshield report DIR --value-of-information N``: the paired truth/tracks runs of the
folder's scenario, their file, the report's section and figure, and bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from report_fixtures import HOSTILE, REAL_SCENARIO, write_real_run

from skyshield.cli import main

N = 4


def _by_hand(folder: Path, changes: dict[str, str]) -> dict[str, np.ndarray]:
    """One setting's per-replication VIP loss, value lost at the fixed sites and rounds,
    from the compiled kernel directly (replications 0 .. N − 1, the run's seed)."""
    from skyshield.engine import compile_scenario, run_batch
    from skyshield.scenario import load_scenario
    from skyshield.scenario.paths import with_changes

    seed = json.loads((folder / "summary.json").read_text("utf-8"))["seed"]
    cs = compile_scenario(with_changes(load_scenario(folder / "scenario.yaml"), changes))
    out = run_batch(cs, seed, 0, N)
    fixed = np.array([k == "fixed" for k in cs.asset_kinds])
    values = np.asarray(cs.asset_values, dtype=float)
    return {"vip": out.asset_lost[:, 0].astype(float),
            "site": (out.asset_lost[:, fixed] * values[fixed]).sum(axis=1),
            "rounds": out.eff_shots.sum(axis=1).astype(float)}


def _paired(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    d = b - a
    h = NormalDist().inv_cdf(0.975) * float(d.std(ddof=1)) / math.sqrt(d.size)
    return float(d.mean()), float(d.mean()) - h, float(d.mean()) + h


def test_the_section_the_file_and_the_paired_differences(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The hostile scenario with a radar of 6° bearing noise (its tracks then miss some
    drones the truth would not: a Δ other than 0)."""
    import copy

    from skyshield.analysis.value_of_information import SETTINGS

    sc = copy.deepcopy(REAL_SCENARIO)
    sc["sensors"][0]["params"] = {"sigma_bearing_deg": 6.0}
    run_copy = write_real_run(tmp_path / "run", replications=20, scenario=sc)
    capsys.readouterr()
    assert main(["report", str(run_copy), "--value-of-information", str(N), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    path = run_copy / "value_of_information.json"
    assert got["value_of_information"] == str(path) and "value_of_information" in got["figures"]
    assert (run_copy / "report" / "value_of_information.png").is_file()
    voi = json.loads(path.read_text("utf-8"))
    assert voi["replications"] == N and voi["seed"] == 7
    assert [s["key"] for s in voi["settings"]] == [k for k, _l, _c in SETTINGS]
    # every Δ is the paired difference of two run_batch calls (same seed, replications)
    truth = _by_hand(run_copy, SETTINGS[0][2])
    for key, _label, changes in SETTINGS[1:]:
        other = _by_hand(run_copy, changes)
        row = next(s for s in voi["settings"] if s["key"] == key)
        for name, d, ci, digits in (("vip", row["assets"][0]["d_p_loss"],
                                     row["assets"][0]["d_p_loss_ci95"], 6),
                                    ("site", row["d_site_value"], row["d_site_value_ci95"], 4),
                                    ("rounds", row["d_rounds"], row["d_rounds_ci95"], 4)):
            m, lo, hi = _paired(truth[name], other[name])
            np.testing.assert_allclose([d, *ci], [m, lo, hi], atol=10.0**-digits,
                                       err_msg=f"{key}: {name}")
        assert row["d_site_value"] != 0 and row["d_rounds"] != 0  # not a trivial pairing
        assert row["rounds"] == pytest.approx(other["rounds"].mean(), abs=1e-4)
    assert all(v is not None and v == 0 for v in (
        voi["settings"][0]["d_site_value"], voi["settings"][0]["assets"][0]["d_p_loss"]))
    page = (run_copy / "report" / "index.html").read_text("utf-8")
    sec = page[page.index('<section id="value-of-information">'):page.index(
        '<section id="figures">')]
    assert "What C2 knows: the value of information" in sec and 'id="voi-missing"' not in sec
    assert 'id="fig-value_of_information"' in sec and sec.count("<tr>") == 1 + len(SETTINGS)
    assert "tracks, intent from the heading" in sec and "<script" not in sec
    # again with the same N: the file is kept (not run again), the page is the same
    stamp = path.stat().st_mtime_ns
    assert main(["report", str(run_copy), "--value-of-information", str(N), "--json"]) == 0
    capsys.readouterr()
    assert path.stat().st_mtime_ns == stamp
    assert (run_copy / "report" / "index.html").read_text("utf-8") == page


def test_a_folder_without_the_file_says_how_to_make_it(run_copy: Path) -> None:
    from skyshield.report import build_report

    out = build_report(run_copy)
    page = out.html.read_text("utf-8")
    assert 'id="voi-missing"' in page and "--value-of-information N" in page
    assert out.voi is None and "value_of_information" not in out.figures


def test_another_scenarios_file_is_skipped_and_a_malformed_one_refused(
        run_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from skyshield.report import build_report

    path = run_copy / "value_of_information.json"
    row = {"key": "truth", "label": f"truth {HOSTILE}", "assets": [
        {"name": HOSTILE, "p_loss": 0.5, "p_loss_ci95": [0.1, 0.9], "d_p_loss": 0.0,
         "d_p_loss_ci95": [0.0, 0.0]}], "site_value": 1.0, "site_value_ci95": [0.0, 2.0],
        "d_site_value": 0.0, "d_site_value_ci95": [0.0, 0.0], "rounds": 3.0, "d_rounds": 0.0,
        "d_rounds_ci95": [0.0, 0.0]}
    doc = {"scenario": "other", "scenario_hash": "0" * 64, "replications": 2, "seed": 1,
           "settings": [row, {**row, "key": "tracks", "label": "tracks"}]}
    path.write_text(json.dumps(doc), "utf-8")
    out = build_report(run_copy)
    assert out.voi is None and any("of another scenario" in n for n in out.notes)
    # the same file of this scenario is shown, its names escaped
    doc["scenario_hash"] = None
    path.write_text(json.dumps(doc), "utf-8")
    page = build_report(run_copy).html.read_text("utf-8")
    assert f"truth {HOSTILE}" not in page and "truth &lt;script&gt;" in page
    del doc["settings"][0]["rounds"]
    path.write_text(json.dumps(doc), "utf-8")
    assert main(["report", str(run_copy)]) == 2
    err = capsys.readouterr().err
    assert "value_of_information.json" in err and "Traceback" not in err


@pytest.mark.parametrize("n", ["0", "-3", str(10**12)])
def test_bad_n_exits_2_before_any_run(run_copy: Path, n: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(run_copy), "--value-of-information", n, "--raid-sweep"]) == 2
    err = capsys.readouterr().err
    assert "--value-of-information" in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (run_copy / "value_of_information.json").exists()
    assert not (run_copy / "sweep.duckdb").exists()


def test_a_folder_without_its_scenario_exits_2(run_copy: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (run_copy / "scenario.yaml").unlink()
    assert main(["report", str(run_copy), "--value-of-information", "2"]) == 2
    err = capsys.readouterr().err
    assert "scenario.yaml is missing" in err and err.count("\n") == 1
    assert not (run_copy / "value_of_information.json").exists()
