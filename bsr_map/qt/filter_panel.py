"""The filter panel: search, countries, sectors and types, each with live counts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QIcon
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)

from bsr_map.directory.schema import DIRECTORY_COUNTRIES, country_name
from bsr_map.explore.filtering import SECTOR_ALL, SECTOR_ANY
from bsr_map.explore.model import ExploreModel
from bsr_map.qt.symbols import marker_pixmap


def swatch(colour: str, size: int = 14) -> QIcon:
    """A round colour swatch, as on the map's markers."""
    return QIcon(marker_pixmap("o", colour, size))


class FilterPanel(QScrollArea):
    """Checkboxes and search that write to an :class:`ExploreModel` and follow it."""

    def __init__(self, model: ExploreModel, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self._boxes: dict[str, dict[str, QCheckBox]] = {"countries": {}, "sectors": {}, "types": {}}
        self._labels: dict[str, dict[str, str]] = {"countries": {}, "sectors": {}, "types": {}}
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, city, description…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search agencies")
        self.search.textChanged.connect(self._model.set_text)
        layout.addWidget(self.search)

        countries = sorted(DIRECTORY_COUNTRIES, key=country_name)
        layout.addWidget(self._group("Country", "countries", [(c, country_name(c), None) for c in countries]))

        sectors_group = self._group(
            "Sector", "sectors", [(s.code, s.label, swatch(s.color)) for s in model.taxonomy.sectors]
        )
        mode_row = QHBoxLayout()
        self.sector_any = QRadioButton("any of")
        self.sector_all = QRadioButton("all of")
        self.sector_any.setToolTip("Agencies in at least one ticked sector")
        self.sector_all.setToolTip("Agencies in every ticked sector")
        self._mode_group = QButtonGroup(self)
        for button in (self.sector_any, self.sector_all):
            self._mode_group.addButton(button)
            mode_row.addWidget(button)
        mode_row.addStretch(1)
        self.sector_any.setChecked(True)
        self.sector_all.toggled.connect(lambda on: self._model.set_sector_mode(SECTOR_ALL if on else SECTOR_ANY))
        sectors_group.layout().insertLayout(0, mode_row)
        layout.addWidget(sectors_group)

        layout.addWidget(self._group("Type", "types", [(t.code, t.label, None) for t in model.taxonomy.agency_types]))
        self.clear_button = QPushButton("Clear all filters")
        self.clear_button.clicked.connect(self._model.clear_filters)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        self.setWidget(body)
        self._body = body

        model.filters_changed.connect(self._on_model_filters_changed)
        model.directory_changed.connect(self._on_model_filters_changed)
        model.agencies_changed.connect(lambda _ids: self._on_model_filters_changed())  # counts follow edits
        model.directory_changed.connect(self._fit_width)
        self._on_model_filters_changed()
        self._fit_width()

    def _group(self, title: str, facet: str, options) -> QGroupBox:
        group = QGroupBox(title)
        column = QVBoxLayout(group)
        column.setSpacing(2)
        for code, label, icon in options:
            box = QCheckBox(label)
            box.setObjectName(f"{facet}:{code}")
            if icon is not None:
                box.setIcon(icon)
            box.toggled.connect(lambda on, f=facet, c=code: self._on_box_toggled(f, c, on))
            column.addWidget(box)
            self._boxes[facet][code] = box
            self._labels[facet][code] = label
        return group

    def needed_width(self) -> int:
        """The width that shows every label with the largest count the directory can give it.

        Measured with the checkboxes' font: indicator, icon, label, two spaces and a
        count of as many digits as the directory's size ("(88)" for up to 99 agencies),
        plus the group boxes' frames, the margins and the vertical scroll bar.
        """
        style = self.style()
        digits = "8" * len(str(max(1, len(self._model.directory))))
        widest_group = 0
        for facet, boxes in self._boxes.items():
            widest = shown = 0
            for code, box in boxes.items():
                # As QCheckBox.sizeHint measures, for the longest count this label can show.
                text = f"{self._labels[facet][code].replace('&', '&&')}  ({digits})"
                contents = QFontMetrics(box.font()).size(Qt.TextFlag.TextShowMnemonic, text)
                if not box.icon().isNull():
                    contents.setWidth(contents.width() + box.iconSize().width() + 4)
                    contents.setHeight(max(contents.height(), box.iconSize().height()))
                option = QStyleOptionButton()
                box.initStyleOption(option)
                widest = max(
                    widest, style.sizeFromContents(QStyle.ContentsType.CT_CheckBox, option, contents, box).width()
                )
                shown = max(shown, box.sizeHint().width())
            group = next(iter(boxes.values())).parentWidget()
            group.layout().activate()
            # The group box's frame, title and margins, as Qt lays them out.
            widest_group = max(widest_group, widest + group.minimumSizeHint().width() - shown)
        outer = self._body.layout().contentsMargins()
        scroll_bar = style.pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return widest_group + outer.left() + outer.right() + scroll_bar + 2 * self.frameWidth()

    def _fit_width(self) -> None:
        self.setMinimumWidth(self.needed_width())

    def checkbox(self, facet: str, code: str) -> QCheckBox:
        """The checkbox of one facet value (for tests and keyboard users)."""
        return self._boxes[facet][code]

    def _on_box_toggled(self, facet: str, code: str, on: bool) -> None:
        if (code in getattr(self._model.filters, facet)) != on:
            self._model.toggle(facet, code)

    def _on_model_filters_changed(self) -> None:
        state, counts = self._model.filters, self._model.counts()
        for facet, boxes in self._boxes.items():
            for code, box in boxes.items():
                n = counts[facet].get(code, 0)
                box.blockSignals(True)
                box.setChecked(code in getattr(state, facet))
                box.blockSignals(False)
                box.setText(f"{self._labels[facet][code].replace('&', '&&')}  ({n})")  # && shows one "&"
                box.setEnabled(n > 0 or box.isChecked())
        if self.search.text() != state.text:
            self.search.blockSignals(True)
            self.search.setText(state.text)
            self.search.blockSignals(False)
        self.sector_all.blockSignals(True)
        self.sector_all.setChecked(state.sector_mode == SECTOR_ALL)
        self.sector_any.setChecked(state.sector_mode != SECTOR_ALL)
        self.sector_all.blockSignals(False)
        self.clear_button.setEnabled(not state.is_empty)
