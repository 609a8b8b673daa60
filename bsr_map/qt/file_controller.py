"""The window's File workflows: open a file or a shared directory, reload, deleted agencies, offline copies."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog, QLineEdit, QMessageBox

from bsr_map.directory.readers import SPATIAL_SUFFIXES, TABULAR_SUFFIXES
from bsr_map.store.postgis_store import display_url, is_database_url
from bsr_map.workspace.document import Workspace, WorkspaceError
from bsr_map.workspace.sources import Kind, Source

OPEN_SUFFIXES = TABULAR_SUFFIXES + SPATIAL_SUFFIXES


def _reads_in_background(workspace: Workspace) -> bool:
    """Whether ``Workspace.open`` takes the file's import result read here (``read=``), so the window never waits."""
    import inspect

    return "read" in inspect.signature(workspace.open).parameters


#: Problems listed in the import dialog before "and N more".
MAX_LISTED_PROBLEMS = 40


class FileController(QObject):
    """Opening and the shared directory's operations, as dialogs over the workspace."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.workspace: Workspace = window.workspace
        self.model = self.workspace.model

    # -- opening ------------------------------------------------------------------------
    def choose_file(self) -> None:
        patterns = " ".join(f"*{s}" for s in OPEN_SUFFIXES)
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open agency directory", str(Path.home()), f"Directory files ({patterns});;All files (*)"
        )
        if path:
            self.open(path)

    def choose_database(self) -> None:
        last = self.window.settings.value("last_database", "") or "postgresql://"
        url, ok = QInputDialog.getText(
            self.window,
            "Open shared directory",
            "Address of the database (postgresql://user@host:port/database).\n"
            "The password is asked for when needed and never stored.",
            QLineEdit.EchoMode.Normal,
            last,
        )
        if ok and url.strip():
            self.open(url.strip())

    def open(self, location: str | Path, *, encoding: str | None = None) -> bool:
        """Open a directory file, GeoPackage, offline copy or ``postgresql://`` URL; True when it was opened.

        A directory file is read in the background (:class:`~bsr_map.qt.import_dialog.ImportDialog`:
        progress, Cancel, and the text encoding of a CSV file, ``encoding`` or detected).
        """
        location = str(location)
        database = is_database_url(location)
        if not database and location.startswith("postgres"):
            self.window.warn(
                "Cannot open shared directory",
                f"“{display_url(location)}” is not a database address; it starts with postgresql://",
            )
            return False
        if not self.window.editing.confirm_discard():
            return False
        extra = {}
        if not database and _reads_in_background(self.workspace) and not Source.of(location).is_store:
            imported = self.import_in_background(location, encoding)
            if imported is None:
                return False
            extra["read"] = lambda _path: imported
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            opened = self.workspace.open(
                location,
                ask_password=self.ask_password,
                accept_problems=self.confirm_partial_import,
                take_over_lock=self.ask_take_over,
                **extra,
            )
        except WorkspaceError as exc:
            QApplication.restoreOverrideCursor()
            title = "Cannot open shared directory" if database else "Cannot open directory"
            self.window.warn(title, str(exc))
            return False
        QApplication.restoreOverrideCursor()
        source = self.workspace.source
        name = source.name if source is not None else location
        if not opened:
            self.window.statusBar().showMessage(f"Nothing was imported from {name}.", 5000)
            return False
        if source is not None and source.kind is Kind.DATABASE:
            self.window.settings.setValue("last_database", source.location)
        self.window.remember_recent(source.location if source is not None else location)
        message = f"Opened {name}: {len(self.model.directory)} agencies."
        if self.workspace.read_only and self.workspace.lock_holder is not None:
            message += f" Read-only: {self.workspace.lock_holder.describe()} is editing it."
        self.window.statusBar().showMessage(message, 10000)
        return True

    def import_in_background(self, location: str, encoding: str | None = None):
        """Read a directory file with the import dialog; its ImportResult, or None (cancelled, or refused: said)."""
        from bsr_map.qt.import_dialog import ImportDialog

        if not Path(location).is_file():
            self.window.warn("Cannot open directory", f"{location} does not exist.")
            return None
        dialog = ImportDialog(location, encoding, self.window)
        accepted = dialog.run()
        dialog.deleteLater()
        if accepted:
            return dialog.imported
        if dialog.error:
            self.window.warn("Cannot open directory", dialog.error)
        else:
            self.window.statusBar().showMessage(f"Import of {Path(location).name} cancelled; nothing changed.", 5000)
        return None

    def ask_password(self, location: str) -> str | None:
        """The database password (kept in memory for this session only)."""
        password, ok = QInputDialog.getText(
            self.window, "Database password", f"Password for {location}:", QLineEdit.EchoMode.Password
        )
        return password if ok else None

    def ask_take_over(self, holder) -> bool:
        """Another bsr-map holds the file's lock: take it over (True) or open read-only."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Directory in use",
            f"This directory is open in another bsr-map: {holder.describe()}.\n\n"
            "Open it read-only, or take it over (the other bsr-map's later saves are then checked "
            "against yours and conflicts shown)?",
            parent=self.window,
        )
        take = box.addButton("Take over", QMessageBox.ButtonRole.DestructiveRole)
        read_only = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(read_only)
        box.exec()
        return box.clickedButton() is take

    def confirm_partial_import(self, result) -> bool:
        """A file with bad rows: import its valid rows (True), or nothing."""
        good = len(result.agencies)
        listed = [str(p) for p in result.problems[:MAX_LISTED_PROBLEMS]]
        if len(result.problems) > MAX_LISTED_PROBLEMS:
            listed.append(f"… and {len(result.problems) - MAX_LISTED_PROBLEMS} more problems")
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Problems in the directory file",
            f"{result.summary()}.\n\nImport the {good} valid rows, or nothing?",
            parent=self.window,
        )
        box.setDetailedText("\n".join(listed + result.warnings + [f"note: {n}" for n in result.notes]))
        import_button = box.addButton(f"Import {good} valid rows", QMessageBox.ButtonRole.AcceptRole)
        nothing = box.addButton("Import nothing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(nothing)
        import_button.setEnabled(good > 0)
        box.exec()
        return box.clickedButton() is import_button

    # -- the open directory ----------------------------------------------------------------
    def reload(self) -> bool:
        """Read the open directory again (asks first when there are unsaved edits)."""
        if self.workspace.source is None or not self.window.editing.confirm_discard():
            return False
        try:
            self.workspace.reload()
        except WorkspaceError as exc:
            self.window.warn("Cannot reload", str(exc))
            return False
        self.window.statusBar().showMessage(
            f"Reloaded {self.workspace.source.name}: {len(self.model.directory)} agencies.", 5000
        )
        return True

    def show_deleted(self) -> bool:
        """List the store's deleted agencies; restore the ones the user selects. True when restored."""
        from bsr_map.qt.deleted_dialog import DeletedAgenciesDialog

        try:
            deleted = self.workspace.deleted()
        except WorkspaceError as exc:
            self.window.warn("Deleted agencies", str(exc))
            return False
        dialog = DeletedAgenciesDialog(deleted, self.workspace.source.name, self.window)
        self.deleted_dialog = dialog
        ids = dialog.selected_ids() if dialog.exec() == QDialog.DialogCode.Accepted else []
        if not ids:
            return False
        try:
            self.workspace.restore_deleted(ids)
        except WorkspaceError as exc:
            self.window.warn("Could not restore", str(exc))
            return False
        self.window.statusBar().showMessage(f"Restored {len(ids)} agencies.", 8000)
        return True

    def choose_offline_copy(self) -> None:
        only_filtered = False
        if self.model.count < len(self.model.directory):
            box = QMessageBox(
                QMessageBox.Icon.Question,
                "Take offline copy",
                f"Copy the whole shared directory or only the {self.model.count} agencies that pass the filters?",
                parent=self.window,
            )
            everything = box.addButton(f"All {len(self.model.directory)} agencies", QMessageBox.ButtonRole.AcceptRole)
            some = box.addButton(f"The {self.model.count} filtered", QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() not in (everything, some):
                return
            only_filtered = box.clickedButton() is some
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Take offline copy", str(Path.home() / "offline-directory.gpkg"), "GeoPackage (*.gpkg)"
        )
        if path:
            self.take_offline_copy(path, only_filtered=only_filtered)

    def take_offline_copy(self, path: str | Path, *, only_filtered: bool = False) -> bool:
        """Write a GeoPackage copy of the saved directory (or of the filtered agencies) to ``path``."""
        ids = list(self.model.filtered["id"]) if only_filtered else None
        try:
            written = self.workspace.take_offline(path, ids)
        except WorkspaceError as exc:
            self.window.warn("Could not take the offline copy", str(exc))
            return False
        count = len(ids) if ids is not None else len(self.model.directory)
        self.window.statusBar().showMessage(
            f"Offline copy of {count} agencies written to {written.name}. Open it at "
            "the fair; merge it back with File → Merge offline copy.",
            10000,
        )
        return True

    def choose_copy_to_merge(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Merge offline copy", str(Path.home()), "GeoPackage (*.gpkg)"
        )
        if path:
            self.merge_offline_copy(path)

    def merge_offline_copy(self, path: str | Path) -> bool:
        """Send the edits of an offline copy to the shared directory it came from; conflicts are settled here."""
        path = Path(path)
        try:
            report = self.workspace.merge_offline(
                path, self.window.editing.settle_conflicts, ask_password=self.ask_password
            )
        except WorkspaceError as exc:
            self.window.warn("Could not merge the offline copy", str(exc))
            return False
        if report is None:
            self.window.statusBar().showMessage("Nothing was merged; the offline copy is unchanged.", 8000)
            return False
        if report.conflicts:
            self.window.warn(
                "Could not merge the offline copy",
                "Agencies were changed again in the shared directory while you chose; nothing was merged. "
                "Merge again to see them.",
            )
            return False
        message = f"Merged {len(report.sent)} changes from {path.name}."
        if report.copy_error:
            self.window.warn(
                "Offline copy not refreshed",
                f"The edits were merged, but {path.name} could not be brought up to date ({report.copy_error}). "
                "Take a new offline copy before editing offline again.",
            )
        if self.workspace.is_dirty:
            message += " Save your edits, then reload to see them."
        self.window.statusBar().showMessage(message, 10000)
        return True
