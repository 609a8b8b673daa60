"""Compose a print map page: title, map, legend, numbered key, scale bar, north arrow, credits.

The map itself is drawn by the same functions as the screen
(:func:`bsr_map.render.draw_map.draw_map` and
:func:`bsr_map.render.agency_layer.draw_agencies`), so an export shows what
the user sees, at print resolution and without the screen's label cap.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Rectangle

from bsr_map.directory.taxonomy import Taxonomy
from bsr_map.export.credits import map_attribution
from bsr_map.export.page import BLEED_MM, MM_PER_INCH, PageSpec
from bsr_map.export.scale import ground_metres_per_map_metre, nice_distance_km, north_angle_deg
from bsr_map.geo.basemap import Basemap
from bsr_map.geo.mapview import MapView, agencies_extent, fit_view, home_view
from bsr_map.geo.projection import INSET_COUNTRY, REGION_EXTENT
from bsr_map.render.agency_layer import AgencyArtists, draw_agencies, legend_entries
from bsr_map.render.agg_canvas import MapCanvasAgg, canvas_renderer
from bsr_map.render.draw_map import MapArtists, draw_land, draw_map, setup_map_axes
from bsr_map.render.style import DEFAULT_STYLE, MapStyle, register_fonts

TITLE_PT, SUBTITLE_PT, PANEL_PT, CREDIT_PT = 17.0, 10.5, 7.0, 5.6
INK = "#2E2A27"


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


def _mm_box(page: PageSpec, x_mm: float, y_mm: float, w_mm: float, h_mm: float) -> tuple[float, float, float, float]:
    """Figure fractions of a box given in mm from the trim's lower-left corner."""
    sheet_w, sheet_h = page.sheet_mm
    o = page.outer_mm
    return ((x_mm + o) / sheet_w, (y_mm + o) / sheet_h, w_mm / sheet_w, h_mm / sheet_h)


def _layout(page: PageSpec, has_subtitle: bool) -> dict[str, tuple[float, float, float, float]]:
    """Boxes (mm from the trim's lower left) of title, map, side panel and credits."""
    m = page.margin_mm
    w, h = page.width_mm - 2 * m, page.height_mm - 2 * m
    title_h = 9.0 + (6.0 if has_subtitle else 0.0)
    credit_h = 6.0
    body_h = h - title_h - credit_h - 2.0
    landscape = page.width_mm >= page.height_mm
    if landscape:
        panel_w = max(52.0, 0.26 * w)
        boxes = {
            "map": (m, m + credit_h, w - panel_w - 4.0, body_h),
            "panel": (m + w - panel_w, m + credit_h, panel_w, body_h),
        }
    else:
        panel_h = max(48.0, 0.27 * body_h)
        boxes = {
            "map": (m, m + credit_h + panel_h + 3.0, w, body_h - panel_h - 3.0),
            "panel": (m, m + credit_h, w, panel_h),
        }
    boxes["title"] = (m, m + h - title_h, w, title_h)
    boxes["credits"] = (m, m, w, credit_h - 1.0)
    return boxes


