"""The equipment domain declared once: the parameter tables reach every consumer, and the
consumers agree (the map's radii are the compiled model's)."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from base_scenario import BASE

from skyshield.analysis.faults import fault_variants
from skyshield.engine import compile as compile_mod
from skyshield.engine.compile import E_MAXR, E_MINR, compile_scenario
from skyshield.errors import InputError
from skyshield.plan.hazard import defence_kill, engage_time, resolve
from skyshield.plan.spec import PlanSpec
from skyshield.scenario import catalogue as catalogue_mod
from skyshield.scenario import default_catalogue, load_scenario, scenario_from_dict
from skyshield.scenario.docgen import catalogue_tables
from skyshield.scenario.domain import EFFECTOR_KINDS, SENSOR_KINDS, TABLES, Param, Table
from skyshield.scenario.equipment import resolve_equipment
from skyshield.scenario.layout import layout
from skyshield.scenario.paths import with_changes, with_flight

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def base() -> dict[str, Any]:
    return yaml.safe_load(BASE)


@pytest.fixture()
def patched_catalogue(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Let a test change the domain tables or the catalogue data: every consumer calls
    ``default_catalogue()``, which is rebuilt now and again after the test."""
    default_catalogue.cache_clear()
    yield
    monkeypatch.undo()
    default_catalogue.cache_clear()


# --------------------------------------------------------------------------- one declaration


def test_a_new_parameter_is_declared_once_and_reaches_every_consumer(
        monkeypatch: pytest.MonkeyPatch, patched_catalogue: None) -> None:
    """One row added to the sensor table, nothing else: the catalogue's radar classes get its
    default, validation accepts it on a radar and refuses it on another kind, the one merge
    (which the compiler, the planner and the map read) carries the override, and the
    generated documentation lists it. (A kernel column for it is the compiler's business;
    the compiler reads it from the merge shown here.)"""
    new = Param("clutter_m", "real", "m", 777.0, ("radar",), "a new radar parameter",
                positive=("radar",))
    old = TABLES["sensors"]
    monkeypatch.setitem(TABLES, "sensors", Table("sensors", old.kinds, (*old.params, new)))
    default_catalogue.cache_clear()
    cat = default_catalogue()
    # catalogue: the default fills the radar classes, the other kinds do not have it
    assert cat.sensors["radar_cuas"].params["clutter_m"] == 777.0
    assert cat.sensors["radar_mr"].params["clutter_m"] == 777.0
    assert "clutter_m" not in cat.sensors["eo_ir"].params
    # validation: an override of a radar is a parameter; of the EO/IR turret it is not
    d = base()
    d["sensors"][0]["params"] = {"clutter_m": 5.0}
    sc = scenario_from_dict(d)
    bad = copy.deepcopy(d)
    bad["sensors"][1]["params"] = {"clutter_m": 5.0}
    with pytest.raises(InputError, match="unknown parameter 'clutter_m' for eo_ir"):
        scenario_from_dict(bad)
    bad = copy.deepcopy(d)
    bad["sensors"][0]["params"] = {"clutter_m": 0.0}
    with pytest.raises(InputError, match="clutter_m must be positive") as exc:
        scenario_from_dict(bad)
    assert exc.value.field == "sensors[0].params.clutter_m"
    # compile: it resolves the equipment through the one merge, which carries the override
    seen: list[Any] = []

    def spy(scenario: Any, catalogue: Any = None) -> Any:
        seen.append(resolve_equipment(scenario, catalogue))
        return seen[-1]

    monkeypatch.setattr(compile_mod, "resolve_equipment", spy)
    compile_scenario(sc)
    assert seen and seen[0].sensors[0].params["clutter_m"] == 5.0
    # the planner's hazard model reads the same merge
    st = resolve(sc, PlanSpec())
    assert st.equipment.sensors[0].params["clutter_m"] == 5.0
    assert st.equipment == seen[0]
    # layout.json
    lay = layout(sc)
    assert lay["sensors"][0]["params"]["clutter_m"] == 5.0
    assert "clutter_m" not in lay["sensors"][1]["params"]
    # docs/catalogue.md
    doc = catalogue_tables()
    assert ("| `clutter_m` | real, > 0 for `radar` | m | 777 | `radar` | a new radar parameter |"
            in doc)
    radar = doc.split("#### `radar_cuas`\n", 1)[1].split("\n#### ", 1)[0]
    assert "| `clutter_m` | m | 777 |" in radar
    eo = doc.split("#### `eo_ir`\n", 1)[1].split("\n#### ", 1)[0]
    assert "clutter_m" not in eo


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_table_entry_reaches_each_consumer(path: Path) -> None:
    """Each resolved item, its entry in layout.json and its class's documentation carry
    exactly the parameters the table declares for its kind."""
    sc = load_scenario(path)
    eq = resolve_equipment(sc)
    lay = layout(sc)
    doc = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    cat = default_catalogue()
    for section, items in (("sensors", eq.sensors), ("effectors", eq.effectors)):
        table = TABLES[section]
        for item, mapped in zip(items, lay[section], strict=True):
            names = set(table.names(item.kind))
            assert set(item.params) == names, item.name
            assert set(mapped["params"]) == names and mapped["kind_name"] == item.kind
            entry = cat.section(section)[item.type]
            override = next(x for x in getattr(sc, section) if x.name == item.name).params
            assert dict(item.params) == {**entry.params, **override}
            part = doc.split(f"#### `{item.type}`\n", 1)[1].split("\n#### ", 1)[0]
            for name in names:
                assert f"| `{name}` |" in part, (item.type, name)
    st = resolve(sc, PlanSpec()) if sc.vip is not None else None
    if st is not None:
        assert st.equipment == eq


