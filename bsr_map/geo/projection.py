"""Coordinate reference systems and the map frame of the Baltic Sea Region.

The main map uses ETRS89-LAEA Europe (EPSG:3035): it is equal-area, the EU's
reference grid for statistics, and its distortion over the region is small
(scale error under 2 % between Germany and northern Finland). Iceland, 1,500 km
to the west, would appear strongly rotated in that projection, so the atlas
convention of an inset is followed, drawn in Iceland's national Lambert
projection ISN93 (EPSG:3057).
"""

from __future__ import annotations

import threading

import numpy as np
from pyproj import Transformer

MAP_CRS = "EPSG:3035"
INSET_CRS = "EPSG:3057"
LONLAT_CRS = "EPSG:4326"

#: Rectangular frame of the main map in EPSG:3035 metres (xmin, ymin, xmax, ymax).
#: Geometry is clipped to it at build time and the view cannot leave it. It is
#: wider than the region so that a landscape window showing the whole region is
#: filled with real geography (from Britain to Moscow) rather than a clip edge.
FRAME = (2_350_000.0, 2_250_000.0, 7_300_000.0, 5_800_000.0)

#: The region itself: the member states and Norway (Iceland is in the inset).
#: The home view fits this extent.
REGION_EXTENT = (3_950_000.0, 2_660_000.0, 5_450_000.0, 5_430_000.0)

#: Frame of the Iceland inset in EPSG:3057 metres.
INSET_FRAME = (190_000.0, 290_000.0, 780_000.0, 720_000.0)
#: The country drawn in the inset rather than on the main map.
INSET_COUNTRY = "IS"


_TRANSFORMERS: dict[tuple[str, str], Transformer] = {}
#: PROJ crashes when two threads create or use transformations at the same moment
#: (seen here: segfaults while an export ran in the background); every use is serialised.
_PROJ_LOCK = threading.RLock()


def _transform(src: str, dst: str, a, b):
    with _PROJ_LOCK:
        transformer = _TRANSFORMERS.get((src, dst))
        if transformer is None:
            transformer = _TRANSFORMERS[(src, dst)] = Transformer.from_crs(src, dst, always_xy=True)
        return transformer.transform(a, b)


def to_lonlat(x, y, crs: str = MAP_CRS):
    """Convert projected coordinates to longitude and latitude in degrees.

    Parameters
    ----------
    x, y : float or array_like
        Coordinates in ``crs``.
    crs : str
        Source CRS, the main map's by default.

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS 84 degrees.
    """
    return _transform(crs, LONLAT_CRS, x, y)


def from_lonlat(lon, lat, crs: str = MAP_CRS):
    """Project WGS 84 longitude and latitude to ``crs`` (the main map's by default)."""
    return _transform(LONLAT_CRS, crs, lon, lat)


def ground_distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Return the geodesic distance in metres between two WGS 84 points."""
    from pyproj import Geod

    _, _, dist = Geod(ellps="GRS80").inv(lon1, lat1, lon2, lat2)
    return float(np.abs(dist))


def north_angle_deg(x: float, y: float, crs: str = MAP_CRS) -> float:
    """Angle of true north at ``(x, y)``, in degrees anticlockwise from the map's up.

    Meridians converge towards the pole, so the angle differs across the map
    (in EPSG:3035, about 19° between Copenhagen's and Helsinki's); a north
    arrow is true only for the point where it is measured.

    Parameters
    ----------
    x, y : float
        A point in ``crs``.
    crs : str
        The map's CRS.

    Returns
    -------
    float
    """
    lon, lat = to_lonlat(x, y, crs)
    nx, ny = from_lonlat(lon, min(lat + 0.05, 89.9), crs)
    return float(np.degrees(np.arctan2(-(nx - x), ny - y)))


def ground_metres_per_map_metre(x: float, y: float, step: float = 10_000.0) -> float:
    """Ground distance per projected metre along the map's x axis at ``(x, y)`` (EPSG:3035).

    The equal-area projection stretches east–west and shrinks north–south
    slightly away from its centre (10° E, 52° N); a bar is drawn along x, so
    its scale is measured along x, with the geodesic on the GRS80 ellipsoid.
    """
    lon1, lat1 = to_lonlat(x - step / 2, y)
    lon2, lat2 = to_lonlat(x + step / 2, y)
    return ground_distance_m(lon1, lat1, lon2, lat2) / step
