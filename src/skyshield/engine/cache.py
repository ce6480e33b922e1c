"""Keep numba's on-disk cache honest for code compiled across files.

numba stamps a cached function with its own file's modification time and size only. The
kernel's ``replication`` inlines phases from six modules and calls njit functions of
``engine/rng.py``, ``skyshield.wta`` and ``skyshield.track``, and a cached caller carries its callees' machine
code: after an edit of ``engine/motion.py``, say, numba would still load the old kernel from
its cache, silently.

:func:`check` closes that gap: it hashes every source file whose compiled code can end up in
another file's cache entry (:data:`PACKAGES`, and the constants of ``contract.py``) and, when
the hash differs from the one stored beside the cache, deletes the numba cache files of those
packages before anything is loaded from them. ``skyshield.engine.kernel`` calls it on import;
it costs a hash of about 200 kB of source.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

#: The packages (folders of ``skyshield``) whose njit functions call into each other's files.
PACKAGES = ("engine", "wta", "track")
#: Single modules whose values are compiled into the kernel as constants.
MODULES = ("contract.py",)
#: The stamp file, in the engine's cache folder.
STAMP = "skyshield-sources.sha256"

_ROOT = Path(__file__).resolve().parents[1]


def sources() -> list[Path]:
    """The source files whose changes invalidate the cached kernels, in a fixed order."""
    files = [p for pkg in PACKAGES for p in sorted((_ROOT / pkg).glob("*.py"))]
    return files + [_ROOT / m for m in MODULES]


def digest(files: list[Path] | None = None) -> str:
    """SHA-256 over the files' names (relative to the package) and contents."""
    h = hashlib.sha256()
    for f in sources() if files is None else files:
        h.update(f.relative_to(_ROOT).as_posix().encode())
        h.update(b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def cache_dirs(dispatchers: list[Any]) -> list[Path]:
    """The cache folders of ``dispatchers`` (numba's own locator: ``__pycache__`` beside the
    source, or under ``NUMBA_CACHE_DIR``)."""
    out: list[Path] = []
    for d in dispatchers:
        path = Path(d._cache._cache_path)
        if path not in out:
            out.append(path)
    return out


def check(dispatchers: list[Any]) -> bool:
    """Delete the numba cache files in the folders of ``dispatchers`` (one per package of
    :data:`PACKAGES`) when the sources changed since the stamp was written; True if it did.

    Never raises for a folder it cannot read or write (a read-only install keeps its cache,
    and numba then compiles in memory as it would anyway).
    """
    dirs = cache_dirs(dispatchers)
    if not dirs:
        return False
    want = digest()
    stamp = dirs[0] / STAMP
    try:
        if stamp.read_text(encoding="ascii").strip() == want:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    for folder in dirs:
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for f in entries:
            if f.suffix in (".nbi", ".nbc"):
                try:
                    f.unlink()
                except OSError:
                    pass
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        tmp = stamp.with_name(f"{STAMP}.{os.getpid()}.tmp")
        tmp.write_text(want + "\n", encoding="ascii")
        os.replace(tmp, stamp)
    except OSError:
        pass
    return True
