"""Changing a GeoPackage in place, in one SQLite transaction, keeping every other table.

A GeoPackage is an SQLite database. Rewriting the whole file to change one
agency would drop what other tools keep in it (an offline copy's sync table,
QGIS styles, other layers) and race with anyone else writing it. Here the
agencies' rows are updated, inserted and deleted with SQL inside a write
transaction taken before anything is read (``BEGIN IMMEDIATE``), so two
writers are serialised and nothing else in the file is touched.

GDAL's spatial-index triggers call the GeoPackage SQL functions
(``ST_IsEmpty``, ``ST_MinX`` …); plain SQLite does not have them, so they are
registered on each connection, for points (the only geometry agencies have).
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import shapely

from bsr_map.directory.readers import map_columns
from bsr_map.directory.schema import FIELD_NAMES
from bsr_map.directory.writers import flat_record
from bsr_map.store.base import StoreError
from bsr_map.util.paths import programs_using

#: How long a save waits for another program's write transaction to end.
BUSY_TIMEOUT_S = 5.0
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


# -- GeoPackage geometry blobs (GeoPackage 1.3, clause 2.1.3) -----------------------
def encode_point(x: float, y: float, srs_id: int) -> bytes:
    """A GeoPackage geometry blob of a 2D point: header (no envelope, little endian) + WKB."""
    return struct.pack("<2sBBi", b"GP", 0, 0x01, srs_id) + shapely.to_wkb(shapely.Point(x, y), byte_order=1)


def _wkb_of(blob: bytes) -> tuple[bytes, bool]:
    flags = blob[3]
    start = 8 + _ENVELOPE_BYTES.get((flags >> 1) & 0x07, 0)
    return blob[start:], bool(flags & 0x10)


def decode_point(blob: bytes | None) -> tuple[float, float] | None:
    """The (x, y) of a GeoPackage point blob, or None when empty or missing."""
    if not blob:
        return None
    wkb, empty = _wkb_of(blob)
    if empty:
        return None
    geometry = shapely.from_wkb(wkb)
    if geometry.is_empty:
        return None
    point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
    return point.x, point.y


def _bound(index: int):
    def bound(blob):
        if not blob:
            return None
        wkb, empty = _wkb_of(blob)
        return None if empty else shapely.bounds(shapely.from_wkb(wkb))[index]

    return bound


def _is_empty(blob) -> int | None:
    if blob is None:
        return None
    wkb, empty = _wkb_of(blob)
    return int(empty or shapely.from_wkb(wkb).is_empty)


def connect(path: Path, *, timeout: float | None = None) -> sqlite3.Connection:
    """An SQLite connection to a GeoPackage with the SQL functions its triggers call.

    Transactions are explicit (``isolation_level=None``): see :func:`write_transaction`.
    ``timeout`` is how long to wait for another writer (default :data:`BUSY_TIMEOUT_S`).
    """
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S if timeout is None else timeout, isolation_level=None)
    for name, function in (
        ("ST_IsEmpty", _is_empty),
        ("ST_MinX", _bound(0)),
        ("ST_MinY", _bound(1)),
        ("ST_MaxX", _bound(2)),
        ("ST_MaxY", _bound(3)),
    ):
        conn.create_function(name, 1, function, deterministic=True)
    return conn


def busy_message(path: Path) -> str:
    """What to tell the user when another program holds the file's write lock, naming it when it can be seen."""
    users = programs_using(path)
    who = f"{', '.join(users)} has it open" if users else "QGIS, another bsr-map or a sync tool, say"
    return (
        f"{path.name} is busy: another program is writing to it ({who}). "
        f"Nothing was saved; your edits are still here. Try again when it has finished."
    )


def _failure(path: Path, exc: sqlite3.Error) -> StoreError:
    """A store error saying in a person's words why SQLite refused a save."""
    reason = str(exc)
    code = getattr(exc, "sqlite_errorcode", None)
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in reason or "busy" in reason:
        return StoreError(busy_message(path))
    if code == sqlite3.SQLITE_FULL or "disk is full" in reason:
        reason = "the disk is full (free some space, or save to another drive with Save as)"
    elif code == sqlite3.SQLITE_READONLY or "readonly" in reason or "read-only" in reason:
        reason = "the file or its folder is read-only"
    elif code == sqlite3.SQLITE_IOERR or "disk I/O" in reason:
        reason = f"the drive could not be written ({reason})"
    return StoreError(f"Could not save {path}: {reason}. Nothing was saved; your edits are still here.")


