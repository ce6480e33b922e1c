"""The report without a browser: reading the folder, escaping, replay data, figures, CLI."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from report_fixtures import HOSTILE, HOSTILE_ATTR

from skyshield.errors import InputError
from skyshield.report import build_report
from skyshield.report.data import load_run
from skyshield.report.figures import sweep_axis
from skyshield.report.page import json_for_script, replay_payload


def _data_block(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page,
                  re.S)
    assert m is not None
    return json.loads(m.group(1))


# --------------------------------------------------------------------------- escaping


@settings(max_examples=300, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(), kids, max_size=4),
    max_leaves=20))
def test_json_for_script_round_trips_and_cannot_close_the_element(obj: object) -> None:
    text = json_for_script(obj)
    assert json.loads(text) == obj
    assert "<" not in text and ">" not in text and "&" not in text


def test_hostile_names_are_escaped_everywhere(run_copy: Path) -> None:
    out = build_report(run_copy)
    page = out.html.read_text(encoding="utf-8")
    # the only script elements are the page's own two
    assert page.count("<script") == 2
    assert "<img" not in page.replace('<img alt="', "")  # figures only
    assert html.escape(HOSTILE) in page and html.escape(HOSTILE_ATTR) in page
    # names reach the replay intact through the JSON block
    data = _data_block(page)
    assert HOSTILE in data["names"]["assets"]
    assert f"Gun {HOSTILE_ATTR}" in data["names"]["effectors"]


# --------------------------------------------------------------------------- folder errors


def test_missing_folder_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such folder"):
        load_run(tmp_path / "nope")


def test_folder_without_results_says_so(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no results in this folder"):
        load_run(tmp_path)


def test_corrupt_summary_names_file_and_line(run_copy: Path) -> None:
    (run_copy / "summary.json").write_text('{\n "assets": [\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_run(run_copy)
    assert exc.value.file is not None and exc.value.file.endswith("summary.json")
    assert exc.value.line == 3


def test_parquet_fallback_gives_the_same_page(run_copy: Path) -> None:
    first = build_report(run_copy).html.read_bytes()
    (run_copy / "results.duckdb").unlink()
    assert build_report(run_copy).html.read_bytes() == first


def test_unrecorded_replay_is_input_error(run_copy: Path) -> None:
    with pytest.raises(InputError, match="replication 199 was not recorded"):
        build_report(run_copy, replays=[199])


# --------------------------------------------------------------------------- content


def test_report_is_reproducible_and_writes_pngs(run_copy: Path) -> None:
    a = build_report(run_copy)
    first = {p.name: p.read_bytes() for p in (run_copy / "report").iterdir()}
    build_report(run_copy)
    second = {p.name: p.read_bytes() for p in (run_copy / "report").iterdir()}
    assert first == second
    assert set(a.figures) == {"loss_probability", "loss_causes", "wave_effectors", "leakers",
                              "expenditure", "cost_exchange", "map"}
    for p in a.figures.values():
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = a.html.read_text(encoding="utf-8")
    # every PNG is inlined byte for byte: the page and the files cannot disagree
    import base64

    for p in a.figures.values():
        assert base64.b64encode(p.read_bytes()).decode() in page
    assert 'id="sweep-missing"' in page
    assert "src=\"http" not in page and "href=\"http" not in page


def test_summary_numbers_match_summary_json(real_run: Path, tmp_path: Path) -> None:
    import shutil

    shutil.copytree(real_run, tmp_path / "r")
    page = build_report(tmp_path / "r").html.read_text(encoding="utf-8")
    s = json.loads((real_run / "summary.json").read_text(encoding="utf-8"))
    vip = s["assets"][0]
    lo, hi = vip["p_loss_ci95"]
    assert f"{100 * vip['p_loss']:.2f} %" in page
    assert f"{100 * lo:.2f} % – {100 * hi:.2f} %" in page


def test_replay_payload_reproduces_the_tables(real_run: Path) -> None:
    data = load_run(real_run)
    assert len(data.recorded_reps) == 2
    payload = replay_payload(data, data.recorded_reps[1:])
    (r,) = payload["replays"]
    pos = data.tables["positions"]
    rep = data.recorded_reps[1]
    sel = pos["rep"] == rep
    assert len(r["pos"]["x"]) == int(sel.sum())
    # each (time, entity, id) row is reproduced with its coordinates
    want = sorted(zip(pos["t_s"][sel].tolist(), pos["entity"][sel].tolist(),
                      pos["id"][sel].tolist(), np.rint(pos["x"][sel]).astype(int).tolist(),
                      np.rint(pos["y"][sel]).astype(int).tolist(), strict=True))
    names = payload["names"]
    got = sorted((r["t"][f], names["entities"][e], i, x, y) for f, e, i, x, y in zip(
        r["pos"]["f"], r["pos"]["e"], r["pos"]["i"], r["pos"]["x"], r["pos"]["y"], strict=True))
    assert got == want
    assert r["t"] == sorted(r["t"])
    ev = data.tables["events"]
    esel = ev["rep"] == rep
    assert len(r["ev"]["t"]) == int(esel.sum())
    assert r["ev"]["t"] == sorted(r["ev"]["t"])
    kinds = [names["kinds"][k] for k in r["ev"]["k"]]
    assert sorted(kinds) == sorted(ev["kind"][esel].tolist())
    assert -1 not in r["ev"]["k"]


# --------------------------------------------------------------------------- sweep


def _write_sweep(folder: Path, counts: list[int]) -> None:
    import duckdb

    con = duckdb.connect(str(folder / "sweep.duckdb"))
    con.execute("CREATE TABLE sweep_points(point INTEGER, params_json VARCHAR, "
                "replications INTEGER, seed BIGINT, vip_p_loss DOUBLE, vip_lo DOUBLE, "
                "vip_hi DOUBLE, summary_json VARCHAR)")
    for k, c in enumerate(counts):
        p = c / 1000
        summary = {"assets": [{"name": "VIP", "p_loss": p},
                              {"name": HOSTILE, "p_loss": p / 2}],
                   "threats": {"launched_mean": 1.1 * c}}
        con.execute("INSERT INTO sweep_points VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [k, json.dumps({"raids[0].count": c, "seed_note": "x"}), 200, 1, p,
                     p * 0.8, p * 1.2, json.dumps(summary)])
    con.close()


def test_sweep_figure_when_sweep_present(run_copy: Path) -> None:
    _write_sweep(run_copy, [40, 10, 20, 80])
    data = load_run(run_copy)
    x, label = sweep_axis(data.sweep or [])
    assert label == "raids[0].count"
    assert sorted(x.tolist()) == [10.0, 20.0, 40.0, 80.0]
    out = build_report(run_copy)
    assert "raid_sweep" in out.figures
    assert out.sweep is not None and out.sweep.endswith("sweep.duckdb")
    page = out.html.read_text(encoding="utf-8")
    assert 'id="sweep-missing"' not in page and 'id="fig-raid_sweep"' in page
    # without the sweep the stale PNG goes away with the figure
    (run_copy / "sweep.duckdb").unlink()
    out = build_report(run_copy)
    assert not (run_copy / "report" / "raid_sweep.png").exists()


def test_sweep_axis_falls_back_to_launched_mean(run_copy: Path) -> None:
    from skyshield.report.data import SweepPoint

    pts = [SweepPoint(k, {"scale": 1.0, "name": f"p{k}"}, 10, 1, 0.1, 0.0, 0.2,
                      {"threats": {"launched_mean": 50.0 + k}}) for k in range(3)]
    x, label = sweep_axis(pts)
    assert x.tolist() == [50.0, 51.0, 52.0]
    assert "launched" in label


def test_bad_sweep_database_is_input_error(run_copy: Path) -> None:
    (run_copy / "sweep.duckdb").write_bytes(b"not a database")
    with pytest.raises(InputError) as exc:
        load_run(run_copy)
    assert exc.value.file is not None and exc.value.file.endswith("sweep.duckdb")


# --------------------------------------------------------------------------- CLI


def test_cli_json_and_exit_codes(run_copy: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    from skyshield.cli import main

    assert main(["report", str(run_copy), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["report"] == str(run_copy / "report" / "index.html")
    assert got["replays"] == load_run(run_copy).recorded_reps[:4] and got["sweep"] is None
    assert len(got["replays"]) == 2
    assert got["bytes"] == (run_copy / "report" / "index.html").stat().st_size
    assert main(["report", str(tmp_path / "empty"), "--json"]) == 2
    (tmp_path / "empty").mkdir()
    assert main(["report", str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "no results in this folder" in err
    assert "Traceback" not in err
    assert main(["report", str(run_copy), "--replay", "199"]) == 2


def test_raid_sweep_reproduces_the_run_at_scale_one(run_copy: Path) -> None:
    from skyshield.analysis.raid_sweep import PARAM, run_raid_sweep

    summary = json.loads((run_copy / "summary.json").read_text(encoding="utf-8"))
    path = run_raid_sweep(run_copy, replications=summary["replications"], scales=(0.5, 1.0))
    pts = load_run(run_copy).sweep or []
    assert [p.params[PARAM] for p in pts] == [8, 16]  # 12 + 4 drones, halved (6 + 2)
    # same scenario, replications and seed: the point at scale 1 is the run itself
    one = pts[1]
    assert one.seed == summary["seed"]
    assert [a["p_loss"] for a in one.summary["assets"]] == [
        a["p_loss"] for a in summary["assets"]]
    assert one.vip_p_loss == summary["assets"][0]["p_loss"]
    out = build_report(run_copy)
    assert out.sweep == str(path) and "raid_sweep" in out.figures


def test_cli_raid_sweep_refuses_folder_without_results(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from skyshield.cli import main

    assert main(["report", str(tmp_path), "--raid-sweep"]) == 2
    assert "no results in this folder" in capsys.readouterr().err
    assert not (tmp_path / "sweep.duckdb").exists()


def test_cli_module_imports_nothing_heavy() -> None:
    import subprocess
    import sys

    code = ("import sys, skyshield.report.cli; "
            "print(sorted(m for m in ('numpy', 'duckdb', 'matplotlib', 'pyarrow') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_page_shows_the_leak_split_and_the_causes() -> None:
    """A run in which the plan leaks in about half the replications: the headline and the
    tables give P(loss | leak), P(loss | no leak) and every cause, as the summary has them."""
    from skyshield.montecarlo import simulate
    from skyshield.report.page import summary_html
    from skyshield.scenario import scenario_from_dict
    from testkit import flagship_small_dict

    d = flagship_small_dict()
    d["leak"]["probability"] = 0.5
    s = simulate(scenario_from_dict(d), 200, 4, record=0).summary
    page = summary_html(s)
    vip = s["assets"][0]
    gl, gn = vip["given_leak"], vip["given_no_leak"]
    assert gl["replications"] > 0 and gn["replications"] > 0
    assert (f"{100 * gl['p_loss']:.2f} % if the flight plan leaked "
            f"({gl['losses']}/{gl['replications']})") in page
    assert "Loss probability if the flight plan leaked, and if not" in page
    for a in s["assets"]:
        lo, hi = a["given_no_leak"]["p_loss_ci95"]
        assert (f"{100 * a['given_no_leak']['p_loss']:.2f} % ({100 * lo:.2f} % – "
                f"{100 * hi:.2f} %; ") in page
    assert "<h3>Losses by cause</h3>" in page
    causes = [c for a in s["assets"] for c in a["causes"]]
    assert causes and all(html.escape(c["cause"]) in page for c in causes)
    assert page.count("<tr>") >= len(causes)
    assert "Rounds and kills by wave × effector" in page and "rounds at it" in page
    assert "attack cost of the drones killed ÷ defence cost" in page


def _frontier_json(folder: Path, scenario_hash: str | None) -> None:
    from skyshield.report.data import run_scenario_hash

    d = {"designs": [{"name": n, "p_vip": p, "p_vip_ci95": [p - 0.02, p + 0.02],
                      "site_value": v, "site_value_ci95": [v - 2.0, v + 2.0]}
                     for n, p, v in ((f"as written {HOSTILE}", 0.30, 200.0),
                                     ("escort", 0.25, 210.0), ("area", 0.40, 190.0))],
         "frontier": ["escort", f"as written {HOSTILE}", "area"], "neighbours": [],
         "scenario": "x", "vip": HOSTILE, "replications": 10, "seed": 1,
         "scenario_hash": scenario_hash if scenario_hash is not None else
         run_scenario_hash(folder)}
    (folder / "frontier.json").write_text(json.dumps(d), encoding="utf-8")


def test_frontier_figure_when_a_frontier_of_this_scenario_is_present(run_copy: Path) -> None:
    """``skyshield frontier --out`` into the run folder: the report draws it (names as
    plain text); a frontier of another scenario is skipped with a note; a malformed one is
    one error naming the file."""
    _frontier_json(run_copy, None)
    out = build_report(run_copy)
    assert "frontier" in out.figures and (run_copy / "report" / "frontier.png").is_file()
    assert 'id="fig-frontier"' in out.html.read_text(encoding="utf-8")
    _frontier_json(run_copy, "0" * 64)
    out = build_report(run_copy)
    assert "frontier" not in out.figures
    assert any("frontier of another scenario" in n for n in out.notes)
    (run_copy / "frontier.json").write_text('{"designs": 3}', encoding="utf-8")
    with pytest.raises(InputError, match="not a skyshield frontier") as err:
        build_report(run_copy)
    assert err.value.file == str(run_copy / "frontier.json")
