"""The planner end to end: hazard model against the Monte Carlo, the flagship's game, the
CLI's contract, impossible requests."""

from __future__ import annotations

import itertools
import json
import math
from functools import cache

import numpy as np
import pytest

import skyshield
from skyshield.cli import main
from skyshield.errors import InputError
from skyshield.plan import PlanSpec, plan_flight
from skyshield.plan.spec import spec_from_dict
from skyshield.scenario import scenario_from_dict
from testkit import EXAMPLES, FLAGSHIP


def ambush_field_scenario(count: int = 40, vuln: float = 0.3) -> dict:
    """A Poisson-like field of waiting FPV drones over a disc, no defence: the one threat
    whose loss probability the hazard integral gives in closed form."""
    return {
        "name": "ambush-field",
        "area": {"west_m": -30000, "east_m": 30000, "south_m": -15000, "north_m": 15000},
        "duration_s": 1200,
        "assets": {"moving": [{
            "name": "VIP", "value": 1,
            "waypoints": [{"position": [-25000, 0]}, {"position": [25000, 0]}],
            "speed_mps": 60, "departure_s": 0, "vulnerability": {"fpv": vuln}}]},
        "raids": [{
            "name": "field", "threat": "fpv", "count": count,
            "launch_area": {"center": [0, 0], "radius_m": 14000},
            "launch": {"start_s": 0, "end_s": 1},
            "targeting": {"weights": {"VIP": 1}, "mode": "ambush"}}],
    }


def test_hazard_field_matches_closed_form_and_monte_carlo():
    sc = scenario_from_dict(ambush_field_scenario())
    # a narrow corridor pins the route to the diameter, where the closed form is simple;
    # no hovering and little spare endurance, so it cannot wait for the drones to expire
    spec = PlanSpec(alternatives=0, departure_window_s=(0, 0), corridor_m=600, hover=False,
                    endurance_factor=1.05, mc_replications=600, seed=11)
    out = plan_flight(sc, spec)
    # closed form: n drones uniform over the disc, those within b = r_s·u/v of the track
    # intercept; a straight pass through the disc's diameter sweeps 2·b·2R
    b = 1500.0 * 40.0 / 60.0
    p_strip = 2 * b * 2 * 14000.0 / (math.pi * 14000.0**2)
    exact = 1 - (1 - p_strip * 0.3) ** 40
    plan = out.plan_dict(out.listed[0])
    assert plan["risk_model"] == pytest.approx(exact, abs=0.03)  # grid discretisation only
    assert plan["risk_source"] == "monte_carlo"
    lo, hi = plan["risk_ci95"]
    assert lo <= plan["risk"] <= hi
    # the Monte Carlo's interval must hold the model's estimate (with the grid's slack)
    assert lo - 0.03 <= plan["risk_model"] <= hi + 0.03


@cache
def flagship():
    """The flagship planned with the default spec (its game solved to the default gap)."""
    sc = skyshield.load_scenario(FLAGSHIP)
    return plan_flight(sc, PlanSpec(mc_replications=0), verify_plans=False)


def test_flagship_game_is_solved_by_default():
    d = flagship().to_dict()
    assert d["risk_randomised_mc"] is None  # no plan was flown
    g = d["game"]
    # the commitment is proven optimal over all routes and departures (to a 1e-4 gap), not
    # cut short by an iteration limit
    assert g["status"] == "optimal" and g["gap"] <= 1e-4
    assert g["lower_bound_hazard"] <= g["value_hazard"]
    # options no flyable route can meet, and dominated ones, are not in the game
    assert 0 < d["adversary"]["options"] < d["adversary"]["options_offered"]


def test_flagship_randomisation_beats_every_fixed_plan_at_q0():
    out = flagship()
    d = out.to_dict()
    curve = d["leak_curve"]
    r = [c["risk_randomised"] for c in curve]
    fixed = curve[0]["risk_fixed"]
    assert curve[0]["leak_probability"] == 0.0 and curve[-1]["leak_probability"] == 1.0
    # no single ambush covers every route: mixing is strictly better with secrecy ...
    assert r[0] < fixed - 0.1
    # ... never worse than the best fixed plan, non-decreasing in q, equal at q = 1
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(r))
    assert all(v <= fixed + 1e-9 for v in r)
    assert r[-1] == pytest.approx(fixed, abs=1e-7)
    probs = list(d["mixed_strategy"].values())
    assert sum(probs) == pytest.approx(1.0)
    assert 2 <= len([p for p in probs if p > 1e-6]) <= out.setting.spec.max_plans
    # the briefable plans are no better than all candidates together
    assert d["risk_randomised_all_candidates"] <= d["risk_randomised"] + 1e-9
    # the fixed plan is fully exploitable, the randomised one is not
    assert d["exploitability"]["fixed"]["exploitability"] == pytest.approx(0.0, abs=1e-12)
    assert d["exploitability"]["randomised"]["exploitability"] > 0.1


