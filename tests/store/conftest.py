"""Fixtures for the storage tests: every test runs against a GeoPackage file and a real PostGIS server."""

from __future__ import annotations

import itertools
import os
import secrets
import tempfile
from pathlib import Path

import pytest

from bsr_map.store.local_server import LocalServer, free_port

_NUMBERS = itertools.count()


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL + PostGIS server on loopback for this test session, with a template database."""
    folder = Path(tempfile.mkdtemp(prefix="bsr-map-pg-"))
    folder.chmod(0o755)
    server = LocalServer(folder, free_port())
    server.init()
    server.start()
    password = secrets.token_urlsafe(12)
    server.password = password
    server.role = "bsr_editor"
    server.psql(f"CREATE ROLE {server.role} LOGIN CREATEDB PASSWORD '{password}'")
    server.psql(f"CREATE DATABASE bsr_template OWNER {server.role}")
    server.psql("CREATE EXTENSION postgis", database="bsr_template")
    previous = os.environ.get("PGPASSWORD")
    os.environ["PGPASSWORD"] = password  # libpq reads it: the URLs carry no password
    yield server
    server.stop("immediate")
    if previous is None:
        os.environ.pop("PGPASSWORD", None)
    else:
        os.environ["PGPASSWORD"] = previous


@pytest.fixture
def pg_url(pg_server):
    """The URL of a fresh, empty database with the bsr-map schema."""
    from bsr_map.store.postgis_store import PostgisStore

    name = f"bsr_test_{next(_NUMBERS)}"
    pg_server.psql(f"CREATE DATABASE {name} TEMPLATE bsr_template OWNER {pg_server.role}")
    url = f"postgresql://{pg_server.role}@127.0.0.1:{pg_server.port}/{name}"
    store = PostgisStore(url)
    store.create_schema()
    store.close()
    return url


@pytest.fixture(params=["gpkg", "postgis"])
def open_session(request, tmp_path):
    """A function opening a new session (a new store object) on one fresh, empty shared directory."""
    from bsr_map.store import open_store

    location = str(tmp_path / "shared.gpkg") if request.param == "gpkg" else request.getfixturevalue("pg_url")
    sessions = []

    def open_() :
        store = open_store(location)
        sessions.append(store)
        return store

    open_.kind = request.param
    yield open_
    for store in sessions:
        store.close()
