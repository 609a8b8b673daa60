"""The directory in a GeoPackage file: the default store, nothing to set up.

Besides the ``agencies`` layer (what every GIS reads), the file keeps
``deleted_agencies`` (soft-deleted records, with who and when) and ``audit``
(every change). A record's version is a hash of its content, so a file on a
shared drive gets the same protection against lost updates as the database:
a save checks, inside its write transaction, that every record it changes is
still the version the edit was made from.

A save changes only the agencies' rows, in one SQLite transaction
(:mod:`bsr_map.store.geopackage_sql`); every other table in the file (an
offline copy's sync table, another tool's layers and styles) is kept.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import platform
import sqlite3
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pyproj

from bsr_map.directory.importing import DirectoryError, read_directory
from bsr_map.directory.model import COORDINATE_DECIMALS, empty_directory
from bsr_map.directory.readers import DirectoryReadError
from bsr_map.directory.schema import FIELD_NAMES, LIST_FIELDS, validate_record
from bsr_map.directory.taxonomy import load_taxonomy
from bsr_map.directory.writers import LIST_SEPARATOR, flat_record, write_gpkg_layer
from bsr_map.store import geopackage_sql as sql
from bsr_map.store.base import (
    AuditEntry,
    ChangeSet,
    Conflict,
    ConflictError,
    DeletedAgency,
    DirectoryStore,
    SaveResult,
    Snapshot,
    StoreError,
    fingerprint,
    records_by_id,
)
from bsr_map.util.atomic import SaveError, atomic_write

DELETED_LAYER = "deleted_agencies"
AUDIT_LAYER = "audit"
AUDIT_COLUMNS = ["changed_at", "changed_by", "agency_id", "action", "version", "record"]
_DELETED_EXTRA = ["deleted_at", "deleted_by"]


def current_user() -> str:
    """Who is editing, for the audit: the login name and the machine."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{platform.node() or 'localhost'}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@lru_cache(maxsize=8)
def _transformers(definition: str) -> tuple[pyproj.Transformer, pyproj.Transformer] | None:
    """WGS 84 degrees to the file's SRS and back; None when the file stores degrees."""
    crs = pyproj.CRS.from_user_input(definition)
    if crs.equals(pyproj.CRS.from_epsg(4326), ignore_axis_order=True):
        return None
    return (
        pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True),
        pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True),
    )


