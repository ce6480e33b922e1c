"""``skyshield faults`` and ``skyshield sweep`` print the same JSON as before the clean-up of
the result objects: golden files made by the earlier code (``golden_json.py``; the only key
left out is the sweep's ``out``, a temporary folder)."""

from __future__ import annotations

from pathlib import Path

import golden_json
import pytest


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return golden_json.write_small(tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize("name", ["faults", "sweep"])
def test_json_equals_the_golden_file(name: str, small: Path, tmp_path: Path) -> None:
    got = golden_json.run(name, small, tmp_path)
    assert got == golden_json.GOLDEN[name].read_text(encoding="utf-8")
