"""Label placement without overlaps.

Labels are offered in priority order; each is tried at its candidate positions
and kept at the first one whose box (in display pixels, with a small gap)
overlaps nothing already placed. A label that fits nowhere is removed, so the
lower-priority label always gives way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, cast

import numpy as np
from matplotlib.backend_bases import RendererBase
from matplotlib.text import Text

HorizontalAlignment = Literal["left", "center", "right"]
VerticalAlignment = Literal["bottom", "baseline", "center", "center_baseline", "top"]

#: Where the anchor lies across a text's box for each alignment (share of width / height).
_HA = {"left": 0.0, "center": 0.5, "right": 1.0}
_VA = {"bottom": 0.0, "baseline": 0.0, "center": 0.5, "center_baseline": 0.5, "top": 1.0}
#: Gap kept free around every label, in display pixels.
LABEL_PADDING_PX = 2.0
#: A position to try a label at: offset in points from its anchor, horizontal and vertical alignment.
Candidate = tuple[float, float, str, str]


_SIZES: dict[tuple, tuple[float, float]] = {}


def text_size(text: Text, renderer: RendererBase) -> tuple[float, float]:
    """Width and height in display pixels of an unrotated text, cached by content, font and dpi.

    The same names are placed again on every redraw; measuring each once saves
    most of the cost of labelling.
    """
    font = text.get_fontproperties()
    key = (text.get_text(), hash(font), text.figure.dpi, text.get_linespacing())
    if key not in _SIZES:
        if len(_SIZES) > 20_000:
            _SIZES.clear()
        bbox = text.get_window_extent(renderer)
        _SIZES[key] = (bbox.width, bbox.height)
    return _SIZES[key]


@dataclass
class LabelPlacer:
    """Keeps the boxes of placed labels and decides whether a new one fits."""

    renderer: RendererBase
    padding: float = LABEL_PADDING_PX
    limits: tuple[float, float, float, float] | None = None  # labels must lie inside (the map's box)
    _boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    _text_only: list[tuple[float, float, float, float]] = field(default_factory=list)
    _arrays: dict = field(default_factory=dict, repr=False)  # numpy copies of the lists, rebuilt when they grow
    #: The placer of the Iceland inset on the same map, carried along by copies.
    inset: LabelPlacer | None = None

    def reserve(self, x0: float, y0: float, x1: float, y1: float, *, text_only: bool = False) -> None:
        """Mark a display-space box as taken (for example a marker).

        With ``text_only`` the box keeps labels' text away but not point
        symbols: a city's dot may sit under an agency marker, its name may not.
        """
        (self._text_only if text_only else self._boxes).append((x0, y0, x1, y1))

    def unreserve_last_symbol(self) -> None:
        """Give back the box most recently reserved with :meth:`reserve` (not text-only)."""
        self._boxes.pop()

    def reserve_boxes(self, boxes, *, text_only: bool = False) -> None:
        """Mark many display-space boxes ``(x0, y0, x1, y1)`` as taken at once (see :meth:`reserve`)."""
        (self._text_only if text_only else self._boxes).extend(
            (float(b[0]), float(b[1]), float(b[2]), float(b[3])) for b in boxes
        )

    def copy_for(self, renderer: RendererBase) -> LabelPlacer:
        """A placer for another figure of the same pixel size, with the same labels and symbols taken.

        Text-only boxes are left behind: they keep the basemap's names off the
        agency markers, and must not keep the agencies' own names away.
        """
        inset = self.inset.copy_for(renderer) if self.inset is not None else None
        return LabelPlacer(renderer, self.padding, self.limits, list(self._boxes), inset=inset)

    def without_text_only(self) -> LabelPlacer:
        """The same placer, for the same figure, without its text-only boxes."""
        return self.copy_for(self.renderer)

    def fits(self, box: tuple[float, float, float, float], *, text: bool = False) -> bool:
        """True when ``box`` overlaps no placed box (nor, for ``text``, a text-only box)."""
        boxes = self._as_array(text)
        if not len(boxes):
            return True
        x0, y0, x1, y1 = box
        p = self.padding
        overlap = (boxes[:, 0] < x1 + p) & (boxes[:, 2] > x0 - p) & (boxes[:, 1] < y1 + p) & (boxes[:, 3] > y0 - p)
        return not bool(overlap.any())

    def _as_array(self, text: bool) -> np.ndarray:
        count = len(self._boxes) + (len(self._text_only) if text else 0)
        cached = self._arrays.get(text)
        if cached is None or len(cached) != count:
            taken = self._boxes + self._text_only if text else self._boxes
            cached = np.asarray(taken, dtype=float).reshape(-1, 4)
            self._arrays[text] = cached
        return cached

    def inside(self, box: tuple[float, float, float, float]) -> bool:
        """True when ``box`` lies within the limits (always, without limits)."""
        if self.limits is None:
            return True
        x0, y0, x1, y1 = self.limits
        return box[0] >= x0 and box[1] >= y0 and box[2] <= x1 and box[3] <= y1

    def place(self, text: Text, candidates: Sequence[Candidate] | None = None, *, keep: bool = False) -> bool:
        """Try ``text`` at each candidate offset; keep it at the first that fits.

        Parameters
        ----------
        text : matplotlib.text.Text
            A text artist already added to the axes.
        candidates : list of (dx_pt, dy_pt, ha, va), optional
            Offsets in points from the anchor with the alignment to use; by
            default only the text's current position.

        keep : bool
            Leave the text on the axes even when it fits nowhere (the caller decides).

        Returns
        -------
        bool
            Whether the label was placed; when not (and not ``keep``), it is removed from the axes.
        """
        if not candidates or len(candidates) == 1 or text.get_rotation() or not hasattr(text, "xy"):
            positions: Sequence[Candidate | None] = candidates or [None]  # None: where the text is
            for candidate in positions:
                if candidate is not None:
                    _move(text, candidate)
                bbox = text.get_window_extent(self.renderer)
                box = (bbox.x0, bbox.y0, bbox.x1, bbox.y1)
                if self.inside(box) and self.fits(box, text=True):
                    self._boxes.append(box)
                    return True
            if not keep:
                text.remove()
            return False
        # Boxes are computed from the anchor and the text's cached size: laying text out is slow.
        width, height = text_size(text, self.renderer)
        scale = text.figure.dpi / 72.0
        assert text.axes is not None  # the caller added the text to an axes
        anchor_x, anchor_y = text.axes.transData.transform(text.xy)  # candidates are offsets from a data point
        for candidate in candidates:
            dx, dy, ha, va = candidate
            x0 = anchor_x + dx * scale - width * _HA[ha]
            y0 = anchor_y + dy * scale - height * _VA[va]
            box = (x0, y0, x0 + width, y0 + height)
            if self.inside(box) and self.fits(box, text=True):
                _move(text, candidate)
                self._boxes.append(box)
                return True
        if not keep:
            text.remove()
        return False


def ring_positions(distances_pt: Sequence[float], *, directions: int = 8) -> list[Candidate]:
    """Candidate positions around a point: right, left, above, below, then the diagonals, at each distance.

    The alignment makes the label's nearest edge face the point, so each
    distance is the gap between the point and the label.
    """
    order = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)][:directions]
    ha = {1: "left", 0: "center", -1: "right"}
    va = {1: "bottom", 0: "center", -1: "top"}
    out: list[Candidate] = []
    for d in distances_pt:
        for sx, sy in order:
            out.append((sx * d, sy * d, ha[sx], va[sy]))
    return out


def _move(text: Text, candidate: Candidate) -> None:
    """Put ``text`` at a candidate position (alignments are checked by matplotlib's setters)."""
    dx, dy, ha, va = candidate
    text.set_position((dx, dy))
    text.set_horizontalalignment(cast(HorizontalAlignment, ha))
    text.set_verticalalignment(cast(VerticalAlignment, va))
