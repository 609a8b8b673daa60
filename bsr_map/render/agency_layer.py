"""Draw agencies on map axes: markers, labels and a legend of what is shown.

Markers are shaped by the agency's type and coloured by its primary (first)
sector, or, when the map is filtered by sector, by the first of its sectors
that the filter chose. Labels never overlap each other, a marker or the map's
furniture (:mod:`bsr_map.render.agency_labels`). Icelandic agencies are drawn
in the inset.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba

from bsr_map.directory.taxonomy import Taxonomy
from bsr_map.geo.projection import INSET_CRS, MAP_CRS, from_lonlat, to_lonlat
from bsr_map.render.agency_labels import MAX_LABELLED, MAX_NUMBERED, label_agencies
from bsr_map.render.agency_labels import number_unlabelled as place_numbers
from bsr_map.render.agency_legend import (
    TYPE_LEGEND_GREY,
    TYPE_MARKERS,
    TYPE_PRIORITY,
    UNKNOWN_SECTOR_GREY,
    LegendEntry,
    base_legend_entries,
    colour_sectors,
    draw_legend,
    legend_entries,
)
from bsr_map.render.agg_canvas import canvas_renderer
from bsr_map.render.labels import LabelPlacer
from bsr_map.render.marker_layout import (
    MAX_SPREAD,
    colocated_groups,
    marker_area,
    marker_radius_px,
    marker_size,
    spread_colocated,
    spread_radius_px,
)
from bsr_map.render.point_symbols import add_points
from bsr_map.render.style import DEFAULT_STYLE, MapStyle

__all__ = [
    "MAX_LABELLED",
    "MAX_NUMBERED",
    "MAX_SPREAD",
    "RASTER_THRESHOLD",
    "TYPE_LEGEND_GREY",
    "TYPE_MARKERS",
    "TYPE_PRIORITY",
    "UNKNOWN_SECTOR_GREY",
    "AgencyArtists",
    "LegendEntry",
    "base_legend_entries",
    "draw_agencies",
    "legend_entries",
    "marker_size",
    "primary_sectors",
    "sector_palette",
    "sector_rgba",
    "spread_colocated",
]

#: Above this many agencies on one axes, markers are drawn as one image of dots.
RASTER_THRESHOLD = 5_000


@dataclass
class AgencyArtists:
    """What :func:`draw_agencies` drew."""

    ids: np.ndarray  # agency ids in drawing order
    display_xy: np.ndarray  # their marker centres in display pixels (origin bottom left)
    labelled: list[str] = field(default_factory=list)  # ids whose label is shown
    unlabelled: list[str] = field(default_factory=list)  # ids in view whose label did not fit
    numbered: list[tuple[int, str]] = field(default_factory=list)  # (number, id) of agencies shown by number
    in_view: np.ndarray | None = None  # which agencies lie inside the map (or the inset)
    legend_sectors: list[str] = field(default_factory=list)
    legend_types: list[str] = field(default_factory=list)
    legend: object | None = None
    #: The vector marker collections, one per axes and type, each with its agencies' ids in offset
    #: order (none where the agencies are drawn as an image of dots).
    markers: list[tuple[PathCollection, np.ndarray]] = field(default_factory=list)
    #: Each agency's colour sector code ("" for none), as drawn.
    colour_codes: list[str] = field(default_factory=list)
    #: Numbers that found no free place and sit where they overlap something.
    crowded_numbers: list[int] = field(default_factory=list)
    #: Display boxes of the markers drawn, which labels keep clear of.
    marker_boxes: np.ndarray | None = None


def primary_sectors(agencies: gpd.GeoDataFrame) -> np.ndarray:
    """Each agency's primary (first) sector code, "" when it has none."""
    return np.array([s[0] if len(s) else "" for s in agencies["sectors"].to_numpy()], dtype=object)


def sector_palette(taxonomy: Taxonomy) -> np.ndarray:
    """RGBA rows of the sector colours in taxonomy order, then grey (row -1) for none or an unknown code."""
    colours = [taxonomy.sectors[c].color or UNKNOWN_SECTOR_GREY for c in taxonomy.sectors.codes]
    return np.array([to_rgba(c) for c in [*colours, UNKNOWN_SECTOR_GREY]], dtype=float)


