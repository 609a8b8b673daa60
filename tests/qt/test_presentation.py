"""Trade-fair presentation mode, used as a visitor and a presenter use it: tapping the real buttons.

Every control is pressed with the mouse (QTest) or clicked, then the test checks
what the map and the model show: the agencies drawn, the filter, the buttons'
pressed state. Sizes are measured at a 1920 × 1080 booth screen.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QImage, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from bsr_map.directory import load_taxonomy
from bsr_map.directory.schema import DIRECTORY_COUNTRIES, country_name
from bsr_map.explore.model import ExploreModel
from bsr_map.geo.mapview import home_view, limit_view
from bsr_map.qt import presentation
from bsr_map.qt.presentation import PresentationWindow, pin_hash

EVIL = '<b>Bold</b> <img src=x> <a href="file:///etc/passwd">x</a>'


def make_booth(qtbot, basemap, directory, size=None, **kwargs):
    window = PresentationWindow(
        basemap,
        ExploreModel(directory, load_taxonomy()),
        idle_seconds=kwargs.pop("idle_seconds", 600),
        tour_seconds=kwargs.pop("tour_seconds", 600),
        pin_sha256=pin_hash("2468"),
    )
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.canvas.agenciesRendered, timeout=20_000):
        if size is None:
            window.showFullScreen()
        else:
            window.resize(*size)
            window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def booth(qtbot, basemap, bundled_directory):
    window = make_booth(qtbot, basemap, bundled_directory, idle_seconds=1, tour_seconds=1)
    yield window
    window._exit_allowed = True
    window.close()


@pytest.fixture
def big_booth(qtbot, basemap, bundled_directory):
    """The booth at a 1920 × 1080 screen, without idle reset or tour pace getting in the way."""
    window = make_booth(qtbot, basemap, bundled_directory, size=(1920, 1080))
    yield window
    window._exit_allowed = True
    window.close()


def tap(qtbot, widget, pos=None):
    """A finger's tap: press and release on the widget (its centre by default)."""
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos or widget.rect().center())


def drawn_ids(qtbot, booth) -> set[str]:
    """The agencies the map shows after the next paint."""
    with qtbot.waitSignal(booth.canvas.agenciesRendered, timeout=10_000):
        booth.canvas.invalidate_agencies()  # drawn again even when the last paint drew them already
    return set(booth.canvas.agency_artists.ids)


def shown_text(rich: str) -> str:
    """What Qt shows for a label's or tooltip's text (it guesses rich text as Qt::mightBeRichText does)."""
    if not GuiQt.mightBeRichText(rich):
        return rich
    doc = QTextDocument()
    doc.setHtml(rich)
    return doc.toPlainText()


# -- every control, pressed for real ------------------------------------------------------
def test_tapping_a_country_button_filters_the_map_and_stays_pressed(big_booth, qtbot, bundled_directory):
    finland = big_booth.country_buttons["FI"]
    tap(qtbot, finland)
    expected = set(bundled_directory.id[bundled_directory.country == "FI"])
    assert big_booth.model.filters.countries == frozenset({"FI"})
    assert big_booth.model.count == len(expected) == 10
    assert finland.isChecked()
    assert drawn_ids(qtbot, big_booth) == expected
    tap(qtbot, big_booth.country_buttons["EE"])  # a second country adds to the first
    assert big_booth.model.filters.countries == frozenset({"FI", "EE"})
    assert finland.isChecked() and big_booth.country_buttons["EE"].isChecked()
    assert big_booth.model.count == 14
    tap(qtbot, finland)
    tap(qtbot, big_booth.country_buttons["EE"])
    assert big_booth.model.filters.countries == frozenset() and not finland.isChecked()
    assert drawn_ids(qtbot, big_booth) == set(bundled_directory.id)


