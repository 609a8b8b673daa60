"""The presentation mode's agency card: large text and a QR code of the website."""

from __future__ import annotations

import io
from html import escape

import segno
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from bsr_map.directory.schema import country_name
from bsr_map.explore.model import ExploreModel
from bsr_map.qt.plain_text import unbreakable, web_address

#: Touch targets at least this tall: the 48 px guideline with room for a finger's error.
TOUCH_HEIGHT = 56
PLACEHOLDER = (
    "<p style='font-size:22px; color:#555'>Touch an agency on the map to see who can help you invest here.</p>"
)


def qr_pixmap(text: str, size: int = 220) -> QPixmap:
    """A QR code of ``text`` as a pixmap, with its quiet zone."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=4)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)


def card_html(record: dict, model: ExploreModel) -> str:
    """The card's text for one agency; every field of the record is escaped."""
    sectors = ", ".join(unbreakable(model.taxonomy.sectors.label(c)) for c in record["sectors"])
    return (
        f"<div style='font-size:28px; font-weight:bold'>{escape(record['name'])}</div>"
        f"<div style='font-size:20px; color:#555'>{escape(record['city'])}, "
        f"{escape(country_name(record['country']))}</div>"
        f"<p style='font-size:18px'>{sectors}</p>"
        f"<p style='font-size:18px'>{escape(record['description'])}</p>"
        f"<p style='font-size:20px'>{web_address(record['website'])}</p>"
    )


class AgencyCard(QFrame):
    """A large card of the selected agency, with a QR code of its website."""

    def __init__(self, model: ExploreModel, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self.setObjectName("agencyCard")
        self.setStyleSheet(
            "#agencyCard { background: white; border-radius: 10px; }"
            " #agencyCard QLabel { background: white; color: #222; }"
        )
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)  # built from escaped fields only (card_html)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.close_button = QPushButton("✕  Close")
        self.close_button.setMinimumHeight(TOUCH_HEIGHT)
        self.close_button.clicked.connect(self._on_close_button_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.qr)
        layout.addStretch(1)
        layout.addWidget(self.close_button)
        self.qr_text = ""
        model.selection_changed.connect(self._on_model_selection_changed)
        self._on_model_selection_changed(model.selected_id)

    def _on_close_button_clicked(self) -> None:
        self._model.select(None)

    def _on_model_selection_changed(self, _agency_id) -> None:
        record = self._model.selected
        self.close_button.setVisible(record is not None)
        if record is None:
            self.text.setText(PLACEHOLDER)
            self.qr.clear()
            self.qr_text = ""
            return
        self.text.setText(card_html(record, self._model))
        self.qr_text = record["website"]
        if self.qr_text:
            self.qr.setPixmap(qr_pixmap(self.qr_text))
            self.qr.setToolTip("Scan with your phone's camera")
        else:
            self.qr.clear()
