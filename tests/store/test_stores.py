"""The directory stores, each test against both back ends: a GeoPackage file and a real PostGIS server."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from bsr_map.directory import load_directory
from bsr_map.directory.model import directory_from_records
from bsr_map.store import ChangeSet, ConflictError, StoreError, changes_between, fingerprint
from bsr_map.store.base import Snapshot, records_by_id
from bsr_map.store.gpkg_store import GeoPackageStore
from bsr_map.store.offline import offline_changes, sync, take_offline


@pytest.fixture(scope="module")
def bundled():
    return load_directory()


def seed(store, directory):
    """Save ``directory`` into an empty store as new agencies."""
    return store.apply(changes_between(Snapshot(directory.iloc[:0], {}), directory))


def edited(snapshot, agency_id, **values):
    """The snapshot's directory with one agency's fields changed."""
    records = records_by_id(snapshot.directory)
    records[agency_id] = {**records[agency_id], **values}
    return directory_from_records(list(records.values()))


def test_round_trip_of_the_bundled_directory(open_session, bundled):
    store = open_session()
    saved = seed(store, bundled)
    loaded = open_session().load()  # another session reads what was saved
    assert saved.versions == loaded.versions  # what a save returns is what is stored
    mine, theirs = records_by_id(bundled), records_by_id(loaded.directory)
    assert set(theirs) == set(mine) and len(theirs) == 67
    assert all(fingerprint(theirs[i]) == fingerprint(mine[i]) for i in mine)
    assert set(loaded.versions) == set(mine)
    assert not changes_between(loaded, bundled)  # nothing differs


def test_second_save_of_the_same_record_is_refused_and_nothing_is_lost(open_session, bundled):
    first, second = open_session(), open_session()
    seed(first, bundled)
    a, b = first.load(), second.load()
    agency = "fi-business-finland"
    first.apply(changes_between(a, edited(a, agency, phone="+358 29 505 1111")))
    mine = edited(b, agency, description="Edited in Tallinn.", city="Espoo")
    changes = changes_between(b, mine)
    with pytest.raises(ConflictError) as refused:
        second.apply(changes)
    (conflict,) = refused.value.conflicts
    assert conflict.agency_id == agency and conflict.mine["city"] == "Espoo"
    assert conflict.theirs["phone"] == "+358 29 505 1111"
    assert set(conflict.differing_fields()) == {"phone", "description", "city"}
    stored = records_by_id(open_session().load().directory)[agency]
    assert stored["phone"] == "+358 29 505 1111" and stored["city"] != "Espoo"  # the first save stands
    assert records_by_id(mine)[agency]["city"] == "Espoo"  # the second user's edit is still in memory
    # The user chooses field by field (their phone, my description and city) and saves against their version.
    chosen = {**conflict.theirs, "description": "Edited in Tallinn.", "city": "Espoo"}
    second.apply(ChangeSet(upserts=[(chosen, conflict.theirs_version)]))
    merged = records_by_id(open_session().load().directory)[agency]
    assert (merged["phone"], merged["city"], merged["description"]) == (
        "+358 29 505 1111",
        "Espoo",
        "Edited in Tallinn.",
    )


def test_soft_delete_and_restore_with_who_and_when(open_session, bundled):
    store = open_session()
    seed(store, bundled)
    before = store.load()
    gone = "ee-invest-in-estonia" if "ee-invest-in-estonia" in before.versions else sorted(before.versions)[0]
    remaining = before.directory[before.directory["id"] != gone]
    saved = store.apply(changes_between(before, remaining))
    assert saved.versions == {gone: None}
    after = open_session().load()
    assert gone not in after.versions and len(after.versions) == 66
    (deleted,) = store.deleted()
    when = dt.datetime.fromisoformat(deleted.deleted_at)
    assert deleted.record["id"] == gone and deleted.deleted_by
    assert abs(dt.datetime.now(dt.UTC) - when) < dt.timedelta(minutes=10)
    back = store.restore([gone])
    assert gone in back.versions and store.deleted() == []
    assert [e.action for e in store.history(gone)] == ["insert", "delete", "restore"]
    assert all(e.changed_by and e.changed_at for e in store.history(gone))
    with pytest.raises(StoreError, match="No deleted agency"):
        store.restore(["no-such-agency"])


def test_deleting_a_record_someone_changed_is_a_conflict(open_session, bundled):
    first, second = open_session(), open_session()
    seed(first, bundled)
    a, b = first.load(), second.load()
    agency = sorted(a.versions)[3]
    first.apply(changes_between(a, edited(a, agency, phone="+46 8 123 456")))
    with pytest.raises(ConflictError) as refused:
        second.apply(changes_between(b, b.directory[b.directory["id"] != agency]))
    assert refused.value.conflicts[0].mine is None and refused.value.conflicts[0].theirs["phone"] == "+46 8 123 456"
    assert agency in open_session().load().versions


def test_offline_copy_edit_and_merge_back(open_session, bundled, tmp_path):
    store = open_session()
    seed(store, bundled)
    finnish = sorted(bundled.id[bundled.country == "FI"])
    copy = take_offline(store, tmp_path / "fair.gpkg", finnish)
    offline = GeoPackageStore(copy)
    snapshot = offline.load()
    assert sorted(snapshot.directory.id) == finnish  # the filter's agencies only
    # At the fair: one agency edited, one added, one deleted, saved in the copy as the window saves.
    records = records_by_id(snapshot.directory)
    records[finnish[0]] = {**records[finnish[0]], "phone": "+358 40 000 0000"}
    new = {**records[finnish[1]], "id": "fi-fair-contact", "name": "Fair Contact Desk"}
    records["fi-fair-contact"] = new
    del records[finnish[2]]
    offline.apply(changes_between(snapshot, directory_from_records(list(records.values()))))
    changes = offline_changes(copy)
    assert {r["id"] for r, _ in changes.upserts} == {finnish[0], "fi-fair-contact"}
    assert [i for i, _ in changes.deletes] == [finnish[2]]
    report = sync(copy, store)
    assert report.ok and sorted(report.sent) == sorted([finnish[0], "fi-fair-contact", finnish[2]])
    shared = records_by_id(open_session().load().directory)
    assert shared[finnish[0]]["phone"] == "+358 40 000 0000" and "fi-fair-contact" in shared
    assert finnish[2] not in shared and finnish[2] in [d.record["id"] for d in store.deleted()]
    assert not offline_changes(copy)  # the copy is refreshed: nothing left to send


def test_merge_back_refuses_what_changed_in_both_places_until_told(open_session, bundled, tmp_path):
    store = open_session()
    seed(store, bundled)
    agency = sorted(bundled.id)[5]
    copy = take_offline(store, tmp_path / "fair.gpkg")
    offline = GeoPackageStore(copy)
    snap = offline.load()
    offline.apply(changes_between(snap, edited(snap, agency, description="Said at the fair.")))
    online = store.load()
    store.apply(changes_between(online, edited(online, agency, description="Said in the office.")))
    report = sync(copy, store)
    assert not report.ok and report.conflicts[0].agency_id == agency and report.sent == []
    assert records_by_id(store.load().directory)[agency]["description"] == "Said in the office."
    report = sync(copy, store, prefer="mine")
    assert report.ok and records_by_id(store.load().directory)[agency]["description"] == "Said at the fair."


def test_a_server_that_goes_away_during_a_save_leaves_nothing_half_written(pg_server, pg_url, bundled):
    from bsr_map.store.postgis_store import PostgisStore

    store = PostgisStore(pg_url)
    seed(store, bundled)
    before = store.load()
    changed = edited(before, sorted(before.versions)[0], phone="+49 30 123 4567")
    changed = changed[changed["id"] != sorted(before.versions)[1]]
    changes = changes_between(before, changed)
    try:
        with pytest.raises(StoreError, match="whether the save went through cannot be known"):
            store.apply(changes, before_commit=lambda: pg_server.stop("immediate"))
    finally:
        pg_server.start()
    after = PostgisStore(pg_url).load()
    assert after.versions == before.versions  # not one of the two changes was applied
    assert len(changes) == 2  # the edits are still in hand, and save once the server is back
    saved = store.apply(changes)
    assert set(saved.versions) == set(sorted(before.versions)[:2])
    assert records_by_id(store.load().directory)[sorted(before.versions)[0]]["phone"] == "+49 30 123 4567"


def test_a_file_that_cannot_be_written_keeps_its_content(tmp_path, bundled, monkeypatch):
    import bsr_map.store.gpkg_store as gpkg_store

    store = GeoPackageStore(tmp_path / "shared.gpkg")
    seed(store, bundled)
    before = (tmp_path / "shared.gpkg").read_bytes()
    snap = store.load()

    def disk_full(conn, entries, stamp):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(
        gpkg_store.GeoPackageStore, "_audit", lambda self, conn, entries, stamp: disk_full(conn, entries, stamp)
    )
    with pytest.raises(StoreError, match="disk is full"):
        store.apply(changes_between(snap, edited(snap, sorted(snap.versions)[0], phone="+48 22 000 0000")))
    assert (tmp_path / "shared.gpkg").read_bytes() == before  # the transaction was rolled back


def test_a_save_changes_the_agencies_in_place_and_keeps_every_other_table(tmp_path, bundled):
    """The window's Save of a GeoPackage keeps what other tools (and take-offline) keep in the file."""
    import pyogrio

    path = tmp_path / "shared.gpkg"
    store = GeoPackageStore(path)
    seed(store, bundled)
    with sqlite3.connect(path) as conn:  # another tool's table, and a style QGIS would keep
        conn.execute("CREATE TABLE layer_styles (id INTEGER PRIMARY KEY, styleName TEXT)")
        conn.execute("INSERT INTO layer_styles (styleName) VALUES ('investor map')")
    snap = store.load()
    agency, gone = sorted(snap.versions)[0], sorted(snap.versions)[1]
    changed = edited(snap, agency, phone="+48 22 000 0000")
    store.apply(changes_between(snap, changed[changed["id"] != gone]))
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert {"agencies", "deleted_agencies", "audit"} <= layers
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT styleName FROM layer_styles").fetchall() == [("investor map",)]
        # GDAL's spatial index follows the rows (its triggers ran inside the save)
        assert conn.execute("SELECT count(*) FROM rtree_agencies_geom").fetchone()[0] == 66
        assert conn.execute("SELECT feature_count FROM gpkg_ogr_contents").fetchone()[0] == 66
    reread = records_by_id(GeoPackageStore(path).load().directory)
    assert reread[agency]["phone"] == "+48 22 000 0000" and gone not in reread
    assert [e.action for e in store.history(agency)] == ["insert", "update"]
    # the file still reads in any GIS: GDAL finds the changed row through its spatial index
    frame = pyogrio.read_dataframe(
        path, layer="agencies", bbox=tuple(reread[agency][k] for k in ("lon", "lat", "lon", "lat"))
    )
    assert agency in set(frame["id"])


