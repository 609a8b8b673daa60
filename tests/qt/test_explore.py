"""Exploring the directory through the real widgets: filters, map, table, details."""

from __future__ import annotations

import json

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from bsr_map.directory import write_directory


def table_ids(window):
    model = window.table.model()
    return {model.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) for r in range(model.rowCount())}


def wait_agencies(qtbot, window):
    with qtbot.waitSignal(window.canvas.agenciesRendered, timeout=10_000):
        window.canvas.update()


def test_ticking_finland_and_ict_filters_table_map_and_counts(window, qtbot, bundled_directory):
    panel = window.filter_panel
    finland = panel.checkbox("countries", "FI")
    assert "(10)" in finland.text()
    with qtbot.waitSignal(window.canvas.agenciesRendered, timeout=10_000):
        finland.click()
    expected_fi = set(bundled_directory.id[bundled_directory.country == "FI"])
    assert table_ids(window) == expected_fi
    assert set(window.canvas.agency_artists.ids) == expected_fi
    ict_count = sum("ict" in s for s in bundled_directory.sectors[bundled_directory.country == "FI"])
    assert f"({ict_count})" in panel.checkbox("sectors", "ict").text()
    with qtbot.waitSignal(window.canvas.agenciesRendered, timeout=10_000):
        panel.checkbox("sectors", "ict").click()
    expected = {
        i
        for i, c, s in zip(bundled_directory.id, bundled_directory.country, bundled_directory.sectors, strict=False)
        if c == "FI" and "ict" in s
    }
    assert table_ids(window) == expected and set(window.canvas.agency_artists.ids) == expected
    # Sweden's count shows what ticking it would add: Swedish ICT agencies.
    se_ict = sum(
        1
        for c, s in zip(bundled_directory.country, bundled_directory.sectors, strict=False)
        if c == "SE" and "ict" in s
    )
    assert f"({se_ict})" in panel.checkbox("countries", "SE").text()
    assert window._count.text() == f"{len(expected)} of {len(bundled_directory)} agencies"


def test_clicking_a_marker_selects_its_row_and_fills_the_card(window, qtbot):
    canvas = window.canvas
    agency_id = "fi-businessoulu"
    pos = canvas.marker_position(agency_id)
    assert pos is not None
    with qtbot.waitSignal(window.model.selection_changed, timeout=5_000):
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=pos.toPoint())
    assert window.model.selected_id == agency_id
    assert window.table.selected_id() == agency_id
    html = window.details.toHtml()
    assert "BusinessOulu" in html and "https://www.businessoulu.com" in html
    wait_agencies(qtbot, window)
    assert agency_id in window.canvas.agency_artists.labelled  # the selected label always shows


def test_selecting_a_row_highlights_the_marker(window, qtbot):
    table = window.table
    row = table.row_of("pl-investgda")
    with qtbot.waitSignal(window.canvas.agenciesRendered, timeout=10_000):
        table.selectRow(row)
    assert window.model.selected_id == "pl-investgda"
    assert "pl-investgda" in window.canvas.agency_artists.labelled
    assert "InvestGDA" in window.details.toPlainText()


def test_search_ignores_case_and_accents(window, qtbot, bundled_directory):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.filter_panel.search.hasFocus()
    qtbot.keyClicks(window.filter_panel.search, "gdansk")
    found = table_ids(window)
    expected = set(bundled_directory.id[bundled_directory.city == "Gdańsk"])
    assert expected and expected <= found
    assert all(
        "gdańsk" in " ".join([r.name, r.city, r.description]).lower()
        for r in bundled_directory[bundled_directory.id.isin(found)].itertuples()
    )
    window.filter_panel.search.clear()
    qtbot.keyClicks(window.filter_panel.search, "malmo")
    assert {"se-malmo-city", "se-invest-in-skane"} <= table_ids(window)


def test_clear_restores_everything(window, qtbot, bundled_directory):
    window.filter_panel.checkbox("countries", "PL").click()
    window.filter_panel.checkbox("types", "economic_zone").click()
    assert len(table_ids(window)) < len(bundled_directory)
    window.clear_filters_action.trigger()
    assert len(table_ids(window)) == len(bundled_directory)
    assert not window.filter_panel.checkbox("countries", "PL").isChecked()
    wait_agencies(qtbot, window)
    assert len(window.canvas.agency_artists.ids) == len(bundled_directory)


def test_all_of_sectors(window, bundled_directory):
    window.filter_panel.sector_all.click()
    window.filter_panel.checkbox("sectors", "ict").click()
    window.filter_panel.checkbox("sectors", "maritime").click()
    expected = {
        i
        for i, s in zip(bundled_directory.id, bundled_directory.sectors, strict=False)
        if {"ict", "maritime"} <= set(s)
    }
    assert table_ids(window) == expected


