"""The report in a real headless Chromium: loads without errors or network, replays, shows
hostile names as text."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from report_fixtures import HOSTILE, HOSTILE_ATTR

from skyshield.report import build_report

pytestmark = pytest.mark.browser


def _open(browser: Any, page_path: Path) -> tuple[Any, dict[str, list[str]]]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    seen: dict[str, list[str]] = {"errors": [], "requests": [], "dialogs": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))

    def dialog(d: Any) -> None:
        seen["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(page_path.resolve().as_uri())
    page.wait_for_function("() => window.skyshieldReplay !== undefined")
    return page, seen


def _variance(png: bytes) -> tuple[float, int]:
    from matplotlib.image import imread

    img = imread(io.BytesIO(png), format="png")[::2, ::2, :3]
    colours = len(np.unique((img * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    return float(img.var()), colours


def test_page_loads_replays_and_is_not_blank(browser: Any, run_copy: Path) -> None:
    out = build_report(run_copy)
    page, seen = _open(browser, out.html)
    try:
        page.evaluate("window.skyshieldReplay.seek(60)")
        before = page.evaluate("window.skyshieldReplay.markers()")
        assert before["heli"] and before["drones"]
        page.select_option("#replay-speed", "300")
        page.click("#replay-play")
        page.wait_for_function("() => window.skyshieldReplay.time() > 120", timeout=10_000)
        page.click("#replay-play")  # pause
        assert not page.evaluate("window.skyshieldReplay.playing()")
        assert page.evaluate("window.skyshieldReplay.time()") > 120
        # how far playback got before the pause depends on the machine's speed: compare the
        # pictures at a fixed time instead
        page.evaluate("window.skyshieldReplay.seek(120)")
        after = page.evaluate("window.skyshieldReplay.markers()")
        # the helicopter flies east along its plan at 50 m/s (canvas x grows eastwards)
        assert after["heli"][0][0] > before["heli"][0][0] + 5
        # drones in view at both times have moved
        then = {d[2]: d[:2] for d in before["drones"]}
        moved = [abs(d[0] - then[d[2]][0]) + abs(d[1] - then[d[2]][1])
                 for d in after["drones"] if d[2] in then]
        assert moved and max(moved) > 5
        # drones are coloured by wave, and the legend names every wave (as text)
        data = page.evaluate("JSON.parse(document.getElementById('report-data').textContent)")
        waves = data["names"]["waves"]
        legend = page.eval_on_selector_all("#wave-legend li", "els => els.map(e => e.textContent)")
        assert legend == waves and len(waves) >= 2
        palette = page.eval_on_selector_all(
            "#wave-legend li i", "els => els.map(e => getComputedStyle(e).backgroundColor)")
        assert len(set(palette)) == len(waves)
        by_wave: dict[int, set[object]] = {}
        for d in after["drones"]:
            w = data["drone_wave"][d[2]]
            assert w >= 0
            by_wave.setdefault(w, set()).add(d[3])
        assert all(len(c) == 1 for c in by_wave.values())  # one colour per wave
        if len(by_wave) >= 2:
            assert len({next(iter(c)) for c in by_wave.values()}) == len(by_wave)
        assert float(page.input_value("#replay-time")) == 120  # the time control follows seek
        assert int(page.text_content("#c-launch") or "0") >= 1
        variance, colours = _variance(page.locator("#replay-canvas").screenshot())
        assert variance > 1e-3 and colours > 20
        variance, colours = _variance(page.screenshot(full_page=True))
        assert variance > 1e-3 and colours > 50
        # every figure decoded as an image
        widths = page.eval_on_selector_all("figure img", "els => els.map(e => e.naturalWidth)")
        assert len(widths) == len(out.figures) and min(widths) > 100
    finally:
        page.close()
    assert seen["errors"] == []
    assert seen["dialogs"] == []
    assert all(u.startswith(("file:", "data:")) for u in seen["requests"]), seen["requests"]


def test_hostile_names_show_as_text(browser: Any, run_copy: Path) -> None:
    out = build_report(run_copy)
    page, seen = _open(browser, out.html)
    try:
        assert HOSTILE in (page.text_content("#scenario-name") or "")
        assert HOSTILE_ATTR in (page.text_content(".headline .asset-name") or "")
        table = page.text_content("#summary") or ""
        assert HOSTILE in table and f"Gun {HOSTILE_ATTR}" in table
        # no element was injected: the only scripts are the page's, no <img src=x>, no <b>
        assert page.evaluate("document.scripts.length") == 2
        assert page.evaluate("document.querySelectorAll('img:not(figure img)').length") == 0
        assert page.evaluate("document.querySelectorAll('main b').length") == 0
        page.evaluate("window.skyshieldReplay.seek(600)")
        log = page.text_content("#replay-log") or ""
        assert HOSTILE in log and HOSTILE_ATTR in log
        assert page.evaluate("document.querySelectorAll('#replay-log *:not(li)').length") == 0
    finally:
        page.close()
    assert seen["dialogs"] == []
    assert seen["errors"] == []


def test_page_without_replays_loads_cleanly(browser: Any, run_copy: Path) -> None:
    out = build_report(run_copy, replays=[])
    page, seen = _open(browser, out.html)
    try:
        assert page.is_disabled("#replay-play")
        assert page.evaluate("document.querySelectorAll('#replay-rep option').length") == 0
        # the map and the planned helicopter position are still drawn
        assert page.evaluate("window.skyshieldReplay.markers()")["heli"]
        assert "No replication was recorded" in (page.text_content("#replay") or "")
    finally:
        page.close()
    assert seen["errors"] == []
