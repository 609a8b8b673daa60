"""The directory table: the same agencies as the map, sortable, linked to the selection."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from bsr_map.explore.model import ExploreModel
from bsr_map.explore.filtering import search_key
from bsr_map.directory.schema import country_name
from bsr_map.qt.filter_panel import swatch

COLUMNS = ("Name", "Type", "Country", "City", "Sectors", "Website")
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class AgencyTableModel(QAbstractTableModel):
    """Rows are the agencies passing the explore model's filters, in the chosen sort order.

    Cell texts and sort orders are computed once per directory as arrays, so a
    filter change or a sort over 100,000 agencies is a few numpy operations.
    """

    def __init__(self, model: ExploreModel, parent=None):
        super().__init__(parent)
        self._model = model
        self._icons = {s.code: swatch(s.color, 12) for s in model.taxonomy.sectors}
        self._sort_column, self._sort_order = 0, Qt.SortOrder.AscendingOrder
        self._prepare()
        model.directory_changed.connect(self._on_model_directory_changed)
        model.filters_changed.connect(self._on_model_filters_changed)

    def _prepare(self) -> None:
        directory, taxonomy = self._model.directory, self._model.taxonomy
        sector_labels = {s.code: s.label for s in taxonomy.sectors}
        type_labels = {t.code: t.label for t in taxonomy.agency_types}
        names, joined = {}, {}
        self._ids = directory["id"].to_numpy(dtype=object)
        self._primary = np.array([s[0] if len(s) else "" for s in directory["sectors"]], dtype=object)
        self._cells = [
            directory["name"].to_numpy(dtype=object),
            np.array([type_labels.get(t, t) for t in directory["type"]], dtype=object),
            np.array([names.setdefault(c, country_name(c)) for c in directory["country"]], dtype=object),
            directory["city"].to_numpy(dtype=object),
            np.array([self._sector_text(s, sector_labels, joined) for s in directory["sectors"]], dtype=object),
            directory["website"].to_numpy(dtype=object),
        ]
        self._sort_keys = [None] * len(COLUMNS)  # argsort per column, computed when first sorted by it
        self._update_rows()

    @staticmethod
    def _sector_text(codes, labels: dict, joined: dict) -> str:
        """The sectors as one text; each combination's text is made once and shared (100,000 rows repeat them)."""
        key = tuple(codes)
        if key not in joined:
            joined[key] = ", ".join(labels.get(c, c) for c in codes)
        return joined[key]

    def _order(self) -> np.ndarray:
        column = self._sort_column
        if self._sort_keys[column] is None:
            keys = np.array([search_key(v) for v in self._cells[column]], dtype=object)
            self._sort_keys[column] = np.argsort(keys, kind="stable")
        order = self._sort_keys[column]
        return order[::-1] if self._sort_order == Qt.SortOrder.DescendingOrder else order

    def _update_rows(self) -> None:
        order = self._order()
        self._rows = order[self._model.mask[order]]
        self._position = {}

    def _on_model_directory_changed(self) -> None:
        self.beginResetModel()
        self._prepare()
        self.endResetModel()

    def _on_model_filters_changed(self) -> None:
        self.beginResetModel()
        self._update_rows()
        self.endResetModel()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort_column, self._sort_order = column, order
        self._update_rows()
        self.layoutChanged.emit()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
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
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cells[index.column()][row]
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
        model.filters_changed.connect(lambda: self._on_model_selection_changed(model.selected_id))

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
            selection.select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                             | QItemSelectionModel.SelectionFlag.Rows)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.scrollTo(index)
        selection.blockSignals(False)
        self.viewport().update()