def test_a_layer_in_another_crs_with_its_own_column_names_is_saved_in_its_terms(tmp_path, bundled):
    import geopandas as gpd
    import pyogrio

    path = tmp_path / "qgis.gpkg"
    frame = bundled.to_crs("EPSG:3035").rename(columns={"name": "Name", "city": "City"})
    frame = frame.drop(columns=["email"])
    for column in ("sectors", "services", "languages"):
        frame[column] = frame[column].map("; ".join)
    pyogrio.write_dataframe(gpd.GeoDataFrame(frame, geometry="geometry"), path, layer="offices", driver="GPKG")
    store = GeoPackageStore(path)
    snap = store.load()
    agency = sorted(snap.versions)[0]
    store.apply(changes_between(snap, edited(snap, agency, city="Espoo", email="info@example.fi")))
    columns = pyogrio.read_info(path, layer="offices")["fields"]
    assert "City" in columns and "city" not in columns and "email" in columns  # its names kept; a missing field added
    after = records_by_id(store.load().directory)
    assert after[agency]["city"] == "Espoo" and after[agency]["email"] == "info@example.fi"
    mine = records_by_id(snap.directory)[agency]
    assert (after[agency]["lat"], after[agency]["lon"]) == (mine["lat"], mine["lon"])  # projected and back
    assert pyogrio.read_info(path, layer="offices")["crs"] == "EPSG:3035"


