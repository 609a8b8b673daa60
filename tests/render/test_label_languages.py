"""The label languages: one table for the renderer, the command line and the export dialog."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bsr_map.render import draw_map as draw_map_module
from bsr_map.render.draw_map import draw_map
from bsr_map.render.languages import LABEL_LANGUAGE_NAMES, LABEL_LANGUAGES


def test_every_language_has_a_name_and_the_codes_keep_their_order():
    assert tuple(LABEL_LANGUAGE_NAMES) == LABEL_LANGUAGES
    assert LABEL_LANGUAGES[:2] == ("en", "local")
    assert len(set(LABEL_LANGUAGE_NAMES.values())) == len(LABEL_LANGUAGES)
    assert all(name.strip() for name in LABEL_LANGUAGE_NAMES.values())


def test_the_renderer_accepts_exactly_the_table():
    assert draw_map_module.LABEL_LANGUAGES is LABEL_LANGUAGES  # the name the command line imports


@pytest.mark.parametrize("lang", LABEL_LANGUAGES)
def test_the_basemap_carries_country_names_in_every_language(basemap, lang):
    assert f"name_{lang}" in basemap.layer("countries", "2500m").columns


def test_an_unknown_language_is_refused(basemap):
    fig = Figure(figsize=(4, 3), dpi=50)
    FigureCanvasAgg(fig)
    with pytest.raises(ValueError, match="Unknown label language 'xx'"):
        draw_map(fig, basemap, lang="xx")
