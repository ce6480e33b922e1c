"""The planner's map: the hazard field, closed cells, ambush points and the plans."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover - the outcome imports this module to save its map
    from skyshield.plan.outcome import PlanOutcome


def plot_plan(outcome: PlanOutcome, path: str | Path) -> Path:
    """Write a PNG map of the time-averaged hazard field with the plans drawn over it.

    Line width grows with each plan's probability in the mixed strategy; dashed lines are
    listed plans the strategy does not use (the least-risk route, the alternatives, the best
    fixed plan). The file is written whole or not at all.
    """
    from skyshield.results.plots import plain_text

    with plain_text():
        return _plot_plan(outcome, path)


def _plot_plan(outcome: PlanOutcome, path: str | Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    st = outcome.setting
    g = st.grid
    rate = outcome.hazard.hz.mean(axis=0) / g.tau * 3600.0  # hazard per hour of flight
    img = np.ma.masked_where(outcome.hazard.blocked, rate).reshape(g.ny, g.nx)
    fig, ax = plt.subplots(figsize=(11, 6.2), dpi=110)
    ext = (g.x0 - g.cell / 2, g.x0 + (g.nx - 0.5) * g.cell,
           g.y0 - g.cell / 2, g.y0 + (g.ny - 0.5) * g.cell)
    km = (ext[0] / 1000.0, ext[1] / 1000.0, ext[2] / 1000.0, ext[3] / 1000.0)
    cmap = plt.get_cmap("magma_r").with_extremes(bad="#d9d9d9")
    im = ax.imshow(img, origin="lower", extent=km, cmap=cmap, aspect="equal")
    fig.colorbar(im, ax=ax, shrink=0.8, label="mean hazard per hour of flight")
    if outcome.ambushes is not None:
        amb = outcome.ambushes
        used = np.unique(amb.point_of)  # points with an option left in the game
        ax.scatter(amb.px[used] / 1000, amb.py[used] / 1000, s=3, c="#1f77b4", alpha=0.35,
                   label=f"ambush points ({used.size} points, {amb.J} options)")
    colours = plt.get_cmap("tab10")
    for n, i in enumerate(outcome.listed):
        wp = outcome.waypoints(i)
        xs = [w["x_m"] / 1000 for w in wp]
        ys = [w["y_m"] / 1000 for w in wp]
        p = float(outcome.strategy[i])
        style = "-" if p > 0 else "--"
        lw = 1.0 + 6.0 * p if p > 0 else 1.0
        ax.plot(xs, ys, style, lw=lw, color=colours(n % 10),
                label=f"plan {n}: dep {wp[0]['t_s']:.0f} s, p={p:.2f}")
    ax.plot(*(np.array(st.origin) / 1000), "k^", ms=9)
    ax.plot(*(np.array(st.destination) / 1000), "ks", ms=8)
    ax.set_xlabel("east (km)")
    ax.set_ylabel("north (km)")
    ax.set_title(f"{st.scenario.name}: plans for {st.asset.name} "
                 f"(grey: outside corridor / no-fly)")
    # below the map, so that it hides none of it
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=7, ncol=3,
              frameon=False)
    fig.tight_layout()
    from skyshield.outfolder import atomic_path

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
    return out
