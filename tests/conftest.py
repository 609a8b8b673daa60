"""Test configuration: headless Qt and matplotlib, settings kept out of the user's home."""

from __future__ import annotations

import os
import tempfile

# Set before Qt or matplotlib is imported anywhere in the test session.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["MPLBACKEND"] = "Agg"
os.environ.setdefault("BSR_MAP_SETTINGS_DIR", tempfile.mkdtemp(prefix="bsr-map-settings-"))

import pytest  # noqa: E402

from bsr_map.basemap import load_basemap  # noqa: E402


@pytest.fixture(scope="session")
def basemap():
    """The bundled basemap, loaded once per test session."""
    return load_basemap()
