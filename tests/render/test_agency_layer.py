"""Agency markers, labels and legend drawn by the core renderer."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bsr_map.directory import load_directory, load_taxonomy
from bsr_map.render.agency_layer import TYPE_MARKERS, draw_agencies, spread_colocated
from bsr_map.render.draw_map import draw_map


def draw(basemap, agencies, **kwargs):
    fig = Figure(figsize=(14, 9), dpi=100)
    FigureCanvasAgg(fig)
    base = draw_map(fig, basemap)
    artists = draw_agencies(base.ax, agencies, load_taxonomy(), inset_ax=base.inset_ax, placer=base.placer, **kwargs)
    fig.canvas.draw()
    return fig, base, artists


def test_markers_are_coloured_by_primary_sector_and_shaped_by_type(basemap):
    directory = load_directory()
    _fig, base, artists = draw(basemap, directory)
    taxonomy = load_taxonomy()
    collections = [c for ax in (base.ax, base.inset_ax) for c in ax.collections if c.get_zorder() == 10]
    assert sum(len(c.get_offsets()) for c in collections) == len(directory)
    colours = {tuple(np.round(fc, 3)) for c in collections for fc in c.get_facecolors()}
    from matplotlib.colors import to_rgba

    expected = {tuple(np.round(to_rgba(taxonomy.sectors[s[0]].color), 3)) for s in directory.sectors}
    assert colours == expected
    assert set(artists.legend_types) == set(directory["type"]) and set(TYPE_MARKERS) >= set(artists.legend_types)


def test_legend_lists_exactly_the_sectors_on_the_map(basemap):
    directory = load_directory()
    subset = directory[directory.country == "LV"]
    _, _, artists = draw(basemap, subset)
    taxonomy = load_taxonomy()
    primary = {s[0] for s in subset.sectors}
    assert set(artists.legend_sectors) == primary
    texts = {t.get_text() for t in artists.legend.get_texts()}
    assert {taxonomy.sectors.label(c) for c in primary} <= texts
    assert not {taxonomy.sectors.label(c) for c in set(taxonomy.sectors.codes) - primary} & texts


def test_agency_labels_never_overlap_and_the_selected_one_always_shows(basemap):
    directory = load_directory()
    fig, base, artists = draw(basemap, directory, selected_id="se-kista-science-city")
    assert "se-kista-science-city" in artists.labelled
    renderer = fig.canvas.get_renderer()
    texts = [t for t in base.ax.texts if t.get_zorder() == 13]
    boxes = [t.get_window_extent(renderer) for t in texts]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    # every agency is either labelled or listed as not labelled, never both
    assert sorted(artists.labelled + artists.unlabelled) == sorted(directory.id)


def test_icelandic_agencies_are_drawn_in_the_inset(basemap):
    directory = load_directory()
    _, base, artists = draw(basemap, directory[directory.country == "IS"])
    inset_points = sum(len(c.get_offsets()) for c in base.inset_ax.collections if c.get_zorder() == 10)
    assert inset_points == 2
    bbox = base.inset_ax.get_window_extent()
    assert all(bbox.contains(x, y) for x, y in artists.display_xy)


def test_colocated_markers_are_spread_apart():
    points = np.array([[100.0, 100.0], [100.0, 100.0], [100.0, 100.0], [300.0, 300.0]])
    spread = spread_colocated(points, 6.0)
    assert np.allclose(spread[3], points[3])
    distances = [np.hypot(*(spread[i] - spread[j])) for i in range(3) for j in range(i + 1, 3)]
    assert min(distances) > 8.0


def test_without_the_inset_icelandic_agencies_are_not_drawn_in_the_sea(basemap):
    directory = load_directory()
    fig = Figure(figsize=(8, 6), dpi=100)
    FigureCanvasAgg(fig)
    base = draw_map(fig, basemap, inset=False)
    artists = draw_agencies(base.ax, directory, load_taxonomy(), inset_ax=None, placer=base.placer)
    iceland = (directory["country"] == "IS").to_numpy()
    assert not artists.in_view[iceland].any() and artists.in_view[~iceland].all()
    drawn = sum(len(c.get_offsets()) for c in base.ax.collections if c.get_zorder() == 10)
    assert drawn == (~iceland).sum()


def test_the_selected_label_shows_without_overlap_where_there_is_room(basemap):
    directory = load_directory()
    for agency_id, crowded in (("fi-businessoulu", False), ("de-berlin-partner", True)):
        fig, base, artists = draw(basemap, directory, selected_id=agency_id)
        name = directory.set_index("id").loc[agency_id, "name"]
        renderer = fig.canvas.get_renderer()
        selected = next(t for t in base.ax.texts if t.get_text() == name and t.get_zorder() == 13)
        box = selected.get_window_extent(renderer)
        others = [t.get_window_extent(renderer) for t in artists_texts(base) if t is not selected]
        assert agency_id in artists.labelled  # the selected agency's label always shows
        if not crowded:
            assert not any(box.overlaps(o) for o in others)


def artists_texts(base):
    return [t for t in base.ax.texts if t.get_zorder() in (7, 8, 13) and t.get_text()]


def test_markers_either_side_of_a_grid_edge_are_spread_too():
    points = np.array([[11.99, 50.0], [12.01, 50.0]])  # 0.02 px apart, across a 6-px cell edge
    spread = spread_colocated(points, 6.0)
    assert np.hypot(*(spread[0] - spread[1])) > 8.0


def test_markers_are_visible_in_the_pixels_at_their_places(basemap):
    """Each agency's marker shows its sector's colour where the map says it is (a symbol as big as intended)."""
    from matplotlib.colors import to_rgba

    directory = load_directory()
    fig, _, artists = draw(basemap, directory, labels=False)
    pixels = np.asarray(fig.canvas.buffer_rgba())[:, :, :3].astype(int)
    taxonomy = load_taxonomy()
    height = pixels.shape[0]
    checked = 0
    for (x, y), inside, sectors in zip(artists.display_xy, artists.in_view, directory.sectors, strict=False):
        if not inside:
            continue
        colour = np.round(np.array(to_rgba(taxonomy.sectors[sectors[0]].color)[:3]) * 255)
        row, col = round(height - y), round(x)
        patch = pixels[row - 1 : row + 2, col - 1 : col + 2].reshape(-1, 3)
        assert (np.abs(patch - colour).max(axis=1) <= 40).sum() >= 5, (sectors[0], x, y)  # most of a 3x3 patch
        checked += 1
    assert checked == len(directory)
