"""Fixtures of the engine tests."""

from __future__ import annotations

import pytest
from engine_scenarios import build as _build


@pytest.fixture(scope="session")
def build():
    return _build
