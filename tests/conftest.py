"""Test configuration: headless Qt and matplotlib, settings kept out of the user's home."""

from __future__ import annotations

import itertools
import os
import secrets
import tempfile
from pathlib import Path

# Set before Qt or matplotlib is imported anywhere in the test session.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["MPLBACKEND"] = "Agg"
os.environ.setdefault("BSR_MAP_SETTINGS_DIR", tempfile.mkdtemp(prefix="bsr-map-settings-"))

import pytest

from bsr_map.geo.basemap import load_basemap


@pytest.fixture(scope="session")
def basemap():
    """The bundled basemap, loaded once per test session."""
    return load_basemap()


@pytest.fixture(scope="session")
def bundled():
    """The bundled directory."""
    from bsr_map.directory import load_directory

    return load_directory()


_NUMBERS = itertools.count()


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL + PostGIS server on loopback for this test session, with a template database."""
    from bsr_map.devtools.local_postgres import LocalServer, free_port

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
