"""The directory table: the same agencies as the map, sortable, linked to the selection."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from bsr_map.explore import ExploreModel
from bsr_map.qt.filter_panel import country_name, swatch

COLUMNS = ("Name", "Type", "Country", "City", "Sectors", "Website")
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class AgencyTableModel(QAbstractTableModel):
    """Rows are the agencies passing the explore model's filters."""

    def __init__(self, model: ExploreModel, parent=None):
        super().__init__(parent)
        self._model = model
        self._rows = np.flatnonzero(model.mask)
        self._icons = {s.code: swatch(s.color, 12) for s in model.taxonomy.sectors}
        model.filters_changed.connect(self._on_model_filters_changed)

    def _on_model_filters_changed(self) -> None:
        self.beginResetModel()
        self._rows = np.flatnonzero(self._model.mask)
        self.endResetModel()

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
        directory = self._model.directory
        row = int(self._rows[index.row()])
        column = COLUMNS[index.column()]
        if role == ID_ROLE:
            return directory["id"].iat[row]
        if role == Qt.ItemDataRole.DecorationRole and column == "Name":
            sectors = directory["sectors"].iat[row]
            return self._icons.get(sectors[0]) if len(sectors) else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        taxonomy = self._model.taxonomy
        if column == "Name":
            return directory["name"].iat[row]
        if column == "Type":
            return taxonomy.agency_types.label(directory["type"].iat[row])
        if column == "Country":
            return country_name(directory["country"].iat[row])
        if column == "City":
            return directory["city"].iat[row]
        if column == "Sectors":
            return ", ".join(taxonomy.sectors.label(c) for c in directory["sectors"].iat[row])
        return directory["website"].iat[row]

    def proxy_row_of(self, agency_id: str) -> int | None:
        """Row of ``agency_id`` in this (unsorted) model, if shown."""
        hits = np.flatnonzero(self._rows == self._model.row_of(agency_id))
        return int(hits[0]) if len(hits) else None


class AgencyTable(QTableView):
    """A sortable view of :class:`AgencyTableModel` that selects in both directions."""

    def __init__(self, model: ExploreModel, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self.table_model = AgencyTableModel(model, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.table_model)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortLocaleAware(True)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
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
        """The id of the selected row, if any."""
        rows = self.selectionModel().selectedRows()
        return rows[0].data(ID_ROLE) if rows else None

    def row_of(self, agency_id: str) -> int | None:
        """The view row showing ``agency_id``, if shown."""
        source_row = self.table_model.proxy_row_of(agency_id)
        if source_row is None:
            return None
        return self.proxy.mapFromSource(self.table_model.index(source_row, 0)).row()

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
            index = self.proxy.index(row, 0)
            selection.select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                             | QItemSelectionModel.SelectionFlag.Rows)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.scrollTo(index)
        selection.blockSignals(False)
        self.viewport().update()
