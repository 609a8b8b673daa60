"""The open directory document: one object owns what is open and every operation on it.

A :class:`Workspace` holds what is open (a :class:`~bsr_map.workspace.sources.Source`),
the store it is saved through, the file lock, the undo/redo history, whether
there are unsaved changes, and does save, save as, save a copy, reload,
merging an offline copy, restoring deleted agencies and crash recovery. The
window, the command line (``bsr-map directory edit``) and recovery all go
through it, so there is exactly one save path: the store interface.

Decisions that need a person are callbacks: settling conflicts
(:data:`Settle`), accepting a file's valid rows only, taking over a lock,
asking for a database password. The window passes dialogs; the command line
passes ``--prefer`` or refuses.

Edits are remembered by what they touched: for each agency, the record it
had before the first edit since the last save (its *original*) and the
version that original had in the store. A save sends only those agencies,
each against the version it was made from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from bsr_map.directory.importing import DirectoryError, ImportResult, read_directory
from bsr_map.directory.model import empty_directory
from bsr_map.directory.readers import DirectoryReadError
from bsr_map.directory.taxonomy import load_taxonomy
from bsr_map.directory.writers import WRITE_SUFFIXES, write_directory
from bsr_map.explore.model import ExploreModel
from bsr_map.store.base import (
    ChangeSet,
    Conflict,
    ConflictError,
    DeletedAgency,
    DirectoryStore,
    StoreError,
    fingerprint,
)
from bsr_map.store.conflicts import already_agreed
from bsr_map.store.gpkg_store import GeoPackageStore
from bsr_map.util.atomic import SaveError, remove_leftovers
from bsr_map.util.events import Event
from bsr_map.util.file_lock import LockInfo, acquire_lock, release_lock
from bsr_map.workspace import recovery as recovery_files
from bsr_map.workspace.edits import Edit
from bsr_map.workspace.history import UndoStack
from bsr_map.workspace.sources import Kind, Source

#: Conflicts and where -> the record settled on per agency id (None: deleted), or None to save nothing.
Settle = Callable[[list[Conflict], str], "dict[str, dict | None] | None"]
#: Rounds of "someone changed it again while you chose" before a save gives up.
SAVE_ROUNDS = 5


class WorkspaceError(Exception):
    """An operation on the open directory could not be done; the message says why and that nothing was lost."""


class NeedsLocation(WorkspaceError):
    """The open directory cannot be saved where it is (the bundled directory, an imported file): save as."""


@dataclass
class SaveOutcome:
    """What a save did."""

    saved: bool
    count: int = 0  # agencies sent to the store
    message: str = ""
    settled: list[str] = field(default_factory=list)  # agencies whose conflicts were settled on the way


def _ask_nothing(_conflicts: list[Conflict], _where: str) -> None:
    return None


class Workspace:
    """The open directory and everything done to it.

    Parameters
    ----------
    model : ExploreModel, optional
        The filters and selection over the directory, which the views follow;
        a new one (over an empty directory) by default.

    Events
    ------
    opened()
        Another directory was opened (or the open one reloaded).
    state_changed()
        Unsaved changes, the source, read-only or the history changed.
    saved(SaveOutcome)
        A save went through.
    """

    def __init__(self, model: ExploreModel | None = None):
        self.model = model if model is not None else ExploreModel(empty_directory(), load_taxonomy())
        self.source: Source | None = None
        self.store: DirectoryStore | None = None
        #: Who holds the lock when the directory was opened read-only because of it.
        self.lock_holder: LockInfo | None = None
        self.read_only = False
        #: Rows of an imported file that were left out (opened with its valid rows only).
        self.rows_left_out = 0
        self.opened = Event()
        self.state_changed = Event()
        self.saved = Event()
        self.history = UndoStack(self._apply, self._revert)
        self.history.changed.connect(self.state_changed.emit)
        self._locked: Path | None = None
        self.recovery_name = recovery_files.new_name()
        self._versions: dict[str, str] = {}  # id -> version in the store, where the store gives versions
        self._original: dict[str, dict | None] = {}  # id -> record before the first edit since the last save

    # -- what is open ------------------------------------------------------------------
    @property
    def is_dirty(self) -> bool:
        """True when there are unsaved changes."""
        return not self.history.is_clean

    def describe(self) -> str:
        """What is open, for a title: the file or URL, and whether it is a new directory or read-only.

        An imported file is never written back (Save makes a GeoPackage), so
        it is named as imported; one opened with its valid rows only is a new
        directory made from it, not yet saved anywhere.
        """
        if self.source is None or self.source.kind is Kind.BUNDLED:
            return "Bundled directory"
        name = self.source.name
        if not self.source.is_store and self.rows_left_out:
            return f"New directory from {name}, {self.rows_left_out} bad rows left out (not saved)"
        if not self.source.is_store:
            return f"{name} (imported)"
        if self.read_only:
            return f"{name} (read-only)"
        return name

    @property
    def directory(self) -> gpd.GeoDataFrame:
        """The agencies as they are now (treat as read-only; edit with :meth:`push`)."""
        return self.model.directory

    def open(
        self,
        location: str | Path | None,
        *,
        ask_password: Callable[[str], str | None] | None = None,
        accept_problems: Callable[[ImportResult], bool] | None = None,
        take_over_lock: Callable[[LockInfo], bool] | None = None,
        read: Callable[[Path], ImportResult] | None = None,
    ) -> bool:
        """Open the directory at ``location`` (None: the bundled one) in place of the open one.

        Parameters
        ----------
        location : str or Path or None
            A directory file, a GeoPackage store or offline copy, or a ``postgresql://`` URL.
        ask_password : callable, optional
            For a database that wants a password libpq did not find.
        accept_problems : callable, optional
            Shown a file's problems; True to open its valid rows only. Without
            it, a file with problems is not opened.
        take_over_lock : callable, optional
            Shown who holds a GeoPackage's lock; True to take it over. Without
            it, or when it answers False, the file opens read-only.
        read : callable, optional
            Reads a directory file (the window passes one that reads off its
            thread, with progress and Cancel); :func:`read_directory` by default.

        Returns
        -------
        bool
            False when the person declined to open a file's valid rows only.

        Raises
        ------
        WorkspaceError
            The location cannot be read; the open directory is unchanged.
        """
        source = Source.of(location)
        store: DirectoryStore | None = None
        try:
            if source.kind is Kind.DATABASE:
                from bsr_map.store import open_store

                store = open_store(str(location), ask_password=ask_password)
            elif source.is_store:
                if not Path(source.location).is_file():
                    raise WorkspaceError(f"{source.location} does not exist.")
                store = GeoPackageStore(source.location)
            content = self._read(source, store, accept_problems, read)
            if content is None:
                return False
            directory, versions, left_out = content
        except (StoreError, DirectoryError, DirectoryReadError) as exc:
            if store is not None:
                store.close()
            raise WorkspaceError(str(exc)) from None
        except OSError as exc:
            raise WorkspaceError(f"{source.location}: {exc.strerror or exc}") from None
        self._close_source()
        self.source, self.store, self._versions, self._original = source, store, versions, {}
        self.read_only, self.lock_holder, self.rows_left_out = False, None, left_out
        if source.kind in (Kind.GEOPACKAGE, Kind.OFFLINE):
            self._take_lock(Path(source.location), take_over_lock)
        if source.path is not None:
            remove_leftovers(source.path)  # of saves killed before
        self.model.set_directory(directory)
        self.history.clear()
        recovery_files.discard_recovery(name=self.recovery_name)  # edits to what was open before are gone
        self.opened.emit()
        self.state_changed.emit()
        return True

    @staticmethod
    def _read(
        source: Source,
        store: DirectoryStore | None,
        accept_problems: Callable[[ImportResult], bool] | None,
        read: Callable[[Path], ImportResult] | None = None,
    ) -> tuple[gpd.GeoDataFrame, dict[str, str], int] | None:
        """The agencies at ``source``, their versions and the rows left out; None: declined.

        Versions are a database's (a file's are its content); rows left out are
        a file's bad rows, when the person accepted opening the valid ones.
        """
        if source.kind is Kind.DATABASE and store is not None:
            snapshot = store.load()
            return snapshot.directory, dict(snapshot.versions), 0
        result = (read or read_directory)(Path(source.location))
        if result.problems and not (accept_problems is not None and accept_problems(result)):
            return None
        return result.agencies, {}, len(result.bad_rows)

    def _take_lock(self, path: Path, take_over: Callable[[LockInfo], bool] | None) -> None:
        holder = acquire_lock(path)
        if holder is not None and take_over is not None and take_over(holder):
            holder = acquire_lock(path, take_over=True)
        if holder is None:
            self._locked = path
        else:
            self.read_only, self.lock_holder = True, holder

    def _close_source(self) -> None:
        if self._locked is not None:
            release_lock(self._locked)
            self._locked = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def close(self) -> None:
        """Let go of the lock and the store's connections (the window is closing)."""
        self._close_source()

    # -- editing -----------------------------------------------------------------------
    def push(self, edit: Edit) -> None:
        """Make ``edit`` (it can be undone)."""
        self.history.push(edit)

    def undo(self) -> bool:
        """Undo the last edit; False when there is none."""
        return self.history.undo()

    def redo(self) -> bool:
        """Redo the last undone edit; False when there is none."""
        return self.history.redo()

    def _remember(self, ids) -> None:
        for agency_id in ids:
            if agency_id not in self._original:
                self._original[agency_id] = self._current(agency_id)

    def _current(self, agency_id: str) -> dict | None:
        try:
            return self.model.record(agency_id)
        except KeyError:
            return None

    def _apply(self, edit: Edit) -> None:
        self._remember([*edit.before, *edit.after])
        edit.apply(self.model)

    def _revert(self, edit: Edit) -> None:
        self._remember([*edit.before, *edit.after])
        edit.revert(self.model)

    def changes(self, settled: dict[str, tuple[str | None, dict | None]] | None = None) -> ChangeSet:
        """What a save would send: every agency changed since the last save, against its version then.

        Parameters
        ----------
        settled : dict, optional
            Agency id -> (the store's version, the store's record) for
            conflicts settled during this save: those agencies are compared
            with, and saved against, the store's side.
        """
        settled = settled or {}
        changes = ChangeSet()
        for agency_id, original in self._original.items():
            version: str | None
            if agency_id in settled:
                version, original = settled[agency_id]
            else:
                version = self._base_version(agency_id, original)
            current = self._current(agency_id)
            if current is None:
                if original is not None:
                    changes.deletes.append((agency_id, version or ""))
            elif original is None:
                changes.upserts.append((current, None))  # new here, or deleted in the store: added back
            elif fingerprint(current) != fingerprint(original):
                changes.upserts.append((current, version))
        return changes

    def _base_version(self, agency_id: str, original: dict | None) -> str | None:
        if original is None:
            return None
        return self._versions.get(agency_id) or fingerprint(original)

    # -- saving ------------------------------------------------------------------------
    def save(self, settle: Settle | None = None) -> SaveOutcome:
        """Save the changes through the store, settling conflicts with ``settle``.

        Returns
        -------
        SaveOutcome
            ``saved`` is False when the person (``settle``) chose to save nothing.

        Raises
        ------
        NeedsLocation
            For the bundled directory or an imported file: use :meth:`save_as`.
        WorkspaceError
            The store could not be written (busy, away, read-only); nothing was saved.
        """
        if self.source is None or not self.source.is_store or self.store is None:
            raise NeedsLocation("This directory is not saved in a GeoPackage or a database yet: save it as one.")
        if self.read_only:
            who = f" by {self.lock_holder.describe()}" if self.lock_holder else ""
            raise WorkspaceError(
                f"{self.source.name} is open read-only: it is being edited{who}. Save your edits as a new "
                "GeoPackage (Save as), or close it there and open it again."
            )
        settle = settle or _ask_nothing
        settled: dict[str, tuple[str | None, dict | None]] = {}
        names: list[str] = []
        for _ in range(SAVE_ROUNDS):
            changes = self.changes(settled)
            try:
                result = self.store.apply(changes) if changes else None
            except ConflictError as refused:
                for conflict in refused.conflicts:
                    settled[conflict.agency_id] = (conflict.theirs_version, conflict.theirs)
                real = [c for c in refused.conflicts if not already_agreed(c)]
                if not real:
                    continue
                chosen = settle(real, self.source.name)
                if chosen is None:
                    return SaveOutcome(False, message="Nothing was saved; your edits are still here.")
                names += [c.agency_id for c in real]
                before = {i: self._current(i) for i in chosen}
                self.push(Edit("Settle conflicts with others' changes", before, dict(chosen)))
                continue
            except StoreError as exc:
                raise WorkspaceError(str(exc)) from None
            for agency_id, (version, _record) in settled.items():  # now based on the store's side
                if version is None:
                    self._versions.pop(agency_id, None)
                else:
                    self._versions[agency_id] = version
            if result is not None:
                for agency_id, version in result.versions.items():
                    if version is None:
                        self._versions.pop(agency_id, None)
                    else:
                        self._versions[agency_id] = version
            self._original = {}
            self.history.set_clean()
            recovery_files.discard_recovery(name=self.recovery_name)
            outcome = SaveOutcome(
                True,
                len(changes),
                f"Saved {len(changes)} changes to {self.source.name}." if changes else "Nothing to save.",
                names,
            )
            self.saved.emit(outcome)
            return outcome
        raise WorkspaceError(
            "Others keep changing the same agencies; nothing was saved and your edits are still here. "
            "Try again in a moment."
        )

    def save_as(self, path: str | Path) -> SaveOutcome:
        """Save the whole directory as a new GeoPackage at ``path`` and go on editing that file.

        Raises
        ------
        WorkspaceError
            ``path`` is not a ``.gpkg``, or cannot be written (an existing file is unchanged).
        """
        path = Path(path).absolute()
        if path.suffix.lower() != ".gpkg":
            raise WorkspaceError(
                f"{path.name}: a directory is saved as a GeoPackage (.gpkg). To write CSV, Excel or "
                "GeoJSON, use Save a copy."
            )
        if self.source is not None and self.source.path is not None and path.resolve() == self.source.path.resolve():
            if self.source.is_store:
                return self.save()
            raise WorkspaceError(f"{path.name} is the file being read; save as another file, so nothing is lost.")
        try:
            store = GeoPackageStore.create(path, self.model.directory)
        except StoreError as exc:
            raise WorkspaceError(str(exc)) from None
        self._close_source()
        self.source, self.store, self._versions, self._original = Source.of(path), store, {}, {}
        self.read_only, self.lock_holder, self.rows_left_out = False, None, 0
        self._take_lock(path, None)
        self.history.set_clean()
        recovery_files.discard_recovery(name=self.recovery_name)
        outcome = SaveOutcome(True, len(self.model.directory), f"Saved {path.name}.")
        self.saved.emit(outcome)
        self.state_changed.emit()
        return outcome

    def save_copy(self, path: str | Path, agencies: gpd.GeoDataFrame | None = None) -> Path:
        """Write the directory (or ``agencies``) to another file of any directory format; nothing else changes.

        Raises
        ------
        WorkspaceError
            The format is not one bsr-map writes, the file is the one open, or it cannot be written.
        """
        path = Path(path).absolute()
        if path.suffix.lower() not in WRITE_SUFFIXES:
            raise WorkspaceError(
                f"cannot write '{path.suffix or path.name}' files; use one of {', '.join(WRITE_SUFFIXES)}"
            )
        if self.source is not None and self.source.path is not None and path.resolve() == self.source.path.resolve():
            raise WorkspaceError(f"{path.name} is the open directory; write the copy to another file.")
        try:
            return write_directory(self.model.directory if agencies is None else agencies, path)
        except (SaveError, ValueError) as exc:
            raise WorkspaceError(str(exc)) from None

    def reload(self) -> None:
        """Read the open directory again (others' saved changes included); unsaved changes are dropped.

        Raises
        ------
        WorkspaceError
            It cannot be read now; what is shown is unchanged.
        """
        if self.source is None:
            return
        selected = self.model.selected_id
        try:
            # the valid rows, as when it was opened (the person accepted its problems then)
            content = self._read(self.source, self.store, lambda _result: True)
            assert content is not None
            directory, versions, self.rows_left_out = content
        except (StoreError, DirectoryError, DirectoryReadError) as exc:
            raise WorkspaceError(str(exc)) from None
        self._versions, self._original = versions, {}
        self.model.set_directory(directory)
        if selected is not None and self._current(selected) is not None:
            self.model.select(selected)
        self.history.clear()
        self.opened.emit()

    # -- shared directories --------------------------------------------------------------
    def _require_clean(self, what: str) -> None:
        if self.is_dirty:
            raise WorkspaceError(f"Save your edits first, then {what}.")

    def _require_store(self) -> DirectoryStore:
        if self.store is None:
            raise WorkspaceError("This works on a directory saved in a GeoPackage or a database.")
        return self.store

    def deleted(self) -> list[DeletedAgency]:
        """The open store's soft-deleted agencies, with who and when."""
        try:
            return self._require_store().deleted()
        except StoreError as exc:
            raise WorkspaceError(str(exc)) from None

    def restore_deleted(self, agency_ids: list[str]) -> None:
        """Bring deleted agencies back (after a save: restoring is saved at once), then reload."""
        self._require_clean("restore")
        try:
            self._require_store().restore(agency_ids)
        except StoreError as exc:
            raise WorkspaceError(str(exc)) from None
        self.reload()

    def take_offline(self, path: str | Path, agency_ids: list[str] | None = None) -> Path:
        """Write an offline copy (a GeoPackage) of the saved directory, or of ``agency_ids`` only."""
        from bsr_map.store.offline import take_offline

        self._require_clean("take the offline copy (it is taken from what is saved)")
        try:
            return take_offline(self._require_store(), Path(path).with_suffix(".gpkg"), agency_ids)
        except (StoreError, SaveError, OSError) as exc:
            raise WorkspaceError(str(exc)) from None

    def merge_offline(
        self,
        path: str | Path,
        settle: Settle | None = None,
        *,
        ask_password: Callable[[str], str | None] | None = None,
    ):
        """Send the edits of an offline copy to the shared directory it was taken from.

        Conflicts are shown to ``settle``; the merge saves nothing when it
        returns None. When the shared directory is the one open (and has no
        unsaved edits) it is reloaded afterwards.

        Returns
        -------
        SyncReport
            With ``conflicts`` when agencies changed again while the person chose (nothing was merged),
            and ``copy_error`` when the copy could not be refreshed (the store has the edits).
            None when the person chose to merge nothing.
        """
        from bsr_map.store import open_store
        from bsr_map.store.offline import copy_source, sync

        path = Path(path)
        try:
            target = copy_source(path)
        except Exception as exc:  # not a GeoPackage at all: GDAL raises several kinds
            raise WorkspaceError(f"{path.name} cannot be read as a GeoPackage ({exc}).") from None
        if target is None:
            raise WorkspaceError(
                f"{path.name} is not an offline copy of a shared directory (it was not written by “Take offline copy”)."
            )
        same = self.store is not None and self.source is not None and self.source.location == target
        store = None
        try:
            store = self.store if same else open_store(target, ask_password=ask_password)
            assert store is not None
            report = sync(path, store)
            if report.conflicts:
                chosen = (settle or _ask_nothing)(report.conflicts, target)
                if chosen is None:
                    return None
                report = sync(path, store, settled=chosen, seen=report.conflicts)
        except (StoreError, DirectoryError, SaveError, OSError) as exc:
            raise WorkspaceError(str(exc)) from None
        finally:
            if store is not None and not same:
                store.close()
        if same and not report.conflicts and not self.is_dirty:
            self.reload()
        return report

    # -- crash recovery ------------------------------------------------------------------
    def write_recovery(self) -> Path | None:
        """Write the unsaved changes aside (a timer calls this); None when there are none."""
        if not self.is_dirty or self.source is None:
            return None
        entries = []
        for agency_id, original in self._original.items():
            current = self._current(agency_id)
            if (current is None) != (original is None) or (
                current is not None and original is not None and fingerprint(current) != fingerprint(original)
            ):
                entries.append(
                    {
                        "id": agency_id,
                        "record": current,
                        "original": original,
                        "version": self._base_version(agency_id, original),
                    }
                )
        return recovery_files.write_recovery(
            self.source.location, entries, len(self.model.directory), self.recovery_name
        )

    def discard_recovery(self) -> None:
        """Remove this document's recovery copy: the person chose to close without saving."""
        recovery_files.discard_recovery(name=self.recovery_name)

    def restore_recovery(
        self,
        recovery: recovery_files.Recovery,
        *,
        ask_password: Callable[[str], str | None] | None = None,
        accept_problems: Callable[[ImportResult], bool] | None = None,
    ) -> int:
        """Open what the edits were made to and restore them as one edit that can be undone.

        Each restored agency is saved against the version it was made from:
        agencies others changed after the crash keep their changes, and where
        both changed one, the save shows the conflict.

        Returns
        -------
        int
            How many agencies were restored.

        Raises
        ------
        WorkspaceError
            What the edits belong to cannot be opened now (a database away): the caller keeps the copy.
        """
        location = recovery.source or None
        if not self.open(location, ask_password=ask_password, accept_problems=accept_problems):
            raise WorkspaceError(f"{recovery.source} was not opened; the unsaved edits are kept.")
        before = {e["id"]: self._current(e["id"]) for e in recovery.entries}
        after = {e["id"]: e["record"] for e in recovery.entries}
        self.push(Edit("Restore unsaved edits", before, after))
        for entry in recovery.entries:  # saved against what they were made from, not what is there now
            self._original[entry["id"]] = entry["original"]
            if entry.get("version") and self.source is not None and self.source.kind is Kind.DATABASE:
                self._versions[entry["id"]] = entry["version"]
        recovery_files.discard_recovery(recovery)
        self.write_recovery()
        return len(after)
