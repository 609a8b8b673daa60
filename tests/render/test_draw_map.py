"""The renderer: what it draws onto a matplotlib figure."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bsr_map.geo.mapview import home_view
from bsr_map.render.draw_map import draw_map
from bsr_map.render.style import DEFAULT_STYLE

REGION_CAPITALS = {"Berlin", "Copenhagen", "Tallinn", "Helsinki", "Riga", "Vilnius", "Warsaw", "Stockholm", "Oslo"}


def render(basemap, width=1600, height=1000, view=None, **kwargs):
    fig = Figure(figsize=(width / 100, height / 100), dpi=100)
    canvas = FigureCanvasAgg(fig)
    artists = draw_map(fig, basemap, view, **kwargs)
    canvas.draw()
    return fig, artists, np.asarray(canvas.buffer_rgba())


def label_texts(artists):
    return {t.get_text().replace("\u200a", "") for t in artists.labels}


def test_map_has_no_ticks_or_frame_and_shows_the_view(basemap):
    view = home_view(1600, 1000)
    _, artists, _ = render(basemap, view=view)
    ax = artists.ax
    assert ax.get_xticks().size == 0 and ax.get_yticks().size == 0
    assert not any(spine.get_visible() for spine in ax.spines.values())
    assert ax.get_xlim() == pytest.approx(view.extent[0::2]) and ax.get_ylim() == pytest.approx(view.extent[1::2])


def test_pixels_show_sea_land_and_context(basemap):
    _, _, pixels = render(basemap)
    colours = {tuple(int(c) for c in px) for px in pixels[::7, ::7, :3].reshape(-1, 3)}

    def hex_rgb(h):
        return tuple(int(h[i : i + 2], 16) for i in (1, 3, 5))

    for name in ("sea", "member_land", "context_land"):
        assert hex_rgb(getattr(DEFAULT_STYLE, name)) in colours, name


def test_home_view_labels_every_region_capital_and_member_country(basemap):
    _, artists, _ = render(basemap)
    texts = label_texts(artists)
    assert texts >= REGION_CAPITALS
    assert {"GERMANY", "POLAND", "SWEDEN", "FINLAND", "NORWAY", "LATVIA", "LITHUANIA", "DENMARK"} <= texts
    assert {"Baltic Sea", "Kattegat"} <= texts


def test_labels_never_overlap(basemap):
    fig, artists, _ = render(basemap, 1280, 720)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in artists.labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)
    assert artists.hidden_labels, "a crowded overview must hide some lower-priority labels"


def test_zoomed_in_view_uses_finer_detail_and_more_cities(basemap):
    _, overview, _ = render(basemap, 1600, 1000)
    near_gdansk = home_view(1600, 1000).zoomed(6)
    from bsr_map.geo.projection import from_lonlat

    x, y = from_lonlat(18.65, 54.35)
    from dataclasses import replace

    _, zoomed, _ = render(basemap, 1600, 1000, view=replace(near_gdansk, cx=x, cy=y))
    assert overview.lod == "2500m" and zoomed.lod == "250m"
    assert {"Gdańsk", "Gdynia"} <= label_texts(zoomed)


@pytest.mark.parametrize(
    ("lang", "germany", "sea"),
    [
        ("de", "DEUTSCHLAND", "Ostsee"),
        ("pl", "NIEMCY", "Morze Bałtyckie"),
        ("ru", "ГЕРМАНИЯ", "Балтийское море"),
        ("ja", "ドイツ", "バルト海"),
        ("local", "DEUTSCHLAND", "Östersjön"),
    ],
)
def test_label_language(basemap, lang, germany, sea):
    _, artists, _ = render(basemap, lang=lang)
    texts = {t.replace("\n", " ") for t in label_texts(artists)}
    assert germany in texts and sea in texts


def test_unknown_language_is_refused(basemap):
    with pytest.raises(ValueError, match="xx"):
        render(basemap, lang="xx")


def test_iceland_inset_is_drawn_in_its_own_projection(basemap):
    _, artists, _ = render(basemap)
    inset = artists.inset_ax
    assert inset is not None
    box = inset.get_position()
    assert box.x0 < 0.1 and box.y1 > 0.9  # upper left corner
    texts = {t.get_text().replace("\u200a", "") for t in inset.texts}
    assert "ICELAND" in texts and any(t.get_text() == "Reykjavík" for t in inset.texts)


def test_cached_text_outlines_draw_the_same_pixels_as_matplotlib(basemap):
    """The map canvas remembers label outlines; the pixels must be exactly what matplotlib draws without it."""
    from bsr_map.render.agg_canvas import CachedTextToPath, MapCanvasAgg

    CachedTextToPath._outlines.clear()
    _, artists, plain = render(basemap)  # matplotlib's own canvas
    assert artists.labels and not CachedTextToPath._outlines
    images = []
    for _ in range(2):  # the first draw fills the cache, the second draws from it
        fig = Figure(figsize=(16, 10), dpi=100)
        canvas = MapCanvasAgg(fig)
        draw_map(fig, basemap)
        canvas.draw()
        images.append(np.asarray(canvas.buffer_rgba()).copy())
    haloed = {(t.get_text(), t.get_fontsize()) for t in artists.labels if t.get_path_effects()}
    assert haloed and len(CachedTextToPath._outlines) >= len(haloed)  # drawn as outlines, from the cache
    assert np.array_equal(images[0], plain) and np.array_equal(images[1], plain)


def test_drawing_again_into_kept_axes_equals_a_fresh_drawing(basemap):
    """The window redraws each view into the same axes: nothing of the previous view may remain."""
    first = home_view(1600, 1000)
    second = first.zoomed(2.0, 1100, 300)
    fig = Figure(figsize=(16, 10), dpi=100)
    canvas = FigureCanvasAgg(fig)
    kept = draw_map(fig, basemap, first)
    canvas.draw()
    again = draw_map(kept.frame, basemap, second)
    canvas.draw()
    _, fresh, pixels = render(basemap, view=second)
    assert again.ax is kept.ax and again.inset_ax is kept.inset_ax and len(fig.axes) == 1  # no new axes
    assert label_texts(again) == label_texts(fresh)
    assert np.array_equal(np.asarray(canvas.buffer_rgba()), pixels)
    with pytest.raises(ValueError, match="inset"):
        draw_map(kept.frame, basemap, second, inset=False)
