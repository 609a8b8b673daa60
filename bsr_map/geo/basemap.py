"""Load the bundled basemap: countries, borders, lakes, cities and seas.

The basemap is a GeoPackage built by :mod:`bsr_map.devtools.build_geodata`. Every
polygon and line layer exists at several levels of detail (LODs); the screen
draws the coarsest one whose simplification tolerance is still below a pixel.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio

from bsr_map.util.paths import geodata_dir

#: Level-of-detail name -> simplification tolerance in metres (0 = full 1:10m).
LODS: dict[str, float] = {"full": 0.0, "250m": 250.0, "1km": 1000.0, "2500m": 2500.0}
#: Layers that exist once per LOD.
LOD_LAYERS = ("countries", "borders", "lakes", "admin1", "inset_countries", "inset_lakes")
#: Layers that exist once.
POINT_LAYERS = ("cities", "inset_cities", "seas")

#: A city lying within this many kilometres times the square root of a bigger
#: city's population in hundred thousands (Hamburg: 13 km) of a city of the same
#: country at least :data:`DISTRICT_POPULATION_RATIO` times its size is taken to
#: be a district of it (GeoNames feature class PPLX, such as Altona or Mokotów).
DISTRICT_KM_PER_SQRT_100K = 3.5
DISTRICT_POPULATION_RATIO = 2.5
#: Towns of their own that the rule above would take for districts.
NOT_DISTRICTS = frozenset(
    {2878234, 2864118, 2675408, 2923544, 2857807}
)  # Leverkusen, Neuss, Sollentuna, Fürth, Offenbach
#: Districts the rule misses (East Helsinki: its point lies 9 km from Helsinki's).
DISTRICTS = frozenset({12747032})


def default_basemap_path() -> Path:
    """Return the path of the bundled basemap GeoPackage."""
    return geodata_dir() / "basemap.gpkg"


def lod_for_resolution(metres_per_pixel: float) -> str:
    """Return the coarsest LOD whose tolerance is below one pixel.

    Parameters
    ----------
    metres_per_pixel : float
        Ground size of one device pixel at the current view.

    Returns
    -------
    str
        A key of :data:`LODS`.

    Examples
    --------
    >>> lod_for_resolution(3000.0)
    '2500m'
    >>> lod_for_resolution(100.0)
    'full'
    """
    best = "full"
    for name, tolerance in LODS.items():
        if tolerance < metres_per_pixel and tolerance >= LODS[best]:
            best = name
    return best


class Basemap:
    """The basemap layers, read from the GeoPackage the first time each is used.

    Layers are keyed by name: ``countries_1km``, ``cities``, … Reading lazily
    keeps start-up fast: the first paint needs only the coarsest levels.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._layers: dict[str, gpd.GeoDataFrame] = {}
        self._derived: dict[str, object] = {}

    def layer(self, name: str, lod: str | None = None) -> gpd.GeoDataFrame:
        """Return layer ``name``, at ``lod`` for the per-LOD layers."""
        key = f"{name}_{lod}" if lod is not None else name
        if key not in self._layers:
            layer = pyogrio.read_dataframe(self.path, layer=key)
            self._layers[key] = without_districts(layer) if key == "cities" else layer
        return self._layers[key]

    def derived(self, key: str, build):
        """Return ``build()``, computed once per ``key`` (e.g. a layer's drawing paths)."""
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]

    @property
    def layer_names(self) -> list[str]:
        """Every layer the basemap provides."""
        return [f"{layer}_{lod}" for layer in LOD_LAYERS for lod in LODS] + list(POINT_LAYERS)

    @property
    def countries(self) -> gpd.GeoDataFrame:
        """The full-detail country polygons."""
        return self.layer("countries", "full")


def district_mask(cities: gpd.GeoDataFrame) -> np.ndarray:
    """Which of ``cities`` are districts of a bigger city rather than towns.

    The bundled GeoNames extract has no feature codes, so districts (PPLX) are
    recognised by where they lie: close to the centre of a much bigger city of
    the same country. Capitals are never districts.

    Parameters
    ----------
    cities : GeoDataFrame
        The basemap's ``cities`` layer (projected metres; ``population``,
        ``country``, ``capital`` and ``geonameid`` columns).

    Returns
    -------
    ndarray of bool
    """
    x, y = cities.geometry.x.to_numpy(), cities.geometry.y.to_numpy()
    population = cities["population"].to_numpy(dtype=float)
    country = cities["country"].to_numpy()
    reach_m = DISTRICT_KM_PER_SQRT_100K * 1000.0 * np.sqrt(population / 1e5)
    ids = cities["geonameid"].to_numpy()
    district = np.zeros(len(cities), dtype=bool)
    for i in range(len(cities)):
        bigger = (population >= DISTRICT_POPULATION_RATIO * population[i]) & (country == country[i])
        district[i] = bool((bigger & (np.hypot(x - x[i], y - y[i]) < reach_m)).any())
    district &= ~cities["capital"].to_numpy(dtype=bool)
    district &= ~np.isin(ids, list(NOT_DISTRICTS))
    district |= np.isin(ids, list(DISTRICTS))
    return district


def without_districts(cities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``cities`` without the districts of bigger cities (see :func:`district_mask`)."""
    return cities[~district_mask(cities)].reset_index(drop=True)


def load_basemap(path: str | Path | None = None) -> Basemap:
    """Open the basemap GeoPackage; layers are read when first used.

    Parameters
    ----------
    path : str or Path, optional
        The GeoPackage; the bundled one when omitted.

    Returns
    -------
    Basemap

    Raises
    ------
    FileNotFoundError
        When the file is missing.
    ValueError
        When the file lacks one of the basemap's layers.
    """
    path = Path(path) if path is not None else default_basemap_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"Basemap not found: {path}. Rebuild it with 'python -m bsr_map.devtools.build_geodata'."
        )
    basemap = Basemap(path)
    present = {name for name, _ in pyogrio.list_layers(path)}
    missing = sorted(set(basemap.layer_names) - present)
    if missing:
        raise ValueError(f"{path} is not a complete bsr-map basemap: layers {', '.join(missing)} are missing.")
    return basemap
