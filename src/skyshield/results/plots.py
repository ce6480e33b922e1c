"""Plots of a run (matplotlib, Agg backend, PNG): loss probability per asset with intervals,
losses by cause, kills and leakers per wave over time, effector expenditure, rounds and kills
by wave × effector, and the scenario map.

``draw_map``, ``draw_loss_causes`` and ``draw_wave_effectors`` are the project's one renderer
of each: the report (and, for the map, the planner) use them too. ``plain_text`` is the one
rule for text in figures (math parsing off: names are plain text), which every figure of the
project is drawn under.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from skyshield.contract import BIN_S

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from skyshield.results.core import Results

SENSOR_COLOURS = {0: "tab:blue", 1: "tab:cyan", 2: "tab:purple"}
EFFECTOR_COLOURS = {0: "tab:red", 1: "tab:orange", 2: "tab:green", 3: "tab:brown"}
#: Colour of the friendly-fire cause (waves take ``tab10`` by wave index).
FRIENDLY_FIRE_COLOUR = "0.25"
#: matplotlib settings under which names are drawn as plain text (no LaTeX).
PLAIN_TEXT: dict[Any, Any] = {"text.usetex": False, "text.parse_math": False}


def _cause_colour(cause: dict[str, Any]) -> Any:
    from matplotlib import colormaps

    w = cause.get("wave")
    return FRIENDLY_FIRE_COLOUR if w is None else colormaps["tab10"](int(w) % 10)


def draw_loss_causes(ax: Axes, summary: dict[str, Any]) -> None:
    """Loss probability per asset as horizontal bars stacked by cause (the wave of the fatal
    hit, or friendly fire), with the 95 % Wilson interval of the total."""
    assets = summary["assets"]
    names = [str(a["name"]) for a in assets][::-1]
    y = np.arange(len(assets))
    causes: dict[str, dict[str, Any]] = {}
    for a in assets:
        for c in a.get("causes", []):
            causes.setdefault(c["cause"], c)
    left = np.zeros(len(assets))
    # waves in wave order, friendly fire last
    order = sorted(causes.items(), key=lambda kv: (kv[1].get("wave") is None,
                                                   kv[1].get("wave") or 0))
    for cname, c in order:
        width = np.array([next((float(x["p"]) for x in a.get("causes", [])
                                if x["cause"] == cname), 0.0) for a in assets][::-1])
        ax.barh(y, width, left=left, color=_cause_colour(c), alpha=0.85, label=str(cname))
        left += width
    p = np.array([float(a["p_loss"]) for a in assets][::-1])
    lo = np.array([float(a["p_loss_ci95"][0]) for a in assets][::-1])
    hi = np.array([float(a["p_loss_ci95"][1]) for a in assets][::-1])
    ax.errorbar(p, y, xerr=[np.maximum(p - lo, 0), np.maximum(hi - p, 0)], fmt="none",
                ecolor="black", capsize=3, lw=1)
    ax.set_yticks(y, names)
    ax.set_xlim(0, max(0.05, float(hi.max(initial=0.0)) * 1.15))
    ax.set_xlabel("loss probability per replication, stacked by cause (bar: 95 % Wilson "
                  "interval of the total)")
    ax.grid(axis="x", alpha=0.3)
    if causes:
        ax.legend(title="cause of the loss", fontsize=7, title_fontsize=8, loc="upper left",
                  bbox_to_anchor=(1.01, 1.0))
    else:
        ax.text(0.5, 0.5, "no asset was lost", transform=ax.transAxes, ha="center")


def draw_wave_effectors(ax: Axes, summary: dict[str, Any]) -> None:
    """Rounds (colour and first number) and kills (second number) by wave × effector, mean
    per replication; each wave's label carries the defence cost of its rounds."""
    waves = summary["threats"]["waves"]
    entries = summary.get("wave_effectors", [])
    effs = [e["name"] for e in summary["effectors"]
            if any(x["effector"] == e["name"] for x in entries)]
    shots = np.zeros((len(waves), len(effs)))
    kills = np.zeros_like(shots)
    wi = {w["name"]: i for i, w in enumerate(waves)}
    ei = {n: j for j, n in enumerate(effs)}
    for x in entries:
        shots[wi[x["wave"]], ei[x["effector"]]] = x["shots_mean"]
        kills[wi[x["wave"]], ei[x["effector"]]] = x["kills_mean"]
    if not effs:
        ax.text(0.5, 0.5, "no rounds fired, no kills", transform=ax.transAxes, ha="center")
        ax.set_axis_off()
        return
    im = ax.imshow(shots, cmap="Oranges", aspect="auto", vmin=0.0)
    top = float(shots.max())
    for i in range(len(waves)):
        for j in range(len(effs)):
            if shots[i, j] > 0 or kills[i, j] > 0:
                ax.text(j, i, f"{shots[i, j]:.1f}\n{kills[i, j]:.1f}", ha="center",
                        va="center", fontsize=6,
                        color="white" if top > 0 and shots[i, j] > 0.6 * top else "black")
    ax.set_xticks(np.arange(len(effs)), [str(n) for n in effs], rotation=40, ha="right",
                  fontsize=7)
    ax.set_yticks(np.arange(len(waves)),
                  [f"{w['name']} ({float(w.get('defence_cost_mean') or 0.0):,.0f} USD)"
                   for w in waves], fontsize=7)
    ax.figure.colorbar(im, ax=ax, label="rounds per replication (mean)")
    ax.set_title("Rounds (top) and kills (bottom) by wave × effector, mean per replication; "
                 "the wave's rounds cost in brackets", fontsize=9)


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


