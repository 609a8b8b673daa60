"""Cartographic checks of composed pages and the screen view, measured on the artists.

Overlaps are measured as display boxes of the drawn texts, markers and
furniture (tests/render/layout_geometry.py); colours as CIEDE2000; the north
arrow's angle against pyproj at the arrow's own position.
"""

from __future__ import annotations

import itertools
import math
import subprocess

import numpy as np
import pytest
from matplotlib.figure import Figure

from bsr_map.directory import load_directory, load_taxonomy
from bsr_map.export.map_export import export_map
from bsr_map.export.map_page import MapPageOptions, compose_map_page
from bsr_map.export.page import page_spec
from bsr_map.geo.projection import from_lonlat, to_lonlat
from bsr_map.render.agency_layer import draw_agencies
from bsr_map.render.agency_legend import TYPE_LEGEND_GREY, TYPE_MARKERS, base_legend_entries
from bsr_map.render.agg_canvas import MapCanvasAgg
from bsr_map.render.colour_difference import colour_difference, delta_e_2000
from bsr_map.render.draw_map import draw_map
from bsr_map.render.point_symbols import marker_path
from bsr_map.render.style import DEFAULT_STYLE
from tests.render.layout_geometry import key_overlaps, label_boxes, overlaps

TEN = {"DK", "EE", "FI", "DE", "IS", "LV", "LT", "NO", "PL", "SE"}


@pytest.fixture(scope="module")
def directory():
    return load_directory()


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


def maritime(directory):
    return directory[directory.sectors.apply(lambda s: "maritime" in s)]


PAGES = {
    "A4": lambda d: (MapPageOptions(page_spec("A4", "landscape"), dpi=100), d),
    "A3 with locator": lambda d: (MapPageOptions(page_spec("A3", "landscape"), dpi=100, locator=True), d),
    "filtered": lambda d: (
        MapPageOptions(page_spec("A4", "portrait"), dpi=100, extent="fit", sectors={"maritime"}),
        maritime(d),
    ),
    "poster": lambda d: (MapPageOptions(page_spec(custom_mm=(1000, 700)), dpi=40), d),
}


@pytest.fixture(scope="module")
def pages(basemap, directory, taxonomy):
    out = {}
    for name, make in PAGES.items():
        options, agencies = make(directory)
        page = compose_map_page(agencies, basemap, taxonomy, options)
        page.figure.canvas.draw()
        out[name] = page
    return out


def screen_view(basemap, directory, taxonomy, style=DEFAULT_STYLE):
    """The window's two layers (basemap, then agencies over it) drawn as the canvas draws them, in one figure."""
    fig = Figure(figsize=(16, 10), dpi=100)
    MapCanvasAgg(fig)
    base = draw_map(fig, basemap, style=style, keep_clear=np.column_stack([directory.geometry.x, directory.geometry.y]))
    renderer = fig.canvas.get_renderer()
    agencies = draw_agencies(
        base.ax,
        directory,
        taxonomy,
        style,
        inset_ax=base.inset_ax,
        placer=base.placer.copy_for(renderer),
        inset_placer=base.inset_placer.copy_for(renderer),
        max_labels=60,
    )
    fig.canvas.draw()
    return fig, base, agencies


@pytest.mark.parametrize("name", list(PAGES))
def test_no_label_covers_a_label_a_marker_or_furniture_on_the_page(pages, name):
    page = pages[name]
    assert len(label_boxes(page.figure)) > 40
    assert overlaps(page.figure, page.base.inset_ax) == []
    assert key_overlaps(page.figure) == []
    assert not page.agencies.crowded_numbers


def test_no_label_covers_a_label_a_marker_or_furniture_on_screen(basemap, directory, taxonomy):
    fig, base, agencies = screen_view(basemap, directory, taxonomy)
    assert agencies.legend is not None and len(agencies.labelled) > 20
    assert overlaps(fig, base.inset_ax) == []


def test_touch_screen_sizes_scale_labels_and_markers_without_overlaps(basemap, directory, taxonomy):
    fig, base, agencies = screen_view(basemap, directory, taxonomy, DEFAULT_STYLE.scaled(1.5))
    sizes = {c.get_sizes()[0] for c, _ in agencies.markers}
    assert sizes == {70.0 * 1.5**2}
    assert overlaps(fig, base.inset_ax) == []


def test_labels_are_inside_the_map(pages):
    for page in pages.values():
        frame = page.map_ax.get_window_extent()
        for text, box, ax in label_boxes(page.figure):
            if ax is page.map_ax:
                assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, text


