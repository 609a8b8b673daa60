"""Editing a shared directory: what was loaded, what to save, and settling conflicts field by field.

A window (or any tool) opens an :class:`EditSession`, edits its own copy of
the directory, and saves the difference. When the store refuses a save
because others changed the same agencies, the person chooses, per field,
their value or the store's (:func:`merge_record`), and the next save sends
the merged records against the store's versions of them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd

from bsr_map.directory.model import directory_from_records
from bsr_map.store.base import (
    COMPARED_FIELDS, ChangeSet, Conflict, DirectoryStore, Snapshot, changes_between, records_by_id,
)

MINE, THEIRS = "mine", "theirs"


def merge_record(conflict: Conflict, choices: dict[str, str] | str) -> dict | None:
    """The record a person settled on for one conflict.

    Parameters
    ----------
    conflict : Conflict
    choices : dict or str
        Field -> ``"mine"`` or ``"theirs"`` for the fields that differ (fields
        not named keep mine), or one of those words for the whole record.
        ``lat`` and ``lon`` go together: the choice for either moves both.

    Returns
    -------
    dict or None
        The merged record, or None when the settled outcome is that the agency
        is deleted (the chosen side deleted it).
    """
    if isinstance(choices, str):
        choices = {name: choices for name in COMPARED_FIELDS}
    if conflict.mine is None or conflict.theirs is None:
        # A deletion against a change: the whole record is the choice.
        side = choices.get("name", MINE)
        return conflict.mine if side == MINE else conflict.theirs
    merged = dict(conflict.mine)
    location = choices.get("lat") or choices.get("lon") or MINE
    for name in COMPARED_FIELDS:
        side = location if name in ("lat", "lon") else choices.get(name, MINE)
        if side == THEIRS:
            merged[name] = conflict.theirs.get(name)
    return merged


class EditSession:
    """A directory loaded from a store for editing.

    Parameters
    ----------
    store : DirectoryStore
        Where the directory lives; loaded at once.
    """

    def __init__(self, store: DirectoryStore):
        self.store = store
        self.snapshot: Snapshot = store.load()
        #: Agency id -> the version an edit restored from a recovery copy was made from.
        self.carried: dict[str, str] = {}

    @classmethod
    def open(cls, location: str | Path, *, ask_password: Callable[[str], str | None] | None = None) -> EditSession:
        """Open the store at ``location`` (a ``postgresql://`` URL or a ``.gpkg`` path) and load it."""
        from bsr_map.store import open_store

        store = open_store(location, ask_password=ask_password)
        try:
            return cls(store)
        except Exception:
            store.close()
            raise

    @property
    def location(self) -> str:
        """Where the store is, safe to show (no password)."""
        return self.store.location

    @property
    def directory(self) -> gpd.GeoDataFrame:
        """The directory as last loaded or saved."""
        return self.snapshot.directory

    def changes(self, directory: gpd.GeoDataFrame, settled: list[Conflict] = ()) -> ChangeSet:
        """What ``directory`` (the edited copy) adds, changes and deletes since the last load or save.

        Parameters
        ----------
        directory : GeoDataFrame
        settled : list of Conflict
            Conflicts the person settled for this save: those agencies are
            compared with, and saved against, the store's versions in them.
        """
        base = self._rebased(settled) if settled else self.snapshot
        changes = changes_between(base, directory)
        # Edits restored from a recovery copy keep the versions they were made from, unless a person
        # settled them against a newer one.
        carried = {i: v for i, v in self.carried.items() if i not in {c.agency_id for c in settled}}
        if carried:
            changes.upserts = [(r, carried.get(r["id"], v)) for r, v in changes.upserts]
            changes.deletes = [(i, carried.get(i, v)) for i, v in changes.deletes]
        return changes

    def save(self, directory: gpd.GeoDataFrame, settled: list[Conflict] = ()) -> gpd.GeoDataFrame:
        """Save the edits in ``directory``; returns the store's directory after the save.

        ``settled`` are the conflicts of earlier attempts that the person
        settled (see :meth:`changes`); they become the base only when this
        save succeeds, so undoing the settlement and saving again is checked
        against the versions loaded before.

        Raises
        ------
        ConflictError
            Some edited agencies were changed or deleted in the store meanwhile; nothing was saved.
        StoreError
            The store could not be written; nothing was saved.
        """
        changes = self.changes(directory, settled)
        if changes:
            self.snapshot = self.store.apply(changes)
            self.carried = {}
        return self.snapshot.directory

    def _rebased(self, conflicts: list[Conflict]) -> Snapshot:
        """The snapshot with the store's side of ``conflicts`` as the base of those agencies."""
        records = records_by_id(self.snapshot.directory)
        versions = dict(self.snapshot.versions)
        for conflict in conflicts:
            records.pop(conflict.agency_id, None)
            versions.pop(conflict.agency_id, None)
            if conflict.theirs is not None:
                records[conflict.agency_id] = conflict.theirs
                versions[conflict.agency_id] = conflict.theirs_version
        return Snapshot(directory_from_records(list(records.values())), versions)

    def reload(self) -> gpd.GeoDataFrame:
        """Load the store again (others' saves included); returns the directory."""
        self.snapshot = self.store.load()
        self.carried = {}
        return self.snapshot.directory

    def close(self) -> None:
        """Let go of the store's connections."""
        self.store.close()
