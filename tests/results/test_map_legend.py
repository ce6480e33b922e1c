"""The laydown map a planner briefs from: every kind of symbol and ring in the legend, every
unit named on the map."""

from __future__ import annotations

from matplotlib.figure import Figure

from skyshield.results.plots import draw_map
from skyshield.scenario.layout import layout
from testkit import load_flagship


def test_every_symbol_in_the_legend_and_every_unit_named() -> None:
    lay = layout(load_flagship())
    ax = Figure().subplots()
    draw_map(ax, lay)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    texts = {t.get_text() for t in ax.texts}
    for s in lay["sensors"] + lay["effectors"]:
        if s["position"] is not None:
            assert s["name"] in texts, s["name"]
    for f in lay["fixed"]:
        assert f["name"] in texts
    assert any(lb.startswith("sensor: radar") for lb in labels)
    assert any(lb.startswith("effector: missile") for lb in labels)
    assert any("interceptor drone" in lb for lb in labels)
    assert "protected site (named)" in labels and "raid launch area (named)" in labels
    assert any("leak surge" in lb for lb in labels)
    assert any(lb.startswith(lay["moving"][0]["name"]) for lb in labels)


def test_transit_window_and_money_axes() -> None:
    """The VIP's flight shaded on time axes (from the flight plan), named; USD ticks in k/M;
    layout.json keeps the origin."""
    from skyshield.results.plots import money, shade_transit
    from skyshield.scenario.timeline import asset_plan

    sc = load_flagship()
    lay = layout(sc)
    ts = asset_plan(sc, sc.assets.moving[0])[2]
    assert lay["moving"][0]["transit_s"] == [ts[0], ts[-1]]
    assert "origin" in lay
    ax = Figure().subplots()
    ax.plot([0, 60], [0, 1.2e7])
    shade_transit(ax, lay)
    money(ax)
    _h, labels = ax.get_legend_handles_labels()
    assert labels == [f"{sc.assets.moving[0].name} in flight"]
    fmt = ax.yaxis.get_major_formatter()
    assert fmt(1.2e7, 0) == "12 M" and fmt(45_000.0, 0) == "45 k" and fmt(0.0, 0) == "0"
