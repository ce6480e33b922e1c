"""The cache guard: an edit of any file compiled into the kernel drops numba's stale entries."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from skyshield.engine import cache


def _fake_dispatcher(folder: Path) -> SimpleNamespace:
    return SimpleNamespace(_cache=SimpleNamespace(_cache_path=str(folder)))


def _fill(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / "kernel.replication-70.py311.nbi", folder / "kernel.replication-70.py311.1.nbc",
             folder / "keep.txt"]
    for f in files:
        f.write_bytes(b"x")
    return files


def test_entries_are_dropped_when_a_source_changes(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "src"
    src.mkdir()
    phase = src / "motion.py"
    phase.write_text("x = 1\n")
    monkeypatch.setattr(cache, "_ROOT", src)
    monkeypatch.setattr(cache, "sources", lambda: [phase])
    engine, wta = tmp_path / "engine_cache", tmp_path / "wta_cache"
    dispatchers = [_fake_dispatcher(engine), _fake_dispatcher(wta)]
    e_files, w_files = _fill(engine), _fill(wta)

    # no stamp yet (a fresh clone, or a cache from before the guard): entries dropped
    assert cache.check(dispatchers)
    for files in (e_files, w_files):
        assert not files[0].exists() and not files[1].exists()
        assert files[2].exists()  # only numba's files are touched
    assert (engine / cache.STAMP).read_text().strip() == cache.digest([phase])

    # unchanged sources: the cache is kept
    e_files = _fill(engine)
    assert not cache.check(dispatchers)
    assert all(f.exists() for f in e_files)

    # an edit of a phase module: dropped again
    phase.write_text("x = 2\n")
    assert cache.check(dispatchers)
    assert not e_files[0].exists()


def test_the_kernel_sources_are_the_engine_and_wta_packages() -> None:
    names = {p.relative_to(p.parents[1]).as_posix() for p in cache.sources()}
    for module in ("engine/kernel.py", "engine/motion.py", "engine/sensing.py",
                   "engine/engagement.py", "engine/c2.py", "engine/rng.py",
                   "wta/asset_based.py", "skyshield/contract.py"):
        assert module in names


def test_the_real_kernel_has_a_current_stamp() -> None:
    from skyshield.engine.kernel import replication

    folder = cache.cache_dirs([replication])[0]
    assert (folder / cache.STAMP).read_text().strip() == cache.digest()
