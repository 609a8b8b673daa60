"""Load the bundled basemap: countries, borders, lakes, cities and seas.

The basemap is a GeoPackage built by :mod:`bsr_map.devtools.build_geodata`. Every
polygon and line layer exists at several levels of detail (LODs); the screen
draws the coarsest one whose simplification tolerance is still below a pixel.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio

from bsr_map.util.paths import geodata_dir

#: Level-of-detail name -> simplification tolerance in metres (0 = full 1:10m).
LODS: dict[str, float] = {"full": 0.0, "250m": 250.0, "1km": 1000.0, "2500m": 2500.0}
#: Layers that exist once per LOD.
LOD_LAYERS = ("countries", "borders", "lakes", "admin1", "inset_countries", "inset_lakes")
#: Layers that exist once.
POINT_LAYERS = ("cities", "inset_cities", "seas")


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
            self._layers[key] = pyogrio.read_dataframe(self.path, layer=key)
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
