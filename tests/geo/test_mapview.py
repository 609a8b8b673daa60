"""Viewport arithmetic: home, pan, zoom about the cursor, limits."""

from __future__ import annotations

import pytest

from bsr_map.geo.mapview import MIN_METRES_PER_PIXEL, home_view
from bsr_map.geo.projection import FRAME, REGION_EXTENT


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
