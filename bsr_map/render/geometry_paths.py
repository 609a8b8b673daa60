"""Turn shapely geometries into matplotlib paths, vectorised.

Building a :class:`matplotlib.path.Path` per geometry is the costly step of
drawing a layer; it is done once per layer and level of detail and cached.
"""

from __future__ import annotations

import numpy as np
import shapely
from matplotlib.path import Path


def _rings_path(rings: np.ndarray) -> Path:
    coords, index = shapely.get_coordinates(rings, return_index=True)
    if len(coords) == 0:
        return Path(np.empty((0, 2)))
    codes = np.full(len(coords), Path.LINETO, dtype=np.uint8)
    starts = np.r_[0, np.flatnonzero(np.diff(index)) + 1]
    codes[starts] = Path.MOVETO
    codes[np.r_[starts[1:] - 1, len(coords) - 1]] = Path.CLOSEPOLY
    return Path(coords, codes)


def polygon_path(geometry) -> Path:
    """A compound path of every ring of a (multi)polygon, holes included.

    Parameters
    ----------
    geometry : shapely.Polygon or shapely.MultiPolygon

    Returns
    -------
    matplotlib.path.Path
        Interior rings are oriented against the exterior ones, so matplotlib's
        non-zero fill rule leaves holes (enclaves) open.
    """
    polygons = shapely.get_parts(shapely.orient_polygons(geometry))
    rings = []
    for polygon in polygons:
        rings.append(shapely.get_exterior_ring(polygon))
        rings.extend(shapely.get_interior_ring(polygon, i) for i in range(shapely.get_num_interior_rings(polygon)))
    return _rings_path(np.asarray(rings, dtype=object))


def polygon_paths(geometries) -> list[Path]:
    """One compound path per (multi)polygon of ``geometries``."""
    return [polygon_path(g) for g in geometries]


def line_path(geometries) -> Path:
    """One compound path of all the (multi)line strings in ``geometries``."""
    parts = shapely.get_parts(np.asarray(geometries, dtype=object))
    parts = parts[~shapely.is_empty(parts)]
    coords, index = shapely.get_coordinates(parts, return_index=True)
    if len(coords) == 0:
        return Path(np.empty((0, 2)))
    codes = np.full(len(coords), Path.LINETO, dtype=np.uint8)
    codes[np.r_[0, np.flatnonzero(np.diff(index)) + 1]] = Path.MOVETO
    return Path(coords, codes)
