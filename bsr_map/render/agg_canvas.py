"""A matplotlib Agg canvas that remembers the outlines of the texts it draws.

Every map label has a halo, and matplotlib draws a text with a path effect by
converting it to outlines: it lays the string out with FreeType and loads each
glyph again on every draw, about a millisecond per label. The map shows the
same names redraw after redraw, so the outlines are kept, keyed by font and
string; the pixels are the same, only the work is not repeated.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure, SubFigure
from matplotlib.textpath import TextToPath

from bsr_map.render.mpl_internals import use_text_to_path

#: Outlines kept at most (a few kilobytes each); the cache starts afresh beyond.
MAX_CACHED_OUTLINES = 5000


class CachedTextToPath(TextToPath):
    """A :class:`~matplotlib.textpath.TextToPath` that converts each (font, string) once."""

    _outlines: ClassVar[dict] = {}

    def get_text_path(self, prop, s, ismath=False, *, features=None, language=None):
        """Vertices and codes of ``s`` in ``prop``, as :meth:`TextToPath.get_text_path`, from the cache."""
        key = (hash(prop), s, ismath, tuple(features) if features else None, language)
        found = self._outlines.get(key)
        if found is None:
            verts, codes = super().get_text_path(prop, s, ismath, features=features, language=language)
            found = (np.asarray(verts, dtype=float).reshape(-1, 2), np.asarray(codes, dtype=np.uint8))
            found[0].flags.writeable = False  # shared between draws: nobody may change it
            if len(self._outlines) >= MAX_CACHED_OUTLINES:
                self._outlines.clear()
            self._outlines[key] = found
        return found


_TEXT_TO_PATH = CachedTextToPath()


class MapCanvasAgg(FigureCanvasAgg):
    """The Agg canvas the map is drawn on: matplotlib's, with text outlines cached."""

    def get_renderer(self) -> RendererAgg:
        """The Agg renderer (kept while the figure's size and dpi stay), using the shared outline cache."""
        renderer = super().get_renderer()
        use_text_to_path(renderer, _TEXT_TO_PATH)
        return renderer


def canvas_renderer(figure: Figure | SubFigure) -> RendererAgg:
    """The renderer of the Agg canvas ``figure`` is drawn on, to measure texts before a draw.

    Parameters
    ----------
    figure : Figure or SubFigure
        A figure on a :class:`MapCanvasAgg` or another Agg canvas (such as
        matplotlib's own or Qt's).

    Returns
    -------
    RendererAgg
    """
    canvas = figure.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        raise TypeError(f"maps are drawn on an Agg canvas, not on {type(canvas).__name__}")
    return canvas.get_renderer()
