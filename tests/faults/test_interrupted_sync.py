"""An offline copy's merge killed after the shared store committed it, and run again."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from bsr_map.store import open_store
from bsr_map.store.base import records_by_id
from bsr_map.store.offline import offline_changes, sync, take_offline
from bsr_map.workspace.document import Workspace
from tests.faults.savers import bundled_geopackage, edit_field


@pytest.fixture(params=["gpkg", "postgis"])
def shared(request, tmp_path):
    if request.param == "gpkg":
        return bundled_geopackage(tmp_path / "shared.gpkg")
    from bsr_map.store import changes_between
    from bsr_map.store.base import Snapshot

    location = request.getfixturevalue("pg_url")
    store = open_store(location)
    bundled = request.getfixturevalue("bundled")
    store.apply(changes_between(Snapshot(bundled.iloc[:0], {}), bundled))
    store.close()
    return location


def test_a_merge_killed_after_its_commit_is_recognised_when_run_again(shared, tmp_path):
    store = open_store(shared)
    fair = take_offline(store, tmp_path / "fair.gpkg")
    store.close()
    booth = Workspace()
    booth.open(fair)
    edit_field(booth, "ee-invest-in-estonia", "description", "Edited at the fair.")
    edit_field(booth, "fi-business-finland", "description", "Also edited at the fair.")
    booth.save()
    booth.close()
    killed = subprocess.run(  # the merge commits, then the process dies before it can refresh the copy
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import os, signal
            from bsr_map.store import offline, open_store
            offline._write_copy = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
            offline.sync({str(fair)!r}, open_store({shared!r}))
        """),
        ],
        capture_output=True,
    )
    assert killed.returncode == -9
    store = open_store(shared)
    assert records_by_id(store.load().directory)["ee-invest-in-estonia"]["description"] == "Edited at the fair."
    assert len(offline_changes(fair)) == 2  # the copy still thinks its edits are unsent
    report = sync(fair, store)  # run again
    assert report.ok and report.conflicts == []
    assert report.merged_before == ["ee-invest-in-estonia", "fi-business-finland"]
    assert len(offline_changes(fair)) == 0  # the copy is refreshed: nothing left to send
    now = records_by_id(store.load().directory)
    assert now["fi-business-finland"]["description"] == "Also edited at the fair."
    store.close()
