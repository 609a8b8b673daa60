"""The directory in memory: a GeoDataFrame of agencies in the map's CRS.

Columns are the schema's fields in schema order; list fields hold Python
lists; the geometry is the agency's point projected to EPSG:3035.

Rows with equal lists may share one list object (an import of 100,000
agencies repeats a few sector combinations): lists are never changed in
place, a changed record gets a new list.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from bsr_map.directory.schema import FIELD_NAMES, LIST_FIELDS
from bsr_map.geo.projection import MAP_CRS, from_lonlat, to_lonlat

#: Decimal places of degrees written to files: about 0.1 m, so a projected
#: round trip gives back the same numbers.
COORDINATE_DECIMALS = 6


def make_directory(records: list[dict] | dict[str, list], lonlats) -> gpd.GeoDataFrame:
    """Build the directory from normalised records and their WGS 84 points.

    Parameters
    ----------
    records : list of dict, or dict of lists
        One dict per agency, or the columns (field -> list of values). Columns
        are consumed: each list is let go of once it is in the frame, which
        keeps the peak memory of a large import down.
    lonlats : sequence of (lon, lat), or array of shape (n, 2)

    Returns
    -------
    GeoDataFrame
        In EPSG:3035.
    """
    points = np.round(np.asarray(lonlats, dtype=float).reshape(-1, 2), COORDINATE_DECIMALS)
    # Projected as arrays: points in degrees first, then to_crs, would hold two geometry arrays at once.
    x, y = from_lonlat(points[:, 0], points[:, 1])
    geometry = gpd.points_from_xy(x, y, crs=MAP_CRS)
    if isinstance(records, dict):
        columns = {
            name: pd.Series(records.pop(name), dtype=object if name in LIST_FIELDS else None) for name in FIELD_NAMES
        }
    else:
        frame = pd.DataFrame.from_records(records, columns=list(FIELD_NAMES))
        columns = {name: frame[name] for name in FIELD_NAMES}
    columns["geometry"] = geometry
    return gpd.GeoDataFrame(columns, crs=MAP_CRS)


def empty_directory() -> gpd.GeoDataFrame:
    """A directory with no agencies."""
    return make_directory([], [])


def lonlat_columns(directory: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of every agency, rounded for files."""
    if not len(directory):
        return np.array([]), np.array([])
    lon, lat = to_lonlat(directory.geometry.x.to_numpy(), directory.geometry.y.to_numpy())
    return np.round(lon, COORDINATE_DECIMALS), np.round(lat, COORDINATE_DECIMALS)


def directory_from_records(records: list[dict]) -> gpd.GeoDataFrame:
    """The directory made of records with ``lat`` and ``lon`` (the inverse of :func:`directory_records`)."""
    return make_directory(
        [{k: r[k] for k in FIELD_NAMES} for r in records], [(float(r["lon"]), float(r["lat"])) for r in records]
    )


def directory_records(directory: gpd.GeoDataFrame) -> list[dict]:
    """The agencies as plain dicts in schema order, with ``lat`` and ``lon`` in degrees."""
    lon, lat = lonlat_columns(directory)
    records = []
    for i, row in enumerate(directory[list(FIELD_NAMES)].itertuples(index=False)):
        record = dict(zip(FIELD_NAMES, row, strict=False))
        record["lat"], record["lon"] = float(lat[i]), float(lon[i])
        records.append(record)
    return records
