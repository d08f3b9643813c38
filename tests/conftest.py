"""Shared fixtures and the hypothesis profiles of the test suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from sahelmodel._paths import shared_dir

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def shared_path() -> Path:
    """The shared real-data folder; skips the test where it is absent."""
    path = shared_dir()
    if path is None:
        pytest.skip("../shared (real UCDP data) is not beside this checkout; set SAHELMODEL_SHARED")
    return path


@pytest.fixture(scope="session")
def ucdp_path(shared_path: Path) -> Path:
    """Path to the real UCDP GED Sahel file."""
    path = shared_path / "data" / "ucdp_ged_sahel.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="session")
def sicily_path(shared_path: Path) -> Path:
    """Path to the Sicily smoking-ban interrupted time series data."""
    path = shared_path / "reference" / "sicily" / "sicily.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path
