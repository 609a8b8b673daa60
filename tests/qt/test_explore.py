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
    assert window.windowTitle() == "New directory from mixed.csv, 1 bad rows left out (not saved)[*]"


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


# -- agency text is shown literally, never as markup (issue 17) ------------------------------------
EVIL = '<b>Bold</b> <img src=x> <a href="file:///etc/passwd">x</a>'


def shown_text(rich: str) -> str:
    """What Qt shows for a tooltip's or label's text: it takes text for HTML as Qt::mightBeRichText says."""
    from PySide6.QtGui import Qt as GuiQt
    from PySide6.QtGui import QTextDocument

    if not GuiQt.mightBeRichText(rich):
        return rich
    doc = QTextDocument()
    doc.setHtml(rich)
    return doc.toPlainText()


def open_evil(window, tmp_path, bundled_directory, **fields):
    """Open a directory file whose Tartu Science Park has hostile text (set ``file=False`` to skip the file)."""
    to_file = fields.pop("file", True)
    directory = bundled_directory.copy()
    row = directory.index[directory.id == "ee-tartu-science-park"][0]
    for column, value in {"name": EVIL, **fields}.items():
        directory.at[row, column] = value
    if to_file:
        path = tmp_path / "evil.geojson"
        write_directory(directory, path)
        assert window.open_directory(path)
    else:  # values the importer refuses (a file: "website") can still come from a shared database
        window.model.set_directory(directory)
    return "ee-tartu-science-park"


def test_map_tooltip_shows_a_hostile_name_literally(window, qtbot, tmp_path, bundled_directory):
    from PySide6.QtWidgets import QToolTip

    agency_id = open_evil(window, tmp_path, bundled_directory)
    wait_agencies(qtbot, window)
    pos = window.canvas.marker_position(agency_id).toPoint()
    qtbot.mouseMove(window.canvas, pos)
    qtbot.waitUntil(QToolTip.isVisible, timeout=3_000)
    text = shown_text(QToolTip.text())
    assert text.splitlines()[0] == EVIL
    assert "Tartu" in text


def test_table_tooltip_shows_names_literally(window, tmp_path, bundled_directory):
    agency_id = open_evil(window, tmp_path, bundled_directory)
    model = window.table.model()
    row = model.row_of(agency_id)
    tip = model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert shown_text(tip) == EVIL
    # and a plain name with an ampersand shows the ampersand, not "&amp;"
    names = [model.index(r, 0).data(Qt.ItemDataRole.DisplayRole) for r in range(model.rowCount())]
    r = next(i for i, n in enumerate(names) if "&" in n or "–" in n)
    assert shown_text(model.index(r, 0).data(Qt.ItemDataRole.ToolTipRole)) == names[r]


def test_details_card_shows_text_literally_and_links_only_web_addresses(window, tmp_path, bundled_directory):
    agency_id = open_evil(window, tmp_path, bundled_directory, website="file:///etc/passwd", file=False)
    window.model.select(agency_id)
    card = window.details
    assert EVIL in card.toPlainText()
    assert "file:///etc/passwd" in card.toPlainText().replace("\u2060", "").replace("\u200b", "")
    anchors = set()
    block = card.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isAnchor():
                anchors.add(fmt.anchorHref())
            it += 1
        block = block.next()
    assert not any(a.startswith("file:") for a in anchors)
    assert not card.document().resource(2, "x")  # no image was loaded for <img src=x>


def card_lines(card) -> list[str]:
    """The card's text as it is laid out, one entry per line on screen (joiners removed)."""
    doc = card.document()
    doc.size()  # lays the document out at the card's width
    lines = []
    block = doc.begin()
    while block.isValid():
        layout, text = block.layout(), block.text()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            lines.append(text[line.textStart() : line.textStart() + line.textLength()])
        block = block.next()
    return [line.replace("\u2060", "").replace("\u00a0", " ") for line in lines]


