"""Every offered label language can be drawn with the bundled fonts: no label comes out as empty boxes.

For each language the test gathers every text the basemap would label in it
(country names at every level of detail and in the inset, sea names, city
names) and checks each character against the fonts matplotlib picks for the
renderer's family list (:data:`bsr_map.render.style.FONT_FAMILIES`) in the
weight and slant the label is drawn in. matplotlib draws each glyph from the
first font of that list that has it, so a character is drawable when any of
them has it.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache

import pytest
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font

from bsr_map.geo.basemap import LODS
from bsr_map.render.basemap_labels import label_name, spaced_caps, two_lines
from bsr_map.render.languages import LABEL_LANGUAGES
from bsr_map.render.style import DEFAULT_STYLE, register_fonts

#: Characters matplotlib lays out without drawing a glyph.
NOT_DRAWN = {"\n"}
#: The (weight, style) faces the basemap labels are drawn in.
COUNTRY_FACES = [("bold", "normal"), ("normal", "normal")]  # member / partner, context
SEA_FACES = [("normal", "italic")]
CITY_FACES = [("bold", "normal"), ("normal", "normal")]  # capitals, other cities


@cache
def fallback_fonts(weight: str, style: str) -> tuple[str, ...]:
    """The font files matplotlib uses for a label in this face, in fallback order.

    ``findfont`` of each family of the renderer's list, as matplotlib's font
    fallback does; a family with no bundled face raises rather than quietly
    matching matplotlib's default font.
    """
    register_fonts()
    return tuple(
        str(font_manager.findfont(FontProperties(family=family, weight=weight, style=style), fallback_to_default=False))
        for family in DEFAULT_STYLE.font_family
    )


@cache
def characters_of(path: str) -> frozenset[int]:
    """The code points ``path`` has a glyph for."""
    return frozenset(FT2Font(path).get_charmap())


def covered(faces) -> frozenset[int]:
    """The code points every one of ``faces`` can draw, from any font of its fallback list."""
    sets = [frozenset().union(*(characters_of(path) for path in fallback_fonts(*face))) for face in faces]
    return frozenset.intersection(*sets)


def basemap_label_texts(basemap, lang: str) -> list[tuple[str, list]]:
    """(text, faces) of every label the basemap can draw in ``lang``, as the renderer spells them."""
    texts = []
    for lod in LODS:
        for layer in ("countries", "inset_countries"):
            records = basemap.layer(layer, lod).drop(columns="geometry").to_dict("records")
            texts += [(spaced_caps(label_name(row, lang)), COUNTRY_FACES) for row in records]
    for row in basemap.layer("seas").drop(columns="geometry").to_dict("records"):
        name = label_name(row, lang)
        texts.append((two_lines(name) if len(name) > 14 else name, SEA_FACES))
    for layer in ("cities", "inset_cities"):
        texts += [(name, CITY_FACES) for name in basemap.layer(layer)["name"]]
    return texts


def test_the_fallback_list_is_the_bundled_fonts():
    register_fonts()
    for face in COUNTRY_FACES + SEA_FACES:
        for path in fallback_fonts(*face):
            assert "resources/fonts/" in path.replace("\\", "/"), path


@pytest.mark.parametrize("lang", LABEL_LANGUAGES)
def test_every_label_of_an_offered_language_has_glyphs_in_the_bundled_fonts(basemap, lang):
    missing: dict[str, str] = {}
    for text, faces in basemap_label_texts(basemap, lang):
        drawable = covered(faces)
        for ch in text:
            if ch not in NOT_DRAWN and ord(ch) not in drawable:
                missing.setdefault(ch, text)
    assert not missing, f"{lang}: no glyph for " + ", ".join(
        f"{ch!r} (U+{ord(ch):04X}, in {text!r})" for ch, text in sorted(missing.items())
    )


def test_the_command_line_refuses_a_language_it_does_not_offer(tmp_path):
    out = tmp_path / "m.png"
    result = subprocess.run(
        [sys.executable, "-m", "bsr_map", "export-map", "-o", str(out), "--lang", "ko"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert "ko" not in LABEL_LANGUAGES
    assert result.returncode == 2, result.stderr
    assert "unknown --lang 'ko'" in result.stderr and ", ".join(LABEL_LANGUAGES) in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()
