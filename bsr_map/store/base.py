"""What every directory store offers: load with versions, save changes without lost updates.

A store holds the shared directory. A window or a command loads a
:class:`Snapshot` (the agencies and each one's version), edits its own copy,
and saves the difference as a :class:`ChangeSet`. Each change names the
version it was made from; a store refuses the whole save when any record was
changed (or deleted) by someone else since, and reports both versions in a
:class:`ConflictError`, so nothing is overwritten unseen.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from bsr_map.directory.model import directory_records
from bsr_map.directory.schema import FIELD_NAMES, FIELDS

#: Fields a person compares in a conflict, in the schema's order, then the location.
COMPARED_FIELDS = (*FIELD_NAMES, "lat", "lon")


class StoreError(Exception):
    """The store cannot be read or written (a server away, a file not writable); nothing was changed."""


@dataclass
class Conflict:
    """One agency changed both here and in the store since it was loaded.

    ``mine`` or ``theirs`` is None when that side deleted the agency.
    """

    agency_id: str
    mine: dict | None
    theirs: dict | None
    theirs_version: str | None
    theirs_by: str = ""  # who changed it in the store, when known
    theirs_at: str = ""

    def differing_fields(self) -> list[str]:
        """The fields whose values differ (every field when one side deleted the agency)."""
        if self.mine is None or self.theirs is None:
            return list(COMPARED_FIELDS)
        return [f for f in COMPARED_FIELDS if _comparable(self.mine.get(f)) != _comparable(self.theirs.get(f))]


class ConflictError(Exception):
    """A save was refused because records changed in the store since they were loaded; nothing was saved."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        names = ", ".join((c.mine or c.theirs or {}).get("name", c.agency_id) for c in conflicts[:5])
        more = f" and {len(conflicts) - 5} more" if len(conflicts) > 5 else ""
        super().__init__(
            f"{len(conflicts)} agencies were changed by someone else since you loaded them: "
            f"{names}{more}. Nothing was saved."
        )


@dataclass
class Snapshot:
    """The directory as loaded from a store, with each agency's version (an opaque token)."""

    directory: gpd.GeoDataFrame
    versions: dict[str, str]


@dataclass
class ChangeSet:
    """Edits to save: new or changed records with the version they were made from, and deletions.

    ``base`` is None for a new agency.
    """

    upserts: list[tuple[dict, str | None]] = field(default_factory=list)
    deletes: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.upserts or self.deletes)

    def __len__(self) -> int:
        return len(self.upserts) + len(self.deletes)


@dataclass
class SaveResult:
    """What a save stored: each saved agency's new version (None for a deletion)."""

    versions: dict[str, str | None] = field(default_factory=dict)


@dataclass
class DeletedAgency:
    """A soft-deleted agency, kept so that it can be restored."""

    record: dict
    deleted_at: str
    deleted_by: str


@dataclass
class AuditEntry:
    """One change in the store's history."""

    agency_id: str
    action: str  # insert, update, delete, restore
    changed_at: str
    changed_by: str
    version: str


def _comparable(value):
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, (list, tuple)):
        return list(value)
    return "" if value is None else value


def fingerprint(record: dict) -> str:
    """A short hash of a record's content (every field and the location): equal records, equal fingerprints."""
    content = {name: _comparable(record.get(name)) for name in COMPARED_FIELDS}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:20]


def records_by_id(directory: gpd.GeoDataFrame) -> dict[str, dict]:
    """The directory's records (schema fields plus ``lat`` and ``lon``) keyed by id, in order."""
    return {record["id"]: record for record in directory_records(directory)}


def changes_between(base: Snapshot, current: gpd.GeoDataFrame) -> ChangeSet:
    """What was added, changed and deleted in ``current`` since ``base`` was loaded.

    Parameters
    ----------
    base : Snapshot
        The directory as loaded, with versions.
    current : GeoDataFrame
        The edited directory.

    Returns
    -------
    ChangeSet
    """
    before = records_by_id(base.directory)
    changes = ChangeSet()
    now = records_by_id(current)
    for agency_id, record in now.items():
        old = before.get(agency_id)
        if old is None:
            changes.upserts.append((record, None))
        elif fingerprint(old) != fingerprint(record):
            changes.upserts.append((record, base.versions[agency_id]))
    changes.deletes = [(agency_id, base.versions[agency_id]) for agency_id in before if agency_id not in now]
    return changes


def blank_record() -> dict:
    """A record with every field empty (lists empty), for messages and comparisons."""
    return {f.name: [] if f.kind in ("sectors", "services", "languages") else "" for f in FIELDS}


class DirectoryStore(ABC):
    """Where the directory lives: a GeoPackage file or a PostGIS database."""

    #: Where the store is, for people to read (a path, or a URL without its password).
    location: str

    @abstractmethod
    def load(self) -> Snapshot:
        """The current agencies (not the deleted ones) with their versions."""

    @abstractmethod
    def apply(self, changes: ChangeSet) -> SaveResult:
        """Save ``changes`` in one step, or nothing when any record changed since its base version.

        Returns
        -------
        SaveResult
            The new version of each saved agency, for the next round of edits.

        Raises
        ------
        ConflictError
            Listing every conflicting record; nothing was saved.
        StoreError
            The store could not be written; nothing was saved.
        """

    @abstractmethod
    def deleted(self) -> list[DeletedAgency]:
        """The soft-deleted agencies, with who deleted them and when."""

    @abstractmethod
    def restore(self, agency_ids: list[str]) -> Snapshot:
        """Bring soft-deleted agencies back."""

    @abstractmethod
    def history(self, agency_id: str | None = None) -> list[AuditEntry]:
        """Every recorded change (of one agency), oldest first."""

    def close(self) -> None:  # noqa: B027 (a store without connections has nothing to do)
        """Let go of connections (a file store holds none)."""


def audit_frame(entries: list[AuditEntry]) -> pd.DataFrame:
    """The history as a table, for printing."""
    return pd.DataFrame(
        [e.__dict__ for e in entries], columns=["changed_at", "changed_by", "action", "agency_id", "version"]
    )
