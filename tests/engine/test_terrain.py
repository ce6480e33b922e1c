"""§4.9: line of sight over terrain in the kernel and the reference.

A single ridge between a radar and a drone (visible on the crest, hidden behind it), a gun
masked by a ridge, flat terrain equal to no terrain, the kernel equal to the plain-Python
reference replication by replication on the cut-down flagship over a synthetic relief, and
every malformed terrain block refused with its file, line and field.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from engine_scenarios import base, build
from test_reference import _cut_down_flagship, _same

from skyshield.engine import record_replication, run_batch
from skyshield.errors import InputError
from skyshield.scenario import scenario_from_dict, scenario_hash
from testkit import assert_outcomes_equal, cli_error

CELL = 500.0
#: The ridge: ``RIDGE_H`` m high between north 9 and 11 km (across the whole map).
RIDGE_H, RIDGE_Y0, RIDGE_Y1 = 400.0, 9000.0, 11000.0


def _ridge_file(tmp_path: Path, height: float = RIDGE_H) -> Path:
    n = int(100000 / CELL) + 1
    y = -50000.0 + CELL * np.arange(n)
    z = np.zeros((n, n))
    z[(y >= RIDGE_Y0) & (y <= RIDGE_Y1), :] = height
    path = tmp_path / "ridge.npy"
    np.save(path, z)
    return path


def _radar_scenario(terrain: dict | None) -> dict:
    """``base()`` with its drone flying south from 40 km north to the site at the origin, seen
    by a radar at the site (Pd ≈ 1 out to 45 km, one scan a second, a track at the first
    detection)."""
    d = base(sensors=[{"name": "Radar", "type": "radar_cuas", "position": [0, 0],
                       "mast_m": 10,
                       "params": {"r50_m": 1e7, "max_range_m": 45000, "scan_s": 1.0,
                                  "track_m": 1, "track_n": 1, "latency_s": 0.0,
                                  "drop_misses": 1000, "min_altitude_m": 0.0}}])
    if terrain is not None:
        d["terrain"] = terrain
    return d


def _first_track_y(d: dict) -> float:
    ev = record_replication(build(d), 0, 0).events
    kinds = list(ev["kind"])
    assert "track" in kinds, kinds
    return float(ev["y"][kinds.index("track")])


def test_flat_earth_sees_the_drone_at_launch() -> None:
    assert _first_track_y(_radar_scenario(None)) > 39000.0


def _ground_y(y: float) -> float:
    """The bilinear ground of :func:`_ridge_file` along the drone's track (x = 0)."""
    if RIDGE_Y0 <= y <= RIDGE_Y1:
        return RIDGE_H
    edge = RIDGE_Y1 if y > RIDGE_Y1 else RIDGE_Y0
    return max(0.0, RIDGE_H * (1.0 - abs(y - edge) / CELL))


def _agl_profile(k_launch: int, k_end: int) -> dict[int, float]:
    """§4.9 written out for the drone of :func:`_radar_scenario` over the ridge: launched at
    step ``k_launch`` at 40 km north, 50 m south a step from the next step on; at the steps
    ``k`` with ``k mod 10 = 0`` (500 m cells at 50 m/s) it climbs or dives towards 150 m above
    the ground by at most 5 m/s × 10 s, never below the ground; its height above the ground
    at every step (held between updates)."""
    za = 150.0
    z = 150.0
    out = {}
    for k in range(k_launch + 1, k_end + 1):
        y = 40000.0 - 50.0 * (k - k_launch)
        if k % 10 == 0:
            g = _ground_y(y)
            za = za + max(-50.0, min(50.0, g + 150.0 - za))
            za = max(za, g)
            z = za - g
        out[k] = z
    return out


def test_a_ridge_hides_the_drone_until_it_crests(tmp_path: Path) -> None:
    """The drone meets the ridge's 400 m face at 11 km, skims it and climbs over the
    plateau (:func:`_agl_profile`). Behind the ridge it is never seen; on the plateau
    the radar's shadow is ``10 + 390 d/9000 − 400`` m (the near edge at 9 km, plus the
    4/3-Earth's ``d²/2kR``, ≈ 6 m): the drone, 50 m up from 10.5 km and 100 m from 10 km,
    clears it between the two (a drone 10 m up at 10.55 km, 60 m from 10.05 km: updates at
    cell crossings that fall 50 m after the nodes for this replication's launch)."""
    src = _ridge_file(tmp_path)
    y = _first_track_y(_radar_scenario({"source": str(src), "cell_m": CELL,
                                        "origin": [-50000, -50000]}))
    assert 9950.0 <= y <= 10500.0, y


