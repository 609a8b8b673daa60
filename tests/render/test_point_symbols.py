"""Point symbols drawn without scatter's overhead must look exactly as scatter draws them."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bsr_map.render.point_symbols import add_points


def _pixels(draw) -> np.ndarray:
    fig = Figure(figsize=(2, 2), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(4_000_000, 5_000_000)  # map metres, as on the map: symbols must not scale with the data
    ax.set_ylim(3_000_000, 4_000_000)
    draw(ax)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("marker", ["o", "s", "D", "^", "p"])
def test_add_points_draws_the_pixels_scatter_draws(marker):
    x, y = [4_300_000, 4_700_000], [3_500_000, 3_600_000]
    mine = _pixels(
        lambda ax: add_points(
            ax, x, y, size=60, marker=marker, facecolors="#D1495B", edgecolors="white", linewidths=0.8
        )
    )
    theirs = _pixels(lambda ax: ax.scatter(x, y, s=60, c="#D1495B", marker=marker, edgecolors="white", linewidths=0.8))
    assert (mine[:, :, 3] > 0).sum() > 100  # something was drawn
    assert np.array_equal(mine, theirs)