@contextmanager
def write_transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """A write transaction on ``path``, taken before anything is read; committed only if the block succeeds.

    Raises
    ------
    StoreError
        The file is not a GeoPackage, cannot be written, or another program
        kept it locked for longer than :data:`BUSY_TIMEOUT_S`; nothing was changed.
    """
    if not path.is_file():
        raise StoreError(f"{path} does not exist (was it moved or deleted?). Nothing was saved.")
    try:
        conn = connect(path)
    except sqlite3.Error as exc:
        raise StoreError(f"{path.name} cannot be opened: {exc}. Nothing was saved.") from None
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                with suppress(sqlite3.Error):  # SQLite rolls back by itself when it cannot
                    conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        raise _failure(path, exc) from None
    finally:
        conn.close()


@contextmanager
def read_connection(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection for reading ``path`` (closed afterwards)."""
    try:
        conn = connect(path)
    except sqlite3.Error as exc:
        raise StoreError(f"{path.name} cannot be opened: {exc}.") from None
    try:
        yield conn
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path.name} cannot be read: {exc}.") from None
    finally:
        conn.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(conn: sqlite3.Connection) -> set[str]:
    """Every table and view in the database."""
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}


@dataclass
class FeatureTable:
    """A GeoPackage feature table of agencies: its columns matched to the schema's fields."""

    name: str
    geometry_column: str
    srs_id: int
    fid_column: str
    columns: dict[str, str]  # schema field -> column name in the table

    @classmethod
    def find(cls, conn: sqlite3.Connection, name: str | None = None) -> FeatureTable:
        """The agencies layer (``agencies``, else the first feature table, as the reader picks)."""
        rows = conn.execute(
            "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c "
            "JOIN gpkg_geometry_columns g ON g.table_name = c.table_name WHERE c.data_type = 'features' "
            "ORDER BY c.rowid"
        ).fetchall()
        if not rows:
            raise StoreError("the file has no feature table of agencies")
        wanted = name or ("agencies" if any(r[0] == "agencies" for r in rows) else rows[0][0])
        table, geometry, srs_id = next(r for r in rows if r[0] == wanted)
        info = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
        fid = next((r[1] for r in info if r[5] == 1), "fid")
        headers = [r[1] for r in info if r[1] not in (fid, geometry)]
        _, columns, _, _ = map_columns(headers)
        return cls(table, geometry, int(srs_id), fid, {k: v for k, v in columns.items() if k in FIELD_NAMES})

    def ensure_columns(self, conn: sqlite3.Connection) -> None:
        """Add a text column for every schema field the table lacks (a file made by another tool)."""
        for field in FIELD_NAMES:
            if field not in self.columns:
                conn.execute(f"ALTER TABLE {_quote(self.name)} ADD COLUMN {_quote(field)} TEXT")
                self.columns[field] = field

    def rows_with_ids(self, conn: sqlite3.Connection, ids: list[str]) -> dict[str, tuple[int, dict]]:
        """The raw rows of the given agencies: id -> (fid, field -> value with ``lon``/``lat`` as stored)."""
        if not ids or "id" not in self.columns:
            return {}
        fields = list(self.columns)
        select = ", ".join([_quote(self.fid_column), _quote(self.geometry_column), *map(_quote, self.columns.values())])
        found: dict[str, tuple[int, dict]] = {}
        for start in range(0, len(ids), 500):  # SQLite limits the number of parameters
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            query = f"SELECT {select} FROM {_quote(self.name)} WHERE {_quote(self.columns['id'])} IN ({marks})"
            for fid, blob, *values in conn.execute(query, chunk):
                raw = dict(zip(fields, values, strict=True))
                point = decode_point(blob)
                raw["lon"], raw["lat"] = point if point is not None else (None, None)
                found.setdefault(str(raw["id"]), (int(fid), raw))
        return found

    def _values(self, record: dict) -> dict[str, object]:
        flat = flat_record({f: record[f] for f in FIELD_NAMES})
        return {self.columns[f]: flat[f] for f in FIELD_NAMES}

    def update(self, conn: sqlite3.Connection, fid: int, record: dict, point: tuple[float, float]) -> None:
        """Replace the row ``fid`` with ``record`` at ``point`` (in the table's SRS)."""
        values = self._values(record)
        assignments = ", ".join(f"{_quote(c)} = ?" for c in values)
        conn.execute(
            f"UPDATE {_quote(self.name)} SET {assignments}, {_quote(self.geometry_column)} = ? "
            f"WHERE {_quote(self.fid_column)} = ?",
            [*values.values(), encode_point(*point, self.srs_id), fid],
        )

    def insert(self, conn: sqlite3.Connection, record: dict, point: tuple[float, float]) -> None:
        """Add ``record`` at ``point`` (in the table's SRS)."""
        values = self._values(record)
        names = ", ".join([*map(_quote, values), _quote(self.geometry_column)])
        marks = ", ".join("?" * (len(values) + 1))
        conn.execute(
            f"INSERT INTO {_quote(self.name)} ({names}) VALUES ({marks})",
            [*values.values(), encode_point(*point, self.srs_id)],
        )

    def delete(self, conn: sqlite3.Connection, fid: int) -> None:
        """Remove the row ``fid``."""
        conn.execute(f"DELETE FROM {_quote(self.name)} WHERE {_quote(self.fid_column)} = ?", (fid,))

    def touch(self, conn: sqlite3.Connection, points: list[tuple[float, float]]) -> None:
        """Record the change in ``gpkg_contents``: its time, and an extent grown to hold ``points``."""
        conn.execute(
            "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE table_name = ?",
            (self.name,),
        )
        if points:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            conn.execute(
                "UPDATE gpkg_contents SET min_x = min(coalesce(min_x, ?), ?), min_y = min(coalesce(min_y, ?), ?), "
                "max_x = max(coalesce(max_x, ?), ?), max_y = max(coalesce(max_y, ?), ?) WHERE table_name = ?",
                (min(xs), min(xs), min(ys), min(ys), max(xs), max(xs), max(ys), max(ys), self.name),
            )


def create_attribute_table(conn: sqlite3.Connection, name: str, columns: list[str], description: str) -> None:
    """Create a GeoPackage attributes table (no geometry) of text columns, registered in ``gpkg_contents``."""
    defs = ", ".join(f"{_quote(c)} TEXT" for c in columns)
    conn.execute(f"CREATE TABLE {_quote(name)} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, {defs})")
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES (?, 'attributes', ?, ?)",
        (name, name, description),
    )


