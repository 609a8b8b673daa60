"""The map widget: shows the figures drawn by the core renderer.

Two cached images make the map fast. The basemap is rendered once per view;
the agencies are rendered on a transparent layer of the same size, so a filter
or selection change redraws only that layer. During a drag or a wheel gesture
both cached images are moved and scaled (a few milliseconds a frame); when the
gesture ends the map is drawn again for real.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from html import escape

import numpy as np
from matplotlib.figure import Figure
from PySide6.QtCore import QEasingCurve, QEvent, QPointF, QRectF, Qt, QTimer, QVariantAnimation, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QSwipeGesture, QToolTip, QWidget

from bsr_map.explore.model import ExploreModel
from bsr_map.geo.basemap import Basemap
from bsr_map.geo.mapview import MapView, fit_view, home_view, limit_view
from bsr_map.geo.projection import INSET_CRS, INSET_FRAME, to_lonlat
from bsr_map.qt.map_images import colour_share, inset_rect_of, render_figure
from bsr_map.qt.map_legend import MapLegend
from bsr_map.render.agency_layer import AgencyArtists, draw_agencies, legend_entries
from bsr_map.render.agg_canvas import MapCanvasAgg
from bsr_map.render.draw_map import MapArtists, clear_map_frame, draw_map, setup_map_axes
from bsr_map.render.style import DEFAULT_STYLE, MapStyle

#: Quiet time after the last wheel step before the map is redrawn properly.
WHEEL_SETTLE_MS = 180
#: Zoom factor of one wheel notch (120 units of angle delta).
WHEEL_STEP = 1.25
#: A press and release closer than this (pixels) is a click, not a drag.
CLICK_SLOP_PX = 4
#: The inset shows while the view's scale is at least this share of the whole-region view's.
INSET_MIN_ZOOM_SHARE = 0.5
#: The screen labels at most this many agencies (the highest-priority ones in view).
SCREEN_MAX_LABELS = 25
#: How near (logical pixels) the pointer must be to a marker to hit it (a mouse's reach;
#: a touch screen sets :attr:`MapCanvas.hit_radius_px` to half a fingertip target).
HIT_RADIUS_PX = 10


class MapCanvas(QWidget):
    """Shows the map and agencies; pan (drag), zoom (wheel), click to select.

    Signals
    -------
    cursorMoved(float, float)
        Longitude and latitude under the mouse.
    cursorLeft()
        The mouse left the map.
    rendered(float)
        The basemap was drawn for real; the argument is the time in seconds.
    agenciesRendered(float)
        The agency layer was drawn; the argument is the time in seconds.
    """

    cursorMoved = Signal(float, float)
    cursorLeft = Signal()
    rendered = Signal(float)
    agenciesRendered = Signal(float)

    def __init__(
        self,
        basemap: Basemap,
        model: ExploreModel | None = None,
        style: MapStyle = DEFAULT_STYLE,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._basemap = basemap
        self._model = model
        self._style = style
        self._view: MapView | None = None
        self._image: QImage | None = None
        self._image_view: MapView | None = None
        self._overlay: QImage | None = None
        self._overlay_key: tuple | None = None
        self._overlay_frame = None
        self._base_frame = None
        self._base_key: tuple | None = None
        self._inset_rect: QRectF | None = None
        self._artists: MapArtists | None = None
        self._agency_artists: AgencyArtists | None = None
        self._press: QPointF | None = None
        self._placing = None  # a callback (lon, lat) while the user places an agency
        self._drag_view: MapView | None = None
        self.hit_radius_px: float = HIT_RADIUS_PX
        self._settle = QTimer(self, singleShot=True, interval=WHEEL_SETTLE_MS)
        self._settle.timeout.connect(self._on_settle_timeout)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 240)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.legend = MapLegend(model, self) if model is not None else None
        if model is not None:
            model.directory_changed.connect(self._on_model_directory_changed)
            model.agencies_changed.connect(self._on_model_agencies_changed)
            model.filters_changed.connect(self.invalidate_agencies)
            model.selection_changed.connect(lambda _id: self.invalidate_agencies())

    # -- public API -------------------------------------------------------
    @property
    def view(self) -> MapView:
        """The view currently shown (the home view before the first paint)."""
        if self._view is None:
            self._view = limit_view(home_view(self.width(), self.height()))
        return self._view

    @property
    def basemap(self) -> Basemap:
        """The basemap shown."""
        return self._basemap

    @property
    def artists(self) -> MapArtists | None:
        """What the last basemap render drew."""
        return self._artists

    @property
    def agency_artists(self) -> AgencyArtists | None:
        """What the last agency-layer render drew."""
        return self._agency_artists

    @property
    def style(self) -> MapStyle:
        """The map style drawn (a scaled one on a touch screen)."""
        return self._style

    def label_texts(self) -> list:
        """Every text drawn on the map: basemap labels and agency names (matplotlib ``Text``)."""
        texts = list(self._artists.labels) if self._artists is not None else []
        if self._overlay_frame is not None and self._agency_artists is not None:
            texts += [t for t in self._overlay_frame.ax.texts if t.get_visible() and t.get_text()]
        return texts

    def label_px(self, text) -> float:
        """The size of a drawn text in logical (screen) pixels."""
        return text.get_fontsize() * text.figure.dpi / 72.0 / self.devicePixelRatioF()

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

    def fit_to(
        self, extent: tuple[float, float, float, float], *, animate_ms: int = 0, padding_px: float = 0.0
    ) -> None:
        """Show ``extent`` (map metres) with a margin and ``padding_px`` free pixels, optionally gliding there."""
        target = limit_view(fit_view(extent, self.width(), self.height(), padding_px=padding_px))
        if animate_ms > 0:
            self.animate_to(target, animate_ms)
        else:
            self.set_view(target, redraw_now=True)

    def animate_to(self, target: MapView, duration_ms: int = 900) -> None:
        """Glide to ``target``: the cached image moves and scales smoothly, then the map is drawn for real."""
        start, target = self.view, limit_view(target.resized(self.width(), self.height()))
        animation = QVariantAnimation(self, startValue=0.0, endValue=1.0, duration=duration_ms)
        animation.setEasingCurve(QEasingCurve.Type.InOutCubic)

        def step(t) -> None:
            t = float(t)
            mpp = math.exp((1 - t) * math.log(start.metres_per_pixel) + t * math.log(target.metres_per_pixel))
            self._view = limit_view(
                replace(
                    start,
                    cx=start.cx + (target.cx - start.cx) * t,
                    cy=start.cy + (target.cy - start.cy) * t,
                    metres_per_pixel=mpp,
                )
            )
            self.update()

        animation.valueChanged.connect(step)
        animation.finished.connect(lambda: self.set_view(target, redraw_now=True))
        self._animation = animation  # kept alive while it runs
        animation.start()

    def invalidate_agencies(self) -> None:
        """Redraw the agency layer (after a filter or selection change)."""
        self._overlay = None
        self._agency_artists = None  # markers drawn for other filters must not be hit
        self.update()

    def place_next_click(self, callback) -> None:
        """Call ``callback(lon, lat)`` with the next click on the map instead of selecting."""
        self._placing = callback
        self.setCursor(Qt.CursorShape.CrossCursor)

    def cancel_placement(self) -> bool:
        """Stop waiting for a placing click; True if one was awaited."""
        placing, self._placing = self._placing, None
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        return placing is not None

    def lonlat_at(self, pos: QPointF) -> tuple[float, float]:
        """Longitude and latitude under a point of the widget (the inset counts as Iceland)."""
        if self._inset_rect is not None and self._inset_rect.contains(pos):
            xmin, ymin, xmax, ymax = INSET_FRAME
            fx = (pos.x() - self._inset_rect.left()) / self._inset_rect.width()
            fy = (pos.y() - self._inset_rect.top()) / self._inset_rect.height()
            lon, lat = to_lonlat(xmin + fx * (xmax - xmin), ymax - fy * (ymax - ymin), INSET_CRS)
        else:
            lon, lat = to_lonlat(*self.view.to_map(pos.x(), pos.y()))
        return float(lon), float(lat)

    def marker_position(self, agency_id: str) -> QPointF | None:
        """Where an agency's marker is drawn (logical pixels), if it is on the map."""
        artists = self._agency_artists
        if artists is None:
            return None
        hits = np.flatnonzero(artists.ids == agency_id)
        if not len(hits):
            return None
        ratio = self.devicePixelRatioF()
        x, y = artists.display_xy[hits[0]]
        return QPointF(x / ratio, self.height() - y / ratio)

    def agency_at(self, pos: QPointF) -> str | None:
        """The id of the agency whose marker is nearest ``pos``, within reach."""
        artists = self._agency_artists
        if artists is None or not len(artists.ids) or self.view != self._image_view:
            return None
        ratio = self.devicePixelRatioF()
        dx = artists.display_xy[:, 0] / ratio - pos.x()
        dy = (self.height() - artists.display_xy[:, 1] / ratio) - pos.y()
        distance = np.where(artists.in_view, np.hypot(dx, dy), np.inf)
        nearest = int(np.argmin(distance))
        return str(artists.ids[nearest]) if distance[nearest] <= self.hit_radius_px else None

    def marker_points(self) -> np.ndarray:
        """Where the agency markers in view are drawn, in logical pixels (origin top left), shape (n, 2)."""
        artists = self._agency_artists
        if artists is None or not len(artists.ids):
            return np.zeros((0, 2))
        ratio = self.devicePixelRatioF()
        xy = artists.display_xy[artists.in_view] / ratio if artists.in_view is not None else artists.display_xy / ratio
        return np.column_stack([xy[:, 0], self.height() - xy[:, 1]])

    # -- rendering --------------------------------------------------------
    def _figure(self) -> Figure:
        ratio = self.devicePixelRatioF()
        fig = Figure(figsize=(max(1, self.width()) / 100.0, max(1, self.height()) / 100.0), dpi=100.0 * ratio)
        MapCanvasAgg(fig)
        return fig

    def _device_size(self) -> tuple[int, int]:
        ratio = self.devicePixelRatioF()
        return round(max(1, self.width()) * ratio), round(max(1, self.height()) * ratio)

    def render_map(self) -> None:
        """Draw the basemap for the current view into its cached image."""
        started = time.perf_counter()
        view = self.view.resized(max(1, self.width()), max(1, self.height()))
        keep_clear = None
        if self._model is not None and len(self._model.directory):
            geometry = self._model.directory.geometry
            keep_clear = np.column_stack([geometry.x.to_numpy(), geometry.y.to_numpy()])
        # The Iceland inset belongs to the overview; zoomed in, it would only hide the map.
        inset = view.metres_per_pixel >= INSET_MIN_ZOOM_SHARE * home_view(view.width, view.height).metres_per_pixel
        # The figure and its axes are kept while the widget's size stays: creating axes costs
        # more than drawing the labels, and the kept renderer remembers the texts' sizes.
        key = (self._device_size(), inset)
        if self._base_key != key:
            self._base_frame = setup_map_axes(self._figure(), view, self._style, inset=inset)
            self._base_key = key
        self._artists = draw_map(self._base_frame, self._basemap, view, self._style, keep_clear=keep_clear, inset=inset)
        image = render_figure(self._base_frame.ax.figure)
        image.setDevicePixelRatio(self.devicePixelRatioF())
        self._image, self._image_view, self._view = image, view, view
        self._overlay = None
        self._inset_rect = inset_rect_of(self._artists, self.height(), self.devicePixelRatioF())
        self.rendered.emit(time.perf_counter() - started)

    def render_agencies(self) -> None:
        """Draw the filtered agencies for the rendered view into the overlay image.

        The overlay's figure and axes are kept while the widget's size stays the
        same, only their limits follow the view: creating matplotlib axes costs
        more than drawing a hundred markers.
        """
        started = time.perf_counter()
        key = (self._device_size(), self._artists.inset_ax is not None)
        if self._overlay_key != key:
            fig = self._figure()
            fig.patch.set_alpha(0.0)
            self._overlay_frame = setup_map_axes(fig, self._image_view, self._style, inset=key[1], transparent=True)
            self._overlay_key = key
        frame = self._overlay_frame = clear_map_frame(self._overlay_frame, self._image_view)
        fig = frame.ax.figure
        placer = self._artists.placer.copy_for(fig.canvas.get_renderer()) if self._artists.placer else None
        # The legend is a widget over the map (MapLegend), and labels are capped: typesetting
        # text is the slowest part of a redraw, and a filter change must repaint within 100 ms.
        mask, primary = self._model.mask, self._model.index.primary
        self._agency_artists = draw_agencies(
            frame.ax,
            self._model.filtered,
            self._model.taxonomy,
            self._style,
            inset_ax=frame.inset_ax,
            selected_id=self._model.selected_id,
            placer=placer,
            legend=False,
            max_labels=SCREEN_MAX_LABELS,
            primary=primary if mask.all() else primary[mask],  # the index has each row's colour at hand
        )
        image = render_figure(fig)
        image.setDevicePixelRatio(self.devicePixelRatioF())
        self._overlay = image
        if self.legend is not None:
            self._place_legend()
        self.agenciesRendered.emit(time.perf_counter() - started)

    def _place_legend(self) -> None:
        """Move the legend where it hides the fewest markers, then agency names, then the region's land."""
        inset = self._inset_rect
        avoid = [] if inset is None else [(inset.left(), inset.top(), inset.right(), inset.bottom())]
        ratio, height = self.devicePixelRatioF(), self.height()
        labels = []
        for text in self._overlay_frame.ax.texts:
            if text.get_visible() and text.get_text():
                box = text.get_window_extent()
                labels.append((box.x0 / ratio, height - box.y1 / ratio, box.x1 / ratio, height - box.y0 / ratio))
        self.legend.keep_clear_of(self.marker_points(), avoid, labels, self._land_share)

    def _land_share(self, box) -> float:
        """The share of a box (logical pixels) drawn in the region's land colours on the basemap."""
        colours = (self._style.member_land, self._style.partner_land)
        return colour_share(self._image, box, colours, self.devicePixelRatioF())

    def paintEvent(self, event) -> None:
        if self._image is None:
            self.render_map()
        if self._overlay is None and self._model is not None:
            self.render_agencies()
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(self._style.sea))
        images = [self._image] + ([self._overlay] if self._overlay is not None else [])
        if self.view == self._image_view:
            for image in images:
                painter.drawImage(QPointF(0, 0), image)
        else:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            target = self._target_rect()
            for image in images:
                painter.drawImage(target, image)
            if self._inset_rect is not None:
                # The inset stays where it is while the map moves under it.
                ratio = self._image.devicePixelRatio()
                r = self._inset_rect
                source = QRectF(r.x() * ratio, r.y() * ratio, r.width() * ratio, r.height() * ratio)
                for image in images:
                    painter.drawImage(r, image, source)
        painter.end()

    def _target_rect(self) -> QRectF:
        """Where the cached images land in the current view (logical pixels)."""
        old, new = self._image_view, self.view
        xmin, ymin, xmax, ymax = old.extent
        left, top = new.to_pixel(xmin, ymax)
        right, bottom = new.to_pixel(xmax, ymin)
        return QRectF(QPointF(left, top), QPointF(right, bottom))

    # -- events -----------------------------------------------------------
    def event(self, event) -> bool:
        """Touch gestures where the platform delivers them: pinch zooms, swipe pans."""
        if event.type() == QEvent.Type.Gesture:
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if pinch is not None and pinch.scaleFactor() > 0:
                centre = self.mapFromGlobal(pinch.centerPoint().toPoint())
                self._view = self.view.zoomed(pinch.scaleFactor(), centre.x(), centre.y())
                self._settle.start()
                self.update()
            swipe = event.gesture(Qt.GestureType.SwipeGesture)
            if swipe is not None:
                step = self.width() / 3
                dx = {QSwipeGesture.SwipeDirection.Left: -step, QSwipeGesture.SwipeDirection.Right: step}.get(
                    swipe.horizontalDirection(), 0.0
                )
                dy = {QSwipeGesture.SwipeDirection.Up: -step, QSwipeGesture.SwipeDirection.Down: step}.get(
                    swipe.verticalDirection(), 0.0
                )
                self.set_view(self.view.panned(dx, dy))
            event.accept()
            return True
        return super().event(event)

    def resizeEvent(self, event) -> None:
        if self.legend is not None:
            self.legend.place()
        if self._view is not None:
            self._view = self._view.resized(self.width(), self.height())
        self._settle.start()
        super().resizeEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
            self._drag_view = self.view
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        pos = event.position()
        if self._press is not None and self._drag_view is not None:
            delta = pos - self._press
            if max(abs(delta.x()), abs(delta.y())) > CLICK_SLOP_PX or self.view != self._drag_view:
                self._view = self._drag_view.panned(delta.x(), delta.y())
                self.update()
        else:
            self._show_tooltip(pos, event.globalPosition().toPoint())
        self._emit_cursor(pos)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None:
            was_click = self.view == self._drag_view
            self._press = None
            self._drag_view = None
            self.setCursor(Qt.CursorShape.CrossCursor if self._placing else Qt.CursorShape.OpenHandCursor)
            if was_click and self._placing is not None:
                callback = self._placing
                self.cancel_placement()
                callback(*self.lonlat_at(event.position()))
            elif was_click:
                if self._model is not None:
                    self._model.select(self.agency_at(event.position()))
            elif self.view != self._image_view:
                self.set_view(self.view, redraw_now=True)
        super().mouseReleaseEvent(event)

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            pos = event.position()
            self._view = self.view.zoomed(WHEEL_STEP**steps, pos.x(), pos.y())
            self._settle.start()
            self.update()
        event.accept()

    def leaveEvent(self, event) -> None:
        self.cursorLeft.emit()
        super().leaveEvent(event)

    def _on_settle_timeout(self) -> None:
        self._image = None
        self.update()

    def _on_model_directory_changed(self) -> None:
        self._image = None  # basemap labels keep clear of the new directory's markers
        self._agency_artists = None
        self.update()

    def _on_model_agencies_changed(self, _ids: list[str]) -> None:
        # Only the agency layer is drawn again (its markers, colours and labels come from the
        # model's rows); the basemap stays, though its labels were placed clear of the old markers.
        self.invalidate_agencies()
        if self.legend is not None and self._model is not None:
            # An edit can bring a new primary sector or type onto the map, or take the last one off.
            shown = legend_entries(None, self._model.taxonomy, shown=self._model.index.shown(self._model.mask))
            if shown != self.legend.entries:
                self.legend.refresh()

    def _show_tooltip(self, pos: QPointF, global_pos) -> None:
        agency_id = self.agency_at(pos) if self._model is not None else None
        if agency_id is None:
            QToolTip.hideText()
            return
        row = self._model.directory.iloc[self._model.row_of(agency_id)]
        sectors = ", ".join(self._model.taxonomy.sectors.label(c) for c in row["sectors"])
        agency_type = self._model.taxonomy.agency_types.label(row["type"])
        # Agency text is shown literally: a name like "<b>x</b>" or "<img src=…>" is not markup.
        where = escape(f"{agency_type}, {row['city']}")
        text = f"<p><b>{escape(row['name'])}</b><br>{where}<br>{escape(sectors)}</p>"
        QToolTip.showText(global_pos, text, self)

    def _emit_cursor(self, pos: QPointF) -> None:
        self.cursorMoved.emit(*self.lonlat_at(pos))
