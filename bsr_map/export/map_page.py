"""Compose a print map page: title, map, legend, numbered key, scale bar, north arrow, credits.

The map itself is drawn by the same functions as the screen
(:func:`bsr_map.render.draw_map.draw_map` and
:func:`bsr_map.render.agency_layer.draw_agencies`), so an export shows what
the user sees, at print resolution and without the screen's label cap.

Everything on the page is sized in points times one scale: the page's short
side over A4's (210 mm), so a poster keeps an A4 page's proportions between
text, symbols and furniture, or a scale the caller chooses for a viewing
distance. The labels are placed in one order on one set of obstacles: the
furniture and the inset first, then the region's countries and capitals, the
agencies' markers, their names and numbers, and last the minor basemap labels.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from bsr_map.directory.taxonomy import Taxonomy
from bsr_map.export.credits import map_attribution
from bsr_map.export.page import BLEED_MM, MM_PER_INCH, PageSpec
from bsr_map.geo.basemap import Basemap
from bsr_map.geo.mapview import MapView, agencies_extent, fit_view, home_view, limit_view
from bsr_map.geo.projection import INSET_COUNTRY, REGION_EXTENT
from bsr_map.render.agency_layer import AgencyArtists, base_legend_entries, draw_agencies, legend_entries
from bsr_map.render.agg_canvas import MapCanvasAgg
from bsr_map.render.draw_map import MapArtists, draw_land, draw_map, draw_minor_labels, setup_map_axes
from bsr_map.render.key_panel import KeyLayout, draw_key, draw_panel_legend
from bsr_map.render.map_furniture import Furniture, draw_north_arrow, draw_scale_bar
from bsr_map.render.style import DEFAULT_STYLE, MapStyle, register_fonts

TITLE_PT, SUBTITLE_PT, PANEL_PT, CREDIT_PT = 17.0, 10.5, 7.0, 5.6
INK = "#2E2A27"
#: The page every size is set for: A4, whose short side is this long.
REFERENCE_SHORT_SIDE_MM = 210.0


@dataclass
class MapPageOptions:
    """What to put on the page and how (the export dialog's and the CLI's choices)."""

    page: PageSpec
    dpi: int = 300
    title: str = "Investment promotion agencies of the Baltic Sea Region"
    subtitle: str = ""
    lang: str = "en"
    extent: str = "region"  # "region", "fit" (the filtered agencies) or "view" (with ``view_extent``)
    view_extent: tuple[float, float, float, float] | None = None
    inset: bool = True
    locator: bool = False
    directory_source: str = ""
    directory_date: str = ""
    #: The sector filter: markers are coloured by these sectors (empty: by each agency's primary sector).
    sectors: Collection[str] = ()
    #: Size of text, symbols and furniture relative to an A4 page; None follows the page's size.
    scale: float | None = None


@dataclass
class MapPage:
    """A composed page and what is on it, for checks and previews."""

    figure: Figure
    map_ax: Axes
    base: MapArtists
    agencies: AgencyArtists
    legend_labels: list[str]
    key: list[tuple[int, str]]  # (number, "Name (City)") of agencies shown by number
    outside: int  # filtered agencies outside the map's extent
    scale_km: float  # length of the scale bar in kilometres
    scale_bar_map_m: float  # its length in projected metres
    view: MapView
    panel_ax: Axes | None = None
    extras: dict = field(default_factory=dict)
    scale: float = 1.0  # the size of text and furniture relative to an A4 page
    north_arrow: Furniture | None = None
    scale_bar: Furniture | None = None
    key_layout: list[KeyLayout] = field(default_factory=list)  # the side panel's, then the facing one's
    facing_ax: Axes | None = None  # the key's continuation on the map's other side
    locator_ax: Axes | None = None


def page_scale(page: PageSpec) -> float:
    """Size of text and furniture for ``page``, relative to A4 (1.0): its short side over 210 mm."""
    return min(page.width_mm, page.height_mm) / REFERENCE_SHORT_SIDE_MM


def _mm_box(page: PageSpec, x_mm: float, y_mm: float, w_mm: float, h_mm: float) -> tuple[float, float, float, float]:
    """Figure fractions of a box given in mm from the trim's lower-left corner."""
    sheet_w, sheet_h = page.sheet_mm
    o = page.outer_mm
    return ((x_mm + o) / sheet_w, (y_mm + o) / sheet_h, w_mm / sheet_w, h_mm / sheet_h)


