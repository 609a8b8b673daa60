"""The window on a shared PostGIS directory: open by URL, save with conflicts settled field by field,
a server that goes away, offline copies taken and merged back."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from bsr_map.directory.model import directory_from_records
from bsr_map.workspace.edits import change_edit, records_by_id as model_records
from bsr_map.store.base import records_by_id
from bsr_map.store.gpkg_store import GeoPackageStore
from bsr_map.store.postgis_store import PostgisStore
from bsr_map.store.session import MINE, THEIRS, EditSession

from tests.store.test_stores import edited, seed

AGENCY = "ee-invest-in-estonia"


@pytest.fixture
def shared(pg_url, bundled_directory):
    """A shared database holding the bundled directory."""
    store = PostgisStore(pg_url)
    seed(store, bundled_directory)
    store.close()
    return pg_url


@pytest.fixture
def warnings(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args, **kwargs: shown.append(args[2]))
    return shown


def edit_in_window(window, agency_id, **values):
    record, = model_records(window.model, [agency_id])
    window.editing.push(change_edit(record, {**record, **values}))


def test_a_database_url_opens_like_a_file_and_is_remembered_without_password(window, shared, pg_server,
                                                                             warnings):
    with_password = shared.replace(f"{pg_server.role}@", f"{pg_server.role}:{pg_server.password}@")
    assert window.open_directory(with_password) is True
    assert len(window.model.directory) == 67 and window.session is not None and warnings == []
    assert shared in window.windowTitle() and pg_server.password not in window.windowTitle()
    assert window.recent_files()[0] == shared  # remembered without the password
    assert window.reload_action.isEnabled() and window.take_offline_action.isEnabled()
    assert window.recent_menu.actions()[0].text() == shared


def test_password_is_asked_for_and_not_stored(window, shared, pg_server, monkeypatch, warnings):
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")
    asked = []
    monkeypatch.setattr(window, "ask_password", lambda where: asked.append(where) or pg_server.password)
    assert window.open_directory(shared) is True
    assert asked == [shared] and warnings == []
    settings_text = window.settings.fileName()
    window.settings.sync()
    with open(settings_text, encoding="utf-8") as fh:
        assert pg_server.password not in fh.read()


def test_a_conflicting_save_shows_both_versions_and_saves_the_choice(window, shared, warnings):
    window.open_directory(shared)
    edit_in_window(window, AGENCY, city="Narva", description="Checked at the fair.")
    other = EditSession(PostgisStore(shared))
    other.save(edited(other.snapshot, AGENCY, phone="+372 666 0000", city="Tartu"))

    shown = []

    def settle(conflicts, where):
        from bsr_map.qt.conflict_dialog import ConflictDialog

        dialog = ConflictDialog(conflicts, where, window)
        shown.append(dialog)
        rows = {dialog._groups[(AGENCY, name)].buttons()[0].text(): dialog._groups[(AGENCY, name)].buttons()[1].text()
                for name in dialog.fields(conflicts[0])}
        assert rows == {"Narva": "Tartu", "Checked at the fair.": other.directory.set_index("id").loc[
            AGENCY, "description"], model_records(window.model, [AGENCY])[0]["phone"] or "—": "+372 666 0000"}
        dialog.choose(AGENCY, "phone", THEIRS)
        return dialog.settled()

    window.editing.settle_conflicts = settle
    assert window.editing.save() is True and len(shown) == 1 and warnings == []
    stored = records_by_id(PostgisStore(shared).load().directory)[AGENCY]
    assert (stored["city"], stored["phone"], stored["description"]) == ("Narva", "+372 666 0000",
                                                                         "Checked at the fair.")
    mine, = model_records(window.model, [AGENCY])
    assert (mine["city"], mine["phone"]) == ("Narva", "+372 666 0000")
    assert window.editing.undo_stack.isClean() and not window.isWindowModified()


def test_cancelling_the_conflict_dialog_saves_nothing_and_keeps_the_edit(window, shared, warnings):
    window.open_directory(shared)
    edit_in_window(window, AGENCY, city="Narva")
    other = EditSession(PostgisStore(shared))
    other.save(edited(other.snapshot, AGENCY, city="Tartu"))
    window.editing.settle_conflicts = lambda conflicts, where: None
    assert window.editing.save() is False
    assert records_by_id(PostgisStore(shared).load().directory)[AGENCY]["city"] == "Tartu"
    assert model_records(window.model, [AGENCY])[0]["city"] == "Narva" and not window.editing.undo_stack.isClean()


def test_a_server_that_goes_away_keeps_the_edit_in_the_window(window, shared, pg_server, warnings):
    window.open_directory(shared)
    edit_in_window(window, AGENCY, phone="+372 111 2222")
    pg_server.stop("immediate")
    try:
        assert window.editing.save() is False
    finally:
        pg_server.start()
    assert len(warnings) == 1 and "Nothing was saved" in warnings[0] and shared in warnings[0]
    assert model_records(window.model, [AGENCY])[0]["phone"] == "+372 111 2222"
    assert not window.editing.undo_stack.isClean()
    assert records_by_id(PostgisStore(shared).load().directory)[AGENCY]["phone"] != "+372 111 2222"
    assert window.editing.save() is True  # the same edit, once the server is back
    assert records_by_id(PostgisStore(shared).load().directory)[AGENCY]["phone"] == "+372 111 2222"


def test_take_an_offline_copy_of_the_filter_edit_it_and_merge_it_back(window, shared, tmp_path, warnings):
    window.open_directory(shared)
    window.model.toggle("countries", "EE")
    copy = tmp_path / "fair.gpkg"
    assert window.take_offline_copy(copy, only_filtered=True) is True
    offline = GeoPackageStore(copy)
    snapshot = offline.load()
    assert set(snapshot.directory["country"]) == {"EE"} and len(snapshot.directory) == window.model.count
    offline.apply(EditSession(offline).changes(edited(snapshot, AGENCY, description="Updated at the fair.")))
    assert window.merge_offline_copy(copy) is True and warnings == []
    assert records_by_id(PostgisStore(shared).load().directory)[AGENCY]["description"] == "Updated at the fair."
    assert model_records(window.model, [AGENCY])[0]["description"] == "Updated at the fair."  # reloaded


def test_a_file_that_is_not_an_offline_copy_is_refused_by_name(window, shared, tmp_path, warnings,
                                                               bundled_directory):
    from bsr_map.directory import write_directory

    window.open_directory(shared)
    plain = write_directory(bundled_directory, tmp_path / "plain.gpkg")
    assert window.merge_offline_copy(plain) is False
    assert len(warnings) == 1 and "plain.gpkg is not an offline copy" in warnings[0]


def test_deleted_agencies_are_listed_with_who_and_when_and_restored(window, shared, warnings):
    from bsr_map.workspace.edits import delete_edit
    from bsr_map.qt.deleted_dialog import DeletedAgenciesDialog

    window.open_directory(shared)
    record, = model_records(window.model, [AGENCY])
    window.editing.push(delete_edit([record]))
    assert window.editing.save() is True and AGENCY not in set(window.model.directory["id"])

    def choose(deleted):
        dialog = DeletedAgenciesDialog(deleted, window.session.location, window)
        row = [d.record["id"] for d in deleted].index(AGENCY)
        assert dialog.table.item(row, 0).text() == record["name"] and dialog.table.item(row, 2).text() == "bsr_editor"
        assert not dialog.restore_button.isEnabled()
        dialog.select_ids([AGENCY])
        assert dialog.restore_button.isEnabled()
        return dialog.selected_ids()

    window.choose_deleted = choose
    assert window.show_deleted() is True and warnings == []
    assert model_records(window.model, [AGENCY])[0]["name"] == record["name"]
    assert [e.action for e in PostgisStore(shared).history(AGENCY)][-2:] == ["delete", "restore"]


def crash_with_edit(window, monkeypatch):
    """Write the recovery copy as the timer does, then make the window as a fresh start finds it."""
    window.editing.write_recovery_now()
    window.close_session()
    window.model.set_directory(window.model.directory.iloc[:0])
    window.editing.directory_replaced()
    monkeypatch.setattr("bsr_map.workspace.recovery._alive", lambda pid: False)  # as if the writing process had died


def test_unsaved_edits_to_a_shared_directory_come_back_after_a_crash(window, shared, monkeypatch, warnings):
    """Only the edits come back, against the versions they were made from: others' later work is kept."""
    window.open_directory(shared)
    edit_in_window(window, AGENCY, phone="+372 999 8888")
    crash_with_edit(window, monkeypatch)
    other = EditSession(PostgisStore(shared))  # after the crash, a colleague saves other changes
    changed = edited(other.snapshot, "ee-tehnopol", phone="+372 777 0000")
    added = {**records_by_id(changed)["ee-tehnopol"], "id": "ee-new-office", "name": "New Office Tallinn"}
    other.save(directory_from_records([*records_by_id(changed).values(), added]))
    monkeypatch.setattr(window.editing, "ask_restore", lambda recovery: recovery.source == shared)
    assert window.editing.offer_recovery() is True
    assert window.session is not None and window.session.location == shared
    assert model_records(window.model, [AGENCY])[0]["phone"] == "+372 999 8888"
    assert not window.editing.undo_stack.isClean()
    assert window.editing.save() is True and warnings == []
    stored = records_by_id(PostgisStore(shared).load().directory)
    assert stored[AGENCY]["phone"] == "+372 999 8888"
    assert stored["ee-tehnopol"]["phone"] == "+372 777 0000" and "ee-new-office" in stored  # not reverted


