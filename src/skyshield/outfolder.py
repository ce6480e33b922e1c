"""Output folders: one scenario's artefacts, written atomically, and never a user's file lost.

Every command that writes into a folder (``run``, ``report``, ``sweep``, ``faults``, ``plan``
with ``--out DIR``) goes through this module:

- :func:`out_folder` checks the path given (not a file, not a dangling link, a folder that can
  be created and written: not ``/proc``) and creates it; :func:`check_entries` checks that
  what the writer is about to put there is not in the way of something of the other kind (a
  file ``parquet`` where the run writes a folder...). Both raise one-line
  :class:`~skyshield.errors.InputError`.
- :func:`claim` makes the folder the writer's: a folder belongs to one scenario (by its hash,
  ``skyshield.scenario.scenario_hash``). A folder holding another scenario's artefacts is
  refused unless ``overwrite``, which first removes those artefacts, and only them.
- :func:`commit` records what a writer wrote and removes what it wrote before and no longer
  writes; files skyshield did not write are never removed.
- :func:`atomic_write` and :func:`atomic_path`: a file appears whole or not at all (a
  temporary name beside it, then ``os.replace``), mode 0666 less the umask (0644 by default).

The record is the manifest ``DIR/.skyshield.json``: the scenario's name and hash and, per
writer, the files it wrote (paths relative to the folder). A folder without one (written by an
older skyshield) is recognised by the scenario name in its ``summary.json`` or
``faults.json``. Only names in :data:`ARTEFACTS` are ever removed, whatever a manifest lists.

Updates of the manifest and commits hold an advisory lock on the folder (``flock``), so two
writers into one folder do not lose each other's records or interleave their files.
Only the standard library is imported here.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from skyshield.contract import TABLES
from skyshield.errors import InputError

#: The manifest's file name.
MANIFEST = ".skyshield.json"
MANIFEST_FORMAT = 1

#: The figures of a run (``plots/<name>.png``) and of its report (``report/<name>.png``).
RUN_PLOTS = ("loss_probability", "timeline", "loss_causes", "wave_effectors", "effectors",
             "means", "map")
REPORT_FIGURES = ("raid_sweep", "frontier", "faults", "value_of_information", "terrain_value",
                  "loss_probability", "loss_causes", "wave_effectors", "leakers",
                  "expenditure", "cost_exchange", "map")

#: Every name each writer may write, relative to the folder: all skyshield ever removes from a
#: folder without a manifest.
ARTEFACTS: dict[str, tuple[str, ...]] = {
    "run": ("results.duckdb", "results.duckdb.wal", "summary.json", "layout.json",
            "scenario.yaml", *(f"parquet/{t}.parquet" for t in TABLES),
            *(f"plots/{p}.png" for p in RUN_PLOTS)),
    "report": ("report/index.html", *(f"report/{f}.{ext}" for f in REPORT_FIGURES
                                      for ext in ("png", "svg", "pdf"))),
    "sweep": ("sweep.duckdb", "sweep.duckdb.wal", "sweep_points.parquet"),
    "faults": ("faults.json", "faults.duckdb", "plots/tornado.png"),
    "plan": ("plan.json", "strategy.json", "plots/plan_map.png"),
    "frontier": ("frontier.json", "frontier.duckdb", "frontier.png"),
    "voi": ("value_of_information.json",),
    "terrain_value": ("terrain_value.json",),
    "export": tuple(f"export/layout.{ext}" for ext in ("geojson", "kml", "gpx", "csv", "czml")),
}
#: Sub-folders the writers create (removed again when a removal leaves them empty).
FOLDERS = ("parquet", "plots", "report", "export")


def _umask() -> int:
    # reading the umask means setting it: set it straight back (no thread creates files here)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode of a new file: 0666 less the umask (0644 under the usual umask 022)."""
    return 0o666 & ~_umask()


# --------------------------------------------------------------------------- paths


def out_folder(path: str | Path, *, option: str = "--out", what: str = "output folder") -> Path:
    """Check the output folder ``path`` and create it (with its parents, mode 0777 less the
    umask); return it. ``what`` names the folder in errors (``sweep folder``...).

    Raises
    ------
    InputError
        ``path`` is a file, a dangling symbolic link, or a folder that cannot be created or
        written (``/proc``, a read-only file system, no permission).
    """
    folder = Path(path)
    if folder.is_symlink() and not folder.exists():
        raise InputError(f"is a symbolic link to nothing ({os.readlink(folder)}), not a "
                         f"folder ({option}: the {what})", file=str(folder), field=option)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"is a file, not a folder ({option}: the {what})", file=str(folder),
                         field=option)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # permissions say little for root, and nothing for /proc: try a file
        probe = folder / f".skyshield-probe.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        probe.unlink()
    except OSError as exc:
        raise InputError(f"cannot write the {what} here: {exc.strerror or exc}",
                         file=str(folder), field=option) from None
    return folder


