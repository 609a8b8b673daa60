"""The directory table: the same agencies as the map, sortable, linked to the selection."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from bsr_map.directory.schema import country_name
from bsr_map.explore.filtering import search_key
from bsr_map.explore.model import ExploreModel
from bsr_map.qt.filter_panel import swatch
from bsr_map.qt.plain_text import literal_html

COLUMNS = ("Name", "Type", "Country", "City", "Sectors", "Website")
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class AgencyTableModel(QAbstractTableModel):
    """Rows are the agencies passing the explore model's filters, in the chosen sort order.

    Cell texts and sort orders are computed once per directory as arrays, so a
    filter change or a sort over 100,000 agencies is a few numpy operations. An
    edit in place (``agencies_changed``) patches the edited rows' cells and
    sort positions and tells the view about just those rows.
    """

    def __init__(self, model: ExploreModel, parent=None):
        super().__init__(parent)
        self._model = model
        self._icons = {s.code: swatch(s.color, 12) for s in model.taxonomy.sectors}
        self._sort_column, self._sort_order = 0, Qt.SortOrder.AscendingOrder
        self._sector_labels = {s.code: s.label for s in model.taxonomy.sectors}
        self._type_labels = {t.code: t.label for t in model.taxonomy.agency_types}
        self._prepare()
        model.directory_changed.connect(self._on_model_directory_changed)
        model.agencies_changed.connect(self._on_model_agencies_changed)
        model.filters_changed.connect(self._on_model_filters_changed)

    def _prepare(self) -> None:
        directory = self._model.directory
        names: dict[str, str] = {}
        self._joined: dict[tuple, str] = {}
        self._ids = directory["id"].to_numpy(dtype=object)
        self._primary = np.array([s[0] if len(s) else "" for s in directory["sectors"]], dtype=object)
        # Own, writable copies: an edit patches them in place.
        self._cells = [
            np.array(directory["name"].to_numpy(dtype=object), dtype=object),
            np.array([self._type_labels.get(t, t) for t in directory["type"]], dtype=object),
            np.array([names.setdefault(c, country_name(c)) for c in directory["country"]], dtype=object),
            np.array(directory["city"].to_numpy(dtype=object), dtype=object),
            np.array([self._sector_text(s) for s in directory["sectors"]], dtype=object),
            np.array(directory["website"].to_numpy(dtype=object), dtype=object),
        ]
        # Per column, computed when first sorted by it: the cells folded for sorting, and their stable argsort.
        self._keys: list[np.ndarray | None] = [None] * len(COLUMNS)
        self._sort_keys: list[np.ndarray | None] = [None] * len(COLUMNS)
        self._rows = self._visible_rows()
        self._position: dict = {}

    def _sector_text(self, codes) -> str:
        """The sectors as one text; each combination's text is made once and shared (100,000 rows repeat them)."""
        key = tuple(codes)
        if key not in self._joined:
            self._joined[key] = ", ".join(self._sector_labels.get(c, c) for c in codes)
        return self._joined[key]

    def _row_cells(self, row: int) -> list:
        """The cell texts of directory row ``row``, as :meth:`_prepare` makes them."""
        directory = self._model.directory
        value = {name: directory[name].array[row] for name in ("name", "type", "country", "city", "sectors", "website")}
        return [
            value["name"],
            self._type_labels.get(value["type"], value["type"]),
            country_name(value["country"]),
            value["city"],
            self._sector_text(value["sectors"]),
            value["website"],
        ]

    def _order(self) -> np.ndarray:
        column = self._sort_column
        order = self._sort_keys[column]
        if order is None:
            keys = self._keys[column] = np.array([search_key(v) for v in self._cells[column]], dtype=object)
            order = self._sort_keys[column] = np.argsort(keys, kind="stable")
        return order[::-1] if self._sort_order == Qt.SortOrder.DescendingOrder else order

    def _visible_rows(self) -> np.ndarray:
        order = self._order()
        return order[self._model.mask[order]]

    def _on_model_directory_changed(self) -> None:
        self.beginResetModel()
        self._prepare()
        self.endResetModel()

    def _on_model_filters_changed(self) -> None:
        rows = self._visible_rows()
        if np.array_equal(rows, self._rows):
            return  # e.g. an edit already moved its rows; a reset would lose the view's place
        self.beginResetModel()
        self._rows, self._position = rows, {}
        self.endResetModel()

    def _on_model_agencies_changed(self, ids: list[str]) -> None:
        rows = np.array([self._model.row_of(i) for i in ids], dtype=np.intp)
        sectors = self._model.directory["sectors"].array
        resort = set()
        for row in rows.tolist():
            self._primary[row] = sectors[row][0] if len(sectors[row]) else ""
            for column, text in enumerate(self._row_cells(row)):
                if self._cells[column][row] != text:
                    self._cells[column][row] = text
                    resort.add(column)
        for column in sorted(resort):
            self._resort(column, rows)
        self._follow(self._visible_rows(), rows)

    def _resort(self, column: int, rows: np.ndarray) -> None:
        """Put ``rows`` back in their sorted places in ``column``'s order (without sorting the others again)."""
        keys, order = self._keys[column], self._sort_keys[column]
        if keys is None or order is None:
            return  # never sorted by it: the keys are made from the cells when first needed
        for row in rows.tolist():
            keys[row] = search_key(self._cells[column][row])
        rest = order[~np.isin(order, rows)]
        rest_keys = keys[rest]
        # The stable order sorts by (key, row): among equal keys the new row goes by its row number.
        places = []
        for row in sorted(rows.tolist(), key=lambda r: (keys[r], r)):
            low = int(np.searchsorted(rest_keys, keys[row], side="left"))
            high = int(np.searchsorted(rest_keys, keys[row], side="right"))
            places.append((low + int(np.searchsorted(rest[low:high], row)), row))
        self._sort_keys[column] = np.insert(rest, [p for p, _ in places], [r for _, r in places])

    #: Above this many rows entering or leaving the table at once, the view is reset instead.
    MAX_ROW_MOVES = 50

    def _follow(self, new: np.ndarray, changed: np.ndarray) -> None:
        """Go from the shown rows to ``new``, where only the ``changed`` directory rows moved, came or went.

        The view hears of exactly that: cells changed, rows removed, moved (a
        layout change that keeps the selection on its agencies) or inserted.
        """
        old = self._rows
        if np.array_equal(old, new):
            for position in np.flatnonzero(np.isin(old, changed)).tolist():
                self.dataChanged.emit(self.index(position, 0), self.index(position, len(COLUMNS) - 1))
            return
        leaving = changed[np.isin(changed, old) & ~np.isin(changed, new)]
        entering = changed[~np.isin(changed, old) & np.isin(changed, new)]
        if len(leaving) + len(entering) > self.MAX_ROW_MOVES:
            self.beginResetModel()
            self._rows, self._position = new, {}
            self.endResetModel()
            return
        self._position = {}
        for position in sorted(np.flatnonzero(np.isin(old, leaving)).tolist(), reverse=True):
            self.beginRemoveRows(QModelIndex(), position, position)
            self._rows = np.delete(self._rows, position)
            self.endRemoveRows()
        staying = new[~np.isin(new, entering)]
        if not np.array_equal(staying, self._rows):
            self._relayout(staying)
        for position in np.flatnonzero(np.isin(new, entering)).tolist():
            self.beginInsertRows(QModelIndex(), position, position)
            self._rows = np.insert(self._rows, position, new[position])
            self.endInsertRows()
        for position in np.flatnonzero(np.isin(self._rows, changed)).tolist():
            self.dataChanged.emit(self.index(position, 0), self.index(position, len(COLUMNS) - 1))

    def _relayout(self, rows: np.ndarray) -> None:
        """Show the same agencies as now in another order; selected agencies stay selected."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        agencies = [int(self._rows[index.row()]) for index in persistent]
        self._rows, self._position = rows, {}
        places = {agency: int(np.flatnonzero(rows == agency)[0]) for agency in set(agencies)}
        self.changePersistentIndexList(
            persistent, [self.index(places[a], index.column()) for a, index in zip(agencies, persistent, strict=True)]
        )
        self.layoutChanged.emit()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        rows = self._visible_rows()
        if not np.array_equal(rows, self._rows):
            self._relayout(rows)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = int(self._rows[index.row()])
        if role == ID_ROLE:
            return self._ids[row]
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            return self._icons.get(self._primary[row])
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.column()][row]
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self._cells[index.column()][row]
            return literal_html(str(text)) if text else None  # agency text, never markup
        return None

    def row_of(self, agency_id: str) -> int | None:
        """Row showing ``agency_id``, if it passes the filters."""
        if not self._position:
            self._position = {self._ids[r]: i for i, r in enumerate(self._rows.tolist())}
        return self._position.get(agency_id)


class AgencyTable(QTableView):
    """A sortable view of :class:`AgencyTableModel` that selects in both directions."""

    def __init__(self, model: ExploreModel, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self.table_model = AgencyTableModel(model, self)
        self.setModel(self.table_model)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((300, 150, 110, 120, 320)):
            self.setColumnWidth(column, width)
        self.selectionModel().selectionChanged.connect(self._on_view_selection_changed)
        model.selection_changed.connect(self._on_model_selection_changed)
        # After the table model has followed the change (it connected first), show the selection again.
        model.filters_changed.connect(lambda: self._on_model_selection_changed(model.selected_id))
        model.directory_changed.connect(lambda: self._on_model_selection_changed(model.selected_id))
        model.agencies_changed.connect(lambda _ids: self._on_model_selection_changed(model.selected_id))

    def selected_id(self) -> str | None:
        """The id of the current selected row, if any."""
        current = self.selectionModel().currentIndex()
        ids = self.selected_ids()
        if current.isValid() and current.data(ID_ROLE) in ids:
            return current.data(ID_ROLE)
        return ids[0] if ids else None

    def selected_ids(self) -> list[str]:
        """The ids of every selected row (several can be selected to edit them at once)."""
        return [index.data(ID_ROLE) for index in self.selectionModel().selectedRows()]

    def row_of(self, agency_id: str) -> int | None:
        """The view row showing ``agency_id``, if shown."""
        return self.table_model.row_of(agency_id)

    def _on_view_selection_changed(self, *_args) -> None:
        agency_id = self.selected_id()
        if agency_id != self._model.selected_id:
            self._model.select(agency_id)

    def _on_model_selection_changed(self, agency_id: str | None) -> None:
        if agency_id == self.selected_id():
            return
        selection = self.selectionModel()
        selection.blockSignals(True)
        selection.clearSelection()
        row = self.row_of(agency_id) if agency_id else None
        if row is not None:
            index = self.table_model.index(row, 0)
            selection.select(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.scrollTo(index)
        selection.blockSignals(False)
        self.viewport().update()