def test_a_restored_edit_of_an_agency_changed_since_is_a_conflict(window, shared, monkeypatch, warnings):
    window.open_directory(shared)
    edit_in_window(window, AGENCY, phone="+372 999 8888")
    crash_with_edit(window, monkeypatch)
    other = EditSession(PostgisStore(shared))
    other.save(edited(other.snapshot, AGENCY, phone="+372 777 0000"))
    monkeypatch.setattr(window.editing, "ask_restore", lambda recovery: True)
    assert window.editing.offer_recovery() is True
    shown = []
    window.editing.settle_conflicts = lambda conflicts, where: shown.append(conflicts) and None
    assert window.editing.save() is False and len(shown) == 1
    assert shown[0][0].theirs["phone"] == "+372 777 0000" and shown[0][0].mine["phone"] == "+372 999 8888"
    assert records_by_id(PostgisStore(shared).load().directory)[AGENCY]["phone"] == "+372 777 0000"
    # Settled (mine), the restored edit is saved against their version, not refused again.
    from bsr_map.store.session import merge_record

    window.editing.settle_conflicts = lambda conflicts, where: shown.append(conflicts) or {
        AGENCY: merge_record(conflicts[0], MINE)}
    assert window.editing.save() is True and len(shown) == 2 and warnings == []
    assert records_by_id(PostgisStore(shared).load().directory)[AGENCY]["phone"] == "+372 999 8888"