def _view_for(options: MapPageOptions, agencies: gpd.GeoDataFrame, width_px: float, height_px: float) -> MapView:
    if options.extent == "view" and options.view_extent is not None:
        return fit_view(options.view_extent, width_px, height_px, margin=0.0, min_span=0.0)
    if options.extent == "fit":
        extent = agencies_extent(agencies)
        if extent is not None:
            return fit_view(extent, width_px, height_px)
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

    Parameters
    ----------
    agencies : GeoDataFrame
        The (filtered) agencies to show.
    basemap : Basemap
    taxonomy : Taxonomy
    options : MapPageOptions
    style : MapStyle

    Returns
    -------
    MapPage
    """
    register_fonts()
    style = replace(style, halo_underlay=True)  # names stay real text in PDF and SVG
    page = options.page
    fig = Figure(figsize=page.sheet_inches, dpi=options.dpi)
    MapCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    boxes = _layout(page, bool(options.subtitle))
    map_ax = fig.add_axes(_mm_box(page, *boxes["map"]))
    px_w = boxes["map"][2] / MM_PER_INCH * options.dpi
    px_h = boxes["map"][3] / MM_PER_INCH * options.dpi
    view = _view_for(options, agencies, px_w, px_h)
    # Iceland's inset belongs to a map of the whole region, or to one that shows Icelandic agencies.
    inset = options.inset and (options.extent == "region" or bool((agencies["country"] == INSET_COUNTRY).any()))
    base = draw_map(
        map_ax,
        basemap,
        view,
        style,
        lang=options.lang,
        inset=inset,
        keep_clear=np.column_stack([agencies.geometry.x, agencies.geometry.y]) if len(agencies) else None,
    )
    for spine in map_ax.spines.values():
        spine.set_visible(True)
        spine.set_edgecolor(style.frame)
        spine.set_linewidth(0.8)
    assert base.placer is not None  # draw_map always returns what its labels took
    artists = draw_agencies(
        map_ax,
        agencies,
        taxonomy,
        style,
        inset_ax=base.inset_ax,
        placer=base.placer.without_text_only(),
        legend=False,
        number_unlabelled=True,
    )
    scale_km, bar_m = _scale_bar(map_ax, view, style)
    _north_arrow(map_ax, view, style)
    panel_ax = fig.add_axes(_mm_box(page, *boxes["panel"]))
    panel_ax.set_axis_off()
    names = dict(zip(agencies["id"], agencies["name"] + " (" + agencies["city"] + ")", strict=False))
    key = [(n, names[i]) for n, i in artists.numbered]
    assert artists.in_view is not None  # draw_agencies always says which markers are in view
    outside = int(len(agencies) - np.count_nonzero(artists.in_view))
    legend_labels = _side_panel(panel_ax, agencies, taxonomy, style, key, outside)
    if options.locator:
        _locator(fig, page, boxes["panel"], basemap, view, style)
    _title(fig, page, boxes["title"], options, style)
    fig.text(
        *_mm_box(page, *boxes["credits"])[:2],
        map_attribution(options.directory_source, options.directory_date, cities=True),
        fontsize=CREDIT_PT,
        color="#6B6560",
        fontfamily=style.font_family,
        va="bottom",
        wrap=True,
    )
    if page.crop_marks:
        _crop_marks(fig, page)
    return MapPage(fig, map_ax, base, artists, legend_labels, key, outside, scale_km, bar_m, view, panel_ax)


def _title(fig: Figure, page: PageSpec, box, options: MapPageOptions, style: MapStyle) -> None:
    x, y, _, h = _mm_box(page, *box)
    fig.text(
        x, y + h, options.title, fontsize=TITLE_PT, fontweight="bold", color=INK, va="top", fontfamily=style.font_family
    )
    if options.subtitle:
        fig.text(
            x, y, options.subtitle, fontsize=SUBTITLE_PT, color="#5A544E", va="bottom", fontfamily=style.font_family
        )


def _scale_bar(ax: Axes, view: MapView, style: MapStyle) -> tuple[float, float]:
    """A bar in kilometres, true at the map's centre, in the lower left corner."""
    xmin, ymin, xmax, ymax = view.extent
    factor = ground_metres_per_map_metre(view.cx, view.cy)
    km = nice_distance_km((xmax - xmin) * 0.22 * factor / 1000.0)
    bar_m = km * 1000.0 / factor
    x0 = xmin + (xmax - xmin) * 0.03
    y0 = ymin + (ymax - ymin) * 0.035
    height = (ymax - ymin) * 0.008
    ax.add_patch(
        Rectangle(
            (x0 - (xmax - xmin) * 0.01, y0 - height * 1.6),
            bar_m + (xmax - xmin) * 0.035,
            height * 6.2,
            facecolor="white",
            edgecolor="none",
            alpha=0.85,
            zorder=25,
        )
    )
    for i in range(4):
        ax.add_patch(
            Rectangle(
                (x0 + i * bar_m / 4, y0),
                bar_m / 4,
                height,
                facecolor=INK if i % 2 == 0 else "white",
                edgecolor=INK,
                linewidth=0.6,
                zorder=26,
            )
        )
    label = f"{km:g} km"
    for xpos, text in ((x0, "0"), (x0 + bar_m, label)):
        ax.text(
            xpos,
            y0 + height * 1.6,
            text,
            ha="center",
            va="bottom",
            fontsize=6.5,
            color=INK,
            fontfamily=style.font_family,
            zorder=27,
        )
    return km, bar_m


