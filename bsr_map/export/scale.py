"""Scale bar and north arrow: true for the projection at the map's centre."""

from __future__ import annotations

import math

from bsr_map.geo.projection import ground_distance_m, to_lonlat

_NICE = (1, 2, 2.5, 5)


def ground_metres_per_map_metre(cx: float, cy: float, step: float = 10_000.0) -> float:
    """Ground distance per projected metre along the map's x axis at ``(cx, cy)`` (EPSG:3035).

    The equal-area projection stretches east–west and shrinks north–south
    slightly away from its centre (10° E, 52° N); a bar is drawn along x, so
    its scale is measured along x, with the geodesic on the GRS80 ellipsoid.
    """
    lon1, lat1 = to_lonlat(cx - step / 2, cy)
    lon2, lat2 = to_lonlat(cx + step / 2, cy)
    return ground_distance_m(lon1, lat1, lon2, lat2) / step


def nice_distance_km(max_km: float) -> float:
    """The largest 1, 2, 2.5 or 5 × 10^n kilometres not above ``max_km``."""
    if max_km <= 0:
        raise ValueError("max_km must be positive")
    exponent = math.floor(math.log10(max_km))
    best = 10**exponent
    for base in _NICE:
        if base * 10**exponent <= max_km:
            best = base * 10**exponent
    return best


def north_angle_deg(cx: float, cy: float) -> float:
    """Angle of true north at ``(cx, cy)``, in degrees anticlockwise from the map's up."""
    from bsr_map.geo.projection import from_lonlat

    lon, lat = to_lonlat(cx, cy)
    nx, ny = from_lonlat(lon, min(lat + 0.2, 89.9))
    return math.degrees(math.atan2(-(nx - cx), ny - cy))
