"""Viewport arithmetic: home, pan, zoom about the cursor, limits."""

from __future__ import annotations

import pyogrio
import pytest

from bsr_map.geo.basemap import default_basemap_path
from bsr_map.geo.mapview import (
    MIN_METRES_PER_PIXEL,
    VIEW_LIMIT,
    MapView,
    fit_view,
    home_view,
    limit_view,
    max_metres_per_pixel,
)
from bsr_map.geo.projection import FRAME, REGION_EXTENT

#: Canvas sizes from a phone-sized window to a maximised one and a booth screen.
SIZES = [(320, 240), (800, 600), (1338, 804), (1920, 1080), (2560, 1080), (700, 1400)]


def basemap_data_bounds() -> tuple[float, float, float, float]:
    """Where the basemap's land reaches, from the file itself (every level of detail)."""
    bounds = [
        pyogrio.read_info(default_basemap_path(), layer=f"countries_{lod}")["total_bounds"] for lod in ("full", "2500m")
    ]
    return (max(b[0] for b in bounds), max(b[1] for b in bounds), min(b[2] for b in bounds), min(b[3] for b in bounds))


def inside(extent, bounds) -> bool:
    tol = 1e-6
    return (
        extent[0] >= bounds[0] - tol
        and extent[1] >= bounds[1] - tol
        and extent[2] <= bounds[2] + tol
        and extent[3] <= bounds[3] + tol
    )


def test_home_view_shows_the_whole_region():
    view = home_view(1280, 720)
    xmin, ymin, xmax, ymax = view.extent
    rx0, ry0, rx1, ry1 = REGION_EXTENT
    assert xmin <= rx0 and ymin <= ry0 and xmax >= rx1 and ymax >= ry1
    # and not much more than that along the tighter axis
    assert (ymax - ymin) < 1.1 * (ry1 - ry0)


def test_zoom_keeps_the_point_under_the_cursor():
    view = home_view(1000, 800)
    before = view.to_map(250, 600)
    zoomed = view.zoomed(2.0, 250, 600)
    assert zoomed.metres_per_pixel == pytest.approx(view.metres_per_pixel / 2)
    assert zoomed.to_map(250, 600) == pytest.approx(before)


def test_pan_moves_content_with_the_drag():
    view = home_view(1000, 800).zoomed(4)
    spot = view.to_map(500, 400)
    panned = view.panned(100, -50)
    assert panned.to_pixel(*spot) == pytest.approx((600, 350))


def test_pixel_and_map_coordinates_round_trip():
    view = home_view(640, 480).zoomed(3, 100, 100)
    assert view.to_pixel(*view.to_map(123.5, 456.25)) == pytest.approx((123.5, 456.25))


def test_zoom_and_pan_are_limited():
    view = home_view(800, 600)
    deep = view
    for _ in range(100):
        deep = deep.zoomed(2)
    assert deep.metres_per_pixel == MIN_METRES_PER_PIXEL
    far = view.panned(10**9, -(10**9))
    assert FRAME[0] <= far.cx <= FRAME[2] and FRAME[1] <= far.cy <= FRAME[3]


def test_resize_keeps_centre_and_scale():
    view = home_view(800, 600).zoomed(2)
    resized = view.resized(1200, 500)
    assert (resized.cx, resized.cy, resized.metres_per_pixel) == (view.cx, view.cy, view.metres_per_pixel)
    assert (resized.width, resized.height) == (1200, 500)


def test_the_view_limit_lies_within_the_basemap_data():
    assert inside(VIEW_LIMIT, basemap_data_bounds())


@pytest.mark.parametrize("size", SIZES)
def test_zooming_out_many_times_stays_within_the_basemap(size):
    view = limit_view(home_view(*size))
    for _ in range(60):
        view = view.zoomed(1 / 1.25, 10, 10)
        assert inside(view.extent, VIEW_LIMIT)
    assert inside(view.extent, basemap_data_bounds())
    assert view.metres_per_pixel == pytest.approx(max_metres_per_pixel(*size))
    if size == (1920, 1080):  # as far out as the limit allows: the frame's whole width
        assert view.extent[2] - view.extent[0] == pytest.approx(FRAME[2] - FRAME[0])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("drag", [(10**7, 0), (-(10**7), 0), (0, 10**7), (0, -(10**7)), (4000, -3000)])
def test_panning_far_stays_within_the_basemap(size, drag):
    view = limit_view(home_view(*size)).zoomed(3)
    for _ in range(5):
        view = view.panned(*drag)
        assert inside(view.extent, VIEW_LIMIT)
    assert inside(view.extent, basemap_data_bounds())
    # the view ends at the limit's edge in the direction of the drag (content dragged right shows the west)
    if drag[0] > 0:
        assert view.extent[0] == pytest.approx(VIEW_LIMIT[0])
    if drag[0] < 0:
        assert view.extent[2] == pytest.approx(VIEW_LIMIT[2])


def test_a_view_far_outside_is_brought_back_and_zoomed_in_to_fit():
    view = limit_view(MapView(50_000_000.0, -9_000_000.0, 1e5, 1920, 1080))
    assert inside(view.extent, VIEW_LIMIT)
    assert view.metres_per_pixel == pytest.approx(max_metres_per_pixel(1920, 1080))


def test_resizing_to_a_wide_window_zooms_in_rather_than_show_beyond_the_basemap():
    view = limit_view(home_view(800, 600))
    wide = view.resized(2560, 1080)  # maximised on a wide screen
    assert inside(wide.extent, VIEW_LIMIT)
    assert wide.metres_per_pixel < view.metres_per_pixel


def test_fit_view_leaves_padding_in_pixels_around_the_extent():
    extent = (4_300_000.0, 3_300_000.0, 4_700_000.0, 3_900_000.0)
    view = fit_view(extent, 1200, 900, padding_px=90)
    left, top = view.to_pixel(extent[0], extent[3])
    right, bottom = view.to_pixel(extent[2], extent[1])
    assert min(left, top, 1200 - right, 900 - bottom) >= 90
    assert min(left, top, 1200 - right, 900 - bottom) < 90 + 0.08 * 900 + 1  # no more than the margin besides
