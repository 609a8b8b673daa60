"""Point symbols (city dots, agency markers) added straight to map axes.

``Axes.scatter`` does the same with unit handling, colour mapping and
autoscaling the map never needs; a redraw adds a dozen symbol layers, and
scatter's overhead was a tenth of the time it takes to build them.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path
from matplotlib.transforms import IdentityTransform


@cache
def marker_path(marker: str) -> Path:
    """The outline of a matplotlib marker code (``"o"``, ``"s"``, ``"D"``…) at unit size, as scatter uses it."""
    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform())


def add_points(
    ax: Axes,
    x,
    y,
    *,
    size: float,
    marker: str = "o",
    facecolors="none",
    edgecolors="none",
    linewidths: float = 0.0,
    zorder: float = 2.0,
) -> PathCollection:
    """Draw one symbol at each point, like ``ax.scatter``.

    Parameters
    ----------
    ax : Axes
        Map axes; points are in its data coordinates.
    x, y : array_like
        Positions.
    size : float
        Symbol area in points squared (scatter's ``s``).
    marker : str
        A matplotlib marker code.
    facecolors, edgecolors : colour or array of RGBA rows
        One colour for all, or one per point.
    linewidths : float
        Outline width in points.
    zorder : float

    Returns
    -------
    PathCollection
    """
    offsets = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    # The symbol is sized in points (``sizes``) around each offset: it must not be scaled by the data
    # transform, which add_collection would give a collection without a transform of its own.
    points = PathCollection(
        [marker_path(marker)],
        sizes=[size],
        offsets=offsets,
        offset_transform=ax.transData,
        transform=IdentityTransform(),
        facecolors=facecolors,
        edgecolors=edgecolors,
        linewidths=linewidths,
        zorder=zorder,
    )
    ax.add_collection(points, autolim=False)
    return points
