"""Fixtures shared by every test layer."""

from pathlib import Path

import pytest

from ml.config import QUICKDRAW_DATA_ENV, quickdraw_dir


@pytest.fixture(scope="session")
def quickdraw_data() -> Path:
    """The shared Quick, Draw! folder; tests needing it skip with a clear reason where it is absent."""
    path = quickdraw_dir()
    if not (path / "README.md").exists():
        pytest.skip(f"Quick, Draw! data not found at {path} (set ${QUICKDRAW_DATA_ENV} to its folder)")
    return path