class GeoPackageStore(DirectoryStore):
    """A directory kept in one GeoPackage file.

    Parameters
    ----------
    path : str or Path
        The ``.gpkg`` file. It is created (with an empty ``agencies`` layer)
        by the first save when it does not exist.
    user : str, optional
        Who edits, for the audit; the login name and machine by default.
    """

    def __init__(self, path: str | Path, *, user: str | None = None):
        self.path = Path(path)
        self.location = str(self.path)
        self.user = user or current_user()

    @classmethod
    def create(cls, path: str | Path, directory: gpd.GeoDataFrame, **kwargs) -> GeoPackageStore:
        """Write a new GeoPackage holding ``directory`` (replacing ``path`` atomically) and open it.

        Raises
        ------
        StoreError
            The file cannot be written; an existing file is unchanged.
        """
        try:
            atomic_write(Path(path), lambda tmp: write_gpkg_layer(directory, tmp))
        except SaveError as exc:
            raise StoreError(str(exc)) from None
        return cls(path, **kwargs)

    # -- reading ---------------------------------------------------------------------
    def load(self) -> Snapshot:
        """The agencies and their versions; every row must be valid."""
        try:
            result = read_directory(self.path)
        except (DirectoryReadError, OSError) as exc:
            raise StoreError(str(exc)) from None
        if not result.ok:
            raise DirectoryError("\n".join([result.summary(), *map(str, result.problems)]))
        return snapshot_of(result.agencies)

    def deleted(self) -> list[DeletedAgency]:
        """Soft-deleted agencies, oldest deletion first."""
        if not self.path.exists():
            return []
        with sql.read_connection(self.path) as conn:
            if DELETED_LAYER not in sql.table_names(conn):
                return []
            return [
                DeletedAgency(record, deleted_at, deleted_by)
                for record, deleted_at, deleted_by in _deleted_rows(conn).values()
            ]

    def history(self, agency_id: str | None = None) -> list[AuditEntry]:
        """The audit table, oldest first."""
        if not self.path.exists():
            return []
        with sql.read_connection(self.path) as conn:
            if AUDIT_LAYER not in sql.table_names(conn):
                return []
            where, params = ("WHERE agency_id = ?", (agency_id,)) if agency_id is not None else ("", ())
            rows = conn.execute(
                f"SELECT agency_id, action, changed_at, changed_by, version FROM {AUDIT_LAYER} {where} ORDER BY fid",
                params,
            ).fetchall()
        return [AuditEntry(*(str(v or "") for v in row)) for row in rows]

    # -- writing ---------------------------------------------------------------------
    def apply(self, changes: ChangeSet) -> SaveResult:
        """Save ``changes`` into the file in one transaction (see :meth:`DirectoryStore.apply`).

        The versions are checked inside the write transaction, so a second
        writer waits for this one and then sees what it saved.
        """
        if not self.path.exists():
            GeoPackageStore.create(self.path, empty_directory())
        ids = [r["id"] for r, _ in changes.upserts] + [i for i, _ in changes.deletes]
        try:
            with sql.write_transaction(self.path) as conn:
                table = sql.FeatureTable.find(conn)
                geo = _Coordinates(conn, table.srs_id)
                current = {
                    i: (fid, self._normalised(raw, geo)) for i, (fid, raw) in table.rows_with_ids(conn, ids).items()
                }
                _check(changes, current)
                table.ensure_columns(conn)
                deleted = _deleted_rows(conn) if DELETED_LAYER in sql.table_names(conn) else {}
                stamp, entries, points = _now(), [], []
                versions: dict[str, str | None] = {}
                for record, _ in changes.upserts:
                    point = geo.to_file(record["lon"], record["lat"])
                    points.append(point)
                    if record["id"] in current:
                        table.update(conn, current[record["id"]][0], record, point)
                        action = "update"
                    else:
                        table.insert(conn, record, point)
                        action = "insert"
                        if record["id"] in deleted:  # an id that was soft-deleted comes back with the new content
                            conn.execute(f"DELETE FROM {DELETED_LAYER} WHERE id = ?", (record["id"],))
                            action = "restore"
                    versions[record["id"]] = fingerprint(record)
                    entries.append((record["id"], action, versions[record["id"]], record))
                for agency_id, _ in changes.deletes:
                    if agency_id not in current:
                        continue  # deleted there too: nothing to do
                    fid, record = current[agency_id]
                    table.delete(conn, fid)
                    self._keep_deleted(conn, record, stamp, geo)
                    versions[agency_id] = None
                    entries.append((agency_id, "delete", "", record))
                table.touch(conn, points)
                self._audit(conn, entries, stamp)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"Could not save {self.path}: {exc}. Nothing was saved.") from None
        return SaveResult(versions)

    def restore(self, agency_ids: list[str]) -> Snapshot:
        """Move soft-deleted agencies back into the directory (refused when the id is in use again)."""
        wanted = list(dict.fromkeys(agency_ids))
        with sql.write_transaction(self.path) as conn:
            table = sql.FeatureTable.find(conn)
            geo = _Coordinates(conn, table.srs_id)
            deleted = _deleted_rows(conn) if DELETED_LAYER in sql.table_names(conn) else {}
            missing = [i for i in wanted if i not in deleted]
            if missing:
                raise StoreError(f"No deleted agency with id {', '.join(sorted(missing))} in {self.path.name}.")
            taken = sorted(table.rows_with_ids(conn, wanted))
            if taken:
                raise StoreError(f"Cannot restore {', '.join(taken)}: an agency with that id exists again.")
            table.ensure_columns(conn)
            stamp, entries, points = _now(), [], []
            for agency_id in wanted:
                record = deleted[agency_id][0]
                point = geo.to_file(record["lon"], record["lat"])
                points.append(point)
                table.insert(conn, record, point)
                conn.execute(f"DELETE FROM {DELETED_LAYER} WHERE id = ?", (agency_id,))
                entries.append((agency_id, "restore", fingerprint(record), record))
            table.touch(conn, points)
            self._audit(conn, entries, stamp)
        return self.load()

    # -- helpers -----------------------------------------------------------------------
    def _normalised(self, raw: dict, geo: _Coordinates) -> dict:
        """A stored row as the reader would give it, so its fingerprint is the version loaded."""
        record, _ = validate_record(raw, load_taxonomy(), source=self.path.name, row=None)
        lon, lat = geo.to_degrees(raw.get("lon"), raw.get("lat"))
        record["lon"], record["lat"] = lon, lat
        return record

    def _keep_deleted(self, conn: sqlite3.Connection, record: dict, stamp: str, geo: _Coordinates) -> None:
        if DELETED_LAYER not in sql.table_names(conn):
            sql.create_point_table(
                conn, DELETED_LAYER, [*FIELD_NAMES, *_DELETED_EXTRA], 4326, "bsr-map deleted agencies (restorable)"
            )
        values = flat_record({f: record[f] for f in FIELD_NAMES})
        sql.insert_row(
            conn,
            DELETED_LAYER,
            {
                **values,
                "deleted_at": stamp,
                "deleted_by": self.user,
                "geom": sql.encode_point(record["lon"], record["lat"], 4326),
            },
        )

    def _audit(self, conn: sqlite3.Connection, entries: list[tuple], stamp: str) -> None:
        if not entries:
            return
        if AUDIT_LAYER not in sql.table_names(conn):
            sql.create_attribute_table(conn, AUDIT_LAYER, AUDIT_COLUMNS, "bsr-map history of changes")
        for agency_id, action, version, record in entries:
            sql.insert_row(
                conn,
                AUDIT_LAYER,
                {
                    "changed_at": stamp,
                    "changed_by": self.user,
                    "agency_id": agency_id,
                    "action": action,
                    "version": version,
                    "record": json.dumps(record, ensure_ascii=False, default=str),
                },
            )


