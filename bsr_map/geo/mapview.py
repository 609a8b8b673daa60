"""The map's viewport: which part of the region a canvas of a given size shows.

A :class:`MapView` is immutable: panning and zooming return a new view. It is
pure arithmetic so the same behaviour serves the Qt canvas, exports and tests.

Panning, zooming and resizing keep the whole view inside :data:`VIEW_LIMIT`,
the map frame: the basemap's geometry reaches 150 km beyond it on every side,
so any view the user can reach is filled with real geography to its edges
(never a clip edge with flat sea beyond, never labels of far countries).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bsr_map.geo.projection import FRAME, INSET_COUNTRY, REGION_EXTENT

if TYPE_CHECKING:
    import geopandas as gpd

#: Closest zoom: metres per pixel (about a city district on screen).
MIN_METRES_PER_PIXEL = 20.0
#: Furthest zoom: the whole frame fits a 300-pixel-high canvas.
MAX_METRES_PER_PIXEL = (FRAME[3] - FRAME[1]) / 300.0
#: No view reaches beyond this extent (EPSG:3035 metres): the frame the basemap is built for.
VIEW_LIMIT = FRAME


@dataclass(frozen=True)
class MapView:
    """A view centred on ``(cx, cy)`` (EPSG:3035 metres) at ``metres_per_pixel``.

    ``width`` and ``height`` are the canvas size in pixels.
    """

    cx: float
    cy: float
    metres_per_pixel: float
    width: int
    height: int

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of the view in map metres."""
        half_w = self.width * self.metres_per_pixel / 2.0
        half_h = self.height * self.metres_per_pixel / 2.0
        return (self.cx - half_w, self.cy - half_h, self.cx + half_w, self.cy + half_h)

    def to_map(self, px: float, py: float) -> tuple[float, float]:
        """Map coordinates of pixel ``(px, py)``, origin top left, y down."""
        xmin, _, _, ymax = self.extent
        return (xmin + px * self.metres_per_pixel, ymax - py * self.metres_per_pixel)

    def to_pixel(self, x: float, y: float) -> tuple[float, float]:
        """Pixel position (origin top left, y down) of map coordinates ``(x, y)``."""
        xmin, _, _, ymax = self.extent
        return ((x - xmin) / self.metres_per_pixel, (ymax - y) / self.metres_per_pixel)

    def resized(self, width: int, height: int) -> MapView:
        """The same centre and scale on a canvas of another size."""
        return limit_view(replace(self, width=max(1, int(width)), height=max(1, int(height))))

    def panned(self, dx_px: float, dy_px: float) -> MapView:
        """Move the map content by ``(dx_px, dy_px)`` pixels (a drag to the right is positive dx)."""
        return limit_view(
            replace(
                self,
                cx=self.cx - dx_px * self.metres_per_pixel,
                cy=self.cy + dy_px * self.metres_per_pixel,
            )
        )

    def zoomed(self, factor: float, px: float | None = None, py: float | None = None) -> MapView:
        """Zoom in by ``factor`` (> 1 zooms in) keeping pixel ``(px, py)`` over the same place.

        Without an anchor pixel the view zooms about its centre.
        """
        if px is None or py is None:
            px, py = self.width / 2.0, self.height / 2.0
        anchor_x, anchor_y = self.to_map(px, py)
        mpp = min(
            max(self.metres_per_pixel / factor, MIN_METRES_PER_PIXEL), max_metres_per_pixel(self.width, self.height)
        )
        cx = anchor_x - (px - self.width / 2.0) * mpp
        cy = anchor_y + (py - self.height / 2.0) * mpp
        return limit_view(replace(self, cx=cx, cy=cy, metres_per_pixel=mpp))


def home_view(
    width: float, height: float, frame: tuple[float, float, float, float] = REGION_EXTENT, margin: float = 0.02
) -> MapView:
    """The view that shows the whole ``frame`` on a ``width`` × ``height`` canvas.

    Parameters
    ----------
    width, height : float
        Canvas size in pixels (whole pixels are used: fractions are dropped).
    frame : tuple of float
        Extent to fit, the region by default.
    margin : float
        Share of the canvas left free around the frame.

    Returns
    -------
    MapView
    """
    width, height = max(1, int(width)), max(1, int(height))
    xmin, ymin, xmax, ymax = frame
    mpp = max((xmax - xmin) / width, (ymax - ymin) / height) * (1.0 + 2.0 * margin)
    return MapView((xmin + xmax) / 2.0, (ymin + ymax) / 2.0, mpp, width, height)


