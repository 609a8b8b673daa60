"""The agency form: every field of an agency, validated as the user types."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from bsr_map.directory.schema import DIRECTORY_COUNTRIES, country_name
from bsr_map.explore.model import ExploreModel
from bsr_map.workspace.edits import Checked, check_agency

TEXT_FIELDS = (
    "id",
    "name",
    "local_name",
    "region",
    "city",
    "street_address",
    "postcode",
    "website",
    "email",
    "phone",
    "last_verified",
    "source",
)


def _checklist(terms, chosen) -> QListWidget:
    widget = QListWidget()
    for term in terms:
        item = QListWidgetItem(term.label)
        item.setData(Qt.ItemDataRole.UserRole, term.code)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if term.code in chosen else Qt.CheckState.Unchecked)
        widget.addItem(item)
    widget.setMaximumHeight(130)
    return widget


def _checked_codes(widget: QListWidget, keep_order: list[str] = ()) -> list[str]:
    """Ticked codes: those of ``keep_order`` first and in its order (the primary sector stays first)."""
    ticked = [
        widget.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]
    return [c for c in keep_order if c in ticked] + [c for c in ticked if c not in keep_order]


class AgencyForm(QDialog):
    """Add or edit an agency. OK stays disabled while a value is wrong; doubts are shown as warnings."""

    def __init__(self, model: ExploreModel, record: dict | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self._editing_id = record["id"] if record else None
        record = record or {}
        self._original_sectors = list(record.get("sectors", []))
        self.setWindowTitle(f"Edit {record['name']}" if record else "Add agency")
        self.setMinimumWidth(560)
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name in TEXT_FIELDS[:2]:
            self._line(form, name, record)
        self.type = QComboBox()
        for term in model.taxonomy.agency_types:
            self.type.addItem(term.label, term.code)
        self.type.setCurrentIndex(max(0, self.type.findData(record.get("type", "regional_agency"))))
        form.addRow("Type", self.type)
        self.country = QComboBox()
        for code in sorted(DIRECTORY_COUNTRIES, key=country_name):
            self.country.addItem(country_name(code), code)
        self.country.setCurrentIndex(max(0, self.country.findData(record.get("country", "DE"))))
        form.addRow("Country", self.country)
        for name in TEXT_FIELDS[2:7]:
            self._line(form, name, record)
        location = QHBoxLayout()
        self.lat, self.lon = QLineEdit(str(record.get("lat", ""))), QLineEdit(str(record.get("lon", "")))
        self.lat.setPlaceholderText("latitude, e.g. 60.1699")
        self.lon.setPlaceholderText("longitude, e.g. 24.9384")
        location.addWidget(self.lat)
        location.addWidget(self.lon)
        form.addRow("Location (°)", location)
        self.sectors = _checklist(model.taxonomy.sectors, record.get("sectors", []))
        self.sectors.setToolTip(
            "The agency's primary sector (its colour on the map) stays first; newly ticked sectors follow"
        )
        form.addRow("Sectors", self.sectors)
        self.services = _checklist(model.taxonomy.services, record.get("services", []))
        form.addRow("Services", self.services)
        self.languages = QLineEdit(", ".join(record.get("languages", [])))
        self.languages.setPlaceholderText("en, de, pl …")
        form.addRow("Languages", self.languages)
        for name in TEXT_FIELDS[7:]:
            self._line(form, name, record)
        self.description = QPlainTextEdit(record.get("description", ""))
        self.description.setMaximumHeight(90)
        form.addRow("Description", self.description)
        self.messages = QLabel()
        self.messages.setWordWrap(True)
        self.messages.setTextFormat(Qt.TextFormat.RichText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.messages)
        layout.addWidget(self.buttons)
        for widget in (*self.fields.values(), self.lat, self.lon, self.languages):
            widget.textChanged.connect(self.revalidate)
        for widget in (self.type, self.country):
            widget.currentIndexChanged.connect(self.revalidate)
        for widget in (self.sectors, self.services):
            widget.itemChanged.connect(self.revalidate)
        self.description.textChanged.connect(self.revalidate)
        self.result_check: Checked | None = None
        self.revalidate()

    def _line(self, form: QFormLayout, name: str, record: dict) -> None:
        edit = QLineEdit(str(record.get(name, "") or ""))
        self.fields[name] = edit
        form.addRow(name.replace("_", " ").capitalize(), edit)

    def values(self) -> dict:
        """The raw values, as the importer would read them."""
        raw = {name: edit.text() for name, edit in self.fields.items()}
        raw.update(
            type=self.type.currentData(),
            country=self.country.currentData(),
            lat=self.lat.text(),
            lon=self.lon.text(),
            sectors=_checked_codes(self.sectors, self._original_sectors),
            services=_checked_codes(self.services),
            languages=self.languages.text(),
            description=self.description.toPlainText(),
        )
        return raw

    def revalidate(self, *_args) -> Checked:
        """Check the values now; show problems (red) and warnings (amber); enable OK when none is wrong."""
        checked = check_agency(self.values(), self._model, editing_id=self._editing_id)
        lines = [
            f"<span style='color:#B00020'>✗ {escape(p.column or '')}: {escape(p.message)}</span>"
            for p in checked.problems
        ]
        lines += [f"<span style='color:#9A6700'>⚠ {escape(w)}</span>" for w in checked.warnings]
        self.messages.setText("<br>".join(lines) or "<span style='color:#2E7D32'>✓ All values are valid.</span>")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(checked.ok)
        self.result_check = checked
        return checked
