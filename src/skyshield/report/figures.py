"""The report's figures, rendered with matplotlib's object API (no pyplot state) to PNG bytes.

Each ``fig_*`` function takes a :class:`~skyshield.report.data.RunData` and returns a
:class:`matplotlib.figure.Figure` or ``None`` when the folder lacks what it needs. The same PNG
bytes are written to ``DIR/report/*.png`` and inlined in the HTML page, so the page and the
files for papers cannot disagree.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from skyshield.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from skyshield.report.data import RunData, SweepPoint

DPI = 120
VIP_COLOUR = "#c2185b"
SITE_COLOUR = "#1a3d7c"


def _figure(w: float, h: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(w, h), layout="constrained")


def png_bytes(fig: Figure) -> bytes:
    """Encode a figure as PNG; the metadata carry no date, so the bytes are reproducible."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def vector_bytes(fig: Figure) -> dict[str, bytes]:
    """The figure as SVG and PDF (for briefings), reproducible: no dates, fixed SVG ids."""
    import matplotlib

    out = {}
    with matplotlib.rc_context({"svg.hashsalt": "skyshield", "svg.fonttype": "path"}):
        for fmt, meta in (("svg", {"Date": None}), ("pdf", {"CreationDate": None})):
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, metadata=meta)
            out[fmt] = buf.getvalue()
    return out


def _num(v: Any) -> float:
    return math.nan if v is None else float(v)


# --------------------------------------------------------------------------- raid-size sweep


def sweep_axis(points: list[SweepPoint]) -> tuple[np.ndarray, str]:
    """The x axis of the loss-against-raid-size figure.

    When exactly one numeric parameter varies across the points, x is that parameter (its name
    is the label); otherwise x is the mean number of drones launched per replication taken
    from each point's summary, the raid size the defence actually faced.
    """
    keys = sorted({k for p in points for k in p.params})
    varying = [
        k for k in keys
        if all(isinstance(p.params.get(k), int | float) and not isinstance(p.params.get(k), bool)
               for p in points)
        and len({p.params[k] for p in points}) > 1
    ]
    if len(varying) == 1:
        k = varying[0]
        return np.array([float(p.params[k]) for p in points]), k
    launched = [_num(p.summary.get("threats", {}).get("launched_mean")) for p in points]
    return np.array(launched, dtype=float), "drones launched per replication (mean)"


def fig_raid_sweep(data: RunData) -> Figure | None:
    """VIP loss probability with its 95 % interval against raid size, other assets thin."""
    if not data.sweep:
        return None
    pts = data.sweep
    x, label = sweep_axis(pts)
    order = np.argsort(x, kind="stable")
    x = x[order]
    fig = _figure(7.5, 4.2)
    ax = fig.subplots()
    p = np.array([pts[i].vip_p_loss for i in order])
    lo = np.array([pts[i].vip_lo for i in order])
    hi = np.array([pts[i].vip_hi for i in order])
    top = float(np.nanmax(np.r_[hi, p, 0.0]))
    names: list[str] = []
    for i in order:
        for a in pts[i].summary.get("assets", [])[1:]:
            if a.get("name") not in names:
                names.append(a.get("name"))
    for name in names:
        y = [next((_num(a.get("p_loss")) for a in pts[i].summary.get("assets", [])
                   if a.get("name") == name), math.nan) for i in order]
        ax.plot(x, y, "-", lw=0.9, alpha=0.6, label=str(name))
        top = max(top, float(np.nanmax(np.r_[y, 0.0])))
    vip = pts[0].summary.get("assets", [{}])[0].get("name", "VIP") if pts[0].summary else "VIP"
    ax.fill_between(x, lo, hi, color=VIP_COLOUR, alpha=0.18, lw=0)
    ax.plot(x, p, "o-", color=VIP_COLOUR, lw=2, label=f"{vip} (95 % interval)")
    ax.set_xlabel(label)
    ax.set_ylabel("loss probability")
    ax.set_ylim(0, min(1.02, max(0.05, top * 1.15)))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    ax.set_title("Loss probability against raid size")
    return fig


# --------------------------------------------------------------------------- per asset


