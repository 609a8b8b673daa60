"""The window on a shared PostGIS directory: open by URL, save with conflicts settled field by field,
a server that goes away, offline copies taken and merged back."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from bsr_map.store.base import records_by_id
from bsr_map.store.postgis_store import PostgisStore
from bsr_map.workspace.document import Workspace
from bsr_map.workspace.edits import add_edit, delete_edit
from bsr_map.workspace.sources import Kind
from tests.qt.dialogs import answer_next_dialog
from tests.store.test_stores import seed
from tests.workspace.conftest import edit

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
    edit(window.workspace, agency_id, **values)


def record_in_window(window, agency_id):
    return window.model.record(agency_id)


def colleague(shared):
    """Another office's bsr-map on the same shared directory."""
    other = Workspace()
    other.open(shared)
    return other


def stored(shared):
    return records_by_id(PostgisStore(shared).load().directory)


def click_save(dialog):
    dialog.save_button.click()


def test_a_database_url_opens_like_a_file_and_is_remembered_without_password(window, shared, pg_server, warnings):
    with_password = shared.replace(f"{pg_server.role}@", f"{pg_server.role}:{pg_server.password}@")
    assert window.open_directory(with_password) is True
    assert len(window.model.directory) == 67 and window.workspace.source.kind is Kind.DATABASE and warnings == []
    assert shared in window.windowTitle() and pg_server.password not in window.windowTitle()
    assert window.recent_files()[0] == shared  # remembered without the password
    assert window.reload_action.isEnabled() and window.take_offline_action.isEnabled()
    assert window.recent_menu.actions()[0].text() == shared


def test_password_is_asked_for_and_not_stored(window, shared, pg_server, monkeypatch, warnings):
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")

    asked = []

    def type_password(dialog):
        asked.append(dialog.labelText())
        dialog.setTextValue(pg_server.password)
        dialog.accept()

    answer_next_dialog(type_password)
    assert window.open_directory(shared) is True
    assert shared in asked[0] and warnings == []
    settings_text = window.settings.fileName()
    window.settings.sync()
    with open(settings_text, encoding="utf-8") as fh:
        assert pg_server.password not in fh.read()


def test_a_conflicting_save_shows_both_versions_and_saves_the_choice(window, shared, warnings):
    window.open_directory(shared)
    edit_in_window(window, AGENCY, city="Narva", description="Checked at the fair.")
    other = colleague(shared)
    edit(other, AGENCY, phone="+372 666 0000", city="Tartu")
    other.save()

    def settle(dialog):
        conflicts = dialog.conflicts
        rows = {
            dialog._groups[(AGENCY, name)].buttons()[0].text(): dialog._groups[(AGENCY, name)].buttons()[1].text()
            for name in dialog.fields(conflicts[0])
        }
        assert rows == {
            "Narva": "Tartu",
            "Checked at the fair.": other.model.record(AGENCY)["description"],
            record_in_window(window, AGENCY)["phone"] or "—": "+372 666 0000",
        }
        dialog._groups[(AGENCY, "phone")].buttons()[1].click()  # theirs, as a person clicks it
        click_save(dialog)

    shown = answer_next_dialog(settle)
    assert window.editing.save() is True and len(shown) == 1 and warnings == []
    saved = stored(shared)[AGENCY]
    assert (saved["city"], saved["phone"], saved["description"]) == (
        "Narva",
        "+372 666 0000",
        "Checked at the fair.",
    )
    mine = record_in_window(window, AGENCY)
    assert (mine["city"], mine["phone"]) == ("Narva", "+372 666 0000")
    assert not window.workspace.is_dirty and not window.isWindowModified()


def test_cancelling_the_conflict_dialog_saves_nothing_and_keeps_the_edit(window, shared, warnings):
    window.open_directory(shared)
    edit_in_window(window, AGENCY, city="Narva")
    other = colleague(shared)
    edit(other, AGENCY, city="Tartu")
    other.save()
    answer_next_dialog(lambda dialog: dialog.reject())
    assert window.editing.save() is False
    assert stored(shared)[AGENCY]["city"] == "Tartu"
    assert record_in_window(window, AGENCY)["city"] == "Narva" and window.workspace.is_dirty


