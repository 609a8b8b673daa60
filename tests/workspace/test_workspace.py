"""The open document: one save path through the store, conflicts settled by a callback, against both back ends."""

from __future__ import annotations

import sqlite3

import pyogrio
import pytest

from bsr_map.store import open_store
from bsr_map.store.base import records_by_id
from bsr_map.store.conflicts import MINE, THEIRS, merge_record
from bsr_map.store.offline import copy_source, offline_changes, sync, take_offline
from bsr_map.workspace.document import NeedsLocation, Workspace, WorkspaceError
from bsr_map.workspace.sources import Kind
from tests.workspace.conftest import delete, edit

AGENCY = "ee-invest-in-estonia"


def stored(location, agency_id=AGENCY):
    store = open_store(location)
    try:
        return records_by_id(store.load().directory).get(agency_id)
    finally:
        store.close()


def test_a_save_sends_only_the_edited_agency_against_its_version(shared, open_workspace):
    workspace = open_workspace(shared)
    edit(workspace, AGENCY, phone="+372 666 0000")
    changes = workspace.changes()
    assert [r["id"] for r, _ in changes.upserts] == [AGENCY] and not changes.deletes
    assert workspace.is_dirty
    outcome = workspace.save()
    assert outcome.saved and outcome.count == 1 and not workspace.is_dirty
    assert stored(shared)["phone"] == "+372 666 0000"
    assert not workspace.changes()  # saved: nothing left to send
    edit(workspace, AGENCY, phone="+372 666 1111")  # the next edit is made from the saved version
    assert workspace.save().saved and stored(shared)["phone"] == "+372 666 1111"


def test_a_colleagues_save_is_never_overwritten_without_a_conflict(shared, open_workspace):
    mine, theirs = open_workspace(shared), open_workspace(shared)
    edit(theirs, AGENCY, phone="+372 666 0000", city="Tartu")
    theirs.save()
    edit(mine, AGENCY, city="Narva", description="Checked at the fair.")
    shown = []
    outcome = mine.save(lambda conflicts, where: shown.append(conflicts) and None)
    assert not outcome.saved and mine.is_dirty  # nothing saved, my edit still here
    (conflict,) = shown[0]
    assert set(conflict.differing_fields()) == {"phone", "city", "description"}
    assert stored(shared)["city"] == "Tartu"
    # settled field by field: their phone, my city and description
    outcome = mine.save(
        lambda conflicts, where: {
            AGENCY: merge_record(conflicts[0], {"phone": THEIRS, "city": MINE, "description": MINE})
        }
    )
    assert outcome.saved and outcome.settled == [AGENCY]
    record = stored(shared)
    assert (record["phone"], record["city"], record["description"]) == (
        "+372 666 0000",
        "Narva",
        "Checked at the fair.",
    )
    assert mine.history.undo_text == "Settle conflicts with others' changes"


def test_edits_to_different_agencies_both_land(shared, open_workspace):
    mine, theirs = open_workspace(shared), open_workspace(shared)
    other = "fi-business-finland"
    edit(theirs, other, phone="+358 29 505 1111")
    edit(mine, AGENCY, phone="+372 666 0000")
    assert theirs.save().saved and mine.save().saved  # no conflict: different agencies
    assert stored(shared, other)["phone"] == "+358 29 505 1111" and stored(shared)["phone"] == "+372 666 0000"


def test_keeping_my_edit_of_an_agency_someone_deleted_brings_it_back(shared, open_workspace):
    mine, theirs = open_workspace(shared), open_workspace(shared)
    delete(theirs, AGENCY)
    theirs.save()
    edit(mine, AGENCY, phone="+372 123 4567")
    outcome = mine.save(lambda conflicts, where: {AGENCY: merge_record(conflicts[0], MINE)})
    assert outcome.saved and stored(shared)["phone"] == "+372 123 4567"
    store = open_store(shared)
    assert AGENCY not in {d.record["id"] for d in store.deleted()}
    assert [e.action for e in store.history(AGENCY)][-2:] == ["delete", "restore"]
    store.close()