def test_every_country_and_sector_button_shows_its_agencies(big_booth, qtbot, bundled_directory):
    for code, button in big_booth.country_buttons.items():
        tap(qtbot, button)
        expected = set(bundled_directory.id[bundled_directory.country == code])
        assert big_booth.model.filters.countries == frozenset({code}), code
        assert set(big_booth.model.filtered.id) == expected and expected, code
        assert button.isChecked(), code
        assert [c for c, b in big_booth.country_buttons.items() if b.isChecked()] == [code]
        tap(qtbot, button)
        assert not button.isChecked() and big_booth.model.count == len(bundled_directory)
    for code, button in big_booth.sector_buttons.items():
        tap(qtbot, button)
        expected = {i for i, s in zip(bundled_directory.id, bundled_directory.sectors, strict=True) if code in s}
        assert big_booth.model.filters.sectors == frozenset({code}), code
        assert set(big_booth.model.filtered.id) == expected, code
        assert button.isChecked(), code
        tap(qtbot, button)
        assert not button.isChecked()


def test_sector_button_and_country_button_combine_on_the_map(big_booth, qtbot, bundled_directory):
    tap(qtbot, big_booth.country_buttons["PL"])
    tap(qtbot, big_booth.sector_buttons["ict"])
    expected = {
        i
        for i, c, s in zip(bundled_directory.id, bundled_directory.country, bundled_directory.sectors, strict=True)
        if c == "PL" and "ict" in s
    }
    assert expected and drawn_ids(qtbot, big_booth) == expected
    assert big_booth.country_buttons["PL"].isChecked() and big_booth.sector_buttons["ict"].isChecked()


def test_start_again_button_clears_filters_selection_and_view(big_booth, qtbot, bundled_directory):
    tap(qtbot, big_booth.country_buttons["LT"])
    tap(qtbot, big_booth.sector_buttons["logistics"])
    big_booth.model.select(big_booth.model.filtered.id.iloc[0])
    big_booth.canvas.zoom_by(4)
    tap(qtbot, big_booth.home_button)
    assert big_booth.model.filters.is_empty and big_booth.model.selected_id is None
    assert not any(b.isChecked() for b in [*big_booth.country_buttons.values(), *big_booth.sector_buttons.values()])
    canvas = big_booth.canvas
    assert canvas.view == limit_view(home_view(canvas.width(), canvas.height()))
    assert drawn_ids(qtbot, big_booth) == set(bundled_directory.id)


def test_tour_button_starts_the_tour_and_each_step_shows_the_next_country(big_booth, qtbot, monkeypatch):
    monkeypatch.setattr(presentation, "TRANSITION_MS", 10)
    names = sorted(DIRECTORY_COUNTRIES, key=country_name)
    tap(qtbot, big_booth.tour_button)
    assert big_booth.tour_timer.isActive()
    assert big_booth.model.filters.countries == frozenset({names[0]})
    assert [c for c, b in big_booth.country_buttons.items() if b.isChecked()] == [names[0]]
    big_booth.tour_timer.timeout.emit()  # the next step, as the timer would
    assert big_booth.model.filters.countries == frozenset({names[1]})
    assert big_booth.country_buttons[names[1]].isChecked() and not big_booth.country_buttons[names[0]].isChecked()
    tap(qtbot, big_booth.canvas, QPoint(5, big_booth.canvas.height() - 5))  # a visitor touches the map
    assert not big_booth.tour_timer.isActive()


def test_tour_frames_each_country_with_its_markers_well_inside(big_booth, qtbot, monkeypatch):
    monkeypatch.setattr(presentation, "TRANSITION_MS", 10)
    canvas = big_booth.canvas
    big_booth.start_tour()
    big_booth.tour_timer.stop()
    for _ in DIRECTORY_COUNTRIES:
        (code,) = big_booth.model.filters.countries
        if code != "IS":  # Iceland is shown in its inset of the overview
            qtbot.waitUntil(lambda: canvas._animation.state() == canvas._animation.State.Stopped, timeout=5_000)
            drawn_ids(qtbot, big_booth)
            points = canvas.marker_points()
            assert len(points) == big_booth.model.count, code
            margin = np.min(np.column_stack([points, canvas.width() - points[:, 0], canvas.height() - points[:, 1]]))
            # Markers (about 23 px wide) sit at least 60 px from every edge of the map.
            assert margin >= 60, (code, margin)
        big_booth.tour_step()


