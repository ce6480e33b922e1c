"""The report's N−1 section: ``faults.json`` of ``skyshield faults --out DIR`` in the run
folder gives a table of the single failures and the tornado figure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skyshield.errors import InputError
from skyshield.report import build_report

GOLDEN = Path(__file__).parents[1] / "analysis" / "golden" / "faults-small.json"


def _faults(run: Path, **change: object) -> dict:
    d = json.loads(GOLDEN.read_text())
    d.pop("scenario_hash", None)  # (a fault analysis of this run's scenario)
    d.update(change)
    (run / "faults.json").write_text(json.dumps(d))
    return d


def test_faults_section_and_figure(run_copy: Path) -> None:
    d = _faults(run_copy)
    d["faults"][0]["description"] = "<script>alert(1)</script> radar down"
    (run_copy / "faults.json").write_text(json.dumps(d))
    out = build_report(run_copy)
    html = out.html.read_text()
    assert 'id="faults"' in html and (run_copy / "report" / "faults.png").is_file()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; radar down" in html
    assert "<script>alert(1)" not in html
    for f in d["faults"][1:10]:
        assert f["description"].replace("'", "&#x27;") in html
    assert "Single points of failure: " in html


def test_faults_of_another_scenario_or_malformed(run_copy: Path) -> None:
    _faults(run_copy, scenario_hash="0" * 64)
    out = build_report(run_copy)
    assert 'id="faults"' not in out.html.read_text()
    assert any("faults.json skipped" in n for n in out.notes)
    _faults(run_copy, faults=[{"fault": "x"}])
    with pytest.raises(InputError, match="fault analysis") as exc:
        build_report(run_copy)
    assert exc.value.file.endswith("faults.json")