def names_of(page):
    return {t.replace("\u200a", "") for t, _, _ in label_boxes(page.figure)}


@pytest.mark.parametrize("name", ["A4", "A3 with locator", "poster"])
def test_the_ten_countries_and_their_capitals_are_labelled_with_all_agencies_shown(pages, basemap, name):
    names = names_of(pages[name])
    countries = basemap.layer("countries", "full")
    expected = {n.upper() for n in countries[countries.iso_a2.isin(TEN)].name_en}
    expected |= {n.upper() for n in basemap.layer("inset_countries", "full").name_en}
    cities = basemap.layer("cities")
    capitals = set(cities[cities.capital & cities.country.isin(TEN - {"IS"})].name)
    assert {"FINLAND", "ESTONIA", "LATVIA", "LITHUANIA", "DENMARK", "GERMANY", "ICELAND"} <= expected
    assert expected <= names, expected - names
    assert capitals | {"Reykjavík"} <= names, capitals - names


def test_far_neighbours_do_not_take_the_place_of_the_region(pages):
    names = names_of(pages["A4"])
    assert not {"Kazan", "Ufa", "Sarajevo"} & names


def test_city_districts_are_never_towns(basemap, pages):
    districts = {"Kalininskiy", "Wandsbek", "Altona", "Neukölln", "Kreuzberg", "Mokotów", "Lasnamäe"}
    assert not districts & set(basemap.layer("cities").name)
    assert {"Hamburg", "Berlin", "Warsaw", "Tallinn", "Espoo", "Gdynia", "Malmö"} <= set(basemap.layer("cities").name)
    zoomed = compose_map_page(
        load_directory().iloc[:0],
        basemap,
        load_taxonomy(),
        MapPageOptions(page_spec("A4", "landscape"), dpi=100, extent="view", view_extent=_around(10.0, 53.55, 40_000)),
    )
    assert "Hamburg" in names_of(zoomed) and not districts & names_of(zoomed)


def _around(lon, lat, half):
    x, y = from_lonlat(lon, lat)
    return (x - half, y - half, x + half, y + half)


def test_numbered_agencies_keep_their_type_shape_and_sector_colour(pages, directory, taxonomy):
    page = pages["A4"]
    numbered = {agency_id for _, agency_id in page.agencies.numbered}
    by_id = directory.set_index("id")
    assert len(numbered) > 10
    assert {by_id.loc[i, "type"] for i in numbered} >= {"national_agency", "regional_agency", "city_agency"}
    for collection, ids in page.agencies.markers:
        for agency_id, colour in zip(ids, collection.get_facecolors(), strict=True):
            row = by_id.loc[agency_id]
            assert np.array_equal(collection.get_paths()[0].vertices, marker_path(TYPE_MARKERS[row["type"]]).vertices)
            from matplotlib.colors import to_rgba

            assert np.allclose(colour, to_rgba(taxonomy.sectors[row["sectors"][0]].color))
    # No circle is drawn over a numbered marker: every symbol above the markers is text.
    assert not [c for c in page.map_ax.collections if c.get_zorder() > 12 and c.get_gid() != "marker"]


def test_a_sector_filter_colours_markers_by_the_filtered_sector(pages, taxonomy):
    from matplotlib.colors import to_rgba

    page = pages["filtered"]
    colours = {tuple(fc) for c, _ in page.agencies.markers for fc in c.get_facecolors()}
    assert colours == {to_rgba(taxonomy.sectors["maritime"].color)}
    sector_labels = {taxonomy.sectors.label(c) for c in taxonomy.sectors.codes}
    assert [label for label in page.legend_labels if label in sector_labels] == ["Maritime & offshore"]