def sector_rgba(primary: np.ndarray, taxonomy: Taxonomy) -> np.ndarray:
    """RGBA rows for an array of sector codes (grey for an unknown code)."""
    index = pd.Categorical(primary, categories=list(taxonomy.sectors.codes)).codes  # -1 (the grey row) for unknown
    return sector_palette(taxonomy)[index]


def _raster_markers(ax: Axes, display_xy: np.ndarray, rgba: np.ndarray) -> None:
    """Draw very many agencies as small dots in one image, as dense-point maps do.

    Tens of thousands of vector markers take Agg most of a second; stamping the
    dots into an array at device resolution takes milliseconds and looks the same.
    """
    bbox = ax.get_window_extent()
    width, height = int(np.ceil(bbox.width)), int(np.ceil(bbox.height))
    radius = max(1, round(ax.figure.dpi / 72.0))
    # Stamped into a frame two radii wider on every side, one 32-bit pixel per dot: dots whose
    # centre lies within a radius of the edge still reach in, and no offset needs a bounds check.
    pad = 2 * radius
    padded_w, padded_h = width + 2 * pad, height + 2 * pad
    image = np.zeros((padded_h, padded_w, 4), dtype=np.uint8)  # bytes, not floats: a quarter of the memory
    px = np.round(display_xy[:, 0] - bbox.x0).astype(np.intp)
    py = np.round(bbox.y1 - display_xy[:, 1]).astype(np.intp)
    near = (px >= -radius) & (px < width + radius) & (py >= -radius) & (py < height + radius)
    colours = np.ascontiguousarray(np.round(np.asarray(rgba)[near] * 255).astype(np.uint8)).view(np.uint32)
    centre = (py[near] + pad) * padded_w + (px[near] + pad)
    pixels = image.view(np.uint32).reshape(-1)
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            if dx * dx + dy * dy > radius * radius + 1:
                continue
            pixels[centre + (dy * padded_w + dx)] = colours.reshape(-1)
    image = image[pad : pad + height, pad : pad + width]
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    ax.imshow(image, extent=(xmin, xmax, ymin, ymax), origin="upper", interpolation="nearest", aspect="auto", zorder=10)