def test_a_drone_climbs_and_dives_at_its_climb_rate(tmp_path: Path) -> None:
    """The same flight, its height above the ground from the replay's positions, is
    :func:`_agl_profile` at every sample from launch to the site."""
    src = _ridge_file(tmp_path)
    d = _radar_scenario({"source": str(src), "cell_m": CELL, "origin": [-50000, -50000]})
    rec = record_replication(build(d), 0, 0)
    kinds = list(rec.events["kind"])
    k_launch = round(float(rec.events["t_s"][kinds.index("launch")]))
    pos = rec.positions
    drone = np.asarray(pos["entity"]) == "drone"
    pt = np.asarray(pos["t_s"])[drone]
    py = np.asarray(pos["y"])[drone]
    pz = np.asarray(pos["z"])[drone]
    want = _agl_profile(k_launch, round(float(pt.max())))
    checked = 0
    for t, y, z in zip(pt, py, pz, strict=True):
        k = round(float(t))
        if k in want and y > 100.0:  # (not the impact's sample)
            assert abs(y - (40000.0 - 50.0 * (k - k_launch))) < 1e-3, (t, y)
            assert abs(z - want[k]) < 1e-6, (t, y, z, want[k])
            checked += 1
    assert checked > 100
    # it did skim the face and dive past the ridge
    assert pz.min() < 1e-6 and pz.max() > 450.0


def test_a_drone_above_the_shadow_is_seen_over_the_ridge(tmp_path: Path) -> None:
    """A ridge 100 m high: the shadow behind it at distance d is 10 + 90·d/11000 m (flat
    Earth, less than the 4/3-Earth drop), under the drone's 150 m out to 15.5 km only; it is
    first seen south of that (and north of the crest)."""
    src = _ridge_file(tmp_path, height=100.0)
    y = _first_track_y(_radar_scenario({"source": str(src), "cell_m": CELL,
                                        "origin": [-50000, -50000]}))
    assert RIDGE_Y1 < y <= 15600.0, y


def test_flat_terrain_equals_no_terrain_but_for_the_horizon(tmp_path: Path) -> None:
    """Terrain at sea level everywhere: the viewshed's 4/3-Earth replaces the horizon
    formula; on this small map nothing is beyond either, so the outcomes are identical."""
    n = int(100000 / CELL) + 1
    np.save(tmp_path / "flat.npy", np.zeros((n, n)))
    d0 = _radar_scenario(None)
    d1 = _radar_scenario({"source": str(tmp_path / "flat.npy"), "cell_m": CELL,
                          "origin": [-50000, -50000]})
    assert_outcomes_equal(run_batch(build(d0), 5, 0, 4), run_batch(build(d1), 5, 0, 4))


def test_terrain_none_is_the_scenario_it_was() -> None:
    """``terrain: none`` written out is the default: the same key, the same outcomes."""
    d0 = base()
    d1 = base(terrain={"source": "none"})
    assert scenario_hash(scenario_from_dict(d0)) == scenario_hash(scenario_from_dict(d1))
    assert_outcomes_equal(run_batch(build(d0), 1, 0, 3), run_batch(build(d1), 1, 0, 3))


def test_a_ridge_masks_a_gun(tmp_path: Path) -> None:
    """A gun just south of the ridge never fires at a drone on the far side (tracked by a
    radar north of it); without the ridge, it does."""
    gun = {"name": "Gun", "type": "gun_35", "position": [3000, 8500],
           "params": {"max_range_m": 6000.0, "min_range_m": 0.0}}
    d = _radar_scenario(None)
    d["sensors"][0]["position"] = [3000, 13000]  # north of the ridge: it sees the drone
    d["effectors"] = [gun]
    d["raids"][0]["launch_area"] = {"center": [3000, 14000], "radius_m": 1e-6}
    d["assets"]["fixed"][0]["position"] = [3000, 12500]
    flat = run_batch(build(d), 2, 0, 4)
    assert flat.eff_shots.sum() > 0
    d["terrain"] = {"source": str(_ridge_file(tmp_path)), "cell_m": CELL,
                    "origin": [-50000, -50000]}
    masked = run_batch(build(d), 2, 0, 4)
    assert masked.eff_shots.sum() == 0