def _layout(page: PageSpec, has_subtitle: bool, scale: float, facing: float = 0.0) -> dict:
    """Boxes (mm from the trim's lower left) of title, map, side panel, facing panel and credits.

    ``facing`` is the share of the side panel's size given to a second key
    panel on the map's other side (0: none).
    """
    m = page.margin_mm
    w, h = page.width_mm - 2 * m, page.height_mm - 2 * m
    title_h = (9.0 + (6.0 if has_subtitle else 0.0)) * scale
    credit_h = 6.0 * scale
    gap = 4.0 * scale
    body_h = h - title_h - credit_h - 2.0 * scale
    boxes: dict[str, tuple[float, float, float, float]] = {}
    if page.width_mm >= page.height_mm:
        panel_w = max(52.0 * scale, 0.26 * w)
        facing_w = panel_w * facing
        left = m + (facing_w + gap if facing else 0.0)
        boxes["map"] = (left, m + credit_h, w - panel_w - gap - (facing_w + gap if facing else 0.0), body_h)
        boxes["panel"] = (m + w - panel_w, m + credit_h, panel_w, body_h)
        if facing:
            boxes["facing"] = (m, m + credit_h, facing_w, body_h)
    else:
        panel_h = max(48.0 * scale, 0.27 * body_h)
        facing_h = panel_h * facing
        top_off = facing_h + gap if facing else 0.0
        boxes["map"] = (m, m + credit_h + panel_h + gap, w, body_h - panel_h - gap - top_off)
        boxes["panel"] = (m, m + credit_h, w, panel_h)
        if facing:
            boxes["facing"] = (m, m + credit_h + body_h - facing_h, w, facing_h)
    boxes["title"] = (m, m + h - title_h, w, title_h)
    boxes["credits"] = (m, m, w, credit_h - 1.0 * scale)
    return boxes


def _view_for(options: MapPageOptions, agencies: gpd.GeoDataFrame, width_px: float, height_px: float) -> MapView:
    # A view fitted to a page of another shape than the window's may reach past the basemap: keep it inside.
    if options.extent == "view" and options.view_extent is not None:
        return limit_view(fit_view(options.view_extent, width_px, height_px, margin=0.0, min_span=0.0))
    if options.extent == "fit":
        extent = agencies_extent(agencies)
        if extent is not None:
            return limit_view(fit_view(extent, width_px, height_px))
    if options.extent not in ("region", "fit", "view"):
        raise ValueError(f"extent must be region, fit or view, not {options.extent!r}")
    return home_view(width_px, height_px, REGION_EXTENT)


def compose_map_page(
    agencies: gpd.GeoDataFrame,
    basemap: Basemap,
    taxonomy: Taxonomy,
    options: MapPageOptions,
    style: MapStyle = DEFAULT_STYLE,
) -> MapPage:
    """Lay out and draw a whole map page.

    When the numbered key does not fit beside the map, the page is laid out
    again with the key continued on the map's other side.

    Parameters
    ----------
    agencies : GeoDataFrame
        The (filtered) agencies to show.
    basemap : Basemap
    taxonomy : Taxonomy
    options : MapPageOptions
    style : MapStyle
        At A4 size; it is scaled for the page.

    Returns
    -------
    MapPage
    """
    register_fonts()
    scale = options.scale if options.scale is not None else page_scale(options.page)
    style = replace(style, halo_underlay=True).scaled(scale)  # halo copies: names stay real text in PDF and SVG
    for facing in (0.0, 1.0, 1.6, 2.4):
        page = _compose(agencies, basemap, taxonomy, options, style, scale, facing)
        if not (page.key_layout and page.key_layout[-1].overflow):
            break
    return page


