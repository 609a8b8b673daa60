"""The matplotlib internals bsr_map.render.mpl_internals relies on still behave as it expects.

These tests fail when a matplotlib release changes them: check the module's
docstring and the matplotlib pin in pyproject.toml before relaxing one.
"""

from __future__ import annotations

import dataclasses
import shutil

import matplotlib
import numpy as np
import pytest
from matplotlib import font_manager, patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from bsr_map.render import mpl_internals
from bsr_map.render.agg_canvas import _TEXT_TO_PATH, MapCanvasAgg
from bsr_map.render.style import FONT_FAMILY, register_fonts
from bsr_map.util.paths import resources_dir


class _RecordingTextToPath(TextToPath):
    def __init__(self):
        super().__init__()
        self.texts: list[str] = []

    def get_text_path(self, prop, s, ismath=False, **kwargs):
        self.texts.append(s)
        return super().get_text_path(prop, s, ismath, **kwargs)


def _haloed_text_figure(text: str) -> Figure:
    fig = Figure(figsize=(3, 1), dpi=100)
    fig.text(0.1, 0.4, text, fontsize=12, path_effects=[patheffects.withStroke(linewidth=3, foreground="white")])
    return fig


def test_a_renderer_draws_texts_with_path_effects_through_the_text_to_path_it_is_given():
    fig = _haloed_text_figure("Gdańsk")
    renderer = RendererAgg(300, 100, 100)
    recorder = _RecordingTextToPath()
    mpl_internals.use_text_to_path(renderer, recorder)
    fig.draw(renderer)
    assert "Gdańsk" in recorder.texts


def test_the_map_canvas_renderer_uses_the_shared_outline_cache():
    fig = _haloed_text_figure("Tallinn")
    canvas = MapCanvasAgg(fig)
    assert canvas.get_renderer()._text2path is _TEXT_TO_PATH
    canvas.draw()
    assert any(key[1] == "Tallinn" for key in _TEXT_TO_PATH._outlines)
    # and the pixels are matplotlib's own
    plain = FigureCanvasAgg(_haloed_text_figure("Tallinn"))
    plain.draw()
    assert np.array_equal(np.asarray(canvas.buffer_rgba()), np.asarray(plain.buffer_rgba()))


@pytest.fixture
def font_list():
    """matplotlib's font list with the bundled fonts, restored (and its lookup cache emptied) afterwards."""
    register_fonts()  # once per process: the list restored must hold the bundled fonts
    manager = font_manager.fontManager
    saved = list(manager.ttflist)
    yield manager
    manager.addfont(str(resources_dir() / "fonts" / "NotoSans-Regular.ttf"))  # empties the lookup cache
    manager.ttflist = saved


def test_findfont_searches_ttflist_and_addfont_empties_its_cache(font_list, tmp_path):
    bundled = resources_dir() / "fonts" / "NotoSans-Regular.ttf"
    prop = FontProperties(family=FONT_FAMILY)
    assert font_manager.findfont(prop) == str(bundled)
    # a "system" copy of the family, listed first, as fonts found on the machine are
    system = tmp_path / "system"
    system.mkdir()
    copy = shutil.copy(bundled, system / bundled.name)
    entry = next(e for e in font_list.ttflist if e.fname == str(bundled))
    font_list.ttflist.insert(0, dataclasses.replace(entry, fname=str(copy)))
    font_list.addfont(str(resources_dir() / "fonts" / "IPAexGothic.ttf"))  # any font: it clears the lookup cache
    assert font_manager.findfont(prop) == str(copy)  # the first good match wins: why copies must go
    mpl_internals.forget_fonts_named({FONT_FAMILY}, keep_folder=bundled.parent)
    font_list.addfont(str(bundled))
    assert font_manager.findfont(prop) == str(bundled)
    assert all(e.fname != str(copy) for e in font_list.ttflist)


def test_forget_fonts_named_keeps_other_families_and_the_kept_folder(font_list):
    folder = resources_dir() / "fonts"
    before = list(font_list.ttflist)
    mpl_internals.forget_fonts_named({"DejaVu Sans"}, keep_folder=folder)
    assert all(e.name != "DejaVu Sans" for e in font_list.ttflist)
    assert [e for e in before if e.name != "DejaVu Sans"] == font_list.ttflist
    mpl_internals.forget_fonts_named({FONT_FAMILY}, keep_folder=folder)
    assert any(e.name == FONT_FAMILY for e in font_list.ttflist)


def test_agg_measures_and_draws_text_with_the_hinting_of_rcparams():
    register_fonts()
    assert matplotlib.rcParams["text.hinting"] == mpl_internals.TEXT_HINTING
    prop = FontProperties(family=FONT_FAMILY, size=7.0)
    renderer = RendererAgg(400, 100, 100)
    unhinted = renderer.get_text_width_height_descent("Klaipėda Šiauliai Ventspils", prop, False)
    with matplotlib.rc_context({"text.hinting": "force_autohint"}):
        hinted = renderer.get_text_width_height_descent("Klaipėda Šiauliai Ventspils", prop, False)
    assert unhinted != hinted  # the setting is read at each measurement, not fixed in the renderer