def _north_arrow(ax: Axes, view: MapView, style: MapStyle) -> None:
    """An arrow to true north at the map's centre, in the lower right corner."""
    angle = np.radians(north_angle_deg(view.cx, view.cy))
    aspect = ax.bbox.width / ax.bbox.height
    cx, cy = 0.965, 0.07
    length = 0.035
    dx, dy = -np.sin(angle) * length / aspect, np.cos(angle) * length
    ax.add_patch(
        FancyArrow(
            cx - dx / 2,
            cy - dy / 2,
            dx,
            dy,
            width=0.0025,
            head_width=0.012 / aspect * 1.2,
            head_length=0.014,
            length_includes_head=True,
            transform=ax.transAxes,
            color=INK,
            zorder=26,
        )
    )
    ax.text(
        cx + dx * 0.85,
        cy + dy * 0.85,
        "N",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=7,
        fontweight="bold",
        color=INK,
        fontfamily=style.font_family,
        zorder=27,
    )


def _side_panel(ax: Axes, agencies, taxonomy: Taxonomy, style: MapStyle, key, outside: int) -> list[str]:
    entries = legend_entries(agencies, taxonomy) if len(agencies) else []
    handles = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker=e.marker,
            markersize=6.5,
            markerfacecolor=e.color,
            markeredgecolor="white",
            label=e.label,
        )
        for e in entries
    ]
    if handles:
        legend = ax.legend(
            handles=handles,
            loc="upper left",
            title="Agencies: primary sector and type",
            frameon=False,
            prop={"family": style.font_family, "size": PANEL_PT},
            title_fontproperties={"family": style.font_family, "size": PANEL_PT + 1, "weight": "bold"},
            borderaxespad=0.0,
            borderpad=0.0,
            labelspacing=0.3,
            handletextpad=0.3,
            ncol=1 if ax.bbox.width < ax.bbox.height * 1.2 else 3,
            alignment="left",
        )
        renderer = canvas_renderer(ax.figure)
        top = ax.transAxes.inverted().transform((0, legend.get_window_extent(renderer).y0))[1] - 0.04
    else:
        top = 1.0
    lines = [f"{n}  {name}" for n, name in key]
    if outside:
        lines.append(f"{outside} more {'agency lies' if outside == 1 else 'agencies lie'} outside this map's extent.")
    if lines:
        ax.text(
            0,
            top,
            "Agencies shown by number" if key else "",
            transform=ax.transAxes,
            fontsize=PANEL_PT + 1,
            fontweight="bold",
            va="top",
            color=INK,
            fontfamily=style.font_family,
        )
        _columns(ax, lines, top - 0.035, style)
    return [e.label for e in entries]


def _columns(ax: Axes, lines: list[str], top: float, style: MapStyle) -> None:
    """Set the key in as many columns as the panel needs, shrinking the type if it must."""
    renderer = canvas_renderer(ax.figure)
    panel = ax.get_window_extent(renderer)
    size = PANEL_PT
    while True:
        line_px = size * 1.35 * ax.figure.dpi / 72.0
        rows = max(1, int((top * panel.height) // line_px))
        columns = -(-len(lines) // rows)
        col_w = panel.width / columns
        max_chars = max(8, int(col_w / (size * 0.52 * ax.figure.dpi / 72.0)))
        if columns <= max(1, int(panel.width // (110 * ax.figure.dpi / 72.0))) or size <= 4.5:
            break
        size -= 0.5
    for i, line in enumerate(lines):
        column, row = divmod(i, rows)
        text = line if len(line) <= max_chars else line[: max_chars - 1] + "…"
        ax.text(
            column / columns,
            top - row * line_px / panel.height,
            text,
            transform=ax.transAxes,
            fontsize=size,
            va="top",
            color=INK,
            fontfamily=style.font_family,
        )


def _locator(fig: Figure, page: PageSpec, panel_box, basemap: Basemap, view: MapView, style: MapStyle) -> None:
    """A small overview of the region with the map's extent outlined, at the panel's foot."""
    x, y, w, h = panel_box
    size = min(w, h) * 0.45
    ax = fig.add_axes(_mm_box(page, x + w - size, y, size, size))
    frame = setup_map_axes(ax, home_view(100, 100, REGION_EXTENT), style, inset=False)
    draw_land(ax, basemap, "2500m", style)
    xmin, ymin, xmax, ymax = view.extent
    ax.add_patch(
        Rectangle((xmin, ymin), xmax - xmin, ymax - ymin, fill=False, edgecolor="#C0392B", linewidth=1.0, zorder=20)
    )
    for spine in frame.ax.spines.values():
        spine.set_visible(True)
        spine.set_edgecolor(style.frame)
        spine.set_linewidth(0.6)


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