class _Coordinates:
    """Between WGS 84 degrees (records) and the coordinates the file's layer stores."""

    def __init__(self, conn: sqlite3.Connection, srs_id: int):
        self.transformers = None if srs_id in (0, -1, 4326) else _transformers(sql.srs_definition(conn, srs_id))

    def to_file(self, lon: float, lat: float) -> tuple[float, float]:
        if self.transformers is None:
            return float(lon), float(lat)
        x, y = self.transformers[0].transform(float(lon), float(lat))
        return float(x), float(y)

    def to_degrees(self, x, y) -> tuple[float | None, float | None]:
        if x is None or y is None:
            return None, None
        if self.transformers is not None:
            x, y = self.transformers[1].transform(float(x), float(y))
        return round(float(x), COORDINATE_DECIMALS), round(float(y), COORDINATE_DECIMALS)


def _check(changes: ChangeSet, current: dict[str, tuple[int, dict]]) -> None:
    """Refuse the save when any record changed (or was deleted) since the version its edit was made from."""
    conflicts = []
    for record, base in changes.upserts:
        theirs = current.get(record["id"], (None, None))[1]
        now = fingerprint(theirs) if theirs is not None else None
        if (base is None and theirs is not None and now != fingerprint(record)) or (base is not None and now != base):
            conflicts.append(Conflict(record["id"], record, theirs, now))
    for agency_id, base in changes.deletes:
        if agency_id in current:
            theirs = current[agency_id][1]
            if fingerprint(theirs) != base:
                conflicts.append(Conflict(agency_id, None, theirs, fingerprint(theirs)))
    if conflicts:
        raise ConflictError(conflicts)


def _deleted_rows(conn: sqlite3.Connection) -> dict[str, tuple[dict, str, str]]:
    """The soft-deleted agencies: id -> (record, deleted at, deleted by), oldest deletion first."""
    columns = [*FIELD_NAMES, *_DELETED_EXTRA]
    rows = conn.execute(f"SELECT geom, {', '.join(columns)} FROM {DELETED_LAYER} ORDER BY deleted_at, fid").fetchall()
    found: dict[str, tuple[dict, str, str]] = {}
    for blob, *values in rows:
        row = dict(zip(columns, values, strict=True))
        record = {f: "" if row[f] is None else row[f] for f in FIELD_NAMES}
        for name in LIST_FIELDS:
            record[name] = [s for s in str(record[name]).split(LIST_SEPARATOR) if s]
        point = sql.decode_point(blob) or (0.0, 0.0)
        record["lon"], record["lat"] = point
        found[str(record["id"])] = (record, str(row["deleted_at"] or ""), str(row["deleted_by"] or ""))
    return found


def snapshot_of(directory: gpd.GeoDataFrame) -> Snapshot:
    """The directory with each agency's version: the fingerprint of its content."""
    return Snapshot(directory, {agency_id: fingerprint(r) for agency_id, r in records_by_id(directory).items()})
