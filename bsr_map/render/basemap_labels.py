"""Labels of the basemap: countries, seas and cities, in priority order.

The order decides who gives way when labels would collide. The region's ten
countries and their capitals are major labels: they are placed first, before
the agencies, and tried at many positions so that they show whenever they are
in view. The minor labels follow: the seas, the region's other cities by
population, and last the neighbours shown for context. A map page places the
agencies' names between the two (see :func:`draw_basemap_labels`'s ``tiers``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes

from bsr_map.render.labels import LabelPlacer, ring_positions, text_size
from bsr_map.render.point_symbols import add_points
from bsr_map.render.style import MapStyle

#: A city is labelled when its population reaches this many people per metre of
#: ground per pixel: at the whole-region view (about 3.5 km per pixel) that is
#: 400,000 people, zoomed in to 1 km per pixel, 120,000.
CITY_POPULATION_PER_MPP = 120.0
#: Neighbours' towns need this many times the population of the region's own.
CONTEXT_CITY_FACTOR = 4.0
#: City labels are offered right of the dot first, then left, above, below (points).
CITY_LABEL_POSITIONS = [
    (4.0, 0.0, "left", "center"),
    (-4.0, 0.0, "right", "center"),
    (0.0, 4.0, "center", "bottom"),
    (0.0, -4.0, "center", "top"),
    # further out, past agency markers gathered round the city's centre
    (11.0, 0.0, "left", "center"),
    (-11.0, 0.0, "right", "center"),
    (0.0, 11.0, "center", "bottom"),
    (0.0, -11.0, "center", "top"),
]
#: A country's name may move off its label point by up to a line, to make room.
COUNTRY_LABEL_POSITIONS = [
    (0.0, 0.0, "center", "center"),
    (0.0, -8.0, "center", "center"),
    (0.0, 8.0, "center", "center"),
    (-14.0, -4.0, "center", "center"),
    (14.0, -4.0, "center", "center"),
    (0.0, -16.0, "center", "center"),
]
#: A region capital's name is tried this far (points) from its dot, past agency markers around it.
CAPITAL_LABEL_DISTANCES = (4.0, 8.0, 12.0, 17.0, 23.0, 30.0)
#: A region country's name is tried at these offsets (points) from its label point, nearest first.
MAJOR_COUNTRY_OFFSETS = sorted(
    ((dx, dy) for dx in (0, -12, 12, -24, 24, -36, 36, -50, 50) for dy in (0, -8, 8, -16, 16, -26, 26, -38, 38)),
    key=lambda d: d[0] ** 2 + (1.6 * d[1]) ** 2,
)
#: Half the size of a city dot, in points (times the style's scale), kept free of labels.
DOT_RADIUS_PT = 1.8
#: The city population threshold is set for a screen of 100 dpi at style scale 1.
REFERENCE_DPI = 100.0


@dataclass
class _Label:
    rank: tuple
    x: float
    y: float
    text: str
    props: dict
    positions: list
    dot: str | None = None  # "capital", "city" or None
    bounds: tuple | None = None  # a country's extent, to drop names too big for it
    major: bool = False  # one of the ten countries or their capitals


def label_name(row, lang: str) -> str:
    """The feature's name in ``lang``, falling back to English."""
    value = row.get("name_en") if lang == "en" else row.get(f"name_{lang}")
    if value is None or (isinstance(value, float) and np.isnan(value)) or value in ("", "None"):
        value = row.get("name_en")
    return str(value)


def spaced_caps(text: str) -> str:
    """Upper case with hair spaces between letters, the atlas style for countries."""
    if any("\u3040" <= ch <= "\u9fff" for ch in text):  # no letter-spacing for CJK
        return text
    return "\u200a".join(text.upper()).replace("\u200a \u200a", "  ")