def test_a_drone_behind_the_ridge_is_never_tracked_by_the_masked_radar(
        tmp_path: Path) -> None:
    """§5 ``sen_tracked``: the drone flies from 40 km north to a site at 20 km north, never
    crossing the ridge (9–11 km) between it and the radar at the origin: over the ridge the
    radar never tracks it (0), an acoustic net at the site does (1, sound goes round hills);
    on flat ground the radar tracks it too."""
    d = _radar_scenario(None)
    d["assets"]["fixed"][0]["position"] = [0, 20000]
    d["sensors"].append({"name": "Net", "type": "acoustic_net", "position": [0, 20000],
                         "params": {"net_radius_m": 25000, "max_range_m": 25000,
                                    "pd_scan": 1.0, "scan_s": 1.0, "track_m": 1,
                                    "track_n": 1, "latency_s": 0.0, "drop_misses": 1}})
    flat = run_batch(build(d), 4, 0, 5)
    np.testing.assert_array_equal(flat.sen_tracked, np.tile([1, 1], (5, 1)))
    d["terrain"] = {"source": str(_ridge_file(tmp_path)), "cell_m": CELL,
                    "origin": [-50000, -50000]}
    cs = build(d)
    masked = run_batch(cs, 4, 0, 5)
    np.testing.assert_array_equal(masked.wave_launched[:, 0], 1)
    np.testing.assert_array_equal(masked.sen_tracked, np.tile([0, 1], (5, 1)))
    _same(cs, 4, 2)


@pytest.mark.parametrize("information", ["truth", "tracks"])
def test_kernel_equals_reference_over_synthetic_terrain(information: str) -> None:
    """The cut-down flagship over a rugged synthetic relief (1 km nodes): the compiled
    kernel's raster lookups and ray marches against the reference's plain-Python sweep and
    ray march, replication by replication."""
    from skyshield.engine import compile_scenario

    sc = _cut_down_flagship(information=information)
    sc = scenario_from_dict({**sc.model_dump(mode="json"),
                             "terrain": {"source": "synthetic", "cell_m": 1000.0,
                                         "relief_m": 900.0, "roughness": 0.5, "seed": 4}})
    cs = compile_scenario(sc)
    flat = run_batch(compile_scenario(_cut_down_flagship(information=information)), 3, 0, 2)
    out = run_batch(cs, 3, 0, 2)
    assert out.eff_shots.sum() > 0
    # the relief changes the outcome (not a vacuous comparison), the sensors' tracks too
    assert (out.eff_shots != flat.eff_shots).any()
    assert out.sen_tracked.sum() > 0 and (out.sen_tracked != flat.sen_tracked).any()
    _same(cs, 3, 2)


@pytest.mark.parametrize("height", [RIDGE_H, 100.0])
def test_the_reference_ray_march_is_the_kernel_behind_a_ridge(tmp_path: Path,
                                                               height: float) -> None:
    """The reference with every fixed site's line of sight ray-marched by brute force
    (:func:`~skyshield.engine.reference.run_replication_raymarch`) against the kernel's raster
    lookups, over the ridge (the drone flies down the radar's column, where the sweep is
    exact): every check answers alike and the replications are identical."""
    from skyshield.engine.reference import run_replication_raymarch

    cs = build(_radar_scenario({"source": str(_ridge_file(tmp_path, height)), "cell_m": CELL,
                                "origin": [-50000, -50000]}))
    out = run_batch(cs, 0, 0, 3)
    for r in range(3):
        ref, checks, differ = run_replication_raymarch(cs, 0, r)
        assert checks > 500 and differ == 0, (checks, differ)
        assert_outcomes_equal(out.row(r), ref)


