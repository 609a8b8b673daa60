"""The on-screen legend: a small panel over the map listing what the map shows.

Its content comes from :func:`bsr_map.render.agency_layer.legend_entries`, the
same function that builds the legend of exported maps; on screen it is a
widget so a filter change does not re-typeset it into the map image.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from bsr_map.explore.model import ExploreModel
from bsr_map.qt.symbols import marker_pixmap
from bsr_map.render.agency_layer import LegendEntry, legend_entries


class MapLegend(QFrame):
    """Legend of the agencies currently on the map."""

    def __init__(self, model: ExploreModel, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self.setObjectName("mapLegend")
        self.setStyleSheet(
            "#mapLegend { background: rgba(255,255,255,235); border: 1px solid #B8B2A8;"
            " border-radius: 3px; } QLabel { background: transparent; font-size: 11px; }"
        )
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(8, 6, 8, 6)
        self._grid.setHorizontalSpacing(5)
        self._grid.setVerticalSpacing(1)
        self.entries: list[LegendEntry] = []
        model.filters_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Rebuild from the filtered agencies."""
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.entries = legend_entries(None, self._model.taxonomy, shown=self._model.index.shown(self._model.mask))
        title = QLabel("<b>Agencies</b>")
        self._grid.addWidget(title, 0, 0, 1, 2)
        for row, entry in enumerate(self.entries, start=1):
            symbol = QLabel()
            symbol.setPixmap(marker_pixmap(entry.marker, entry.color))
            self._grid.addWidget(symbol, row, 0)
            self._grid.addWidget(QLabel(entry.label), row, 1)
        self.setVisible(bool(self.entries))
        # New labels report their size once polished, after this event: fit then.
        QTimer.singleShot(0, self._fit)

    def _fit(self) -> None:
        self.resize(self.sizeHint())
        if self.parentWidget() is not None:
            self.place()

    def place(self) -> None:
        """Keep to the parent's top right corner."""
        parent = self.parentWidget()
        self.move(parent.width() - self.width() - 10, 10)
