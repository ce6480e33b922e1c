"""``build_report``: run folder in, ``report/index.html`` and ``report/*.png`` out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from skyshield.errors import InputError
from skyshield.report.data import RunData, load_run

#: Recorded replications replayed when none are chosen (keeps the page a few MB at most).
DEFAULT_REPLAYS = 4

SWEEP_HINT = (
    "No raid-size sweep in this folder (no <code>sweep.duckdb</code>). Write one with "
    "<code>skyshield sweep … --out DIR</code> into the same folder and run "
    "<code>skyshield report DIR</code> again.")


@dataclass
class ReportOutput:
    """What :func:`build_report` wrote.

    Attributes
    ----------
    html
        The page, ``DIR/report/index.html``.
    figures
        PNG files by figure name (``raid_sweep``, ``loss_probability``, ``leakers``,
        ``expenditure``, ``cost_exchange``, ``map``); a figure the folder cannot support (no
        sweep, no timeline) is absent.
    replays
        The replications the page replays.
    sweep
        The sweep database the loss-against-raid-size figure comes from, or ``None``.
    voi
        The ``value_of_information.json`` the section "What C2 knows" shows, or ``None``.
    terrain_value
        The ``terrain_value.json`` the section "What terrain does" shows, or ``None``.
    notes
        What the report left out and why (a sweep of another scenario...).
    """

    html: Path
    figures: dict[str, Path] = field(default_factory=dict)
    replays: list[int] = field(default_factory=list)
    sweep: str | None = None
    voi: str | None = None
    terrain_value: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """The ``skyshield report --json`` object."""
        return {
            "report": str(self.html),
            "bytes": self.html.stat().st_size,
            "figures": {k: str(v) for k, v in self.figures.items()},
            "replays": self.replays,
            "sweep": self.sweep,
            "value_of_information": self.voi,
            "terrain_value": self.terrain_value,
            "notes": self.notes,
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text (what ``skyshield report --json`` prints)."""
        return json.dumps(self.to_dict(), indent=1) + "\n"

    def describe(self) -> str:
        """What was written, for the terminal (what ``skyshield report`` prints)."""
        lines = [f"report: {self.html}"]
        if self.figures:
            lines.append(f"figures: {', '.join(str(p) for p in self.figures.values())}")
        reps = ", ".join(map(str, self.replays)) if self.replays else "none recorded"
        lines.append(f"replays: {reps}")
        if self.sweep is None and not self.notes:
            lines.append("no sweep.duckdb in the folder: the loss-against-raid-size figure is "
                         "left out")
        if self.voi is not None:
            lines.append(f"value of information: {self.voi}")
        if self.terrain_value is not None:
            lines.append(f"terrain value: {self.terrain_value}")
        lines += [f"note: {n}" for n in self.notes]
        from skyshield.display import term_block

        return term_block("\n".join(lines) + "\n")


def choose_replays(data: RunData, replays: list[int] | None) -> list[int]:
    """The replications to replay: the chosen ones (each must be recorded), else the first
    :data:`DEFAULT_REPLAYS` recorded ones."""
    recorded = data.recorded_reps
    if replays is None:
        return recorded[:DEFAULT_REPLAYS]
    for r in replays:
        if r not in recorded:
            have = ", ".join(map(str, recorded)) if recorded else "none"
            raise InputError(f"replication {r} was not recorded (recorded: {have}); "
                             "record more with `skyshield run --record N`",
                             file="<argument>", field="--replay")
    return sorted(set(replays))


def build_report(run_dir: str | Path, *, replays: list[int] | None = None,
                 png: bool = True, vector: bool = False) -> ReportOutput:
    """Write the after-action report of a run folder.

    Parameters
    ----------
    run_dir
        The output folder of ``skyshield run SCENARIO --out DIR``.
    replays
        Recorded replications to replay (default: the first :data:`DEFAULT_REPLAYS`).
    png
        Also write every figure as ``DIR/report/<name>.png``.
    vector
        With ``png``, also as ``<name>.svg`` and ``<name>.pdf`` (for briefings).

    Returns
    -------
    ReportOutput
        The paths written.

    Raises
    ------
    InputError
        The folder holds no results, a file in it is malformed, or a chosen replication was
        not recorded.

    Notes
    -----
    The page is written to a temporary file and moved into place, so a reader never sees half
    a page. The output depends only on the folder's content: the same folder gives the same
    bytes.
    """
    from skyshield._version import __version__
    from skyshield.report.figures import render_figures
    from skyshield.report.page import render_page

    data = load_run(run_dir)
    reps = choose_replays(data, replays)
    vectors: dict[str, bytes] | None = {} if png and vector else None
    figures = render_figures(data, vectors)
    from html import escape

    hint = SWEEP_HINT if data.sweep_skipped is None else escape(data.sweep_skipped)
    html = render_page(data, figures, reps, version=__version__, sweep_hint=hint)
    from skyshield.interrupt import deferred_sigint
    from skyshield.outfolder import (
        atomic_write,
        check_entries,
        commit,
        locked,
        out_folder,
        record,
    )

    folder = Path(run_dir)
    out = folder / "report"
    written = {"index.html": html.encode("utf-8")}
    if png:
        for stem, blob in figures.items():
            written[f"{stem}.png"] = blob
        written.update(vectors or {})
    names = [f"report/{name}" for name in written]
    check_entries(folder, names, option="OUTDIR")
    out_folder(out, option="OUTDIR", what="report folder")
    from skyshield.analysis.terrain_value import FILE as TV_FILE
    from skyshield.analysis.value_of_information import FILE as VOI_FILE

    result = ReportOutput(html=out / "index.html", replays=reps, sweep=data.sweep_source,
                          voi=None if data.voi is None else str(folder / VOI_FILE),
                          terrain_value=None if data.terrain_value is None
                          else str(folder / TV_FILE),
                          notes=list(data.notes))
    if png:
        result.figures = {stem: out / f"{stem}.png" for stem in figures}
    with deferred_sigint(), locked(folder):
        out.mkdir(exist_ok=True)
        for name, blob in written.items():
            atomic_write(out / name, blob)
        if png:
            # a figure of an earlier report that this folder no longer supports must not
            # linger; only what a report wrote goes (the manifest's list, else its own names)
            commit(folder, "report", names)
        else:
            record(folder, "report", names)
    return result


__all__ = ["DEFAULT_REPLAYS", "ReportOutput", "build_report", "choose_replays"]
