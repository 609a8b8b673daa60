"""Checks of an agency's location: a number, inside the region, inside its country."""

from __future__ import annotations

import re

import numpy as np
import shapely

from bsr_map.basemap import Basemap
from bsr_map.projection import FRAME, INSET_CRS, INSET_FRAME, MAP_CRS, from_lonlat

#: A point this close to its country's coast (in the sea on the 1:10m outline)
#: is accepted: harbour offices sit on quays that the generalised coast misses.
COAST_TOLERANCE_M = 5_000.0
#: A point this close to its stated country across a land border is accepted:
#: offices in border towns (Görlitz, Słubice, Tornio, Narva) lie within the
#: 1:10m borders' generalisation of the line.
BORDER_TOLERANCE_M = 2_000.0

_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def parse_coordinate(value) -> float | None:
    """A coordinate in degrees from a number or text (decimal point or comma, optional ``°``)."""
    if value is None:
        return None
    if isinstance(value, (int, float, np.floating, np.integer)):
        number = float(value)
        return None if np.isnan(number) else number
    text = str(value).strip().replace("°", "").replace("\u2212", "-").replace(" ", "")
    if not _NUMBER.match(text):
        return None
    return float(text.replace(",", "."))


class CountryLocator:
    """Finds which country's land holds a point, using the basemap's 1:10m polygons."""

    def __init__(self, basemap: Basemap):
        countries = basemap.layer("countries", "full")
        self._codes = countries.iso_a2.to_numpy()
        self._geoms = countries.geometry.values
        self._tree = shapely.STRtree(self._geoms)
        inset = basemap.layer("inset_countries", "full")
        self._inset_codes = inset.iso_a2.to_numpy()
        self._inset_geoms = inset.geometry.values

    def country_at(self, lon: float, lat: float) -> tuple[str | None, float]:
        """The country at a point and the distance to it in metres (0 when on land).

        Returns ``(None, inf)`` when the point is outside the map's frames.
        """
        # The inset first: Iceland lies inside the main frame too, but is drawn only in the inset.
        for crs, frame, codes, geoms, tree in (
            (INSET_CRS, INSET_FRAME, self._inset_codes, self._inset_geoms, None),
            (MAP_CRS, FRAME, self._codes, self._geoms, self._tree),
        ):
            x, y = from_lonlat(lon, lat, crs)
            if not (frame[0] <= x <= frame[2] and frame[1] <= y <= frame[3]):
                continue
            point = shapely.Point(x, y)
            if tree is not None:
                hits = tree.query(point, predicate="within")
                if len(hits):
                    return str(codes[hits[0]]), 0.0
                nearest = tree.nearest(point)
                return str(codes[nearest]), float(shapely.distance(point, geoms[nearest]))
            distances = shapely.distance(point, geoms)
            best = int(np.argmin(distances))
            return str(codes[best]), float(distances[best])
        return None, float("inf")

    def distance_to(self, code: str, lon: float, lat: float) -> float:
        """Distance in metres from a point to country ``code``'s land (0 inside)."""
        crs, codes, geoms = (INSET_CRS, self._inset_codes, self._inset_geoms) if code in self._inset_codes else (
            MAP_CRS, self._codes, self._geoms)
        matches = np.flatnonzero(codes == code)
        if not len(matches):
            return float("inf")
        return float(shapely.distance(shapely.Point(from_lonlat(lon, lat, crs)), geoms[matches[0]]))


def check_location(lat_value, lon_value, country: str, locator: CountryLocator, names: dict[str, str]):
    """Validate a location against the region and the stated country.

    Parameters
    ----------
    lat_value, lon_value
        The raw values read from the file.
    country : str
        The record's (normalised) country code, or "" when unknown.
    locator : CountryLocator
    names : dict
        ISO code -> English country name, for messages.

    Returns
    -------
    lonlat : tuple of float or None
        The point, when it is usable.
    problems : list of (column, message)
    """
    problems = []
    lat, lon = parse_coordinate(lat_value), parse_coordinate(lon_value)
    for column, raw, value in (("lat", lat_value, lat), ("lon", lon_value, lon)):
        if raw is None or (isinstance(raw, float) and np.isnan(raw)) or str(raw).strip() == "":
            problems.append((column, "coordinate is missing"))
        elif value is None:
            problems.append((column, f"'{raw}' is not a number of degrees"))
    if problems:
        return None, problems
    if not -90 <= lat <= 90:
        return None, [("lat", f"latitude {lat} is out of range (-90 to 90)")]
    if not -180 <= lon <= 180:
        return None, [("lon", f"longitude {lon} is out of range (-180 to 180)")]
    found, distance = locator.country_at(lon, lat)
    if found is None:
        return None, [("lat", f"{lat:.4f}, {lon:.4f} is outside the Baltic Sea Region map")]
    if country:
        gap = locator.distance_to(country, lon, lat)
        if found != country and distance == 0.0 and gap > BORDER_TOLERANCE_M:
            return None, [("lat", f"{lat:.4f}, {lon:.4f} lies in {names.get(found, found)}, "
                                  f"not in {names.get(country, country)} as the country column says")]
        if gap > COAST_TOLERANCE_M:
            return None, [("lat", f"{lat:.4f}, {lon:.4f} lies {gap / 1000:.0f} km outside "
                                  f"{names.get(country, country)}")]
    return (lon, lat), []
