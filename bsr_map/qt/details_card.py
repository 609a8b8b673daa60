"""The details card: every field of the selected agency, links and sector chips."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QWidget

from bsr_map.directory.schema import postal_address
from bsr_map.explore.model import ExploreModel
from bsr_map.qt.plain_text import breakable_at, unbreakable, web_address

PLACEHOLDER = "<p style='color:#777'>Select an agency on the map or in the table to see its details.</p>"


def _text_colour(background: str) -> str:
    r, g, b = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#FFFFFF"


def agency_html(record: dict, model: ExploreModel) -> str:
    """HTML of one agency for the card.

    Every field is escaped, so the card shows an agency's text literally. A
    sector chip and a phone number never break across lines; web and e-mail
    addresses wrap only after ``/``, ``.`` or ``@``. Only http(s) addresses
    become links: a ``file:`` or ``javascript:`` "website" stays text.
    """
    taxonomy = model.taxonomy
    chips = " ".join(
        f"<span style='background:{taxonomy.sectors[c].color}; color:{_text_colour(taxonomy.sectors[c].color)};'>"
        f"&nbsp;{unbreakable(taxonomy.sectors.label(c))}&nbsp;</span>"
        for c in record["sectors"]
        if c in taxonomy.sectors
    )
    address = escape(postal_address(record))
    rows = [
        ("Type", escape(taxonomy.agency_types.label(record["type"]))),
        ("Address", address),
        ("Sectors", chips),
        ("Services", escape(", ".join(taxonomy.services.label(s) for s in record["services"]))),
        ("Languages", escape(", ".join(record["languages"]))),
        ("Website", web_address(record["website"])),
        (
            "E-mail",
            f"<a href='mailto:{escape(record['email'], quote=True)}'>{breakable_at(record['email'])}</a>"
            if record["email"]
            else "",
        ),
        (
            "Phone",
            f"<a href='tel:{escape(record['phone'].replace(' ', ''), quote=True)}'>{unbreakable(record['phone'])}</a>"
            if record["phone"]
            else "",
        ),
        ("Last verified", escape(record["last_verified"])),
        ("Source", escape(record["source"])),
        ("ID", f"<code>{escape(record['id'])}</code>"),
    ]
    table = "".join(
        f"<tr><td style='color:#666; padding-right:8px' valign='top'>{k}</td><td>{v or '—'}</td></tr>" for k, v in rows
    )
    local = (
        f"<div style='color:#555'>{escape(record['local_name'])}</div>"
        if record["local_name"] and record["local_name"] != record["name"]
        else ""
    )
    return (
        f"<h3 style='margin-bottom:2px'>{escape(record['name'])}</h3>{local}"
        f"<p>{escape(record['description'])}</p><table cellspacing='2'>{table}</table>"
    )


class DetailsCard(QTextBrowser):
    """Shows the explore model's selected agency."""

    def __init__(self, model: ExploreModel, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self.setOpenExternalLinks(True)
        self.setMinimumWidth(260)
        model.selection_changed.connect(self._on_model_selection_changed)
        model.directory_changed.connect(lambda: self._on_model_selection_changed(model.selected_id))
        model.agencies_changed.connect(
            lambda ids: self._on_model_selection_changed(model.selected_id) if model.selected_id in ids else None
        )
        self._on_model_selection_changed(model.selected_id)

    def _on_model_selection_changed(self, _agency_id) -> None:
        record = self._model.selected
        self.setHtml(agency_html(record, self._model) if record else PLACEHOLDER)
