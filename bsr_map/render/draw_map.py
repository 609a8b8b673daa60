"""Draw the Baltic Sea Region map onto a matplotlib figure.

This is the one renderer of the application: the Qt canvas shows the figure it
draws, and exports save it. It never uses pyplot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.text import Text

from bsr_map.geo.basemap import Basemap, lod_for_resolution
from bsr_map.geo.mapview import MapView, home_view
from bsr_map.geo.projection import INSET_CRS, INSET_FRAME, MAP_CRS, from_lonlat, to_lonlat
from bsr_map.render.agg_canvas import MapCanvasAgg, canvas_renderer
from bsr_map.render.basemap_labels import (
    CAPITAL_LABEL_DISTANCES,
    add_halo,
    capital_markers,
    draw_basemap_labels,
    label_name,
    spaced_caps,
)
from bsr_map.render.geometry_paths import line_path, polygon_paths
from bsr_map.render.labels import LabelPlacer, ring_positions
from bsr_map.render.languages import LABEL_LANGUAGES  # also imported from here by the command line
from bsr_map.render.marker_layout import marker_area, marker_footprints
from bsr_map.render.style import DEFAULT_STYLE, MapStyle, register_fonts

#: Height of the Iceland inset as a share of the map's height.
INSET_HEIGHT = 0.2


@dataclass
class MapArtists:
    """What :func:`draw_map` drew, for callers that inspect or update it."""

    ax: Axes
    inset_ax: Axes | None
    lod: str
    labels: list[Text] = field(default_factory=list)
    hidden_labels: list[str] = field(default_factory=list)
    placer: LabelPlacer | None = None  # what is taken, for layers labelled on top
    frame: MapFrame | None = None  # the axes, to draw the next view into
    inset_placer: LabelPlacer | None = None  # what is taken in the inset
    #: Labels not placed yet (``minor_labels=False``): :func:`draw_minor_labels` places them.
    pending: dict = field(default_factory=dict)


def draw_map(
    target: Figure | Axes | MapFrame,
    basemap: Basemap,
    view: MapView | None = None,
    style: MapStyle = DEFAULT_STYLE,
    *,
    lang: str = "en",
    inset: bool = True,
    labels: bool = True,
    keep_clear: np.ndarray | None = None,
    reserved: Sequence[tuple[float, float, float, float]] = (),
    minor_labels: bool = True,
) -> MapArtists:
    """Draw the basemap onto ``target``.

    Parameters
    ----------
    target : Figure, Axes or MapFrame
        A figure (an axes filling it is added), an existing axes, or the
        frame of an earlier call, emptied and drawn again (faster: a window
        redrawing its map keeps its axes).
    basemap : Basemap
        The loaded basemap layers.
    view : MapView, optional
        What to show; the whole region when omitted. Its ``width`` and
        ``height`` give the aspect; the level of detail follows the axes' real
        size in device pixels.
    style : MapStyle
        Colours, line weights and fonts; ``style.scaled(f)`` draws every text,
        line and symbol ``f`` times larger (a touch screen, a poster).
    lang : str
        Label language, one of :data:`~bsr_map.render.languages.LABEL_LANGUAGES`.
    inset : bool
        Draw the Iceland inset in the upper left corner.
    labels : bool
        Draw country, sea and city labels.
    keep_clear : ndarray of shape (n, 2), optional
        Map points (EPSG:3035) of agency markers drawn on top later: labels
        keep clear of the markers as :func:`~bsr_map.render.agency_layer.draw_agencies`
        will draw them (spread apart where they share a place, Icelandic ones
        in the inset). Ignored beyond 2,000 points.
    reserved : sequence of (x0, y0, x1, y1)
        Display boxes labels must not cover: furniture drawn over the map
        (a legend, a scale bar), in display pixels.
    minor_labels : bool
        Also place the minor labels (seas, other towns, the neighbours). A
        page leaves them for after the agencies' names, with
        :func:`draw_minor_labels`; the region's countries and capitals always
        come first.

    Returns
    -------
    MapArtists
    """
    if lang not in LABEL_LANGUAGES:
        raise ValueError(f"Unknown label language {lang!r}; choose one of {', '.join(LABEL_LANGUAGES)}")
    if isinstance(target, MapFrame):
        if (target.inset_ax is not None) != inset:
            raise ValueError("The frame to draw again must have the Iceland inset if and only if inset=True")
        frame = clear_map_frame(target, view)
    else:
        frame = setup_map_axes(target, view, style, inset=inset)
    ax, lod = frame.ax, lod_for_resolution(frame.metres_per_pixel)
    draw_land(ax, basemap, lod, style)
    renderer = canvas_renderer(ax.figure)
    box = ax.get_window_extent(renderer)
    placer = LabelPlacer(renderer, limits=(box.x0, box.y0, box.x1, box.y1), padding=_padding(ax, style))
    placer.reserve_boxes(reserved)
    inset_placer = None
    if frame.inset_ax is not None:
        inset_box = frame.inset_ax.get_window_extent(renderer)
        placer.reserve(inset_box.x0, inset_box.y0, inset_box.x1, inset_box.y1)
        inset_placer = LabelPlacer(
            renderer, limits=(inset_box.x0, inset_box.y0, inset_box.x1, inset_box.y1), padding=placer.padding
        )
        placer.inset = inset_placer
    if keep_clear is not None and 0 < len(keep_clear) <= 2000:
        _keep_clear(ax, frame.inset_ax, np.asarray(keep_clear, dtype=float), style, placer, inset_placer)
    artists = MapArtists(ax=ax, inset_ax=frame.inset_ax, lod=lod, placer=placer, frame=frame, inset_placer=inset_placer)
    if frame.inset_ax is not None:
        _draw_inset(frame.inset_ax, basemap, style, lang, inset_placer if labels else None)
    if labels:
        tiers = ("major", "minor") if minor_labels else ("major",)
        draw_basemap_labels(ax, basemap, lod, style, lang, frame.metres_per_pixel, placer, artists, tiers=tiers)
        if not minor_labels:
            artists.pending = {"basemap": basemap, "style": style, "lang": lang, "mpp": frame.metres_per_pixel}
    return artists


def draw_minor_labels(artists: MapArtists, placer: LabelPlacer | None = None) -> None:
    """Place the labels :func:`draw_map` left out with ``minor_labels=False``.

    Parameters
    ----------
    artists : MapArtists
        What :func:`draw_map` returned; receives the labels placed.
    placer : LabelPlacer, optional
        What is taken by now (the agencies' markers and names); the basemap's own placer by default.
    """
    if not artists.pending:
        return
    pending, artists.pending = artists.pending, {}
    draw_basemap_labels(
        artists.ax,
        pending["basemap"],
        artists.lod,
        pending["style"],
        pending["lang"],
        pending["mpp"],
        placer or artists.placer,  # type: ignore[arg-type]  # draw_map always makes one
        artists,
        tiers=("minor",),
    )


def _padding(ax: Axes, style: MapStyle) -> float:
    """The gap kept around labels: 2 px on a 100-dpi screen, the same share of a point elsewhere."""
    return 1.44 * style.size_scale * ax.figure.dpi / 72.0


def _keep_clear(ax: Axes, inset_ax: Axes | None, points, style: MapStyle, placer, inset_placer) -> None:
    """Reserve, for text only, the boxes agency markers at ``points`` will cover (map and inset)."""
    area = marker_area(len(points), style)
    dpi = ax.figure.dpi
    placer.reserve_boxes(marker_footprints(ax.transData.transform(points), area, dpi), text_only=True)
    if inset_ax is None or inset_placer is None:
        return
    lon, lat = to_lonlat(points[:, 0], points[:, 1], MAP_CRS)
    ix, iy = from_lonlat(lon, lat, INSET_CRS)
    xmin, ymin, xmax, ymax = INSET_FRAME
    inside = (np.asarray(ix) >= xmin) & (np.asarray(ix) <= xmax) & (np.asarray(iy) >= ymin) & (np.asarray(iy) <= ymax)
    if inside.any():
        xy = inset_ax.transData.transform(np.column_stack([np.asarray(ix)[inside], np.asarray(iy)[inside]]))
        inset_placer.reserve_boxes(marker_footprints(xy, area, dpi), text_only=True)


@dataclass
class MapFrame:
    """Axes set up for a view: the main map and the optional Iceland inset."""

    ax: Axes
    inset_ax: Axes | None
    view: MapView
    metres_per_pixel: float  # ground size of one device pixel


def setup_map_axes(
    target: Figure | Axes,
    view: MapView | None = None,
    style: MapStyle = DEFAULT_STYLE,
    *,
    inset: bool = True,
    transparent: bool = False,
) -> MapFrame:
    """Prepare map axes (and the inset's) for ``view`` without drawing content.

    :func:`draw_map` draws the basemap into them; layers drawn separately, such
    as the agencies over a cached basemap, use the same call with
    ``transparent=True`` so they line up exactly.

    Parameters
    ----------
    target : Figure or Axes
    view : MapView, optional
        The whole region when omitted.
    style : MapStyle
    inset : bool
        Add the Iceland inset axes in the upper left corner.
    transparent : bool
        Leave the background unpainted (for an overlay).

    Returns
    -------
    MapFrame
    """
    register_fonts()
    ax = _prepare_axes(target, style, transparent)
    figure = _root_figure(ax)
    if not hasattr(figure.canvas, "get_renderer"):
        MapCanvasAgg(figure)
    px_w, px_h = _axes_pixel_size(ax)
    inset_ax = _add_inset_axes(ax, style, px_w, px_h, transparent) if inset else None
    return _aim(ax, inset_ax, view)


def clear_map_frame(frame: MapFrame, view: MapView | None = None) -> MapFrame:
    """Remove everything drawn in ``frame``'s axes and point them at ``view``.

    Creating matplotlib axes costs more than drawing a view's labels, so a
    window keeps its axes and draws each new view into them.

    Parameters
    ----------
    frame : MapFrame
        Axes from :func:`setup_map_axes` (or an earlier :func:`draw_map`).
    view : MapView, optional
        The whole region when omitted.

    Returns
    -------
    MapFrame
        The same axes, set up for ``view``.
    """
    for ax in (frame.ax, frame.inset_ax):
        if ax is not None:
            for artist in [*ax.collections, *ax.texts, *ax.images, *ax.patches, *ax.lines]:
                artist.remove()
    return _aim(frame.ax, frame.inset_ax, view)


def _aim(ax: Axes, inset_ax: Axes | None, view: MapView | None) -> MapFrame:
    """Set the map axes' limits to ``view`` (the whole region when None); the frame for that view."""
    px_w, px_h = _axes_pixel_size(ax)
    if view is None:
        view = home_view(px_w, px_h)
    xmin, ymin, xmax, ymax = view.extent
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    return MapFrame(ax, inset_ax, view, (xmax - xmin) / max(px_w, 1.0))


def _prepare_axes(target: Figure | Axes, style: MapStyle, transparent: bool = False) -> Axes:
    ax = target.add_axes((0.0, 0.0, 1.0, 1.0)) if isinstance(target, Figure) else target
    ax.set_facecolor("none" if transparent else style.sea)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_aspect("auto")
    ax.set_autoscale_on(False)
    return ax


def _root_figure(ax: Axes) -> Figure:
    figure = ax.get_figure(root=True)
    assert figure is not None  # the axes were made on a figure
    return figure


def _axes_pixel_size(ax: Axes) -> tuple[float, float]:
    bbox = ax.get_position()
    figure = _root_figure(ax)
    fig_w, fig_h = figure.get_size_inches() * figure.dpi
    return bbox.width * fig_w, bbox.height * fig_h


def draw_land(ax: Axes, basemap: Basemap, lod: str, style: MapStyle = DEFAULT_STYLE, *, prefix: str = "") -> None:
    """Draw countries, administrative lines, lakes and borders (bottom to top) at one level of detail.

    ``prefix="inset_"`` draws the Iceland inset's layers instead of the main map's.
    """
    countries = basemap.layer(f"{prefix}countries", lod)
    paths = basemap.derived(f"{prefix}countries_{lod}", lambda: polygon_paths(countries.geometry.values))
    fills = [style.land_colour(role) for role in countries["role"]]
    ax.add_collection(
        # Mitred joins: at half a point they look the same as round ones and draw faster.
        PathCollection(
            paths, facecolors=fills, edgecolors=style.coast, linewidths=style.coast_width, zorder=1, joinstyle="miter"
        ),
        autolim=False,
    )
    if not prefix:
        admin1 = basemap.derived(f"admin1_{lod}", lambda: line_path(basemap.layer("admin1", lod).geometry.values))
        _add_lines(ax, admin1, edgecolors=style.admin1, linewidths=style.admin1_width, zorder=2)
    lakes = basemap.derived(
        f"{prefix}lakes_{lod}", lambda: polygon_paths(basemap.layer(f"{prefix}lakes", lod).geometry.values)
    )
    if lakes:
        ax.add_collection(
            PathCollection(
                lakes,
                facecolors=style.sea,
                edgecolors=style.coast,
                linewidths=style.lake_edge_width,
                zorder=3,
                joinstyle="miter",
            ),
            autolim=False,
        )
    if not prefix:
        borders = basemap.derived(f"borders_{lod}", lambda: line_path(basemap.layer("borders", lod).geometry.values))
        _add_lines(ax, borders, edgecolors=style.border_halo, linewidths=style.border_width * 2.6, alpha=0.8, zorder=4)
        _add_lines(ax, borders, edgecolors=style.border, linewidths=style.border_width, zorder=4.1)


def _add_lines(ax: Axes, path, **props) -> None:
    # A collection with autolim=False: add_patch would measure the whole path for data limits.
    lines = PathCollection([path], facecolors="none", capstyle="round", joinstyle="round", **props)
    ax.add_collection(lines, autolim=False)


def _add_inset_axes(ax: Axes, style: MapStyle, px_w: float, px_h: float, transparent: bool) -> Axes:
    xmin, ymin, xmax, ymax = INSET_FRAME
    height_px = INSET_HEIGHT * px_h
    width_px = height_px * (xmax - xmin) / (ymax - ymin)
    margin_px = 0.015 * min(px_w, px_h)
    inset_ax = ax.inset_axes(
        (margin_px / px_w, 1.0 - (height_px + margin_px) / px_h, width_px / px_w, height_px / px_h), zorder=20
    )
    inset_ax.set_facecolor("none" if transparent else style.sea)
    inset_ax.set_xticks([])
    inset_ax.set_yticks([])
    for spine in inset_ax.spines.values():
        spine.set_visible(not transparent)
        spine.set_edgecolor(style.frame)
        spine.set_linewidth(style.pt(0.8))
    inset_ax.set_xlim(xmin, xmax)
    inset_ax.set_ylim(ymin, ymax)
    inset_ax.set_autoscale_on(False)
    return inset_ax


def _draw_inset(inset_ax: Axes, basemap: Basemap, style: MapStyle, lang: str, placer: LabelPlacer | None) -> None:
    xmin, _, xmax, _ = INSET_FRAME
    width_px = inset_ax.get_window_extent().width
    lod = lod_for_resolution((xmax - xmin) / max(width_px, 1.0))
    draw_land(inset_ax, basemap, lod, style, prefix="inset_")
    if placer is None:
        return
    country = basemap.layer("inset_countries", lod).iloc[0]
    name = inset_ax.text(
        0.5,
        0.06,
        spaced_caps(label_name(country, lang)),
        transform=inset_ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=style.country_font_size - style.pt(1),
        fontweight="bold",
        fontfamily=style.font_family,
        color=style.country_label,
        zorder=7,
        parse_math=False,
        gid="label",
    )
    if not placer.place(name, keep=True):
        box = name.get_window_extent(placer.renderer)
        placer.reserve(box.x0, box.y0, box.x1, box.y1)  # the country's name stays; the capital's gives way
    positions = ring_positions([style.pt(d) for d in CAPITAL_LABEL_DISTANCES])
    for _, city in basemap.layer("inset_cities").iterrows():
        x, y = city.geometry.x, city.geometry.y
        px, py = inset_ax.transData.transform((x, y))
        r = style.pt(3.4) * inset_ax.figure.dpi / 72.0
        placer.reserve(px - r, py - r, px + r, py + r)
        label = inset_ax.annotate(
            city["name"],
            (x, y),
            xytext=positions[0][:2],
            textcoords="offset points",
            fontsize=style.capital_font_size,
            fontweight="bold",
            fontfamily=style.font_family,
            color=style.city_label,
            zorder=8,
            annotation_clip=False,
            parse_math=False,
            gid="label",
        )
        if placer.place(label, positions):
            capital_markers(inset_ax, [x], [y], style)
            add_halo(label, style, style.pt(2.4))
        else:
            placer.unreserve_last_symbol()