def test_the_database_refuses_what_the_importer_refuses(pg_url, bundled):
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import IntegrityError

    from bsr_map.store.postgis_store import PostgisStore, _driver_url

    store = PostgisStore(pg_url)
    seed(store, bundled.iloc[:3])
    snap = store.load()
    agency = sorted(snap.versions)[0]
    for field, value in (
        ("country", "RU"),
        ("sectors", ["gambling"]),
        ("website", "not a url"),
        ("name", "  "),
        ("id", "Has Spaces"),
    ):
        record = {**records_by_id(snap.directory)[agency], field: value}
        base = None if field == "id" else snap.versions[agency]
        with pytest.raises(StoreError, match="refused"):
            store.apply(ChangeSet(upserts=[(record, base)]))
    engine = create_engine(_driver_url(pg_url))
    with pytest.raises(IntegrityError):  # other tools writing to the table meet the same rules
        with engine.begin() as conn:
            conn.execute(text("UPDATE agencies SET type = 'embassy' WHERE id = :id"), {"id": agency})
    engine.dispose()
    assert store.load().versions == snap.versions


def test_password_comes_from_pgpass_or_a_prompt_and_is_never_shown(pg_server, pg_url, tmp_path, monkeypatch):
    from bsr_map.store.postgis_store import PostgisStore, display_url

    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(StoreError, match="cannot be reached"):
        PostgisStore(pg_url)
    asked = []
    store = PostgisStore(pg_url, ask_password=lambda where: asked.append(where) or pg_server.password)
    assert asked == [pg_url] and store.load().versions == {}
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_server.port}:*:{pg_server.role}:{pg_server.password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert PostgisStore(pg_url).load().versions == {}
    with_password = pg_url.replace("@", f":{pg_server.password}@")
    assert PostgisStore(with_password).location == pg_url == display_url(with_password)


def test_a_database_of_an_older_schema_is_refused_until_init_db_upgrades_it_keeping_the_agencies(pg_url, bundled):
    from bsr_map.store.postgis_store import PostgisStore

    store = PostgisStore(pg_url)
    seed(store, bundled)
    with store._engine.begin() as conn:  # as bsr-map's first schema left it
        from sqlalchemy import text

        conn.execute(text("ALTER TABLE agencies DROP COLUMN verification, DROP COLUMN location_precision"))
        conn.execute(text("UPDATE bsr_map_schema SET version = 1"))
    with pytest.raises(StoreError, match=r"older bsr-map \(schema 1.*init-db"):
        store.load()
    store.create_schema()  # what 'bsr-map directory init-db URL' does
    assert len(store.load().directory) == len(bundled)
    store.close()
