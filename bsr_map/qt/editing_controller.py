"""Editing in the main window: actions, undo and redo, saving, crash recovery and the file lock."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from bsr_map.util.atomic import SaveError
from bsr_map.directory.importing import bundled_directory_path
from bsr_map.directory.writers import write_directory
from bsr_map.workspace.edits import (
    Edit,
    add_edit,
    change_edit,
    delete_edit,
    duplicate_edit,
    move_edit,
    records_by_id,
    sectors_edit,
    verify_edit,
)
from bsr_map.util.file_lock import acquire_lock, release_lock
from bsr_map.workspace.recovery import discard_recovery, pending_recovery, write_recovery

#: Unsaved edits are written aside this often (the issue asks for at least every minute).
RECOVERY_INTERVAL_MS = 30_000


class _EditCommand(QUndoCommand):
    def __init__(self, edit: Edit, model):
        super().__init__(edit.text)
        self.edit, self.model = edit, model

    def redo(self) -> None:
        self.edit.apply(self.model)

    def undo(self) -> None:
        self.edit.revert(self.model)


class EditingController(QObject):
    """Owns the undo stack and the editing, saving and recovery behaviour of a main window."""

    def __init__(self, window):
        super().__init__(window)
        self.window, self.model = window, window.model
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.locked_path: Path | None = None
        self._recovery_timer = QTimer(self, interval=RECOVERY_INTERVAL_MS)
        self._recovery_timer.timeout.connect(self.write_recovery_now)
        self._recovery_timer.start()
        self._build_actions()

    # -- actions ------------------------------------------------------------------
    def _build_actions(self) -> None:
        w = self.window
        self.undo_action = self.undo_stack.createUndoAction(w, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(w, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)

        def action(text, slot, shortcut=None, tip=None) -> QAction:
            return w._action(text, slot, shortcut, tip)

        self.add_action = action("&Add agency…", self.add_agency, QKeySequence.StandardKey.New)
        self.edit_action = action("&Edit agency…", self.edit_selected, "Ctrl+Return")
        self.duplicate_action = action("D&uplicate agency", self.duplicate_selected, "Ctrl+D")
        self.delete_action = action("&Delete agency", self.delete_selected, QKeySequence.StandardKey.Delete)
        self.verify_action = action("&Confirm as verified today", self.verify_selected, "Ctrl+Shift+V",
                                    "Set the selected agencies' “Last verified” date to today")
        self.sectors_action = action("Set &sectors of selected…", self.set_sectors_selected, None,
                                     "Give every selected agency the same sectors")
        self.place_action = action("Set &location on the map", self.place_selected, None,
                                   "Click on the map to move the selected agency there")
        self.save_action = action("&Save", self.save, QKeySequence.StandardKey.Save)
        self.save_as_action = action("Save &as…", self.save_as, "Ctrl+Alt+S")
        for a in (self.undo_action, self.redo_action):
            w.addAction(a)

    def edit_actions(self) -> list:
        """For the Edit menu, in order (None separates groups)."""
        return [self.undo_action, self.redo_action, None, self.add_action, self.edit_action, self.duplicate_action,
                self.delete_action, self.verify_action, self.sectors_action, self.place_action]

    # -- edits --------------------------------------------------------------------
    def push(self, edit: Edit) -> None:
        """Apply an edit through the undo stack."""
        self.undo_stack.push(_EditCommand(edit, self.model))

    def _selected_records(self) -> list[dict]:
        ids = self.window.table.selected_ids() or ([self.model.selected_id] if self.model.selected_id else [])
        return records_by_id(self.model, ids)

    def _need_selection(self) -> list[dict] | None:
        records = self._selected_records()
        if not records:
            self.window.statusBar().showMessage("Select an agency first.", 4000)
            return None
        return records

    def open_form(self, record: dict | None = None):
        """The agency form (a hook for tests, which fill it without a modal loop)."""
        from bsr_map.qt.agency_form import AgencyForm

        return AgencyForm(self.model, record, self.window)

    def add_agency(self) -> None:
        form = self.open_form()
        if form.exec() == QDialog.DialogCode.Accepted and form.result_check.ok:
            self.push(add_edit(form.result_check.record))
            self.model.select(form.result_check.record["id"])

    def edit_selected(self) -> None:
        records = self._need_selection()
        if records is None:
            return
        form = self.open_form(records[0])
        if form.exec() == QDialog.DialogCode.Accepted and form.result_check.ok:
            self.push(change_edit(records[0], form.result_check.record))

    def duplicate_selected(self) -> None:
        records = self._need_selection()
        if records:
            edit = duplicate_edit(records[0], set(self.model.directory["id"]))
            self.push(edit)
            self.model.select(next(iter(edit.after)))

    def delete_selected(self) -> None:
        records = self._need_selection()
        if records:
            self.push(delete_edit(records))

    def verify_selected(self) -> None:
        records = self._need_selection()
        if records:
            self.push(verify_edit(records))

    def set_sectors_selected(self) -> None:
        records = self._need_selection()
        if not records:
            return
        sectors = self.ask_sectors(records)
        if sectors:
            self.push(sectors_edit(records, sectors))

    def ask_sectors(self, records: list[dict]) -> list[str] | None:
        """Ask which sectors the selected agencies should have (a hook for tests)."""
        from PySide6.QtWidgets import QDialogButtonBox, QLabel, QVBoxLayout

        from bsr_map.qt.agency_form import _checked_codes, _checklist

        dialog = QDialog(self.window)
        dialog.setWindowTitle(f"Sectors of {len(records)} agencies")
        common = set.intersection(*(set(r["sectors"]) for r in records))
        checklist = _checklist(self.model.taxonomy.sectors, common)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel("The first ticked sector becomes each agency's primary sector."))
        layout.addWidget(checklist)
        layout.addWidget(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return _checked_codes(checklist) or None

    def place_selected(self) -> None:
        records = self._need_selection()
        if not records:
            return
        record = records[0]
        self.window.statusBar().showMessage(f"Click on the map where {record['name']} is (Esc cancels).")

        def place(lon: float, lat: float) -> None:
            self.push(move_edit(record, lon, lat))
            self.window.statusBar().showMessage(f"Moved {record['name']}.", 4000)

        self.window.canvas.place_next_click(place)

    # -- saving ---------------------------------------------------------------------
    def _writable_source(self) -> Path | None:
        source = self.model.source
        if not isinstance(source, Path) or source.resolve() == bundled_directory_path().resolve():
            return None  # the bundled directory is part of the app: save a copy instead
        return source

    def save(self) -> bool:
        """Save to the shared directory or the open file (or ask where, for the bundled directory). True when saved."""
        if self.window.session is not None:
            return self.save_shared()
        target = self._writable_source()
        return self.save_to(target) if target is not None else self.save_as()

    def save_shared(self) -> bool:
        """Save the edits to the shared directory; conflicts are settled field by field. True when saved.

        Whatever goes wrong, nothing is half-written and the edits stay here to be saved again.
        """
        from bsr_map.store import ConflictError, StoreError

        session = self.window.session
        settled_so_far = []  # the store's versions become the base only if this save goes through
        for _ in range(5):  # each round settles what others changed meanwhile; five rounds is a busy day
            try:
                saved = session.save(self.model.directory, settled_so_far)
            except ConflictError as refused:
                settled = self.settle_conflicts(refused.conflicts, session.location)
                if settled is None:
                    self.window.statusBar().showMessage("Nothing was saved; your edits are still here.", 8000)
                    return False
                again = {c.agency_id for c in refused.conflicts}
                settled_so_far = [c for c in settled_so_far if c.agency_id not in again] + refused.conflicts
                current = {r["id"]: r for r in records_by_id(self.model, settled)}
                self.push(Edit("Settle conflicts with others' changes", {i: current.get(i) for i in settled}, settled))
                continue
            except StoreError as exc:
                QMessageBox.warning(self.window, "Could not save", str(exc))
                return False
            self.window.show_shared(saved)  # the store's directory, others' saves included
            discard_recovery()
            self.window._update_title()
            self.window.statusBar().showMessage(f"Saved to {session.location} ({len(saved)} agencies).", 5000)
            return True
        QMessageBox.warning(self.window, "Could not save", "Others keep changing the same agencies; nothing was "
                            "saved and your edits are still here. Try again in a moment.")
        return False

    def settle_conflicts(self, conflicts, where: str) -> dict[str, dict | None] | None:
        """Show both versions field by field; the chosen records by id, or None when the person cancels (a hook for tests)."""
        from bsr_map.qt.conflict_dialog import ConflictDialog

        dialog = ConflictDialog(conflicts, where, self.window)
        self.conflict_dialog = dialog
        return dialog.settled() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(self.window, "Save directory as", str(Path.home() / "directory.gpkg"),
                                              "GeoPackage (*.gpkg);;GeoJSON (*.geojson);;CSV (*.csv);;Excel (*.xlsx)")
        return self.save_to(Path(path)) if path else False

    def save_to(self, path: Path) -> bool:
        """Write the directory to ``path`` atomically; on failure say why and keep the edits."""
        try:
            write_directory(self.model.directory, path)
        except (SaveError, ValueError) as exc:
            QMessageBox.warning(self.window, "Could not save", str(exc))
            return False
        self.model.source = Path(path)
        self.window.close_session()  # saved as a file: the window now edits that file
        self.take_lock(Path(path))
        self.undo_stack.setClean()
        discard_recovery()
        self.window._update_title()
        self.window.statusBar().showMessage(f"Saved {Path(path).name}.", 5000)
        return True

    def confirm_discard(self) -> bool:
        """Before closing or opening another file: save, discard or cancel unsaved edits. True to go on."""
        if self.undo_stack.isClean():
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            discard_recovery()
            return True
        return False

    def ask_unsaved(self):
        """The question itself (a hook for tests)."""
        return QMessageBox.question(self.window, "Unsaved changes", "The directory has unsaved changes. Save them?",
                                    QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                                    | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)

    def directory_replaced(self) -> None:
        """A new file was opened: its history starts afresh."""
        self.undo_stack.clear()
        self.undo_stack.setClean()

    # -- recovery and lock ------------------------------------------------------------
    def write_recovery_now(self) -> None:
        """Write unsaved edits aside (the timer calls this every 30 seconds)."""
        if not self.undo_stack.isClean():
            try:
                write_recovery(self.model.directory, self.model.source, self._shared_base())
            except (SaveError, OSError) as exc:
                self.window.statusBar().showMessage(f"Could not write the recovery copy: {exc}", 8000)

    def _shared_base(self) -> dict | None:
        """For a shared directory: id -> [version, fingerprint] as loaded (computed once per load or save)."""
        from bsr_map.store import fingerprint
        from bsr_map.store.base import records_by_id as store_records

        session = self.window.session
        if session is None:
            return None
        made_for = getattr(self, "_base_made_for", (None, None))
        if made_for[0] is not session.snapshot or made_for[1] != session.carried:
            # A restored edit carries the version it was made from, not the one loaded after the crash.
            versions = {**session.snapshot.versions, **session.carried}
            self._base = {i: [versions[i], fingerprint(r)] for i, r in store_records(session.snapshot.directory).items()}
            self._base_made_for = (session.snapshot, dict(session.carried))
        return self._base

    def offer_recovery(self) -> bool:
        """After a crash: offer the unsaved edits back. True when they were restored."""
        recovery = pending_recovery()
        if recovery is None:
            return False
        if not self.ask_restore(recovery):
            discard_recovery(recovery)
            return False
        from bsr_map.directory import read_directory
        from bsr_map.directory.model import directory_records

        if "://" in recovery.source:
            return self._restore_shared(recovery)
        result = read_directory(recovery.directory_file)
        before = {r["id"]: r for r in directory_records(self.model.directory)}
        after = {r["id"]: r for r in directory_records(result.agencies)}
        edit = Edit("Restore unsaved edits", {i: before.get(i) for i in before | after},
                    {i: after.get(i) for i in before | after})
        if recovery.source:
            self.model.source = Path(recovery.source)
        self.push(edit)
        return True

    def _restore_shared(self, recovery) -> bool:
        """Restore only the edits of a shared directory's recovery copy, each against the version it was made from.

        Agencies others changed after the crash keep their changes; where both changed one, the save
        shows the conflict. When the database cannot be reached, the copy is kept for a later start.
        """
        from bsr_map.directory import read_directory
        from bsr_map.workspace.recovery import set_aside
        from bsr_map.store import fingerprint
        from bsr_map.store.base import records_by_id as store_records

        if not self.window.open_shared(recovery.source, ask=False):
            kept = set_aside(recovery)
            QMessageBox.information(self.window, "Unsaved edits kept",
                                    f"The edits to {recovery.source} are kept in {kept}; they are offered again at "
                                    "the next start.")
            return False
        base = recovery.base or {}
        recovered = store_records(read_directory(recovery.directory_file).agencies)
        changed = {i: r for i, r in recovered.items() if i not in base or fingerprint(r) != base[i][1]}
        deleted = [i for i in base if i not in recovered]
        self.window.session.carried = {i: base[i][0] for i in [*changed, *deleted] if i in base}
        current = {r["id"]: r for r in records_by_id(self.model, [*changed, *deleted])}
        after = {**changed, **{i: None for i in deleted}}
        self.push(Edit("Restore unsaved edits", {i: current.get(i) for i in after}, after))
        discard_recovery(recovery)  # the edits are in this window now (and in its own recovery copy)
        self.write_recovery_now()
        return True

    def ask_restore(self, recovery) -> bool:
        """The question itself (a hook for tests)."""
        where = recovery.source or "the bundled directory"
        return QMessageBox.question(
            self.window, "Restore unsaved edits?",
            f"bsr-map was closed without saving edits to {where} ({recovery.count} agencies, written "
            f"{recovery.saved_at}). Restore them?") == QMessageBox.StandardButton.Yes

    def take_lock(self, path: Path) -> None:
        """Hold the lock on ``path``; if another instance holds it, warn (and take it over if the user agrees)."""
        if self.locked_path == path:
            return
        self.release_lock()
        holder = acquire_lock(path)
        if holder is not None and self.warn_locked(path, holder):
            holder = acquire_lock(path, take_over=True)
        self.locked_path = path if holder is None else None

    def warn_locked(self, path: Path, holder) -> bool:
        """Warn that another instance has the file open; True to take the lock over (a hook for tests)."""
        return QMessageBox.warning(
            self.window, "Directory in use", f"{path.name} is open in another bsr-map: {holder.describe()}.\n\n"
            "Edits saved from both would overwrite each other. Take it over anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes

    def release_lock(self) -> None:
        if self.locked_path is not None:
            release_lock(self.locked_path)
            self.locked_path = None

    def _on_clean_changed(self, clean: bool) -> None:
        self.window.setWindowModified(not clean)
        self.window._update_title()
        if not clean:
            self.write_recovery_now()

