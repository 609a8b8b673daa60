"""The on-screen legend: a small panel over the map listing what the map shows.

Its content comes from :func:`bsr_map.render.agency_layer.legend_entries`, the
same function that builds the legend of exported maps; on screen it is a
widget so a filter change does not re-typeset it into the map image.

The legend sits in the corner of the map where it hides the fewest agency
markers (none, mostly), folds to its title with the button in its title row,
and can be dragged anywhere over the map; once dragged it stays where it was put.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from bsr_map.explore.model import ExploreModel
from bsr_map.qt.symbols import marker_pixmap
from bsr_map.render.agency_layer import LegendEntry, legend_entries

#: Gap between the legend and the map's edge, in pixels.
EDGE_GAP = 10
#: A press that moves less than this (pixels) before release is not a drag.
DRAG_SLOP_PX = 4
#: Corners in the order they are preferred when they hide equally few markers.
CORNERS = ("top-right", "bottom-right", "bottom-left", "top-left")
Box = tuple[float, float, float, float]  # left, top, right, bottom in pixels


def corner_box(corner: str, size: tuple[float, float], area: tuple[float, float], gap: float = EDGE_GAP) -> Box:
    """Where a box of ``size`` (w, h) sits in ``corner`` of an ``area`` (w, h), ``gap`` from the edges."""
    w, h = size
    left = area[0] - w - gap if corner.endswith("right") else gap
    top = area[1] - h - gap if corner.startswith("bottom") else gap
    return (left, top, left + w, top + h)


def covered(box: Box, points: np.ndarray, reach: float = 0.0) -> int:
    """How many ``points`` (n, 2 pixels) lie under ``box`` or within ``reach`` pixels of it."""
    if not len(points):
        return 0
    left, top, right, bottom = box
    x, y = points[:, 0], points[:, 1]
    return int(
        np.count_nonzero((x >= left - reach) & (x <= right + reach) & (y >= top - reach) & (y <= bottom + reach))
    )


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def clearest_corner(
    size: tuple[float, float],
    area: tuple[float, float],
    points: np.ndarray,
    avoid: Sequence[Box] = (),
    *,
    labels: Sequence[Box] = (),
    land: Callable[[Box], float] | None = None,
    reach: float = 8.0,
    prefer: str | None = None,
) -> str:
    """The corner of ``area`` where a box of ``size`` hides the fewest ``points``.

    Among corners hiding equally few markers, the one covering least of the
    region's land wins (a corner over the sea or the neighbours rather than
    over eastern Finland and Estonia), then the one hiding the fewest ``labels``.

    Parameters
    ----------
    size, area : tuple of float
        Width and height of the box and of the area, in pixels.
    points : ndarray of shape (n, 2)
        Marker centres (pixels, origin top left).
    avoid : sequence of box
        Boxes the legend must not cover (the Iceland inset); covering one
        counts as hiding more markers than any corner could.
    labels : sequence of box
        The agencies' names on the map.
    land : callable, optional
        The share (0 to 1) of a box that covers the region's land.
    reach : float
        A marker this close to the box's edge counts as hidden (its symbol's radius).
    prefer : str, optional
        The corner kept when it is as good as the best (the legend does not
        jump between equally good corners at every filter change).

    Returns
    -------
    str
        One of :data:`CORNERS`.
    """
    points = np.asarray(points, dtype=float).reshape(-1, 2)

    def cost(corner: str) -> tuple[int, int, int]:
        box = corner_box(corner, size, area)
        blocked = any(_overlaps(box, b) for b in avoid)
        hidden_labels = sum(_overlaps(box, b) for b in labels)
        # In tenths, so nearly equal corners count as equal (and the legend stays put).
        over_land = 0 if land is None else round(10 * land(box))
        return (covered(box, points, reach) + (10**6 if blocked else 0), over_land, hidden_labels)

    costs = {corner: cost(corner) for corner in CORNERS}
    best = min(CORNERS, key=lambda c: costs[c])
    return prefer if prefer in costs and costs[prefer] == costs[best] else best


class MapLegend(QFrame):
    """Legend of the agencies currently on the map: foldable, draggable, placed clear of markers.

    Signals
    -------
    collapsedChanged(bool)
        The legend was folded (True) or unfolded.
    """

    collapsedChanged = Signal(bool)

    def __init__(self, model: ExploreModel, parent: QWidget | None = None, *, font_px: int = 11):
        super().__init__(parent)
        self._model = model
        self._font_px = font_px
        self.corner = CORNERS[0]
        self.user_placed = False  # dragged by the user: stays there
        self._points = np.zeros((0, 2))
        self._avoid: list[Box] = []
        self._labels: list[Box] = []
        self._land: Callable[[Box], float] | None = None
        self._press: QPoint | None = None
        self._press_pos = QPoint()
        self._dragging = False
        self.setObjectName("mapLegend")
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setToolTip("Drag to move the legend")
        self.title = QLabel("Agencies")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.collapse_button = QToolButton()
        self.collapse_button.setCheckable(True)
        self.collapse_button.setAutoRaise(True)
        self.collapse_button.setCursor(Qt.CursorShape.ArrowCursor)
        self.collapse_button.toggled.connect(self._on_collapse_button_toggled)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.title, 1)
        header.addWidget(self.collapse_button)
        self.body = QWidget()
        self._grid = QGridLayout(self.body)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(5)
        self._grid.setVerticalSpacing(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 4, 4, 6)
        outer.setSpacing(2)
        outer.addLayout(header)
        outer.addWidget(self.body)
        self.entries: list[LegendEntry] = []
        self.set_font_px(font_px)
        self._on_collapse_button_toggled(False)
        model.filters_changed.connect(self.refresh)
        self.refresh()

    # -- content ------------------------------------------------------------------
    def set_font_px(self, px: int, button_px: int | None = None) -> None:
        """Text and symbol size (a booth screen seen from two metres wants about 20 px).

        ``button_px`` is the fold button's size (a finger wants 48 px); 1.6 times the text by default.
        """
        self._font_px = px
        button = button_px or round(px * 1.6)
        self.setStyleSheet(
            "#mapLegend { background: rgba(255,255,255,235); border: 1px solid #B8B2A8; border-radius: 3px; }"
            f" #mapLegend QLabel {{ background: transparent; color: #222; font-size: {px}px; }}"
            f" #mapLegend QToolButton {{ background: transparent; color: #222; font-size: {px}px; border: none;"
            f" min-width: {button}px; min-height: {button}px; }}"
        )
        self.title.setStyleSheet(f"font-weight: bold; font-size: {px}px;")
        if self.entries:
            self.refresh()

    def refresh(self) -> None:
        """Rebuild from the filtered agencies."""
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.entries = legend_entries(None, self._model.taxonomy, shown=self._model.index.shown(self._model.mask))
        symbol_px = max(14, round(self._font_px * 1.3))
        for row, entry in enumerate(self.entries):
            symbol = QLabel()
            symbol.setPixmap(marker_pixmap(entry.marker, entry.color, symbol_px))
            self._grid.addWidget(symbol, row, 0)
            label = QLabel(entry.label)
            label.setTextFormat(Qt.TextFormat.PlainText)  # taxonomy labels come from a file too
            self._grid.addWidget(label, row, 1)
        self.setVisible(bool(self.entries))
        # New labels report their size once polished, after this event: fit then.
        QTimer.singleShot(0, self._fit)

    @property
    def collapsed(self) -> bool:
        """True while only the title row shows."""
        return self.collapse_button.isChecked()

    def set_collapsed(self, collapsed: bool) -> None:
        """Fold the legend to its title row, or unfold it."""
        self.collapse_button.setChecked(collapsed)

    def _on_collapse_button_toggled(self, collapsed: bool) -> None:
        self.body.setVisible(not collapsed)
        self.collapse_button.setText("+" if collapsed else "–")
        self.collapse_button.setToolTip("Show the legend" if collapsed else "Fold the legend")
        self.collapse_button.setAccessibleName(self.collapse_button.toolTip())
        self._fit()
        self.collapsedChanged.emit(collapsed)

    def _fit(self) -> None:
        self.layout().activate()
        self.resize(self.sizeHint())
        if self.parentWidget() is not None:
            self.place()  # where the user put it, its top left corner stays (the fold button under the pointer)

    # -- placement ----------------------------------------------------------------
    def keep_clear_of(
        self,
        points: np.ndarray,
        avoid: Sequence[Box] = (),
        labels: Sequence[Box] = (),
        land: Callable[[Box], float] | None = None,
    ) -> None:
        """What to keep clear of (pixels in the map): markers (n, 2), boxes, labels, the region's land.

        Moves to the clearest corner (see :func:`clearest_corner`) unless the user placed the legend.
        """
        self._points = np.asarray(points, dtype=float).reshape(-1, 2)
        self._avoid, self._labels, self._land = list(avoid), list(labels), land
        self.place()

    def place(self) -> None:
        """Go to the corner hiding the fewest markers (or stay inside the map where the user put it)."""
        parent = self.parentWidget()
        if parent is None:
            return
        if self.user_placed:
            self._move_inside(self.pos())
            return
        area = (parent.width(), parent.height())
        size = (self.width(), self.height())
        self.corner = clearest_corner(
            size, area, self._points, self._avoid, labels=self._labels, land=self._land, prefer=self.corner
        )
        left, top, _, _ = corner_box(self.corner, size, area)
        self.move(round(left), round(top))

    def markers_hidden(self) -> int:
        """How many of the markers last given to :meth:`keep_clear_of` lie under the legend."""
        g = self.geometry()
        return covered((g.left(), g.top(), g.right(), g.bottom()), self._points)

    def _move_inside(self, pos: QPoint) -> None:
        parent = self.parentWidget()
        x = min(max(0, pos.x()), max(0, parent.width() - self.width()))
        y = min(max(0, pos.y()), max(0, parent.height() - self.height()))
        self.move(x, y)

    # -- dragging -----------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.globalPosition().toPoint()
            self._press_pos = self.pos()
            self._dragging = False
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        event.accept()  # a press on the legend never pans or selects on the map below

    def mouseMoveEvent(self, event) -> None:
        if self._press is None:
            event.accept()
            return
        delta = event.globalPosition().toPoint() - self._press
        if self._dragging or delta.manhattanLength() > DRAG_SLOP_PX:
            self._dragging = True
            self._move_inside(self._press_pos + delta)
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        if self._press is not None and self._dragging:
            self.user_placed = True
        self._press = None
        self._dragging = False
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        event.accept()

    def mouseDoubleClickEvent(self, event) -> None:
        """A double click sends the legend back to the clearest corner."""
        self.user_placed = False
        self.place()
        event.accept()