def test_details_card_keeps_phone_numbers_chips_and_web_addresses_whole(window, qtbot, tmp_path, bundled_directory):
    website = "https://www.investment-promotion-agency.example.ee/en/contact-us/start-here"
    agency_id = open_evil(
        window,
        tmp_path,
        bundled_directory,
        name="Tartu Science Park",
        website=website,
        phone="+372 7 302 000-12",
        sectors=["life_sciences", "business_services", "real_estate", "creative"],
    )
    window.model.select(agency_id)
    card = window.details
    for width in (300, 360, 440):
        card.document().setTextWidth(width)
        lines = card_lines(card)
        assert any("+372 7 302 000-12" in line for line in lines), width
        for chip in ("Life sciences & health", "Business & financial services", "Real estate & industrial sites"):
            assert any(chip in line for line in lines), (width, chip)
        # the web address breaks only after "/" or "."
        pieces = [line.strip() for line in lines if line.strip() and line.strip().replace("\u200b", "") in website]
        assert "".join(p.replace("\u200b", "") for p in pieces) == website, (width, pieces)
        for piece in pieces[:-1]:
            assert piece.replace("\u200b", "")[-1] in "/.", (width, pieces)


# -- the window ------------------------------------------------------------------------------------
def test_filter_panel_is_wide_enough_for_every_label_and_count(basemap, qtbot, tmp_path, monkeypatch):
    from PySide6.QtGui import QFontMetrics

    from bsr_map.qt.main_window import MainWindow
    from bsr_map.workspace.document import Workspace

    monkeypatch.setenv("BSR_MAP_SETTINGS_DIR", str(tmp_path / "settings"))
    workspace = Workspace()
    workspace.open(None)
    win = MainWindow(basemap, workspace)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    with qtbot.waitSignal(win.canvas.agenciesRendered, timeout=15_000):
        win.show()
    panel = win.filter_panel
    viewport = panel.viewport()
    longest = 0
    for facet in ("countries", "sectors", "types"):
        for box in panel._boxes[facet].values():
            text = box.text().replace("&&", "&")
            needed = QFontMetrics(box.font()).horizontalAdvance(text)
            longest = max(longest, needed)
            right = box.mapTo(viewport, box.rect().topLeft()).x() + box.sizeHint().width()
            assert right <= viewport.width(), text  # the label and its count are not cut
            assert box.width() >= box.sizeHint().width(), text
    assert panel.minimumWidth() > longest
    workspace.history.set_clean()
    win.close()
    workspace.close()


def test_window_title_names_the_document_not_the_app_twice(window, tmp_path, bundled_directory):
    from bsr_map.qt.main_window import APP_TITLE

    assert APP_TITLE not in window.windowTitle()  # the platform adds the application's display name
    path = tmp_path / "agencies.geojson"
    write_directory(bundled_directory.head(3), path)
    window.open_directory(path)
    assert window.windowTitle() == "agencies.geojson (imported)[*]"
    assert len(window.open_export_dialog().windowTitle()) <= 20


def test_wheel_and_drag_stay_within_the_basemap(window, qtbot):
    import pyogrio
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QWheelEvent

    from bsr_map.geo.basemap import default_basemap_path

    bounds = pyogrio.read_info(default_basemap_path(), layer="countries_2500m")["total_bounds"]
    canvas = window.canvas
    window.showMaximized()
    window.resize(1920, 1080)
    centre = QPointF(canvas.width() / 2, canvas.height() / 2)
    scales = []
    for _ in range(40):  # zoom out, notch after notch
        event = QWheelEvent(
            centre,
            QPointF(canvas.mapToGlobal(centre.toPoint())),
            QPoint(0, 0),
            QPoint(0, -120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(canvas, event)
        scales.append(canvas.view.metres_per_pixel)
        xmin, ymin, xmax, ymax = canvas.view.extent
        assert bounds[0] <= xmin and bounds[1] <= ymin and xmax <= bounds[2] and ymax <= bounds[3]
    assert scales[-1] == scales[-10]  # zoom-out has a limit
    for dx, dy in ((600, 0), (-600, 0), (0, 400), (0, -400)):  # drag far, five times each way
        for _ in range(5):
            start = QPoint(canvas.width() // 2, canvas.height() // 2)
            qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
            qtbot.mouseMove(canvas, start + QPoint(dx // 2, dy // 2))
            qtbot.mouseMove(canvas, start + QPoint(dx, dy))
            qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(dx, dy))
            xmin, ymin, xmax, ymax = canvas.view.extent
            assert bounds[0] <= xmin and bounds[1] <= ymin and xmax <= bounds[2] and ymax <= bounds[3]
