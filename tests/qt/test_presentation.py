"""Trade-fair presentation mode: full screen, nothing to break, idle reset, tour, exit guard, QR cards."""

from __future__ import annotations

import numpy as np
import pytest
import zxingcpp
from PIL import Image
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QPushButton

from bsr_map.directory import load_taxonomy
from bsr_map.explore.model import ExploreModel
from bsr_map.qt.presentation import PresentationWindow, pin_hash


@pytest.fixture
def booth(qtbot, basemap, bundled_directory):
    window = PresentationWindow(
        basemap,
        ExploreModel(bundled_directory, load_taxonomy()),
        idle_seconds=1,
        tour_seconds=1,
        pin_sha256=pin_hash("2468"),
    )
    qtbot.addWidget(window)
    window.showFullScreen()
    qtbot.waitExposed(window)
    yield window
    window._exit_allowed = True
    window.close()


def test_opens_full_screen_with_big_buttons_and_no_file_or_edit_actions(booth):
    assert booth.isFullScreen()
    names = {a.text().replace("&", "").lower() for a in booth.findChildren(QAction)}
    assert not names & {"open directory…", "save", "save as…", "delete agency", "export map…", "add agency…"}
    buttons = booth.findChildren(QPushButton)
    assert len(buttons) >= 10 + 13 + 1 and all(b.minimumHeight() >= 44 for b in buttons)


def test_idle_reset_returns_to_the_overview(booth, qtbot):
    booth.country_buttons["FI"].click()
    booth.model.select("fi-businessoulu")
    assert booth.model.count < len(booth.model.directory)
    qtbot.waitUntil(
        lambda: booth.model.filters.countries == frozenset() and booth.model.selected_id is None, timeout=5_000
    )
    assert not booth.country_buttons["FI"].isChecked()


def test_tour_advances_through_the_countries(booth, qtbot):
    booth.start_tour()
    first = booth.model.filters.countries
    qtbot.waitUntil(lambda: booth.model.filters.countries not in (first, frozenset()), timeout=5_000)
    assert len(booth.model.filters.countries) == 1


def test_exit_guard_holds_without_the_pin(booth, monkeypatch):
    booth.close()
    assert booth.isVisible()
    monkeypatch.setattr(booth, "ask_pin", lambda: "0000")
    assert not booth.request_exit() and booth.isVisible()
    monkeypatch.setattr(booth, "ask_pin", lambda: "2468")
    assert booth.request_exit() and not booth.isVisible()


def test_card_qr_code_decodes_to_the_website(booth):
    booth.model.select("ee-tartu-science-park")
    pixmap = booth.card.qr.pixmap()
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB888)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    pixels = pixels[:, : image.width() * 3].reshape(image.height(), image.width(), 3)
    (result,) = zxingcpp.read_barcodes(Image.fromarray(pixels))
    assert result.text == "https://teaduspark.ee"
    assert "Tartu Science Park" in booth.card.text.text()


def test_f11_opens_the_presentation_from_the_main_window(window, qtbot):
    window.present_action.trigger()
    booth = window.presentation
    qtbot.waitExposed(booth)
    assert booth.isFullScreen() and booth.model is not window.model  # its own filters: staff's stay as they were
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