def test_accepting_their_change_over_my_deletion_saves_nothing_and_keeps_theirs(shared, open_workspace):
    mine, theirs = open_workspace(shared), open_workspace(shared)
    edit(theirs, AGENCY, phone="+372 666 0000")
    theirs.save()
    delete(mine, AGENCY)
    outcome = mine.save(lambda conflicts, where: {AGENCY: merge_record(conflicts[0], THEIRS)})
    assert outcome.saved and outcome.count == 0
    assert mine.model.record(AGENCY)["phone"] == "+372 666 0000" and stored(shared)["phone"] == "+372 666 0000"


def test_a_settlement_undone_is_checked_again_not_saved_over_theirs(shared, open_workspace):
    """Settling makes the store's version the base only when the save succeeds."""
    mine, theirs = open_workspace(shared), open_workspace(shared)
    edit(theirs, AGENCY, email="info@example.ee")
    theirs.save()
    edit(mine, AGENCY, city="Narva")
    rounds = []

    def settle(conflicts, where):
        rounds.append(conflicts)
        if len(rounds) == 1:  # while I choose, they save again
            edit(theirs, AGENCY, phone="+372 555 1234")
            theirs.save()
            return {AGENCY: merge_record(conflicts[0], {"email": THEIRS, "city": MINE})}
        return None  # the second time, I give up

    assert not mine.save(settle).saved and len(rounds) == 2
    assert mine.model.record(AGENCY)["email"] == "info@example.ee"  # the settlement is an edit here
    mine.undo()  # undone: my original edit, made from the version I loaded
    assert mine.model.record(AGENCY)["city"] == "Narva" and mine.model.record(AGENCY)["email"] != "info@example.ee"
    assert not mine.save().saved  # refused again, not saved over theirs
    record = stored(shared)
    assert (record["email"], record["phone"], record["city"]) == (
        "info@example.ee",
        "+372 555 1234",
        stored(shared)["city"],
    )
    assert record["city"] != "Narva"


def test_the_bundled_directory_and_imported_files_are_saved_as_a_new_geopackage(tmp_path, open_workspace):
    workspace = open_workspace(None)
    assert workspace.source.kind is Kind.BUNDLED
    edit(workspace, AGENCY, phone="+372 666 0000")
    with pytest.raises(NeedsLocation):
        workspace.save()
    with pytest.raises(WorkspaceError, match="GeoPackage"):
        workspace.save_as(tmp_path / "mine.csv")
    workspace.save_as(tmp_path / "mine.gpkg")
    assert workspace.source.kind is Kind.GEOPACKAGE and not workspace.is_dirty
    assert stored(str(tmp_path / "mine.gpkg"))["phone"] == "+372 666 0000"
    edit(workspace, AGENCY, phone="+372 666 1111")  # from now on saved in place
    workspace.save()
    assert stored(str(tmp_path / "mine.gpkg"))["phone"] == "+372 666 1111"
    copy = workspace.save_copy(tmp_path / "for-excel.xlsx")
    assert copy.is_file() and workspace.source.location.endswith("mine.gpkg")  # a copy does not switch


def test_saving_an_offline_copy_keeps_it_mergeable(shared, tmp_path, open_workspace):
    """The reported loss: the window's Save dropped the sync table and the fair's edits never came back."""
    fair = tmp_path / "fair.gpkg"
    store = open_store(shared)
    take_offline(store, fair)
    workspace = open_workspace(fair)
    assert workspace.source.kind is Kind.OFFLINE
    edit(workspace, AGENCY, description="Said at the fair.")
    assert workspace.save().saved
    assert copy_source(fair) == store.location  # still an offline copy of the shared directory
    assert {"agencies", "bsr_map_sync"} <= {name for name, _ in pyogrio.list_layers(fair)}
    assert [r["id"] for r, _ in offline_changes(fair).upserts] == [AGENCY]
    report = sync(fair, store)
    assert report.ok and report.sent == [AGENCY]
    assert stored(shared)["description"] == "Said at the fair."
    store.close()


