"""``skyshield frontier``: designs load with clear errors, the frontier is the Pareto set, the
paired differences are exact under common random numbers, the output folder is complete."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import fake_sim
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skyshield.analysis.frontier import (
    AS_WRITTEN,
    Design,
    load_designs,
    pareto,
    split_frontier,
)
from skyshield.cli import main
from skyshield.errors import InputError
from testkit import FLAGSHIP

FAKE = "fake_sim:simulate"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=12))
def test_pareto_is_the_set_nothing_beats(points: list[tuple[int, int]]) -> None:
    """Brute force: no frontier point is beaten on both coordinates by another, every other
    point is beaten (or equalled) by a frontier point, and the order is by the first."""
    pts = [(float(a), float(b)) for a, b in points]
    front = pareto(pts)

    def beats(p: tuple[float, float], q: tuple[float, float]) -> bool:
        return p[0] <= q[0] and p[1] <= q[1] and p != q

    for i in front:
        assert not any(beats(pts[j], pts[i]) for j in range(len(pts)) if j != i)
    for i in set(range(len(pts))) - set(front):
        assert any(beats(pts[j], pts[i]) or pts[j] == pts[i] for j in front)
    assert [pts[i][0] for i in front] == sorted(pts[i][0] for i in front)
    assert len({pts[i] for i in front}) == len(front)  # a tie is kept once


def test_paired_differences_are_exact_under_common_random_numbers(flagship) -> None:
    """The stand-in simulator loses the VIP when u_r < p(escort_priority), with u_r keyed by
    (seed, r): every design's difference from the scenario as written is exactly the
    difference of the two indicator means, and the safest design is the frontier's first."""
    designs = [Design("ep 0.9", {"c2.escort_priority": 0.9}),
               Design("ep 0.1", {"c2.escort_priority": 0.1}),
               Design("same", {"c2.escort_priority": flagship.c2.escort_priority})]
    res = split_frontier(flagship, designs, replications=500, seed=4, backend="serial",
                         simulator=FAKE)
    u = fake_sim.uniforms(4, 500)
    p0 = fake_sim.vip_probability(flagship)
    base = u < p0
    for d, row in zip(designs, res.designs[1:], strict=True):
        var = u < fake_sim.vip_probability(flagship.model_copy(update={
            "c2": flagship.c2.model_copy(update={"escort_priority": d.changes[
                "c2.escort_priority"]})}))
        assert row["p_vip"] == pytest.approx(var.mean(), abs=1e-12)
        assert row["vs_as_written"]["p_vip"] == pytest.approx(var.mean() - base.mean(),
                                                              abs=1e-12)
    same = res.designs[3]["vs_as_written"]
    assert same["p_vip"] == 0.0 and same["p_vip_ci95"] == [0.0, 0.0]
    assert res.designs[0]["name"] == AS_WRITTEN
    # the stand-in loses no site: the frontier is the safest design alone
    assert [res.designs[i]["name"] for i in res.frontier] == ["ep 0.9"]