def create_point_table(conn: sqlite3.Connection, name: str, columns: list[str], srs_id: int, description: str) -> None:
    """Create a GeoPackage point feature table of text columns, registered as a layer."""
    defs = ", ".join(f"{_quote(c)} TEXT" for c in columns)
    conn.execute(f"CREATE TABLE {_quote(name)} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POINT, {defs})")
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES (?, 'features', ?, ?, ?)",
        (name, name, description, srs_id),
    )
    conn.execute(
        "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) "
        "VALUES (?, 'geom', 'POINT', ?, 0, 0)",
        (name, srs_id),
    )


def insert_row(conn: sqlite3.Connection, table: str, values: dict[str, object]) -> None:
    """Insert one row of named values into ``table``."""
    names = ", ".join(map(_quote, values))
    conn.execute(
        f"INSERT INTO {_quote(table)} ({names}) VALUES ({', '.join('?' * len(values))})", list(values.values())
    )


def srs_definition(conn: sqlite3.Connection, srs_id: int) -> str:
    """The WKT (or ``EPSG:n``) of a spatial reference system of the file."""
    row = conn.execute(
        "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
        (srs_id,),
    ).fetchone()
    if row is None:
        return "EPSG:4326"
    organization, code, definition = row
    if str(organization).upper() == "EPSG":
        return f"EPSG:{code}"
    return definition
