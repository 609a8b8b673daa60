"""The main window: filters, map, table and details card, linked through one model."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox, QToolBar

from bsr_map import __version__
from bsr_map.explore.filtering import FilterState
from bsr_map.export.credits import CREDITS
from bsr_map.geo.basemap import Basemap
from bsr_map.geo.mapview import agencies_extent
from bsr_map.geo.projection import INSET_COUNTRY
from bsr_map.qt.agency_table import AgencyTable
from bsr_map.qt.details_card import DetailsCard
from bsr_map.qt.file_controller import OPEN_SUFFIXES
from bsr_map.qt.filter_panel import FilterPanel
from bsr_map.qt.map_canvas import MapCanvas
from bsr_map.store.postgis_store import is_database_url
from bsr_map.util.paths import settings_file
from bsr_map.workspace.document import Workspace
from bsr_map.workspace.sources import Kind, latest_verified

APP_TITLE = "BSR Investment Map"
MAX_RECENT = 8


def app_settings() -> QSettings:
    """The app's settings; ``BSR_MAP_SETTINGS_DIR`` moves them (tests use a temp folder)."""
    file = settings_file()
    if file is not None:
        return QSettings(str(file), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "bsr-map", "bsr-map")


class MainWindow(QMainWindow):
    """The application window around a :class:`~bsr_map.workspace.document.Workspace` (what is open)."""

    def __init__(self, basemap: Basemap, workspace: Workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.model = model = workspace.model
        self.settings = app_settings()
        self.setWindowTitle("Bundled directory[*]")
        self.resize(1280, 800)
        self.setAcceptDrops(True)

        self.canvas = MapCanvas(basemap, model, parent=self)
        self.setCentralWidget(self.canvas)
        self.filter_panel = FilterPanel(model)
        self.table = AgencyTable(model)
        self.details = DetailsCard(model)
        self._docks = {}
        for name, title, widget, area in (
            ("filters", "Filters", self.filter_panel, Qt.DockWidgetArea.LeftDockWidgetArea),
            ("details", "Agency", self.details, Qt.DockWidgetArea.RightDockWidgetArea),
            ("directory", "Directory", self.table, Qt.DockWidgetArea.BottomDockWidgetArea),
        ):
            dock = QDockWidget(title, self)
            dock.setObjectName(name)
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self._docks[name] = dock
        # The filter panel's minimum width fits its longest label and count (FilterPanel.needed_width).
        filters_width = self.filter_panel.minimumWidth()
        self.resizeDocks(
            [self._docks["filters"], self._docks["details"]], [filters_width, 300], Qt.Orientation.Horizontal
        )
        self.resizeDocks([self._docks["directory"]], [200], Qt.Orientation.Vertical)

        self._count = QLabel(self)
        self._position = QLabel(self)
        self._position.setMinimumWidth(200)
        self.statusBar().addWidget(self._count)
        self.statusBar().addPermanentWidget(self._position)
        self.canvas.cursorMoved.connect(self._on_canvas_cursor_moved)
        self.canvas.cursorLeft.connect(self._position.clear)
        model.filters_changed.connect(self._on_model_filters_changed)
        model.filters_changed.connect(self._save_filters)
        workspace.state_changed.connect(self._update_title)
        workspace.state_changed.connect(self._update_shared_actions)
        self._build_actions()
        self._restore_settings()
        self._on_model_filters_changed()
        self._update_title()

    # -- actions and menus ----------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, tip: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        from bsr_map.qt.editing_controller import EditingController
        from bsr_map.qt.file_controller import FileController

        self.files = FileController(self)
        self.open_action = self._action(
            "&Open directory…",
            self.files.choose_file,
            QKeySequence.StandardKey.Open,
            "Open an agency directory file (CSV, XLSX, GeoJSON, GeoPackage, Shapefile)",
        )
        self.open_shared_action = self._action(
            "Open &shared directory…",
            self.files.choose_database,
            "Ctrl+Shift+O",
            "Open the directory several offices share in a PostgreSQL/PostGIS database (postgresql://…)",
        )
        self.reload_action = self._action(
            "&Reload",
            self.files.reload,
            "F5",
            "Read the open directory again, with everyone's saved changes",
        )
        self.take_offline_action = self._action(
            "&Take offline copy…",
            self.files.choose_offline_copy,
            None,
            "Write a GeoPackage copy of the shared directory (or of the filtered agencies) to use without a network",
        )
        self.merge_offline_action = self._action(
            "&Merge offline copy…",
            self.files.choose_copy_to_merge,
            None,
            "Send the edits made in an offline copy back to the shared directory it was taken from",
        )
        self.deleted_action = self._action(
            "&Deleted agencies…",
            self.files.show_deleted,
            None,
            "Agencies deleted from the shared directory, with who and when; restore them",
        )
        self.export_map_action = self._action(
            "&Export map…",
            self.open_export_dialog,
            "Ctrl+E",
            "Export a print-ready map of the filtered agencies (PNG, SVG, PDF)",
        )
        self.export_directory_action = self._action(
            "Export &directory…",
            lambda: self._on_export_directory_triggered(False),
            "Ctrl+Shift+E",
            "Export the filtered agencies' entries (PDF with QR codes, CSV, XLSX, vCard)",
        )
        self.export_brochure_action = self._action(
            "Export &brochure pack…",
            lambda: self._on_export_directory_triggered(True),
            None,
            "One PDF for investors: cover, overview map, directory and a locator map per agency",
        )
        self.export_vcard_action = self._action(
            "Save selected agency as &vCard…",
            self._on_export_vcard_triggered,
            None,
            "Save the selected agency as a vCard 4.0 address card",
        )
        quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.home_action = self._action(
            "&Whole region", self.canvas.go_home, "Ctrl+0", "Show the whole Baltic Sea Region (Ctrl+0)"
        )
        self.zoom_in_action = self._action(
            "Zoom &in", lambda: self.canvas.zoom_by(1.5), QKeySequence.StandardKey.ZoomIn
        )
        self.zoom_out_action = self._action(
            "Zoom &out", lambda: self.canvas.zoom_by(1 / 1.5), QKeySequence.StandardKey.ZoomOut
        )
        self.fit_action = self._action(
            "&Fit to agencies",
            self.fit_to_agencies,
            "Ctrl+Shift+A",
            "Zoom the map to the agencies that pass the filters",
        )
        self.zoom_selection_action = self._action(
            "Zoom to &selection", self.zoom_to_selection, "Ctrl+Shift+L", "Zoom the map to the selected agency"
        )
        self.clear_filters_action = self._action("&Clear all filters", self.model.clear_filters, "Ctrl+Shift+X")
        self.present_action = self._action(
            "&Presentation mode",
            self.open_presentation,
            "F11",
            "Full screen for a trade-fair booth (leave with Ctrl+Shift+Q)",
        )
        self.search_action = self._action(
            "&Find…",
            self._on_find_triggered,
            QKeySequence.StandardKey.Find,
            "Search agencies by name, city or description (Ctrl+F)",
        )
        self.clear_selection_action = self._action("Clear selection", self._on_escape, "Esc")
        about_action = self._action("&About bsr-map", self._on_about_triggered)
        self.editing = EditingController(self)

        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.open_shared_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        file_menu.addAction(self.reload_action)
        file_menu.addAction(self.editing.save_action)
        file_menu.addAction(self.editing.save_as_action)
        file_menu.addAction(self.editing.save_copy_action)
        file_menu.addSeparator()
        file_menu.addAction(self.deleted_action)
        file_menu.addAction(self.take_offline_action)
        file_menu.addAction(self.merge_offline_action)
        file_menu.addSeparator()
        for action in (
            self.export_map_action,
            self.export_directory_action,
            self.export_brochure_action,
            self.export_vcard_action,
        ):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        edit_menu = menus.addMenu("&Edit")
        for action in self.editing.edit_actions():
            edit_menu.addSeparator() if action is None else edit_menu.addAction(action)
        edit_menu.addSeparator()
        for action in (self.search_action, self.clear_filters_action, self.clear_selection_action):
            edit_menu.addAction(action)
        view_menu = menus.addMenu("&View")
        for action in (
            self.home_action,
            self.fit_action,
            self.zoom_selection_action,
            self.zoom_in_action,
            self.zoom_out_action,
        ):
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.present_action)
        view_menu.addSeparator()
        for dock in self._docks.values():
            view_menu.addAction(dock.toggleViewAction())
        menus.addMenu("&Help").addAction(about_action)

        toolbar = QToolBar("Navigation", self)
        toolbar.setObjectName("navigation")
        toolbar.setMovable(False)
        for action in (
            self.open_action,
            self.export_map_action,
            None,
            self.home_action,
            self.fit_action,
            self.zoom_selection_action,
            self.zoom_in_action,
            self.zoom_out_action,
            None,
            self.clear_filters_action,
        ):
            toolbar.addSeparator() if action is None else toolbar.addAction(action)
        self.addToolBar(toolbar)
        self._update_recent_menu()
        self._update_shared_actions()

    def open_presentation(self, *, tour: bool = False):
        """Open the trade-fair presentation mode full screen (on its own filters and selection)."""
        from bsr_map.qt.presentation import open_presentation

        self.presentation = open_presentation(
            self.canvas.basemap, self.model.directory, self.model.taxonomy, self.settings, tour=tour
        )
        return self.presentation

    def open_export_dialog(self):
        """Open the map export dialog (ExportMapDialog) for the filtered agencies and the current view."""
        from bsr_map.qt.export_dialog import ExportMapDialog  # loaded when first needed, not at start-up

        source = self.workspace.source.credit_name if self.workspace.source else ""
        dialog = ExportMapDialog(self.model, self.canvas.basemap, self.canvas.view.extent, self, source_name=source)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.export_dialog = dialog
        return dialog

    def _on_export_directory_triggered(self, brochure: bool) -> None:
        filters = (
            "Brochure pack (*.pdf)"
            if brochure
            else "Printed directory (*.pdf);;Spreadsheet (*.xlsx);;CSV table (*.csv);;vCard address cards (*.vcf)"
        )
        name = "baltic-sea-region-brochure.pdf" if brochure else "baltic-sea-region-directory.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export brochure pack" if brochure else "Export directory", str(Path.home() / name), filters
        )
        if path:
            self.start_directory_export(path, brochure=brochure)

    def _on_export_vcard_triggered(self) -> None:
        record = self.model.selected
        if record is None:
            QMessageBox.information(self, APP_TITLE, "Select an agency first.")
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save vCard", str(Path.home() / f"{record['id']}.vcf"), "vCard (*.vcf)"
        )
        if path:
            self.save_selected_vcard(path)

    def save_selected_vcard(self, path: str | Path) -> bool:
        """Write the selected agency's vCard 4.0 card to ``path``; report failures in a dialog."""
        from bsr_map.export.directory_export import export_directory
        from bsr_map.util.atomic import SaveError

        row = self.model.directory.iloc[[self.model.row_of(self.model.selected_id)]]
        try:
            export_directory(Path(path).with_suffix(".vcf"), row, self.model.taxonomy)
        except SaveError as exc:
            QMessageBox.warning(self, "Could not save the vCard", str(exc))
            return False
        self.statusBar().showMessage(f"Saved {Path(path).with_suffix('.vcf').name}.", 5000)
        return True

    def start_directory_export(self, path: str | Path, *, brochure: bool = False):
        """Export the filtered agencies' directory (or brochure pack) in the background, with progress and cancel.

        Returns the running :class:`~bsr_map.qt.workers.Job`, or None when nothing is to be exported.
        """
        from PySide6.QtWidgets import QProgressDialog

        from bsr_map.explore.describe import describe_filters
        from bsr_map.export import ExportCancelled
        from bsr_map.export.directory_export import export_brochure, export_directory
        from bsr_map.qt.workers import Job

        agencies, taxonomy, basemap = self.model.filtered, self.model.taxonomy, self.canvas.basemap
        if not len(agencies):
            QMessageBox.information(self, APP_TITLE, "No agency passes the filters: there is nothing to export.")
            return None
        path = Path(path)
        subtitle = describe_filters(self.model.filters, taxonomy, len(agencies))
        source = self.workspace.source.credit_name if self.workspace.source else ""
        latest = latest_verified(agencies)

        def work(progress, cancelled):
            if brochure:
                return export_brochure(
                    path,
                    agencies,
                    basemap,
                    taxonomy,
                    subtitle=subtitle,
                    progress=progress,
                    cancelled=cancelled,
                    directory_source=source,
                    directory_date=latest,
                )
            return export_directory(path, agencies, taxonomy, subtitle=subtitle, progress=progress, cancelled=cancelled)

        job = Job(work, cancel_exceptions=(ExportCancelled,), parent=self)
        progress = QProgressDialog(f"Exporting {path.name}…", "Cancel", 0, 100, self)
        progress.setWindowTitle("Export")
        progress.setMinimumDuration(300)
        progress.canceled.connect(job.cancel)
        job.progress.connect(
            lambda fraction, message: (progress.setValue(int(fraction * 100)), progress.setLabelText(message))
        )
        job.succeeded.connect(lambda _r: self.statusBar().showMessage(f"Exported {path.name}.", 8000))
        job.cancelled.connect(lambda: self.statusBar().showMessage("Export cancelled; nothing was written.", 8000))
        job.failed.connect(lambda message: QMessageBox.warning(self, "Export failed", message))
        job.finished.connect(progress.reset)
        self.export_job = job
        job.start()
        return job

    # -- navigation -------------------------------------------------------------
    def fit_to_agencies(self) -> None:
        """Zoom to the filtered agencies (Icelandic ones are in the inset and do not count)."""
        filtered = self.model.filtered
        extent = agencies_extent(filtered)
        if extent is not None:
            self.canvas.fit_to(extent)
        elif len(filtered):
            self.canvas.go_home()

    def zoom_to_selection(self) -> None:
        """Zoom to the selected agency."""
        record = self.model.selected
        if record is None:
            self.statusBar().showMessage("No agency is selected.", 3000)
            return
        if record["country"] == INSET_COUNTRY:
            self.canvas.go_home()  # Iceland is shown in the inset at every zoom
            return
        point = record["geometry"]
        self.canvas.fit_to((point.x, point.y, point.x, point.y))

    def _on_escape(self) -> None:
        if self.canvas.cancel_placement():
            self.statusBar().showMessage("Placing cancelled.", 3000)
        else:
            self.model.select(None)

    def _on_find_triggered(self) -> None:
        self._docks["filters"].show()
        self.filter_panel.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_panel.search.selectAll()

    # -- opening and messages --------------------------------------------------
    def open_directory(self, location: str | Path) -> bool:
        """Open a directory file, GeoPackage or ``postgresql://`` URL (asking about unsaved edits first)."""
        return self.files.open(location)

    def warn(self, title: str, text: str) -> None:
        """Tell the user that something could not be done (and why)."""
        QMessageBox.warning(self, title, text)

    def inform(self, title: str, text: str) -> None:
        """Tell the user something they should know."""
        QMessageBox.information(self, title, text)

    def ask_password(self, location: str) -> str | None:
        """The database password (kept in memory for this session only)."""
        return self.files.ask_password(location)

    def confirm_partial_import(self, result) -> bool:
        """A file with bad rows: import its valid rows (True), or nothing."""
        return self.files.confirm_partial_import(result)

    def _update_shared_actions(self) -> None:
        source = self.workspace.source
        kind = source.kind if source is not None else None
        self.reload_action.setEnabled(source is not None)
        self.take_offline_action.setEnabled(kind in (Kind.DATABASE, Kind.GEOPACKAGE))
        self.deleted_action.setEnabled(kind in (Kind.DATABASE, Kind.GEOPACKAGE, Kind.OFFLINE))

    def dragEnterEvent(self, event) -> None:
        if self._dropped_path(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._dropped_path(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_directory(path)

    @staticmethod
    def _dropped_path(event) -> Path | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
        return paths[0] if len(paths) == 1 and paths[0].suffix.lower() in OPEN_SUFFIXES else None

    # -- settings ---------------------------------------------------------------
    def recent_files(self) -> list[str]:
        """Recently opened directory files, newest first."""
        value = self.settings.value("recent_files", [])
        return [value] if isinstance(value, str) else list(value or [])

    def remember_recent(self, path: Path | str) -> None:
        """Put a file or database URL (without password) first in Open recent."""
        entry = path if isinstance(path, str) else str(path.absolute())  # a database URL has no password here
        entries = [entry] + [p for p in self.recent_files() if p != entry]
        self.settings.setValue("recent_files", entries[:MAX_RECENT])
        self._update_recent_menu()

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        for entry in self.recent_files():
            action = self.recent_menu.addAction(entry if is_database_url(entry) else Path(entry).name)
            action.setToolTip(entry)
            action.triggered.connect(lambda _=False, p=entry: self.open_directory(p))
        self.recent_menu.setEnabled(bool(self.recent_files()))

    def _save_filters(self) -> None:
        self.settings.setValue("filters", json.dumps(self.model.filters.to_dict()))

    def _restore_settings(self) -> None:
        geometry, state = self.settings.value("geometry"), self.settings.value("window_state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        try:
            saved = json.loads(self.settings.value("filters", "{}") or "{}")
        except (TypeError, ValueError):
            saved = {}
        if saved:
            self.model.set_filters(FilterState.from_dict(saved))

    def closeEvent(self, event) -> None:
        if not self.editing.confirm_discard():
            event.ignore()
            return
        self.workspace.close()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_state", self.saveState())
        self._save_filters()
        self.settings.sync()
        super().closeEvent(event)

    # -- status -----------------------------------------------------------------
    def _on_model_filters_changed(self) -> None:
        self._count.setText(f"{self.model.count} of {len(self.model.directory)} agencies")

    def _update_title(self) -> None:
        # Qt's convention: the title names the document; the platform adds the application's
        # display name (set once, in app.py), so it is never written here as well.
        self.setWindowTitle(f"{self.workspace.describe()}[*]")  # [*] shows "*" while there are unsaved changes

    def _on_canvas_cursor_moved(self, lon: float, lat: float) -> None:
        self._position.setText(
            f"{abs(lat):.4f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.4f}° {'E' if lon >= 0 else 'W'}"
        )

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            "About bsr-map",
            f"<h3>{APP_TITLE}</h3><p>Version {__version__}</p>" + "".join(f"<p>{line}</p>" for line in CREDITS),
        )
