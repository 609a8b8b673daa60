"""Filters described in words, for subtitles, headers and the status bar."""

from __future__ import annotations

from bsr_map.directory.schema import country_name
from bsr_map.directory.taxonomy import Taxonomy
from bsr_map.explore.filtering import SECTOR_ALL, FilterState


def describe_filters(state: FilterState, taxonomy: Taxonomy, count: int) -> str:
    """A one-line description of a filter, for subtitles and headers.

    Examples: "All 67 agencies", "Finland, Estonia · ICT & digital · 9 agencies".
    """
    parts = []
    if state.countries:
        parts.append(", ".join(sorted(country_name(c) for c in state.countries)))
    if state.sectors:
        joiner = " and " if state.sector_mode == SECTOR_ALL else " or "
        parts.append(joiner.join(taxonomy.sectors.label(c) for c in taxonomy.sectors.codes if c in state.sectors))
    if state.types:
        parts.append(", ".join(taxonomy.agency_types.label(t) for t in taxonomy.agency_types.codes if t in state.types))
    if state.text.strip():
        parts.append(f"“{state.text.strip()}”")
    noun = "agency" if count == 1 else "agencies"
    return " · ".join([*parts, f"{count} {noun}"]) if parts else f"All {count} {noun}"
