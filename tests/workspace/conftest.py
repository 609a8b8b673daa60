from __future__ import annotations

import pytest

from bsr_map.store import changes_between, open_store
from bsr_map.store.base import Snapshot
from bsr_map.workspace.document import Workspace
from bsr_map.workspace.edits import Edit, change_edit


@pytest.fixture(params=["gpkg", "postgis"])
def shared(request, tmp_path, bundled):
    """A shared directory (a GeoPackage file, then a real PostGIS database) holding the bundled agencies."""
    location = str(tmp_path / "shared.gpkg") if request.param == "gpkg" else request.getfixturevalue("pg_url")
    store = open_store(location)
    store.apply(changes_between(Snapshot(bundled.iloc[:0], {}), bundled))
    store.close()
    return location


@pytest.fixture
def open_workspace():
    """Open a new workspace (as a new window or command would) on a location; all are closed afterwards."""
    opened = []

    def open_(location, **kwargs):
        workspace = Workspace()
        assert workspace.open(location, **kwargs)
        opened.append(workspace)
        return workspace

    yield open_
    for workspace in opened:
        workspace.close()


def edit(workspace, agency_id, **values):
    """Change fields of one agency, as the form does."""
    record = workspace.model.record(agency_id)
    workspace.push(change_edit(record, {**record, **values}))


def delete(workspace, agency_id):
    workspace.push(Edit("Delete", {agency_id: workspace.model.record(agency_id)}, {agency_id: None}))
