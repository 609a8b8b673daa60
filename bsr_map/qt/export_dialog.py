"""The map export dialog: page options, a live preview, export off the UI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bsr_map.explore.describe import describe_filters
from bsr_map.explore.model import ExploreModel
from bsr_map.export.map_export import MAX_DPI, MIN_DPI, ExportCancelled, export_map
from bsr_map.export.map_page import MapPageOptions, compose_map_page
from bsr_map.export.page import PAGE_SIZES_MM, page_spec
from bsr_map.geo.basemap import Basemap
from bsr_map.qt.plain_text import literal_html
from bsr_map.qt.workers import Job
from bsr_map.render.languages import LABEL_LANGUAGE_NAMES
from bsr_map.workspace.sources import latest_verified

EXTENTS = [("Current map view", "view"), ("Filtered agencies", "fit"), ("Whole region", "region")]
PREVIEW_DPI = 40
PREVIEW_DELAY_MS = 350


class ExportMapDialog(QDialog):
    """Choose page, content and file; preview the page; export with progress and cancel."""

    def __init__(
        self,
        model: ExploreModel,
        basemap: Basemap,
        view_extent,
        parent: QWidget | None = None,
        *,
        source_name: str = "",
    ):
        super().__init__(parent)
        self._source_name = source_name  # what the credits name as the agencies' source
        self.setWindowTitle("Export map")
        self._model, self._basemap, self._view_extent = model, basemap, view_extent
        self._preview_job: Job | None = None
        self._preview_again = False
        self.export_job: Job | None = None
        self.last_output: Path | None = None

        form = QFormLayout()
        self.page = QComboBox()
        self.page.addItems([*PAGE_SIZES_MM, "Custom"])
        self.page.setCurrentText("A4")
        self.orientation = QComboBox()
        self.orientation.addItems(["landscape", "portrait"])
        self.custom_w, self.custom_h = QDoubleSpinBox(), QDoubleSpinBox()
        for box, value in ((self.custom_w, 400.0), (self.custom_h, 300.0)):
            box.setRange(50.0, 2000.0)
            box.setValue(value)
            box.setSuffix(" mm")
        custom = QHBoxLayout()
        custom.addWidget(self.custom_w)
        custom.addWidget(QLabel("×"))
        custom.addWidget(self.custom_h)
        self.margin = QDoubleSpinBox()
        self.margin.setRange(0.0, 40.0)
        self.margin.setValue(10.0)
        self.margin.setSuffix(" mm")
        self.bleed = QCheckBox("3 mm bleed")
        self.crop_marks = QCheckBox("Crop marks")
        self.dpi = QSpinBox()
        self.dpi.setRange(MIN_DPI, MAX_DPI)
        self.dpi.setValue(300)
        self.dpi.setSuffix(" dpi (PNG)")
        self.title = QLineEdit("Investment promotion agencies of the Baltic Sea Region")
        self.subtitle = QLineEdit(describe_filters(model.filters, model.taxonomy, model.count))
        self.lang = QComboBox()
        for code, name in LABEL_LANGUAGE_NAMES.items():
            self.lang.addItem(name, code)
        self.extent = QComboBox()
        for label, code in EXTENTS:
            self.extent.addItem(label, code)
        self.inset = QCheckBox("Iceland inset")
        self.inset.setChecked(True)
        self.locator = QCheckBox("Overview locator")
        marks = QHBoxLayout()
        marks.addWidget(self.bleed)
        marks.addWidget(self.crop_marks)
        extras = QHBoxLayout()
        extras.addWidget(self.inset)
        extras.addWidget(self.locator)
        for label, widget in (
            ("Page", self.page),
            ("Orientation", self.orientation),
            ("Custom size", custom),
            ("Margins", self.margin),
            ("Print", marks),
            ("Resolution", self.dpi),
            ("Title", self.title),
            ("Subtitle", self.subtitle),
            ("Labels", self.lang),
            ("Extent", self.extent),
            ("Extras", extras),
        ):
            form.addRow(label, widget)

        # Nothing changes size while exporting: the preview's pixmap, a long status message or the
        # progress bar must not squeeze the form (the bar and Cancel are disabled, never hidden).
        self.preview = QLabel("Preparing preview…")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(420, 320)
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.preview.setStyleSheet("background: #808080; color: white;")
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setEnabled(False)
        self.progress.setTextVisible(False)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # messages name files and carry error texts
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.status.setMinimumHeight(2 * self.status.fontMetrics().lineSpacing())
        self.cancel_button = QPushButton("Cancel export")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self._on_export_clicked)
        buttons.rejected.connect(self.reject)

        self.form = QWidget()
        left = QVBoxLayout(self.form)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(form)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        right.addWidget(self.status)
        bar = QHBoxLayout()
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.cancel_button)
        right.addLayout(bar)
        body = QHBoxLayout()
        body.addWidget(self.form)
        body.addLayout(right, 1)
        outer = QVBoxLayout(self)
        outer.addLayout(body)
        outer.addWidget(buttons)

        self._debounce = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._debounce.timeout.connect(self.refresh_preview)
        for signal in (
            self.page.currentTextChanged,
            self.orientation.currentTextChanged,
            self.custom_w.valueChanged,
            self.custom_h.valueChanged,
            self.margin.valueChanged,
            self.bleed.toggled,
            self.crop_marks.toggled,
            self.title.textChanged,
            self.subtitle.textChanged,
            self.lang.currentIndexChanged,
            self.extent.currentIndexChanged,
            self.inset.toggled,
            self.locator.toggled,
        ):
            signal.connect(self._on_option_changed)
        self.page.currentTextChanged.connect(self._on_page_changed)
        self._on_page_changed(self.page.currentText())
        self.form.setFixedWidth(self.form.sizeHint().width())
        self.resize(1000, 560)
        self.refresh_preview()

    # -- options ----------------------------------------------------------------
    def options(self, dpi: int | None = None) -> MapPageOptions:
        """The page options the dialog describes."""
        custom = (self.custom_w.value(), self.custom_h.value()) if self.page.currentText() == "Custom" else None
        spec = page_spec(
            self.page.currentText() if custom is None else "A4",
            self.orientation.currentText(),
            custom_mm=custom,
            margin_mm=self.margin.value(),
            bleed=self.bleed.isChecked(),
            crop_marks=self.crop_marks.isChecked(),
        )
        filtered = self._model.filtered
        source = self._source_name
        return MapPageOptions(
            page=spec,
            dpi=dpi or self.dpi.value(),
            title=self.title.text(),
            subtitle=self.subtitle.text(),
            lang=self.lang.currentData(),
            extent=self.extent.currentData(),
            view_extent=self._view_extent,
            inset=self.inset.isChecked(),
            locator=self.locator.isChecked(),
            directory_source=source,
            directory_date=latest_verified(filtered),
        )

    def _on_page_changed(self, text: str) -> None:
        custom = text == "Custom"
        self.custom_w.setEnabled(custom)
        self.custom_h.setEnabled(custom)
        self.orientation.setEnabled(not custom)

    def _on_option_changed(self, *_args) -> None:
        self._debounce.start()

    # -- preview ----------------------------------------------------------------
    def refresh_preview(self) -> None:
        """Render the page small, in the background, and show it."""
        if self._preview_job is not None and self._preview_job.is_running():
            self._preview_again = True
            return
        try:
            options = self.options(dpi=PREVIEW_DPI)
        except ValueError as exc:
            self.preview.setText(f"No preview: {exc}")
            return
        agencies, basemap, taxonomy = self._model.filtered, self._basemap, self._model.taxonomy

        def render(progress, cancelled):
            page = compose_map_page(agencies, basemap, taxonomy, options)
            canvas = page.figure.canvas
            canvas.draw()
            buffer = canvas.buffer_rgba()
            return QImage(buffer, buffer.shape[1], buffer.shape[0], QImage.Format.Format_RGBA8888).copy()

        self._preview_job = Job(render, parent=self)
        self._preview_job.succeeded.connect(self._on_preview_ready)
        self._preview_job.failed.connect(lambda message: self.preview.setText(f"No preview: {message}"))
        self._preview_job.finished.connect(self._on_preview_finished)
        self._preview_job.start()

    def _on_preview_ready(self, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image)
        self.preview.setPixmap(
            pixmap.scaled(
                self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )
        self.preview_image = image

    def _on_preview_finished(self) -> None:
        if self._preview_again:
            self._preview_again = False
            self.refresh_preview()

    # -- export -----------------------------------------------------------------
    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export map",
            str(Path.home() / "baltic-sea-region-map.pdf"),
            "PDF (*.pdf);;PNG image (*.png);;SVG drawing (*.svg)",
        )
        if path:
            self.export_to(path)

    def export_to(self, path: str | Path) -> Job | None:
        """Export to ``path`` in the background; returns the running job (None if the options are invalid)."""
        path = Path(path)
        try:
            options = self.options()
        except ValueError as exc:
            QMessageBox.warning(self, "Cannot export the map", literal_html(str(exc)))
            return None
        agencies, basemap, taxonomy = self._model.filtered, self._basemap, self._model.taxonomy
        self.export_job = Job(
            lambda progress, cancelled: export_map(
                path, agencies, basemap, taxonomy, options, progress=progress, cancelled=cancelled
            ),
            cancel_exceptions=(ExportCancelled,),
            parent=self,
        )
        self.export_job.progress.connect(self._on_export_progress)
        self.export_job.succeeded.connect(lambda _page: self._on_export_done(f"Exported {path.name}.", path))
        self.export_job.cancelled.connect(lambda: self._on_export_done("Export cancelled; nothing was written."))
        self.export_job.failed.connect(self._on_export_failed)
        self.progress.setValue(0)
        self.progress.setEnabled(True)
        self.progress.setTextVisible(True)
        self.cancel_button.setEnabled(True)
        self.export_button.setEnabled(False)
        self.export_job.start()
        return self.export_job

    def _on_export_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 100))
        self.status.setText(message)

    def _on_cancel_clicked(self) -> None:
        if self.export_job is not None:
            self.export_job.cancel()
            self.status.setText("Cancelling…")

    def _on_export_done(self, message: str, path: Path | None = None) -> None:
        self.progress.setValue(0)
        self.progress.setEnabled(False)
        self.progress.setTextVisible(False)
        self.cancel_button.setEnabled(False)
        self.export_button.setEnabled(True)
        self.status.setText(message)
        if path is not None:
            self.last_output = path

    def _on_export_failed(self, message: str) -> None:
        self._on_export_done("Export failed.")
        QMessageBox.warning(self, "Export failed", literal_html(message))

    def reject(self) -> None:
        self._stop_jobs()
        super().reject()

    def closeEvent(self, event) -> None:
        self._stop_jobs()
        super().closeEvent(event)

    def _stop_jobs(self) -> None:
        self._debounce.stop()
        for job in (self.export_job, self._preview_job):
            if job is not None and job.is_running():
                job.cancel()
                job.wait(60.0)
