"""``skyshield wta``: JSON output equals the library's result; bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skyshield.cli import main
from skyshield.wta import andersen_instance, read_instance, solve, write_instance


def test_solve_json_matches_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.txt"
    write_instance(andersen_instance(6, 2, seed=1), path)
    rc = main(["wta", "solve", str(path), "--method", "exact", "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    ref = solve(read_instance(path), "exact", time_limit=60.0)
    assert out["objective"] == pytest.approx(ref.objective, rel=1e-12)
    assert out["status"] == "optimal"
    assert out["assignment"] == ref.assignment.tolist()
    assert set(out) >= {"objective", "lower_bound", "gap", "status", "seconds", "assignment"}


def test_solve_text_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.txt.gz"
    write_instance(andersen_instance(4, 1, seed=2), path)
    assert main(["wta", "solve", str(path), "--method", "greedy"]) == 0
    out = capsys.readouterr().out
    for key in ("objective", "lower_bound", "gap", "status", "seconds", "assignment"):
        assert key in out


def test_generate_writes_a_readable_instance(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "g.txt.gz"
    assert main(["wta", "generate", "ahuja", str(path), "--weapons", "7", "--seed", "3"]) == 0
    p = read_instance(path)
    assert p.pk.shape == (7, 7)


def test_malformed_file_exits_2_naming_the_line(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("2 2 1\n5\n6\n0 0 1.7\n")
    assert main(["wta", "solve", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:4" in err and "outside [0, 1]" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [
    ["wta", "solve", "x.txt", "--method", "best"],
    ["wta", "solve", "x.txt", "--time-limit", "0"],
    ["wta", "generate", "nope", "out.txt"],
])
def test_bad_arguments_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
