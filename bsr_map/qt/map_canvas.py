"""The map widget: shows the figure drawn by the core renderer.

The map is rendered with matplotlib's Agg into an image once per view. During a
drag or a wheel gesture the cached image is moved and scaled, which costs a few
milliseconds a frame; when the gesture ends the map is drawn again for real.
"""

from __future__ import annotations

import time

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QWidget

from bsr_map.basemap import Basemap
from bsr_map.mapview import MapView, home_view
from bsr_map.projection import INSET_CRS, INSET_FRAME, to_lonlat
from bsr_map.render.draw_map import MapArtists, draw_map
from bsr_map.render.style import DEFAULT_STYLE, MapStyle

#: Quiet time after the last wheel step before the map is redrawn properly.
WHEEL_SETTLE_MS = 180
#: Zoom factor of one wheel notch (120 units of angle delta).
WHEEL_STEP = 1.25


class MapCanvas(QWidget):
    """Shows the map and handles pan (drag) and zoom (wheel, buttons).

    Signals
    -------
    cursorMoved(float, float)
        Longitude and latitude under the mouse.
    cursorLeft()
        The mouse left the map.
    rendered(float)
        The map was drawn for real; the argument is the drawing time in seconds.
    """

    cursorMoved = Signal(float, float)
    cursorLeft = Signal()
    rendered = Signal(float)

    def __init__(self, basemap: Basemap, style: MapStyle = DEFAULT_STYLE, parent: QWidget | None = None):
        super().__init__(parent)
        self._basemap = basemap
        self._style = style
        self._view: MapView | None = None
        self._image: QImage | None = None
        self._image_view: MapView | None = None
        self._inset_rect: QRectF | None = None
        self._artists: MapArtists | None = None
        self._drag_origin: QPointF | None = None
        self._drag_view: MapView | None = None
        self._settle = QTimer(self, singleShot=True, interval=WHEEL_SETTLE_MS)
        self._settle.timeout.connect(self._on_settle_timeout)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 240)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    # -- public API -------------------------------------------------------
    @property
    def view(self) -> MapView:
        """The view currently shown (the home view before the first paint)."""
        if self._view is None:
            self._view = home_view(self.width(), self.height())
        return self._view

    @property
    def artists(self) -> MapArtists | None:
        """What the last real render drew."""
        return self._artists

    def set_view(self, view: MapView, *, redraw_now: bool = False) -> None:
        """Show ``view``; the map is redrawn properly once the view settles."""
        self._view = view.resized(self.width(), self.height())
        if redraw_now:
            self._settle.stop()
            self._image = None
        else:
            self._settle.start()
        self.update()

    def go_home(self) -> None:
        """Return to the view of the whole region."""
        self.set_view(home_view(self.width(), self.height()), redraw_now=True)

    def zoom_by(self, factor: float) -> None:
        """Zoom about the centre by ``factor`` (> 1 zooms in)."""
        self.set_view(self.view.zoomed(factor))

    # -- rendering --------------------------------------------------------
    def render_map(self) -> None:
        """Draw the current view for real into the cached image."""
        started = time.perf_counter()
        ratio = self.devicePixelRatioF()
        width, height = max(1, self.width()), max(1, self.height())
        view = self.view.resized(width, height)
        fig = Figure(figsize=(width / 100.0, height / 100.0), dpi=100.0 * ratio)
        canvas = FigureCanvasAgg(fig)
        self._artists = draw_map(fig, self._basemap, view, self._style)
        canvas.draw()
        buffer = canvas.buffer_rgba()
        image = QImage(buffer, buffer.shape[1], buffer.shape[0], QImage.Format.Format_RGBA8888).copy()
        image.setDevicePixelRatio(ratio)
        self._image, self._image_view, self._view = image, view, view
        self._inset_rect = self._inset_rect_of(self._artists, height, ratio)
        self.rendered.emit(time.perf_counter() - started)

    @staticmethod
    def _inset_rect_of(artists: MapArtists, height: float, ratio: float) -> QRectF | None:
        if artists.inset_ax is None:
            return None
        bbox = artists.inset_ax.get_window_extent()
        # Display coordinates are device pixels from the bottom; Qt wants logical pixels from the top.
        return QRectF(bbox.x0 / ratio, height - bbox.y1 / ratio, bbox.width / ratio, bbox.height / ratio).adjusted(
            -1, -1, 1, 1
        )

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if self._image is None:
            self.render_map()
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(self._style.sea))
        if self.view == self._image_view:
            painter.drawImage(QPointF(0, 0), self._image)
        else:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(self._target_rect(), self._image)
            if self._inset_rect is not None:
                # The inset stays where it is while the map moves under it.
                ratio = self._image.devicePixelRatio()
                source = QRectF(
                    self._inset_rect.x() * ratio, self._inset_rect.y() * ratio,
                    self._inset_rect.width() * ratio, self._inset_rect.height() * ratio,
                )
                painter.drawImage(self._inset_rect, self._image, source)
        painter.end()

    def _target_rect(self) -> QRectF:
        """Where the cached image lands in the current view (logical pixels)."""
        old, new = self._image_view, self.view
        xmin, ymin, xmax, ymax = old.extent
        left, top = new.to_pixel(xmin, ymax)
        right, bottom = new.to_pixel(xmax, ymin)
        return QRectF(QPointF(left, top), QPointF(right, bottom))

    # -- events -----------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802
        if self._view is not None:
            self._view = self._view.resized(self.width(), self.height())
        self._settle.start()
        super().resizeEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_origin = event.position()
            self._drag_view = self.view
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        if self._drag_origin is not None and self._drag_view is not None:
            delta = pos - self._drag_origin
            self._view = self._drag_view.panned(delta.x(), delta.y())
            self.update()
        self._emit_cursor(pos)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self._drag_origin is not None:
            self._drag_origin = None
            self._drag_view = None
            self.setCursor(Qt.CursorShape.OpenHandCursor)
            if self.view != self._image_view:
                self.set_view(self.view, redraw_now=True)
        super().mouseReleaseEvent(event)

    def wheelEvent(self, event) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120.0
        if steps:
            pos = event.position()
            self._view = self.view.zoomed(WHEEL_STEP**steps, pos.x(), pos.y())
            self._settle.start()
            self.update()
        event.accept()

    def leaveEvent(self, event) -> None:  # noqa: N802
        self.cursorLeft.emit()
        super().leaveEvent(event)

    def _on_settle_timeout(self) -> None:
        self._image = None
        self.update()

    def _emit_cursor(self, pos: QPointF) -> None:
        if self._inset_rect is not None and self._inset_rect.contains(pos):
            xmin, ymin, xmax, ymax = INSET_FRAME
            fx = (pos.x() - self._inset_rect.left()) / self._inset_rect.width()
            fy = (pos.y() - self._inset_rect.top()) / self._inset_rect.height()
            lon, lat = to_lonlat(xmin + fx * (xmax - xmin), ymax - fy * (ymax - ymin), INSET_CRS)
        else:
            lon, lat = to_lonlat(*self.view.to_map(pos.x(), pos.y()))
        self.cursorMoved.emit(float(lon), float(lat))
