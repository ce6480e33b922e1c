"""Plots of a run (matplotlib, Agg backend, PNG): loss probability per asset with intervals,
kills and leakers per wave over time, effector expenditure, and the scenario map.

``draw_map`` is the one map renderer of the project: the planner and the report use it too;
``plain_text`` the one rule for text in figures, which every figure of the project is drawn
under.
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

    with matplotlib.rc_context({"text.parse_math": False}), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from",
                                category=UserWarning)
        yield


def draw_map(ax: Axes, lay: dict[str, Any], *, coverage: bool = True) -> None:
    """Draw sites, flight plans, sensor and effector coverage, launch areas and zones (km)."""
    from matplotlib.patches import Circle

    k = 1e-3
    a = lay["area"]
    ax.set_xlim(a["west_m"] * k, a["east_m"] * k)
    ax.set_ylim(a["south_m"] * k, a["north_m"] * k)
    ax.set_aspect("equal")
    ax.set_xlabel("east (km)")
    ax.set_ylabel("north (km)")
    for z in lay.get("weapons_free_zones", []):
        ax.add_patch(Circle((z["center"][0] * k, z["center"][1] * k), z["radius_m"] * k,
                            fc="gold", ec="goldenrod", alpha=0.2, lw=1))
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
    if coverage:
        for s in lay.get("sensors", []):
            if s["position"] is None:
                continue
            ax.add_patch(Circle((s["position"][0] * k, s["position"][1] * k), s["range_m"] * k,
                                fc="none", ec=SENSOR_COLOURS.get(s["kind"], "tab:blue"),
                                lw=0.8, alpha=0.6))
            ax.plot(s["position"][0] * k, s["position"][1] * k, "^",
                    color=SENSOR_COLOURS.get(s["kind"], "tab:blue"), ms=5)
        for e in lay.get("effectors", []):
            if e["position"] is None:
                continue
            col = EFFECTOR_COLOURS.get(e["kind"], "tab:red")
            ax.add_patch(Circle((e["position"][0] * k, e["position"][1] * k), e["range_m"] * k,
                                fc=col, ec=col, alpha=0.08, lw=0.8))
            ax.plot(e["position"][0] * k, e["position"][1] * k, "s", color=col, ms=4)
    for f in lay.get("fixed", []):
        ax.plot(f["position"][0] * k, f["position"][1] * k, "o", color="navy", ms=6)
        ax.annotate(f["name"], (f["position"][0] * k, f["position"][1] * k), fontsize=7,
                    xytext=(4, 4), textcoords="offset points")
    for m in lay.get("moving", []):
        wp = np.asarray(m["waypoints"], dtype=float) * k
        ax.plot(wp[:, 0], wp[:, 1], "-", color="magenta", lw=2, label=m["name"])
        ax.plot(wp[0, 0], wp[0, 1], ">", color="magenta")
        ax.plot(wp[-1, 0], wp[-1, 1], "*", color="magenta", ms=9)


def write_plots(res: Results, folder: Path) -> list[Path]:
    """Write the run's figures as PNG into ``folder``; return their paths."""
    with plain_text():
        return _write_plots(res, folder)


def _write_plots(res: Results, folder: Path) -> list[Path]:
    from skyshield.scenario.layout import layout

    plt = _pyplot()
    paths = []
    s = res.summary

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
        ax.set_xlabel("time (min)")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    paths.append(folder / "timeline.png")
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

    # map
    lay = layout(res.scenario)
    fig, ax = plt.subplots(figsize=(10, 6))
    draw_map(ax, lay)
    ax.set_title(f"{res.scenario_name}: laydown and flight plan")
    fig.tight_layout()
    paths.append(folder / "map.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths
