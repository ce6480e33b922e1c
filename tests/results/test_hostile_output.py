"""Output folders against hostile use: one scenario's artefacts per folder, a user's files never
deleted, files 0644 and folders 0755, NULL for missing values, one line and exit 2 for every
output path that cannot be used (issue 10, "Output folders" and "Data loss")."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml

from skyshield.cli import main
from skyshield.outfolder import ARTEFACTS, MANIFEST, REPORT_FIGURES
from testkit import flagship_small_dict

RUN = ["-n", "20", "--seed", "3", "--record", "1", "--quiet"]


def _scenario(tmp: Path, name: str, **changes: Any) -> Path:
    d = flagship_small_dict()
    d["name"] = name
    d.update(changes)
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path]:
    """Two different scenarios: the cut-down flagship under two names."""
    return _scenario(tmp_path, "alpha"), _scenario(tmp_path, "bravo")


def _one_line_error(capsys: pytest.CaptureFixture[str], rc: int, *words: str) -> str:
    err = capsys.readouterr().err
    assert rc == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("skyshield: error:") and "Traceback" not in err
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


# --------------------------------------------------------------------------- one scenario


def test_another_scenario_is_refused_and_overwrite_replaces_only_skyshield_files(
        two: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = two
    out = tmp_path / "out"
    assert main(["run", str(a), *RUN, "--out", str(out)]) == 0
    assert main(["report", str(out)]) == 0
    assert main(["faults", str(a), "-n", "4", "--no-tornado", "--workers", "1", "--quiet",
                 "--out", str(out)]) == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "plots" / "my_holiday.png").write_bytes(b"holiday")
    capsys.readouterr()
    before = _files(out)
    # another scenario: refused before any work, nothing touched
    for argv in (["run", str(b), *RUN], ["faults", str(b), "-n", "4", "--quiet"],
                 ["sweep", str(b), "--vary", "c2.escort_priority=0,1", "-n", "4", "--quiet"]):
        rc = main([*argv, "--out", str(out)])
        _one_line_error(capsys, rc, "another scenario", "'alpha'", "--overwrite", str(out))
        assert _files(out) == before
    # --overwrite: alpha's run, report and faults go; the user's files stay
    assert main(["run", str(b), *RUN, "--out", str(out), "--overwrite"]) == 0
    assert json.loads((out / "summary.json").read_text())["scenario"] == "bravo"
    for gone in ("faults.json", "faults.duckdb", "report/index.html", "report/map.png"):
        assert not (out / gone).exists(), gone
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "plots" / "my_holiday.png").read_bytes() == b"holiday"
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["scenario"] == "bravo" and set(manifest["files"]) >= {"run"}
    assert not manifest["files"].get("faults") and not manifest["files"].get("report")


def test_the_same_scenario_replaces_its_own_files_and_keeps_the_rest(
        two: tuple[Path, Path], tmp_path: Path) -> None:
    a, _ = two
    out = tmp_path / "out"
    assert main(["run", str(a), *RUN, "--out", str(out)]) == 0
    assert main(["faults", str(a), "-n", "4", "--no-tornado", "--workers", "1", "--quiet",
                 "--out", str(out)]) == 0
    assert main(["report", str(out)]) == 0
    faults = (out / "faults.json").read_bytes()
    assert main(["run", str(a), "-n", "30", "--quiet", "--out", str(out)]) == 0
    assert json.loads((out / "summary.json").read_text())["replications"] == 30
    assert (out / "faults.json").read_bytes() == faults  # same scenario: still valid
    # the report described the old run's results: it goes with them
    assert not (out / "report" / "index.html").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".skyshield-")]


def test_user_files_survive_run_and_report(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, _ = two
    out = tmp_path / "out"
    for rel, blob in (("plots/my_holiday.png", b"holiday"), ("parquet/my_data.parquet", b"d"),
                      ("report/my_annotated_map.png", b"annotated"), ("summary.txt", b"s")):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(blob)
    assert main(["run", str(a), *RUN, "--out", str(out)]) == 0
    assert main(["report", str(out)]) == 0
    assert main(["run", str(a), *RUN, "--out", str(out)]) == 0
    assert main(["report", str(out), "--no-png"]) == 0
    assert main(["report", str(out)]) == 0
    assert (out / "plots" / "my_holiday.png").read_bytes() == b"holiday"
    assert (out / "parquet" / "my_data.parquet").read_bytes() == b"d"
    assert (out / "report" / "my_annotated_map.png").read_bytes() == b"annotated"
    assert (out / "summary.txt").read_bytes() == b"s"
    assert (out / "parquet" / "events.parquet").is_file() and (out / "plots" / "map.png").is_file()
    # every file a writer wrote has a name skyshield knows (only those are ever removed)
    manifest = json.loads((out / MANIFEST).read_text())
    for group, names in manifest["files"].items():
        assert set(names) <= set(ARTEFACTS[group]), group
    assert {f"parquet/{p.name}" for p in (out / "parquet").glob("*.parquet")} - {
        "parquet/my_data.parquet"} <= set(ARTEFACTS["run"])


def test_a_manifest_cannot_make_skyshield_delete_a_user_file(two: tuple[Path, Path],
                                                             tmp_path: Path) -> None:
    a, b = two
    out = tmp_path / "out"
    assert main(["run", str(a), *RUN, "--out", str(out)]) == 0
    (out / "notes.txt").write_text("mine")
    (tmp_path / "outside.txt").write_text("mine")
    m = json.loads((out / MANIFEST).read_text())
    m["files"]["run"] += ["notes.txt", "../outside.txt", str(tmp_path / "outside.txt")]
    (out / MANIFEST).write_text(json.dumps(m))
    assert main(["run", str(b), *RUN, "--out", str(out), "--overwrite"]) == 0
    assert (out / "notes.txt").read_text() == "mine"
    assert (tmp_path / "outside.txt").read_text() == "mine"


def test_report_removes_only_its_own_stale_figures(two: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    from skyshield.report.figures import FIGURES

    assert tuple(stem for stem, _t, _f in FIGURES) == REPORT_FIGURES
    a, _ = two
    out = tmp_path / "out"
    assert main(["run", str(a), *RUN, "--out", str(out)]) == 0
    assert main(["report", str(out), "--raid-sweep", "--sweep-replications", "4"]) == 0
    assert (out / "report" / "raid_sweep.png").is_file()
    (out / "report" / "raid_sweep_notes.png").write_bytes(b"mine")
    for name in ("sweep.duckdb", "sweep_points.parquet"):
        (out / name).unlink()
    assert main(["report", str(out)]) == 0
    assert not (out / "report" / "raid_sweep.png").exists()  # stale: its figure is gone
    assert (out / "report" / "raid_sweep_notes.png").read_bytes() == b"mine"


# --------------------------------------------------------------------------- sweeps in reports


def test_report_skips_a_sweep_of_another_scenario(two: tuple[Path, Path], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    a, b = two
    run_b, sweep_a = tmp_path / "run_b", tmp_path / "sweep_a"
    assert main(["sweep", str(a), "--vary", "c2.escort_priority=0,1", "-n", "4", "--quiet",
                 "--workers", "1", "--out", str(sweep_a)]) == 0
    assert main(["run", str(b), *RUN, "--out", str(run_b)]) == 0
    # a sweep of alpha carried into bravo's folder by hand
    (run_b / "sweep.duckdb").write_bytes((sweep_a / "sweep.duckdb").read_bytes())
    capsys.readouterr()
    for extra in ([], ["--raid-sweep", "--sweep-replications", "4"]):
        assert main(["report", str(run_b), "--json", *extra]) == 0
        got = json.loads(capsys.readouterr().out)
        assert got["sweep"] is None and "raid_sweep" not in got["figures"]
        assert len(got["notes"]) == 1 and "another scenario ('alpha'" in got["notes"][0]
        page = (run_b / "report" / "index.html").read_text(encoding="utf-8")
        assert "another scenario" in page
    assert main(["report", str(run_b)]) == 0
    printed = capsys.readouterr().out
    assert "note:" in printed and "skipped" in printed
    # bravo's own raid sweep is shown
    (run_b / "sweep.duckdb").unlink()
    assert main(["report", str(run_b), "--json", "--raid-sweep",
                 "--sweep-replications", "4"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["sweep"] is not None and "raid_sweep" in got["figures"] and not got["notes"]


# --------------------------------------------------------------------------- modes, NULL, created


def test_files_0644_and_folders_0755(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, _ = two
    old = os.umask(0o022)
    try:
        out = tmp_path / "out"
        assert main(["run", str(a), *RUN, "--out", str(out)]) == 0
        assert main(["report", str(out), "--raid-sweep", "--sweep-replications", "4"]) == 0
        assert main(["faults", str(a), "-n", "4", "--workers", "1", "--quiet", "--no-tornado",
                     "--out", str(out)]) == 0
        gen = tmp_path / "gen.txt"
        assert main(["wta", "generate", "ahuja", str(gen), "--weapons", "3"]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(gen.stat().st_mode) == 0o644
    paths = [out, *out.rglob("*")]
    assert any(p.parent.name == "report" for p in paths)
    for p in paths:
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode == (0o755 if p.is_dir() else 0o644), (p, oct(mode))


def test_missing_loss_times_are_null_and_run_table_has_created(two: tuple[Path, Path],
                                                                tmp_path: Path) -> None:
    import re

    a, _ = two
    out = tmp_path / "out"
    assert main(["run", str(a), *RUN, "--out", str(out)]) == 0
    con = duckdb.connect(str(out / "results.duckdb"), read_only=True)
    try:
        nan = con.execute("select count(*) from replication_assets "
                          "where isnan(loss_time_s)").fetchone()
        null_not_lost = con.execute("select count(*) from replication_assets "
                                    "where not lost and loss_time_s is null").fetchone()
        not_lost = con.execute("select count(*) from replication_assets where not lost") \
            .fetchone()
        lost_null = con.execute("select count(*) from replication_assets "
                                "where lost and loss_time_s is null").fetchone()
        run = dict(con.execute("select key, value from run").fetchall())
    finally:
        con.close()
    assert nan == (0,) and lost_null == (0,)
    assert not_lost is not None and not_lost[0] > 0 and null_not_lost == not_lost
    col = pq.read_table(out / "parquet" / "replication_assets.parquet").column("loss_time_s")
    assert col.null_count == not_lost[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", run["created"])
    assert len(run["scenario_hash"]) == 64 and run["scenario"] == "alpha"
    # `created` is metadata: two runs differ there and nowhere else
    out2 = tmp_path / "out2"
    assert main(["run", str(a), *RUN, "--out", str(out2)]) == 0
    for table in pq.read_table(out / "parquet" / "run.parquet").column("key").to_pylist():
        assert table  # keys are named
    for name in ("replications", "replication_assets", "summary_assets", "events"):
        t1 = pq.read_table(out / "parquet" / f"{name}.parquet")
        t2 = pq.read_table(out2 / "parquet" / f"{name}.parquet")
        assert t1.equals(t2), name
    assert (out / "summary.json").read_bytes() == (out2 / "summary.json").read_bytes()


# --------------------------------------------------------------------------- bad output paths


@pytest.mark.parametrize("case", ["file", "dangling", "proc", "under_file", "parquet_file",
                                  "summary_dir", "plots_file", "bad_manifest"])
def test_bad_output_paths_are_one_line(case: str, two: tuple[Path, Path], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    a, _ = two
    out = tmp_path / "out"
    want = str(out)
    if case == "file":
        out.write_text("x")
    elif case == "dangling":
        out.symlink_to(tmp_path / "nowhere")
    elif case == "proc":
        out = Path("/proc/skyshield-out")
        want = str(out)
    elif case == "under_file":
        (tmp_path / "f").write_text("x")
        out = tmp_path / "f" / "out"
        want = str(out)
    else:
        out.mkdir()
        entry = {"parquet_file": "parquet", "summary_dir": "summary.json",
                 "plots_file": "plots", "bad_manifest": MANIFEST}[case]
        want = str(out / entry)
        if case in ("parquet_file", "plots_file"):
            (out / entry).write_text("mine")
        elif case == "summary_dir":
            (out / entry).mkdir()
        else:
            (out / entry).write_text("{not json")
    for argv in (["run", str(a), *RUN], ["faults", str(a), "-n", "4", "--quiet"],
                 ["sweep", str(a), "--vary", "c2.escort_priority=0,1", "-n", "4", "--quiet"]):
        if (argv[0] != "run" and case in ("parquet_file", "summary_dir")) or (
                argv[0] == "sweep" and case == "plots_file"):
            continue  # not in the way of what a sweep or a fault analysis writes
        rc = main([*argv, "--out", str(out)])
        line = _one_line_error(capsys, rc, want)
        assert "--out" in line or case == "bad_manifest"
    if case in ("parquet_file", "plots_file"):
        assert (out / {"parquet_file": "parquet", "plots_file": "plots"}[case]).read_text() \
            == "mine"


def test_wta_generate_into_a_folder_or_a_missing_folder(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    rc = main(["wta", "generate", "ahuja", str(tmp_path), "--weapons", "3"])
    _one_line_error(capsys, rc, str(tmp_path), "is a folder", "OUT")
    missing = tmp_path / "nope" / "x.txt"
    rc = main(["wta", "generate", "ahuja", str(missing), "--weapons", "3"])
    _one_line_error(capsys, rc, str(missing), "does not exist")
    assert not missing.parent.exists()
    rc = main(["wta", "generate", "ahuja", "/proc/skyshield.txt", "--weapons", "3"])
    _one_line_error(capsys, rc, "/proc/skyshield.txt")


# --------------------------------------------------------------------------- bad report folders


def _report_error(run: Path, capsys: pytest.CaptureFixture[str], *words: str) -> None:
    rc = main(["report", str(run)])
    _one_line_error(capsys, rc, *words)


@pytest.fixture(scope="module")
def good_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("good")
    out = tmp / "run"
    assert main(["run", str(_scenario(tmp, "alpha")), *RUN, "--out", str(out)]) == 0
    return out


@pytest.fixture
def run_copy(good_run: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(good_run, tmp_path / "run"))


def _edit_json(path: Path, fn: Any) -> None:
    d = json.loads(path.read_text(encoding="utf-8"))
    fn(d)
    path.write_text(json.dumps(d), encoding="utf-8")


@pytest.mark.parametrize(("edit", "words"), [
    (lambda d: d["assets"][0].pop("p_loss"), ("summary.json", "assets[0].p_loss")),
    (lambda d: d["assets"][0].__setitem__("p_loss", "high"), ("summary.json", "p_loss")),
    (lambda d: d.__setitem__("assets", {"a": 1}), ("summary.json", "assets")),
    (lambda d: d["assets"][0].__setitem__("p_loss_ci95", [0.1]), ("summary.json",
                                                                   "p_loss_ci95")),
    (lambda d: d.__setitem__("replications", "many"), ("summary.json", "replications")),
    (lambda d: d["effectors"][0].__setitem__("name", 7), ("summary.json", "effectors[0].name")),
    (lambda d: d["threats"].__setitem__("waves", [{"name": None}]), ("summary.json",
                                                                      "threats.waves[0].name")),
    (lambda d: d["cost"].__setitem__("defence_ci95", "wide"), ("summary.json", "defence_ci95")),
])
def test_malformed_summary_is_one_line(run_copy: Path, capsys: pytest.CaptureFixture[str],
                                       edit: Any, words: tuple[str, ...]) -> None:
    _edit_json(run_copy / "summary.json", edit)
    _report_error(run_copy, capsys, *words)


@pytest.mark.parametrize(("edit", "words"), [
    (lambda d: d["area"].__setitem__("west_m", "far"), ("layout.json", "area.west_m")),
    (lambda d: d["fixed"][0].__setitem__("position", [1]), ("layout.json", "fixed[0].position")),
    (lambda d: d["sensors"][0].__setitem__("range_m", None), ("layout.json", "range_m")),
    (lambda d: d.__setitem__("raids", [{"name": "x"}]), ("layout.json", "raids[0]")),
])
def test_malformed_layout_is_one_line(run_copy: Path, capsys: pytest.CaptureFixture[str],
                                      edit: Any, words: tuple[str, ...]) -> None:
    _edit_json(run_copy / "layout.json", edit)
    _report_error(run_copy, capsys, *words)


def test_summary_not_utf8_and_deeply_nested(run_copy: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (run_copy / "summary.json").write_bytes(b'{"scenario": "\xff\xfe"}\n')
    _report_error(run_copy, capsys, "summary.json", "UTF-8")
    (run_copy / "summary.json").write_text("[" * 100000 + "]" * 100000)
    _report_error(run_copy, capsys, "summary.json")


@pytest.mark.parametrize("table", ["events", "timeline", "effector_timeline"])
def test_corrupt_parquet_is_one_line(run_copy: Path, table: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    (run_copy / "results.duckdb").unlink()
    path = run_copy / "parquet" / f"{table}.parquet"
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    _report_error(run_copy, capsys, str(path), "Parquet")
    path.write_bytes(b"PAR1 not really")
    _report_error(run_copy, capsys, str(path))


def test_parquet_with_wrong_columns_is_one_line(run_copy: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    import pyarrow as pa

    (run_copy / "results.duckdb").unlink()
    path = run_copy / "parquet" / "events.parquet"
    pq.write_table(pa.table({"rep": ["zero"], "t_s": [1.0]}), path)
    _report_error(run_copy, capsys, str(path), "events")
    t = pq.read_table(path)
    assert t.num_rows == 1


@pytest.mark.parametrize(("table", "column"), [("events", "rep"), ("events", "t_s"),
                                               ("positions", "id"), ("positions", "x"),
                                               ("timeline", "t_s")])
def test_parquet_with_missing_values_is_one_line(run_copy: Path, table: str, column: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import pyarrow as pa

    (run_copy / "results.duckdb").unlink()
    path = run_copy / "parquet" / f"{table}.parquet"
    t = pq.read_table(path)
    i = t.column_names.index(column)
    typ = t.schema.field(column).type
    values = t.column(column).to_pylist()
    values[0] = float("nan") if pa.types.is_floating(typ) and column != "rep" else None
    pq.write_table(t.set_column(i, column, pa.array(values, typ)), path)
    _report_error(run_copy, capsys, str(path), f"column '{column}'")


def test_corrupt_duckdb_is_one_line(run_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = run_copy / "results.duckdb"
    db.write_bytes(db.read_bytes()[:4096])
    _report_error(run_copy, capsys, str(db))


def test_report_folder_entries_of_the_wrong_kind(run_copy: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (run_copy / "report").write_text("mine")
    _report_error(run_copy, capsys, str(run_copy / "report"), "folder")
    assert (run_copy / "report").read_text() == "mine"
    (run_copy / "report").unlink()
    (run_copy / "summary.json").unlink()
    (run_copy / "summary.json").mkdir()
    _report_error(run_copy, capsys, "no results")