def test_the_reference_ray_march_agrees_with_the_lookups_over_rugged_terrain() -> None:
    """The cut-down flagship over a rugged relief (900 m on 1 km nodes): the brute-force ray
    march answers as the raster on ≥ 97 % of the fixed sites' checks (the sweep interpolates
    the horizon between nodes, docs/viewshed.md), and in most replications every outcome is
    the kernel's but the work counter ``drone_steps`` (a drone seen a scan sooner or later
    dies a step sooner or later); the ones that differ more do because some check did."""
    from skyshield.engine import compile_scenario
    from skyshield.engine.reference import run_replication_raymarch

    sc = _cut_down_flagship()
    sc = scenario_from_dict({**sc.model_dump(mode="json"),
                             "terrain": {"source": "synthetic", "cell_m": 1000.0,
                                         "relief_m": 900.0, "roughness": 0.5, "seed": 4}})
    cs = compile_scenario(sc)
    reps = 6
    out = run_batch(cs, 3, 0, reps)
    checks = differ = same = 0
    for r in range(reps):
        ref, n, k = run_replication_raymarch(cs, 3, r)
        checks += n
        differ += k
        try:
            assert_outcomes_equal(out.row(r), ref)
        except AssertionError:
            assert k > 0, f"replication {r} differs with every check alike"
        ref.drone_steps[:] = out.drone_steps[r]
        try:
            assert_outcomes_equal(out.row(r), ref)
            same += 1
        except AssertionError:
            pass
    assert checks > 20_000 and 0 < differ <= 0.03 * checks, (checks, differ)
    assert same >= reps // 2, same


# ------------------------------------------------------------------------- bad input


def _write(tmp_path: Path, terrain: dict) -> Path:
    import yaml

    d = base()
    d["terrain"] = terrain
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False))
    return path


def test_a_npy_file_needs_its_cell_size(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    np.save(tmp_path / "g.npy", np.zeros((201, 201)))
    path = _write(tmp_path, {"source": "g.npy", "origin": [-50000, -50000]})
    cli_error(["validate", str(path)], capsys, where=str(path), field="terrain.source",
              says="cell_m")


def test_a_grid_short_of_the_map_is_refused(tmp_path: Path,
                                            capsys: pytest.CaptureFixture) -> None:
    np.save(tmp_path / "g.npy", np.zeros((101, 201)))
    path = _write(tmp_path, {"source": "g.npy", "cell_m": CELL, "origin": [-50000, -50000]})
    cli_error(["validate", str(path)], capsys, where=str(path), field="terrain.source")


def test_a_relative_terrain_file_is_read_beside_the_scenario(tmp_path: Path) -> None:
    from skyshield.scenario import load_scenario

    np.save(tmp_path / "g.npy", np.zeros((201, 201)))
    sc = load_scenario(_write(tmp_path, {"source": "g.npy", "cell_m": CELL,
                                         "origin": [-50000, -50000]}))
    assert Path(sc.terrain.source) == tmp_path / "g.npy"


def test_unknown_terrain_source_is_refused(tmp_path: Path,
                                           capsys: pytest.CaptureFixture) -> None:
    path = _write(tmp_path, {"source": "hills.png"})
    cli_error(["validate", str(path)], capsys, where=str(path), field="terrain.source",
              says="terrain source must be")


def test_a_missing_terrain_file_is_refused() -> None:
    d = base(terrain={"source": "/nonexistent/dem.asc"})
    with pytest.raises(InputError) as exc:
        scenario_from_dict(d)
    assert exc.value.field == "terrain.source"


def test_validate_describes_the_terrain(capsys: pytest.CaptureFixture) -> None:
    import json

    from skyshield.cli import main
    from testkit import EXAMPLES

    assert main(["validate", str(EXAMPLES / "vip-transit-terrain.yaml")]) == 0
    out = capsys.readouterr().out
    assert "terrain: synthetic relief, 701 × 301 nodes of 200 m, ground 50–850 m" in out
    assert main(["validate", "--json", str(EXAMPLES / "vip-transit-terrain.yaml")]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["terrain"]["nodes"] == [701, 301]
    assert main(["validate", "--json", str(EXAMPLES / "vip-transit.yaml")]) == 0
    assert "terrain" not in json.loads(capsys.readouterr().out)
