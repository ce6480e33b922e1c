"""The planner over terrain: its hazard field reads the engine's line-of-sight rasters
(``docs/model.md`` §4.9), so the defence covers less of hilly ground and the routes change."""

from __future__ import annotations

import numpy as np

from skyshield.plan import PlanSpec, plan_flight
from skyshield.plan.hazard import defence_kill, engage_time, resolve
from skyshield.scenario import load_scenario, scenario_from_dict
from testkit import EXAMPLES

TERRAIN = EXAMPLES / "vip-transit-terrain.yaml"


def _flat_and_hills() -> tuple:
    hills = load_scenario(TERRAIN)
    flat = scenario_from_dict({**hills.model_dump(mode="json"), "terrain": {"source": "none"}})
    spec = PlanSpec(max_cells=60, alternatives=0, mc_replications=0)
    return resolve(flat, spec), resolve(hills, spec)


def test_terrain_only_takes_cover_away() -> None:
    """Masking removes coverage and never adds it: the defence's kill probability over every
    cell is at most the flat Earth's, and well below it somewhere."""
    flat, hills = _flat_and_hills()
    assert flat.ground is None and hills.ground is not None
    cx, cy = hills.grid.centres()
    for threat in ("fpv", "loitering"):  # the classes that go for the VIP
        t = engage_time(hills, threat)
        p_flat = defence_kill(flat, cx, cy, threat, t)
        p_hill = defence_kill(hills, cx, cy, threat, t)
        assert (p_hill <= p_flat + 1e-12).all()
        assert (p_flat - p_hill).max() > 0.1, threat
    # one raster per fixed sensor (not the acoustic net) and effector, made once
    assert set(hills.views) >= {"Radar Marrow", "SAM Aldmark", "Gepard Aldmark"}
    assert "Acoustic net" not in hills.views


def test_the_planner_runs_over_terrain() -> None:
    hills = load_scenario(TERRAIN)
    out = plan_flight(hills, PlanSpec(max_cells=50, alternatives=0, mc_replications=0))
    d = out.to_dict()
    assert d["plans"] and np.isfinite(d["plans"][0]["risk"])
