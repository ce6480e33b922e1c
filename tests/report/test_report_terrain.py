"""The report over terrain (issue 13): the map's shading and masked coverage reach the page
through ``layout.json``; the replay carries each position's height above the ground and,
under terrain, the ground's elevation above sea level, and shows them (tooltip, the
aircraft's label) — in headless Chromium too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from report_fixtures import HOSTILE_ATTR

from skyshield.errors import InputError
from skyshield.report import build_report
from skyshield.report.data import load_run
from skyshield.report.figures import fig_map
from skyshield.report.page import replay_payload
from skyshield.scenario import load_scenario
from skyshield.scenario.equipment import raid_params
from skyshield.scenario.ground import terrain_grid
from skyshield.scenario.layout import layout


def _copy(run: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "run"
    shutil.copytree(run, dst)
    return dst


def test_layout_json_carries_the_terrain_and_the_report_map_draws_it(terrain_run: Path
                                                                     ) -> None:
    data = load_run(terrain_run)
    assert data.notes == [] and data.ground is not None
    assert data.layout == json.loads(json.dumps(layout(load_scenario(
        terrain_run / "scenario.yaml"))))
    fig = fig_map(data)
    ax = fig.axes[0]
    gids = [str(a.get_gid()) for a in ax.get_children() if a.get_gid()]
    assert gids.count("terrain-shading") == 1
    assert sum(g.startswith("masked-coverage:") for g in gids) == 3
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "radar: coverage at 60 m above ground, masked by terrain" in labels


def test_the_replay_carries_heights_above_ground_and_the_ground_above_sea_level(
        terrain_run: Path) -> None:
    data = load_run(terrain_run)
    payload = replay_payload(data, data.recorded_reps)
    assert payload["heights"] == {"above_ground": True, "above_sea_level": True}
    sc = load_scenario(terrain_run / "scenario.yaml")
    grid = terrain_grid(sc)
    assert grid is not None
    flown = {raid_params(r)["altitude_m"] for r in sc.raids} | {60.0}  # the leak: fpv
    vip_alt = sc.assets.moving[0].altitude_m
    for r in payload["replays"]:
        p = {k: np.asarray(v) for k, v in r["pos"].items()}
        assert len(p["z"]) == len(p["g"]) == len(p["x"])
        # the ground under each position (to the rounding of the position to whole metres)
        assert np.abs(p["g"] - grid.elevation(p["x"], p["y"])).max() <= 2.0
        drone, vip = p["e"] == 0, (p["e"] == 1) & (p["i"] == 0)
        # drones cruise at their class's altitude above the ground (or go for the aircraft's)
        zd = p["z"][drone]
        assert 0 <= zd.min() and zd.max() <= max(flown | {vip_alt})
        assert set(zd.tolist()) & flown
        assert set(p["z"][vip].tolist()) == {0.0, vip_alt}  # on the ground, then in flight


def test_a_flat_replay_has_heights_above_ground_only(real_run: Path) -> None:
    data = load_run(real_run)
    assert data.ground is None and "terrain" not in data.layout
    payload = replay_payload(data, data.recorded_reps)
    assert payload["heights"] == {"above_ground": True, "above_sea_level": False}
    for r in payload["replays"]:
        assert "z" in r["pos"] and "g" not in r["pos"]


def test_without_its_scenario_the_replay_keeps_heights_above_ground(terrain_run: Path,
                                                                    tmp_path: Path) -> None:
    run = _copy(terrain_run, tmp_path)
    (run / "scenario.yaml").unlink()
    data = load_run(run)
    assert data.ground is None
    assert any("above sea level" in n and "scenario.yaml is missing" in n for n in data.notes)
    payload = replay_payload(data, data.recorded_reps)
    assert payload["heights"] == {"above_ground": True, "above_sea_level": False}
    assert "g" not in payload["replays"][0]["pos"]


@pytest.mark.parametrize(("where", "value"), [
    ("terrain.elevation", "AAAA"), ("sensors[0].masked_coverage", "not base64!")])
def test_a_raster_that_does_not_decode_is_input_error(terrain_run: Path, tmp_path: Path,
                                                      where: str, value: str) -> None:
    run = _copy(terrain_run, tmp_path)
    lay = json.loads((run / "layout.json").read_text(encoding="utf-8"))
    if where.startswith("terrain"):
        lay["terrain"]["elevation"]["data"] = value
    else:
        lay["sensors"][0]["masked_coverage"]["data"] = value
    (run / "layout.json").write_text(json.dumps(lay), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_run(run)
    assert err.value.field == where and err.value.file == str(run / "layout.json")


# --------------------------------------------------------------------------- in Chromium


def _page(browser: Any, html: Path) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(html.resolve().as_uri())
    page.wait_for_function("() => window.skyshieldReplay !== undefined")
    return page, errors


def _hover(page: Any, px: float, py: float) -> str:
    """Point at canvas pixel ``(px, py)``; the tooltip's text ('' when hidden)."""
    canvas = page.locator("#replay-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    k = box["width"] / page.evaluate("document.getElementById('replay-canvas').width")
    page.mouse.move(box["x"] + px * k, box["y"] + py * k)
    return str(page.text_content("#replay-tip")) if page.is_visible("#replay-tip") else ""


def _alone(m: list[float], others: list[list[float]]) -> bool:
    return all(o is m or (o[0] - m[0]) ** 2 + (o[1] - m[1]) ** 2 > 400 for o in others)


@pytest.mark.browser
def test_the_replay_shows_heights_above_ground_and_sea_level(browser: Any, terrain_run: Path,
                                                            tmp_path: Path) -> None:
    out = build_report(_copy(terrain_run, tmp_path))
    page, errors = _page(browser, out.html)
    try:
        data = page.evaluate("JSON.parse(document.getElementById('report-data').textContent)")
        r = data["replays"][0]
        p = r["pos"]
        # a recorded frame with the VIP in flight (the replay shows it there exactly)
        j = next(j for j in range(len(p["f"])) if p["e"][j] == 1 and p["i"][j] == 0
                 and p["z"][j] > 0 and r["t"][p["f"][j]] >= 1200)
        z, g = p["z"][j], p["g"][j]
        page.evaluate(f"window.skyshieldReplay.seek({r['t'][p['f'][j]]})")
        m = page.evaluate("window.skyshieldReplay.markers()")
        heli = m["heli"][0]
        assert heli[2:] == [z, g] and z == 150
        everyone = m["heli"] + m["drones"]
        assert _alone(heli, everyone)
        name = data["layout"]["moving"][0]["name"]
        assert _hover(page, heli[0], heli[1]) == \
            f"{name}\n{z} m above ground\n{z + g} m above sea level"
        drone = next(d for d in m["drones"] if _alone(d, everyone))
        tip = _hover(page, drone[0], drone[1]).split("\n")
        assert tip[0].startswith(f"drone {drone[2]} · ")
        assert tip[1:] == [f"{drone[4]} m above ground",
                           f"{drone[4] + drone[5]} m above sea level"]
        page.mouse.move(1, 1)
        assert not page.is_visible("#replay-tip")
    finally:
        page.close()
    assert errors == []


@pytest.mark.browser
def test_a_flat_replay_shows_heights_above_ground_and_names_as_text(browser: Any,
                                                                    run_copy: Path) -> None:
    out = build_report(run_copy)
    page, errors = _page(browser, out.html)
    try:
        page.evaluate("window.skyshieldReplay.seek(60)")
        m = page.evaluate("window.skyshieldReplay.markers()")
        heli = m["heli"][0]
        assert heli[2] == 150 and heli[3] is None
        tip = _hover(page, heli[0], heli[1])
        # the name is text (the hostile scenario's VIP is named to inject markup)
        assert tip == f"VIP {HOSTILE_ATTR}\n150 m above ground"
        assert page.evaluate("document.querySelectorAll('#replay-tip *').length") == 0
    finally:
        page.close()
    assert errors == []
