"""Draw agencies on map axes: markers, labels and a legend of what is shown.

Markers are coloured by the agency's primary (first) sector and shaped by its
type. Labels never overlap: the selected agency's label is placed first and
always shown; the others follow by type (national agencies first) and give
way when there is no room. Icelandic agencies are drawn in the inset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D

from bsr_map.directory.taxonomy import Taxonomy
from bsr_map.geo.projection import INSET_CRS, MAP_CRS, from_lonlat, to_lonlat
from bsr_map.render.agg_canvas import canvas_renderer
from bsr_map.render.basemap_labels import add_halo
from bsr_map.render.labels import LabelPlacer
from bsr_map.render.point_symbols import add_points
from bsr_map.render.style import DEFAULT_STYLE, MapStyle

#: Marker shape of each agency type (matplotlib marker codes).
TYPE_MARKERS = {
    "national_agency": "o",
    "regional_agency": "s",
    "city_agency": "D",
    "economic_zone": "^",
    "network": "p",
}
#: Fill of the type shapes in the legend (the map colours them by sector).
TYPE_LEGEND_GREY = "#8A8580"
#: Fill of an agency without a known sector.
UNKNOWN_SECTOR_GREY = "#888888"
#: Labels are offered in this order of type.
TYPE_PRIORITY = ["national_agency", "regional_agency", "city_agency", "economic_zone", "network"]
#: Above this many agencies, markers are not spread apart: at that density rings would not help.
MAX_SPREAD = 2_000
#: Above this many agencies on one axes, markers are drawn as one image of dots.
RASTER_THRESHOLD = 5_000
#: Above this many agencies in view, only the selected one is labelled.
MAX_LABELLED = 400
LABEL_POSITIONS = [
    (6.0, 0.0, "left", "center"),
    (-6.0, 0.0, "right", "center"),
    (0.0, 6.0, "center", "bottom"),
    (0.0, -6.0, "center", "top"),
    (6.0, 6.0, "left", "bottom"),
    (6.0, -6.0, "left", "top"),
    (-6.0, 6.0, "right", "bottom"),
    (-6.0, -6.0, "right", "top"),
]


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


def marker_size(count: int) -> float:
    """Marker area in points² for ``count`` agencies: smaller as the map fills up."""
    if count <= 300:
        return 70.0
    if count <= 3000:
        return 30.0
    if count <= 30000:
        return 10.0
    return 4.0


def spread_colocated(display_xy: np.ndarray, radius_px: float) -> np.ndarray:
    """Move markers that would sit on the same pixel onto a small ring around it.

    Several agencies often share a city centre; displacing them (the usual
    cartographic answer) keeps every one visible and clickable.

    Parameters
    ----------
    display_xy : ndarray of shape (n, 2)
        Marker centres in display pixels.
    radius_px : float
        Radius of the ring for a pair; larger groups get a proportionally larger ring.

    Returns
    -------
    ndarray of shape (n, 2)
    """
    n = len(display_xy)
    if n < 2 or n > MAX_SPREAD:
        return display_xy
    # Markers closer than the radius belong together (union-find over neighbouring grid cells,
    # so two markers either side of a cell edge are still found).
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    points = display_xy.tolist()
    cell = max(radius_px, 1.0)
    buckets: dict[tuple[int, int], list[int]] = {}
    for i, key in enumerate(map(tuple, np.floor(display_xy / cell).astype(np.int64))):
        buckets.setdefault(key, []).append(i)
    for (cx, cy), members in buckets.items():
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for b in buckets.get((cx + dx, cy + dy), ()):
                    for a in members:
                        if a < b and math.dist(points[a], points[b]) < radius_px:
                            parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    out = display_xy.copy()
    for members in groups.values():
        k = len(members)
        if k < 2:
            continue
        centre = display_xy[members].mean(axis=0)
        ring = radius_px * max(1.0, k / 3.0)
        angles = np.pi / 2 + 2 * np.pi * np.arange(k) / k
        out[members] = centre + ring * np.column_stack([np.cos(angles), np.sin(angles)])
    return out


def primary_sectors(agencies: gpd.GeoDataFrame) -> np.ndarray:
    """Each agency's primary (first) sector code, "" when it has none."""
    return np.array([s[0] if len(s) else "" for s in agencies["sectors"].to_numpy()], dtype=object)


def sector_palette(taxonomy: Taxonomy) -> np.ndarray:
    """RGBA rows of the sector colours in taxonomy order, then grey (row -1) for none or an unknown code."""
    colours = [taxonomy.sectors[c].color or UNKNOWN_SECTOR_GREY for c in taxonomy.sectors.codes]
    return np.array([to_rgba(c) for c in [*colours, UNKNOWN_SECTOR_GREY]], dtype=float)


