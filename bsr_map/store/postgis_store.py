"""The directory in PostgreSQL with PostGIS, for many offices editing together.

The schema (``docs/postgis-schema.md``) is created by :func:`create_schema`
(``bsr-map directory init-db URL``). Constraints mirror the importer's rules,
so no tool can store what bsr-map would refuse; triggers give every change a
new version and record who made it and when in ``agency_audit``; deletions
are soft (``deleted_at``/``deleted_by``) and can be undone.

The password never passes through the app's settings: libpq reads it from
``PGPASSWORD`` or the ``.pgpass`` file, or the caller asks for it and it is
kept in memory only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from bsr_map.directory.model import directory_from_records
from bsr_map.directory.schema import _ID as ID_PATTERN  # the importer's own rules
from bsr_map.directory.schema import _PHONE as PHONE_PATTERN
from bsr_map.directory.schema import DIRECTORY_COUNTRIES, FIELD_NAMES, LIST_FIELDS, MAX_DESCRIPTION
from bsr_map.directory.taxonomy import Taxonomy, load_taxonomy
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
)


def _address_errors() -> tuple:
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, ProgrammingError

    # A port that is not a number, an unknown option, a driver that is not installed.
    return ValueError, ArgumentError, NoSuchModuleError, ProgrammingError


SCHEMA_VERSION = 2
TEXT_FIELDS = tuple(f for f in FIELD_NAMES if f not in LIST_FIELDS and f not in ("id", "last_verified"))
_SELECT = (
    ", ".join(FIELD_NAMES) + ", ST_X(geom) AS lon, ST_Y(geom) AS lat, version, updated_by, "
    "updated_at, deleted_at, deleted_by"
)


def _array(values) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def schema_sql(taxonomy: Taxonomy) -> str:
    """The SQL that creates bsr-map's tables, constraints, indexes and triggers (idempotent)."""
    types, sectors, services = (
        list(taxonomy.agency_types.codes),
        list(taxonomy.sectors.codes),
        list(taxonomy.services.codes),
    )
    return f"""
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE IF NOT EXISTS bsr_map_schema (version integer NOT NULL);
CREATE TABLE IF NOT EXISTS agencies (
    id text PRIMARY KEY CHECK (id ~ '{ID_PATTERN.pattern}'),
    name text NOT NULL CHECK (btrim(name) <> ''),
    local_name text NOT NULL DEFAULT '',
    type text NOT NULL CHECK (type = ANY ({_array(types)})),
    country text NOT NULL CHECK (country = ANY ({_array(DIRECTORY_COUNTRIES)})),
    region text NOT NULL DEFAULT '',
    city text NOT NULL CHECK (btrim(city) <> ''),
    street_address text NOT NULL DEFAULT '',
    postcode text NOT NULL DEFAULT '',
    sectors text[] NOT NULL CHECK (cardinality(sectors) >= 1 AND sectors <@ {_array(sectors)}),
    services text[] NOT NULL DEFAULT '{{}}' CHECK (services <@ {_array(services)}),
    languages text[] NOT NULL DEFAULT '{{}}'
        CHECK (array_to_string(languages, ',') ~ '^([a-z]{{2}}(,[a-z]{{2}})*)?$'),
    website text NOT NULL DEFAULT '' CHECK (website = '' OR website ~* '^https?://[^\\s/]+\\.[^\\s]+$'),
    email text NOT NULL DEFAULT '' CHECK (email = '' OR email ~ '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'),
    phone text NOT NULL DEFAULT '' CHECK (phone = '' OR phone ~ '{PHONE_PATTERN.pattern}'),
    description text NOT NULL DEFAULT '' CHECK (char_length(description) <= {MAX_DESCRIPTION}),
    last_verified date CHECK (last_verified <= current_date + 1),
    source text NOT NULL DEFAULT '',
    verification text NOT NULL DEFAULT ''
        CHECK (verification IN ('', 'confirmed', 'partly confirmed', 'unconfirmed')),
    location_precision text NOT NULL DEFAULT '' CHECK (location_precision IN ('', 'address', 'district', 'city')),
    geom geometry(Point, 4326) NOT NULL
        CHECK (ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT current_user,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT current_user,
    deleted_at timestamptz,
    deleted_by text,
    CHECK ((deleted_at IS NULL) = (deleted_by IS NULL))
);
-- Schema 2: the fact-check fields, added to a database made by schema 1.
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS verification text NOT NULL DEFAULT ''
    CHECK (verification IN ('', 'confirmed', 'partly confirmed', 'unconfirmed'));
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS location_precision text NOT NULL DEFAULT ''
    CHECK (location_precision IN ('', 'address', 'district', 'city'));
CREATE INDEX IF NOT EXISTS agencies_geom_idx ON agencies USING gist (geom);
CREATE INDEX IF NOT EXISTS agencies_country_idx ON agencies (country) WHERE deleted_at IS NULL;
CREATE TABLE IF NOT EXISTS agency_audit (
    change_id bigserial PRIMARY KEY,
    agency_id text NOT NULL,
    action text NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'restore', 'purge')),
    version integer,
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text NOT NULL DEFAULT current_user,
    old jsonb,
    new jsonb
);
CREATE INDEX IF NOT EXISTS agency_audit_agency_idx ON agency_audit (agency_id, change_id);

CREATE OR REPLACE FUNCTION bsr_map_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Every change, from bsr-map or any other tool, gets a new version and a name.
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    NEW.updated_by := current_user;
    RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION bsr_map_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - 'geom'
        || jsonb_build_object('lon', ST_X(OLD.geom), 'lat', ST_Y(OLD.geom)) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - 'geom'
        || jsonb_build_object('lon', ST_X(NEW.geom), 'lat', ST_Y(NEW.geom)) END;
    what text;
BEGIN
    IF TG_OP = 'INSERT' THEN what := 'insert';
    ELSIF TG_OP = 'DELETE' THEN what := 'purge';
    ELSIF OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN what := 'delete';
    ELSIF OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN what := 'restore';
    ELSE what := 'update';
    END IF;
    INSERT INTO agency_audit (agency_id, action, version, old, new)
    VALUES (COALESCE(NEW.id, OLD.id), what, CASE WHEN TG_OP = 'DELETE' THEN OLD.version ELSE NEW.version END,
            old_row, new_row);
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS agencies_stamp ON agencies;
CREATE TRIGGER agencies_stamp BEFORE UPDATE ON agencies FOR EACH ROW EXECUTE FUNCTION bsr_map_stamp();
DROP TRIGGER IF EXISTS agencies_audit ON agencies;
CREATE TRIGGER agencies_audit AFTER INSERT OR UPDATE OR DELETE ON agencies
    FOR EACH ROW EXECUTE FUNCTION bsr_map_audit();
DELETE FROM bsr_map_schema;
INSERT INTO bsr_map_schema (version) VALUES ({SCHEMA_VERSION});
"""


