"""What a run's output folder is (``skyshield run SCENARIO --out DIR``): how it is written
(:func:`write_run_folder`, on the rules of :mod:`skyshield.outfolder`) and what its readers
(the report, the raid-size sweep) accept (:func:`check_run_folder`, the same one-line errors
for everything else).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from skyshield.contract import TABLES
from skyshield.errors import InputError
from skyshield.outfolder import (
    RUN_PLOTS,
    check_claim,
    check_entries,
    claim,
    commit,
    file_mode,
    forget,
    locked,
    out_folder,
)

if TYPE_CHECKING:  # pragma: no cover
    from skyshield.args import Objective
    from skyshield.results.core import Results
    from skyshield.scenario.schema import Scenario


def check_run_folder(folder: str | Path) -> Path:
    """``folder`` as a path, when it is a folder with a ``summary.json``.

    Raises
    ------
    InputError
        The folder does not exist, is a file, or holds no results.
    """
    folder = Path(folder)
    if not folder.exists():
        raise InputError("no such folder", file=str(folder))
    if not folder.is_dir():
        raise InputError("not a folder; give the output folder of `skyshield run --out DIR`",
                         file=str(folder))
    if not (folder / "summary.json").is_file():
        raise InputError(
            "no results in this folder (no summary.json); "
            "write one with `skyshield run SCENARIO --out DIR`", file=str(folder))
    return folder


def run_files(tables: tuple[str, ...] | list[str] = TABLES, *, plots: bool = True) -> list[str]:
    """The files a run writes into its folder (relative paths), ``summary.json`` last."""
    names = ["results.duckdb", "layout.json", "scenario.yaml",
             *(f"parquet/{t}.parquet" for t in tables)]
    if plots:
        names += [f"plots/{p}.png" for p in RUN_PLOTS]
    return [*names, "summary.json"]


def check_run_out(out: str | Path, scenario: Scenario, *, overwrite: bool = False,
                  option: str = "--out") -> Path:
    """The checks of :func:`write_run_folder` that need no results, made before a run starts
    (so that a long run does not end in a refusal): the folder can be written, nothing is in
    the way of the run's files, and it holds no other scenario's results (unless
    ``overwrite``). Creates the folder; writes nothing else.

    Raises
    ------
    InputError
        One line naming the folder (or the entry in the way) and ``option``.
    """
    from skyshield.scenario.identity import scenario_hash

    folder = out_folder(out, option=option)
    check_entries(folder, run_files(), option=option)
    check_claim(folder, scenario=scenario.name, scenario_hash=scenario_hash(scenario),
                overwrite=overwrite, option=option)
    return folder


def write_run_folder(res: Results, out: str | Path, *, plots: bool = True,
                     overwrite: bool = False, objective: Objective | None = None) -> Path:
    """Write the run's output folder (``docs/architecture.md``, "The output folder").

    Every file is written into a temporary folder inside ``out`` first and then moved into
    place with ``os.replace``, with SIGINT held back: a file is never half written, and an
    interrupted or failed write leaves the folder as it was. ``summary.json``, which makes a
    folder a run folder, is removed first and put back last, so a folder is never read with
    one run's summary over another's tables. Files the run does not write (a user's
    ``plots/my_holiday.png``, a sweep of the same scenario) stay; the report of an earlier
    run is removed (it describes results that are gone).

    Raises
    ------
    InputError
        See :func:`check_run_out`.
    skyshield.interrupt.Interrupted
        SIGINT while writing: nothing was written.
    """
    import pyarrow.parquet as pq
    import yaml

    from skyshield.display import json_text
    from skyshield.interrupt import Interrupted, deferred_sigint
    from skyshield.results.store import write_duckdb
    from skyshield.scenario.layout import layout

    folder = check_run_out(out, res.scenario, overwrite=overwrite)
    tmp = Path(tempfile.mkdtemp(prefix=".skyshield-", dir=folder))
    try:
        try:
            tables = res.tables()  # (built once per Results, shared with the notebook API)
            names = run_files(list(tables), plots=plots)
            write_duckdb(tmp / "results.duckdb", tables)
            (tmp / "parquet").mkdir()
            for name, table in tables.items():
                pq.write_table(table, tmp / "parquet" / f"{name}.parquet")
            (tmp / "summary.json").write_text(res.to_json(objective), encoding="utf-8")
            (tmp / "layout.json").write_text(json_text(layout(res.scenario), indent=1), "utf-8")
            (tmp / "scenario.yaml").write_text(
                yaml.safe_dump(res.scenario.model_dump(mode="json"), sort_keys=False,
                               allow_unicode=True), "utf-8")
            if plots:
                from skyshield.results.plots import write_plots

                (tmp / "plots").mkdir()
                write_plots(res, tmp / "plots")
        except KeyboardInterrupt:
            raise Interrupted(f"nothing written; {folder} is as it was") from None
        mode = file_mode()
        with deferred_sigint(), locked(folder):
            check_entries(folder, names)
            claim(folder, "run", names, scenario=res.scenario_name,
                  scenario_hash=res.scenario_hash, overwrite=overwrite)
            (folder / "summary.json").unlink(missing_ok=True)
            for rel in names:
                src, dst = tmp / rel, folder / rel
                dst.parent.mkdir(exist_ok=True)
                os.chmod(src, mode)
                os.replace(src, dst)
            commit(folder, "run", names)
            forget(folder, "report")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder
