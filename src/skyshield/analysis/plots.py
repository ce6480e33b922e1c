"""The sensitivity (tornado) chart of a fault analysis (matplotlib, Agg backend, PNG)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.analysis.faults import FaultReport


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def tornado_chart(report: FaultReport, path: str | Path | BinaryIO) -> str | Path | BinaryIO:
    """Draw the change of the VIP's loss probability when each main parameter moves to its
    low and its high setting, largest swing on top, with paired 95 % intervals; the
    single-failure ranking (top 10) is drawn beside it. ``path``: a file name or a binary
    file object to write the PNG to; returned.
    """
    from skyshield.results.plots import plain_text

    with plain_text():
        return _tornado_chart(report, path)


def _tornado_chart(report: FaultReport, path: str | Path | BinaryIO) -> str | Path | BinaryIO:
    plt = _pyplot()
    sens = report.sensitivity
    faults = report.faults[:10]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(13, 0.45 * max(len(sens), len(faults), 4) + 1.8))
    base = report.baseline["vip_p_loss"]
    ys = list(range(len(sens)))[::-1]
    for y, s in zip(ys, sens, strict=True):
        # low above high, half a bar each: both stay visible when they fall on one side
        for side, colour, yy in (("low", "tab:blue", y + 0.18), ("high", "tab:red", y - 0.18)):
            if side not in s:
                continue
            b = s[side]
            lo, hi = b["delta_ci95"]
            ax.barh(yy, b["delta"], color=colour, alpha=0.75, height=0.36,
                    label=f"{side} setting" if y == ys[0] else None)
            ax.errorbar(b["delta"], yy, xerr=[[b["delta"] - lo], [hi - b["delta"]]],
                        fmt="none", ecolor="0.2", capsize=2, lw=0.8)
            # the setting's label sits beyond the interval, on the side away from zero
            right = b["delta"] > 0 or (b["delta"] == 0 and side == "high")
            ax.annotate(b["label"], (hi if right else lo, yy), xytext=(4 if right else -4, 0),
                        textcoords="offset points", va="center",
                        ha="left" if right else "right", fontsize=7)
    ax.axvline(0.0, color="black", lw=0.8)
    ax.margins(x=0.18)  # room for the setting labels beyond the bars
    ax.set_yticks(ys, [s["parameter"] for s in sens])
    ax.set_xlabel(f"change of P(loss of {report.vip})  (baseline {base:.3f})")
    ax.set_title("Sensitivity (low / high setting of each parameter)")
    if sens:
        ax.legend(loc="lower right", fontsize=7)
    yf = list(range(len(faults)))[::-1]
    for y, f in zip(yf, faults, strict=True):
        lo, hi = f["delta_ci95"]
        colour = "crimson" if f["single_point_of_failure"] else (
            "tab:orange" if f["significant"] else "0.6")
        bx.barh(y, f["delta"], color=colour, height=0.6)
        bx.errorbar(f["delta"], y, xerr=[[f["delta"] - lo], [hi - f["delta"]]], fmt="none",
                    ecolor="0.2", capsize=2, lw=0.8)
    bx.axvline(0.0, color="black", lw=0.8)
    bx.set_yticks(yf, [f["description"] for f in faults], fontsize=7)
    bx.set_xlabel(f"change of P(loss of {report.vip})")
    bx.set_title("Single failures (red: single point of failure)")
    fig.suptitle(f"{report.scenario}: {report.replications} replications, seed {report.seed}, "
                 "common random numbers", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)
    return path
