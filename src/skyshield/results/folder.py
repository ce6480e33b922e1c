"""What makes a folder a run's output folder (``skyshield run SCENARIO --out DIR``).

The readers of a run folder (the report, the raid-size sweep) refuse anything else with the
same one-line errors.
"""

from __future__ import annotations

from pathlib import Path

from skyshield.errors import InputError


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
