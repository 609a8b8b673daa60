"""The soft-deleted agencies of a shared directory, with who deleted them and when, to bring back."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from bsr_map.qt.conflict_dialog import _when
from bsr_map.store.base import DeletedAgency


class DeletedAgenciesDialog(QDialog):
    """A list of deleted agencies; the selected ones are restored on "Restore".

    Parameters
    ----------
    deleted : list of DeletedAgency
    where : str
        The store's location, for the explanation.
    """

    def __init__(self, deleted: list[DeletedAgency], where: str, parent=None):
        super().__init__(parent)
        self.deleted = deleted
        self.setWindowTitle("Deleted agencies")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        text = (
            f"{len(deleted)} agencies were deleted from {where}. Deletions are kept with who made them and "
            "when; select agencies and restore them."
            if deleted
            else f"No agency has been deleted from {where}."
        )
        intro = QLabel(text)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(deleted), 4)
        self.table.setHorizontalHeaderLabels(["Agency", "Country", "Deleted by", "Deleted on"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for row, item in enumerate(deleted):
            for column, value in enumerate(
                (item.record["name"], item.record["country"], item.deleted_by, _when(item.deleted_at))
            ):
                self.table.setItem(row, column, QTableWidgetItem(str(value)))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = buttons.addButton("Restore selected", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(False)
        self.table.itemSelectionChanged.connect(
            lambda: self.restore_button.setEnabled(bool(self.table.selectionModel().selectedRows()))
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def select_ids(self, agency_ids) -> None:
        """Select the rows of ``agency_ids``."""
        wanted = set(agency_ids)
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row, item in enumerate(self.deleted):
            if item.record["id"] in wanted:
                selection.select(self.table.model().index(row, 0), flags)

    def selected_ids(self) -> list[str]:
        """The ids of the selected deleted agencies."""
        return [self.deleted[index.row()].record["id"] for index in self.table.selectionModel().selectedRows()]
