"""Checks of an agency's location: a number, inside the region, inside its country."""

from __future__ import annotations

import re

import numpy as np
import shapely

from bsr_map.geo.basemap import Basemap
from bsr_map.geo.projection import FRAME, INSET_CRS, INSET_FRAME, MAP_CRS, from_lonlat

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


def _inside(frame, x, y) -> np.ndarray:
    return (frame[0] <= x) & (x <= frame[2]) & (frame[1] <= y) & (y <= frame[3])


class CountryLocator:
    """Finds which country's land holds a point, using the basemap's 1:10m polygons.

    The methods take arrays: checking 100,000 imported agencies one by one took
    ten seconds, in one call it takes a fraction of one.
    """

    def __init__(self, basemap: Basemap):
        countries = basemap.layer("countries", "full")
        self._codes = countries.iso_a2.to_numpy()
        self._geoms = countries.geometry.values
        self._tree = shapely.STRtree(self._geoms)
        shapely.prepare(self._geoms)  # point-in-polygon tests on prepared polygons are many times faster
        inset = basemap.layer("inset_countries", "full")
        self._inset_codes = inset.iso_a2.to_numpy()
        self._inset_geoms = inset.geometry.values

    def locate(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """The country at each point and the distance to it in metres (0 when on land).

        Parameters
        ----------
        lon, lat : array_like
            WGS 84 degrees.

        Returns
        -------
        codes : ndarray of object
            ISO code of the country on or nearest to each point; None outside the map's frames.
        distances : ndarray of float
            Metres to that country (0 on land, inf outside the frames).
        """
        lon, lat = np.atleast_1d(np.asarray(lon, dtype=float)), np.atleast_1d(np.asarray(lat, dtype=float))
        codes = np.full(len(lon), None, dtype=object)
        distances = np.full(len(lon), np.inf)
        # The inset first: Iceland lies inside the main frame too, but is drawn only in the inset.
        x, y = from_lonlat(lon, lat, INSET_CRS)
        in_inset = np.flatnonzero(_inside(INSET_FRAME, x, y))
        if len(in_inset):
            points = shapely.points(x[in_inset], y[in_inset])
            gaps = np.stack([shapely.distance(points, geom) for geom in self._inset_geoms], axis=1)
            best = gaps.argmin(axis=1)
            codes[in_inset] = self._inset_codes[best]
            distances[in_inset] = gaps[np.arange(len(best)), best]
        x, y = from_lonlat(lon, lat, MAP_CRS)
        inside = _inside(FRAME, x, y)
        inside[in_inset] = False
        in_main = np.flatnonzero(inside)
        if len(in_main):
            points = shapely.points(x[in_main], y[in_main])
            hit_point, hit_geom = self._tree.query(points)  # boxes; then the prepared polygons
            inside_geom = shapely.contains(self._geoms[hit_geom], points[hit_point])
            hit_point, hit_geom = hit_point[inside_geom], hit_geom[inside_geom]
            first_point, first = np.unique(hit_point, return_index=True)
            codes[in_main[first_point]] = self._codes[hit_geom[first]]
            distances[in_main[first_point]] = 0.0
            at_sea = np.setdiff1d(np.arange(len(in_main)), first_point)
            if len(at_sea):
                (near_point, near_geom), gaps = self._tree.query_nearest(
                    points[at_sea], return_distance=True, all_matches=False
                )
                codes[in_main[at_sea[near_point]]] = self._codes[near_geom]
                distances[in_main[at_sea[near_point]]] = gaps
        return codes, distances

    def country_at(self, lon: float, lat: float) -> tuple[str | None, float]:
        """The country at one point and the distance to it in metres; ``(None, inf)`` off the map."""
        codes, distances = self.locate([lon], [lat])
        return (None if codes[0] is None else str(codes[0])), float(distances[0])

    def distances_to(self, countries, lon, lat) -> np.ndarray:
        """Distance in metres from each point to the land of the country named beside it (0 inside).

        Parameters
        ----------
        countries : sequence of str
            An ISO code per point; inf where the code is not a country of the map (or "").
        lon, lat : array_like
            WGS 84 degrees.
        """
        countries = np.asarray(countries, dtype=object)
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        gaps = np.full(len(countries), np.inf)
        for code in set(countries.tolist()):
            crs, codes, geoms = (
                (INSET_CRS, self._inset_codes, self._inset_geoms)
                if code in self._inset_codes
                else (MAP_CRS, self._codes, self._geoms)
            )
            matches = np.flatnonzero(codes == code)
            if not len(matches):
                continue
            rows = np.flatnonzero(countries == code)
            x, y = from_lonlat(lon[rows], lat[rows], crs)
            gaps[rows] = shapely.distance(shapely.points(x, y), geoms[matches[0]])
        return gaps

    def distance_to(self, code: str, lon: float, lat: float) -> float:
        """Distance in metres from one point to country ``code``'s land (0 inside)."""
        return float(self.distances_to([code], [lon], [lat])[0])


def _parse_pair(lat_value, lon_value):
    """The numbers of a raw coordinate pair, or the problems that stop them being numbers."""
    lat, lon = parse_coordinate(lat_value), parse_coordinate(lon_value)
    problems = []
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
    return (lon, lat), []


def check_locations(lat_values, lon_values, countries, locator: CountryLocator, names: dict[str, str]) -> list:
    """Validate locations against the region and each record's stated country.

    Parameters
    ----------
    lat_values, lon_values : sequence
        The raw values read from the file, one per record.
    countries : sequence of str
        Each record's (normalised) country code, or "" when unknown.
    locator : CountryLocator
    names : dict
        ISO code -> English country name, for messages.

    Returns
    -------
    list of (lonlat, problems)
        Per record: the point as ``(lon, lat)`` when it is usable (else None)
        and a list of ``(column, message)``.
    """
    results = [_parse_pair(lat, lon) for lat, lon in zip(lat_values, lon_values, strict=False)]
    numbered = [i for i, (point, _) in enumerate(results) if point is not None]
    if not numbered:
        return results
    lon = np.fromiter((results[i][0][0] for i in numbered), dtype=float, count=len(numbered))
    lat = np.fromiter((results[i][0][1] for i in numbered), dtype=float, count=len(numbered))
    found, distance = locator.locate(lon, lat)
    stated = np.array([countries[i] for i in numbered], dtype=object)
    gaps = np.zeros(len(numbered))
    elsewhere = np.flatnonzero((found != stated) | (distance != 0.0))  # on its own country's land: no gap
    gaps[elsewhere] = locator.distances_to(stated[elsewhere], lon[elsewhere], lat[elsewhere])
    for k, i in enumerate(numbered):
        where, country = f"{lat[k]:.4f}, {lon[k]:.4f}", stated[k]
        if found[k] is None:
            results[i] = None, [("lat", f"{where} is outside the Baltic Sea Region map")]
        elif country and found[k] != country and distance[k] == 0.0 and gaps[k] > BORDER_TOLERANCE_M:
            results[i] = (
                None,
                [
                    (
                        "lat",
                        (
                            f"{where} lies in {names.get(found[k], found[k])}, "
                            f"not in {names.get(country, country)} as the country column says"
                        ),
                    )
                ],
            )
        elif country and gaps[k] > COAST_TOLERANCE_M:
            results[i] = None, [("lat", f"{where} lies {gaps[k] / 1000:.0f} km outside {names.get(country, country)}")]
    return results


def check_location(lat_value, lon_value, country: str, locator: CountryLocator, names: dict[str, str]):
    """Validate one location; see :func:`check_locations`.

    Returns
    -------
    lonlat : tuple of float or None
        The point, when it is usable.
    problems : list of (column, message)
    """
    return check_locations([lat_value], [lon_value], [country], locator, names)[0]