def test_a_server_that_goes_away_keeps_the_edit_in_the_window(window, shared, pg_server, warnings):
    window.open_directory(shared)
    edit_in_window(window, AGENCY, phone="+372 111 2222")
    pg_server.stop("immediate")
    try:
        assert window.editing.save() is False
    finally:
        pg_server.start()
    assert len(warnings) == 1 and "Nothing was saved" in warnings[0] and shared in warnings[0]
    assert record_in_window(window, AGENCY)["phone"] == "+372 111 2222"
    assert window.workspace.is_dirty
    assert stored(shared)[AGENCY]["phone"] != "+372 111 2222"
    assert window.editing.save() is True  # the same edit, once the server is back
    assert stored(shared)[AGENCY]["phone"] == "+372 111 2222"


def test_take_an_offline_copy_of_the_filter_edit_it_and_merge_it_back(window, shared, tmp_path, warnings):
    window.open_directory(shared)
    window.model.toggle("countries", "EE")
    copy = tmp_path / "fair.gpkg"
    assert window.files.take_offline_copy(copy, only_filtered=True) is True
    at_fair = Workspace()
    at_fair.open(copy)
    assert set(at_fair.directory["country"]) == {"EE"} and len(at_fair.directory) == window.model.count
    edit(at_fair, AGENCY, description="Updated at the fair.")
    at_fair.save()  # saved as the window saves it: the copy stays mergeable
    at_fair.close()
    assert window.files.merge_offline_copy(copy) is True and warnings == []
    assert stored(shared)[AGENCY]["description"] == "Updated at the fair."
    assert record_in_window(window, AGENCY)["description"] == "Updated at the fair."  # reloaded


def test_a_file_that_is_not_an_offline_copy_is_refused_by_name(window, shared, tmp_path, warnings, bundled_directory):
    from bsr_map.directory import write_directory

    window.open_directory(shared)
    plain = write_directory(bundled_directory, tmp_path / "plain.gpkg")
    assert window.files.merge_offline_copy(plain) is False
    assert len(warnings) == 1 and "plain.gpkg is not an offline copy" in warnings[0]


def test_deleted_agencies_are_listed_with_who_and_when_and_restored(window, shared, warnings):
    window.open_directory(shared)
    record = record_in_window(window, AGENCY)
    window.workspace.push(delete_edit([record]))
    assert window.editing.save() is True and AGENCY not in set(window.model.directory["id"])
    checked = []

    def choose(dialog):
        row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == record["name"])
        checked.append((dialog.table.item(row, 2).text(), dialog.restore_button.isEnabled()))
        dialog.select_ids([AGENCY])
        checked.append(dialog.restore_button.isEnabled())
        dialog.restore_button.click()

    answer_next_dialog(choose)
    window.deleted_action.trigger()
    assert checked == [("bsr_editor", False), True] and warnings == []
    assert record_in_window(window, AGENCY)["name"] == record["name"]
    assert [e.action for e in PostgisStore(shared).history(AGENCY)][-2:] == ["delete", "restore"]


def crash_with_edit(window, monkeypatch):
    """Write the recovery copy as the timer does, then make the window as a fresh start finds it."""
    written = window.workspace.write_recovery()
    left = written.read_bytes()
    window.workspace.open(None)  # a fresh start shows the bundled directory
    (written.parent / "unsaved-99999999-1.json").write_bytes(left)  # as the killed process left it
    monkeypatch.setattr("bsr_map.workspace.recovery.process_alive", lambda pid: False)  # as if it had died


def restore_yes():
    return answer_next_dialog(lambda box: box.button(QMessageBox.StandardButton.Yes).click())


