"""The legend over the map: placed clear of the markers, foldable, draggable."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from bsr_map.qt.map_legend import CORNERS, clearest_corner, corner_box


def painted(qtbot, window):
    with qtbot.waitSignal(window.canvas.agenciesRendered, timeout=15_000):
        window.canvas.invalidate_agencies()
    qtbot.wait(50)  # the legend fits its new size after the paint


def under(legend, point) -> bool:
    g = legend.geometry().adjusted(-6, -6, 6, 6)  # a marker's half width around the box
    return g.contains(point.toPoint())


@pytest.mark.parametrize("size", [(1280, 800), (1366, 768)])
def test_legend_hides_no_marker_at_laptop_sizes(window, qtbot, size, bundled_directory):
    window.resize(*size)
    painted(qtbot, window)
    canvas, legend = window.canvas, window.canvas.legend
    assert legend.isVisible() and legend.entries
    hidden = [
        agency_id
        for agency_id in bundled_directory.id
        if (pos := canvas.marker_position(agency_id)) is not None and under(legend, pos)
    ]
    assert hidden == []
    # In particular Tallinn's and Helsinki's agencies stay visible.
    for agency_id in bundled_directory.id[bundled_directory.city.isin(["Tallinn", "Helsinki"])]:
        assert not under(legend, canvas.marker_position(agency_id)), agency_id
    assert canvas.rect().contains(legend.geometry())


def test_legend_moves_to_a_free_corner_when_markers_fill_its_corner(window, qtbot):
    canvas, legend = window.canvas, window.canvas.legend
    painted(qtbot, window)
    size, area = (legend.width(), legend.height()), (canvas.width(), canvas.height())
    first = legend.corner
    box = corner_box(first, size, area)
    crowd = np.column_stack([np.linspace(box[0], box[2], 5), np.linspace(box[1], box[3], 5)])
    legend.keep_clear_of(np.vstack([canvas.marker_points(), crowd]))
    assert legend.corner != first
    assert legend.markers_hidden() == 0


def test_clearest_corner_counts_markers_then_labels_then_land():
    size, area = (100, 80), (600, 400)
    in_top_right = np.array([[550.0, 40.0]])
    assert clearest_corner(size, area, in_top_right) == "bottom-right"
    everywhere_but_top_left = np.array([[550.0, 40.0], [550.0, 360.0], [50.0, 360.0]])
    assert clearest_corner(size, area, everywhere_but_top_left) == "top-left"
    inset = (0.0, 0.0, 200.0, 150.0)  # the legend never covers the Iceland inset
    assert clearest_corner(size, area, everywhere_but_top_left, [inset]) != "top-left"
    label_top_right = [(480.0, 20.0, 560.0, 40.0)]
    assert clearest_corner(size, area, np.zeros((0, 2)), labels=label_top_right) == "bottom-right"
    land_right = lambda box: 1.0 if box[0] > 300 else 0.0  # noqa: E731
    assert clearest_corner(size, area, np.zeros((0, 2)), land=land_right) == "bottom-left"
    labels_left = [(20.0, 330.0, 90.0, 350.0), (20.0, 20.0, 90.0, 40.0)]  # land matters more than a label
    assert clearest_corner(size, area, np.zeros((0, 2)), labels=labels_left, land=land_right) == "bottom-left"
    assert set(CORNERS) == {"top-right", "bottom-right", "bottom-left", "top-left"}


def test_folding_the_legend_with_its_button(window, qtbot):
    legend = window.canvas.legend
    painted(qtbot, window)
    full = legend.height()
    QTest.mouseClick(legend.collapse_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: legend.height() < full / 3, timeout=2_000)
    assert legend.collapsed and not legend.body.isVisible() and legend.title.isVisible()
    assert window.canvas.rect().contains(legend.geometry())
    QTest.mouseClick(legend.collapse_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: legend.height() == full, timeout=2_000)
    assert legend.body.isVisible()


def test_dragging_the_legend_moves_it_and_it_stays_there(window, qtbot):
    canvas, legend = window.canvas, window.canvas.legend
    painted(qtbot, window)
    view, start = canvas.view, legend.pos()
    # a drag towards the middle of the map, so it stays inside
    dx = -200 if start.x() > canvas.width() / 2 - legend.width() / 2 else 200
    dy = -100 if start.y() > canvas.height() / 2 - legend.height() / 2 else 100
    grip = legend.title.geometry().center()
    press = legend.mapToGlobal(grip)  # the finger's path, on the screen
    QTest.mousePress(legend, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, grip)
    for step in range(1, 11):
        QTest.mouseMove(legend, legend.mapFromGlobal(press + QPoint(dx * step // 10, dy * step // 10)))
    end = legend.mapFromGlobal(press + QPoint(dx, dy))
    QTest.mouseRelease(legend, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert legend.pos() == start + QPoint(dx, dy)
    assert legend.user_placed
    assert canvas.view == view and window.model.selected_id is None  # the map neither panned nor selected
    window.filter_panel.checkbox("countries", "DK").click()
    painted(qtbot, window)
    assert legend.pos() == start + QPoint(dx, dy)  # a filter change leaves it where the user put it


def test_the_legend_cannot_be_dragged_off_the_map(window, qtbot):
    canvas, legend = window.canvas, window.canvas.legend
    painted(qtbot, window)
    grip = legend.title.geometry().center()
    QTest.mousePress(legend, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, grip)
    QTest.mouseMove(legend, grip + QPoint(5000, 5000))
    QTest.mouseRelease(legend, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, grip + QPoint(5000, 5000))
    assert canvas.rect().contains(legend.geometry())