@contextlib.contextmanager
def plain_text() -> Iterator[None]:
    """Draw (and save) figures inside this block: their text is plain text.

    Names are data in figures too: a scenario, asset or wave named ``$\\frac{`` must not be
    read as mathtext (matplotlib raises ``ParseSyntaxException`` when it draws it), so math
    parsing is off for every text created or drawn in the block. A control character has no
    glyph (it is drawn as a box); matplotlib's warning about the missing glyph is silenced.
    """
    import warnings

    import matplotlib

    with matplotlib.rc_context(PLAIN_TEXT), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from",
                                category=UserWarning)
        yield


def shade_transit(ax: Axes, lay: dict[str, Any], *, per: float = 60.0) -> None:
    """Shade each moving asset's flight (``transit_s`` of the layout) on a time axis in units
    of ``per`` seconds (minutes by default), named in the legend."""
    for m in lay.get("moving", []):
        t = m.get("transit_s")
        if t:
            ax.axvspan(t[0] / per, t[1] / per, color="magenta", alpha=0.08, lw=0,
                       label=f"{m['name']} in flight")


def money(ax: Axes, axis: str = "y") -> None:
    """Tick labels of a USD axis in k / M (``12 M`` rather than ``1.2e7``)."""
    from matplotlib.ticker import FuncFormatter

    def fmt(v: float, _pos: object) -> str:
        a = abs(v)
        if a >= 1e6:
            return f"{v / 1e6:,.3g} M"
        if a >= 1e3:
            return f"{v / 1e3:,.3g} k"
        return f"{v:,.3g}"

    from matplotlib.ticker import NullFormatter

    which = ax.yaxis if axis == "y" else ax.xaxis
    which.set_major_formatter(FuncFormatter(fmt))
    if which.get_scale() == "log":
        which.set_minor_formatter(NullFormatter())


#: How much of the ground's colour the map keeps (the rest is white), so that what is drawn
#: over it stays legible.
GROUND_MUTE = 0.55


def _ground_colours() -> Any:
    """Colours of the ground's elevation: low green to high brown and white (the sea-blue
    low end of matplotlib's ``terrain`` left out: land is not water)."""
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap

    return ListedColormap(colormaps["terrain"](np.linspace(0.25, 0.95, 256)),
                          name="skyshield_ground")