def test_a_recovery_copy_for_a_database_that_is_away_is_kept_for_later(window, shared, pg_server, monkeypatch,
                                                                       warnings):
    from bsr_map.workspace.recovery import pending_recovery

    window.open_directory(shared)
    edit_in_window(window, AGENCY, phone="+372 999 8888")
    crash_with_edit(window, monkeypatch)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args, **kwargs: told.append(args[2]))
    monkeypatch.setattr(window.editing, "ask_restore", lambda recovery: True)
    pg_server.stop("immediate")
    try:
        assert window.editing.offer_recovery() is False
    finally:
        pg_server.start()
    assert len(told) == 1 and "kept in" in told[0] and len(warnings) == 1  # cannot reach the database
    window.editing.write_recovery_now()  # this run's own copy does not replace the kept one
    kept = pending_recovery()
    assert kept is not None and kept.directory_file.parent.name == "kept" and kept.source == shared
    assert window.editing.offer_recovery() is True  # the database is back
    assert model_records(window.model, [AGENCY])[0]["phone"] == "+372 999 8888"
    assert not kept.directory_file.exists()


def test_undoing_a_settlement_that_was_not_saved_asks_again(window, shared, pg_server, warnings):
    """A settled conflict whose save did not go through is checked again, never saved over theirs."""
    from bsr_map.store.session import merge_record

    window.open_directory(shared)
    edit_in_window(window, AGENCY, city="Narva")
    other = EditSession(PostgisStore(shared))
    other.save(edited(other.snapshot, AGENCY, email="info@example.ee"))
    rounds = []

    def settle(conflicts, where):
        rounds.append(conflicts)
        if len(rounds) == 1:
            pg_server.stop("immediate")  # the save with the settlement will not go through
            return {AGENCY: merge_record(conflicts[0], {"email": THEIRS})}
        return None

    window.editing.settle_conflicts = settle
    try:
        assert window.editing.save() is False and len(rounds) == 1 and "Nothing was saved" in warnings[0]
    finally:
        pg_server.start()
    window.editing.undo_stack.undo()  # the settlement; my own edit (city) stays
    assert model_records(window.model, [AGENCY])[0]["city"] == "Narva"
    assert window.editing.save() is False and len(rounds) == 2  # asked again, not saved over theirs
    assert records_by_id(PostgisStore(shared).load().directory)[AGENCY]["email"] == "info@example.ee"


