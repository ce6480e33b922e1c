"""Project-wide test settings and fixtures (the helpers themselves are in ``testkit``).

On CI (``CI=true``) Hypothesis runs derandomized: the same examples every run, so a red CI
always reproduces; local runs keep exploring new examples.

Tests marked ``wta_data`` read the published WTA instances of ``../shared/wta`` (beside the
checkout, or ``$SKYSHIELD_WTA_DATA``). Without them they are skipped, with the reason; with
``SKYSHIELD_REQUIRE_DATA=1`` (set by ``.ci/run``, whose machine has ``../shared``) a missing
copy is an error instead, so that CI cannot pass by skipping them.
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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from skyshield.wta.bench import DATA

    if DATA.is_dir():
        return
    marked = [item for item in items if item.get_closest_marker("wta_data")]
    if not marked:
        return
    if os.environ.get("SKYSHIELD_REQUIRE_DATA") == "1":
        raise pytest.UsageError(f"SKYSHIELD_REQUIRE_DATA=1 but the published WTA instances "
                                f"are not at {DATA}")
    skip = pytest.mark.skip(reason=f"the published WTA instances are not at {DATA} "
                                   "(../shared/wta beside the checkout, or $SKYSHIELD_WTA_DATA)")
    for item in marked:
        item.add_marker(skip)


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