def out_file(path: str | Path, *, option: str) -> Path:
    """Check that ``path`` can be written as a file: not a folder, in a folder that exists and
    can be written (a file is not a folder to create: a typo in its folder is an error).

    Raises
    ------
    InputError
        One line naming the path and ``option``.
    """
    target = Path(path)
    if target.is_dir():
        raise InputError("is a folder; give the name of a file to write", file=str(target),
                         field=option)
    parent = target.parent
    if not parent.is_dir():
        what = "is not a folder" if parent.exists() else "does not exist"
        raise InputError(f"cannot write here: the folder {parent} {what}", file=str(target),
                         field=option)
    if target.is_symlink() and not target.exists():
        raise InputError(f"is a symbolic link to nothing ({os.readlink(target)})",
                         file=str(target), field=option)
    try:
        probe = parent / f".skyshield-probe.{os.getpid()}.{secrets.token_hex(4)}"
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        probe.unlink()
    except OSError as exc:
        raise InputError(f"cannot write a file in {parent}: {exc.strerror or exc}",
                         file=str(target), field=option) from None
    return target


def check_entries(folder: Path, names: tuple[str, ...] | list[str], *,
                  option: str = "--out") -> None:
    """Check that nothing in ``folder`` is in the way of the files ``names`` (and of the
    sub-folders they lie in): a folder where a file goes, or a file where a folder goes."""
    dirs = sorted({str(Path(n).parent) for n in names} - {"."})
    for d in dirs:
        q = folder / d
        if (q.exists() or q.is_symlink()) and not q.is_dir():
            kind = "a symbolic link to nothing" if not q.exists() else "a file"
            raise InputError(f"is {kind}, where skyshield writes the folder '{d}/'; move it "
                             f"away or give another {option}", file=str(q), field=option)
    for n in names:
        q = folder / n
        if q.is_dir():
            raise InputError(f"is a folder, where skyshield writes the file '{n}'; move it "
                             f"away or give another {option}", file=str(q), field=option)


# --------------------------------------------------------------------------- atomic writes


def _tmp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` for a writer that wants a file name (DuckDB,
    Parquet, matplotlib); when the block succeeds it becomes ``path`` (mode
    :func:`file_mode`), otherwise it is removed."""
    target = Path(path)
    tmp = _tmp_name(target)
    try:
        yield tmp
        os.chmod(tmp, file_mode())
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        with contextlib.suppress(FileNotFoundError):
            tmp.with_name(tmp.name + ".wal").unlink()


def atomic_write(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` (text: UTF-8) to ``path`` whole or not at all, mode :func:`file_mode`."""
    blob = data.encode("utf-8") if isinstance(data, str) else data
    target = Path(path)
    tmp = _tmp_name(target)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


# --------------------------------------------------------------------------- the manifest


#: Folders whose lock this process holds (the lock is re-entrant within a process).
_HELD: set[str] = set()


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the folder's advisory lock (``flock`` on the folder itself; no extra file).
    Re-entrant: a holder may call functions that take it again."""
    key = os.path.realpath(folder)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    if key in _HELD:
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _HELD.add(key)
        try:
            yield
        finally:
            _HELD.discard(key)
    finally:
        os.close(fd)  # releases the lock


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest, or ``None`` when it has none.

    Raises
    ------
    InputError
        The manifest is not one skyshield wrote (malformed).
    """
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"unreadable skyshield manifest ({exc}); remove it to start afresh",
                         file=str(path)) from None
    files = m.get("files") if isinstance(m, dict) else None
    if not (isinstance(files, dict) and all(
            isinstance(v, list) and all(isinstance(f, str) for f in v) for v in files.values())
            and isinstance(m.get("scenario_hash"), str | None)):
        raise InputError("not a skyshield manifest (no 'files' lists, or a bad "
                         "'scenario_hash'); remove it to start afresh", file=str(path))
    manifest: dict[str, Any] = m
    return manifest


def _write_manifest(folder: Path, m: dict[str, Any]) -> None:
    atomic_write(folder / MANIFEST, json.dumps(m, indent=1, sort_keys=True,
                                               ensure_ascii=False) + "\n")


def _legacy_owner(folder: Path) -> str | None:
    """The scenario name of a folder written without a manifest, if its files say."""
    for name in ("summary.json", "faults.json"):
        try:
            d = json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(d, dict) and isinstance(d.get("scenario"), str):
            return str(d["scenario"])
    return None


def _safe_rel(folder: Path, rel: str) -> Path | None:
    """``folder / rel`` when ``rel`` stays inside the folder (a manifest is a file too)."""
    p = Path(rel)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        return None
    return folder / p


#: Every name any writer may write: nothing else is ever removed, whatever a manifest lists.
_KNOWN = frozenset(n for names in ARTEFACTS.values() for n in names)


def _remove(folder: Path, names: list[str] | tuple[str, ...]) -> None:
    for rel in names:
        p = _safe_rel(folder, rel) if rel in _KNOWN else None
        if p is not None and (p.is_file() or p.is_symlink()):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
    for d in FOLDERS:
        with contextlib.suppress(OSError):  # only when empty: a user's file keeps it
            (folder / d).rmdir()


def owner(folder: Path) -> tuple[str | None, str | None] | None:
    """``(scenario name, scenario hash)`` of the artefacts in ``folder``, ``None`` when it
    holds none; the hash is ``None`` for a folder without a manifest."""
    m = read_manifest(folder)
    if m is not None:
        if not any(m["files"].values()):
            return None
        return m.get("scenario"), m.get("scenario_hash")
    name = _legacy_owner(folder)
    return None if name is None else (name, None)


def _conflict(folder: Path, scenario: str, scenario_hash: str) -> tuple[str, str | None] | None:
    """The other scenario whose artefacts ``folder`` holds, as ``(name, hash)``, or ``None``."""
    own = owner(folder)
    if own is None:
        return None
    name, h = own
    if h is None:
        return None if name == scenario else (str(name), None)
    return None if h == scenario_hash else (str(name), h)


def check_claim(folder: Path, *, scenario: str, scenario_hash: str, overwrite: bool,
                option: str = "--out") -> None:
    """Raise when ``folder`` holds another scenario's artefacts and ``overwrite`` is false
    (the check of :func:`claim`, writing nothing: a command makes it before its work)."""
    if not folder.is_dir() or overwrite:
        return
    other = _conflict(folder, scenario, scenario_hash)
    if other is not None:
        name, h = other
        ident = f"'{name}'" + (f", hash {h[:12]}" if h else "")
        raise InputError(f"holds the results of another scenario ({ident}); give another "
                         f"{option}, or --overwrite to replace its skyshield files",
                         file=str(folder), field=option)


def check_out(out: str | Path, group: str, scenario: str, scenario_hash: str, *,
              overwrite: bool = False, option: str = "--out",
              what: str = "output folder") -> Path:
    """The folder ``out`` for writer ``group``, checked (and created) before its work runs:
    writable, nothing in the way of the files it writes (:data:`ARTEFACTS`), no other
    scenario's results in it unless ``overwrite``."""
    folder = out_folder(out, option=option, what=what)
    check_entries(folder, ARTEFACTS[group], option=option)
    if scenario_hash:
        check_claim(folder, scenario=scenario, scenario_hash=scenario_hash,
                    overwrite=overwrite, option=option)
    return folder


