"""The extent "fit to agencies" shows: the agencies on the main map, Iceland's left to its inset."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from bsr_map.geo.mapview import agencies_extent, fit_view
from bsr_map.geo.projection import INSET_COUNTRY, MAP_CRS, from_lonlat


def agencies(*places: tuple[str, float, float]) -> gpd.GeoDataFrame:
    """Agencies at (country, lon, lat), projected as the directory is."""
    points = [Point(*from_lonlat(lon, lat)) for _, lon, lat in places]
    return gpd.GeoDataFrame({"country": [c for c, _, _ in places]}, geometry=points, crs=MAP_CRS)


def test_the_extent_covers_the_mainland_agencies_only():
    frame = agencies(("FI", 24.94, 60.17), ("EE", 24.75, 59.44), ("IS", -21.94, 64.15), ("PL", 18.65, 54.35))
    mainland = frame[frame["country"] != "IS"]
    assert agencies_extent(frame) == pytest.approx(tuple(mainland.total_bounds))
    xmin, _, _, _ = agencies_extent(frame)
    assert xmin == pytest.approx(from_lonlat(18.65, 54.35)[0])  # Gdańsk, not Reykjavík, is the western edge


def test_the_extent_is_plain_floats_a_view_can_be_fitted_to():
    extent = agencies_extent(agencies(("DE", 13.40, 52.52), ("DK", 12.57, 55.68)))
    assert extent is not None and all(type(v) is float for v in extent)
    view = fit_view(extent, 800, 600)
    xmin, ymin, xmax, ymax = view.extent
    assert xmin <= extent[0] and ymin <= extent[1] and xmax >= extent[2] and ymax >= extent[3]


def test_a_single_agency_has_a_point_extent():
    x, y = from_lonlat(21.01, 52.23)
    assert agencies_extent(agencies(("PL", 21.01, 52.23))) == pytest.approx((x, y, x, y))


@pytest.mark.parametrize("places", [(), (("IS", -21.94, 64.15), ("IS", -18.09, 65.68))])
def test_no_agency_on_the_main_map_has_no_extent(places):
    assert INSET_COUNTRY == "IS"
    assert agencies_extent(agencies(*places)) is None