def is_database_url(location) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) URL."""
    return isinstance(location, str) and location.split("://", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def display_url(url: str) -> str:
    """The URL without its password, safe to show and to remember."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(_driver_url(url)).set(drivername="postgresql")
    except Exception:  # not a URL sqlalchemy can read: hide whatever sits between "://" and "@"
        return re.sub(r"(://[^/@:]*):[^/@]*@", r"\1@", url).split("?", 1)[0]
    if parsed.password is not None:
        parsed = parsed._replace(password=None)  # URL is a named tuple; set() keeps a None password
    if "password" in parsed.query:
        parsed = parsed.difference_update_query(["password"])
    return parsed.render_as_string(hide_password=False)


def _driver_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"postgresql+psycopg://{rest}" if scheme in ("postgresql", "postgres") else url


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _needs_password(exc: Exception) -> bool:
    text = str(exc).lower()
    return "password" in text and ("no password supplied" in text or "authentication failed" in text)


def _server_message(location: str, exc: Exception) -> str:
    return f"The database at {location} cannot be reached ({_first_line(exc)})."


class PostgisStore(DirectoryStore):
    """A directory in a PostGIS database.

    Parameters
    ----------
    url : str
        ``postgresql://user@host:port/database``; a password in it is used
        but never shown or remembered.
    ask_password : callable, optional
        Called with the display URL when the server wants a password that
        neither ``PGPASSWORD`` nor ``.pgpass`` gave; returns it, or None to give up.
    """

    def __init__(self, url: str, *, ask_password: Callable[[str], str | None] | None = None):
        from sqlalchemy.exc import OperationalError

        self.location = display_url(url)
        self._url = _driver_url(url)
        try:
            self._engine = self._connect()
        except _address_errors() as exc:
            raise StoreError(
                f"{self.location} is not a usable database address ({_first_line(exc)}); "
                "it looks like postgresql://user@host:port/database."
            ) from None
        except OperationalError as exc:
            password = ask_password(self.location) if ask_password and _needs_password(exc) else None
            if password is None:
                raise StoreError(_server_message(self.location, exc)) from None
            try:
                self._engine = self._connect(password=password)  # kept in the engine's memory only
            except OperationalError as again:
                raise StoreError(_server_message(self.location, again)) from None

    def _connect(self, **extra):
        """An engine for the URL whose first connection succeeded (raises OperationalError otherwise)."""
        from sqlalchemy import create_engine
        from sqlalchemy.exc import OperationalError

        engine = create_engine(
            self._url, connect_args={"connect_timeout": 10, "application_name": "bsr-map", **extra}, pool_pre_ping=True
        )
        try:
            with engine.connect():
                return engine
        except OperationalError:
            engine.dispose()
            raise

    def close(self) -> None:
        """Close the connections."""
        self._engine.dispose()

    # -- schema ----------------------------------------------------------------------
    def create_schema(self, taxonomy: Taxonomy | None = None) -> None:
        """Create (or bring up to date) the tables, constraints, indexes and triggers."""
        from sqlalchemy import text

        with self._transaction() as conn:
            conn.execute(text(schema_sql(taxonomy or load_taxonomy())))

    def _check_schema(self, conn) -> None:
        from sqlalchemy import text

        found = conn.execute(text("SELECT to_regclass('bsr_map_schema') IS NOT NULL")).scalar()
        if not found:
            raise StoreError(
                f"The database at {self.location} has no bsr-map directory yet; create it with "
                f"'bsr-map directory init-db {self.location}'."
            )
        version = conn.execute(text("SELECT max(version) FROM bsr_map_schema")).scalar() or 0
        if version < SCHEMA_VERSION:
            raise StoreError(
                f"The directory at {self.location} was made by an older bsr-map (schema {version}, this one "
                f"needs {SCHEMA_VERSION}); upgrade it, keeping every agency, with "
                f"'bsr-map directory init-db {self.location}'."
            )

    # -- reading ---------------------------------------------------------------------
    def load(self) -> Snapshot:
        """The agencies that are not deleted, ordered by id, with their versions."""
        with self._connection() as conn:
            self._check_schema(conn)
            return self._load(conn)

    @staticmethod
    def _load(conn) -> Snapshot:
        from sqlalchemy import text

        rows = (
            conn.execute(text(f"SELECT {_SELECT} FROM agencies WHERE deleted_at IS NULL ORDER BY id")).mappings().all()
        )
        records = [_record(row) for row in rows]
        return Snapshot(
            directory_from_records(records),
            {r["id"]: str(row["version"]) for r, row in zip(records, rows, strict=False)},
        )

    def deleted(self) -> list[DeletedAgency]:
        """Soft-deleted agencies, oldest deletion first."""
        from sqlalchemy import text

        with self._connection() as conn:
            self._check_schema(conn)
            rows = (
                conn.execute(
                    text(f"SELECT {_SELECT} FROM agencies WHERE deleted_at IS NOT NULL ORDER BY deleted_at, id")
                )
                .mappings()
                .all()
            )
        return [
            DeletedAgency(_record(row), row["deleted_at"].isoformat(timespec="seconds"), row["deleted_by"])
            for row in rows
        ]

    def history(self, agency_id: str | None = None) -> list[AuditEntry]:
        """The audit table (of one agency), oldest first."""
        from sqlalchemy import text

        where, params = ("WHERE agency_id = :id", {"id": agency_id}) if agency_id else ("", {})
        with self._connection() as conn:
            self._check_schema(conn)
            rows = conn.execute(
                text(
                    f"SELECT agency_id, action, changed_at, changed_by, version FROM agency_audit "
                    f"{where} ORDER BY change_id"
                ),
                params,
            ).all()
        return [
            AuditEntry(r.agency_id, r.action, r.changed_at.isoformat(timespec="seconds"), r.changed_by, str(r.version))
            for r in rows
        ]

    # -- writing ---------------------------------------------------------------------
    def apply(self, changes: ChangeSet, *, before_commit: Callable[[], None] | None = None) -> SaveResult:
        """Save ``changes`` in one transaction (see :meth:`DirectoryStore.apply`).

        ``before_commit`` is called just before the commit (tests use it to
        take the server away at the worst moment). When the connection is
        lost at the commit, the server is asked (``txid_status``) whether this
        transaction committed, and the truth is returned or said.
        """
        from sqlalchemy import text

        conflicts: list[Conflict] = []
        versions: dict[str, str | None] = {}
        transaction: int | None = None  # the server's id of this transaction, once it is about to commit
        try:
            with self._transaction() as conn:
                self._check_schema(conn)
                for record, base in changes.upserts:
                    params = _params(record)
                    if base is None:
                        done = conn.execute(
                            text(
                                f"INSERT INTO agencies ({', '.join(FIELD_NAMES)}, geom) VALUES "
                                f"({', '.join(':' + f for f in FIELD_NAMES)}, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) "
                                # An id that was soft-deleted comes back with the new content (audited as a restore).
                                f"ON CONFLICT (id) DO UPDATE SET {', '.join(f'{f} = EXCLUDED.{f}' for f in FIELD_NAMES)}, "
                                "geom = EXCLUDED.geom, deleted_at = NULL, deleted_by = NULL "
                                "WHERE agencies.deleted_at IS NOT NULL RETURNING id, version"
                            ),
                            params,
                        ).first()
                    else:
                        assignments = ", ".join(f"{f} = :{f}" for f in FIELD_NAMES if f != "id")
                        done = conn.execute(
                            text(
                                f"UPDATE agencies SET {assignments}, geom = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) "
                                "WHERE id = :id AND version = :base AND deleted_at IS NULL RETURNING id, version"
                            ),
                            {**params, "base": int(base)},
                        ).first()
                    if done is None:
                        conflicts.append(self._conflict(conn, record["id"], record))
                    else:
                        versions[record["id"]] = str(done.version)
                for agency_id, base in changes.deletes:
                    done = conn.execute(
                        text(
                            "UPDATE agencies SET deleted_at = now(), deleted_by = current_user "
                            "WHERE id = :id AND version = :base AND deleted_at IS NULL RETURNING id"
                        ),
                        {"id": agency_id, "base": int(base)},
                    ).first()
                    if done is None:
                        theirs = self._conflict(conn, agency_id, None)
                        if theirs.theirs is not None:  # deleted there too: nothing to decide
                            conflicts.append(theirs)
                    else:
                        versions[agency_id] = None
                if conflicts:
                    raise ConflictError(conflicts)  # the transaction is rolled back: nothing is saved
                # The versions are read inside the transaction: once the commit succeeds the caller has them,
                # even if the connection drops right after.
                transaction = conn.execute(text("SELECT txid_current()")).scalar_one()
                if before_commit is not None:
                    before_commit()
        except StoreError as failure:
            if transaction is None:
                raise  # it failed before the commit was asked for: nothing was saved
            committed = self._committed(transaction)
            if committed is None:
                raise StoreError(
                    f"The connection to the database at {self.location} was lost while saving, so whether the save "
                    "went through cannot be known until the database can be reached. Your edits are still here: "
                    "save again when it is back (edits that were saved are recognised, not taken for conflicts)."
                ) from failure
            if not committed:
                raise
        return SaveResult(versions)

    def _committed(self, transaction: int) -> bool | None:
        """Whether the server committed ``transaction``; None when it cannot be asked."""
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        try:
            with self._engine.connect() as conn:
                status = conn.execute(text("SELECT txid_status(:t)"), {"t": transaction}).scalar()
        except DBAPIError:
            return None
        return status == "committed"

    def restore(self, agency_ids: list[str]) -> Snapshot:
        """Undo the soft deletion of ``agency_ids``."""
        from sqlalchemy import text

        with self._transaction() as conn:
            self._check_schema(conn)
            done = (
                conn.execute(
                    text(
                        "UPDATE agencies SET deleted_at = NULL, deleted_by = NULL "
                        "WHERE id = ANY(:ids) AND deleted_at IS NOT NULL RETURNING id"
                    ),
                    {"ids": list(agency_ids)},
                )
                .scalars()
                .all()
            )
            missing = set(agency_ids) - set(done)
            if missing:
                raise StoreError(f"No deleted agency with id {', '.join(sorted(missing))} in {self.location}.")
            return self._load(conn)

    def _conflict(self, conn, agency_id: str, mine: dict | None) -> Conflict:
        from sqlalchemy import text

        row = conn.execute(text(f"SELECT {_SELECT} FROM agencies WHERE id = :id"), {"id": agency_id}).mappings().first()
        if row is None or row["deleted_at"] is not None:
            by = row["deleted_by"] if row is not None else ""
            at = row["deleted_at"].isoformat(timespec="seconds") if row is not None else ""
            return Conflict(agency_id, mine, None, str(row["version"]) if row is not None else None, by, at)
        return Conflict(
            agency_id,
            mine,
            _record(row),
            str(row["version"]),
            row["updated_by"],
            row["updated_at"].isoformat(timespec="seconds"),
        )

    # -- connections -----------------------------------------------------------------
    def _connection(self):
        return _Guarded(self, self._engine.connect, saving=False)

    def _transaction(self):
        return _Guarded(self, self._engine.begin, saving=True)


