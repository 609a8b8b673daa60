"""Editing through the window: form, undo/redo, saving, unsaved-changes guard, recovery after a kill, locks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from bsr_map.directory import read_directory, write_directory
from bsr_map.directory.model import directory_records
from bsr_map.qt.agency_form import AgencyForm
from bsr_map.util.file_lock import acquire_lock
from tests.qt.dialogs import answer_next_dialog, click_button


def fill(form, **values):
    form.fields["name"].setText(values.get("name", "Invest Lappeenranta"))
    form.fields["city"].setText("Lappeenranta")
    form.country.setCurrentIndex(form.country.findData("FI"))
    form.type.setCurrentIndex(form.type.findData("city_agency"))
    form.lat.setText(values.get("lat", "61.0587"))
    form.lon.setText(values.get("lon", "28.1887"))
    form.sectors.item(2).setCheckState(Qt.CheckState.Checked)  # cleantech
    form.fields["website"].setText(values.get("website", "https://example.fi"))
    return form


def filled_form(window, **values):
    return fill(AgencyForm(window.model, None, window), **values)


def test_form_validates_as_you_type(window):
    form = filled_form(window)
    ok = form.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled() and "All values are valid" in form.messages.text()
    form.fields["website"].setText("htp:/nonsense")
    assert not ok.isEnabled() and "not a web address" in form.messages.text()
    form.fields["website"].setText("https://example.fi")
    form.lat.setText("59.33")
    form.lon.setText("18.07")  # Stockholm: a warning, not an error
    assert ok.isEnabled() and "lies in Sweden" in form.messages.text()


def test_add_undo_redo_through_the_edit_menu(window):
    before = directory_records(window.model.directory)

    def fill_and_accept(form):
        fill(form)
        form.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    answer_next_dialog(fill_and_accept)
    window.editing.add_action.trigger()
    assert len(window.model.directory) == len(before) + 1
    assert window.editing.undo_action.text() == "&Undo Add “Invest Lappeenranta”"
    assert window.isWindowModified()
    after = directory_records(window.model.directory)
    window.editing.undo_action.trigger()
    assert directory_records(window.model.directory) == before and not window.isWindowModified()
    window.editing.redo_action.trigger()
    assert directory_records(window.model.directory) == after


def test_several_selected_agencies_get_the_same_sectors(window):
    table = window.table
    window.filter_panel.checkbox("countries", "EE").click()
    table.selectAll()
    ids = table.selected_ids()
    assert len(ids) == 4

    def tick(dialog):
        for i in range(dialog.checklist.count()):
            item = dialog.checklist.item(i)
            wanted = item.data(Qt.ItemDataRole.UserRole) in ("bioeconomy", "ict")
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    answer_next_dialog(tick)
    window.editing.sectors_action.trigger()
    sectors = {r["id"]: r["sectors"] for r in directory_records(window.model.directory) if r["id"] in ids}
    # in the list's order: the first ticked becomes the primary sector
    assert all(s == ["ict", "bioeconomy"] for s in sectors.values()) and len(sectors) == 4
    assert window.editing.undo_action.text() == "&Undo Set sectors of 4 agencies"


def test_confirming_sets_last_verified_to_today(window):
    import datetime as dt

    window.model.select("lv-liaa")
    window.editing.verify_action.trigger()
    record = next(r for r in directory_records(window.model.directory) if r["id"] == "lv-liaa")
    assert record["last_verified"] == dt.date.today().isoformat()


def test_click_on_the_map_moves_the_selected_agency(window, qtbot):
    window.model.select("fi-businessoulu")
    window.editing.place_action.trigger()
    canvas = window.canvas
    from bsr_map.geo.projection import from_lonlat

    x, y = from_lonlat(25.75, 62.24)  # Jyväskylä
    px, py = canvas.view.to_pixel(x, y)
    qtbot.mouseClick(
        canvas, Qt.MouseButton.LeftButton, pos=__import__("PySide6.QtCore").QtCore.QPoint(round(px), round(py))
    )
    record = next(r for r in directory_records(window.model.directory) if r["id"] == "fi-businessoulu")
    assert record["lat"] == pytest.approx(62.24, abs=0.05) and record["lon"] == pytest.approx(25.75, abs=0.1)


def test_save_of_an_imported_file_asks_for_a_geopackage_and_never_writes_the_file(window, tmp_path, bundled_directory):
    path = write_directory(bundled_directory.iloc[:4], tmp_path / "four.geojson")
    original = path.read_bytes()
    assert window.open_directory(path)
    window.model.select(window.model.directory["id"].iloc[0])
    window.editing.delete_action.trigger()
    assert window.isWindowModified() and "Undo with Ctrl+Z" in window.statusBar().currentMessage()
    assert window.editing.save_to(tmp_path / "four.gpkg")  # what Save as does after its file dialog
    assert not window.isWindowModified() and "four.gpkg" in window.windowTitle()
    assert len(read_directory(tmp_path / "four.gpkg").agencies) == 3
    assert path.read_bytes() == original  # the imported file is never rewritten
    window.model.select(window.model.directory["id"].iloc[0])
    window.editing.delete_action.trigger()
    assert window.editing.save()  # now saved in place, in the GeoPackage
    assert len(read_directory(tmp_path / "four.gpkg").agencies) == 2


def test_unsaved_changes_are_not_lost_on_close(window):
    window.model.select("se-ideon-science-park")
    window.editing.delete_action.trigger()
    answer_next_dialog(lambda box: click_button(box, QMessageBox.StandardButton.Cancel))
    window.close()
    assert window.isVisible() and "se-ideon-science-park" not in set(window.model.directory.id)
    answer_next_dialog(lambda box: click_button(box, QMessageBox.StandardButton.Discard))
    window.close()
    assert not window.isVisible()


def test_failed_save_keeps_the_edits_and_says_why(window, tmp_path, monkeypatch):
    window.model.select("dk-copenhagen-capacity")
    window.editing.delete_action.trigger()
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    assert not window.editing.save_to(tmp_path / "missing-folder" / "d.gpkg")
    assert shown and "does not exist" in shown[0] and window.isWindowModified()


def test_a_killed_instance_s_edits_are_offered_back(tmp_path, qtbot, basemap, workspace, monkeypatch):
    settings = tmp_path / "settings"
    script = textwrap.dedent("""
        import os, sys, time
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from bsr_map.geo.basemap import load_basemap
        from bsr_map.workspace.document import Workspace
        from bsr_map.workspace.edits import delete_edit
        from bsr_map.qt.main_window import MainWindow
        workspace = Workspace()
        workspace.open(None)
        window = MainWindow(load_basemap(), workspace)
        workspace.push(delete_edit(workspace.model.records(["pl-paih"])))
        window.editing.write_recovery_now()
        print("edited", flush=True)
        time.sleep(120)
    """)
    env = {**os.environ, "BSR_MAP_SETTINGS_DIR": str(settings)}
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout.readline().strip() == "edited"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    monkeypatch.setenv("BSR_MAP_SETTINGS_DIR", str(settings))
    from bsr_map.qt.main_window import MainWindow

    window = MainWindow(basemap, workspace)
    qtbot.addWidget(window)
    asked = answer_next_dialog(lambda box: click_button(box, QMessageBox.StandardButton.Yes))
    assert window.editing.offer_recovery()
    assert "1 agencies changed" in asked[0].text() and "pl-paih" not in set(window.model.directory.id)
    assert window.isWindowModified()  # restored edits are unsaved edits, and can be undone
    window.editing.undo_action.trigger()
    assert "pl-paih" in set(window.model.directory.id)
    workspace.history.set_clean()


def test_second_instance_is_warned_about_the_lock_and_opens_read_only(window, tmp_path, bundled_directory):
    path = write_directory(bundled_directory.iloc[:3], tmp_path / "shared.gpkg")
    holder_script = textwrap.dedent(f"""
        import time
        from bsr_map.util.file_lock import acquire_lock
        assert acquire_lock({str(path)!r}) is None
        print("locked", flush=True)
        time.sleep(60)
    """)
    other = subprocess.Popen([sys.executable, "-c", holder_script], stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "locked"
        warned = answer_next_dialog(lambda box: click_button(box, "Open read-only"))
        assert window.open_directory(path)
        assert warned and str(other.pid) in warned[0].text()
        assert window.workspace.read_only and "(read-only)" in window.windowTitle()
    finally:
        other.kill()
        other.wait()
    assert acquire_lock(path) is None  # the dead holder's lock is stale now


def test_editing_keeps_the_primary_sector_first(window):
    record = window.model.record("pl-investgda")
    assert record["sectors"][0] == "business_services"
    form = AgencyForm(window.model, record, window)
    assert form.values()["sectors"] == record["sectors"]
    form.sectors.item(11).setCheckState(Qt.CheckState.Checked)  # tourism, newly ticked
    assert form.values()["sectors"][0] == "business_services" and form.values()["sectors"][-1] == "tourism"
