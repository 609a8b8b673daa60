"""The map canvas's cached images: matplotlib figures as QImages, and what their pixels show."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage

from bsr_map.render.draw_map import MapArtists

#: Land is looked for on every this many device pixels of the basemap image, by colour within this
#: tolerance (borders and labels drawn over land do not count).
LAND_SAMPLE_STEP = 4
LAND_COLOUR_TOLERANCE = 6


def render_figure(fig: Figure) -> QImage:
    """Draw ``fig`` and wrap its pixels in a QImage without copying them.

    The image shares the Agg buffer, so the caller keeps the figure alive as
    long as the image is shown, and a figure that is drawn again gets a new image.
    """
    canvas = fig.canvas
    canvas.draw()
    buffer = canvas.buffer_rgba()
    image = QImage(buffer, buffer.shape[1], buffer.shape[0], QImage.Format.Format_RGBA8888)
    image._buffer = buffer  # keeps the pixels alive as long as the image
    return image


def inset_rect_of(artists: MapArtists, height: float, ratio: float) -> QRectF | None:
    """Where the Iceland inset is drawn, in logical pixels from the top left (None without one)."""
    if artists.inset_ax is None:
        return None
    bbox = artists.inset_ax.get_window_extent()
    # Display coordinates are device pixels from the bottom; Qt wants logical pixels from the top.
    return QRectF(bbox.x0 / ratio, height - bbox.y1 / ratio, bbox.width / ratio, bbox.height / ratio).adjusted(
        -1, -1, 1, 1
    )


def colour_share(image: QImage | None, box, colours, ratio: float = 1.0) -> float:
    """The share of ``box`` (left, top, right, bottom in logical pixels) drawn in one of ``colours``.

    Parameters
    ----------
    image : QImage or None
        An image made by :func:`render_figure`.
    box : tuple of float
        The part of the image to look at.
    colours : iterable of str
        Hex colours, e.g. the style's member and partner land.
    ratio : float
        Device pixels per logical pixel.

    Returns
    -------
    float
        From 0 to 1 (0 when there is no image or the box lies outside it).
    """
    if image is None:
        return 0.0
    sample = np.asarray(image._buffer)[::LAND_SAMPLE_STEP, ::LAND_SAMPLE_STEP, :3]
    scale = ratio / LAND_SAMPLE_STEP
    left, top = max(0, int(box[0] * scale)), max(0, int(box[1] * scale))
    right, bottom = min(sample.shape[1], int(box[2] * scale) + 1), min(sample.shape[0], int(box[3] * scale) + 1)
    if right <= left or bottom <= top:
        return 0.0
    patch = sample[top:bottom, left:right].astype(np.int16)
    found = np.zeros(patch.shape[:2], dtype=bool)
    for colour in colours:
        rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
        found |= np.abs(patch - rgb).max(axis=2) <= LAND_COLOUR_TOLERANCE
    return float(found.mean())
