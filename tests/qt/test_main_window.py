"""The main window, driven through its real widgets offscreen."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage

from bsr_map.geo.mapview import home_view
from bsr_map.render.style import DEFAULT_STYLE


def pixels(widget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    ptr = image.constBits()
    return np.frombuffer(ptr, np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width(), :3]


def test_window_paints_a_map(window):
    px = pixels(window.canvas)
    colours, counts = np.unique(px[::4, ::4].reshape(-1, 3), axis=0, return_counts=True)
    sea = np.array([int(DEFAULT_STYLE.sea[i : i + 2], 16) for i in (1, 3, 5)])
    land = np.array([int(DEFAULT_STYLE.member_land[i : i + 2], 16) for i in (1, 3, 5)])
    share = dict(zip(map(tuple, colours), counts / counts.sum(), strict=False))
    assert share.get(tuple(sea), 0) > 0.10
    assert share.get(tuple(land), 0) > 0.03
    assert len(colours) > 200  # lines, labels and anti-aliasing, not a flat fill


def test_wheel_zooms_about_the_cursor_and_home_returns(window, qtbot):
    canvas = window.canvas
    before = canvas.view
    anchor = before.to_map(400, 300)
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    event = QWheelEvent(
        QPointF(400, 300),
        canvas.mapToGlobal(QPointF(400, 300)),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas, event)
    assert canvas.view.metres_per_pixel == pytest.approx(before.metres_per_pixel / 1.25**2)
    assert canvas.view.to_map(400, 300) == pytest.approx(anchor)
    with qtbot.waitSignal(canvas.rendered, timeout=5_000):
        pass  # the real redraw follows once the wheel settles
    qtbot.keyClick(canvas, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert canvas.view == home_view(canvas.width(), canvas.height())


def test_drag_pans_and_redraws_on_release(window, qtbot):
    canvas = window.canvas
    canvas.set_view(canvas.view.zoomed(3), redraw_now=True)  # the whole region leaves no room to pan
    before = canvas.view
    spot = before.to_map(300, 300)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(300, 300))
    qtbot.mouseMove(canvas, QPoint(350, 330))
    qtbot.mouseMove(canvas, QPoint(400, 360))
    with qtbot.waitSignal(canvas.rendered, timeout=5_000):
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(400, 360))
    assert canvas.view.to_pixel(*spot) == pytest.approx((400, 360))


def test_status_bar_shows_cursor_position_in_degrees(window, qtbot):
    canvas = window.canvas
    from bsr_map.geo.projection import from_lonlat

    x, y = from_lonlat(24.94, 60.17)  # Helsinki
    px, py = canvas.view.to_pixel(x, y)
    qtbot.mouseMove(canvas, QPoint(round(px), round(py)))
    text = window._position.text()
    lat, lon = (float(part.split("°")[0]) for part in text.split(","))
    assert lat == pytest.approx(60.17, abs=0.05) and lon == pytest.approx(24.94, abs=0.1)
    assert "N" in text and "E" in text


def test_zoom_actions_change_scale(window):
    mpp = window.canvas.view.metres_per_pixel
    window.zoom_in_action.trigger()
    assert window.canvas.view.metres_per_pixel == pytest.approx(mpp / 1.5)
    window.zoom_out_action.trigger()
    assert window.canvas.view.metres_per_pixel == pytest.approx(mpp)