def _positions(agencies: gpd.GeoDataFrame, in_inset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # shapely on the points directly: GeoSeries.x checks every geometry's type first, which at
    # 100,000 agencies costs as much as reading the coordinates.
    points = np.asarray(agencies.geometry.array)
    x = np.array(shapely.get_x(points), dtype=float)
    y = np.array(shapely.get_y(points), dtype=float)
    if in_inset.any():
        lon, lat = to_lonlat(x[in_inset], y[in_inset], MAP_CRS)
        x[in_inset], y[in_inset] = from_lonlat(lon, lat, INSET_CRS)
    return x, y


@dataclass
class _Layer:
    """The agency layer being drawn: positions, names and what the labelling functions need."""

    ax: Axes
    inset_ax: Axes | None
    style: MapStyle
    ids: np.ndarray
    names: np.ndarray
    types: np.ndarray
    x: np.ndarray
    y: np.ndarray
    in_inset: np.ndarray
    display: np.ndarray
    group_centre: np.ndarray
    marker_radius_pt: float
    dpi: float
    artists: AgencyArtists
    selected: int | None = None

    def target(self, i: int) -> Axes:
        """The axes agency ``i`` is drawn on."""
        return self.inset_ax if self.in_inset[i] and self.inset_ax is not None else self.ax


def draw_agencies(
    ax: Axes,
    agencies: gpd.GeoDataFrame,
    taxonomy: Taxonomy,
    style: MapStyle = DEFAULT_STYLE,
    *,
    inset_ax: Axes | None = None,
    selected_id: str | None = None,
    labels: bool = True,
    legend: bool = True,
    placer: LabelPlacer | None = None,
    inset_placer: LabelPlacer | None = None,
    max_labels: int | None = None,
    number_unlabelled: bool = False,
    primary: np.ndarray | None = None,
    sectors: Collection[str] | None = None,
) -> AgencyArtists:
    """Draw ``agencies`` (already filtered) on map axes.

    Parameters
    ----------
    ax : Axes
        Map axes with limits set (see :func:`bsr_map.render.draw_map.setup_map_axes`).
    agencies : GeoDataFrame
        The agencies to show, in EPSG:3035.
    taxonomy : Taxonomy
        Sector colours and labels, type labels.
    style : MapStyle
        Colours and sizes; ``style.scaled(1.5)`` enlarges markers, names and
        numbers together (a touch screen, a poster).
    inset_ax : Axes, optional
        The Iceland inset; Icelandic agencies are drawn there when given.
    selected_id : str, optional
        The selected agency: drawn on top, highlighted, its label always shown.
    labels, legend : bool
        Draw agency names and the legend (upper right, kept clear by the names).
    placer, inset_placer : LabelPlacer, optional
        Boxes already taken on the map and in the inset (the basemap's labels,
        the map's furniture), which agency labels avoid.
    max_labels : int, optional
        Label at most this many agencies (the highest-priority ones); the
        screen caps labels to stay fast, print does not.
    number_unlabelled : bool
        Give every agency in view whose label does not fit a number beside its
        marker (numbers run in reading order, top left to bottom right),
        listed in ``numbered`` for a key beside the map: on paper nothing disappears.
    primary : ndarray of int, optional
        Each agency's primary sector as an index into ``taxonomy.sectors.codes``
        (-1 for none), when the caller has it already (the explore model's
        index does); read from ``agencies`` otherwise. Ignored with ``sectors``.
    sectors : collection of str, optional
        The sector filter. When given, each agency is coloured by the first of
        its sectors among these rather than by its primary sector.

    Returns
    -------
    AgencyArtists
    """
    fig = ax.figure
    renderer = canvas_renderer(fig)
    if placer is None:
        box = ax.get_window_extent(renderer)
        placer = LabelPlacer(renderer, limits=(box.x0, box.y0, box.x1, box.y1))
    placers = {ax: placer}
    if inset_ax is not None:
        if inset_placer is None:
            inset_placer = placer.inset
        if inset_placer is None:
            box = inset_ax.get_window_extent(renderer)
            inset_placer = LabelPlacer(renderer, limits=(box.x0, box.y0, box.x1, box.y1))
        placers[inset_ax] = inset_placer
    n = len(agencies)
    # Iceland is drawn only in its inset: without the inset its agencies are not on this map.
    in_inset = agencies["country"].to_numpy() == "IS" if n else np.zeros(0, bool)
    x, y = _positions(agencies, in_inset)
    if sectors:
        codes = colour_sectors(agencies["sectors"], sectors)
        rgba = sector_rgba(np.array(codes, dtype=object), taxonomy)
    elif primary is None:
        codes = list(primary_sectors(agencies))
        rgba = sector_rgba(np.array(codes, dtype=object), taxonomy)
    else:
        index = np.asarray(primary, dtype=np.intp)
        all_codes = [*taxonomy.sectors.codes, ""]
        codes = [all_codes[k] for k in index]
        rgba = sector_palette(taxonomy)[index]
    types = agencies["type"].to_numpy(dtype=object)
    ids = agencies["id"].to_numpy(dtype=object)
    size = marker_area(n, style)
    edge = style.pt(0.8 if marker_size(n) >= 30 else 0.3)

    display = np.full((n, 2), -1e9)  # off every map until placed
    centre = np.zeros((n, 2))
    markers: list[tuple[PathCollection, np.ndarray]] = []
    boxes = []
    for target, where in ((ax, ~in_inset), (inset_ax, in_inset)):
        if target is None or not where.any():
            continue
        raw = target.transData.transform(np.column_stack([x[where], y[where]]))
        radius = spread_radius_px(size, fig.dpi)
        display[where] = spread_colocated(raw, radius)
        centre[where] = _group_centres(raw, radius)
        if where.sum() > RASTER_THRESHOLD:
            _raster_markers(target, display[where], rgba[where])
            continue
        r = marker_radius_px(size, fig.dpi, edge)
        taken = np.column_stack([display[where] - r, display[where] + r])
        placers[target].reserve_boxes(taken)
        boxes.append(taken)
        x[where], y[where] = target.transData.inverted().transform(display[where]).T
        for agency_type, marker in TYPE_MARKERS.items():
            pick = where & (types == agency_type)
            if pick.any():
                collection = add_points(
                    target,
                    x[pick],
                    y[pick],
                    size=size,
                    marker=marker,
                    facecolors=rgba[pick],
                    edgecolors="white",
                    linewidths=edge,
                    zorder=10,
                )
                collection.set_gid("marker")
                markers.append((collection, ids[pick]))

    found = np.flatnonzero(ids == selected_id) if selected_id is not None else np.array([], int)
    selected = int(found[0]) if len(found) else None
    if selected is not None:
        i = selected
        target = inset_ax if in_inset[i] and inset_ax is not None else ax
        big = max(size, style.pt(1) ** 2 * 30)
        add_points(
            target, [x[i]], [y[i]], size=big * 3.2, edgecolors=style.city_dot, linewidths=style.pt(2.0), zorder=11
        )
        add_points(
            target,
            [x[i]],
            [y[i]],
            size=big * 1.4,
            marker=TYPE_MARKERS.get(types[i], "o"),
            facecolors=rgba[i : i + 1],
            edgecolors="white",
            linewidths=style.pt(1.2),
            zorder=12,
        )
        r = marker_radius_px(big * 3.2, fig.dpi, style.pt(2.0))
        px, py = display[i]
        placers[target].reserve(px - r, py - r, px + r, py + r)

    artists = AgencyArtists(
        ids=ids,
        display_xy=display,
        in_view=_inside(ax, inset_ax, display, in_inset),
        markers=markers,
        colour_codes=codes,
        marker_boxes=np.vstack(boxes) if boxes else np.zeros((0, 4)),
    )
    if legend and n:
        entries = legend_entries(None, taxonomy, shown=({c for c in codes if c}, set(types)))
        artists.legend = draw_legend(ax, base_legend_entries(style) + entries, style)
        artists.legend_sectors = [e.code for e in entries if e.kind == "sector"]
        artists.legend_types = [e.code for e in entries if e.kind == "type"]
        frame = artists.legend.get_window_extent(renderer)
        placer.reserve(frame.x0, frame.y0, frame.x1, frame.y1)
        _clear_labels_under(ax, frame, renderer)
    if labels and n:
        layer = _Layer(
            ax,
            inset_ax,
            style,
            ids,
            agencies["name"].to_numpy(dtype=object),
            types,
            x,
            y,
            in_inset,
            display,
            centre,
            marker_radius_px(size, 72.0, edge),
            fig.dpi,
            artists,
            selected,
        )
        label_agencies(layer, placers, max_labels)
        if number_unlabelled:
            place_numbers(layer, placers)
    return artists


def _clear_labels_under(ax: Axes, frame, renderer) -> None:
    """Remove the labels already on ``ax`` (the basemap's) that the legend would cover."""
    covered = [t for t in ax.texts if t.get_gid() == "label" and t.get_window_extent(renderer).overlaps(frame)]
    for text in covered:
        for halo in [h for h in ax.texts if h.get_gid() == "halo" and h.get_text() == text.get_text()]:
            halo.remove()
        text.remove()


def _group_centres(display_xy: np.ndarray, radius_px: float) -> np.ndarray:
    """The centre of the group each marker was spread around (its own place when alone)."""
    out = display_xy.copy()
    for members in colocated_groups(display_xy, radius_px):
        if len(members) > 1:
            out[members] = display_xy[members].mean(axis=0)
    return out


def _inside(ax: Axes, inset_ax: Axes | None, display: np.ndarray, in_inset: np.ndarray) -> np.ndarray:
    inside = np.zeros(len(display), dtype=bool)
    for target, where in ((ax, ~in_inset), (inset_ax, in_inset)):
        if target is None:
            continue
        box = target.get_window_extent()
        inside |= (
            where
            & (display[:, 0] >= box.x0)
            & (display[:, 0] <= box.x1)
            & (display[:, 1] >= box.y0)
            & (display[:, 1] <= box.y1)
        )
    return inside
