"""Synthetic directories for benchmarks: many agencies spread over the region's land."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from bsr_map.directory.schema import DIRECTORY_COUNTRIES, FIELD_NAMES
from bsr_map.directory.taxonomy import Taxonomy
from bsr_map.geo.basemap import Basemap
from bsr_map.geo.projection import FRAME, MAP_CRS

_WORDS = (
    "Invest",
    "Business",
    "Region",
    "Development",
    "Science Park",
    "Growth",
    "Partners",
    "Gateway",
    "Hub",
    "Agency",
    "Capacity",
    "Innovation",
    "Valley",
    "Harbour",
    "Zone",
)


def synthetic_directory(n: int, basemap: Basemap, taxonomy: Taxonomy, seed: int = 1) -> gpd.GeoDataFrame:
    """``n`` made-up agencies at random points on the land of the directory's countries (not Iceland).

    Parameters
    ----------
    n : int
        Number of agencies.
    basemap : Basemap
        Country polygons to place them on.
    taxonomy : Taxonomy
        Sector and type codes to draw from.
    seed : int
        Random seed, so runs are comparable.

    Returns
    -------
    GeoDataFrame
        Same columns as a real directory, in EPSG:3035.
    """
    rng = np.random.default_rng(seed)
    countries = basemap.layer("countries", "1km")
    countries = countries[countries.iso_a2.isin(DIRECTORY_COUNTRIES)]
    codes, geoms = countries.iso_a2.to_numpy(), countries.geometry.values
    # Only the land inside the map's frame: Norway's polygon reaches Svalbard, off the map.
    land = shapely.intersection(shapely.union_all(geoms), shapely.box(*FRAME))
    shapely.prepare(land)
    xmin, ymin, xmax, ymax = land.bounds
    xs, ys = [], []
    while sum(len(x) for x in xs) < n:
        x = rng.uniform(xmin, xmax, 4 * n)
        y = rng.uniform(ymin, ymax, 4 * n)
        keep = shapely.contains_xy(land, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
    x, y = np.concatenate(xs)[:n], np.concatenate(ys)[:n]
    points = shapely.points(x, y)
    tree = shapely.STRtree(geoms)
    point_index, country_index = tree.query(points, predicate="within")
    country = np.full(n, "DE", dtype=object)
    country[point_index] = codes[country_index]
    sectors_codes, type_codes = taxonomy.sectors.codes, taxonomy.agency_types.codes
    sector_count = rng.integers(1, 4, n)
    first = rng.integers(0, len(sectors_codes), n)
    sectors = [
        [sectors_codes[(f + k * 5) % len(sectors_codes)] for k in range(c)]
        for f, c in zip(first, sector_count, strict=False)
    ]
    names = [f"{_WORDS[a]} {_WORDS[b]} {i}" for i, (a, b) in enumerate(rng.integers(0, len(_WORDS), (n, 2)))]
    frame = pd.DataFrame({field: [""] * n for field in FIELD_NAMES})
    frame["id"] = [f"{c.lower()}-synthetic-{i}" for i, c in enumerate(country)]
    frame["name"] = names
    frame["type"] = [type_codes[t] for t in rng.integers(0, len(type_codes), n)]
    frame["country"] = country
    frame["city"] = "Synthetic"
    frame["sectors"] = sectors
    frame["services"] = [[] for _ in range(n)]
    frame["languages"] = [["en"] for _ in range(n)]
    frame["description"] = "A synthetic agency for benchmarks."
    return gpd.GeoDataFrame(frame, geometry=points, crs=MAP_CRS)