def draw_terrain(ax: Axes, ter: dict[str, Any]) -> None:
    """Shade the ground of a layout's ``terrain`` block under everything else (a hillshade
    of the elevation, lit from the north-west, coloured by height), with a colour bar of the
    elevation in metres below the map."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import LightSource, ListedColormap, Normalize

    from skyshield.scenario.terrain_map import lattice_array, lattice_nodes

    lat = ter["elevation"]
    z = lattice_array(lat)
    xs, ys = lattice_nodes(lat)
    c = float(lat["cell_m"])
    cmap = _ground_colours()
    norm = Normalize(vmin=float(z.min()), vmax=max(float(z.max()), float(z.min()) + 1.0))
    # the hillshade reads row 0 as the top (north): the lattice's row 0 is south
    rgb = LightSource(azdeg=315, altdeg=45).shade(z[::-1], cmap=cmap, norm=norm,
                                                  blend_mode="soft", dx=c, dy=c)[..., :3]
    rgb = 1.0 - GROUND_MUTE * (1.0 - rgb)  # paled towards white: the map is drawn over it
    k = 1e-3
    ax.imshow(rgb, origin="upper", interpolation="nearest", zorder=0, gid="terrain-shading",
              extent=((xs[0] - c / 2) * k, (xs[-1] + c / 2) * k, (ys[0] - c / 2) * k,
                      (ys[-1] + c / 2) * k))
    pale = ListedColormap(1.0 - GROUND_MUTE * (1.0 - cmap(np.linspace(0.0, 1.0, 256))[:, :3]))
    ax.figure.colorbar(ScalarMappable(norm=norm, cmap=pale), ax=ax, location="bottom",
                       shrink=0.4, fraction=0.04, pad=0.09, label="ground elevation (m)")


def _draw_masked_coverage(ax: Axes, s_: dict[str, Any], colour: str) -> bool:
    """Fill (and outline) the part of a fixed sensor's range that sees the layout's coverage
    altitude over the terrain; ``False`` when none does."""
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Circle

    from skyshield.scenario.terrain_map import lattice_array, lattice_nodes

    lat = s_["masked_coverage"]
    mask = lattice_array(lat)
    if not mask.any() or min(mask.shape) < 2:
        return False
    xs, ys = lattice_nodes(lat)
    k = 1e-3
    cs = ax.contourf(xs * k, ys * k, mask.astype(np.float64), levels=[0.5, 1.5],
                     colors=[to_rgba(colour, 0.3)], zorder=0.5)
    cs.set_edgecolor(to_rgba(colour, 0.85))
    cs.set_linewidth(0.7)
    cs.set_gid(f"masked-coverage:{s_['name']}")
    # between the nodes the outline is the contour's: keep it within the range ring
    x, y = s_["position"][0] * k, s_["position"][1] * k
    cs.set_clip_path(Circle((x, y), s_["range_m"] * k, transform=ax.transData))
    return True


def draw_map(ax: Axes, lay: dict[str, Any], *, coverage: bool = True,
             legend: bool = True) -> None:
    """Draw sites, flight plans, sensor and effector coverage, launch areas and zones (km),
    every unit named, and a legend of every symbol and ring (outside the axes, right).

    Under terrain (a layout with ``terrain``) the ground is shaded under everything else,
    with an elevation colour bar below the map (:func:`draw_terrain`), and each fixed radar's
    and EO/IR's coverage at the layout's coverage altitude, masked by the terrain, is filled
    in the sensor's colour inside its range ring, the altitude stated in the legend."""
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, Patch

    from skyshield.contract import EFFECTOR_CODES, SENSOR_CODES

    k = 1e-3
    a = lay["area"]
    ax.set_xlim(a["west_m"] * k, a["east_m"] * k)
    ax.set_ylim(a["south_m"] * k, a["north_m"] * k)
    ax.set_aspect("equal")
    ax.set_xlabel("east (km)")
    ax.set_ylabel("north (km)")
    handles: list[Any] = []
    ter = lay.get("terrain")
    if ter:
        draw_terrain(ax, ter)
    small: dict[str, Any] = {"fontsize": 5.5, "xytext": (3, -7), "textcoords": "offset points",
                             "color": "0.25"}
    if lay.get("weapons_free_zones"):
        handles.append(Patch(fc="gold", ec="goldenrod", alpha=0.3, label="weapons-free zone"))
    for z in lay.get("weapons_free_zones", []):
        ax.add_patch(Circle((z["center"][0] * k, z["center"][1] * k), z["radius_m"] * k,
                            fc="gold", ec="goldenrod", alpha=0.2, lw=1))
    if lay.get("raids"):
        handles.append(Patch(fc="0.9", ec="black", ls="--", lw=0.5,
                             label="raid launch area (named)"))
    for r in lay.get("raids", []):
        c = r["launch_area"]
        ax.add_patch(Circle((c["center"][0] * k, c["center"][1] * k), c["radius_m"] * k,
                            fc="black", ec="black", alpha=0.08, lw=0.5, ls="--"))
        ax.annotate(r["name"], (c["center"][0] * k, c["center"][1] * k), fontsize=6,
                    ha="center", color="0.3")
    if lay.get("leak"):
        c = lay["leak"]["launch_area"]
        ax.add_patch(Circle((c["center"][0] * k, c["center"][1] * k), c["radius_m"] * k,
                            fc="none", ec="crimson", lw=1, ls=":"))
        handles.append(Line2D([], [], color="crimson", ls=":", lw=1,
                              label="leak surge area (if the plan leaks)"))
    if coverage:
        kinds_s = {v: n for n, v in SENSOR_CODES.items()}
        kinds_e = {v: n for n, v in EFFECTOR_CODES.items()}
        seen_s: set[int] = set()
        seen_e: set[int] = set()
        masked: set[int] = set()
        for s_ in lay.get("sensors", []):
            if s_["position"] is None:
                continue
            col = SENSOR_COLOURS.get(s_["kind"], "tab:blue")
            x, y = s_["position"][0] * k, s_["position"][1] * k
            ax.add_patch(Circle((x, y), s_["range_m"] * k, fc="none", ec=col, lw=0.8,
                                alpha=0.6))
            ax.plot(x, y, "^", color=col, ms=5)
            ax.annotate(s_["name"], (x, y), **small)
            if s_["kind"] not in seen_s:
                seen_s.add(s_["kind"])
                handles.append(Line2D([], [], marker="^", color=col, lw=0.8, ms=5,
                                      label=f"sensor: {kinds_s.get(s_['kind'], '?')} "
                                            "(ring: range)"))
            if ter and s_.get("masked_coverage") and _draw_masked_coverage(ax, s_, col) \
                    and s_["kind"] not in masked:
                masked.add(s_["kind"])
                handles.append(Patch(fc=to_rgba(col, 0.3), ec=to_rgba(col, 0.85), lw=0.7,
                                     label=f"{kinds_s.get(s_['kind'], '?')}: coverage at "
                                           f"{float(ter['coverage_altitude_m']):g} m above "
                                           "ground, masked by terrain"))
        for e in lay.get("effectors", []):
            if e["position"] is None:
                continue
            col = EFFECTOR_COLOURS.get(e["kind"], "tab:red")
            x, y = e["position"][0] * k, e["position"][1] * k
            ax.add_patch(Circle((x, y), e["range_m"] * k, fc=col, ec=col, alpha=0.08,
                                lw=0.8))
            ax.plot(x, y, "s", color=col, ms=4)
            ax.annotate(e["name"], (x, y), **small)
            if e["kind"] not in seen_e:
                seen_e.add(e["kind"])
                kind = kinds_e.get(e["kind"], "?").replace("_", " ")
                handles.append(Line2D([], [], marker="s", color=col, lw=0, ms=4,
                                      label=f"effector: {kind} (disc: range)"))
    if lay.get("fixed"):
        handles.append(Line2D([], [], marker="o", color="navy", lw=0, ms=6,
                              label="protected site (named)"))
    for f in lay.get("fixed", []):
        ax.plot(f["position"][0] * k, f["position"][1] * k, "o", color="navy", ms=6)
        ax.annotate(f["name"], (f["position"][0] * k, f["position"][1] * k), fontsize=7,
                    xytext=(4, 4), textcoords="offset points")
    for m in lay.get("moving", []):
        wp = np.asarray(m["waypoints"], dtype=float) * k
        ax.plot(wp[:, 0], wp[:, 1], "-", color="magenta", lw=2)
        ax.plot(wp[0, 0], wp[0, 1], ">", color="magenta")
        ax.plot(wp[-1, 0], wp[-1, 1], "*", color="magenta", ms=9)
        handles.append(Line2D([], [], color="magenta", lw=2,
                              label=f"{m['name']}: flight plan (▶ start, ★ end)"))
    if legend and handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=6.5,
                  frameon=False, borderaxespad=0.0)