def test_escape_clears_selection_and_fit_zooms_to_filtered(window, qtbot):
    window.model.select("lt-kaunas-in")
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.model.selected_id is None
    window.filter_panel.checkbox("countries", "LT").click()
    window.fit_action.trigger()
    xmin, ymin, xmax, ymax = window.canvas.view.extent
    lt = window.model.filtered.total_bounds
    assert xmin <= lt[0] and xmax >= lt[2] and ymin <= lt[1] and ymax >= lt[3]
    assert (xmax - xmin) < 1_500_000  # zoomed in well beyond the whole region


def test_filters_and_recent_files_are_remembered(qtbot, basemap, model, window, tmp_path, bundled_directory):
    window.filter_panel.checkbox("countries", "EE").click()
    path = write_directory(bundled_directory.iloc[:5], tmp_path / "five.csv")
    assert window.open_directory(path)
    window.close()
    from bsr_map.qt.main_window import MainWindow
    from bsr_map.workspace.document import Workspace

    fresh = Workspace()  # nothing filtered until settings are restored
    fresh.open(None)
    assert fresh.model.filters.countries == frozenset()
    again = MainWindow(basemap, fresh)
    qtbot.addWidget(again)
    assert again.model.filters.countries == frozenset({"EE"})
    assert again.recent_files()[0] == str(path)
    assert json.loads(again.settings.value("filters"))["countries"] == ["EE"]


def test_opening_a_file_with_bad_rows_asks_and_can_import_nothing(window, tmp_path, monkeypatch):
    path = tmp_path / "mixed.csv"
    path.write_text(
        "name,type,country,city,lat,lon,sectors\n"
        "Good,national_agency,FI,Helsinki,60.17,24.94,ict\n"
        "Bad,national_agency,FI,Helsinki,60.17,24.94,mining\n"
    )
    from tests.qt.dialogs import answer_next_dialog, click_button

    before = len(window.model.directory)
    asked = answer_next_dialog(lambda box: click_button(box, "Import nothing"))
    assert not window.open_directory(path)
    assert len(window.model.directory) == before and "3 rows" not in asked[0].text()
    assert "1 with problems" in asked[0].text() and "row 3" in asked[0].detailedText()
    answer_next_dialog(lambda box: click_button(box, "Import 1 valid rows"))
    assert window.open_directory(path)
    assert list(window.model.directory["name"]) == ["Good"]
    assert "mixed.csv" in window.windowTitle()


def test_unreadable_file_is_a_dialog_not_a_traceback(window, tmp_path, monkeypatch):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    assert not window.open_directory(path)
    assert shown == ["empty.csv is empty."]


def test_dropping_a_file_opens_it(window, tmp_path, bundled_directory):
    path = write_directory(bundled_directory.iloc[:3], tmp_path / "three.geojson")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(100, 100), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    window.dropEvent(event)
    assert len(window.model.directory) == 3


def test_window_fits_1280x720(window):
    window.resize(1280, 720)
    QApplication.processEvents()
    assert window.canvas.width() >= 500 and window.canvas.height() >= 300


def test_on_screen_legend_lists_what_the_map_shows(window, bundled_directory, qtbot):
    window.filter_panel.checkbox("countries", "LV").click()
    legend = window.canvas.legend
    latvia = bundled_directory[bundled_directory.country == "LV"]
    assert {e.code for e in legend.entries if e.kind == "sector"} == {s[0] for s in latvia.sectors}
    assert {e.code for e in legend.entries if e.kind == "type"} == set(latvia["type"])
    qtbot.waitUntil(lambda: legend.height() >= legend.sizeHint().height())
    assert legend.isVisible() and legend.geometry().right() <= window.canvas.width()
    assert legend.width() >= legend.sizeHint().width() and legend.height() >= legend.sizeHint().height()


def test_table_sorts_by_any_column_both_ways(window):
    table = window.table
    model = table.model()
    table.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # City
    cities = [model.index(r, 3).data() for r in range(model.rowCount())]
    from bsr_map.explore.filtering import search_key

    assert cities == sorted(cities, key=search_key)
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert names == sorted(names, key=search_key, reverse=True)
    window.model.select("lv-liaa")
    assert table.selected_id() == "lv-liaa"


def test_markers_of_a_closed_directory_cannot_be_hit(window, qtbot, tmp_path, bundled_directory):
    old = window.canvas.marker_position("fi-businessoulu")
    path = write_directory(bundled_directory[bundled_directory.country == "DK"], tmp_path / "dk.geojson")
    assert window.open_directory(path)
    assert window.canvas.agency_at(old) is None  # nothing stale under the pointer, even before a repaint
    wait_agencies(qtbot, window)
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=old.toPoint())
    assert window.model.selected_id is None