def test_flagship_plans_are_flyable():
    out = flagship()
    st = out.setting
    d = out.to_dict()
    for p in d["plans"]:
        wp = p["route"]
        assert math.dist((wp[0]["x_m"], wp[0]["y_m"]), st.origin) < 1e-6
        assert math.dist((wp[-1]["x_m"], wp[-1]["y_m"]), st.destination) < 1e-6
        assert st.departure[0] - 1e-6 <= p["departure"] <= st.departure[1] + st.grid.tau
        assert p["arrival"] - p["departure"] <= st.endurance + 1e-6
        assert p["arrival"] <= st.scenario.duration_s
        for a, b in itertools.pairwise(wp):
            dist = math.dist((a["x_m"], a["y_m"]), (b["x_m"], b["y_m"]))
            # grid speed never exceeds the aircraft's; the snap to the exact end points
            # adds at most one half-diagonal of a cell
            slack = st.grid.cell * math.sqrt(0.5)
            assert dist <= st.speed * (b["t_s"] - a["t_s"]) + slack + 1e-6
    # alternatives are distinct routes, not near-copies
    assert [p["found_by"] for p in d["plans"]].count("alternative") >= 2


def test_alternatives_keep_their_distance():
    out = flagship()
    st = out.setting
    g = st.grid
    cx, cy = g.centres()
    sep = st.spec.separation_m
    ends = (np.hypot(cx - st.origin[0], cy - st.origin[1]) <= sep) | (
        np.hypot(cx - st.destination[0], cy - st.destination[1]) <= sep)
    routes = [c.route for c in out.candidates if c.origin in ("min-risk", "alternative")]
    for k in range(1, len(routes)):
        earlier = np.unique(np.concatenate([r.cells for r in routes[:k]]))
        body = routes[k].cells[~ends[routes[k].cells]]
        far = np.array([np.hypot(cx[earlier] - cx[c], cy[earlier] - cy[c]).min() >= sep
                        for c in body])
        assert far.mean() >= 0.5


def test_sampler_draws_with_the_strategy_probabilities():
    out = flagship()
    s = out.sampler()
    n = 4000
    draws = [s.draw(seed=i)["index"] for i in range(n)]
    idx = [p["index"] for p in s.plans]
    freq = np.array([draws.count(i) for i in idx]) / n
    sd = np.sqrt(s.p * (1 - s.p) / n)
    assert np.all(np.abs(freq - s.p) <= 5 * sd + 1e-12)


def test_planner_waits_out_the_drones_endurance():
    # with hovering allowed and spare endurance, the least-risk plan holds outside the disc
    # so that the waiting drones run out of endurance (900 s) while it crosses
    sc = scenario_from_dict(ambush_field_scenario())
    out = plan_flight(sc, PlanSpec(alternatives=0, departure_window_s=(0, 0), corridor_m=600,
                                   endurance_factor=1.5, mc_replications=0))
    st = out.setting
    c = out.candidates[out.listed[0]]
    cx, cy = st.grid.centres()
    inside = np.hypot(cx[c.route.cells], cy[c.route.cells]) < 14000 - st.grid.cell
    first_inside = (c.route.departure_tick + int(np.argmax(inside))) * st.grid.tau
    direct_entry = (25000 - 14000 + st.grid.cell) / 60
    assert first_inside > direct_entry + 200  # held back
    # the crossing ends after the drones expire: less time exposed than the direct flight
    plan = out.plan_dict(out.listed[0])
    assert plan["risk_source"] == "hazard_model" and plan["risk"] < 0.6


