"""Map furniture: the scale bar and the north arrow, drawn in a corner of the map.

Both are sized in points (times the style's scale), so they keep their
proportion to the text on any page. The north arrow points to true north at
the point where it stands, not at the map's centre: in a conic or azimuthal
projection the meridians converge, and over the region the difference is
over ten degrees. Each function returns the box it covers, for the labels to
keep clear of.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from matplotlib.axes import Axes
from matplotlib.patches import FancyArrow, Rectangle
from matplotlib.transforms import Affine2D, ScaledTranslation

from bsr_map.geo.mapview import MapView
from bsr_map.geo.projection import ground_metres_per_map_metre, north_angle_deg
from bsr_map.render.style import MapStyle

INK = "#2E2A27"
_NICE = (1, 2, 2.5, 5)
#: Distance of furniture from the map's edge, in points (times the style's scale).
EDGE_PT = 8.0
SCALE_TEXT_PT = 6.5
NORTH_ARROW_PT = 22.0


@dataclass
class Furniture:
    """What a furniture function drew and the display box it covers."""

    box: tuple[float, float, float, float]
    artists: list = field(default_factory=list)
    km: float = 0.0  # scale bar: its length in kilometres
    bar_map_m: float = 0.0  # scale bar: its length in projected metres
    angle_deg: float = 0.0  # north arrow: anticlockwise from the map's up
    anchor: tuple[float, float] = (0.0, 0.0)  # north arrow: the map point (EPSG:3035) it is true for


def nice_distance_km(max_km: float) -> float:
    """The largest 1, 2, 2.5 or 5 × 10^n kilometres not above ``max_km``."""
    if max_km <= 0:
        raise ValueError("max_km must be positive")
    exponent = math.floor(math.log10(max_km))
    best = 10**exponent
    for base in _NICE:
        if base * 10**exponent <= max_km:
            best = base * 10**exponent
    return best


def _px(ax: Axes, points: float) -> float:
    return points * ax.figure.dpi / 72.0


def draw_scale_bar(ax: Axes, view: MapView, style: MapStyle, *, max_share: float = 0.22) -> Furniture:
    """A bar in kilometres in the lower left corner, true along x at the map's centre.

    Parameters
    ----------
    ax : Axes
        Map axes whose limits show ``view``.
    view : MapView
    style : MapStyle
        Its ``size_scale`` sets the bar's height, text and margins.
    max_share : float
        Longest bar as a share of the map's width.

    Returns
    -------
    Furniture
    """
    xmin, _ymin, xmax, _ymax = view.extent
    factor = ground_metres_per_map_metre(view.cx, view.cy)
    km = nice_distance_km((xmax - xmin) * max_share * factor / 1000.0)
    bar_m = km * 1000.0 / factor
    box = ax.get_window_extent()
    to_data = ax.transData.inverted()
    metres_per_px = (xmax - xmin) / box.width
    edge, height = _px(ax, style.pt(EDGE_PT)), _px(ax, style.pt(2.4))
    text_px = _px(ax, style.pt(SCALE_TEXT_PT))
    x0_px, y0_px = box.x0 + edge + _px(ax, style.pt(4)), box.y0 + edge + _px(ax, style.pt(3))
    bar_px = bar_m / metres_per_px
    pad = _px(ax, style.pt(3))
    back = (x0_px - pad - _px(ax, style.pt(4)), y0_px - pad, x0_px + bar_px + pad + _px(ax, style.pt(12)))
    top = y0_px + height + _px(ax, style.pt(1.5)) + text_px * 1.25 + pad
    out = Furniture(box=(back[0], back[1], back[2], top), km=km, bar_map_m=bar_m)
    (bx0, by0), (bx1, by1) = to_data.transform([(back[0], back[1]), (back[2], top)])
    out.artists.append(
        ax.add_patch(
            Rectangle((bx0, by0), bx1 - bx0, by1 - by0, facecolor="white", edgecolor="none", alpha=0.85, zorder=25)
        )
    )
    (x0, y0), (_, y1) = to_data.transform([(x0_px, y0_px), (x0_px, y0_px + height)])
    for i in range(4):
        out.artists.append(
            ax.add_patch(
                Rectangle(
                    (x0 + i * bar_m / 4, y0),
                    bar_m / 4,
                    y1 - y0,
                    facecolor=INK if i % 2 == 0 else "white",
                    edgecolor=INK,
                    linewidth=style.pt(0.6),
                    zorder=26,
                )
            )
        )
    text_y = to_data.transform((x0_px, y0_px + height + _px(ax, style.pt(1.5))))[1]
    for xpos, text in ((x0, "0"), (x0 + bar_m, f"{km:g} km")):
        out.artists.append(
            ax.text(
                xpos,
                text_y,
                text,
                ha="center",
                va="bottom",
                fontsize=style.pt(SCALE_TEXT_PT),
                color=INK,
                fontfamily=style.font_family,
                zorder=27,
                parse_math=False,
            )
        )
    for artist in out.artists:
        artist.set_gid("furniture")
    return out


def draw_north_arrow(ax: Axes, style: MapStyle) -> Furniture:
    """An arrow to true north at its own position, in the lower right corner.

    Parameters
    ----------
    ax : Axes
        Map axes in EPSG:3035 with their limits set.
    style : MapStyle

    Returns
    -------
    Furniture
        With ``angle_deg`` and the ``anchor`` point it is true for.
    """
    box = ax.get_window_extent()
    length = _px(ax, style.pt(NORTH_ARROW_PT))
    edge = _px(ax, style.pt(EDGE_PT))
    half = length / 2 + _px(ax, style.pt(8))  # room for the N beyond the tip, whichever way it leans
    cx_px, cy_px = box.x1 - edge - half, box.y0 + edge + half
    to_data = ax.transData.inverted()
    ax_x, ax_y = (float(v) for v in to_data.transform((cx_px, cy_px)))
    anchor = (ax_x, ax_y)
    angle = north_angle_deg(ax_x, ax_y)
    rad = math.radians(angle)
    ux, uy = -math.sin(rad), math.cos(rad)
    out = Furniture(box=(cx_px - half, cy_px - half, cx_px + half, cy_px + half), angle_deg=angle, anchor=anchor)
    # Drawn in points about its anchor: in data units the arrow would be sheared by the axes' aspect, and
    # in display pixels it would move when a PDF or SVG backend redraws the figure at 72 dpi.
    points = Affine2D().scale(1 / 72.0) + ax.figure.dpi_scale_trans + ScaledTranslation(ax_x, ax_y, ax.transData)  # type: ignore[arg-type]
    length_pt = style.pt(NORTH_ARROW_PT)
    arrow = FancyArrow(
        -ux * length_pt / 2,
        -uy * length_pt / 2,
        ux * length_pt,
        uy * length_pt,
        width=style.pt(1.6),
        head_width=style.pt(6.5),
        head_length=style.pt(7.5),
        length_includes_head=True,
        transform=points,
        color=INK,
        zorder=26,
    )
    out.artists.append(ax.add_patch(arrow))
    tip_gap = length / 2 + _px(ax, style.pt(5))
    n_x, n_y = (float(v) for v in to_data.transform((cx_px + ux * tip_gap, cy_px + uy * tip_gap)))
    out.artists.append(
        ax.text(
            n_x,
            n_y,
            "N",
            ha="center",
            va="center",
            fontsize=style.pt(7),
            fontweight="bold",
            color=INK,
            fontfamily=style.font_family,
            zorder=27,
            parse_math=False,
        )
    )
    for artist in out.artists:
        artist.set_gid("furniture")
    return out
