"""The main window: filters, map, table and details card, linked through one model."""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QDialog, QDockWidget, QFileDialog, QInputDialog, QLabel, QLineEdit, QMainWindow, QMessageBox, QToolBar,
)

from bsr_map import __version__
from bsr_map.util.atomic import SaveError
from bsr_map.geo.basemap import Basemap
from bsr_map.export.credits import CREDITS
from bsr_map.directory import DirectoryReadError, read_directory
from bsr_map.directory.readers import SPATIAL_SUFFIXES, TABULAR_SUFFIXES
from bsr_map.explore.model import ExploreModel
from bsr_map.explore.filtering import FilterState
from bsr_map.qt.agency_table import AgencyTable
from bsr_map.qt.details_card import DetailsCard
from bsr_map.qt.filter_panel import FilterPanel
from bsr_map.qt.map_canvas import MapCanvas
from bsr_map.store.postgis_store import display_url, is_database_url

APP_TITLE = "Baltic Sea Region Investment Map"
OPEN_SUFFIXES = TABULAR_SUFFIXES + SPATIAL_SUFFIXES
MAX_RECENT = 8
#: Problems listed in the import dialog before "and N more".
MAX_LISTED_PROBLEMS = 40


def app_settings() -> QSettings:
    """The app's settings; ``BSR_MAP_SETTINGS_DIR`` moves them (tests use a temp folder)."""
    folder = os.environ.get("BSR_MAP_SETTINGS_DIR")
    if folder:
        return QSettings(str(Path(folder) / "bsr-map.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "bsr-map", "bsr-map")


class MainWindow(QMainWindow):
    """The application window around an :class:`ExploreModel`."""

    def __init__(self, basemap: Basemap, model: ExploreModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.session = None  # an EditSession when the directory is a shared one (a database)
        self.settings = app_settings()
        self.setWindowTitle(APP_TITLE)
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
        self.resizeDocks([self._docks["filters"], self._docks["details"]], [270, 300], Qt.Orientation.Horizontal)
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
        model.directory_changed.connect(self._update_title)
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
        self.open_action = self._action("&Open directory…", self._on_open_triggered, QKeySequence.StandardKey.Open,
                                        "Open an agency directory file (CSV, XLSX, GeoJSON, GeoPackage, Shapefile)")
        self.open_shared_action = self._action(
            "Open &shared directory…", self._on_open_shared_triggered, "Ctrl+Shift+O",
            "Open the directory several offices share in a PostgreSQL/PostGIS database (postgresql://…)")
        self.reload_action = self._action("&Reload shared directory", self.reload_shared, "F5",
                                          "Load the shared directory again, with everyone's saved changes")
        self.take_offline_action = self._action(
            "&Take offline copy…", self._on_take_offline_triggered, None,
            "Write a GeoPackage copy of the shared directory (or of the filtered agencies) to use without a network")
        self.merge_offline_action = self._action(
            "&Merge offline copy…", self._on_merge_offline_triggered, None,
            "Send the edits made in an offline copy back to the shared directory it was taken from")
        self.deleted_action = self._action("&Deleted agencies…", self.show_deleted, None,
                                           "Agencies deleted from the shared directory, with who and when; restore them")
        self.export_map_action = self._action("&Export map…", self.open_export_dialog, "Ctrl+E",
                                              "Export a print-ready map of the filtered agencies (PNG, SVG, PDF)")
        self.export_directory_action = self._action(
            "Export &directory…", lambda: self._on_export_directory_triggered(False), "Ctrl+Shift+E",
            "Export the filtered agencies' entries (PDF with QR codes, CSV, XLSX, vCard)")
        self.export_brochure_action = self._action(
            "Export &brochure pack…", lambda: self._on_export_directory_triggered(True), None,
            "One PDF for investors: cover, overview map, directory and a locator map per agency")
        self.export_vcard_action = self._action("Save selected agency as &vCard…", self._on_export_vcard_triggered,
                                                None, "Save the selected agency as a vCard 4.0 address card")
        quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.home_action = self._action("&Whole region", self.canvas.go_home, "Ctrl+0",
                                        "Show the whole Baltic Sea Region (Ctrl+0)")
        self.zoom_in_action = self._action("Zoom &in", lambda: self.canvas.zoom_by(1.5),
                                           QKeySequence.StandardKey.ZoomIn)
        self.zoom_out_action = self._action("Zoom &out", lambda: self.canvas.zoom_by(1 / 1.5),
                                            QKeySequence.StandardKey.ZoomOut)
        self.fit_action = self._action("&Fit to agencies", self.fit_to_agencies, "Ctrl+Shift+A",
                                       "Zoom the map to the agencies that pass the filters")
        self.zoom_selection_action = self._action("Zoom to &selection", self.zoom_to_selection, "Ctrl+Shift+L",
                                                  "Zoom the map to the selected agency")
        self.clear_filters_action = self._action("&Clear all filters", self.model.clear_filters, "Ctrl+Shift+X")
        self.present_action = self._action("&Presentation mode", self.open_presentation, "F11",
                                           "Full screen for a trade-fair booth (leave with Ctrl+Shift+Q)")
        self.search_action = self._action("&Find…", self._on_find_triggered, QKeySequence.StandardKey.Find,
                                          "Search agencies by name, city or description (Ctrl+F)")
        self.clear_selection_action = self._action("Clear selection", self._on_escape, "Esc")
        about_action = self._action("&About bsr-map", self._on_about_triggered)
        from bsr_map.qt.editing_controller import EditingController

        self.editing = EditingController(self)

        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.open_shared_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        file_menu.addAction(self.reload_action)
        file_menu.addAction(self.editing.save_action)
        file_menu.addAction(self.editing.save_as_action)
        file_menu.addSeparator()
        file_menu.addAction(self.deleted_action)
        file_menu.addAction(self.take_offline_action)
        file_menu.addAction(self.merge_offline_action)
        file_menu.addSeparator()
        for action in (self.export_map_action, self.export_directory_action, self.export_brochure_action,
                       self.export_vcard_action):
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
        for action in (self.home_action, self.fit_action, self.zoom_selection_action, self.zoom_in_action,
                       self.zoom_out_action):
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
        for action in (self.open_action, self.export_map_action, None, self.home_action, self.fit_action, self.zoom_selection_action,
                       self.zoom_in_action, self.zoom_out_action, None, self.clear_filters_action):
            toolbar.addSeparator() if action is None else toolbar.addAction(action)
        self.addToolBar(toolbar)
        self._update_recent_menu()
        self._update_shared_actions()

    def open_presentation(self, *, tour: bool = False):
        """Open the trade-fair presentation mode full screen (on its own filters and selection)."""
        from bsr_map.qt.presentation import open_presentation

        self.presentation = open_presentation(self.canvas.basemap, self.model.directory, self.model.taxonomy,
                                              self.settings, tour=tour)
        return self.presentation

    def open_export_dialog(self):
        """Open the map export dialog (ExportMapDialog) for the filtered agencies and the current view."""
        from bsr_map.qt.export_dialog import ExportMapDialog  # loaded when first needed, not at start-up

        dialog = ExportMapDialog(self.model, self.canvas.basemap, self.canvas.view.extent, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.export_dialog = dialog
        return dialog

    def _on_export_directory_triggered(self, brochure: bool) -> None:
        filters = ("Brochure pack (*.pdf)" if brochure else
                   "Printed directory (*.pdf);;Spreadsheet (*.xlsx);;CSV table (*.csv);;vCard address cards (*.vcf)")
        name = "baltic-sea-region-brochure.pdf" if brochure else "baltic-sea-region-directory.pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Export brochure pack" if brochure else "Export directory",
                                              str(Path.home() / name), filters)
        if path:
            self.start_directory_export(path, brochure=brochure)

    def _on_export_vcard_triggered(self) -> None:
        record = self.model.selected
        if record is None:
            QMessageBox.information(self, APP_TITLE, "Select an agency first.")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save vCard", str(Path.home() / f"{record['id']}.vcf"),
                                              "vCard (*.vcf)")
        if path:
            self.save_selected_vcard(path)

    def save_selected_vcard(self, path: str | Path) -> bool:
        """Write the selected agency's vCard 4.0 card to ``path``; report failures in a dialog."""
        from bsr_map.util.atomic import SaveError
        from bsr_map.export.directory_export import export_directory

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

        from bsr_map.export import ExportCancelled
        from bsr_map.export.directory_export import export_brochure, export_directory
        from bsr_map.explore.describe import describe_filters
        from bsr_map.qt.workers import Job

        agencies, taxonomy, basemap = self.model.filtered, self.model.taxonomy, self.canvas.basemap
        if not len(agencies):
            QMessageBox.information(self, APP_TITLE, "No agency passes the filters: there is nothing to export.")
            return None
        path = Path(path)
        subtitle = describe_filters(self.model.filters, taxonomy, len(agencies))
        source = self.model.source_name or "bsr-map directory"
        dates = [d for d in agencies["last_verified"] if d]

        def work(progress, cancelled):
            if brochure:
                return export_brochure(path, agencies, basemap, taxonomy, subtitle=subtitle, progress=progress,
                                       cancelled=cancelled, directory_source=source,
                                       directory_date=max(dates) if dates else "")
            return export_directory(path, agencies, taxonomy, subtitle=subtitle, progress=progress,
                                    cancelled=cancelled)

        job = Job(work, cancel_exceptions=(ExportCancelled,), parent=self)
        progress = QProgressDialog(f"Exporting {path.name}…", "Cancel", 0, 100, self)
        progress.setWindowTitle("Export")
        progress.setMinimumDuration(300)
        progress.canceled.connect(job.cancel)
        job.progress.connect(lambda fraction, message: (progress.setValue(int(fraction * 100)),
                                                        progress.setLabelText(message)))
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
        mainland = filtered[filtered["country"] != "IS"]
        if len(mainland):
            self.canvas.fit_to(tuple(mainland.total_bounds))
        elif len(filtered):
            self.canvas.go_home()

    def zoom_to_selection(self) -> None:
        """Zoom to the selected agency."""
        record = self.model.selected
        if record is None:
            self.statusBar().showMessage("No agency is selected.", 3000)
            return
        if record["country"] == "IS":
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

    # -- opening files ----------------------------------------------------------
    def _on_open_triggered(self) -> None:
        patterns = " ".join(f"*{s}" for s in OPEN_SUFFIXES)
        path, _ = QFileDialog.getOpenFileName(self, "Open agency directory", str(Path.home()),
                                              f"Directory files ({patterns});;All files (*)")
        if path:
            self.open_directory(path)

    def open_directory(self, path: str | Path) -> bool:
        """Read, validate and show a directory file; ask before importing only its good rows.

        Returns True when a directory was loaded. A ``postgresql://`` URL opens a shared directory.
        """
        if isinstance(path, str) and is_database_url(path):
            return self.open_shared(path)
        path = Path(path)
        if not self.editing.confirm_discard():
            return False
        try:
            result = read_directory(path)
        except DirectoryReadError as exc:
            QMessageBox.warning(self, "Cannot open directory", str(exc))
            return False
        except OSError as exc:
            QMessageBox.warning(self, "Cannot open directory", f"{path}: {exc.strerror or exc}")
            return False
        if result.problems and not self.confirm_partial_import(result):
            self.statusBar().showMessage(f"Nothing was imported from {path.name}.", 5000)
            return False
        self.close_session()
        self.model.set_directory(result.agencies, path)
        self.editing.directory_replaced()
        self.editing.take_lock(path)
        self._remember_recent(path)
        note = f" ({len(result.warnings)} notes: {'; '.join(result.warnings)})" if result.warnings else ""
        self.statusBar().showMessage(f"Opened {path.name}: {len(result.agencies)} agencies.{note}", 10000)
        return True

    # -- shared directories --------------------------------------------------------
    def _on_open_shared_triggered(self) -> None:
        last = self.settings.value("last_database", "") or "postgresql://"
        url, ok = QInputDialog.getText(self, "Open shared directory",
                                       "Address of the database (postgresql://user@host:port/database).\n"
                                       "The password is asked for when needed and never stored.",
                                       QLineEdit.EchoMode.Normal, last)
        if ok and url.strip():
            self.open_shared(url.strip())

    def open_shared(self, url: str, *, ask: bool = True) -> bool:
        """Open the shared directory at ``url``; True when it was loaded.

        ``ask=False`` skips the unsaved-edits question (restoring a recovery copy).
        """
        from bsr_map.directory import DirectoryError
        from bsr_map.store import StoreError
        from bsr_map.store.session import EditSession

        if not is_database_url(url):
            QMessageBox.warning(self, "Cannot open shared directory",
                                f"“{display_url(url)}” is not a database address; it starts with postgresql://")
            return False
        if ask and not self.editing.confirm_discard():
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            session = EditSession.open(url, ask_password=self.ask_password)
        except (StoreError, DirectoryError) as exc:
            session, problem = None, str(exc)
        finally:
            QApplication.restoreOverrideCursor()
        if session is None:
            QMessageBox.warning(self, "Cannot open shared directory", problem)
            return False
        self.close_session()
        self.editing.release_lock()  # the database guards its records itself
        self.session = session
        self.model.set_directory(session.directory, session.location)
        self.editing.directory_replaced()
        self.settings.setValue("last_database", session.location)
        self._remember_recent(session.location)
        self._update_shared_actions()
        self.statusBar().showMessage(f"Opened {session.location}: {len(session.directory)} agencies.", 10000)
        return True

    def ask_password(self, location: str) -> str | None:
        """Ask for the database password (kept in memory for this session only; a hook for tests)."""
        password, ok = QInputDialog.getText(self, "Database password", f"Password for {location}:",
                                            QLineEdit.EchoMode.Password)
        return password if ok else None

    def close_session(self) -> None:
        """Stop using the shared directory (another directory was opened, or saved as a file)."""
        if self.session is not None:
            self.session.close()
            self.session = None
        self._update_shared_actions()

    def reload_shared(self) -> bool:
        """Load the shared directory again (asks first when there are unsaved edits)."""
        if self.session is None or not self.editing.confirm_discard():
            return False
        from bsr_map.store import StoreError

        try:
            directory = self.session.reload()
        except StoreError as exc:
            QMessageBox.warning(self, "Cannot reload", str(exc))
            return False
        self.show_shared(directory)
        self.statusBar().showMessage(f"Reloaded {self.session.location}: {len(directory)} agencies.", 5000)
        return True

    def show_shared(self, directory) -> None:
        """Show the shared directory as the store has it now (after a reload or a save); its history starts afresh."""
        selected = self.model.selected_id
        self.model.set_directory(directory, self.session.location)
        if selected is not None and selected in set(directory["id"]):
            self.model.select(selected)
        self.editing.directory_replaced()

    def _update_shared_actions(self) -> None:
        shared = self.session is not None
        self.reload_action.setEnabled(shared)
        self.take_offline_action.setEnabled(shared)
        self.deleted_action.setEnabled(shared)

    def show_deleted(self) -> bool:
        """List the shared directory's deleted agencies; restore the ones the user selects. True when restored."""
        from bsr_map.store import StoreError

        if self.session is None:
            return False
        try:
            deleted = self.session.store.deleted()
        except StoreError as exc:
            QMessageBox.warning(self, "Deleted agencies", str(exc))
            return False
        ids = self.choose_deleted(deleted)
        if not ids:
            return False
        if not self.editing.undo_stack.isClean():
            QMessageBox.information(self, "Deleted agencies", "Save your edits first, then restore.")
            return False
        try:
            self.session.store.restore(ids)
        except StoreError as exc:
            QMessageBox.warning(self, "Could not restore", str(exc))
            return False
        self.reload_shared()
        self.statusBar().showMessage(f"Restored {len(ids)} agencies.", 8000)
        return True

    def choose_deleted(self, deleted) -> list[str]:
        """Show the deleted agencies; the ids to restore, or none (a hook for tests)."""
        from bsr_map.qt.deleted_dialog import DeletedAgenciesDialog

        dialog = DeletedAgenciesDialog(deleted, self.session.location, self)
        return dialog.selected_ids() if dialog.exec() == QDialog.DialogCode.Accepted else []

    def _on_take_offline_triggered(self) -> None:
        filtered = self.model.count < len(self.model.directory)
        only_filtered = False
        if filtered:
            box = QMessageBox(QMessageBox.Icon.Question, "Take offline copy",
                              f"Copy the whole shared directory or only the {self.model.count} agencies that pass "
                              "the filters?", parent=self)
            everything = box.addButton(f"All {len(self.model.directory)} agencies", QMessageBox.ButtonRole.AcceptRole)
            some = box.addButton(f"The {self.model.count} filtered", QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() not in (everything, some):
                return
            only_filtered = box.clickedButton() is some
        path, _ = QFileDialog.getSaveFileName(self, "Take offline copy", str(Path.home() / "offline-directory.gpkg"),
                                              "GeoPackage (*.gpkg)")
        if path:
            self.take_offline_copy(Path(path).with_suffix(".gpkg"), only_filtered=only_filtered)

    def take_offline_copy(self, path: str | Path, *, only_filtered: bool = False) -> bool:
        """Write a GeoPackage snapshot of the shared directory (or of the filtered agencies) to ``path``."""
        from bsr_map.store import StoreError
        from bsr_map.store.offline import take_offline

        if self.session is None:
            return False
        if not self.editing.undo_stack.isClean():
            QMessageBox.information(self, "Take offline copy", "Save your edits first: the offline copy is taken "
                                    f"from what is saved in {self.session.location}.")
            return False
        ids = list(self.model.filtered["id"]) if only_filtered else None
        try:
            take_offline(self.session.store, path, ids)
        except (StoreError, SaveError, OSError) as exc:
            QMessageBox.warning(self, "Could not take the offline copy", str(exc))
            return False
        count = len(ids) if ids is not None else len(self.model.directory)
        self.statusBar().showMessage(f"Offline copy of {count} agencies written to {Path(path).name}. Open it at "
                                     "the fair; merge it back with File → Merge offline copy.", 10000)
        return True

    def _on_merge_offline_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Merge offline copy", str(Path.home()), "GeoPackage (*.gpkg)")
        if path:
            self.merge_offline_copy(path)

    def merge_offline_copy(self, path: str | Path) -> bool:
        """Send the edits of an offline copy to the shared directory it came from; conflicts are settled here."""
        from bsr_map.directory import DirectoryError
        from bsr_map.store import StoreError, open_store
        from bsr_map.store.offline import copy_source, sync

        path = Path(path)
        try:
            source = copy_source(path)
        except Exception as exc:  # not a GeoPackage at all: GDAL raises several kinds
            QMessageBox.warning(self, "Cannot merge", f"{path.name} cannot be read as a GeoPackage ({exc}).")
            return False
        if source is None:
            QMessageBox.warning(self, "Cannot merge", f"{path.name} is not an offline copy of a shared directory "
                                "(it was not written by “Take offline copy”).")
            return False
        same = self.session is not None and self.session.location == source
        store = None
        try:
            store = self.session.store if same else open_store(source, ask_password=self.ask_password)
            report = sync(path, store)
            if report.conflicts:
                settled = self.editing.settle_conflicts(report.conflicts, source)
                if settled is None:
                    self.statusBar().showMessage("Nothing was merged; the offline copy is unchanged.", 8000)
                    return False
                report = sync(path, store, settled=settled, seen=report.conflicts)
        except (StoreError, DirectoryError, SaveError, OSError) as exc:
            QMessageBox.warning(self, "Could not merge the offline copy", str(exc))
            return False
        finally:
            if store is not None and not same:
                store.close()
        if report.conflicts:
            QMessageBox.warning(self, "Could not merge the offline copy", "Agencies were changed again in "
                                f"{source} while you chose; nothing was merged. Merge again to see them.")
            return False
        message = f"Merged {len(report.sent)} changes from {path.name} into {source}."
        if report.copy_error:
            QMessageBox.warning(self, "Offline copy not refreshed", f"The edits were merged into {source}, but "
                                f"{path.name} could not be brought up to date ({report.copy_error}). Take a new "
                                "offline copy before editing offline again.")
        if same and self.editing.undo_stack.isClean():
            self.reload_shared()
        elif same:
            message += " Save your edits, then reload to see them."
        self.statusBar().showMessage(message, 10000)
        return True

    def confirm_partial_import(self, result) -> bool:
        good = len(result.agencies)
        listed = [str(p) for p in result.problems[:MAX_LISTED_PROBLEMS]]
        if len(result.problems) > MAX_LISTED_PROBLEMS:
            listed.append(f"… and {len(result.problems) - MAX_LISTED_PROBLEMS} more problems")
        box = QMessageBox(QMessageBox.Icon.Warning, "Problems in the directory file",
                          f"{result.summary()}.\n\nImport the {good} valid rows, or nothing?", parent=self)
        box.setDetailedText("\n".join(listed + result.warnings))
        self._import_button = box.addButton(f"Import {good} valid rows", QMessageBox.ButtonRole.AcceptRole)
        nothing = box.addButton("Import nothing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(nothing)
        self._import_button.setEnabled(good > 0)
        self.last_problem_box = box
        box.exec()
        return box.clickedButton() is self._import_button

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self._dropped_path(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
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

    def _remember_recent(self, path: Path | str) -> None:
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

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self.editing.confirm_discard():
            event.ignore()
            return
        self.editing.release_lock()
        self.close_session()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_state", self.saveState())
        self._save_filters()
        self.settings.sync()
        super().closeEvent(event)

    # -- status -----------------------------------------------------------------
    def _on_model_filters_changed(self) -> None:
        self._count.setText(f"{self.model.count} of {len(self.model.directory)} agencies")

    def _update_title(self) -> None:
        source = f" — {self.model.source_name}" if self.model.source else ""
        self.setWindowTitle(f"{APP_TITLE}{source}[*]")  # [*] shows "*" while there are unsaved changes

    def _on_canvas_cursor_moved(self, lon: float, lat: float) -> None:
        self._position.setText(f"{abs(lat):.4f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.4f}° {'E' if lon >= 0 else 'W'}")

    def _on_about_triggered(self) -> None:
        QMessageBox.about(self, "About bsr-map",
                          f"<h3>{APP_TITLE}</h3><p>Version {__version__}</p>"
                          + "".join(f"<p>{line}</p>" for line in CREDITS))