def claim(folder: Path, group: str, files: list[str] | tuple[str, ...], *, scenario: str,
          scenario_hash: str, overwrite: bool = False, option: str = "--out") -> None:
    """Make ``folder`` the writer ``group``'s, for the scenario ``scenario_hash``, before it
    writes ``files`` (recorded now, so that work cut short stays attributable).

    With ``overwrite`` a folder holding another scenario's artefacts loses them first (the
    files its manifest lists, or :data:`ARTEFACTS` without one); without, it is refused.
    """
    with locked(folder):
        check_claim(folder, scenario=scenario, scenario_hash=scenario_hash,
                    overwrite=overwrite, option=option)
        m = read_manifest(folder)
        if _conflict(folder, scenario, scenario_hash) is not None:
            _remove(folder, [f for v in (m["files"].values() if m else ARTEFACTS.values())
                             for f in v])
            m = None
        if m is None:
            m = {"format": MANIFEST_FORMAT, "files": {}}
        m["scenario"] = scenario
        m["scenario_hash"] = scenario_hash
        m["files"][group] = sorted(set(m["files"].get(group, [])) | set(files))
        _write_manifest(folder, m)


def commit(folder: Path, group: str, files: list[str] | tuple[str, ...]) -> None:
    """Record that ``group`` now has exactly ``files`` in ``folder``; remove the files it
    wrote before and no longer has (without a manifest: its names of :data:`ARTEFACTS`).
    Call it under :func:`locked`."""
    m = read_manifest(folder)
    before = m["files"].get(group, []) if m is not None else list(ARTEFACTS[group])
    stale = sorted(set(before) - set(files))
    if m is not None:
        m["files"][group] = sorted(files)
        _write_manifest(folder, m)
    _remove(folder, stale)


def record(folder: Path, group: str, files: list[str] | tuple[str, ...]) -> None:
    """Add ``files`` to what ``group`` wrote into ``folder`` (nothing is removed; a folder
    without a manifest is left without one). Call it under :func:`locked`."""
    m = read_manifest(folder)
    if m is not None:
        m["files"][group] = sorted(set(m["files"].get(group, [])) | set(files))
        _write_manifest(folder, m)


def forget(folder: Path, group: str) -> None:
    """Remove what ``group`` wrote into ``folder`` (a run makes its old report stale).
    Call it under :func:`locked`."""
    commit(folder, group, [])


__all__ = [
    "ARTEFACTS",
    "MANIFEST",
    "atomic_path",
    "atomic_write",
    "check_claim",
    "check_entries",
    "claim",
    "commit",
    "file_mode",
    "forget",
    "locked",
    "out_file",
    "out_folder",
    "owner",
    "read_manifest",
    "record",
]
