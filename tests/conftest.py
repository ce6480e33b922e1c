"""Project-wide test settings and fixtures (the helpers themselves are in ``testkit``).

On CI (``CI=true``) Hypothesis runs derandomized: the same examples every run, so a red CI
always reproduces; local runs keep exploring new examples.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

import testkit

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository's root folder (absolute): ``root / "examples" / ...``."""
    return testkit.ROOT


@pytest.fixture(scope="session")
def flagship() -> Any:
    """The flagship scenario, ``examples/vip-transit.yaml`` (frozen: share it freely)."""
    return testkit.load_flagship()


@pytest.fixture(scope="session")
def flagship_small() -> Any:
    """The cut-down flagship (:func:`testkit.flagship_small`)."""
    return testkit.flagship_small()


@pytest.fixture(scope="session")
def outcomes_equal() -> Callable[[Any, Any], None]:
    """:func:`testkit.assert_outcomes_equal`."""
    return testkit.assert_outcomes_equal