def fig_loss(data: RunData) -> Figure:
    """Loss probability per asset with 95 % Wilson intervals."""
    assets = data.summary["assets"]
    fig = _figure(7.5, 0.9 + 0.42 * max(1, len(assets)))
    ax = fig.subplots()
    names = [str(a["name"]) for a in assets][::-1]
    p = np.array([_num(a["p_loss"]) for a in assets][::-1])
    lo = np.array([_num(a["p_loss_ci95"][0]) for a in assets][::-1])
    hi = np.array([_num(a["p_loss_ci95"][1]) for a in assets][::-1])
    cols = [VIP_COLOUR if a["kind"] == "moving" else SITE_COLOUR for a in assets][::-1]
    y = np.arange(len(names))
    ax.barh(y, p, color=cols, alpha=0.6)
    ax.errorbar(p, y, xerr=[np.maximum(p - lo, 0), np.maximum(hi - p, 0)], fmt="none",
                ecolor="black", capsize=3)
    ax.set_yticks(y, names)
    ax.set_xlim(0, max(0.05, float(np.nanmax(np.r_[hi, 0.0])) * 1.15))
    ax.set_xlabel("loss probability (95 % Wilson interval)")
    ax.set_title(f"{data.summary['replications']} replications, seed {data.summary['seed']}")
    return fig


def fig_loss_causes(data: RunData) -> Figure | None:
    """Loss probability per asset stacked by cause (the wave of the fatal hit, or friendly
    fire), by :func:`skyshield.results.plots.draw_loss_causes`; ``None`` for a summary
    written before causes were recorded."""
    from skyshield.results.plots import draw_loss_causes

    assets = data.summary["assets"]
    if not all("causes" in a for a in assets):
        return None
    fig = _figure(9, 1.2 + 0.45 * max(1, len(assets)))
    ax = fig.subplots()
    draw_loss_causes(ax, data.summary)
    ax.set_title("Losses by cause")
    return fig


def fig_wave_effectors(data: RunData) -> Figure | None:
    """Rounds and kills by wave × effector (mean per replication), by
    :func:`skyshield.results.plots.draw_wave_effectors`; ``None`` without them."""
    from skyshield.results.plots import draw_wave_effectors

    if "wave_effectors" not in data.summary:
        return None
    n_eff = len({x["effector"] for x in data.summary["wave_effectors"]})
    fig = _figure(max(6.0, 2.5 + 0.8 * n_eff),
                  1.8 + 0.45 * len(data.summary.get("threats", {}).get("waves", [])))
    draw_wave_effectors(fig.subplots(), data.summary)
    return fig


def leakers_per_asset(data: RunData) -> tuple[list[str], np.ndarray, str]:
    """Mean leakers that reached each asset per replication, and where the number comes from.

    The summary's ``hits_mean`` covers every replication; without it the recorded event logs
    (``hit`` events) are counted and divided by the number of recorded replications.
    """
    assets = data.summary["assets"]
    names = [str(a["name"]) for a in assets]
    if all(a.get("hits_mean") is not None for a in assets):
        return names, np.array([float(a["hits_mean"]) for a in assets]), "all replications"
    ev = data.tables["events"]
    reps = data.recorded_reps
    counts = np.zeros(len(names))
    if reps:
        hit = ev["kind"] == "hit"
        for j, name in enumerate(names):
            counts[j] = np.count_nonzero(hit & (ev["asset"] == name)) / len(reps)
    return names, counts, f"{len(reps)} recorded replications"


