"""Draw agencies on map axes: markers, labels and a legend of what is shown.

Markers are coloured by the agency's primary (first) sector and shaped by its
type. Labels never overlap: the selected agency's label is placed first and
always shown; the others follow by type (national agencies first) and give
way when there is no room. Icelandic agencies are drawn in the inset.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from bsr_map.directory.taxonomy import Taxonomy
from bsr_map.projection import INSET_CRS, MAP_CRS, to_lonlat, from_lonlat
from bsr_map.render.basemap_labels import halo
from bsr_map.render.labels import LabelPlacer
from bsr_map.render.style import DEFAULT_STYLE, MapStyle

#: Marker shape of each agency type (matplotlib marker codes).
TYPE_MARKERS = {
    "national_agency": "o",
    "regional_agency": "s",
    "city_agency": "D",
    "economic_zone": "^",
    "network": "p",
}
#: Labels are offered in this order of type.
TYPE_PRIORITY = ["national_agency", "regional_agency", "city_agency", "economic_zone", "network"]
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
    legend_sectors: list[str] = field(default_factory=list)
    legend_types: list[str] = field(default_factory=list)
    legend: object | None = None


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
    if len(display_xy) < 2 or len(display_xy) > 20_000:
        return display_xy
    out = display_xy.copy()
    keys = np.round(display_xy / max(radius_px, 1.0)).astype(np.int64)
    _, group, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    group = group.ravel()
    for g in np.flatnonzero(counts > 1):
        members = np.flatnonzero(group == g)
        k = len(members)
        centre = display_xy[members].mean(axis=0)
        ring = radius_px * max(1.0, k / 3.0)
        angles = np.pi / 2 + 2 * np.pi * np.arange(k) / k
        out[members] = centre + ring * np.column_stack([np.cos(angles), np.sin(angles)])
    return out


def _positions(agencies: gpd.GeoDataFrame, in_inset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = agencies.geometry.x.to_numpy(copy=True)
    y = agencies.geometry.y.to_numpy(copy=True)
    if in_inset.any():
        lon, lat = to_lonlat(x[in_inset], y[in_inset], MAP_CRS)
        x[in_inset], y[in_inset] = from_lonlat(lon, lat, INSET_CRS)
    return x, y


def draw_agencies(ax: Axes, agencies: gpd.GeoDataFrame, taxonomy: Taxonomy, style: MapStyle = DEFAULT_STYLE, *,
                  inset_ax: Axes | None = None, selected_id: str | None = None, labels: bool = True,
                  legend: bool = True, placer: LabelPlacer | None = None) -> AgencyArtists:
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

    Returns
    -------
    AgencyArtists
    """
    fig = ax.figure
    placer = placer or LabelPlacer(fig.canvas.get_renderer())
    n = len(agencies)
    in_inset = (agencies["country"].to_numpy() == "IS") if (inset_ax is not None and n) else np.zeros(n, bool)
    x, y = _positions(agencies, in_inset)
    primary = np.array([s[0] if len(s) else "" for s in agencies["sectors"]], dtype=object)
    colours = np.array([taxonomy.sectors[c].color if c in taxonomy.sectors else "#888888" for c in primary],
                       dtype=object)
    types = agencies["type"].to_numpy(dtype=object)
    ids = agencies["id"].to_numpy(dtype=object)
    size = marker_size(n)
    edge = 0.8 if size >= 30 else 0.3

    display = np.zeros((n, 2))
    for target, where in ((ax, ~in_inset), (inset_ax, in_inset)):
        if target is None or not where.any():
            continue
        display[where] = spread_colocated(target.transData.transform(np.column_stack([x[where], y[where]])),
                                          np.sqrt(size) * fig.dpi / 72.0 * 0.75)
        x[where], y[where] = target.transData.inverted().transform(display[where]).T
        for agency_type, marker in TYPE_MARKERS.items():
            pick = where & (types == agency_type)
            if pick.any():
                target.scatter(x[pick], y[pick], s=size, c=list(colours[pick]), marker=marker,
                               edgecolors="white", linewidths=edge, zorder=10)

    selected = np.flatnonzero(ids == selected_id) if selected_id is not None else np.array([], int)
    if len(selected):
        i = selected[0]
        target = inset_ax if in_inset[i] else ax
        target.scatter([x[i]], [y[i]], s=size * 3.2, facecolors="none", edgecolors=style.city_dot,
                       linewidths=2.0, zorder=11)
        target.scatter([x[i]], [y[i]], s=size * 1.4, c=[colours[i]], marker=TYPE_MARKERS.get(types[i], "o"),
                       edgecolors="white", linewidths=1.2, zorder=12)

    artists = AgencyArtists(ids=ids, display_xy=display)
    if labels and n:
        _label_agencies(ax, inset_ax, agencies, x, y, in_inset, display, selected, size, style, placer, artists)
    if legend and n:
        _legend(ax, primary, types, taxonomy, style, artists)
    return artists