def write_plots(res: Results, folder: Path) -> list[Path]:
    """Write the run's figures as PNG into ``folder``; return their paths."""
    with plain_text():
        return _write_plots(res, folder)


def _write_plots(res: Results, folder: Path) -> list[Path]:
    from skyshield.scenario.layout import layout

    plt = _pyplot()
    paths = []
    s = res.summary
    lay = layout(res.scenario)

    # loss probability per asset with Wilson intervals
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(s["assets"])))
    names = [a["name"] for a in s["assets"]][::-1]
    p = np.array([a["p_loss"] for a in s["assets"]][::-1], dtype=float)
    lo = np.array([a["p_loss_ci95"][0] for a in s["assets"]][::-1], dtype=float)
    hi = np.array([a["p_loss_ci95"][1] for a in s["assets"]][::-1], dtype=float)
    cols = ["magenta" if a["kind"] == "moving" else "navy" for a in s["assets"]][::-1]
    ax.barh(names, p, color=cols, alpha=0.6)
    ax.errorbar(p, names, xerr=[p - lo, hi - p], fmt="none", ecolor="black", capsize=3)
    ax.set_xlabel("loss probability (95 % Wilson interval)")
    ax.set_xlim(0, max(0.05, float(hi.max()) * 1.15))
    ax.set_title(f"{res.scenario_name}: {res.replications} replications, seed {res.seed}")
    fig.tight_layout()
    paths.append(folder / "loss_probability.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    # kills and leakers per wave over time
    o = res.outcome
    B = o["wave_launched_t"].shape[2]
    t = (np.arange(B) + 0.5) * BIN_S / 60.0
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharex=True)
    for w, name in enumerate(res.wave_names):
        axes[0].plot(t, o["wave_killed_t"][:, w, :].mean(axis=0), label=name)
        axes[1].plot(t, o["wave_leaked_t"][:, w, :].mean(axis=0), label=name)
    axes[0].set_title("kills per minute (mean)")
    axes[1].set_title("leakers per minute (mean)")
    for ax in axes:
        shade_transit(ax, lay)
        ax.set_xlabel("time (min)")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    paths.append(folder / "timeline.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    # losses by cause, rounds and kills by wave × effector
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.45 * len(s["assets"])))
    draw_loss_causes(ax, s)
    ax.set_title(f"{res.scenario_name}: losses by cause")
    fig.tight_layout()
    paths.append(folder / "loss_causes.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    n_eff = len({x["effector"] for x in s["wave_effectors"]})
    fig, ax = plt.subplots(figsize=(max(6.0, 2.5 + 0.8 * n_eff),
                                    1.8 + 0.45 * len(s["threats"]["waves"])))
    draw_wave_effectors(ax, s)
    fig.tight_layout()
    paths.append(folder / "wave_effectors.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    # effector expenditure and kills
    fig, ax = plt.subplots(figsize=(8, 0.6 + 0.4 * max(1, len(s["effectors"]))))
    en = [e["name"] for e in s["effectors"]][::-1]
    ax.barh(en, [e["shots_mean"] for e in s["effectors"]][::-1], color="tab:orange",
            alpha=0.6, label="shots")
    ax.barh(en, [e["kills_mean"] for e in s["effectors"]][::-1], color="tab:green",
            alpha=0.8, label="kills", height=0.4)
    ax.set_xlabel("per replication (mean)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    paths.append(folder / "effectors.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    # rounds held over time (finite stocks) and when each effector runs dry
    held = [(e, res.rounds_held_t(e)) for e in range(len(res.effector_names))]
    held = [(e, h) for e, h in held if h is not None]
    if held:
        fig, ax = plt.subplots(figsize=(12, 4.6))
        tb = (np.arange(B) + 1) * BIN_S / 60.0
        colours = plt.get_cmap("tab20").colors
        for k, (e, h) in enumerate(held):
            lg = res.logistics[e]
            start = float(lg.magazine + (lg.stock or 0))
            pct = 100.0 * np.concatenate([[start], h]) / max(start, 1.0)
            ent = s["effectors"][e]
            colour = colours[k % len(colours)]
            ax.step(np.concatenate([[0.0], tb]), pct, where="post", color=colour,
                    label=f"{res.effector_names[e]} ({start:g} rounds"
                          f"{', +' + str(ent['delivered']) if ent['delivered'] else ''})")
            dry = ent["dry_time_median_s"]
            if dry is not None:
                ax.plot([dry / 60.0], [0.0], marker="v", color=colour, ms=9, clip_on=False)
        shade_transit(ax, lay)
        ax.set_xlabel("time (min)")
        ax.set_ylabel("rounds held, % of the starting magazine + stock (mean)")
        ax.set_title(f"{res.scenario_name}: means over time "
                     "(▼ median time the effector runs dry)")
        ax.set_ylim(0, 105)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        fig.tight_layout()
        paths.append(folder / "means.png")
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)

    # map
    fig, ax = plt.subplots(figsize=(12.5, 6))
    draw_map(ax, lay)
    ax.set_title(f"{res.scenario_name}: laydown and flight plan")
    fig.tight_layout()
    paths.append(folder / "map.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths
