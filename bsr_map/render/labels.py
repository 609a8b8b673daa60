"""Label placement without overlaps.

Labels are offered in priority order; each is tried at its candidate positions
and kept at the first one whose box (in display pixels, with a small gap)
overlaps nothing already placed. A label that fits nowhere is removed, so the
lower-priority label always gives way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.text import Text

#: Gap kept free around every label, in display pixels.
LABEL_PADDING_PX = 2.0


@dataclass
class LabelPlacer:
    """Keeps the boxes of placed labels and decides whether a new one fits."""

    renderer: object
    padding: float = LABEL_PADDING_PX
    _boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    _text_only: list[tuple[float, float, float, float]] = field(default_factory=list)

    def reserve(self, x0: float, y0: float, x1: float, y1: float, *, text_only: bool = False) -> None:
        """Mark a display-space box as taken (for example a marker).

        With ``text_only`` the box keeps labels' text away but not point
        symbols: a city's dot may sit under an agency marker, its name may not.
        """
        (self._text_only if text_only else self._boxes).append((x0, y0, x1, y1))

    def copy_for(self, renderer) -> "LabelPlacer":
        """A placer for another figure of the same pixel size, with the same boxes taken."""
        return LabelPlacer(renderer, self.padding, list(self._boxes), list(self._text_only))

    def fits(self, box: tuple[float, float, float, float], *, text: bool = False) -> bool:
        """True when ``box`` overlaps no placed box (nor, for ``text``, a text-only box)."""
        taken = self._boxes + self._text_only if text else self._boxes
        if not taken:
            return True
        boxes = np.asarray(taken)
        x0, y0, x1, y1 = box
        p = self.padding
        overlap = (
            (boxes[:, 0] < x1 + p) & (boxes[:, 2] > x0 - p) & (boxes[:, 1] < y1 + p) & (boxes[:, 3] > y0 - p)
        )
        return not bool(overlap.any())

    def place(self, text: Text, candidates: list[tuple[float, float, str, str]] | None = None) -> bool:
        """Try ``text`` at each candidate offset; keep it at the first that fits.

        Parameters
        ----------
        text : matplotlib.text.Text
            A text artist already added to the axes.
        candidates : list of (dx_pt, dy_pt, ha, va), optional
            Offsets in points from the anchor with the alignment to use; by
            default only the text's current position.

        Returns
        -------
        bool
            Whether the label was placed; when not, it is removed from the axes.
        """
        for dx, dy, ha, va in candidates or [(None, None, None, None)]:
            if dx is not None:
                text.set_position((dx, dy))
                text.set_horizontalalignment(ha)
                text.set_verticalalignment(va)
            bbox = text.get_window_extent(self.renderer)
            box = (bbox.x0, bbox.y0, bbox.x1, bbox.y1)
            if self.fits(box, text=True):
                self._boxes.append(box)
                return True
        text.remove()
        return False
