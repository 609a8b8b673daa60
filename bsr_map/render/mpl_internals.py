"""What the map needs from matplotlib beyond its per-figure public API, in one place.

matplotlib offers no public way to do the first two things below, and the
third is a public setting that can only be made for the whole process. The
rest of the package calls these functions and touches nothing private of
matplotlib. ``pyproject.toml`` pins the matplotlib releases they are known to
work with, and ``tests/render/test_mpl_internals.py`` fails when a release
changes what they rely on.

:func:`use_text_to_path`
    Sets the private ``_text2path`` attribute of a renderer. Every map label
    has a halo, drawn through a path effect, and matplotlib then converts the
    text to outlines with the renderer's ``_text2path`` (``RendererBase`` sets
    it in ``__init__``; ``PathEffectRenderer`` forwards it from the renderer it
    wraps). No argument, rc setting or hook chooses that converter, so the map
    canvas puts its caching one there (:mod:`bsr_map.render.agg_canvas`).
:func:`forget_fonts_named`
    Rewrites ``font_manager.fontManager.ttflist``, the list ``findfont``
    searches. ``addfont`` only appends, and ``findfont`` keeps the first of
    equally good matches, so a system copy of a bundled family (Debian's
    fonts-noto-core, say) would win over the bundled files; there is no public
    way to remove a font. The function is called before the bundled fonts are
    added, because ``addfont`` empties ``findfont``'s lookup cache (the private
    ``_findfont_cached``), which would otherwise go on answering with the
    removed files.
:func:`use_unhinted_text`
    Sets ``rcParams["text.hinting"]`` for the whole process. The Agg renderer
    reads it on every text it measures or draws, and the map measures its labels
    (to place them) outside any draw, in the window's thread and in an export's
    worker thread at once. Unhinted glyphs are what print uses, and FreeType's
    hinting nearly doubles the cost of typesetting labels (measured: 97 -> 52
    ms for 60 labels at 1600x1000). ``rc_context`` around each measurement
    would cost about 0.15 ms a label and, since rcParams are global, would
    switch hinting on and off under the other thread's labels; matplotlib has
    no per-figure or per-artist hinting.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.backend_bases import RendererBase
from matplotlib.textpath import TextToPath

#: The value of ``rcParams["text.hinting"]`` the map draws with.
TEXT_HINTING = "no_hinting"


def use_text_to_path(renderer: RendererBase, text_to_path: TextToPath) -> None:
    """Make ``renderer`` convert texts to outlines with ``text_to_path``.

    Parameters
    ----------
    renderer : RendererBase
        A renderer, such as the one an Agg canvas draws with.
    text_to_path : TextToPath
        The converter to use for texts drawn as paths (those with path effects).
    """
    renderer._text2path = text_to_path  # private; see the module docstring


def forget_fonts_named(names: Collection[str], *, keep_folder: Path) -> None:
    """Remove the fonts called ``names`` from matplotlib's font list, except those in ``keep_folder``.

    Call it before :meth:`~matplotlib.font_manager.FontManager.addfont` adds
    the fonts that are to be used instead: ``addfont`` clears the font lookup
    cache, so no lookup answers with a removed file afterwards.

    Parameters
    ----------
    names : collection of str
        Family names as matplotlib reads them from the font files.
    keep_folder : Path
        Fonts in this folder stay.
    """
    manager = font_manager.fontManager
    manager.ttflist = [
        entry for entry in manager.ttflist if entry.name not in names or Path(entry.fname).parent == keep_folder
    ]


def use_unhinted_text() -> None:
    """Typeset every text without FreeType's hinting, as print does (for the whole process)."""
    matplotlib.rcParams["text.hinting"] = TEXT_HINTING