def test_the_real_engine_on_the_cut_down_flagship(flagship_small, tmp_path: Path) -> None:
    """Two doctrines against the scenario as written, 30 replications: a design that
    restates the scenario's own doctrine differs by exactly zero; the folder holds the JSON,
    the DuckDB tables and the figure; the same run twice is byte-identical."""
    designs = [Design("door gun on escort only", {"effectors[Door gun].role": "escort"}),
               Design("as it is", {"effectors[Door gun].role": "both"}),
               Design("SAM reserve", {"effectors[SAM Brenholt].reserve": {"rounds": 8}})]
    res = split_frontier(flagship_small, designs, replications=30, seed=2, backend="serial")
    assert res.designs[2]["vs_as_written"] == {
        "p_vip": 0.0, "p_vip_ci95": [0.0, 0.0], "site_value": 0.0,
        "site_value_ci95": [0.0, 0.0], "rounds": 0.0, "rounds_ci95": [0.0, 0.0]}
    assert res.designs[1]["rounds"] != res.designs[0]["rounds"]  # the door gun's role bites
    res.save(tmp_path / "f")
    for name in ("frontier.json", "frontier.duckdb", "frontier.png"):
        assert (tmp_path / "f" / name).stat().st_size > 0
        assert (tmp_path / "f" / name).stat().st_mode & 0o777 == 0o644
    con = duckdb.connect(str(tmp_path / "f" / "frontier.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM designs").fetchone() == (4,)
        on = con.execute("SELECT name FROM designs WHERE on_frontier ORDER BY p_vip").fetchall()
    finally:
        con.close()
    assert [n for (n,) in on] == [res.designs[i]["name"] for i in res.frontier]
    again = split_frontier(flagship_small, designs, replications=30, seed=2, backend="serial")
    assert again.to_json() == res.to_json()
    assert json.loads(res.to_json())["frontier"] == [res.designs[i]["name"]
                                                     for i in res.frontier]


BAD = [
    ("not-a-mapping", "- a\n- b\n", 1, None, "one key, 'designs'"),
    ("empty-list", "designs: []\n", 1, "designs", "non-empty list"),
    ("no-name", "designs:\n  - changes: {c2.cycle_s: 3}\n", 2, "designs[0]", "{name, changes}"),
    ("extra-key", "designs:\n  - {name: a, chnages: {}}\n", 2, "designs[0]", "{name, changes}"),
    ("duplicate", "designs:\n  - {name: a}\n  - {name: a}\n", 3, "designs[1].name",
     "duplicate design name 'a'"),
    ("reserved-name", "designs:\n  - {name: as written}\n", 2, "designs[0].name",
     "design 0 is the scenario as written"),
    ("changes-list", "designs:\n  - {name: a, changes: [1, 2]}\n", 2, "designs[0].changes",
     "mapping {path: value}"),
    ("yaml-tag", "designs:\n  - {name: !!python/object/apply:os.system [ls]}\n", 2, None,
     "not allowed"),
]


@pytest.mark.parametrize(("id", "text", "line", "field", "says"), BAD, ids=[b[0] for b in BAD])
def test_bad_designs_files(tmp_path: Path, capsys: pytest.CaptureFixture[str], id: str,
                           text: str, line: int, field: str | None, says: str) -> None:
    path = tmp_path / "designs.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_designs(path)
    assert err.value.file == str(path) and err.value.line == line, str(err.value)
    if field is not None:
        assert err.value.field == field, str(err.value)
    assert says in err.value.message, str(err.value)
    assert main(["frontier", str(FLAGSHIP), "--designs", str(path), "-n", "10"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and len(out.err.strip().splitlines()) == 1 and str(path) in out.err


def test_a_design_that_names_no_parameter_is_one_line(tmp_path: Path) -> None:
    """An unknown path is named with its design, before anything runs (exit 2, no
    traceback)."""
    path = tmp_path / "designs.yaml"
    path.write_text("designs:\n  - name: typo\n    changes:\n"
                    "      effectors[Door gun].rolle: escort\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "skyshield.cli", "frontier", str(FLAGSHIP),
                           "--designs", str(path), "-n", "10"], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "design 'typo'" in proc.stderr and "rolle" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_the_flagship_designs_file_loads_and_every_design_validates(flagship) -> None:
    from skyshield.analysis.frontier import design_scenarios

    path = FLAGSHIP.parent / "designs" / "vip-transit-doctrine.yaml"
    designs = load_designs(path)
    variants = design_scenarios(flagship, designs, file=str(path))
    assert len(variants) == len(designs) + 1 >= 6
    assert all(v.model_dump() != flagship.model_dump() for v in variants[1:])


def test_the_frontier_folder_follows_the_output_folder_rules(flagship, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    """A frontier goes into a run folder of the same scenario (user files kept, 0644); into
    another scenario's folder it is refused before any design runs, unless --overwrite."""
    from skyshield.scenario import scenario_from_dict

    out = tmp_path / "f"
    out.mkdir()
    (out / "my_notes.txt").write_text("mine", encoding="utf-8")
    res = split_frontier(flagship, [Design("x", {"c2.escort_priority": 0.9})],
                         replications=50, seed=1, backend="serial", simulator=FAKE)
    res.save(out)
    assert (out / "my_notes.txt").read_text(encoding="utf-8") == "mine"
    d = flagship.model_dump(mode="json")
    d["name"] = "other"
    other = scenario_from_dict(d)
    res2 = split_frontier(other, [Design("x", {"c2.escort_priority": 0.9})],
                          replications=50, seed=1, backend="serial", simulator=FAKE)
    with pytest.raises(InputError, match="another scenario"):
        res2.save(out)
    res2.save(out, overwrite=True)
    assert json.loads((out / "frontier.json").read_text(encoding="utf-8"))["scenario"] == "other"
    assert (out / "my_notes.txt").is_file()
