"""Map symbols drawn with Qt, for legends and swatches beside the map."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap, QPolygonF


def marker_pixmap(marker: str, colour: str, size: int = 14) -> QPixmap:
    """A legend symbol drawn like the map's matplotlib marker of the same code."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(QColor("white"))
    c, r = size / 2.0, size / 2.0 - 1.5
    if marker == "s":
        painter.drawRect(int(c - r * 0.85), int(c - r * 0.85), int(r * 1.7), int(r * 1.7))
    elif marker in ("D", "^", "p"):
        corners = {"D": 4, "^": 3, "p": 5}[marker]
        points = [
            QPointF(c + r * math.sin(2 * math.pi * k / corners), c - r * math.cos(2 * math.pi * k / corners))
            for k in range(corners)
        ]
        painter.drawPolygon(QPolygonF(points))
    else:
        painter.drawEllipse(QPointF(c, c), r, r)
    painter.end()
    return pixmap