class _Guarded:
    """A connection or transaction whose failures say, in words, what happened and that nothing was saved."""

    def __init__(self, store: PostgisStore, open_: Callable, *, saving: bool):
        self._store, self._open, self._saving, self._context = store, open_, saving, None

    def __enter__(self):
        from sqlalchemy.exc import DBAPIError

        try:
            self._context = self._open()
            return self._context.__enter__()
        except DBAPIError as exc:
            if self._saving:  # a save that could not even start
                raise self._translate(exc) from None
            raise StoreError(_server_message(self._store.location, exc)) from None

    def __exit__(self, kind, value, traceback):
        from sqlalchemy.exc import DBAPIError

        try:
            self._context.__exit__(kind, value, traceback)  # commits, or rolls back after an error
        except DBAPIError as exc:
            if value is not None and not isinstance(value, DBAPIError):
                return False  # a conflict or our own error carries on; the rollback failed with the server
            raise self._translate(exc) from None
        if isinstance(value, DBAPIError):
            raise self._translate(value) from None
        return False

    def _translate(self, exc) -> StoreError:
        from sqlalchemy.exc import InterfaceError, OperationalError

        if isinstance(exc, (OperationalError, InterfaceError)):
            return StoreError(
                f"{_server_message(self._store.location, exc)} Nothing was saved; your edits are "
                "still here: save again when the database is back."
            )
        return StoreError(
            f"The database at {self._store.location} refused the change ({_first_line(exc)}). Nothing was saved."
        )


def _params(record: dict) -> dict:
    params = {name: record.get(name) for name in FIELD_NAMES}
    for name in LIST_FIELDS:
        params[name] = list(params[name] or [])
    for name in TEXT_FIELDS:
        params[name] = params[name] or ""
    params["last_verified"] = dt.date.fromisoformat(params["last_verified"]) if params["last_verified"] else None
    params["lon"], params["lat"] = float(record["lon"]), float(record["lat"])
    return params


def _record(row) -> dict:
    record = {name: row[name] for name in FIELD_NAMES}
    for name in LIST_FIELDS:
        record[name] = list(record[name] or [])
    record["last_verified"] = record["last_verified"].isoformat() if record["last_verified"] else ""
    record["lon"], record["lat"] = float(row["lon"]), float(row["lat"])
    return record
