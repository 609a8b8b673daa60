"""Agency names and numbers beside their markers, placed clear of every label, marker and frame.

Every marker is taken space before the first name is placed, so no name
covers a marker, its own included. The selected agency's name comes first
and always shows; the others follow by type (national agencies first) and
give way when there is no room. On paper an agency whose name does not fit
gets a number beside its marker (which keeps its type's shape and its
sector's colour), and the number leads to its name in the key.
"""

from __future__ import annotations

import math

import numpy as np

from bsr_map.render.agency_legend import TYPE_PRIORITY
from bsr_map.render.basemap_labels import add_halo
from bsr_map.render.labels import LabelPlacer, ring_positions

#: Above this many agencies in view, only the selected one is labelled.
MAX_LABELLED = 400
#: Above this many unlabelled agencies, numbering them would fill the page: the key gives their count instead.
MAX_NUMBERED = 300
#: Type size of the numbers beside markers, in points at style scale 1.
NUMBER_PT = 6.5
#: Gaps (points at style scale 1) between a marker's edge and its number, tried in turn.
NUMBER_GAPS_PT = (0.8, 3.0, 6.0, 10.0, 15.0, 21.0, 28.0, 36.0)
#: Beyond this gap a number is tied to its marker by a thin line.
LEADER_GAP_PT = 5.0
#: Gap between a marker's edge and its name or number, in points at style scale 1.
LABEL_GAP_PT = 1.5


def label_positions(marker_radius_pt: float, style) -> list:
    """Where a name is tried: just off the marker on eight sides, then a little further out."""
    return ring_positions([marker_radius_pt + style.pt(LABEL_GAP_PT), marker_radius_pt + style.pt(6)])


def number_positions(marker_radius_pt: float, style) -> list:
    """Where a number is tried: close to its marker first, then further out among its neighbours."""
    return ring_positions([marker_radius_pt + style.pt(g) for g in NUMBER_GAPS_PT], directions=8)


def label_agencies(layer, placers: dict, max_labels: int | None) -> None:
    """Place the names of the agencies in view, the selected one first.

    ``layer`` is the agency layer's state (:class:`bsr_map.render.agency_layer._Layer`);
    ``placers`` maps each axes (map, inset) to its :class:`LabelPlacer`.
    """
    artists, style = layer.artists, layer.style
    visible = np.flatnonzero(artists.in_view) if artists.in_view is not None else np.array([], int)
    ids, names, types = layer.ids, layer.names, layer.types
    if len(visible) > MAX_LABELLED:
        artists.unlabelled.extend(ids[visible].tolist())
        order: list[int] = []
    else:
        rank = {t: i for i, t in enumerate(TYPE_PRIORITY)}
        order = sorted(visible, key=lambda i: (rank.get(types[i], 9), names[i]))
    selected = layer.selected
    if selected is not None:
        order = [selected] + [i for i in order if i != selected]
    positions = label_positions(layer.marker_radius_pt, style)
    for i in order:
        if max_labels is not None and len(artists.labelled) >= max_labels:
            artists.unlabelled.append(ids[i])
            continue
        target = layer.target(i)
        placer: LabelPlacer = placers[target]
        is_selected = i == selected
        text = target.annotate(
            names[i],
            (layer.x[i], layer.y[i]),
            xytext=positions[0][:2],
            textcoords="offset points",
            fontsize=style.city_font_size + style.pt(1.2 if is_selected else 0.4),
            fontfamily=style.font_family,
            fontweight="bold" if is_selected else "normal",
            color=style.city_label,
            zorder=13,
            annotation_clip=False,
            parse_math=False,
            gid="label",
        )
        if placer.place(text, positions, keep=is_selected):
            add_halo(text, style, style.pt(2.6))
            artists.labelled.append(ids[i])
        elif is_selected:
            # The selected agency's name always shows, where it fits or else at the first position.
            text.set_position(positions[0][:2])
            text.set_horizontalalignment(positions[0][2])
            text.set_verticalalignment(positions[0][3])
            box = text.get_window_extent(placer.renderer)
            placer.reserve(box.x0, box.y0, box.x1, box.y1)
            add_halo(text, style, style.pt(2.6))
            artists.labelled.append(ids[i])
        else:
            artists.unlabelled.append(ids[i])


def number_unlabelled(layer, placers: dict) -> None:
    """Give every agency in view whose name did not fit a number beside its marker, in reading order."""
    artists, style = layer.artists, layer.style
    if artists.in_view is None:
        return
    labelled = set(artists.labelled)
    pick = [i for i in np.flatnonzero(artists.in_view) if layer.ids[i] not in labelled]
    if not pick or len(pick) > MAX_NUMBERED:
        return
    # Reading order: bands of about a centimetre from the top, left to right within a band.
    band = layer.dpi / 2.54 * style.size_scale
    pick.sort(key=lambda i: (-round(layer.display[i, 1] / band), layer.display[i, 0]))
    positions = number_positions(layer.marker_radius_pt, style)
    for number, i in enumerate(pick, start=1):
        target = layer.target(i)
        text = target.annotate(
            str(number),
            (layer.x[i], layer.y[i]),
            xytext=positions[0][:2],
            textcoords="offset points",
            fontsize=style.pt(NUMBER_PT),
            fontweight="bold",
            color=style.city_label,
            fontfamily=style.font_family,
            zorder=15,
            annotation_clip=False,
            parse_math=False,
            gid="label",
        )
        # Outward from the group's centre first, where a ring of markers leaves room.
        ordered = _outward_first(positions, layer.display[i] - layer.group_centre[i])
        if not placers[target].place(text, ordered, keep=True):
            box = text.get_window_extent(placers[target].renderer)
            placers[target].reserve(box.x0, box.y0, box.x1, box.y1)
            artists.crowded_numbers.append(number)
        dx, dy = text.get_position()
        if math.hypot(dx, dy) > layer.marker_radius_pt + style.pt(LEADER_GAP_PT):
            _leader(target, layer, int(i), (dx, dy), style)
        add_halo(text, style, style.pt(2.2))
        artists.numbered.append((number, str(layer.ids[i])))


def _outward_first(positions: list, outward: np.ndarray) -> list:
    if not np.any(outward):
        return positions
    angle = math.atan2(outward[1], outward[0])

    def away(candidate) -> tuple[float, float]:
        dx, dy = candidate[0], candidate[1]
        turn = abs((math.atan2(dy, dx) - angle + math.pi) % (2 * math.pi) - math.pi)
        return (round(math.hypot(dx, dy), 3), turn)

    return sorted(positions, key=away)


def _leader(ax, layer, i: int, offset_pt: tuple[float, float], style) -> None:
    """A hairline from a marker's edge towards its number, set a little way off."""
    dx, dy = offset_pt
    distance = math.hypot(dx, dy)
    start = layer.marker_radius_pt / distance
    end = (distance - style.pt(2.0)) / distance
    scale = layer.dpi / 72.0
    px, py = layer.display[i]
    xy = ax.transData.inverted().transform(
        [(px + dx * start * scale, py + dy * start * scale), (px + dx * end * scale, py + dy * end * scale)]
    )
    ax.plot(xy[:, 0], xy[:, 1], color=style.city_label, linewidth=style.pt(0.4), zorder=14, solid_capstyle="butt")
