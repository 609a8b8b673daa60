"""The directory in a GeoPackage file: the default store, nothing to set up.

Besides the ``agencies`` layer (what every GIS reads), the file keeps
``deleted_agencies`` (soft-deleted records, with who and when) and ``audit``
(every change). A record's version is a hash of its content, so a file on a
shared drive gets the same protection against lost updates as the database:
a save re-reads the file and refuses records someone else changed meanwhile.
Other tables in the file (an offline copy's sync table) are carried over.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import platform
from pathlib import Path

import geopandas as gpd
import pandas as pd

from bsr_map.util.atomic import SaveError, atomic_write
from bsr_map.directory.importing import DirectoryError, read_directory
from bsr_map.directory.readers import DirectoryReadError
from bsr_map.directory.schema import FIELD_NAMES, LIST_FIELDS
from bsr_map.directory.writers import _write_gpkg
from bsr_map.directory.model import directory_from_records
from bsr_map.store.base import (
    AuditEntry, ChangeSet, Conflict, ConflictError, DeletedAgency, DirectoryStore, Snapshot, StoreError,
    fingerprint, records_by_id,
)

DELETED_LAYER = "deleted_agencies"
AUDIT_LAYER = "audit"
AUDIT_COLUMNS = ["changed_at", "changed_by", "agency_id", "action", "version", "record"]


def current_user() -> str:
    """Who is editing, for the audit: the login name and the machine."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{platform.node() or 'localhost'}"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class GeoPackageStore(DirectoryStore):
    """A directory kept in one GeoPackage file.

    Parameters
    ----------
    path : str or Path
        The ``.gpkg`` file.
    user : str, optional
        Who edits, for the audit; the login name and machine by default.
    """

    def __init__(self, path: str | Path, *, user: str | None = None):
        self.path = Path(path)
        self.location = str(self.path)
        self.user = user or current_user()

    # -- reading ---------------------------------------------------------------------
    def load(self) -> Snapshot:
        """The agencies and their versions; every row must be valid."""
        try:
            result = read_directory(self.path)
        except (DirectoryReadError, OSError) as exc:
            raise StoreError(str(exc)) from None
        if not result.ok:
            raise DirectoryError("\n".join([result.summary(), *map(str, result.problems)]))
        return _snapshot(result.agencies)

    def _layers(self) -> list[str]:
        import pyogrio

        return [name for name, _ in pyogrio.list_layers(self.path)] if self.path.exists() else []

    def _table(self, layer: str) -> pd.DataFrame | None:
        import pyogrio

        if layer not in self._layers():
            return None
        return pyogrio.read_dataframe(self.path, layer=layer)

    def _deleted_records(self) -> list[dict]:
        frame = self._table(DELETED_LAYER)
        if frame is None or not len(frame):
            return []
        records = []
        for row in frame.drop(columns="geometry").to_dict("records"):
            record = {k: ("" if v is None or (isinstance(v, float) and pd.isna(v)) else v) for k, v in row.items()}
            for name in LIST_FIELDS:
                record[name] = [s for s in str(record.get(name, "")).split("; ") if s]
            records.append(record)
        for record, point in zip(records, frame.geometry):
            record["lon"], record["lat"] = point.x, point.y
        return records

    def _audit(self) -> pd.DataFrame:
        frame = self._table(AUDIT_LAYER)
        return frame if frame is not None else pd.DataFrame(columns=AUDIT_COLUMNS)

    def deleted(self) -> list[DeletedAgency]:
        """Soft-deleted agencies, newest deletion last."""
        return [DeletedAgency({k: v for k, v in r.items() if k not in ("deleted_at", "deleted_by")},
                              str(r.get("deleted_at", "")), str(r.get("deleted_by", "")))
                for r in self._deleted_records()]

    def history(self, agency_id: str | None = None) -> list[AuditEntry]:
        """The audit table, oldest first."""
        frame = self._audit()
        if agency_id is not None:
            frame = frame[frame["agency_id"] == agency_id]
        return [AuditEntry(str(r.agency_id), str(r.action), str(r.changed_at), str(r.changed_by), str(r.version))
                for r in frame.itertuples()]

    # -- writing ---------------------------------------------------------------------
    def apply(self, changes: ChangeSet) -> Snapshot:
        """Save ``changes`` into the file as it is now on disk (see :meth:`DirectoryStore.apply`)."""
        current = self.load() if self.path.exists() else Snapshot(directory_from_records([]), {})
        records = records_by_id(current.directory)
        deleted = self._deleted_records()
        audit = self._audit()
        conflicts = []
        for record, base in changes.upserts:
            theirs = records.get(record["id"])
            now = current.versions.get(record["id"])
            if base is None and theirs is not None and fingerprint(theirs) != fingerprint(record):
                conflicts.append(Conflict(record["id"], record, theirs, now))
            elif base is not None and now != base:
                conflicts.append(Conflict(record["id"], record, theirs, now))
        for agency_id, base in changes.deletes:
            now = current.versions.get(agency_id)
            if now is not None and now != base:
                conflicts.append(Conflict(agency_id, None, records[agency_id], now))
        if conflicts:
            raise ConflictError(conflicts)
        stamp, entries = _now(), []
        for record, base in changes.upserts:
            action = "update" if record["id"] in records else "insert"
            if action == "insert" and any(r["id"] == record["id"] for r in deleted):
                # An id that was soft-deleted comes back with the new content.
                deleted, action = [r for r in deleted if r["id"] != record["id"]], "restore"
            records[record["id"]] = record
            entries.append((record["id"], action, fingerprint(record), record))
        for agency_id, _ in changes.deletes:
            record = records.pop(agency_id, None)
            if record is not None:
                deleted.append({**record, "deleted_at": stamp, "deleted_by": self.user})
                entries.append((agency_id, "delete", "", record))
        self._write(list(records.values()), deleted, _append(audit, entries, stamp, self.user))
        return _snapshot(directory_from_records(list(records.values())))  # what was written, without reading it back

    def restore(self, agency_ids: list[str]) -> Snapshot:
        """Move soft-deleted agencies back into the directory (refused when the id is in use again)."""
        current = self.load()
        records = records_by_id(current.directory)
        deleted = self._deleted_records()
        wanted = set(agency_ids)
        back = [r for r in deleted if r["id"] in wanted]
        missing = wanted - {r["id"] for r in back}
        if missing:
            raise StoreError(f"No deleted agency with id {', '.join(sorted(missing))} in {self.path.name}.")
        taken = [r["id"] for r in back if r["id"] in records]
        if taken:
            raise StoreError(f"Cannot restore {', '.join(taken)}: an agency with that id exists again.")
        stamp, entries = _now(), []
        for record in back:
            clean = {k: v for k, v in record.items() if k not in ("deleted_at", "deleted_by")}
            records[clean["id"]] = clean
            entries.append((clean["id"], "restore", fingerprint(clean), clean))
        remaining = [r for r in deleted if r["id"] not in wanted]
        self._write(list(records.values()), remaining, _append(self._audit(), entries, stamp, self.user))
        return _snapshot(directory_from_records(list(records.values())))

    def _write(self, records: list[dict], deleted: list[dict], audit: pd.DataFrame) -> None:
        import pyogrio

        keep = {name: self._table(name) for name in self._layers()
                if name not in ("agencies", DELETED_LAYER, AUDIT_LAYER)}

        def write(tmp: Path) -> None:
            _write_gpkg(directory_from_records(records), tmp)
            if deleted:
                frame = directory_from_records(deleted)
                frame["deleted_at"] = [r["deleted_at"] for r in deleted]
                frame["deleted_by"] = [r["deleted_by"] for r in deleted]
                flat = pd.DataFrame({name: ["; ".join(v) if name in LIST_FIELDS else v for v in frame[name]]
                                     for name in [*FIELD_NAMES, "deleted_at", "deleted_by"]})
                layer = gpd.GeoDataFrame(flat, geometry=frame.geometry.to_crs("EPSG:4326").values, crs="EPSG:4326")
                pyogrio.write_dataframe(layer, tmp, layer=DELETED_LAYER, driver="GPKG")
            if len(audit):
                pyogrio.write_dataframe(audit, tmp, layer=AUDIT_LAYER, driver="GPKG")
            for name, frame in keep.items():
                pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")

        try:
            atomic_write(self.path, write)
        except SaveError as exc:
            raise StoreError(str(exc)) from None


def _snapshot(directory: gpd.GeoDataFrame) -> Snapshot:
    """The directory with each agency's version: the fingerprint of its content."""
    return Snapshot(directory, {agency_id: fingerprint(r) for agency_id, r in records_by_id(directory).items()})


def _append(audit: pd.DataFrame, entries: list[tuple], stamp: str, user: str) -> pd.DataFrame:
    rows = pd.DataFrame([{"changed_at": stamp, "changed_by": user, "agency_id": agency_id, "action": action,
                          "version": version, "record": json.dumps(record, ensure_ascii=False, default=str)}
                         for agency_id, action, version, record in entries], columns=AUDIT_COLUMNS)
    return rows if not len(audit) else pd.concat([audit[AUDIT_COLUMNS], rows], ignore_index=True)