def test_an_offline_copy_into_a_missing_folder_is_a_message_not_a_crash(window, shared, tmp_path, warnings):
    window.open_directory(shared)
    assert window.take_offline_copy(tmp_path / "no-such-folder" / "fair.gpkg") is False
    assert len(warnings) == 1 and "fair.gpkg" in warnings[0]
    assert not (tmp_path / "no-such-folder").exists()


@pytest.mark.parametrize("address", [
    "postgresql://bsr_editor:s3cret@127.0.0.1:notaport/db",
    "postgresql://bsr_editor@127.0.0.1:{port}/db?password=s3cret&nonsense=1",
    "postgresql+nodriver://bsr_editor:s3cret@127.0.0.1:{port}/db",
    "postgresql://bsr_editor:s3cret@127.0.0.1:{port}/no_such_database",
])
def test_a_bad_database_address_is_a_message_without_the_password(window, pg_server, address, warnings,
                                                                  monkeypatch):
    from PySide6.QtWidgets import QApplication

    monkeypatch.setattr(window, "ask_password", lambda where: None)  # a wrong password: the user gives up
    assert window.open_directory(address.format(port=pg_server.port)) is False
    assert len(warnings) == 1 and "s3cret" not in warnings[0] and "bsr_editor" in warnings[0]
    assert QApplication.overrideCursor() is None  # the wait cursor is gone
    assert window.session is None and not any("s3cret" in entry for entry in window.recent_files())


def test_a_password_in_the_address_is_never_shown_or_remembered(window, shared, pg_server, warnings):
    address = f"{shared}?password={pg_server.password}"
    assert window.open_directory(address) is True and warnings == []
    assert pg_server.password not in window.windowTitle() and window.session.location == shared
    window.settings.sync()
    with open(window.settings.fileName(), encoding="utf-8") as fh:
        assert pg_server.password not in fh.read()


def test_a_server_that_goes_away_in_the_middle_of_a_save(window, shared, pg_server, warnings, monkeypatch):
    """The connection drops after the changes were sent, before the commit: nothing half-written, edit kept."""
    window.open_directory(shared)
    edit_in_window(window, AGENCY, phone="+372 111 2222")
    record, = model_records(window.model, ["ee-tehnopol"])
    from bsr_map.workspace.edits import delete_edit

    window.editing.push(delete_edit([record]))
    store, apply = window.session.store, window.session.store.apply
    monkeypatch.setattr(store, "apply", lambda changes: apply(changes, before_commit=lambda: pg_server.stop("immediate")))
    try:
        assert window.editing.save() is False
    finally:
        pg_server.start()
    assert len(warnings) == 1 and "Nothing was saved" in warnings[0]
    stored = records_by_id(PostgisStore(shared).load().directory)
    assert stored[AGENCY]["phone"] != "+372 111 2222" and "ee-tehnopol" in stored  # neither change landed
    assert model_records(window.model, [AGENCY])[0]["phone"] == "+372 111 2222"
    assert "ee-tehnopol" not in set(window.model.directory["id"]) and not window.editing.undo_stack.isClean()
    monkeypatch.setattr(store, "apply", apply)
    assert window.editing.save() is True
    stored = records_by_id(PostgisStore(shared).load().directory)
    assert stored[AGENCY]["phone"] == "+372 111 2222" and "ee-tehnopol" not in stored
