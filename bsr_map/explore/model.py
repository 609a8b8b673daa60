"""The explore model: one directory, the current filters and the selected agency.

It is the single copy of this state; the map, table, filter panel and details
card all read it and change it through its methods, and follow its events.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from bsr_map.directory.taxonomy import Taxonomy
from bsr_map.util.events import Event
from bsr_map.explore.filtering import AgencyIndex, FilterState


class ExploreModel:
    """Filters and selection over a directory.

    Events
    ------
    directory_changed()
        A new directory was set (filters are kept, selection cleared).
    filters_changed()
        The filter state (and so :attr:`mask`) changed.
    selection_changed(str or None)
        Another agency was selected, or none.
    """

    def __init__(self, directory: gpd.GeoDataFrame, taxonomy: Taxonomy, source: str | Path | None = None):
        self.taxonomy = taxonomy
        self.directory_changed = Event()
        self.filters_changed = Event()
        self.selection_changed = Event()
        self._filters = FilterState()
        self._selected: str | None = None
        self._set(directory, source)

    def _set(self, directory: gpd.GeoDataFrame, source) -> None:
        self.directory = directory.reset_index(drop=True)
        # A file's path, or a shared database's URL (without password) as text.
        self.source = source if isinstance(source, str) and "://" in source else Path(source) if source else None
        self.index = AgencyIndex.build(self.directory, self.taxonomy.sectors.codes)
        # A pandas index finds a row by id with a compact hash table (a dict of 100,000 ids costs 6 MB).
        self._ids = pd.Index(self.directory["id"].to_numpy(dtype=object))
        self._mask = self.index.mask(self._filters)

    # -- directory -----------------------------------------------------------
    @property
    def source_name(self) -> str:
        """Where the directory comes from, for titles and footers: a file's name or a database's URL."""
        if self.source is None:
            return ""
        return self.source.name if isinstance(self.source, Path) else self.source

    def set_directory(self, directory: gpd.GeoDataFrame, source: str | Path | None = None) -> None:
        """Show another directory; filters stay, the selection is cleared."""
        self._selected = None
        self._set(directory, source)
        self.directory_changed.emit()
        self.filters_changed.emit()
        self.selection_changed.emit(None)

    # -- filters -------------------------------------------------------------
    @property
    def filters(self) -> FilterState:
        """The current filter state."""
        return self._filters

    @property
    def mask(self) -> np.ndarray:
        """Which rows of :attr:`directory` pass the filters."""
        return self._mask

    @property
    def filtered(self) -> gpd.GeoDataFrame:
        """The agencies that pass the filters (the directory itself when all pass: treat it as read-only)."""
        if self._mask.all():
            return self.directory  # no copy: at 100,000 agencies a copy costs tens of MB
        return self.directory[self._mask]

    @property
    def count(self) -> int:
        """How many agencies pass the filters."""
        return int(self._mask.sum())

    def counts(self) -> dict[str, dict[str, int]]:
        """Facet counts for the current filters (see :meth:`AgencyIndex.counts`)."""
        return self.index.counts(self._filters)

    def set_filters(self, state: FilterState) -> None:
        """Apply ``state``; a selected agency that no longer passes is deselected."""
        if state == self._filters:
            return
        self._filters = state
        self._mask = self.index.mask(state)
        self.filters_changed.emit()
        if self._selected is not None and not self._mask[self.row_of(self._selected)]:
            self.select(None)

    def toggle(self, facet: str, value: str) -> None:
        """Tick or untick one value of a facet (countries, sectors, types)."""
        self.set_filters(self._filters.toggled(facet, value))

    def set_text(self, text: str) -> None:
        """Set the free-text search."""
        self.set_filters(replace(self._filters, text=text))

    def set_sector_mode(self, mode: str) -> None:
        """Sectors any-of ("any") or all-of ("all")."""
        self.set_filters(replace(self._filters, sector_mode=mode))

    def clear_filters(self) -> None:
        """Remove every filter (sectors go back to any-of)."""
        self.set_filters(FilterState())

    # -- selection -----------------------------------------------------------
    @property
    def selected_id(self) -> str | None:
        """The selected agency's id, or None."""
        return self._selected

    @property
    def selected(self) -> dict | None:
        """The selected agency's record, or None."""
        if self._selected is None:
            return None
        return self.directory.iloc[self.row_of(self._selected)].to_dict()

    def select(self, agency_id: str | None) -> None:
        """Select an agency by id (None clears the selection)."""
        if agency_id is not None and agency_id not in self._ids:
            raise KeyError(f"No agency with id {agency_id!r}")
        if agency_id == self._selected:
            return
        self._selected = agency_id
        self.selection_changed.emit(agency_id)

    def row_of(self, agency_id: str) -> int:
        """Row of ``agency_id`` in :attr:`directory`."""
        return int(self._ids.get_loc(agency_id))