def sector_rgba(primary: np.ndarray, taxonomy: Taxonomy) -> np.ndarray:
    """RGBA rows for an array of primary-sector codes (grey for an unknown code)."""
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
    max_labels: int | None = None,
    number_unlabelled: bool = False,
    primary: np.ndarray | None = None,
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
    inset_ax : Axes, optional
        The Iceland inset; Icelandic agencies are drawn there when given.
    selected_id : str, optional
        The selected agency: drawn on top, highlighted, its label always shown.
    labels, legend : bool
        Draw agency names and the legend.
    placer : LabelPlacer, optional
        Boxes already taken (the basemap's labels), which agency labels avoid.
    max_labels : int, optional
        Label at most this many agencies (the highest-priority ones); the
        screen caps labels to stay fast, print does not.
    number_unlabelled : bool
        Give every agency in view whose label does not fit a numbered marker
        (numbers run in reading order, top left to bottom right), listed in
        ``numbered`` for a key beside the map: on paper nothing disappears.
    primary : ndarray of int, optional
        Each agency's primary sector as an index into ``taxonomy.sectors.codes``
        (-1 for none), when the caller has it already (the explore model's
        index does); read from ``agencies`` otherwise.

    Returns
    -------
    AgencyArtists
    """
    fig = ax.figure
    if placer is None:
        renderer = canvas_renderer(fig)
        box = ax.get_window_extent(renderer)
        placer = LabelPlacer(renderer, limits=(box.x0, box.y0, box.x1, box.y1))
    n = len(agencies)
    # Iceland is drawn only in its inset: without the inset its agencies are not on this map.
    in_inset = agencies["country"].to_numpy() == "IS" if n else np.zeros(0, bool)
    x, y = _positions(agencies, in_inset)
    if primary is None:
        rgba = sector_rgba(primary_sectors(agencies), taxonomy)
    else:
        rgba = sector_palette(taxonomy)[np.asarray(primary, dtype=np.intp)]
    types = agencies["type"].to_numpy(dtype=object)
    ids = agencies["id"].to_numpy(dtype=object)
    size = marker_size(n)
    edge = 0.8 if size >= 30 else 0.3

    display = np.full((n, 2), -1e9)  # off every map until placed
    markers: list[tuple[PathCollection, np.ndarray]] = []
    for target, where in ((ax, ~in_inset), (inset_ax, in_inset)):
        if target is None or not where.any():
            continue
        display[where] = spread_colocated(
            target.transData.transform(np.column_stack([x[where], y[where]])), np.sqrt(size) * fig.dpi / 72.0 * 0.75
        )
        if where.sum() > RASTER_THRESHOLD:
            _raster_markers(target, display[where], rgba[where])
            continue
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
                markers.append((collection, ids[pick]))

    selected = np.flatnonzero(ids == selected_id) if selected_id is not None else np.array([], int)
    if len(selected):
        i = selected[0]
        target = inset_ax if in_inset[i] and inset_ax is not None else ax
        add_points(
            target, [x[i]], [y[i]], size=max(size, 30) * 3.2, edgecolors=style.city_dot, linewidths=2.0, zorder=11
        )
        add_points(
            target,
            [x[i]],
            [y[i]],
            size=max(size, 30) * 1.4,
            marker=TYPE_MARKERS.get(types[i], "o"),
            facecolors=rgba[i : i + 1],
            edgecolors="white",
            linewidths=1.2,
            zorder=12,
        )

    artists = AgencyArtists(
        ids=ids, display_xy=display, in_view=_inside(ax, inset_ax, display, in_inset), markers=markers
    )
    if labels and n:
        _label_agencies(
            ax, inset_ax, agencies, x, y, in_inset, display, selected, size, style, placer, artists, max_labels
        )
        if number_unlabelled:
            _number_unlabelled(ax, inset_ax, x, y, in_inset, display, rgba, style, artists)
    if legend and n:
        _legend(ax, agencies, taxonomy, style, artists)
    return artists


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


#: Above this many unlabelled agencies, numbering them would fill the page: the key gives their count instead.
MAX_NUMBERED = 300


def _number_unlabelled(ax, inset_ax, x, y, in_inset, display, rgba, style, artists: AgencyArtists) -> None:
    labelled = set(artists.labelled)
    if artists.in_view is None:
        return
    pick = [i for i in np.flatnonzero(artists.in_view) if artists.ids[i] not in labelled]
    if not pick or len(pick) > MAX_NUMBERED:
        return
    # Reading order: bands of about a centimetre from the top, left to right within a band.
    band = ax.figure.dpi / 2.54
    pick.sort(key=lambda i: (-round(display[i, 1] / band), display[i, 0]))
    for number, i in enumerate(pick, start=1):
        target = inset_ax if in_inset[i] else ax
        digits = len(str(number))
        target.scatter(
            [x[i]],
            [y[i]],
            s=(8.5 + 2.2 * (digits - 1)) ** 2,
            c=rgba[i : i + 1],
            edgecolors="white",
            linewidths=0.6,
            zorder=14,
            marker="o",
        )
        target.text(
            x[i],
            y[i],
            str(number),
            ha="center",
            va="center_baseline",
            fontsize=5.2,
            fontweight="bold",
            color="white",
            fontfamily=style.font_family,
            zorder=15,
        )
        artists.numbered.append((number, str(artists.ids[i])))


def _label_agencies(
    ax, inset_ax, agencies, x, y, in_inset, display, selected, size, style, placer, artists, max_labels
):
    bbox = ax.get_window_extent()
    visible = np.flatnonzero(
        (display[:, 0] >= bbox.x0)
        & (display[:, 0] <= bbox.x1)
        & (display[:, 1] >= bbox.y0)
        & (display[:, 1] <= bbox.y1)
    )
    radius = np.sqrt(size) / 2 * ax.figure.dpi / 72.0 + 1
    ids = agencies["id"].to_numpy(dtype=object)
    names = agencies["name"].to_numpy(dtype=object)
    if len(visible) > MAX_LABELLED:
        artists.unlabelled.extend(ids[visible].tolist())
        order = []
    else:
        rank = {t: i for i, t in enumerate(TYPE_PRIORITY)}
        types = agencies["type"].to_numpy(dtype=object)
        order = sorted(visible, key=lambda i: (rank.get(types[i], 9), names[i]))
    if len(selected):
        order = [selected[0]] + [i for i in order if i != selected[0]]
        placer.reserve(
            display[selected[0], 0] - radius,
            display[selected[0], 1] - radius,
            display[selected[0], 0] + radius,
            display[selected[0], 1] + radius,
        )
    for i in order:
        if max_labels is not None and len(artists.labelled) >= max_labels:
            artists.unlabelled.append(ids[i])
            continue
        target = inset_ax if in_inset[i] else ax
        is_selected = len(selected) and i == selected[0]
        text = target.annotate(
            names[i],
            (x[i], y[i]),
            xytext=(6, 0),
            textcoords="offset points",
            fontsize=style.city_font_size + (1.2 if is_selected else 0.4),
            fontfamily=style.font_family,
            fontweight="bold" if is_selected else "normal",
            color=style.city_label,
            zorder=13,
            annotation_clip=False,
        )
        if is_selected:
            # The selected agency's label always shows: it takes the first position where it
            # fits, and only if it fits nowhere does it take the first one regardless.
            if not placer.place(text, LABEL_POSITIONS, keep=True):
                text.set_position(LABEL_POSITIONS[0][:2])
                text.set_horizontalalignment(LABEL_POSITIONS[0][2])
                text.set_verticalalignment(LABEL_POSITIONS[0][3])
                box = text.get_window_extent(placer.renderer)
                placer.reserve(box.x0, box.y0, box.x1, box.y1)
            add_halo(text, style, 2.6)
            artists.labelled.append(ids[i])
        elif placer.place(text, LABEL_POSITIONS):
            add_halo(text, style, 2.6)
            artists.labelled.append(ids[i])
        else:
            artists.unlabelled.append(ids[i])


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend: a sector colour or a type shape."""

    kind: str  # "sector" or "type"
    code: str
    label: str
    color: str
    marker: str


def legend_entries(
    agencies: gpd.GeoDataFrame | None, taxonomy: Taxonomy, *, shown: tuple[set[str], set[str]] | None = None
) -> list[LegendEntry]:
    """The legend of exactly what is drawn: primary sectors present, then types present.

    ``shown`` (primary sector codes, type codes) may be given instead of
    ``agencies`` when they are already known, e.g. from the filter index.
    """
    if shown is None:
        if agencies is None:
            raise ValueError("legend_entries needs the agencies or what they show")
        shown = ({s[0] for s in agencies["sectors"].to_numpy() if len(s)}, set(agencies["type"].unique()))
    primary, types = shown
    entries = [
        LegendEntry("sector", c, taxonomy.sectors[c].label, taxonomy.sectors[c].color or UNKNOWN_SECTOR_GREY, "o")
        for c in taxonomy.sectors.codes
        if c in primary
    ]
    entries += [
        LegendEntry("type", t, taxonomy.agency_types[t].label, TYPE_LEGEND_GREY, TYPE_MARKERS[t])
        for t in TYPE_PRIORITY
        if t in types
    ]
    return entries


def _legend(ax, agencies, taxonomy: Taxonomy, style: MapStyle, artists: AgencyArtists) -> None:
    entries = legend_entries(agencies, taxonomy)
    handles = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker=e.marker,
            markersize=7 if e.kind == "sector" else 6,
            markerfacecolor=e.color,
            markeredgecolor="white",
            label=e.label,
        )
        for e in entries
    ]
    legend = ax.legend(
        handles=handles,
        loc="upper right",
        title="Agencies",
        title_fontsize=style.city_font_size + 1,
        frameon=True,
        framealpha=0.92,
        facecolor="white",
        edgecolor="#B8B2A8",
        prop={"family": style.font_family, "size": style.city_font_size},
        borderpad=0.6,
        handletextpad=0.3,
        labelspacing=0.25,
        borderaxespad=0.8,
    )
    legend.set_zorder(30)
    legend.get_title().set_fontfamily(style.font_family)
    artists.legend_sectors = [e.code for e in entries if e.kind == "sector"]
    artists.legend_types = [e.code for e in entries if e.kind == "type"]
    artists.legend = legend
