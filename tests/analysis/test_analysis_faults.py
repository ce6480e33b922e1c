"""N−1 fault analysis: the variants are what they say, the paired differences are exact under
common random numbers, the ranking names the single points of failure."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import fake_sim
import numpy as np
import pytest

from skyshield.analysis.faults import analyse_faults, fault_variants, sensitivity_variants
from skyshield.errors import InputError
from skyshield.scenario import default_catalogue, scenario_from_dict

FAKE = "fake_sim:simulate"


def test_one_variant_per_sensor_and_effector_plus_generic_faults(flagship) -> None:
    faults = fault_variants(flagship)
    ids = [f.id for f in faults]
    assert ids[:5] == [f"sensor_out:{s.name}" for s in flagship.sensors]
    assert "jammer_off:Jammer Orla" in ids and "effector_out:Jammer Orla" not in ids
    assert len(ids) == len(flagship.sensors) + len(flagship.effectors) + 3
    assert ids[-3:] == ["late_reaction", "degraded_pk", "missed_identification"]
    cat = default_catalogue()
    for f in faults:
        sc = scenario_from_dict(f.data)  # every variant is a valid scenario
        if f.kind == "sensor_out":
            assert [s.name for s in sc.sensors] == [
                s.name for s in flagship.sensors if s.name != f.target]
            assert sc.effectors == flagship.effectors
        elif f.kind in ("effector_out", "jammer_off"):
            assert f.target not in {e.name for e in sc.effectors}
            assert len(sc.effectors) == len(flagship.effectors) - 1
        elif f.kind == "late_reaction":
            for e0, e1 in zip(flagship.effectors, sc.effectors, strict=True):
                r0 = {**cat.effectors[e0.type].params, **e0.params}["reaction_s"]
                assert e1.params["reaction_s"] == pytest.approx(r0 + 10.0)
        elif f.kind == "degraded_pk":
            for e0, e1 in zip(flagship.effectors, sc.effectors, strict=True):
                pk0 = {**cat.effectors[e0.type].pk, **e0.pk}
                assert e1.pk == pytest.approx({k: 0.7 * v for k, v in pk0.items()})
        else:
            assert sc.c2.p_misidentification == pytest.approx(0.02)
            assert flagship.c2.p_misidentification == pytest.approx(0.002)


def test_sensitivity_bounds_move_one_parameter(flagship) -> None:
    bounds = sensitivity_variants(flagship)
    params = {b.parameter for b in bounds}
    assert {"raid size", "leak probability", "escort priority", "kill probability",
            "reaction time", "magazines", "sensor range", "misidentification"} == params
    for b in bounds:
        sc = scenario_from_dict(b.data)
        if b.parameter == "raid size":
            f = 0.5 if b.side == "low" else 1.5
            assert [r.count for r in sc.raids] == [max(1, round(r.count * f))
                                                   for r in flagship.raids]
            assert sc.effectors == flagship.effectors
        if b.parameter == "escort priority":
            assert sc.c2.escort_priority == (0.25 if b.side == "low" else 0.75)
            assert sc.raids == flagship.raids


def test_bad_fault_sizes_are_input_errors(flagship) -> None:
    with pytest.raises(InputError, match="positive"):
        fault_variants(flagship, late_s=0)
    with pytest.raises(InputError, match=r"\[0, 1\)"):
        fault_variants(flagship, pk_factor=1.5)


def test_ranking_paired_intervals_and_single_points_of_failure(flagship, tmp_path: Path) -> None:
    rep = analyse_faults(flagship, replications=1000, seed=5, backend="serial",
                         simulator=FAKE)
    u = fake_sim.uniforms(5, 1000)
    p0 = fake_sim.vip_probability(flagship)
    assert rep.baseline["vip_p_loss"] == pytest.approx(float((u < p0).mean()))
    top = rep.faults[0]
    assert top["fault"] == "effector_out:SAM Brenholt" and top["rank"] == 1
    # common random numbers: the paired difference is exactly the share of u in [p0, p0+0.3)
    exact = float(((u >= p0) & (u < p0 + 0.3)).mean())
    assert top["delta"] == pytest.approx(exact, abs=1e-6)
    d = ((u >= p0) & (u < p0 + 0.3)).astype(float)
    half = 1.959963984540054 * d.std(ddof=1) / np.sqrt(1000)
    assert top["delta_ci95"] == pytest.approx([exact - half, exact + half], abs=1e-6)
    assert top["single_point_of_failure"] and top["significant"]
    radar = next(f for f in rep.faults if f["fault"] == "sensor_out:Radar Marrow")
    assert radar["rank"] == 2 and radar["significant"]
    assert not radar["single_point_of_failure"]  # below the 0.05 threshold
    for f in rep.faults[2:]:  # the stand-in ignores everything else: no change, no noise
        assert f["delta"] == 0.0 and f["delta_ci95"] == [0.0, 0.0] and not f["significant"]
    assert [f["fault"] for f in rep.single_points_of_failure] == ["effector_out:SAM Brenholt"]
    ranks = [f["delta"] for f in rep.faults]
    assert ranks == sorted(ranks, reverse=True)
    swings = [s["swing"] for s in rep.sensitivity]
    assert swings == sorted(swings, reverse=True)
    assert rep.sensitivity[0]["parameter"] in ("raid size", "escort priority")

    rep.save(tmp_path)
    saved = json.loads((tmp_path / "faults.json").read_text())
    assert saved == rep.to_dict()
    assert saved["single_points_of_failure"] == ["effector_out:SAM Brenholt"]
    con = duckdb.connect(str(tmp_path / "faults.duckdb"), read_only=True)
    rows = con.execute("SELECT rank, fault, delta FROM faults ORDER BY rank").fetchall()
    con.close()
    assert rows == [(f["rank"], f["fault"], f["delta"]) for f in rep.faults]
    text = rep.describe()
    assert text.startswith(f"vip-transit: P(loss of VIP helicopter) = {rep.baseline['vip_p_loss']:.3f}")
    assert "Single points of failure: effector SAM Brenholt" in text and "Written:" not in text
    assert rep.describe(out=tmp_path).splitlines()[-1] == (
        f"Written: {tmp_path}/faults.json, faults.duckdb, plots/tornado.png")
    assert (tmp_path / "faults.json").read_text(encoding="utf-8") == rep.to_json()
    png = (tmp_path / "plots" / "tornado.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_backends_agree(flagship) -> None:
    a = analyse_faults(flagship, replications=200, seed=2, backend="serial", tornado=False,
                       simulator=FAKE)
    b = analyse_faults(flagship, replications=200, seed=2, backend="process", workers=2,
                       tornado=False, simulator=FAKE)
    assert a.to_json() == b.to_json()


def test_value_objective_ranks_by_expected_value_lost(flagship) -> None:
    """The stand-in loses only the VIP (value 1000): under ``value`` every change is 1000 ×
    the VIP's, the ranking is the same, a single point of failure must add 5 % of the total
    value at stake, and each fault reports every asset's change."""
    kw = dict(replications=1000, seed=5, backend="serial", simulator=FAKE, tornado=False)
    vip = analyse_faults(flagship, **kw)
    val = analyse_faults(flagship, objective="value", **kw)
    total = 1000 + sum(a.value for a in flagship.assets.fixed)
    assert val.objective == {"objective": "value",
                             "measures": "expected value lost (Σ value × P(loss))",
                             "interval": "normal", "spof_change": round(0.05 * total, 6)}
    assert vip.objective["objective"] == "vip" and vip.objective["spof_change"] == 0.05
    assert [f["fault"] for f in val.faults] == [f["fault"] for f in vip.faults]
    for a, b in zip(vip.faults, val.faults, strict=True):
        assert b["objective"]["delta"] == pytest.approx(1000 * a["delta"], abs=1e-3)
        assert a["objective"]["delta"] == a["delta"]  # vip: the objective is the VIP
        assert [x["name"] for x in b["assets"]] == [
            "VIP helicopter", *(s.name for s in flagship.assets.fixed)]
        assert b["assets"][0]["delta"] == a["delta"]
        assert all(x["delta"] == 0.0 for x in b["assets"][1:])
    assert val.baseline["objective"]["value"] == pytest.approx(
        1000 * vip.baseline["vip_p_loss"], abs=1e-3)
    # SAM Brenholt adds 0.3 × 1000 = 300 > 0.05 × total; the radar's 20 does not
    assert [f["fault"] for f in val.single_points_of_failure] == ["effector_out:SAM Brenholt"]
    text = val.describe()
    assert "Objective value (expected value lost (Σ value × P(loss)))" in text
    assert "P(loss) per asset, paired interval clear of 0: VIP helicopter +0.3" in text
    aldmark = analyse_faults(flagship, objective="asset:Aldmark", **kw)
    assert all(f["objective"]["delta"] == 0.0 for f in aldmark.faults)
    assert [f["rank"] for f in aldmark.faults] == list(range(1, len(aldmark.faults) + 1))
    with pytest.raises(InputError, match="no asset named 'Nowhere'"):
        analyse_faults(flagship, objective="asset:Nowhere", **kw)