def test_impossible_requests_are_input_errors():
    sc = scenario_from_dict(ambush_field_scenario())
    with pytest.raises(InputError, match="unreachable within endurance"):
        plan_flight(sc, PlanSpec(endurance_s=100, mc_replications=0))
    with pytest.raises(InputError, match="departure window"):
        spec_from_dict({"departure_window_s": [500, 100]})
    with pytest.raises(InputError, match="departure window"):
        plan_flight(sc, PlanSpec(departure_window_s=(5000, 6000), mc_replications=0))
    # a no-fly wall across the map
    wall = {"no_fly_zones": [{"center": [0, y], "radius_m": 1500}
                             for y in range(-15000, 15001, 1000)], "mc_replications": 0,
            "corridor_m": None}
    with pytest.raises(InputError, match="unreachable"):
        plan_flight(sc, spec_from_dict(wall))
    with pytest.raises(InputError, match="unknown key"):
        spec_from_dict({"windoe": 1})
    with pytest.raises(InputError, match=r"adversary_types\.0\.groups|less than or equal"):
        spec_from_dict({"adversary_types": [{
            "name": "a", "threat": "fpv", "count": 4, "groups": 4,
            "launch_area": {"center": [0, 0], "radius_m": 1000}}]})


def test_cli_bad_arguments_exit_2(capsys):
    for args in (["--risk-threshold", "1.5"], ["--leak", "-0.1"], ["--alternatives", "-1"]):
        assert main(["plan", str(FLAGSHIP), *args]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "must be in" in err


def test_cli_json_matches_library(tmp_path, capsys):
    spec = tmp_path / "spec.yaml"
    spec.write_text("alternatives: 1\nmc_replications: 0\nmax_iterations: 5\n"
                    "risk_threshold: 0.5\n")
    f = tmp_path / "s.yaml"
    f.write_text(json.dumps(ambush_field_scenario()))
    assert main(["plan", str(f), "--plan-spec", str(spec), "--json", "--out",
                 str(tmp_path / "out")]) == 0
    got = json.loads(capsys.readouterr().out)
    ref = plan_flight(scenario_from_dict(ambush_field_scenario()),
                      spec_from_dict({"alternatives": 1, "mc_replications": 0,
                                      "max_iterations": 5, "risk_threshold": 0.5})).to_dict()
    for key in ("plans", "mixed_strategy", "leak_curve", "decision"):
        assert got[key] == ref[key]
    assert got["decision"] in ("go", "no-go")
    assert (tmp_path / "out" / "plots" / "plan_map.png").stat().st_size > 10_000
    assert main(["plan-draw", str(tmp_path / "out" / "strategy.json"), "--seed", "1"]) == 0
    drawn = json.loads(capsys.readouterr().out)
    assert drawn["route"] == got["plans"][drawn["index"]]["route"]


def test_plan_spec_errors_name_file_line_and_field(tmp_path, capsys):
    bad = tmp_path / "spec.yaml"
    bad.write_text("alternatives: 2\nadversary_types:\n  - name: a\n    threat: owa_piston\n"
                   "    count: 3\n    launch_area: {center: [0, 0], radius_m: 1000}\n")
    assert main(["plan", str(FLAGSHIP), "--plan-spec", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:4" in err and "adversary_types[0].threat" in err
    assert "cannot attack air targets" in err
    bad.write_text("departure_window_s: [900, 100]\n")
    assert main(["plan", str(FLAGSHIP), "--plan-spec", str(bad)]) == 2
    assert "departure window is empty" in capsys.readouterr().err


def test_same_input_same_plan():
    data = ambush_field_scenario()
    data["leak"] = {"probability": 0.5, "threat": "fpv", "count": 10,
                    "launch_area": {"center": [0, 10000], "radius_m": 1000}}
    sc = scenario_from_dict(data)
    spec = PlanSpec(alternatives=1, max_iterations=8, mc_replications=40, seed=5, cell_m=1000)
    a, b = (plan_flight(sc, spec).to_dict() for _ in range(2))
    a.pop("timings_s")
    b.pop("timings_s")
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert a["adversary"]["options"] > 0 and a["game"]["iterations"] >= 1
    # the randomised strategy's own Monte Carlo estimate: the mix of its plans' estimates
    mc = a["risk_randomised_mc"]
    probs = {int(k): v for k, v in a["mixed_strategy"].items()}
    assert mc["risk"] == pytest.approx(sum(p * a["plans"][i]["risk"] for i, p in probs.items()))
    assert mc["ci95"][0] <= mc["risk"] <= mc["ci95"][1]
    assert mc["replications"] == 40 * len(probs)


def test_postures_change_the_scenario_the_monte_carlo_flies():
    from skyshield.plan.verify import posture_scenario

    d = ambush_field_scenario()
    sc = scenario_from_dict(d)
    spec = spec_from_dict({"postures": [
        {"name": "standard"},
        {"name": "heavy", "ambush_factor": 0.5,
         "scenario": {"raids[field].count": 10, "c2.escort_priority": 0.9}},
    ]})
    heavy = posture_scenario(sc, spec.postures[1])
    assert heavy.raids[0].count == 10 and heavy.c2.escort_priority == 0.9
    assert sc.raids[0].count == 40  # the base is not touched
    assert posture_scenario(sc, spec.postures[0]) == sc
    # the posture's Monte Carlo really differs: fewer waiting drones, fewer losses
    p_std = skyshield.simulate(sc, 400, 3, record=0).p_loss(0)[0]
    p_heavy = skyshield.simulate(heavy, 400, 3, record=0).p_loss(0)[0]
    assert p_heavy < p_std
    # a bad path is refused before any planning work, naming the posture
    bad = spec_from_dict({"postures": [{"name": "odd", "scenario": {"raids[nope].count": 1}}]})
    with pytest.raises(InputError, match="posture 'odd'"):
        plan_flight(sc, bad)


def _small_game_setting(**spec_kw):  # type: ignore[no-untyped-def]
    from skyshield.plan.hazard import build_hazard, resolve

    data = ambush_field_scenario(count=20)
    data["duration_s"] = 2400
    sc = scenario_from_dict(data)
    adv = [{"name": "north", "threat": "fpv", "count": 8, "spread_m": 1500,
            "spacing_m": 5000, "launch_area": {"center": [0, 12000], "radius_m": 2000},
            "window_step_s": 300},
           {"name": "south", "prior": 2.0, "threat": "fpv", "count": 12, "spread_m": 1500,
            "spacing_m": 6000, "window_step_s": 600,
            "launch_area": {"center": [-5000, -12000], "radius_m": 2000}}]
    spec = spec_from_dict({"cell_m": 2000, "corridor_m": 8000, "adversary_types": adv,
                           "mc_replications": 0, **spec_kw})
    st = resolve(sc, spec)
    return st, build_hazard(st)


def _solve_game(st, hf, amb, factors=((1.0, 1.0),)):  # type: ignore[no-untyped-def]
    from skyshield.plan.alternatives import least_risk_route, least_risk_routes
    from skyshield.plan.occupancy import Candidate, occupancy
    from skyshield.plan.route_game import column_generation

    best = least_risk_route(st, hf.hz, hf.blocked)
    cands = [Candidate(best, a, occupancy(best, st.grid.nx), "min-risk")
             for a in range(len(factors))]
    return column_generation(lambda f: least_risk_routes(st, f, hf.blocked), hf.hz, st.grid.nx, amb,
                             cands, list(factors), 5000, 1e-9)[1]


def test_dropping_unreachable_and_dominated_options_keeps_the_game_value(monkeypatch):
    from skyshield.plan import ambush

    st, hf = _small_game_setting()
    pruned = ambush.build_ambushes(st, hf)
    assert pruned is not None and pruned.J < pruned.offered
    monkeypatch.setattr(ambush, "relevant_options",
                        lambda st, hf, dmg, t, p, k0, k1: (np.arange(len(t)), k0, k1))
    full = ambush.build_ambushes(st, hf)
    assert full is not None and full.J == pruned.offered
    a, b = _solve_game(st, hf, pruned), _solve_game(st, hf, full)
    assert a.status == b.status == "optimal"
    assert a.value == pytest.approx(b.value, rel=1e-7)


def test_game_bounds_with_several_postures_and_route_pools():
    from skyshield.plan.ambush import build_ambushes

    st, hf = _small_game_setting()
    amb = build_ambushes(st, hf)
    one = _solve_game(st, hf, amb)
    # a second posture that doubles the background and halves the ambushes' damage: the
    # defender can only gain, and the lower bound (the least over postures) stays valid
    two = _solve_game(st, hf, amb, ((1.0, 1.0), (2.0, 0.5)))
    assert two.status == "optimal" and two.lower_bound <= two.value + 1e-12
    assert two.value <= one.value + 1e-9
    # a copy of the same posture changes nothing
    same = _solve_game(st, hf, amb, ((1.0, 1.0), (1.0, 1.0)))
    assert same.value == pytest.approx(one.value, rel=1e-7)
    # one route per sweep or eight: the same game value
    st1, hf1 = _small_game_setting(route_pool=1)
    assert _solve_game(st1, hf1, amb).value == pytest.approx(one.value, rel=1e-7)


def test_flight_limits_come_from_the_scenario_and_the_spec_overrides_them(tmp_path, capsys):
    from skyshield.plan.hazard import blocked_cells, resolve

    data = ambush_field_scenario()
    data["assets"]["moving"][0]["planning"] = {
        "departure_window_s": [60, 240], "endurance_s": 1300, "corridor_m": 3000,
        "altitude_band_m": [50, 120], "no_fly_zones": [{"center": [0, 0], "radius_m": 2000}]}
    sc = scenario_from_dict(data)
    st = resolve(sc, PlanSpec())
    assert st.departure == (60.0, 240.0) and st.endurance == 1300.0
    assert st.spec.corridor_m == 3000.0 and st.altitude == 120.0
    cx, cy = st.grid.centres()
    blocked = blocked_cells(st)
    assert blocked[np.hypot(cx, cy) <= 1500].all()  # the scenario's no-fly zone
    assert blocked[np.abs(cy) > 5000].all()  # outside the 3 km corridor
    # a field the plan spec sets wins; no-fly zones of both apply
    spec = spec_from_dict({"departure_window_s": [0, 100], "corridor_m": None,
                           "no_fly_zones": [{"center": [10000, 0], "radius_m": 2000}]})
    st2 = resolve(sc, spec)
    assert st2.departure == (0.0, 100.0) and st2.endurance == 1300.0
    assert st2.spec.corridor_m is None and len(st2.spec.no_fly_zones) == 2
    out = plan_flight(sc, PlanSpec(alternatives=0, mc_replications=0))
    assert 60.0 <= out.to_dict()["plans"][0]["departure"] <= 240.0 + st.grid.tau
    # a bad block in the scenario file names file, line and field
    data["assets"]["moving"][0]["planning"]["departure_window_s"] = [300, 100]
    bad = tmp_path / "s.yaml"
    import yaml

    bad.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["plan", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and "planning" in err
    assert "departure window is empty" in err


def test_impossible_requests_name_the_file_they_come_from(tmp_path, capsys):
    import yaml

    # no moving asset: the scenario file, at its assets
    assert main(["plan", str(EXAMPLES / "border-towns.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "examples/border-towns.yaml:" in err
    assert "no moving asset" in err
    # an endurance from the scenario's planning block: that block's line and field
    data = ambush_field_scenario()
    data["assets"]["moving"][0]["planning"] = {"endurance_s": 100}
    sc = tmp_path / "s.yaml"
    sc.write_text(yaml.safe_dump(data, sort_keys=False))
    line = next(i for i, t in enumerate(sc.read_text().splitlines(), 1) if "endurance_s" in t)
    assert main(["plan", str(sc)]) == 2
    err = capsys.readouterr().err
    assert f"{sc}:{line}, field 'assets.moving[0].planning.endurance_s'" in err
    # the same limit set in the plan spec: the plan spec's line
    spec = tmp_path / "spec.yaml"
    spec.write_text("alternatives: 1\nendurance_s: 90\n")
    assert main(["plan", str(sc), "--plan-spec", str(spec)]) == 2
    err = capsys.readouterr().err
    assert f"{spec}:2, field 'endurance_s'" in err and "unreachable within endurance" in err


def test_the_hazard_model_reads_roles_and_the_relative_rule(flagship):
    """The planner's defence model honours the doctrine the kernel runs: an effector on
    ``area`` (or ``hold``) for the whole scenario does not defend the VIP; one on ``escort`` is
    never taken by site raiders; under ``priority_rule: relative`` the VIP's attacker scores
    ``escort_priority``."""
    from skyshield.plan.hazard import c2_value, defence_kill, resolve
    from skyshield.scenario.paths import with_changes

    def kill(sc):
        st = resolve(sc, PlanSpec())
        px = np.array([70000.0, 72000.0])
        py = np.array([22000.0, 19000.0])
        return defence_kill(st, px, py, "fpv", 60.0), st

    base, st = kill(flagship)
    area, _ = kill(with_changes(flagship, {"effectors[Gepard Brenholt].role": "area",
                                           "effectors[SAM Brenholt].role": "area"}))
    assert (area < base).all()
    # under the relative rule with a low escort priority the Shaheds at Brenholt outrank the
    # VIP's attacker at the Brenholt group (busy channels) unless it is on escort only
    rel = {"c2.priority_rule": "relative", "c2.escort_priority": 0.01}
    shared, st_rel = kill(with_changes(flagship, rel))
    escort, _ = kill(with_changes(flagship, {**rel, "effectors[Gepard Brenholt].role": "escort",
                                             "effectors[SAM Brenholt].role": "escort"}))
    assert (shared < base).all() and (escort > shared).all()
    assert c2_value(st_rel, "fpv") == 0.01
    assert c2_value(st, "fpv") == 1000 * 0.5 * 0.5