def test_saving_a_geopackage_store_keeps_deleted_agencies_and_audit(tmp_path, bundled, open_workspace):
    path = tmp_path / "shared.gpkg"
    first = Workspace()
    first.open(None)
    first.save_as(path)
    first.close()
    workspace = open_workspace(path)
    delete(workspace, AGENCY)
    workspace.save()
    edit(workspace, "fi-business-finland", phone="+358 29 505 1111")
    workspace.save()  # a later save keeps what the earlier one recorded
    assert [d.record["id"] for d in workspace.deleted()] == [AGENCY]
    workspace.restore_deleted([AGENCY])
    assert workspace.model.record(AGENCY)["id"] == AGENCY
    with sqlite3.connect(path) as conn:
        actions = [row[0] for row in conn.execute("SELECT action FROM audit ORDER BY fid")]
    assert actions == ["delete", "update", "restore"]


def test_merging_an_offline_copy_through_the_workspace(shared, tmp_path, open_workspace):
    fair = tmp_path / "fair.gpkg"
    office = open_workspace(shared)
    office.take_offline(fair)
    at_fair = open_workspace(fair)
    edit(at_fair, AGENCY, description="Said at the fair.", phone="+372 555 0000")
    at_fair.save()
    edit(office, AGENCY, description="Said in the office.")
    office.save()
    seen = []
    report = office.merge_offline(
        fair,
        lambda conflicts, where: (
            seen.append(conflicts) or {AGENCY: merge_record(conflicts[0], {"description": THEIRS, "phone": MINE})}
        ),
    )
    assert report.ok and report.sent == [AGENCY] and len(seen) == 1
    record = office.model.record(AGENCY)  # the open shared directory was reloaded
    assert (record["description"], record["phone"]) == ("Said in the office.", "+372 555 0000")
    assert office.merge_offline(fair).sent == []  # nothing left in the copy


def test_a_file_opened_twice_is_read_only_the_second_time_unless_taken_over(tmp_path):
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "shared.gpkg"
    setup = Workspace()
    setup.open(None)
    setup.save_as(path)
    setup.close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from bsr_map.workspace.document import Workspace
            w = Workspace(); w.open({str(path)!r}); print("open", flush=True); sys.stdin.read()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        second = Workspace()
        second.open(path, take_over_lock=lambda holder: False)
        assert second.read_only and second.lock_holder.pid == holder.pid
        edit(second, AGENCY, phone="+372 666 0000")
        with pytest.raises(WorkspaceError, match="read-only"):
            second.save()
        second.close()
    finally:
        holder.communicate("")
    assert stored(str(path))["phone"] != "+372 666 0000"


def test_the_valid_rows_of_a_bad_file_open_as_a_new_directory_that_never_overwrites_the_file(tmp_path, open_workspace):
    source = tmp_path / "agencies.csv"
    setup = open_workspace(None)
    setup.save_copy(source)
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("EE", "XX", 1) if ",EE," in lines[3] else lines[3].replace(",", ",not-a-country,", 1)
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = source.read_bytes()
    shown = []
    workspace = open_workspace(source, accept_problems=lambda result: shown.append(result) or True)
    assert shown and shown[0].problems  # the person was shown the problem and chose the valid rows
    assert workspace.rows_left_out == 1 and len(workspace.directory) == len(lines) - 2
    assert workspace.describe() == "New directory from agencies.csv, 1 bad rows left out (not saved)"
    edit(workspace, workspace.directory["id"].iloc[0], phone="+372 666 0000")
    with pytest.raises(NeedsLocation):  # Save asks where
        workspace.save()
    for target in (source, tmp_path / "." / "agencies.csv"):
        with pytest.raises(WorkspaceError, match="agencies.csv"):
            workspace.save_copy(target)
    assert source.read_bytes() == before  # the file with all its rows is untouched
    workspace.save_as(tmp_path / "agencies.gpkg")
    assert workspace.describe() == "agencies.gpkg" and workspace.rows_left_out == 0
    assert source.read_bytes() == before