def fig_leakers(data: RunData) -> Figure:
    """Leakers per asset (left) and per wave (right), mean per replication."""
    names, hits, source = leakers_per_asset(data)
    waves = data.summary.get("threats", {}).get("waves", [])
    fig = _figure(10, 0.9 + 0.42 * max(len(names), len(waves), 1))
    ax1, ax2 = fig.subplots(1, 2)
    y = np.arange(len(names))
    cols = [VIP_COLOUR if a["kind"] == "moving" else SITE_COLOUR
            for a in data.summary["assets"]]
    ax1.barh(y, hits[::-1], color=cols[::-1], alpha=0.7)
    ax1.set_yticks(y, names[::-1])
    ax1.set_xlabel(f"leakers reaching the asset (mean, {source})")
    ax1.set_title("Leakers per asset")
    wn = [str(w["name"]) for w in waves][::-1]
    yw = np.arange(len(wn))
    ax2.barh(yw + 0.2, [_num(w.get("leaked_mean")) for w in waves][::-1], color="tab:red",
             alpha=0.7, height=0.4, label="leaked")
    ax2.barh(yw - 0.2, [_num(w.get("killed_mean")) for w in waves][::-1], color="tab:green",
             alpha=0.7, height=0.4, label="killed")
    ax2.set_yticks(yw, wn)
    ax2.set_xlabel("drones per replication (mean)")
    ax2.set_title("Leakers and kills per wave")
    ax2.legend(fontsize=7)
    for ax in (ax1, ax2):
        ax.grid(axis="x", alpha=0.3)
    return fig


# --------------------------------------------------------------------------- expenditure, cost