def test_kinds_are_named_and_coded_only_by_the_compiler() -> None:
    assert set(compile_mod.SENSOR_CODES) == set(SENSOR_KINDS)
    assert set(compile_mod.EFFECTOR_CODES) == set(EFFECTOR_KINDS)
    assert (compile_mod.K_RADAR, compile_mod.K_ACOUSTIC, compile_mod.K_EOIR) == (0, 1, 2)
    assert (compile_mod.K_MISSILE, compile_mod.K_GUN, compile_mod.K_JAMMER,
            compile_mod.K_INTERCEPTOR) == (0, 1, 2, 3)
    cat = default_catalogue()
    assert {e.kind for e in cat.sensors.values()} == set(SENSOR_KINDS)
    assert {e.kind for e in cat.effectors.values()} == set(EFFECTOR_KINDS)


def test_the_catalogue_is_checked_against_the_table() -> None:
    raw = catalogue_mod.raw_catalogue()
    bad = copy.deepcopy(raw)
    bad["sensors"]["eo_ir"]["net_radius_m"] = 100.0
    with pytest.raises(catalogue_mod.CatalogueError, match="'net_radius_m' is not a parameter"):
        catalogue_mod.catalogue_from_dict(bad)
    bad = copy.deepcopy(raw)
    del bad["effectors"]["gun_35"]["magazine"]
    with pytest.raises(catalogue_mod.CatalogueError, match="missing parameter 'magazine'"):
        catalogue_mod.catalogue_from_dict(bad)
    bad = copy.deepcopy(raw)
    bad["effectors"]["gun_35"]["kind"] = 1.0
    with pytest.raises(catalogue_mod.CatalogueError, match=r"kind 1\.0 is not one of"):
        catalogue_mod.catalogue_from_dict(bad)
    ok = copy.deepcopy(raw)
    del ok["sensors"]["eo_ir"]["slope"]  # has a default
    assert catalogue_mod.catalogue_from_dict(ok).sensors["eo_ir"].params["slope"] == 4.0


def test_a_second_jammer_class_is_a_jammer_everywhere(
        monkeypatch: pytest.MonkeyPatch, patched_catalogue: None) -> None:
    raw = catalogue_mod.raw_catalogue()
    raw["effectors"]["gnss_spoofer"] = {**raw["effectors"]["ew_jammer"],
                                        "description": "another jammer class"}
    monkeypatch.setattr(catalogue_mod, "raw_catalogue", lambda: raw)
    default_catalogue.cache_clear()
    d = base()
    d["effectors"].append({"name": "Spoofer", "type": "gnss_spoofer", "position": [0, 100]})
    sc = scenario_from_dict(d)
    ids = [f.id for f in fault_variants(sc)]
    assert "jammer_off:Spoofer" in ids and "effector_out:Spoofer" not in ids
    cs = compile_scenario(sc)
    assert cs.params.ef[-1, compile_mod.E_KIND] == compile_mod.K_JAMMER
    assert layout(sc)["effectors"][-1]["kind"] == compile_mod.K_JAMMER


# --------------------------------------------------------------------------- consumers agree


def _with_short_net() -> dict[str, Any]:
    d = base()
    d["sensors"].append({"name": "Net", "type": "acoustic_net", "position": [0, 0],
                         "params": {"net_radius_m": 25000, "max_range_m": 9000}})
    return d


@pytest.mark.parametrize("name", [p.name for p in EXAMPLES] + ["short net"])
def test_layout_radii_are_the_compiled_models(name: str) -> None:
    sc = (scenario_from_dict(_with_short_net()) if name == "short net"
          else load_scenario(ROOT / "examples" / name))
    lay = layout(sc)
    cs = compile_scenario(sc)
    assert [s["range_m"] for s in lay["sensors"]] == cs.params.sen_rmax.tolist()
    assert [e["range_m"] for e in lay["effectors"]] == cs.params.ef[:, E_MAXR].tolist()
    assert [e["min_range_m"] for e in lay["effectors"]] == cs.params.ef[:, E_MINR].tolist()
    if name == "short net":  # the acoustic net covers min(net radius, max range)
        assert lay["sensors"][-1]["range_m"] == 9000.0