def test_unsaved_edits_to_a_shared_directory_come_back_after_a_crash(window, shared, monkeypatch, warnings):
    """Only the edits come back, against the versions they were made from: others' later work is kept."""
    window.open_directory(shared)
    edit_in_window(window, AGENCY, phone="+372 999 8888")
    crash_with_edit(window, monkeypatch)
    other = colleague(shared)  # after the crash, a colleague saves other changes
    edit(other, "ee-tehnopol", phone="+372 777 0000")
    other.push(add_edit({**other.model.record("ee-tehnopol"), "id": "ee-new-office", "name": "New Office Tallinn"}))
    other.save()
    asked = restore_yes()
    assert window.editing.offer_recovery() is True
    assert shared in asked[0].text()
    assert window.workspace.source.kind is Kind.DATABASE and window.workspace.source.location == shared
    assert record_in_window(window, AGENCY)["phone"] == "+372 999 8888"
    assert window.workspace.is_dirty
    assert window.editing.save() is True and warnings == []
    saved = stored(shared)
    assert saved[AGENCY]["phone"] == "+372 999 8888"
    assert saved["ee-tehnopol"]["phone"] == "+372 777 0000" and "ee-new-office" in saved  # not reverted


def test_a_restored_edit_of_an_agency_changed_since_is_a_conflict(window, shared, monkeypatch, warnings):
    window.open_directory(shared)
    edit_in_window(window, AGENCY, phone="+372 999 8888")
    crash_with_edit(window, monkeypatch)
    other = colleague(shared)
    edit(other, AGENCY, phone="+372 777 0000")
    other.save()
    restore_yes()
    assert window.editing.offer_recovery() is True
    shown = answer_next_dialog(lambda dialog: dialog.reject())
    assert window.editing.save() is False and len(shown) == 1
    (conflict,) = shown[0].conflicts
    assert conflict.theirs["phone"] == "+372 777 0000" and conflict.mine["phone"] == "+372 999 8888"
    assert stored(shared)[AGENCY]["phone"] == "+372 777 0000"
    # Settled (mine), the restored edit is saved against their version, not refused again.

    def keep_mine(dialog):
        dialog.all_mine.click()
        click_save(dialog)

    shown = answer_next_dialog(keep_mine)
    assert window.editing.save() is True and len(shown) == 1 and warnings == []
    assert stored(shared)[AGENCY]["phone"] == "+372 999 8888"


def test_a_recovery_copy_for_a_database_that_is_away_is_kept_for_later(
    window, shared, pg_server, monkeypatch, warnings
):
    from bsr_map.workspace.recovery import pending_recovery

    window.open_directory(shared)
    edit_in_window(window, AGENCY, phone="+372 999 8888")
    crash_with_edit(window, monkeypatch)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args, **kwargs: told.append(args[2]))
    restore_yes()
    pg_server.stop("immediate")
    try:
        assert window.editing.offer_recovery() is False
    finally:
        pg_server.start()
    assert len(told) == 1 and "kept in" in told[0] and "cannot be reached" in told[0] and warnings == []
    window.editing.write_recovery_now()  # this run's own copy does not replace the kept one
    kept = pending_recovery()
    assert kept is not None and kept.file.parent.name == "kept" and kept.source == shared
    restore_yes()
    assert window.editing.offer_recovery() is True  # the database is back
    assert record_in_window(window, AGENCY)["phone"] == "+372 999 8888"
    assert not kept.file.exists()