def two_lines(text: str) -> str:
    """Break a long name at the space nearest its middle."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return text[:cut] + "\n" + text[cut + 1 :]


def add_halo(text, style: MapStyle, width: float = 2.4) -> None:
    """Give a placed label a white outline that keeps it readable over lines and fills.

    On screen the outline is a path effect. For print (``style.halo_underlay``)
    it is a second, outline-only copy of the label drawn underneath: a path
    effect would turn the label itself into outlines, and a PDF's names must
    stay text that can be searched and copied.
    """
    if not style.halo_underlay:
        text.set_path_effects([patheffects.withStroke(linewidth=width, foreground=style.halo)])
        return
    under = text.axes.annotate(
        text.get_text(),
        text.xy,
        xytext=text.get_position(),
        textcoords=text.anncoords,
        fontproperties=text.get_fontproperties(),
        color=style.halo,
        ha=text.get_horizontalalignment(),
        va=text.get_verticalalignment(),
        rotation=text.get_rotation(),
        linespacing=text.get_linespacing(),
        zorder=text.get_zorder() - 0.01,
        annotation_clip=False,
        path_effects=[patheffects.Stroke(linewidth=width, foreground=style.halo)],
        parse_math=False,
        gid="halo",
    )
    under.set_clip_on(text.get_clip_on())


def capital_markers(ax: Axes, xs, ys, style: MapStyle) -> None:
    """A ringed dot, the atlas symbol for a capital."""
    k = style.size_scale**2
    add_points(
        ax, xs, ys, size=26 * k, facecolors=style.halo, edgecolors=style.city_dot, linewidths=style.pt(1.2), zorder=7.5
    )
    add_points(ax, xs, ys, size=5 * k, facecolors=style.city_dot, zorder=7.6)


def _country_labels(countries, style: MapStyle, lang: str) -> list[_Label]:
    labels = []
    for row in (
        countries.drop(columns="geometry")
        .assign(bounds=list(countries.geometry.bounds.itertuples(index=False, name=None)))
        .to_dict("records")
    ):
        context = row["role"] == "context"
        size = style.country_font_size + style.pt(max(0, 4 - int(row["labelrank"])) * 0.8 - (1.0 if context else 0.0))
        props = {
            "fontsize": size,
            "color": style.context_label if context else style.country_label,
            "fontweight": "normal" if context else "bold",
            "zorder": 7,
            "halo": style.pt(2.0),
        }
        rank = (4 if context else 1, int(row["labelrank"]), row["iso_a2"])
        positions = COUNTRY_LABEL_POSITIONS
        if not context:
            positions = [(style.pt(dx), style.pt(dy), "center", "center") for dx, dy in MAJOR_COUNTRY_OFFSETS]
        labels.append(
            _Label(
                rank,
                row["label_x"],
                row["label_y"],
                spaced_caps(label_name(row, lang)),
                props,
                positions if not context else [(style.pt(a), style.pt(b), h, v) for a, b, h, v in positions],
                bounds=row["bounds"],
                major=not context,
            )
        )
    return labels


def _sea_labels(basemap, style: MapStyle, lang: str) -> list[_Label]:
    labels = []
    for i, row in enumerate(basemap.layer("seas").itertuples()):
        name = label_name(row._asdict(), lang)
        props = {
            "fontsize": style.sea_font_size,
            "fontstyle": "italic",
            "color": style.sea_label,
            "rotation": row.rotation,
            "linespacing": 1.1,
            "zorder": 6,
        }
        labels.append(
            _Label(
                (2, i),
                row.geometry.x,
                row.geometry.y,
                two_lines(name) if len(name) > 14 else name,
                props,
                [(0.0, 0.0, "center", "center"), *ring_positions([style.pt(6)], directions=4)[2:]],
            )
        )
    return labels


def _city_labels(basemap, style: MapStyle, mpp: float, region: set[str], in_view) -> list[_Label]:
    cities = basemap.layer("cities")
    xs, ys = cities.geometry.x.to_numpy(), cities.geometry.y.to_numpy()
    in_region = cities.country.isin(region).to_numpy()
    min_population = mpp * CITY_POPULATION_PER_MPP * np.where(in_region, 1.0, CONTEXT_CITY_FACTOR)
    capital = cities.capital.to_numpy(dtype=bool)
    population = cities.population.to_numpy()
    # Capitals of the region always; the neighbours' only when they are real cities.
    shown = (population >= min_population) | (capital & (in_region | (population >= 200_000)))
    shown &= in_view(xs, ys)
    labels = []
    for i in np.flatnonzero(shown):
        if capital[i] and in_region[i]:
            group = 0
        elif in_region[i]:
            group = 3
        else:
            group = 5
        props = {
            "fontsize": style.capital_font_size if capital[i] else style.city_font_size,
            "color": style.city_label,
            "fontweight": "bold" if capital[i] else "normal",
            "zorder": 8,
            "halo": style.pt(2.4),
        }
        major = bool(capital[i] and in_region[i])
        if major:
            positions = ring_positions([style.pt(d) for d in CAPITAL_LABEL_DISTANCES])
        else:
            positions = [(style.pt(a), style.pt(b), h, v) for a, b, h, v in CITY_LABEL_POSITIONS]
        labels.append(
            _Label(
                (group, -int(population[i])),
                xs[i],
                ys[i],
                cities["name"].iat[i],
                props,
                positions,
                "capital" if capital[i] else "city",
                major=major,
            )
        )
    return labels


def draw_basemap_labels(
    ax: Axes,
    basemap,
    lod: str,
    style: MapStyle,
    lang: str,
    mpp: float,
    placer: LabelPlacer,
    artists,
    *,
    tiers: tuple[str, ...] = ("major", "minor"),
) -> None:
    """Place the basemap's labels on ``ax`` without overlaps, in priority order.

    Parameters
    ----------
    ax : Axes
        The map axes, its limits already set.
    basemap : Basemap
    lod : str
        The level of detail drawn; its country layer gives names and extents.
    style : MapStyle
    lang : str
        Label language.
    mpp : float
        Metres per device pixel, which (with the figure's dpi and the style's
        scale) decides how many cities are offered.
    placer : LabelPlacer
        Holds what is already placed (the inset, markers, furniture).
    artists : MapArtists
        Receives the placed labels and the names of those that did not fit.
    tiers : tuple of str
        ``"major"`` (the region's countries and capitals), ``"minor"`` (the
        rest), or both.
    """
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()

    def in_view(x, y):
        return (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax)

    countries = basemap.layer("countries", lod)
    region = set(countries.iso_a2[countries.role != "context"])
    # Country and sea names depend only on the level of detail, language and style: built once.
    fixed = basemap.derived(
        f"labels_{lod}_{lang}_{hash(style)}",
        lambda: _country_labels(countries, style, lang) + _sea_labels(basemap, style, lang),
    )
    # Cities are offered by population per ground distance of a point of type, whatever the dpi.
    dpi = ax.figure.dpi
    candidates = list(fixed) + _city_labels(
        basemap, style, mpp * dpi / REFERENCE_DPI / style.size_scale, region, in_view
    )
    candidates = [c for c in candidates if ("major" if c.major else "minor") in tiers]
    candidates.sort(key=lambda label: (not label.major, label.rank))
    to_display = ax.transData.transform
    dot_r = style.pt(DOT_RADIUS_PT) * dpi / 72.0
    dots: dict[str, tuple[list, list]] = {"capital": ([], []), "city": ([], [])}
    for label in candidates:
        if not in_view(label.x, label.y):
            continue
        dx, dy = to_display((label.x, label.y))
        r = dot_r * (1.9 if label.dot == "capital" else 1.0)
        dot_box = (dx - r, dy - r, dx + r, dy + r)
        if label.dot and not placer.fits(dot_box):
            artists.hidden_labels.append(label.text)
            continue
        props = dict(label.props)
        halo_width = props.pop("halo", None)
        text = ax.annotate(
            label.text,
            (label.x, label.y),
            xytext=(0, 0),
            textcoords="offset points",
            fontfamily=style.font_family,
            annotation_clip=False,
            parse_math=False,
            gid="label",
            **props,
        )
        if label.bounds is not None and not label.major:
            # A neighbour too small for its name at this zoom keeps no label.
            x0, y0, x1, y1 = label.bounds
            (px0, _), (px1, _) = to_display([(x0, y0), (x1, y1)])
            if text_size(text, placer.renderer)[0] > 1.6 * (px1 - px0):
                text.remove()
                continue
        if label.dot:
            placer.reserve(*dot_box)  # the label must not cover its own dot
        if placer.place(text, label.positions):
            if halo_width:
                add_halo(text, style, halo_width)
            artists.labels.append(text)
            if label.dot:
                dots[label.dot][0].append(label.x)
                dots[label.dot][1].append(label.y)
        else:
            if label.dot:
                placer.unreserve_last_symbol()
            artists.hidden_labels.append(label.text)
    add_points(
        ax,
        *dots["city"],
        size=7 * style.size_scale**2,
        facecolors=style.city_dot,
        edgecolors=style.halo,
        linewidths=style.pt(0.5),
        zorder=7.5,
    )
    capital_markers(ax, *dots["capital"], style)