def test_the_planner_reads_the_compiled_coverage() -> None:
    """The hazard model's cue reaches as far as the compiled model's sensors: a radar's
    RCS-scaled R50 (capped at its range), an EO/IR turret's unscaled R50."""
    d = base()
    d["sensors"] = [{"name": "EO", "type": "eo_ir", "position": [0, 0]}]
    d["effectors"] = [{"name": "Gun", "type": "gun_airburst", "position": [0, 0]}]
    sc = scenario_from_dict(d)
    st = resolve(sc, PlanSpec())
    eo = st.equipment.sensors[0]
    assert eo.r50_m(0.01) == eo.r50_m(1.0) == 3000.0  # no RCS scaling
    px = np.array([2900.0, 3100.0])
    pk = defence_kill(st, px, np.zeros(2), "fpv", engage_time(st, "fpv"))
    assert pk[0] > 0.0 and pk[1] == 0.0  # gun reach 4 km, cue to 3 km


# --------------------------------------------------------------------------- escort priority


def _priority_scenario(ep: float) -> Any:
    d = base()
    d["assets"]["fixed"][0]["value"] = 1000.0  # the depot outranks the VIP at ep = 0.5
    d["assets"]["fixed"][0]["vulnerability"] = {"owa_piston": 0.5, "fpv": 0.5}
    d["sensors"] = [{"name": "Radar", "type": "radar_cuas", "position": [900, 2100]}]
    d["effectors"] = [{"name": "Gun", "type": "gun_airburst", "position": [1100, 1900]}]
    d["raids"][0]["targeting"]["weights"] = {"Depot": 1}
    d["c2"]["escort_priority"] = ep
    return scenario_from_dict(d)


def test_the_hazard_model_honours_escort_priority() -> None:
    """As the C2's threat evaluation (docs/model.md §4.7.1): with escort priority 0 the
    VIP's attacker is never engaged; with 1 the raid on the sites is never engaged, so the
    gun is free for it; in between the depot's raiders, ranked higher, take their share."""
    px, py = np.array([1100.0]), np.array([2500.0])
    out = {}
    for ep in (0.0, 0.5, 1.0):
        st = resolve(_priority_scenario(ep), PlanSpec())
        out[ep] = float(defence_kill(st, px, py, "fpv", engage_time(st, "fpv"))[0])
    assert out[0.0] == 0.0
    assert 0.0 < out[0.5] < out[1.0]
    # the VIP outranks the depot's raiders at 0.5 once the depot is worth little: no load
    d_low = _priority_scenario(0.5).model_dump(mode="json")
    d_low["assets"]["fixed"][0]["value"] = 1.0
    st = resolve(scenario_from_dict(d_low), PlanSpec())
    assert float(defence_kill(st, px, py, "fpv", engage_time(st, "fpv"))[0]) == \
        pytest.approx(out[1.0])


# --------------------------------------------------------------------------- VIP, variants


def test_the_vip_is_the_first_moving_asset() -> None:
    sc = scenario_from_dict(base())
    assert sc.vip is not None and sc.vip.name == "Heli"
    towns = load_scenario(ROOT / "examples" / "border-towns.yaml")
    assert towns.vip is None


def test_with_changes_returns_a_validated_scenario() -> None:
    sc = scenario_from_dict(base())
    v = with_changes(sc, {"c2.escort_priority": 0.9, "effectors[Gun].params.magazine": 12})
    assert v.c2.escort_priority == 0.9 and v.effectors[0].params["magazine"] == 12
    assert sc.c2.escort_priority == 0.5  # the original is untouched
    with pytest.raises(InputError, match="unknown parameter 'magazin'"):
        with_changes(sc, {"effectors[Gun].params.magazin": 12})
    with pytest.raises(InputError, match="less than or equal to 1") as exc:
        with_changes(sc, {"c2.escort_priority": 1.5}, file="<posture>")
    assert exc.value.file == "<posture>"
    with pytest.raises(InputError, match="has no field"):
        with_changes(sc, {"c2.escort": 0.5})


def test_with_flight_replaces_the_flight_plan_once_validated() -> None:
    sc = scenario_from_dict(base())
    v = with_flight(sc, [(-15000.0, -15000.0, 100.0), (15000.0, 15000.0, 900.0)],
                    departure_s=100.0, altitude_m=80.0, changes={"c2.escort_priority": 0.7})
    m = v.assets.moving[0]
    assert [w.t_s for w in m.waypoints] == [100.0, 900.0]
    assert m.departure_s == 100.0 and m.altitude_m == 80.0 and v.c2.escort_priority == 0.7
    assert v.assets.fixed == sc.assets.fixed and v.raids == sc.raids
    assert with_flight(sc, [(0.0, 0.0, None), (1000.0, 0.0, None)], asset="Heli") \
        .assets.moving[0].waypoints[1].t_s is None
    with pytest.raises(InputError, match="outside the map"):
        with_flight(sc, [(0.0, 0.0, None), (90000.0, 0.0, None)])
    with pytest.raises(InputError, match="unknown moving asset 'Jet'"):
        with_flight(sc, [(0.0, 0.0, None), (1.0, 0.0, None)], asset="Jet")
    assert math.isclose(v.assets.moving[0].waypoints[0].position[0], -15000.0)  # type: ignore[index]