def test_ciede2000_matches_sharma_reference_pairs():
    assert delta_e_2000((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert delta_e_2000((50.0, 2.5, 0.0), (73.0, 25.0, -18.0)) == pytest.approx(27.1492, abs=1e-4)
    assert delta_e_2000((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514)) == pytest.approx(0.9082, abs=1e-4)


def _legend_classes(taxonomy):
    classes = {e.label: e.color for e in base_legend_entries(DEFAULT_STYLE)}
    classes["Other countries"] = DEFAULT_STYLE.context_land
    classes["Agency type (shape)"] = TYPE_LEGEND_GREY
    return classes, {taxonomy.sectors[c].label: taxonomy.sectors[c].color for c in taxonomy.sectors.codes}


def test_map_legend_classes_differ_by_ciede2000_of_ten(taxonomy):
    own, sectors = _legend_classes(taxonomy)
    pairs = [(colour_difference(own[a], own[b]), a, b) for a, b in itertools.combinations(own, 2)] + [
        (colour_difference(own[a], sectors[b]), a, b) for a in own for b in sectors
    ]
    assert min(pairs)[0] >= 10.0, min(pairs)


def test_sector_colours_differ_by_ciede2000_of_ten(taxonomy):
    _, sectors = _legend_classes(taxonomy)
    worst = min((colour_difference(sectors[a], sectors[b]), a, b) for a, b in itertools.combinations(sectors, 2))
    assert worst[0] >= 10.0, worst


def test_member_partner_and_capital_are_in_the_page_legend(pages):
    assert {"Member state", "Partner country", "Capital"} <= set(pages["A4"].legend_labels)


def test_text_and_furniture_scale_with_the_page(pages):
    a4, poster = pages["A4"], pages["poster"]
    ratio = poster.scale / a4.scale
    assert ratio == pytest.approx(700 / 210)

    def title_pt(page):
        return next(t.get_fontsize() for t in page.figure.texts if t.get_gid() == "title")

    def arrow_pt(page):
        from matplotlib.patches import FancyArrow

        arrow = next(p for p in page.map_ax.patches if isinstance(p, FancyArrow))
        v = arrow.get_transform().transform(arrow.get_path().vertices)
        return math.dist(v[0], v[[3, 4]].mean(axis=0)) * 72 / page.figure.dpi

    def marker_pt(page):
        return math.sqrt(page.agencies.markers[0][0].get_sizes()[0])

    def label_pt(page):
        return max(t.get_fontsize() for t in page.map_ax.texts if t.get_gid() == "label")

    def key_pt(page):
        return page.key_layout[0].font_pt

    for measure in (title_pt, arrow_pt, marker_pt, label_pt, key_pt):
        assert measure(poster) / measure(a4) == pytest.approx(ratio, rel=0.02), measure.__name__


def test_north_arrow_points_to_true_north_where_it_stands(pages):
    from matplotlib.patches import FancyArrow

    for page in pages.values():
        ax = page.map_ax
        arrow = next(p for p in ax.patches if isinstance(p, FancyArrow))
        v = arrow.get_transform().transform(arrow.get_path().vertices)  # tip first, the tail's corners at 3 and 4
        tip, tail = v[0], v[[3, 4]].mean(axis=0)
        drawn = math.degrees(math.atan2(-(tip[0] - tail[0]), tip[1] - tail[1]))
        mid = ax.transData.inverted().transform((tip + tail) / 2)
        lon, lat = to_lonlat(*mid)
        north = ax.transData.transform(from_lonlat(lon, lat + 0.01))
        here = ax.transData.transform(mid)
        true = math.degrees(math.atan2(-(north[0] - here[0]), north[1] - here[1]))
        assert drawn == pytest.approx(true, abs=0.3)
        centre = ax.transData.transform((page.view.cx, page.view.cy))
        assert math.dist(centre, here) > 100  # in a corner, not at the centre


def pdf_text(path):
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_key_is_complete_and_at_least_six_points(tmp_path, basemap, directory, taxonomy):
    out = tmp_path / "a4.pdf"
    page = export_map(out, directory, basemap, taxonomy, MapPageOptions(page_spec("A4", "landscape"), dpi=100))
    words = " ".join(pdf_text(out).split())
    assert len(page.key) > 20
    for _number, name in page.key:
        assert " ".join(name.split()) in words.replace("- ", "-"), name
    sizes = [t.get_fontsize() for ax in page.figure.axes for t in ax.texts if t.get_gid() == "key"]
    assert min(sizes) >= 6.0
    assert "…" not in words


def test_dollar_signs_are_drawn_literally(tmp_path, basemap, directory, taxonomy):
    agencies = directory.copy()
    agencies.loc[agencies.index[0], "name"] = "Price $5 and $10 Agency"
    out = tmp_path / "dollars.pdf"
    export_map(out, agencies, basemap, taxonomy, MapPageOptions(page_spec("A4", "landscape"), dpi=72, title="$\\foo$"))
    words = " ".join(pdf_text(out).split())
    assert "$\\foo$" in words
    assert "Price $5 and $10 Agency" in words or "Price $5 and $10 Agency" in words.replace("\n", " ")
