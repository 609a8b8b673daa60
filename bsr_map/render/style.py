"""The cartographic style: colours, line weights and fonts of the map.

Colours follow atlas conventions: pale blue water, warm sand for the region's
member states, pale green for its partners, muted grey for the neighbours shown
for context; every two of them differ by a CIEDE2000 of at least 10
(:mod:`bsr_map.render.colour_difference`), so a reader tells them apart.
Sizes are in points so a map keeps its proportions on screen and on paper;
:meth:`MapStyle.scaled` enlarges text, lines and symbols together for a bigger
page or a screen seen from further away.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields, replace
from functools import cache

from matplotlib import font_manager

from bsr_map.render import mpl_internals
from bsr_map.util.paths import resources_dir

FONT_FAMILY = "Noto Sans"
#: Families tried in order for every glyph: Noto Sans covers Latin, Greek and
#: Cyrillic; IPAexGothic covers Japanese, so no label renders as empty boxes.
FONT_FAMILIES = (FONT_FAMILY, "IPAexGothic")


@cache
def register_fonts() -> str:
    """Register the bundled fonts with matplotlib and return the main family name.

    The map never depends on the fonts of the machine it runs on, so screen and
    print look the same everywhere.
    """
    folder = resources_dir() / "fonts"
    paths = sorted(folder.glob("*.ttf"))
    # A system copy of the same family (e.g. Debian's fonts-noto-core) must not win the match;
    # it goes before the bundled files are added, as adding them clears matplotlib's lookup cache.
    names = {font_manager.ttfFontProperty(font_manager.get_font(str(path))).name for path in paths}
    mpl_internals.forget_fonts_named(names, keep_folder=folder)
    for path in paths:
        font_manager.fontManager.addfont(str(path))
    mpl_internals.use_unhinted_text()
    # IPAexGothic has no bold face; matplotlib would log each time it substitutes the regular one.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    return FONT_FAMILY


@dataclass(frozen=True)
class MapStyle:
    """Colours (hex strings), line widths (points) and font sizes (points)."""

    sea: str = "#C6DCEA"
    member_land: str = "#F4E4B0"
    partner_land: str = "#DCEFD2"
    context_land: str = "#DAD8D3"
    coast: str = "#6E93AC"
    coast_width: float = 0.45
    lake_edge_width: float = 0.3
    border: str = "#8E7F92"
    border_width: float = 0.85
    border_halo: str = "#FFFFFF"
    admin1: str = "#D6CCB5"
    admin1_width: float = 0.35
    frame: str = "#56707F"
    country_label: str = "#4F4640"
    context_label: str = "#8C8884"
    sea_label: str = "#42739A"
    city_label: str = "#2E2A27"
    city_dot: str = "#2E2A27"
    halo: str = "#FFFFFF"
    #: Draw label halos as outline copies beneath the labels (print), not as path effects (screen).
    halo_underlay: bool = False
    font_family: tuple[str, ...] = FONT_FAMILIES
    country_font_size: float = 9.5
    sea_font_size: float = 8.5
    city_font_size: float = 7.0
    capital_font_size: float = 7.8
    #: How much every size in points (text, lines, symbols, offsets) is enlarged; see :meth:`scaled`.
    size_scale: float = 1.0

    def pt(self, points: float) -> float:
        """A size given in points at scale 1, at this style's scale."""
        return points * self.size_scale

    def scaled(self, factor: float) -> MapStyle:
        """The same style with text, lines and symbols ``factor`` times larger.

        Parameters
        ----------
        factor : float
            1.5 for a touch screen seen from arm's length, the page's size
            relative to A4 for print.

        Returns
        -------
        MapStyle

        Examples
        --------
        >>> DEFAULT_STYLE.scaled(2.0).country_font_size
        19.0
        """
        if factor <= 0:
            raise ValueError("a style's scale factor must be positive")
        sizes = {
            f.name: getattr(self, f.name) * factor
            for f in fields(self)
            if f.name.endswith(("_width", "_font_size")) or f.name == "size_scale"
        }
        return replace(self, **sizes)

    def land_colour(self, role: str) -> str:
        """Fill colour of a country with ``role`` member, partner or context."""
        return {"member": self.member_land, "partner": self.partner_land}.get(role, self.context_land)


DEFAULT_STYLE = MapStyle()
