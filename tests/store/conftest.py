"""Fixtures for the storage tests: every test runs against a GeoPackage file and a real PostGIS server
(``pg_server`` and ``pg_url`` are in the top-level conftest: the window's tests use them too)."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["gpkg", "postgis"])
def open_session(request, tmp_path):
    """A function opening a new session (a new store object) on one fresh, empty shared directory."""
    from bsr_map.store import open_store

    location = str(tmp_path / "shared.gpkg") if request.param == "gpkg" else request.getfixturevalue("pg_url")
    sessions = []

    def open_():
        store = open_store(location)
        sessions.append(store)
        return store

    open_.kind = request.param
    yield open_
    for store in sessions:
        store.close()
