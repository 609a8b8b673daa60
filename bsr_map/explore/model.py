"""The explore model: one directory, the current filters and the selected agency.

It is the single copy of this state; the map, table, filter panel and details
card all read it and change it through its methods, and follow its events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from bsr_map.directory.model import COORDINATE_DECIMALS, directory_from_records, directory_records
from bsr_map.directory.schema import FIELD_NAMES
from bsr_map.directory.taxonomy import Taxonomy
from bsr_map.explore.filtering import AgencyIndex, FilterState
from bsr_map.geo.projection import from_lonlat, to_lonlat
from bsr_map.util.events import Event

#: Above this many records, :meth:`ExploreModel.records` converts them column by column.
_RECORDS_BY_COLUMN = 64


class ExploreModel:
    """Filters and selection over a directory.

    Events
    ------
    directory_changed()
        A new directory was set (filters are kept, selection cleared), or
        :meth:`apply_changes` added, removed or reordered agencies (the
        selection is kept while the agency is there and passes the filters).
    agencies_changed(list of str)
        :meth:`apply_changes` replaced these agencies' records in place: same
        rows, same ids, new values. Emitted before ``filters_changed``.
    filters_changed()
        The filter state (and so :attr:`mask`) changed.
    selection_changed(str or None)
        Another agency was selected, or none.
    """

    def __init__(self, directory: gpd.GeoDataFrame, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        self.directory_changed = Event()
        self.agencies_changed = Event()
        self.filters_changed = Event()
        self.selection_changed = Event()
        self._filters = FilterState()
        self._selected: str | None = None
        self._set(directory)

    def _set(self, directory: gpd.GeoDataFrame) -> None:
        self.directory = directory.reset_index(drop=True)
        self.index = AgencyIndex.build(self.directory, self.taxonomy.sectors.codes)
        # A pandas index finds a row by id with a compact hash table (a dict of 100,000 ids costs 6 MB).
        self._ids = pd.Index(self.directory["id"].to_numpy(dtype=object))
        self._mask = self.index.mask(self._filters)

    # -- directory -----------------------------------------------------------
    def set_directory(self, directory: gpd.GeoDataFrame) -> None:
        """Show another directory; filters stay, the selection is cleared."""
        self._selected = None
        self._set(directory)
        self.directory_changed.emit()
        self.filters_changed.emit()
        self.selection_changed.emit(None)

    # -- records and edits ---------------------------------------------------
    def record(self, agency_id: str) -> dict:
        """One agency as a record, in the format of :func:`~bsr_map.directory.model.directory_records`.

        Parameters
        ----------
        agency_id : str

        Returns
        -------
        dict
            The schema's fields in order, then ``lat`` and ``lon`` in degrees
            (rounded as files store them). List values are the directory's own
            lists: do not change them in place.

        Raises
        ------
        KeyError
            When no agency has that id.
        """
        return self._record_at(self.row_of(agency_id))

    def records(self, ids: Iterable[str]) -> list[dict]:
        """The records of ``ids`` (each once), in directory order.

        The cost is proportional to the number of ids, not to the directory's size.

        Raises
        ------
        KeyError
            When an id is not in the directory.
        """
        wanted = list(ids)
        rows = self._ids.get_indexer(wanted) if wanted else np.zeros(0, dtype=np.intp)
        if (rows < 0).any():
            missing = [i for i, r in zip(wanted, rows.tolist(), strict=True) if r < 0]
            raise KeyError(
                f"No agency with id {missing[0]!r}" + (f" (and {len(missing) - 1} more)" if missing[1:] else "")
            )
        rows = np.unique(rows)
        if len(rows) <= _RECORDS_BY_COLUMN:
            return [self._record_at(row) for row in rows.tolist()]
        return directory_records(self.directory.iloc[rows])

    def _record_at(self, row: int) -> dict:
        frame = self.directory
        record = {}
        for name in FIELD_NAMES:
            value = frame[name].array[row]
            record[name] = value.item() if isinstance(value, np.generic) else value
        point = frame.geometry.array[row]
        # Rounded as arrays are in directory_records, so both give the same numbers.
        lon, lat = np.round(to_lonlat(np.array([point.x]), np.array([point.y])), COORDINATE_DECIMALS)
        record["lat"], record["lon"] = float(lat[0]), float(lon[0])
        return record

    def apply_changes(self, changes: dict[str, dict | None], order: list[str] | None = None) -> None:
        """Set or remove agencies by id (the edits of the editing form, undo and redo).

        A record whose id is in the directory replaces that row where it is;
        new ids are added at the end. When every change replaces an existing
        row, only those rows are updated — the directory's rows, the filter
        index and the filter mask — and ``agencies_changed`` is emitted; adding,
        removing or reordering rows builds the directory anew and emits
        ``directory_changed``. Either way ``filters_changed`` follows when the
        filter result changed, and a selected agency that was removed or no
        longer passes the filters is deselected (``selection_changed(None)``).

        :attr:`directory` becomes a new frame (sharing the unchanged columns):
        a frame taken from it before, e.g. by an export in the background,
        keeps its values.

        Parameters
        ----------
        changes : dict
            Agency id -> its new record (the format of :meth:`record`; its
            ``id`` must be the key), or None to remove the agency (an id that
            is not there is ignored).
        order : list of str, optional
            Every id in the row order wanted, e.g. to put deleted agencies back
            where they were on undo. Ids that are not there are skipped; ids
            missing from it keep their order after the listed ones.

        Raises
        ------
        ValueError
            When a record's ``id`` differs from its key.
        """
        for agency_id, record in changes.items():
            if record is not None and record.get("id") != agency_id:
                raise ValueError(f"The record under id {agency_id!r} has the id {record.get('id')!r}")
        present = self._ids.get_indexer(list(changes)) if changes else np.zeros(0, dtype=np.intp)
        replaced = {
            i: r for (i, r), row in zip(changes.items(), present.tolist(), strict=True) if r is not None and row >= 0
        }
        added = {
            i: r for (i, r), row in zip(changes.items(), present.tolist(), strict=True) if r is not None and row < 0
        }
        removed = [i for (i, r), row in zip(changes.items(), present.tolist(), strict=True) if r is None and row >= 0]
        reordered = order is not None and not self._is_current_order(order)
        if added or removed or reordered:
            self._rebuild(replaced, added, removed, order)
        elif replaced:
            self._replace_rows(replaced)

    def _is_current_order(self, order: list[str]) -> bool:
        return len(order) == len(self._ids) and bool((self._ids.to_numpy() == np.asarray(order, dtype=object)).all())

    def _replace_rows(self, records: dict[str, dict]) -> None:
        """Write records over their rows, then patch the index and the mask for those rows only."""
        rows = self._ids.get_indexer(list(records))
        values = list(records.values())
        self.directory = _write_rows(self.directory, rows, values)
        self.index.update_rows(rows, values)
        passes = self.index.mask(self._filters, rows)
        filters_changed = bool((passes != self._mask[rows]).any())
        if filters_changed:
            self._mask = self._mask.copy()  # a new array: a view holding the old one compares against it
            self._mask[rows] = passes
        deselect = self._selected is not None and not self._mask[self.row_of(self._selected)]
        if deselect:
            self._selected = None
        self.agencies_changed.emit(list(records))
        if filters_changed:
            self.filters_changed.emit()
        if deselect:
            self.selection_changed.emit(None)

    def _rebuild(
        self, replaced: dict[str, dict], added: dict[str, dict], removed: list[str], order: list[str] | None
    ) -> None:
        """Build the directory anew from its rows and the changes (no conversion of unchanged rows)."""
        frame = self.directory
        if replaced:
            frame = _write_rows(frame, self._ids.get_indexer(list(replaced)), list(replaced.values()))
        if removed:
            frame = frame[~frame["id"].isin(removed).to_numpy()]
        if added:
            frame = pd.concat([frame, directory_from_records(list(added.values()))], ignore_index=True)
        if order is not None:
            ids = pd.Index(frame["id"].to_numpy(dtype=object))
            listed = ids.get_indexer(pd.unique(np.asarray(order, dtype=object)))
            listed = listed[listed >= 0]
            rest = np.setdiff1d(np.arange(len(frame)), listed)  # sorted: the current order
            frame = frame.iloc[np.concatenate([listed, rest])]
        old_mask = self._mask
        self._set(frame)
        deselect = self._selected is not None and (
            self._selected not in self._ids or not self._mask[self.row_of(self._selected)]
        )
        if deselect:
            self._selected = None
        self.directory_changed.emit()
        if not np.array_equal(old_mask, self._mask):
            self.filters_changed.emit()
        if deselect:
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


def _write_rows(directory: gpd.GeoDataFrame, rows: np.ndarray, records: list[dict]) -> gpd.GeoDataFrame:
    """A copy of ``directory`` with ``records`` in ``rows``: only the columns that changed are new arrays."""
    frame = directory.copy(deep=False)  # copy-on-write: the caller's frame keeps its values
    for name in FIELD_NAMES:
        column = frame[name]
        old = column.array[rows]
        new = np.empty(len(records), dtype=object)  # filled one by one: lists must stay lists, not become rows
        for i, record in enumerate(records):
            new[i] = record[name]
        if all(_same(a, b) for a, b in zip(old, new, strict=True)):
            continue
        try:
            values = column.array.copy()  # keeps the column's type (text stays text)
            values[rows] = new
        except (TypeError, ValueError):  # a value the type cannot hold, e.g. text in a column read as all-missing
            values = column.to_numpy(dtype=object, copy=True)
            values[rows] = new
        frame[name] = values
    lonlat = np.round(np.array([(r["lon"], r["lat"]) for r in records], dtype=float), COORDINATE_DECIMALS)
    geometry = frame.geometry.array
    points = np.asarray(geometry[rows])
    x, y = shapely.get_x(points), shapely.get_y(points)
    # A position counts as changed at the precision of files: a record read back unchanged keeps its point.
    current = np.round(np.column_stack(to_lonlat(x, y)), COORDINATE_DECIMALS)
    moved = ~(current == lonlat).all(axis=1)
    if moved.any():
        new_x, new_y = from_lonlat(lonlat[moved, 0], lonlat[moved, 1])
        geometry = geometry.copy()
        geometry[rows[moved]] = shapely.points(np.asarray(new_x), np.asarray(new_y))
        frame[frame.geometry.name] = geometry
    return frame


def _same(a: object, b: object) -> bool:
    """Equal values, a missing value (None, NaN) equal to another."""
    if a is b:
        return True
    try:
        equal = a == b
    except Exception:  # e.g. an array against a list
        return False
    if isinstance(equal, bool | np.bool_):
        return bool(equal) or (pd.api.types.is_scalar(a) and pd.api.types.is_scalar(b) and pd.isna(a) and pd.isna(b))
    return False
