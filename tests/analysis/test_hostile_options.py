"""Command-line options against hostile values (issue 10, "Unclear messages" and "--workers
1000"): an option that becomes a change of the scenario is named as the option when the change
is invalid; more workers than CPUs are capped, with a one-line notice, unless forced."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from skyshield.args import cap_workers
from skyshield.cli import main
from testkit import flagship_small_dict


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("opts") / "small.yaml"
    path.write_text(yaml.safe_dump(flagship_small_dict(), sort_keys=False), encoding="utf-8")
    return path


def _error(capsys: pytest.CaptureFixture[str], rc: int) -> str:
    cap = capsys.readouterr()
    assert rc == 2 and cap.out == "", cap
    lines = cap.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in cap.err, cap.err
    return lines[0]


@pytest.mark.parametrize(("args", "option"), [
    (["--late", "nan"], "--late"),
    (["--late", "inf"], "--late"),
    (["--late", "-inf"], "--late"),
    (["--late", "0"], "--late"),
    (["--pk-factor", "nan"], "--pk-factor"),
    (["--pk-factor", "-0.5"], "--pk-factor"),
    (["--misid", "nan"], "--misid"),
    (["--misid", "inf"], "--misid"),
    (["--spof-threshold", "nan"], "--spof-threshold"),
])
def test_fault_options_are_named(small: Path, args: list[str], option: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    line = _error(capsys, main(["faults", str(small), "-n", "4", "--quiet", *args]))
    assert f"field '{option}'" in line and "<variant>" not in line
    assert "effectors[" not in line.split(":", 2)[1]  # the option, not a scenario field


def test_a_fault_variant_made_invalid_names_its_option(small: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    """A finite --late that pushes a reaction time past its bound: the option is named, and
    the field it broke is said."""
    d = flagship_small_dict()
    for e in d["effectors"]:
        e.setdefault("params", {})["reaction_s"] = 9.995e11  # just inside the 1e12 bound
    path = tmp_path / "slow.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    line = _error(capsys, main(["faults", str(path), "-n", "4", "--quiet", "--late", "1e9"]))
    assert "field '--late'" in line and "reaction_s" in line and "<variant>" not in line


def test_a_sweep_point_made_invalid_names_vary(small: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    for spec in ("leak.probability=0.5,3", "c2.escort_priority=nan", "raids[0].count=1,-4"):
        line = _error(capsys, main(["sweep", str(small), "--vary", spec, "-n", "4"]))
        assert "field '--vary'" in line and "sweep point" in line, line


def test_workers_are_capped_at_the_cpu_count(small: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    cpus = os.cpu_count() or 1
    assert cap_workers(None) is None
    assert cap_workers(cpus) == cpus
    assert cap_workers(cpus + 1, force=True) == cpus + 1
    capsys.readouterr()
    assert cap_workers(1000) == cpus
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--workers 1000" in err[0] and "--force-workers" in err[0]
    # the command: the same results as with the CPU count, and the notice
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert main(["run", str(small), "-n", "10", "--seed", "2", "--record", "0", "--json",
                 "--workers", "1000"]) == 0
    cap = capsys.readouterr()
    lines = cap.err.strip().splitlines()
    assert len(lines) == 1 and "using 1" in lines[0]
    assert main(["run", str(small), "-n", "10", "--seed", "2", "--record", "0", "--json"]) == 0
    assert capsys.readouterr().out == cap.out
    assert json.loads(cap.out)["replications"] == 10
    for argv in (["faults", str(small), "-n", "2", "--no-tornado", "--quiet", "--json"],
                 ["sweep", str(small), "--vary", "raids[0].count=1,2", "-n", "2", "--quiet",
                  "--json", "--out", str(tmp_path / "sweep")]):
        capsys.readouterr()
        assert main([*argv, "--workers", "64"]) == 0
        assert "using 1" in capsys.readouterr().err
