"""The connection to PostgreSQL drops after the server committed: bsr-map finds out and tells the truth."""

from __future__ import annotations

import pytest

from bsr_map.store.base import records_by_id
from bsr_map.store.postgis_store import PostgisStore
from bsr_map.workspace.document import Workspace, WorkspaceError
from tests.faults.dropping_proxy import CommitDroppingProxy
from tests.faults.savers import edit_field

AGENCY = "ee-invest-in-estonia"


@pytest.fixture
def shared_database(pg_url, bundled):
    from bsr_map.store import changes_between
    from bsr_map.store.base import Snapshot

    store = PostgisStore(pg_url)
    store.apply(changes_between(Snapshot(bundled.iloc[:0], {}), bundled))
    store.close()
    return pg_url


@pytest.fixture
def proxy(pg_server):
    proxy = CommitDroppingProxy("127.0.0.1", pg_server.port)
    yield proxy
    proxy.close()


def through(url: str, proxy: CommitDroppingProxy) -> str:
    host_port = url.split("@", 1)[1].split("/", 1)[0]
    return url.replace(host_port, f"127.0.0.1:{proxy.port}") + "?sslmode=disable"


def test_a_save_whose_commit_answer_is_lost_is_reported_saved_and_the_next_save_does_not_conflict(
    shared_database, proxy
):
    workspace = Workspace()
    assert workspace.open(through(shared_database, proxy))
    edit_field(workspace, AGENCY, "description", "Saved while the network failed.")
    proxy.armed = True
    outcome = workspace.save()
    assert proxy.dropped.is_set()  # the connection really was lost after the commit
    assert outcome.saved and "Saved 1" in outcome.message and not workspace.is_dirty
    direct = PostgisStore(shared_database)
    assert records_by_id(direct.load().directory)[AGENCY]["description"] == "Saved while the network failed."
    direct.close()
    edit_field(workspace, AGENCY, "description", "And saved again.")  # against the version it really has now
    assert workspace.save().saved
    workspace.close()


def test_when_it_cannot_be_known_whether_a_save_went_through_it_says_so_and_saving_again_is_safe(
    shared_database, proxy, monkeypatch
):
    workspace = Workspace()
    assert workspace.open(through(shared_database, proxy))
    edit_field(workspace, AGENCY, "description", "Saved while the network failed.")
    proxy.armed = True
    with monkeypatch.context() as m:
        m.setattr(PostgisStore, "_committed", lambda _store, _transaction: None)  # the server cannot be asked
        with pytest.raises(WorkspaceError, match="whether the save went through cannot be known"):
            workspace.save()
    assert workspace.is_dirty  # the edit is still here
    asked = []
    outcome = workspace.save(settle=lambda conflicts, _where: asked.append(conflicts))
    assert outcome.saved and asked == []  # its own saved edit is recognised, not shown as a conflict
    edit_field(workspace, AGENCY, "description", "And saved again.")
    assert workspace.save(settle=lambda conflicts, _where: asked.append(conflicts)).saved and asked == []
    direct = PostgisStore(shared_database)
    assert records_by_id(direct.load().directory)[AGENCY]["description"] == "And saved again."
    direct.close()
    workspace.close()
