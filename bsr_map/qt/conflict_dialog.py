"""Settling a refused save: both versions of each agency, field by field, and the person chooses."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bsr_map.directory.schema import FIELDS
from bsr_map.store.base import Conflict
from bsr_map.store.conflicts import MINE, THEIRS, merge_record

_LABELS = {f.name: f.label for f in FIELDS}
#: What one row of the dialog stands for: the location is one choice, not two.
LOCATION = "lat"


def _text(record: dict, name: str) -> str:
    if name == LOCATION:
        return f"{record['lat']:.5f}, {record['lon']:.5f}"
    value = record.get(name)
    if isinstance(value, (list, tuple)):
        return ", ".join(value) or "—"
    return str(value) if value not in (None, "") else "—"


def _when(stamp: str) -> str:
    """An ISO time stamp in the user's time zone, as people write it."""
    try:
        return dt.datetime.fromisoformat(stamp).astimezone().strftime("%d %b %Y, %H:%M")
    except ValueError:
        return stamp


class ConflictDialog(QDialog):
    """Both versions of every conflicting agency; a choice per differing field.

    Parameters
    ----------
    conflicts : list of Conflict
    where : str
        The store's location, for the explanation.
    """

    def __init__(self, conflicts: list[Conflict], where: str, parent=None):
        super().__init__(parent)
        self.conflicts = conflicts
        self.setWindowTitle("Someone else changed these agencies")
        self.resize(820, 560)
        self._groups: dict[tuple[str, str], QButtonGroup] = {}  # (agency id, field) -> mine/theirs buttons
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{len(conflicts)} of the agencies you edited were changed or deleted in {where} since you "
            "loaded them. <b>Nothing has been saved.</b> For each difference choose the value to keep; "
            "the agencies are then saved with your choices."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        scroll = QScrollArea(widgetResizable=True)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        for conflict in conflicts:
            body_layout.addWidget(self._conflict_box(conflict))
        body_layout.addStretch(1)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        buttons = QDialogButtonBox()
        self.all_mine = QPushButton("Keep all mine")
        self.all_theirs = QPushButton("Take all theirs")
        buttons.addButton(self.all_mine, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.addButton(self.all_theirs, QDialogButtonBox.ButtonRole.ResetRole)
        self.save_button = buttons.addButton("Save with these choices", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Cancel, save nothing", QDialogButtonBox.ButtonRole.RejectRole)
        self.all_mine.clicked.connect(lambda: self.choose_all(MINE))
        self.all_theirs.clicked.connect(lambda: self.choose_all(THEIRS))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _conflict_box(self, conflict: Conflict) -> QGroupBox:
        record = conflict.mine or conflict.theirs or {}
        who = f" by {conflict.theirs_by}" if conflict.theirs_by else ""
        when = f", {_when(conflict.theirs_at)}" if conflict.theirs_at else ""
        what = "deleted" if conflict.theirs is None else "changed"
        box = QGroupBox(f"{record.get('name', conflict.agency_id)} ({conflict.agency_id}) — {what}{who}{when}")
        table = QTableWidget(0, 3)
        table.setHorizontalHeaderLabels(["Field", "Your version", "Their version"])
        table.verticalHeader().hide()
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        if conflict.mine is None or conflict.theirs is None:
            rows = [
                (
                    "name",
                    "Agency",
                    "You deleted it" if conflict.mine is None else "Keep it, with your changes",
                    "They deleted it" if conflict.theirs is None else "Keep it, with their changes",
                )
            ]
        else:
            rows = [
                (
                    name,
                    "Location" if name == LOCATION else _LABELS[name],
                    _text(conflict.mine, name),
                    _text(conflict.theirs, name),
                )
                for name in conflict.differing_fields()
                if name != "lon"
            ]
            if "lon" in conflict.differing_fields() and LOCATION not in conflict.differing_fields():
                rows.append(("lon", "Location", _text(conflict.mine, LOCATION), _text(conflict.theirs, LOCATION)))
        for name, label, mine, theirs in rows:
            row = table.rowCount()
            table.insertRow(row)
            table.setItem(row, 0, QTableWidgetItem(label))
            group = QButtonGroup(table)
            for column, side, text in ((1, MINE, mine), (2, THEIRS, theirs)):
                button = QRadioButton(text)
                button.setToolTip(text)
                button.setProperty("side", side)
                group.addButton(button)
                table.setCellWidget(row, column, button)
            group.buttons()[0].setChecked(True)  # mine, until the person chooses
            self._groups[(conflict.agency_id, name)] = group
        table.resizeRowsToContents()
        table.setFixedHeight(
            table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(table.rowCount())) + 4
        )
        layout = QVBoxLayout(box)
        layout.addWidget(table)
        return box

    def choose(self, agency_id: str, field: str, side: str) -> None:
        """Choose ``"mine"`` or ``"theirs"`` for one field of one agency (``lat`` or ``lon``: the location)."""
        if (agency_id, field) not in self._groups and field in ("lat", "lon"):
            field = "lon" if field == "lat" else "lat"
        if (agency_id, field) not in self._groups and (agency_id, "name") in self._groups:
            field = "name"  # a deletion is one choice for the whole agency
        for button in self._groups[(agency_id, field)].buttons():
            button.setChecked(button.property("side") == side)

    def choose_all(self, side: str) -> None:
        """The same side for every difference."""
        for group in self._groups.values():
            for button in group.buttons():
                button.setChecked(button.property("side") == side)

    def fields(self, conflict: Conflict) -> list[str]:
        """The fields offered for ``conflict`` (``name`` alone for a deletion)."""
        return [name for agency_id, name in self._groups if agency_id == conflict.agency_id]

    def settled(self) -> dict[str, dict | None]:
        """Agency id -> the record to keep (None: the agency is deleted), as chosen."""
        result = {}
        for conflict in self.conflicts:
            choices = {
                name: group.checkedButton().property("side")
                for (agency_id, name), group in self._groups.items()
                if agency_id == conflict.agency_id
            }
            result[conflict.agency_id] = merge_record(conflict, choices)
        return result
