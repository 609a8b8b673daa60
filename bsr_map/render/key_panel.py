"""The side panel of a map page: the legend and the numbered key of agencies.

Key entries are never cut: each name is wrapped to its column's width, and
entries flow from column to column. What does not fit in the panel is handed
back, to be continued on the facing side of the map.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties

from bsr_map.render.agency_legend import LegendEntry, legend_handles, literal_legend
from bsr_map.render.agg_canvas import canvas_renderer
from bsr_map.render.style import MapStyle

#: Smallest type of the key and legend at style scale 1 (an A4 page), in points.
KEY_MIN_PT = 6.0
#: The key's type size where it fits, in points at style scale 1.
KEY_PT = 7.0
LINE_SPACING = 1.22
#: Narrowest key column, in points at style scale 1 (about 30 mm).
MIN_COLUMN_PT = 85.0
INK = "#2E2A27"


@dataclass
class KeyLayout:
    """What :func:`draw_key` set and what it could not fit."""

    font_pt: float
    columns: int
    texts: list = field(default_factory=list)
    overflow: list[tuple[int, str]] = field(default_factory=list)


def draw_panel_legend(ax: Axes, entries: list[LegendEntry], style: MapStyle, title: str) -> float:
    """The legend at the top of the panel; returns the axes fraction where room below it starts."""
    if not entries:
        return 1.0
    legend = ax.legend(
        handles=legend_handles(entries, style, style.pt(6.5)),
        loc="upper left",
        title=title,
        frameon=False,
        prop={"family": style.font_family, "size": style.pt(KEY_PT)},
        title_fontproperties={"family": style.font_family, "size": style.pt(KEY_PT + 1), "weight": "bold"},
        borderaxespad=0.0,
        borderpad=0.0,
        labelspacing=0.3,
        handletextpad=0.4,
        alignment="left",
    )
    literal_legend(legend).set_gid("legend")
    renderer = canvas_renderer(ax.figure)
    return float(ax.transAxes.inverted().transform((0, legend.get_window_extent(renderer).y0))[1])


def wrap_to_width(text: str, width_px: float, font: FontProperties, renderer) -> list[str]:
    """Break ``text`` at spaces into lines no wider than ``width_px`` (a longer single word stays whole)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and _width(trial, font, renderer) > width_px:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines or [""]


def _line_height(ax: Axes, font: FontProperties, renderer) -> float:
    probe = ax.text(0, 0, "Åg", fontproperties=font, parse_math=False)
    height = probe.get_window_extent(renderer).height
    probe.remove()
    return height


def _width(text: str, font: FontProperties, renderer) -> float:
    return renderer.get_text_width_height_descent(text, font, ismath=False)[0]


def draw_key(
    ax: Axes,
    entries: list[tuple[int, str]],
    style: MapStyle,
    *,
    top: float = 1.0,
    bottom: float = 0.0,
    heading: str | None = "Agencies shown by number",
    note: str = "",
) -> KeyLayout:
    """Set the numbered key in columns between ``top`` and ``bottom`` (axes fractions).

    The type starts at 7 pt (times the style's scale) and shrinks to no less
    than 6 pt if that makes the key fit; names are wrapped, never shortened.

    Parameters
    ----------
    ax : Axes
        The panel's axes (switched off).
    entries : list of (int, str)
        Number and "Name (City)" of each agency shown by number.
    style : MapStyle
    top, bottom : float
        The room the key may take.
    heading : str, optional
    note : str
        A last line, such as how many agencies lie outside the map.

    Returns
    -------
    KeyLayout
        With the entries that did not fit, in order, in ``overflow``.
    """
    renderer = canvas_renderer(ax.figure)
    panel = ax.get_window_extent(renderer)
    dpi = ax.figure.dpi
    px = dpi / 72.0
    height = (top - bottom) * panel.height
    best = None
    for size in (style.pt(KEY_PT), style.pt(6.5), style.pt(KEY_MIN_PT)):
        font = FontProperties(family=style.font_family, size=size)
        # Each line is its own text; rows are as tall as a line's box, so no two boxes touch.
        line = max(size * LINE_SPACING * px, _line_height(ax, font, renderer) + 1.0)
        head = (size + style.pt(1)) * 1.6 * px if heading and entries else 0.0
        rows = int((height - head) // line)
        if rows < 1:
            continue  # not one line fits here (a locator took the room): all go to the next panel
        number_w = _width("000", font, renderer) + size * 0.6 * px
        most = max(1, int(panel.width // (style.pt(MIN_COLUMN_PT) * px)))
        for columns in range(1, most + 1):
            gap = size * 1.2 * px
            col_w = (panel.width - gap * (columns - 1)) / columns
            wrapped = [wrap_to_width(name, col_w - number_w, font, renderer) for _, name in entries]
            placed, slots = _flow(wrapped, rows, columns, note)
            layout = (size, font, line, head, rows, columns, col_w, gap, number_w, wrapped, placed, slots)
            if placed == len(entries):
                best = layout
                break
            if best is None or placed > best[10]:
                best = layout
        if best is not None and best[10] == len(entries):
            break
    if best is None:
        return KeyLayout(font_pt=style.pt(KEY_MIN_PT), columns=0, overflow=list(entries))
    size, font, line, head, rows, columns, col_w, gap, number_w, wrapped, placed, slots = best
    out = KeyLayout(font_pt=size, columns=columns, overflow=list(entries[placed:]))
    y_top = top * panel.height
    if heading and entries:
        out.texts.append(_text(ax, 0.0, y_top, heading, style, size + style.pt(1), panel, bold=True))
    for (number, _), lines, (column, row) in zip(entries[:placed], wrapped[:placed], slots, strict=False):
        x = column * (col_w + gap)
        y = y_top - head - row * line
        out.texts.append(_text(ax, x + number_w - size * 0.6 * px, y, str(number), style, size, panel, ha="right"))
        for k, text in enumerate(lines):
            out.texts.append(_text(ax, x + number_w, y - k * line, text, style, size, panel))
    if note and not out.overflow:
        column, row = slots[-1] if len(slots) > placed else (0, 0)
        out.texts.append(_text(ax, column * (col_w + gap), y_top - head - row * line, note, style, size, panel))
    return out


def _flow(wrapped: list[list[str]], rows: int, columns: int, note: str) -> tuple[int, list[tuple[int, int]]]:
    """How many entries fit, and the (column, row) of each and then of the note; an entry is never split."""
    column, row = 0, 0
    slots: list[tuple[int, int]] = []
    for lines in wrapped:
        if row + len(lines) > rows:
            column, row = column + 1, 0
        if column >= columns:
            return len(slots), slots
        slots.append((column, row))
        row += len(lines)
    if note:
        if row + 1 > rows:
            column, row = column + 1, 0
        if column >= columns:
            return max(0, len(slots) - 1), slots[:-1]
        slots.append((column, row))
    return len(wrapped), slots


def _text(ax: Axes, x_px: float, y_px: float, text: str, style: MapStyle, size: float, panel, **kw):
    bold = kw.pop("bold", False)
    return ax.text(
        x_px / panel.width,
        y_px / panel.height,
        text,
        transform=ax.transAxes,
        fontsize=size,
        fontweight="bold" if bold else "normal",
        va="top",
        ha=kw.get("ha", "left"),
        color=INK,
        fontfamily=style.font_family,
        parse_math=False,
        gid="key",
    )
