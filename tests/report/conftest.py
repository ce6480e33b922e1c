"""Fixtures of the report tests: run folders (hand-made and real) and a headless Chromium."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from report_fixtures import terrain_scenario, write_real_run

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run of the hostile scenario (read-only for the tests: copy it to write)."""
    return write_real_run(tmp_path_factory.mktemp("real") / "run")


@pytest.fixture(scope="session")
def terrain_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run of the flagship over hills, ``examples/vip-transit-terrain.yaml`` (two
    replications, both recorded; read-only for the tests)."""
    return write_real_run(tmp_path_factory.mktemp("terrain") / "run", replications=2,
                          seed=3, scenario=terrain_scenario())


@pytest.fixture
def run_copy(real_run: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "run"
    shutil.copytree(real_run, dst)
    return dst


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