def _matrix(table: dict[str, np.ndarray], key: str, value: str,
            names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Pivot a long ``(t_s, key, value)`` table into times ``(B,)`` and values ``(len(names), B)``."""
    t = np.unique(table["t_s"].astype(float))
    m = np.zeros((len(names), len(t)))
    if len(t):
        col = np.searchsorted(t, table["t_s"].astype(float))
        for j, name in enumerate(names):
            sel = table[key] == name
            np.add.at(m[j], col[sel], table[value][sel].astype(float))
    return t, m


def cost_per_shot(data: RunData) -> dict[str, float]:
    """USD per shot of each effector, from the summary's mean cost and mean shots."""
    out = {}
    for e in data.summary.get("effectors", []):
        shots, cost = _num(e.get("shots_mean")), _num(e.get("cost_mean"))
        out[str(e["name"])] = cost / shots if shots > 0 and math.isfinite(cost) else 0.0
    return out


def threat_cost_per_wave(data: RunData) -> dict[str, float]:
    """USD per drone of each wave (raids by name; any other wave is the leak surge)."""
    from skyshield.scenario import default_catalogue

    threats = default_catalogue().threats

    def cost(threat: str) -> float:
        t = threats.get(threat)
        return float(t.params.get("cost_usd", 0.0)) if t is not None else 0.0

    out = {str(r["name"]): cost(r["threat"]) for r in data.layout.get("raids", [])}
    leak = data.layout.get("leak")
    if leak:
        for w in data.summary.get("threats", {}).get("waves", []):
            out.setdefault(str(w["name"]), cost(leak["threat"]))
    return out


def fig_expenditure(data: RunData) -> Figure | None:
    """Shots per minute by effector (stacked) and cumulative defence and attack spend."""
    et = data.tables["effector_timeline"]
    names = [str(e["name"]) for e in data.summary.get("effectors", [])]
    if len(et["t_s"]) == 0 or not names:
        return None
    t, shots = _matrix(et, "effector", "shots_mean", names)
    bin_s = float(np.diff(t).min()) if len(t) > 1 else 60.0
    keep = shots.sum(axis=1) > 0
    fig = _figure(10, 6.2)
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    tm = t / 60.0
    if keep.any():
        from matplotlib import colormaps

        ax1.stackplot(tm + bin_s / 120.0, shots[keep] * 60.0 / bin_s,
                      labels=[n for n, k in zip(names, keep, strict=True) if k], alpha=0.8,
                      step="mid", colors=[colormaps["tab20"](i % 20) for i in range(keep.sum())])
        ax1.legend(fontsize=7, ncol=2, loc="upper left")  # (before the transit shading)
    ax1.set_ylabel("shots per minute (mean)")
    ax1.set_title("Interceptor expenditure over time")
    cps = cost_per_shot(data)
    spend = (shots * np.array([cps[n] for n in names])[:, None]).sum(axis=0)
    ax2.plot(tm + bin_s / 60.0, np.cumsum(spend), color="tab:blue", lw=2,
             label="defence (interceptors, rounds)")
    tl = data.tables["timeline"]
    waves = [str(w["name"]) for w in data.summary.get("threats", {}).get("waves", [])]
    if len(tl["t_s"]) and waves:
        tw, launched = _matrix(tl, "wave", "launched_mean", waves)
        wc = threat_cost_per_wave(data)
        att = (launched * np.array([wc.get(w, 0.0) for w in waves])[:, None]).sum(axis=0)
        ax2.plot(tw / 60.0 + bin_s / 60.0, np.cumsum(att), color="tab:red", lw=2,
                 label="attack (drones launched)")
    from skyshield.results.plots import money, shade_transit

    for ax in (ax1, ax2):
        shade_transit(ax, data.layout)
        ax.grid(alpha=0.3)
    ax2.set_xlabel("time (min)")
    ax2.set_ylabel("cumulative spend (USD, mean)")
    money(ax2)
    ax2.legend(fontsize=8, loc="upper left")
    return fig


def fig_cost_exchange(data: RunData) -> Figure:
    """Defence cost per kill per effector against the attacker's cost per drone."""
    c = data.summary.get("cost", {})
    th = data.summary.get("threats", {})
    # an effector without a per-shot cost (a jammer) has no place on the log axis
    effs = [e for e in data.summary.get("effectors", [])
            if e.get("cost_per_kill") is not None and float(e["cost_per_kill"]) > 0]
    fig = _figure(10, 1.2 + 0.42 * max(1, len(effs)))
    ax1, ax2 = fig.subplots(1, 2, width_ratios=[1, 2])
    d, a = _num(c.get("defence_mean")), _num(c.get("attack_mean"))
    ci = c.get("defence_ci95") or [None, None]
    err = ([[d - _num(ci[0])], [_num(ci[1]) - d]]
           if ci[0] is not None and ci[1] is not None else None)
    ax1.bar([0], [d], color="tab:blue", alpha=0.7, yerr=err, capsize=4)
    ax1.bar([1], [a], color="tab:red", alpha=0.7)
    ax1.set_xticks([0, 1], ["defence", "attack"])
    ax1.set_ylabel("USD per replication (mean)")
    from skyshield.results.plots import money

    money(ax1)
    cer = c.get("exchange_ratio")
    ax1.set_title("Spend" + (f" — exchange ratio {cer:.3g}" if cer is not None else ""))
    launched = _num(th.get("launched_mean"))
    y = np.arange(len(effs))
    ax2.barh(y, [float(e["cost_per_kill"]) for e in effs][::-1], color="tab:blue", alpha=0.7)
    ax2.set_yticks(y, [str(e["name"]) for e in effs][::-1])
    if launched > 0 and math.isfinite(a):
        ax2.axvline(a / launched, color="tab:red", lw=2, ls="--",
                    label=f"attacker cost per drone ({a / launched:,.0f} USD)")
        ax2.legend(fontsize=7, loc="lower right")
    if effs:
        ax2.set_xscale("log")
        money(ax2, "x")
    ax2.set_xlabel("defence cost per kill (USD, log scale)")
    ax2.set_title("Cost exchange per effector")
    ax2.grid(axis="x", alpha=0.3)
    return fig


def fig_faults(data: RunData) -> Figure | None:
    """The single-failure (N−1) ranking and the sensitivity of ``skyshield faults --out``
    into this folder, by the fault analysis' own drawer."""
    if data.faults is None:
        return None
    from skyshield.analysis.plots import draw_tornado, tornado_size

    fig = _figure(*tornado_size(data.faults))
    ax, bx = fig.subplots(1, 2)
    draw_tornado(ax, bx, data.faults)
    return fig


def fig_map(data: RunData) -> Figure:
    """The scenario map (sites, VIP route, sensor and effector coverage) by the project's one
    map renderer, :func:`skyshield.results.plots.draw_map`."""
    from skyshield.results.plots import draw_map

    a = data.layout["area"]
    aspect = (a["north_m"] - a["south_m"]) / max(a["east_m"] - a["west_m"], 1.0)
    fig = _figure(12, max(3.0, min(10.0, 9.0 * aspect + 1.0)))
    ax = fig.subplots()
    draw_map(ax, data.layout)  # with its legend of every symbol and ring, right of the map
    ax.set_title("Laydown: sites, VIP route, sensor and effector coverage")
    return fig


def fig_frontier(data: RunData) -> Figure | None:
    """The escort/area frontier of ``skyshield frontier --out`` into this folder."""
    if data.frontier is None:
        return None
    from skyshield.analysis.plots import draw_frontier

    fig = _figure(10, 6.2)
    try:
        draw_frontier(fig.subplots(), data.frontier)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise InputError(f"a malformed frontier ({exc!r})",
                         file=str(data.folder / "frontier.json")) from None
    return fig


def fig_value_of_information(data: RunData) -> Figure | None:
    """The paired differences of ``value_of_information.json`` against its first setting
    (C2 on the truth): one panel per moving asset (Δ P(lost), percentage points) and one for
    the value lost at the fixed sites, each setting a marker with its 95 % interval."""
    if data.voi is None:
        return None
    voi = data.voi
    base, rest = voi["settings"][0], voi["settings"][1:]
    panels: list[tuple[str, list[tuple[Any, list[Any]]], float]] = []
    for a, asset in enumerate(base["assets"]):
        panels.append((f"Δ P({asset['name']} lost), percentage points",
                       [(s["assets"][a]["d_p_loss"], s["assets"][a]["d_p_loss_ci95"])
                        for s in rest], 100.0))
    panels.append(("Δ value lost at the fixed sites (value units per replication)",
                   [(s["d_site_value"], s["d_site_value_ci95"]) for s in rest], 1.0))
    fig = _figure(7.5, 1.2 + 1.1 * len(panels))
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    colours = ("#e65100", "#2e7d32", "#6a1b9a", "#00838f")
    y = np.arange(len(rest))[::-1].astype(float)
    try:
        for ax, (xlabel, vals, scale) in zip(axes, panels, strict=True):
            for k, (s, (d, ci)) in enumerate(zip(rest, vals, strict=True)):
                m = scale * _num(d)
                lo, hi = scale * _num(ci[0]), scale * _num(ci[1])
                ax.errorbar([m], [y[k]], xerr=[[max(m - lo, 0.0)], [max(hi - m, 0.0)]],
                            fmt="o", color=colours[k % len(colours)], capsize=4,
                            label=f"{s['label']} (95 % paired interval)")
            ax.axvline(0.0, color="black", lw=0.8)
            ax.set_yticks([])
            ax.set_ylim(-0.6, len(rest) - 0.4)
            ax.set_xlabel(xlabel)
            ax.grid(axis="x", alpha=0.3)
    except (KeyError, TypeError, IndexError) as exc:
        raise InputError(f"a malformed value of information ({exc!r})",
                         file=str(data.folder / "value_of_information.json")) from None
    axes[0].legend(fontsize=7, loc="best")
    axes[0].set_title(f"Paired differences from C2 on the {base['label']}: "
                      f"{voi['replications']} replications each, seed {voi['seed']}",
                      fontsize=9)
    return fig


def fig_terrain_value(data: RunData) -> Figure | None:
    """``terrain_value.json``: each sensor's P(detect) on flat Earth and over the terrain
    (bars with their 95 % intervals), then the paired differences from flat Earth (95 %
    intervals): of every sensor's P(detect) and every moving asset's P(lost) in percentage
    points, of the value lost at the fixed sites and of the rounds fired per replication."""
    if data.terrain_value is None:
        return None
    tv = data.terrain_value
    settings = tv["settings"]
    base, rest = settings[0], settings[1:]
    colours = ("#607d8b", "#6d4c41", "#2e7d32", "#6a1b9a")
    try:
        sensors = [str(s["name"]) for s in base["sensors"]]
        assets = [str(a["name"]) for a in base["assets"]]
        n_pp = len(sensors) + len(assets)
        fig = _figure(8.5, 2.8 + 0.32 * len(sensors) * len(settings) + 0.3 * n_pp + 1.6)
        axd = fig.subplot_mosaic(
            [["det", "det"], ["pp", "pp"], ["value", "rounds"]],
            height_ratios=[max(1.0, 0.32 * len(sensors) * len(settings)),
                           max(1.0, 0.3 * n_pp), 1.0])
        # P(detect): one bar per sensor and setting, with its interval
        ax = axd["det"]
        h = 0.8 / len(settings)
        yc = np.arange(len(sensors))[::-1].astype(float)
        for k, st in enumerate(settings):
            p = np.array([100 * _num(x["p_detect"]) for x in st["sensors"]])
            lo = np.array([100 * _num(x["p_detect_ci95"][0]) for x in st["sensors"]])
            hi = np.array([100 * _num(x["p_detect_ci95"][1]) for x in st["sensors"]])
            y = yc + (len(settings) - 1) / 2 * h - k * h
            ax.barh(y, p, height=h * 0.9, color=colours[k % len(colours)],
                    xerr=[np.maximum(p - lo, 0.0), np.maximum(hi - p, 0.0)], capsize=3,
                    label=f"{st['label']} (95 % interval)")
        ax.set_yticks(yc, sensors)
        ax.set_xlim(0, 100)
        ax.set_xlabel("P(detect): drones the sensor held a track on ÷ drones launched (%)")
        ax.grid(axis="x", alpha=0.3)
        ax.set_title(f"What terrain does, against flat Earth: {tv['replications']} paired "
                     f"replications each, seed {tv['seed']}", fontsize=9)
        # paired Δ in percentage points: detection per sensor, loss per moving asset
        ax = axd["pp"]
        labels = [f"P(detect) {n}" for n in sensors] + [f"P({n} lost)" for n in assets]
        y = np.arange(n_pp)[::-1].astype(float)
        for k, st in enumerate(rest):
            vals = [(x["d_p_detect"], x["d_p_detect_ci95"]) for x in st["sensors"]]
            vals += [(a["d_p_loss"], a["d_p_loss_ci95"]) for a in st["assets"]]
            m = np.array([100 * _num(d) for d, _ci in vals])
            lo = np.array([100 * _num(ci[0]) for _d, ci in vals])
            hi = np.array([100 * _num(ci[1]) for _d, ci in vals])
            ax.errorbar(m, y, xerr=[np.maximum(m - lo, 0.0), np.maximum(hi - m, 0.0)],
                        fmt="o", color=colours[(k + 1) % len(colours)], capsize=4,
                        label=f"{st['label']} − {base['label']} (95 % paired interval)")
        ax.axvline(0.0, color="black", lw=0.8)
        ax.set_yticks(y, labels)
        ax.set_xlabel("paired Δ, percentage points")
        ax.grid(axis="x", alpha=0.3)
        # paired Δ of the value lost at the sites and of the rounds fired
        for key, name, unit in (("value", "site_value", "value lost at the sites\n"
                                                         "(value units per replication)"),
                                ("rounds", "rounds", "rounds fired\n(rounds per replication)")):
            ax = axd[key]
            for k, st in enumerate(rest):
                d = _num(st[f"d_{name}"])
                d_lo, d_hi = _num(st[f"d_{name}_ci95"][0]), _num(st[f"d_{name}_ci95"][1])
                ax.errorbar([d], [float(k)],
                            xerr=[[max(d - d_lo, 0.0)], [max(d_hi - d, 0.0)]],
                            fmt="o", color=colours[(k + 1) % len(colours)], capsize=4)
            ax.axvline(0.0, color="black", lw=0.8)
            ax.set_yticks([])
            ax.set_ylim(-0.6, len(rest) - 0.4)
            ax.set_xlabel(f"paired Δ {unit}", fontsize=8)
            ax.grid(axis="x", alpha=0.3)
        # one legend for every panel, under them
        handles, labels_ = axd["det"].get_legend_handles_labels()
        more = axd["pp"].get_legend_handles_labels()
        fig.legend(handles + more[0], labels_ + more[1], loc="outside lower center",
                   ncols=2, fontsize=7)
    except (KeyError, TypeError, IndexError, ValueError) as exc:
        raise InputError(f"a malformed terrain value ({exc!r})",
                         file=str(data.folder / "terrain_value.json")) from None
    return fig


#: (file stem, title, renderer) in page order.
FIGURES: tuple[tuple[str, str, Callable[[RunData], Figure | None]], ...] = (
    ("raid_sweep", "Loss probability against raid size", fig_raid_sweep),
    ("frontier", "The escort/area split: designs of doctrine (skyshield frontier)",
     fig_frontier),
    ("faults", "Single failures (N−1) and sensitivity (skyshield faults)", fig_faults),
    ("value_of_information", "What C2 knows: paired differences from C2 on the truth",
     fig_value_of_information),
    ("terrain_value", "What terrain does: detection and losses against flat Earth",
     fig_terrain_value),
    ("loss_probability", "Loss probability per asset", fig_loss),
    ("loss_causes", "Losses by cause", fig_loss_causes),
    ("wave_effectors", "Rounds and kills by wave × effector", fig_wave_effectors),
    ("leakers", "Leakers per asset and per wave", fig_leakers),
    ("expenditure", "Interceptor expenditure over time", fig_expenditure),
    ("cost_exchange", "Cost exchange", fig_cost_exchange),
    ("map", "Map of the scenario", fig_map),
)


#: What each figure shows and how to read it, in a sentence or two (the page's captions).
CAPTIONS: dict[str, str] = {
    "raid_sweep": "How the VIP's loss probability (band: 95 % interval) and every other "
                  "asset's grow as every raid is scaled from a quarter to twice its size: "
                  "where the curve turns up is where the defence breaks.",
    "frontier": "Each doctrine design's P(VIP lost) against the value lost at the sites; the "
                "designs on the frontier are those no other design beats on both.",
    "faults": "Left: how much each parameter moves the objective between its low and high "
              "setting. Right: each single failure's change, paired; red bars are single "
              "points of failure.",
    "value_of_information": "What C2's knowledge is worth: each setting's paired change "
                            "from C2 on the truth; a bar whose interval clears zero is a "
                            "real difference.",
    "terrain_value": "What terrain masking does: top, each sensor's share of the drones "
                     "launched that it ever tracked, on flat Earth and over the terrain; "
                     "below, the paired changes from flat Earth (detection and the moving "
                     "assets' loss in percentage points, the value lost at the sites, the "
                     "rounds fired); an interval that clears zero is a real difference.",
    "loss_probability": "The chance that each asset is lost in this raid, with its 95 % "
                        "interval: the headline numbers of the summary.",
    "loss_causes": "What caused each asset's loss: the wave that struck the fatal hit, or "
                   "friendly fire; the bar's length is the loss probability.",
    "wave_effectors": "Which effector fired at which wave (rounds, then kills, per "
                      "replication): where the rounds went and what they bought.",
    "leakers": "Drones that got through: per asset they reached, and per wave against the "
               "kills.",
    "expenditure": "When the rounds were fired (shots per minute, stacked by effector) and "
                   "what the defence and the attack spent over time; shading: the VIP in "
                   "flight.",
    "cost_exchange": "Defence spend against attack spend, and each effector's cost per kill "
                     "against the attacker's cost per drone (dashed): bars left of the "
                     "line are cheaper than what they kill.",
    "map": "The laydown the simulation used: sites, the VIP's flight plan, every sensor and "
           "effector with its coverage, the raids' launch areas; every unit named. Over "
           "terrain, the ground is shaded by height, and the filled areas are where each "
           "fixed radar and EO/IR sees over the hills at the altitude the legend states.",
}


def render_figures(data: RunData, vectors: dict[str, bytes] | None = None
                   ) -> dict[str, bytes]:
    """PNG bytes of every figure the folder supports, keyed by file stem, in page order
    (drawn as plain text: :func:`skyshield.results.plots.plain_text`); with ``vectors``,
    each figure's SVG and PDF go into it too, keyed ``<stem>.svg`` / ``<stem>.pdf``."""
    from skyshield.results.plots import plain_text

    out = {}
    with plain_text():
        for stem, _title, make in FIGURES:
            fig = make(data)
            if fig is not None:
                out[stem] = png_bytes(fig)
                if vectors is not None:
                    for fmt, blob in vector_bytes(fig).items():
                        vectors[f"{stem}.{fmt}"] = blob
    return out