def _compose(agencies, basemap, taxonomy, options: MapPageOptions, style: MapStyle, scale: float, facing: float):
    page = options.page
    fig = Figure(figsize=page.sheet_inches, dpi=options.dpi)
    MapCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    boxes = _layout(page, bool(options.subtitle), scale, facing)
    map_ax = fig.add_axes(_mm_box(page, *boxes["map"]))
    px_w = boxes["map"][2] / MM_PER_INCH * options.dpi
    px_h = boxes["map"][3] / MM_PER_INCH * options.dpi
    view = _view_for(options, agencies, px_w, px_h)
    # Iceland's inset belongs to a map of the whole region, or to one that shows Icelandic agencies.
    inset = options.inset and (options.extent == "region" or bool((agencies["country"] == INSET_COUNTRY).any()))
    xmin, ymin, xmax, ymax = view.extent
    map_ax.set_xlim(xmin, xmax)
    map_ax.set_ylim(ymin, ymax)
    scale_bar = draw_scale_bar(map_ax, view, style)
    arrow = draw_north_arrow(map_ax, style)
    base = draw_map(
        map_ax,
        basemap,
        view,
        style,
        lang=options.lang,
        inset=inset,
        keep_clear=np.column_stack([agencies.geometry.x, agencies.geometry.y]) if len(agencies) else None,
        reserved=[scale_bar.box, arrow.box],
        minor_labels=False,
    )
    for spine in map_ax.spines.values():
        spine.set_visible(True)
        spine.set_edgecolor(style.frame)
        spine.set_linewidth(style.pt(0.8))
    assert base.placer is not None  # draw_map always returns what its labels took
    placer = base.placer.without_text_only()
    artists = draw_agencies(
        map_ax,
        agencies,
        taxonomy,
        style,
        inset_ax=base.inset_ax,
        placer=placer,
        inset_placer=base.inset_placer.without_text_only() if base.inset_placer is not None else None,
        legend=False,
        number_unlabelled=True,
        sectors=options.sectors,
    )
    draw_minor_labels(base, placer)
    names = dict(zip(agencies["id"], agencies["name"] + " (" + agencies["city"] + ")", strict=False))
    key = [(n, names[i]) for n, i in artists.numbered]
    assert artists.in_view is not None  # draw_agencies always says which markers are in view
    outside = int(len(agencies) - np.count_nonzero(artists.in_view))
    panel_ax = fig.add_axes(_mm_box(page, *boxes["panel"]))
    panel_ax.set_axis_off()
    entries = legend_entries(agencies, taxonomy, sectors=options.sectors) if len(agencies) else []
    legend = base_legend_entries(style) + entries
    top = draw_panel_legend(panel_ax, legend, style, "Map key: sector (colour) and type (shape)")
    bottom = 0.0
    locator_ax = None
    if options.locator:
        locator_ax = _locator(fig, page, boxes["panel"], basemap, view, style)
        bottom = (locator_ax.get_position().y1 - panel_ax.get_position().y0) / panel_ax.get_position().height + 0.02
    note = ""
    if outside:
        note = f"{outside} more {'agency lies' if outside == 1 else 'agencies lie'} outside this map's extent."
    gap = 0.03
    layouts = [draw_key(panel_ax, key, style, top=top - gap, bottom=bottom, note=note)]
    facing_ax = None
    if "facing" in boxes and layouts[0].overflow:
        facing_ax = fig.add_axes(_mm_box(page, *boxes["facing"]))
        facing_ax.set_axis_off()
        continued = len(layouts[0].overflow) < len(key)
        heading = "Agencies shown by number (continued)" if continued else "Agencies shown by number"
        layouts.append(draw_key(facing_ax, layouts[0].overflow, style, heading=heading))
    _title(fig, page, boxes["title"], options, style)
    fig.text(
        *_mm_box(page, *boxes["credits"])[:2],
        map_attribution(options.directory_source, options.directory_date, cities=True),
        fontsize=style.pt(CREDIT_PT),
        color="#6B6560",
        fontfamily=style.font_family,
        va="bottom",
        wrap=True,
        parse_math=False,
    )
    if page.crop_marks:
        _crop_marks(fig, page)
    return MapPage(
        fig,
        map_ax,
        base,
        artists,
        [e.label for e in legend],
        key,
        outside,
        scale_bar.km,
        scale_bar.bar_map_m,
        view,
        panel_ax,
        scale=scale,
        north_arrow=arrow,
        scale_bar=scale_bar,
        key_layout=layouts,
        facing_ax=facing_ax,
        locator_ax=locator_ax,
    )


def _title(fig: Figure, page: PageSpec, box, options: MapPageOptions, style: MapStyle) -> None:
    x, y, _, h = _mm_box(page, *box)
    fig.text(
        x,
        y + h,
        options.title,
        fontsize=style.pt(TITLE_PT),
        fontweight="bold",
        color=INK,
        va="top",
        fontfamily=style.font_family,
        parse_math=False,
        gid="title",
    )
    if options.subtitle:
        fig.text(
            x,
            y,
            options.subtitle,
            fontsize=style.pt(SUBTITLE_PT),
            color="#5A544E",
            va="bottom",
            fontfamily=style.font_family,
            parse_math=False,
            gid="title",
        )


def _locator(fig: Figure, page: PageSpec, panel_box, basemap: Basemap, view: MapView, style: MapStyle) -> Axes:
    """A small overview of the region with the map's extent outlined, at the panel's foot."""
    x, y, w, h = panel_box
    size = min(w, h) * 0.45
    ax = fig.add_axes(_mm_box(page, x + w - size, y, size, size))
    frame = setup_map_axes(ax, home_view(100, 100, REGION_EXTENT), style, inset=False)
    draw_land(ax, basemap, "2500m", style)
    xmin, ymin, xmax, ymax = view.extent
    ax.add_patch(
        Rectangle(
            (xmin, ymin), xmax - xmin, ymax - ymin, fill=False, edgecolor="#C0392B", linewidth=style.pt(1.0), zorder=20
        )
    )
    for spine in frame.ax.spines.values():
        spine.set_visible(True)
        spine.set_edgecolor(style.frame)
        spine.set_linewidth(style.pt(0.6))
    ax.set_gid("locator")
    return ax


def _crop_marks(fig: Figure, page: PageSpec) -> None:
    """Lines continuing the trim's edges at each corner, in the slug outside the bleed."""
    sheet_w, sheet_h = page.sheet_mm
    o = page.outer_mm
    gap = (BLEED_MM if page.bleed else 0.0) + 1.0  # marks stay clear of the bleed
    for tx, sx in ((o, -1), (o + page.width_mm, 1)):
        for ty, sy in ((o, -1), (o + page.height_mm, 1)):
            for xs, ys in (([tx + sx * gap, tx + sx * o], [ty, ty]), ([tx, tx], [ty + sy * gap, ty + sy * o])):
                fig.add_artist(
                    Line2D(
                        [x / sheet_w for x in xs],
                        [y / sheet_h for y in ys],
                        color="black",
                        linewidth=0.3,
                        transform=fig.transFigure,
                    )
                )
