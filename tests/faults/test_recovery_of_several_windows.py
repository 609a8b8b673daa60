"""Several windows with unsaved edits; one is killed: its edits are offered at the next start, whatever the others do."""

from __future__ import annotations

import os
import signal
import time

from bsr_map.workspace import recovery
from bsr_map.workspace.document import Workspace
from tests.faults.savers import bundled_geopackage, edit_and_wait


def test_a_killed_windows_edits_survive_another_windows_save(spawn, tmp_path, monkeypatch):
    monkeypatch.setenv("BSR_MAP_SETTINGS_DIR", str(tmp_path / "settings"))  # inherited by the spawned windows
    shared, other = tmp_path / "shared.gpkg", tmp_path / "other.gpkg"
    for path in (shared, other):
        bundled_geopackage(path)
    ready, go = spawn.Queue(), spawn.Event()
    windows = {
        "killed": spawn.Process(
            target=edit_and_wait, args=(str(shared), "ee-invest-in-estonia", "Lost?", "be killed", ready, go)
        ),
        "saves": spawn.Process(
            target=edit_and_wait, args=(str(shared), "fi-business-finland", "Saved.", "save", ready, go)
        ),
        "closes": spawn.Process(
            target=edit_and_wait, args=(str(other), "pl-paih", "Dropped on purpose.", "close", ready, go)
        ),
    }
    for window in windows.values():
        window.start()
    assert sorted(ready.get(timeout=60) for _ in windows) == ["be killed", "close", "save"]  # edits written aside
    time.sleep(0.2)  # the killed window is past its report, asleep
    os.kill(windows["killed"].pid, signal.SIGKILL)
    windows["killed"].join()
    go.set()
    for name in ("saves", "closes"):
        windows[name].join(timeout=60)
        assert windows[name].exitcode == 0
    offered = recovery.pending_recovery()  # the next start
    assert offered is not None and offered.source == str(shared)
    assert [(e["id"], e["record"]["description"]) for e in offered.entries] == [("ee-invest-in-estonia", "Lost?")]
    workspace = Workspace()
    assert workspace.restore_recovery(offered) == 1
    assert workspace.save().saved  # the killed window's edit lands next to the other window's save
    assert workspace.model.record("fi-business-finland")["description"] == "Saved."
    assert workspace.model.record("ee-invest-in-estonia")["description"] == "Lost?"
    workspace.close()
    assert recovery.pending_recovery() is None  # nothing else was left to offer
