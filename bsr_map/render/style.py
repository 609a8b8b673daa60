"""The cartographic style: colours, line weights and fonts of the map.

Colours follow atlas conventions: pale blue water, warm cream for the region's
member and partner states, muted grey for the neighbours shown for context.
Sizes are in points so a map keeps its proportions on screen and on paper.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
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
    member_land: str = "#F7F0DC"
    partner_land: str = "#F1ECD7"
    context_land: str = "#E3E1DC"
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

    def land_colour(self, role: str) -> str:
        """Fill colour of a country with ``role`` member, partner or context."""
        return {"member": self.member_land, "partner": self.partner_land}.get(role, self.context_land)


DEFAULT_STYLE = MapStyle()