def test_undoing_a_settlement_that_was_not_saved_asks_again(window, shared, pg_server, warnings):
    """A settled conflict whose save did not go through is checked again, never saved over theirs."""
    window.open_directory(shared)
    edit_in_window(window, AGENCY, city="Narva")
    other = colleague(shared)
    edit(other, AGENCY, email="info@example.ee")
    other.save()

    def take_their_email(dialog):
        dialog._groups[(AGENCY, "email")].buttons()[1].click()
        pg_server.stop("immediate")  # the save with the settlement will not go through
        click_save(dialog)

    rounds = answer_next_dialog(take_their_email)
    try:
        assert window.editing.save() is False and len(rounds) == 1 and "Nothing was saved" in warnings[0]
    finally:
        pg_server.start()
    window.editing.undo_action.trigger()  # the settlement; my own edit (city) stays
    assert record_in_window(window, AGENCY)["city"] == "Narva"
    rounds = answer_next_dialog(lambda dialog: dialog.reject())
    assert window.editing.save() is False and len(rounds) == 1  # asked again, not saved over theirs
    assert stored(shared)[AGENCY]["email"] == "info@example.ee"


def test_an_offline_copy_into_a_missing_folder_is_a_message_not_a_crash(window, shared, tmp_path, warnings):
    window.open_directory(shared)
    assert window.files.take_offline_copy(tmp_path / "no-such-folder" / "fair.gpkg") is False
    assert len(warnings) == 1 and "fair.gpkg" in warnings[0]
    assert not (tmp_path / "no-such-folder").exists()


@pytest.mark.parametrize(
    "address",
    [
        "postgresql://bsr_editor:s3cret@127.0.0.1:notaport/db",
        "postgresql://bsr_editor@127.0.0.1:{port}/db?password=s3cret&nonsense=1",
        "postgresql+nodriver://bsr_editor:s3cret@127.0.0.1:{port}/db",
        "postgresql://bsr_editor:s3cret@127.0.0.1:{port}/no_such_database",
    ],
)
def test_a_bad_database_address_is_a_message_without_the_password(window, pg_server, address, warnings, monkeypatch):
    from PySide6.QtWidgets import QApplication

    monkeypatch.setattr(window.files, "ask_password", lambda where: None)  # a wrong password: the user gives up
    assert window.open_directory(address.format(port=pg_server.port)) is False
    assert len(warnings) == 1 and "s3cret" not in warnings[0] and "bsr_editor" in warnings[0]
    assert QApplication.overrideCursor() is None  # the wait cursor is gone
    assert window.workspace.source.kind is Kind.BUNDLED  # what was open stays open
    assert not any("s3cret" in entry for entry in window.recent_files())


def test_a_password_in_the_address_is_never_shown_or_remembered(window, shared, pg_server, warnings):
    address = f"{shared}?password={pg_server.password}"
    assert window.open_directory(address) is True and warnings == []
    assert pg_server.password not in window.windowTitle() and window.workspace.source.location == shared
    window.settings.sync()
    with open(window.settings.fileName(), encoding="utf-8") as fh:
        assert pg_server.password not in fh.read()


def test_a_server_that_goes_away_in_the_middle_of_a_save(window, shared, pg_server, warnings, monkeypatch):
    """The connection drops at the commit: nothing half-written, the truth said (not known yet), edit kept."""
    window.open_directory(shared)
    edit_in_window(window, AGENCY, phone="+372 111 2222")
    window.workspace.push(delete_edit([record_in_window(window, "ee-tehnopol")]))
    store, apply = window.workspace.store, window.workspace.store.apply
    monkeypatch.setattr(
        store, "apply", lambda changes: apply(changes, before_commit=lambda: pg_server.stop("immediate"))
    )
    try:
        assert window.editing.save() is False
    finally:
        pg_server.start()
    assert len(warnings) == 1 and "cannot be known" in warnings[0] and "Your edits are still here" in warnings[0]
    saved = stored(shared)
    assert saved[AGENCY]["phone"] != "+372 111 2222" and "ee-tehnopol" in saved  # neither change landed
    assert record_in_window(window, AGENCY)["phone"] == "+372 111 2222"
    assert "ee-tehnopol" not in set(window.model.directory["id"]) and window.workspace.is_dirty
    monkeypatch.setattr(store, "apply", apply)
    assert window.editing.save() is True
    saved = stored(shared)
    assert saved[AGENCY]["phone"] == "+372 111 2222" and "ee-tehnopol" not in saved