def _label_agencies(ax, inset_ax, agencies, x, y, in_inset, display, selected, size, style, placer, artists):
    bbox = ax.get_window_extent()
    visible = ((display[:, 0] >= bbox.x0) & (display[:, 0] <= bbox.x1) & (display[:, 1] >= bbox.y0)
               & (display[:, 1] <= bbox.y1))
    radius = np.sqrt(size) / 2 * ax.figure.dpi / 72.0 + 1
    rank = {t: i for i, t in enumerate(TYPE_PRIORITY)}
    order = sorted(np.flatnonzero(visible), key=lambda i: (rank.get(agencies["type"].iat[i], 9),
                                                          agencies["name"].iat[i]))
    if len(order) > MAX_LABELLED:
        artists.unlabelled.extend(agencies["id"].iat[i] for i in order)
        order = []
    if len(selected):
        order = [selected[0]] + [i for i in order if i != selected[0]]
        placer.reserve(display[selected[0], 0] - radius, display[selected[0], 1] - radius,
                       display[selected[0], 0] + radius, display[selected[0], 1] + radius)
    for i in order:
        target = inset_ax if in_inset[i] else ax
        is_selected = len(selected) and i == selected[0]
        text = target.annotate(
            agencies["name"].iat[i], (x[i], y[i]), xytext=(6, 0), textcoords="offset points",
            fontsize=style.city_font_size + (1.2 if is_selected else 0.4), fontfamily=style.font_family,
            fontweight="bold" if is_selected else "normal", color=style.city_label, zorder=13,
            path_effects=halo(style, 2.6), annotation_clip=False,
        )
        if is_selected:
            # The selected agency's label always shows: it is placed first and takes its room.
            box = text.get_window_extent(placer.renderer)
            placer.reserve(box.x0, box.y0, box.x1, box.y1)
            artists.labelled.append(agencies["id"].iat[i])
        elif placer.place(text, LABEL_POSITIONS):
            artists.labelled.append(agencies["id"].iat[i])
        else:
            artists.unlabelled.append(agencies["id"].iat[i])


def _legend(ax, primary, types, taxonomy: Taxonomy, style: MapStyle, artists: AgencyArtists) -> None:
    shown_sectors = [c for c in taxonomy.sectors.codes if c in set(primary)]
    shown_types = [t for t in TYPE_PRIORITY if t in set(types)]
    handles = [Line2D([], [], linestyle="none", marker="o", markersize=7, markerfacecolor=taxonomy.sectors[c].color,
                      markeredgecolor="white", label=taxonomy.sectors[c].label) for c in shown_sectors]
    handles += [Line2D([], [], linestyle="none", marker=TYPE_MARKERS[t], markersize=6, markerfacecolor="#8A8580",
                       markeredgecolor="white", label=taxonomy.agency_types[t].label) for t in shown_types]
    legend = ax.legend(handles=handles, loc="upper right", title="Agencies", title_fontsize=style.city_font_size + 1,
                       frameon=True, framealpha=0.92, facecolor="white", edgecolor="#B8B2A8",
                       prop={"family": style.font_family, "size": style.city_font_size}, borderpad=0.6,
                       handletextpad=0.3, labelspacing=0.25, borderaxespad=0.8)
    legend.set_zorder(30)
    legend.get_title().set_fontfamily(style.font_family)
    artists.legend_sectors, artists.legend_types, artists.legend = shown_sectors, shown_types, legend
