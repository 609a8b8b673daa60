"""What the map's legend lists: sector colours, type shapes, and the land and capital symbols.

One list serves the legend drawn on a figure, the page's side panel and the
window's legend widget, so they always agree with each other and with the map.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
from matplotlib.axes import Axes
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from bsr_map.directory.taxonomy import Taxonomy
from bsr_map.render.style import MapStyle

#: Marker shape of each agency type (matplotlib marker codes).
TYPE_MARKERS = {
    "national_agency": "o",
    "regional_agency": "s",
    "city_agency": "D",
    "economic_zone": "^",
    "network": "p",
}
#: Fill of the type shapes in the legend (the map colours them by sector), and of an agency
#: without a sector: a warm mid grey, far (CIEDE2000 > 10) from every sector colour and land fill.
TYPE_LEGEND_GREY = "#A9A39A"
UNKNOWN_SECTOR_GREY = TYPE_LEGEND_GREY
#: Labels are offered in this order of type.
TYPE_PRIORITY = ["national_agency", "regional_agency", "city_agency", "economic_zone", "network"]


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend: a sector colour, a type shape, a land fill or the capital symbol."""

    kind: str  # "sector", "type", "land" or "capital"
    code: str
    label: str
    color: str
    marker: str


def colour_sectors(sectors_of_agencies, chosen: Collection[str] | None) -> list[str]:
    """The sector each agency is coloured by: the first of its sectors among ``chosen``.

    Without a sector filter (``chosen`` empty or None) that is its primary
    (first) sector; with one, a map of maritime agencies shows them all in the
    maritime colour, whatever their primary sector. "" for an agency with none.
    """
    out = []
    for sectors in sectors_of_agencies:
        sectors = list(sectors)
        if chosen:
            sectors = [s for s in sectors if s in chosen] or sectors
        out.append(sectors[0] if sectors else "")
    return out


def legend_entries(
    agencies: gpd.GeoDataFrame | None,
    taxonomy: Taxonomy,
    *,
    shown: tuple[set[str], set[str]] | None = None,
    sectors: Collection[str] | None = None,
) -> list[LegendEntry]:
    """The legend of exactly what is drawn: the sector colours present, then the types present.

    Parameters
    ----------
    agencies : GeoDataFrame or None
        The agencies on the map.
    taxonomy : Taxonomy
    shown : tuple of (set, set), optional
        (colour sector codes, type codes), instead of ``agencies`` when they
        are already known, e.g. from the filter index.
    sectors : collection of str, optional
        The sector filter: agencies are coloured by the filtered sectors
        (see :func:`colour_sectors`).

    Returns
    -------
    list of LegendEntry
    """
    if shown is None:
        if agencies is None:
            raise ValueError("legend_entries needs the agencies or what they show")
        shown = (set(colour_sectors(agencies["sectors"], sectors)), set(agencies["type"].unique()))
    coloured, types = shown
    entries = [
        LegendEntry("sector", c, taxonomy.sectors[c].label, taxonomy.sectors[c].color or UNKNOWN_SECTOR_GREY, "o")
        for c in taxonomy.sectors.codes
        if c in coloured
    ]
    entries += [
        LegendEntry("type", t, taxonomy.agency_types[t].label, TYPE_LEGEND_GREY, TYPE_MARKERS[t])
        for t in TYPE_PRIORITY
        if t in types
    ]
    return entries


def base_legend_entries(style: MapStyle) -> list[LegendEntry]:
    """The basemap's classes: member states, partner countries, region capitals."""
    return [
        LegendEntry("land", "member", "Member state", style.member_land, "s"),
        LegendEntry("land", "partner", "Partner country", style.partner_land, "s"),
        LegendEntry("capital", "capital", "Capital", style.city_dot, "o"),
    ]


def legend_handles(entries: list[LegendEntry], style: MapStyle, size_pt: float) -> list[Line2D]:
    """Legend symbols for ``entries``: markers as on the map, land as framed squares, capitals ringed."""
    handles = []
    props: dict[str, Any]
    for e in entries:
        if e.kind == "land":
            props = {"markerfacecolor": e.color, "markeredgecolor": style.coast, "markersize": size_pt * 1.15}
        elif e.kind == "capital":
            props = {
                "markerfacecolor": style.halo,
                "markeredgecolor": style.city_dot,
                "markeredgewidth": style.pt(1.2),
                "markersize": size_pt * 0.75,
            }
        else:
            props = {"markerfacecolor": e.color, "markeredgecolor": "white", "markersize": size_pt}
        handles.append(Line2D([], [], linestyle="none", marker=e.marker, label=e.label, **props))
    return handles


def literal_legend(legend: Legend) -> Legend:
    """Draw a legend's texts as written: a ``$`` in a name is not the start of mathematics."""
    for text in [*legend.get_texts(), legend.get_title()]:
        text.set_parse_math(False)
    return legend


def draw_legend(ax: Axes, entries: list[LegendEntry], style: MapStyle) -> Legend:
    """The legend in the map's upper right corner (the window shows its own, as a widget)."""
    legend = ax.legend(
        handles=legend_handles(entries, style, style.pt(7)),
        loc="upper right",
        title="Agencies",
        title_fontsize=style.city_font_size + style.pt(1),
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
    legend.set_gid("furniture")
    legend.get_title().set_fontfamily(style.font_family)
    return literal_legend(legend)
