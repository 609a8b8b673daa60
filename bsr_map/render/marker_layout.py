"""Where agency markers go and how much room they take, before anything is drawn.

Labels must keep off every marker, and the basemap's labels are placed before
the markers are drawn (a window caches the basemap as an image). So the
markers' footprints, spread apart where agencies share a city, are computed
here, the same way for the basemap's labels and for the agency layer.
"""

from __future__ import annotations

import math

import numpy as np

from bsr_map.render.style import MapStyle

#: Above this many agencies, markers are not spread apart: at that density rings would not help.
MAX_SPREAD = 2_000
#: Box half-widths are this share of a marker's nominal radius (the shapes fill their square).
FOOTPRINT_SHARE = 1.0


def marker_size(count: int) -> float:
    """Marker area in points² (at style scale 1) for ``count`` agencies: smaller as the map fills up."""
    if count <= 300:
        return 70.0
    if count <= 3000:
        return 30.0
    if count <= 30000:
        return 10.0
    return 4.0


def marker_area(count: int, style: MapStyle) -> float:
    """Marker area in points² for ``count`` agencies drawn in ``style`` (scaled with its sizes)."""
    return marker_size(count) * style.size_scale**2


def spread_radius_px(area_pt2: float, dpi: float) -> float:
    """Radius, in display pixels, of the ring two agencies of one place are spread onto."""
    return math.sqrt(area_pt2) * dpi / 72.0 * 0.75


def marker_radius_px(area_pt2: float, dpi: float, edge_pt: float = 0.8) -> float:
    """Half the width of a marker, outline included, in display pixels."""
    return (math.sqrt(area_pt2) / 2.0 + edge_pt / 2.0) * dpi / 72.0 * FOOTPRINT_SHARE


def spread_colocated(display_xy: np.ndarray, radius_px: float) -> np.ndarray:
    """Move markers that would sit on the same pixel onto a small ring around it.

    Several agencies often share a city centre; displacing them (the usual
    cartographic answer) keeps every one visible and clickable.

    Parameters
    ----------
    display_xy : ndarray of shape (n, 2)
        Marker centres in display pixels.
    radius_px : float
        Radius of the ring for a pair; larger groups get a proportionally larger ring.

    Returns
    -------
    ndarray of shape (n, 2)
    """
    groups = colocated_groups(display_xy, radius_px)
    out = display_xy.copy()
    for members in groups:
        k = len(members)
        if k < 2:
            continue
        centre = display_xy[members].mean(axis=0)
        ring = radius_px * max(1.0, k / 3.0)
        angles = np.pi / 2 + 2 * np.pi * np.arange(k) / k
        out[members] = centre + ring * np.column_stack([np.cos(angles), np.sin(angles)])
    return out


def colocated_groups(display_xy: np.ndarray, radius_px: float) -> list[list[int]]:
    """Indices of markers closer than ``radius_px`` to each other (chained), one list per group."""
    n = len(display_xy)
    if n < 2 or n > MAX_SPREAD:
        return [[i] for i in range(n)]
    # Union-find over neighbouring grid cells, so two markers either side of a cell edge are still found.
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    points = display_xy.tolist()
    cell = max(radius_px, 1.0)
    buckets: dict[tuple[int, int], list[int]] = {}
    for i, key in enumerate(map(tuple, np.floor(display_xy / cell).astype(np.int64))):
        buckets.setdefault(key, []).append(i)
    for (cx, cy), members in buckets.items():
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for b in buckets.get((cx + dx, cy + dy), ()):
                    for a in members:
                        if a < b and math.dist(points[a], points[b]) < radius_px:
                            parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def marker_footprints(display_xy: np.ndarray, area_pt2: float, dpi: float) -> np.ndarray:
    """Boxes ``(x0, y0, x1, y1)`` in display pixels that markers at ``display_xy`` will cover.

    The markers are spread as :func:`spread_colocated` spreads them; a group
    sharing a place also gets one box around its whole ring, since a subset
    of it (after a filter) is spread onto a ring of its own within it.

    Parameters
    ----------
    display_xy : ndarray of shape (n, 2)
        Unspread marker centres in display pixels.
    area_pt2 : float
        Marker area in points².
    dpi : float
        The figure's resolution.

    Returns
    -------
    ndarray of shape (m, 4)
    """
    if not len(display_xy):
        return np.zeros((0, 4))
    spread = spread_colocated(display_xy, spread_radius_px(area_pt2, dpi))
    r = marker_radius_px(area_pt2, dpi)
    boxes = [np.column_stack([spread - r, spread + r])]
    for members in colocated_groups(display_xy, spread_radius_px(area_pt2, dpi)):
        if len(members) > 1:
            ring = spread[members]
            boxes.append(np.array([[*(ring.min(axis=0) - r), *(ring.max(axis=0) + r)]]))
    return np.vstack(boxes)