def test_exit_needs_the_key_combination_and_the_pin(booth, qtbot, monkeypatch):
    left = []
    booth.left.connect(lambda: left.append(True))
    booth.close()  # Alt+F4 or a window manager's close button
    assert booth.isVisible()
    monkeypatch.setattr(booth, "ask_pin", lambda: "0000")
    QTest.keyClick(booth, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert booth.isVisible() and not left
    monkeypatch.setattr(booth, "ask_pin", lambda: "2468")
    QTest.keyClick(booth, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not booth.isVisible() and left == [True]


def test_idle_reset_returns_to_the_overview(booth, qtbot, bundled_directory):
    tap(qtbot, booth.country_buttons["FI"])
    booth.model.select("fi-businessoulu")
    assert booth.model.count == 10 and booth.country_buttons["FI"].isChecked()
    qtbot.waitUntil(
        lambda: booth.model.filters.countries == frozenset() and booth.model.selected_id is None, timeout=5_000
    )
    assert not booth.country_buttons["FI"].isChecked()
    assert drawn_ids(qtbot, booth) == set(bundled_directory.id)


def test_tapping_a_marker_opens_the_card_with_a_qr_code_and_close_clears_it(big_booth, qtbot):
    canvas = big_booth.canvas
    tap(qtbot, big_booth.country_buttons["EE"])
    drawn_ids(qtbot, big_booth)
    pos = canvas.marker_position("ee-tartu-science-park")
    assert pos is not None
    tap(qtbot, canvas, pos.toPoint())
    assert big_booth.model.selected_id == "ee-tartu-science-park"
    pixmap = big_booth.card.qr.pixmap()
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB888)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    pixels = pixels[:, : image.width() * 3].reshape(image.height(), image.width(), 3)
    (result,) = zxingcpp.read_barcodes(Image.fromarray(pixels))
    assert result.text == "https://teaduspark.ee"
    assert "Tartu Science Park" in shown_text(big_booth.card.text.text())
    assert big_booth.card.close_button.isVisible() and big_booth.card.close_button.height() >= 48
    tap(qtbot, big_booth.card.close_button)
    assert big_booth.model.selected_id is None and big_booth.card.qr_text == ""
    assert not big_booth.card.close_button.isVisible()


def test_card_shows_agency_text_literally(qtbot, basemap, bundled_directory):
    directory = bundled_directory.copy()
    row = directory.index[directory.id == "ee-tartu-science-park"][0]
    directory.loc[row, "name"] = EVIL
    window = make_booth(qtbot, basemap, directory, size=(1920, 1080))
    window.model.select("ee-tartu-science-park")
    assert EVIL in shown_text(window.card.text.text())
    window._exit_allowed = True
    window.close()


# -- sizes for a visitor two metres away, and a finger ---------------------------------------------
def test_booth_sizes_at_1920_by_1080(big_booth, qtbot):
    canvas = big_booth.canvas
    # The map takes most of the screen (it was a column of about 820 px, 43 %).
    assert canvas.width() / big_booth.width() >= 0.6
    assert canvas.width() * canvas.height() / (big_booth.width() * big_booth.height()) >= 0.5
    # Every button a visitor taps is at least the 48 px touch guideline tall, and shows its whole label.
    buttons = [b for b in big_booth.findChildren(QPushButton) if b.isVisible()]
    assert len(buttons) >= 10 + 13 + 2
    for button in buttons:
        assert button.height() >= 48, button.text()
        assert button.width() >= button.fontMetrics().horizontalAdvance(button.text().replace("&&", "&")), button.text()
    # Map labels, basemap and agency names alike, are at least 18 px on screen (desk size: about 10 px).
    texts = canvas.label_texts()
    assert len(texts) > 10
    assert min(canvas.label_px(t) for t in texts) >= 18
    # The legend is folded to its title, so the map is the visitors'; its fold button is finger-sized.
    legend = canvas.legend
    assert legend.collapsed and legend.collapse_button.height() >= 48 and legend.collapse_button.width() >= 48
    tap(qtbot, legend.collapse_button)
    assert not legend.collapsed and legend.body.isVisible()
    # Markers are drawn at least 20 px wide.
    sizes = np.concatenate([collection.get_sizes() for collection, _ids in canvas.agency_artists.markers])
    dpi = canvas.agency_artists.markers[0][0].figure.dpi
    assert math.sqrt(sizes.min()) * dpi / 72 / canvas.devicePixelRatioF() >= 20


def test_a_tap_near_a_marker_selects_it(big_booth, qtbot):
    canvas = big_booth.canvas
    assert canvas.hit_radius_px >= 24  # a 48 px target: the touch guideline
    points = canvas.marker_points()
    ids = [i for i, inside in zip(canvas.agency_artists.ids, canvas.agency_artists.in_view, strict=True) if inside]
    # An agency with no other marker within 80 px: a tap 26 px beside it is meant for it.
    gaps = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(gaps, np.inf)
    lonely = int(np.argmax(gaps.min(axis=1)))
    assert gaps[lonely].min() > 80
    x, y = points[lonely]
    dx = 26 if x < canvas.width() / 2 else -26
    tap(qtbot, canvas, QPoint(round(x + dx), round(y)))
    assert big_booth.model.selected_id == ids[lonely]
    big_booth.model.select(None)
    tap(qtbot, canvas, QPoint(round(x + 3 * dx), round(y)))  # 78 px away: the sea, not the agency
    assert big_booth.model.selected_id is None


# -- the booth and the main window -------------------------------------------------------------
def test_opens_full_screen_with_no_file_or_edit_actions(booth):
    assert booth.isFullScreen()
    names = {a.text().replace("&", "").lower() for a in booth.findChildren(QAction)}
    assert not names & {"open directory…", "save", "save as…", "delete agency", "export map…", "add agency…"}


def test_f11_opens_the_presentation_from_the_main_window(window, qtbot):
    window.present_action.trigger()
    booth = window.presentation
    qtbot.waitExposed(booth)
    assert booth.isFullScreen() and booth.model is not window.model  # its own filters: staff's stay as they were
    booth._exit_allowed = True
    booth.close()


def test_the_booth_presents_the_file_the_presenter_opened(window, qtbot, tmp_path, bundled_directory):
    from bsr_map.directory import write_directory

    path = tmp_path / "nordics.geojson"
    write_directory(bundled_directory[bundled_directory.country.isin(["DK", "NO"])], path)
    assert window.open_directory(path)  # what `bsr-map gui --present FILE` does first
    booth = window.open_presentation()
    qtbot.waitExposed(booth)
    assert set(booth.model.directory.id) == set(bundled_directory.id[bundled_directory.country.isin(["DK", "NO"])])
    tap(qtbot, booth.country_buttons["NO"])
    assert booth.model.count == 5 and booth.country_buttons["NO"].isChecked()
    # countries the file has no agency in cannot empty the map
    assert [c for c, b in booth.country_buttons.items() if b.isEnabled()] == ["DK", "NO"]
    tap(qtbot, booth.country_buttons["EE"])
    assert booth.model.filters.countries == frozenset({"NO"})
    booth._exit_allowed = True
    booth.close()


def test_tour_glides_to_the_next_country(booth, qtbot):
    canvas = booth.canvas
    start = canvas.view
    booth.tour_timer.setInterval(60_000)  # one step only
    booth.start_tour()
    scales = []
    for _ in range(25):
        qtbot.wait(60)
        scales.append(canvas.view.metres_per_pixel)
    final = scales[-1]
    assert final < start.metres_per_pixel  # zoomed in to the first country
    between = [m for m in scales if final * 1.01 < m < start.metres_per_pixel * 0.99]
    assert between, "the view jumped instead of gliding"
