"""The window's editing and saving actions: dialogs over the workspace, which does the work."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QLabel, QMessageBox, QVBoxLayout

from bsr_map.util.atomic import SaveError
from bsr_map.workspace.document import NeedsLocation, Workspace, WorkspaceError
from bsr_map.workspace.edits import (
    add_edit,
    change_edit,
    delete_edit,
    duplicate_edit,
    move_edit,
    sectors_edit,
    verify_edit,
)
from bsr_map.workspace.recovery import Recovery, discard_recovery, pending_recovery, set_aside

#: Unsaved edits are written aside this often (the issue asks for at least every minute).
RECOVERY_INTERVAL_MS = 30_000
SAVE_AS_FILTER = "GeoPackage (*.gpkg)"
COPY_FILTERS = "GeoPackage (*.gpkg);;GeoJSON (*.geojson);;CSV (*.csv);;Excel (*.xlsx)"


class EditingController(QObject):
    """The Edit menu, Save, Save as, Save a copy, the unsaved-changes question and crash recovery."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.workspace: Workspace = window.workspace
        self.model = self.workspace.model
        self._recovery_timer = QTimer(self, interval=RECOVERY_INTERVAL_MS)
        self._recovery_timer.timeout.connect(self.write_recovery_now)
        self._recovery_timer.start()
        self._build_actions()
        self.workspace.state_changed.connect(self._on_workspace_state_changed)
        self._on_workspace_state_changed()

    # -- actions ------------------------------------------------------------------
    def _build_actions(self) -> None:
        w = self.window

        def action(text, slot, shortcut=None, tip=None) -> QAction:
            return w._action(text, slot, shortcut, tip)

        self.undo_action = action("&Undo", self.workspace.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = action("&Redo", self.workspace.redo, QKeySequence.StandardKey.Redo)
        self.add_action = action("&Add agency…", self.add_agency, QKeySequence.StandardKey.New)
        self.edit_action = action("&Edit agency…", self.edit_selected, "Ctrl+Return")
        self.duplicate_action = action("D&uplicate agency", self.duplicate_selected, "Ctrl+D")
        self.delete_action = action("&Delete agency", self.delete_selected, QKeySequence.StandardKey.Delete)
        self.verify_action = action(
            "&Confirm as verified today",
            self.verify_selected,
            "Ctrl+Shift+V",
            "Set the selected agencies' “Last verified” date to today",
        )
        self.sectors_action = action(
            "Set &sectors of selected…", self.set_sectors_selected, None, "Give every selected agency the same sectors"
        )
        self.place_action = action(
            "Set &location on the map",
            self.place_selected,
            None,
            "Click on the map to move the selected agency there",
        )
        self.save_action = action("&Save", self.save, QKeySequence.StandardKey.Save)
        self.save_as_action = action(
            "Save &as…", self.save_as, "Ctrl+Alt+S", "Save the directory as a new GeoPackage and go on editing it"
        )
        self.save_copy_action = action(
            "Save a &copy as…",
            self.save_copy,
            None,
            "Write the directory to another file (GeoPackage, GeoJSON, CSV, Excel) and go on editing this one",
        )

    def edit_actions(self) -> list:
        """For the Edit menu, in order (None separates groups)."""
        return [
            self.undo_action,
            self.redo_action,
            None,
            self.add_action,
            self.edit_action,
            self.duplicate_action,
            self.delete_action,
            self.verify_action,
            self.sectors_action,
            self.place_action,
        ]

    def _on_workspace_state_changed(self) -> None:
        history = self.workspace.history
        self.undo_action.setEnabled(history.can_undo)
        self.redo_action.setEnabled(history.can_redo)
        self.undo_action.setText(f"&Undo {history.undo_text}".rstrip())
        self.redo_action.setText(f"&Redo {history.redo_text}".rstrip())
        self.window.setWindowModified(self.workspace.is_dirty)
        self.window._update_title()
        if self.workspace.is_dirty:
            self.write_recovery_now()

    # -- edits --------------------------------------------------------------------
    def _selected_records(self) -> list[dict]:
        ids = self.window.table.selected_ids() or ([self.model.selected_id] if self.model.selected_id else [])
        return self.model.records(ids)

    def _need_selection(self) -> list[dict] | None:
        records = self._selected_records()
        if not records:
            self.window.statusBar().showMessage("Select an agency first.", 4000)
            return None
        return records

    def _form(self, record: dict | None = None):
        from bsr_map.qt.agency_form import AgencyForm

        form = AgencyForm(self.model, record, self.window)
        self.form = form  # while it is open: the window's tests fill it as a person would
        accepted = form.exec() == QDialog.DialogCode.Accepted and form.result_check.ok
        return form.result_check.record if accepted else None

    def add_agency(self) -> None:
        record = self._form()
        if record is not None:
            self.workspace.push(add_edit(record))
            self.model.select(record["id"])

    def edit_selected(self) -> None:
        records = self._need_selection()
        if records is None:
            return
        record = self._form(records[0])
        if record is not None:
            self.workspace.push(change_edit(records[0], record))

    def duplicate_selected(self) -> None:
        records = self._need_selection()
        if records:
            edit = duplicate_edit(records[0], self.model)
            self.workspace.push(edit)
            self.model.select(next(iter(edit.after)))

    def delete_selected(self) -> None:
        records = self._need_selection()
        if records:
            edit = delete_edit(records)
            self.workspace.push(edit)
            self.window.statusBar().showMessage(f"{edit.text}. Undo with Ctrl+Z.", 8000)

    def verify_selected(self) -> None:
        records = self._need_selection()
        if records:
            self.workspace.push(verify_edit(records))

    def set_sectors_selected(self) -> None:
        from bsr_map.qt.agency_form import _checked_codes, _checklist

        records = self._need_selection()
        if not records:
            return
        dialog = QDialog(self.window)
        dialog.setWindowTitle(f"Sectors of {len(records)} agencies")
        common = set.intersection(*(set(r["sectors"]) for r in records))
        dialog.checklist = _checklist(self.model.taxonomy.sectors, common)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel("The first ticked sector becomes each agency's primary sector."))
        layout.addWidget(dialog.checklist)
        layout.addWidget(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        sectors = _checked_codes(dialog.checklist)
        if sectors:
            self.workspace.push(sectors_edit(records, sectors))

    def place_selected(self) -> None:
        records = self._need_selection()
        if not records:
            return
        record = records[0]
        self.window.statusBar().showMessage(f"Click on the map where {record['name']} is (Esc cancels).")

        def place(lon: float, lat: float) -> None:
            self.workspace.push(move_edit(record, lon, lat))
            self.window.statusBar().showMessage(f"Moved {record['name']}.", 4000)

        self.window.canvas.place_next_click(place)

    # -- saving ---------------------------------------------------------------------
    def settle_conflicts(self, conflicts, where: str) -> dict[str, dict | None] | None:
        """Both versions field by field; the chosen records by id, or None when the person cancels."""
        from bsr_map.qt.conflict_dialog import ConflictDialog

        dialog = ConflictDialog(conflicts, where, self.window)
        self.conflict_dialog = dialog
        return dialog.settled() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def save(self) -> bool:
        """Save through the store (or, for the bundled directory or an imported file, as a new GeoPackage)."""
        try:
            outcome = self.workspace.save(self.settle_conflicts)
        except NeedsLocation:
            return self.save_as()
        except WorkspaceError as exc:
            self.window.warn("Could not save", str(exc))
            return False
        if not outcome.saved:
            self.window.statusBar().showMessage(outcome.message, 8000)
            return False
        self.window.statusBar().showMessage(outcome.message, 5000)
        return True

    def _suggested(self, suffix: str) -> str:
        source = self.workspace.source
        folder = Path(source.location).parent if source is not None and source.path is not None else Path.home()
        stem = Path(source.location).stem if source is not None and source.path is not None else "directory"
        return str(folder / f"{stem}{suffix}")

    def save_as(self) -> bool:
        """Ask for a new GeoPackage, save the whole directory there and go on editing it."""
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save directory as", self._suggested(".gpkg"), SAVE_AS_FILTER
        )
        return self.save_to(Path(path).with_suffix(".gpkg")) if path else False

    def save_to(self, path: Path) -> bool:
        """Save as a new GeoPackage at ``path``; on failure say why and keep the edits."""
        try:
            outcome = self.workspace.save_as(path)
        except WorkspaceError as exc:
            self.window.warn("Could not save", str(exc))
            return False
        self.window.remember_recent(self.workspace.source.location)
        self.window.statusBar().showMessage(outcome.message, 5000)
        return True

    def save_copy(self) -> bool:
        """Write the directory to another file of any format; the open directory stays as it is."""
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save a copy as", self._suggested("-copy.gpkg"), COPY_FILTERS
        )
        if not path:
            return False
        try:
            written = self.workspace.save_copy(path)
        except WorkspaceError as exc:
            self.window.warn("Could not save the copy", str(exc))
            return False
        self.window.statusBar().showMessage(f"Wrote a copy to {written.name}.", 5000)
        return True

    def confirm_discard(self) -> bool:
        """Before closing or opening another file: save, discard or cancel unsaved edits. True to go on."""
        if not self.workspace.is_dirty:
            return True
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unsaved changes",
            "The directory has unsaved changes. Save them?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.workspace.discard_recovery()
            return True
        return False

    # -- recovery ------------------------------------------------------------------
    def write_recovery_now(self) -> None:
        """Write unsaved edits aside (the timer calls this every 30 seconds)."""
        try:
            self.workspace.write_recovery()
        except (SaveError, OSError) as exc:  # the data folder is full or read-only: editing goes on
            self.window.statusBar().showMessage(f"Could not write the recovery copy: {exc}", 8000)

    def offer_recovery(self) -> bool:
        """After a crash: offer the unsaved edits back. True when they were restored."""
        recovery = pending_recovery()
        if recovery is None:
            return False
        if not self._ask_restore(recovery):
            discard_recovery(recovery)
            return False
        try:
            count = self.workspace.restore_recovery(
                recovery, ask_password=self.window.ask_password, accept_problems=self.window.confirm_partial_import
            )
        except WorkspaceError as exc:
            kept = set_aside(recovery)
            self.window.inform(
                "Unsaved edits kept",
                f"{exc}\n\nThe edits to {recovery.source} are kept in {kept}; they are offered again at the next start.",
            )
            return False
        self.window.remember_recent(self.workspace.source.location)
        self.window.statusBar().showMessage(f"Restored unsaved edits to {count} agencies. Save to keep them.", 10000)
        return True

    def _ask_restore(self, recovery: Recovery) -> bool:
        where = recovery.source or "the bundled directory"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Restore unsaved edits?",
            f"bsr-map was closed without saving edits to {where} ({recovery.edited} agencies changed, "
            f"written {recovery.saved_at}). Restore them?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.window,
        )
        return box.exec() == QMessageBox.StandardButton.Yes