def fit_view(
    extent: tuple[float, float, float, float],
    width: float,
    height: float,
    *,
    margin: float = 0.08,
    min_span: float = 60_000.0,
    padding_px: float = 0.0,
) -> MapView:
    """The view showing ``extent`` (map metres) on a canvas, with a margin.

    A single point, or points close together, are shown with at least
    ``min_span`` metres around them, so "zoom to" never zooms to a street.

    Parameters
    ----------
    extent : tuple of float
        ``(xmin, ymin, xmax, ymax)`` to show, in map metres.
    width, height : float
        Canvas size in pixels.
    margin : float
        Share of the canvas left free around the extent.
    min_span : float
        Smallest width and height of the extent, in metres.
    padding_px : float
        Pixels left free on every side besides the margin, so markers and
        their labels sit well inside the frame (a touch screen asks for more).

    Returns
    -------
    MapView
    """
    xmin, ymin, xmax, ymax = extent
    cx, cy = (xmin + xmax) / 2.0, (ymin + ymax) / 2.0
    half = min_span / 2.0
    xmin, xmax = min(xmin, cx - half), max(xmax, cx + half)
    ymin, ymax = min(ymin, cy - half), max(ymax, cy + half)
    width, height = max(1, int(width)), max(1, int(height))
    pad = max(0.0, min(float(padding_px), width / 2.0 - 1.0, height / 2.0 - 1.0))
    inner = home_view(width - 2.0 * pad, height - 2.0 * pad, (xmin, ymin, xmax, ymax), margin)
    return _clamped(replace(inner, width=width, height=height))


def agencies_extent(agencies: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    """The extent of the agencies on the main map, to fit a view to.

    Icelandic agencies are left out: Iceland is drawn in an inset, and a view
    of the main map stretched to reach it would show mostly sea.

    Parameters
    ----------
    agencies : GeoDataFrame
        Agencies with a ``country`` column and points in the main map's CRS (EPSG:3035).

    Returns
    -------
    tuple of float or None
        ``(xmin, ymin, xmax, ymax)`` in map metres, or None when no agency is on the main map.

    Examples
    --------
    >>> extent = agencies_extent(filtered)
    >>> view = fit_view(extent, 800, 600) if extent is not None else home_view(800, 600)
    """
    mainland = agencies[agencies["country"] != INSET_COUNTRY]
    if not len(mainland):
        return None
    xmin, ymin, xmax, ymax = (float(v) for v in mainland.total_bounds)
    return (xmin, ymin, xmax, ymax)


def max_metres_per_pixel(width: float, height: float, limit: tuple[float, float, float, float] = VIEW_LIMIT) -> float:
    """The furthest zoom of a ``width`` × ``height`` canvas whose view stays inside ``limit``.

    Parameters
    ----------
    width, height : float
        Canvas size in pixels.
    limit : tuple of float
        The extent no view may leave, :data:`VIEW_LIMIT` by default.

    Returns
    -------
    float
        Metres per pixel, never above :data:`MAX_METRES_PER_PIXEL`.

    Examples
    --------
    >>> max_metres_per_pixel(4950, 3550)
    1000.0
    """
    xmin, ymin, xmax, ymax = limit
    fit = min((xmax - xmin) / max(1.0, float(width)), (ymax - ymin) / max(1.0, float(height)))
    return max(MIN_METRES_PER_PIXEL, min(fit, MAX_METRES_PER_PIXEL))


def limit_view(view: MapView, limit: tuple[float, float, float, float] = VIEW_LIMIT) -> MapView:
    """The view nearest ``view`` whose whole extent lies inside ``limit``.

    A view zoomed out too far is zoomed in about its centre until it fits;
    a view that reaches over an edge is moved back inside.

    Parameters
    ----------
    view : MapView
        Any view.
    limit : tuple of float
        ``(xmin, ymin, xmax, ymax)`` in map metres, :data:`VIEW_LIMIT` by default.

    Returns
    -------
    MapView

    Examples
    --------
    >>> far = limit_view(MapView(0.0, 0.0, 1e6, 800, 600))
    >>> VIEW_LIMIT[0] <= far.extent[0] and far.extent[2] <= VIEW_LIMIT[2]
    True
    """
    xmin, ymin, xmax, ymax = limit
    mpp = min(view.metres_per_pixel, max_metres_per_pixel(view.width, view.height, limit))
    half_w, half_h = view.width * mpp / 2.0, view.height * mpp / 2.0
    cx = _clamp(view.cx, xmin + half_w, xmax - half_w)
    cy = _clamp(view.cy, ymin + half_h, ymax - half_h)
    if (cx, cy, mpp) == (view.cx, view.cy, view.metres_per_pixel):
        return view
    return replace(view, cx=cx, cy=cy, metres_per_pixel=mpp)


def _clamp(value: float, low: float, high: float) -> float:
    # Where the limit is narrower than the view (only at the closest zoom of a huge canvas), centre it.
    if low > high:
        return (low + high) / 2.0
    return min(max(value, low), high)


def _clamped(view: MapView) -> MapView:
    """Keep the view's centre inside the frame (exports: a page may show more than a screen)."""
    xmin, ymin, xmax, ymax = FRAME
    return replace(view, cx=min(max(view.cx, xmin), xmax), cy=min(max(view.cy, ymin), ymax))
