"""The planner's output against hostile names and folders (issue 10): mathtext and escape
sequences in names are drawn and printed as text, and ``plan --out`` follows the rules of an
output folder (another scenario's folder refused, a user's files kept, files 0644)."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest

from skyshield.cli import main

RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]")
VIP = "VIP $\\frac{$ \x1b]0;pwned\x07 [/bold]"


def _scenario(name: str) -> dict[str, Any]:
    """A field of waiting FPV drones and a straight flight (``test_planner``'s, renamed)."""
    return {
        "name": name,
        "area": {"west_m": -30000, "east_m": 30000, "south_m": -15000, "north_m": 15000},
        "duration_s": 1200,
        "assets": {"moving": [{
            "name": VIP, "value": 1,
            "waypoints": [{"position": [-25000, 0]}, {"position": [25000, 0]}],
            "speed_mps": 60, "departure_s": 0, "vulnerability": {"fpv": 0.3}}]},
        "raids": [{
            "name": "field $x$", "threat": "fpv", "count": 40,
            "launch_area": {"center": [0, 0], "radius_m": 14000},
            "launch": {"start_s": 0, "end_s": 1},
            "targeting": {"weights": {VIP: 1}, "mode": "ambush"}}],
    }


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    spec = tmp_path / "spec.yaml"
    spec.write_text("alternatives: 1\nmc_replications: 0\nmax_iterations: 5\n")
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(_scenario("$\\frac{$ esc\x1b[2J [link=http://x]x[/link]")))
    b.write_text(json.dumps(_scenario("another")))
    return spec, a, b


def test_plan_draws_and_prints_names_as_text(files: tuple[Path, Path, Path], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    spec, a, b = files
    out = tmp_path / "out"
    (out / "plots").mkdir(parents=True)
    (out / "plots" / "mine.png").write_bytes(b"mine")
    old = os.umask(0o022)
    try:
        assert main(["plan", str(a), "--plan-spec", str(spec), "--out", str(out)]) == 0
    finally:
        os.umask(old)
    printed = capsys.readouterr()
    assert not RAW.findall(printed.out + printed.err), printed
    assert "$\\frac{$" in printed.out and "\\x1b]0;pwned\\x07" in printed.out
    assert (out / "plots" / "plan_map.png").stat().st_size > 10_000
    for name in ("plan.json", "strategy.json", "plots/plan_map.png"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o644, name
    assert (out / "plots" / "mine.png").read_bytes() == b"mine"
    # another scenario into the same folder: refused before planning, nothing touched
    before = (out / "plan.json").read_bytes()
    assert main(["plan", str(b), "--plan-spec", str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "another scenario" in err[0] and "--overwrite" in err[0]
    assert (out / "plan.json").read_bytes() == before
    assert main(["plan", str(b), "--plan-spec", str(spec), "--out", str(out),
                 "--overwrite"]) == 0
    assert json.loads((out / "plan.json").read_text())["scenario"] == "another"
    assert (out / "plots" / "mine.png").read_bytes() == b"mine"
