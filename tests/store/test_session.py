"""Editing sessions on a shared directory: conflicts settled field by field, against both back ends."""

from __future__ import annotations

import pytest

from bsr_map.directory import load_directory
from bsr_map.directory.model import directory_from_records
from bsr_map.store import ConflictError
from bsr_map.store.base import records_by_id
from bsr_map.store.session import MINE, THEIRS, EditSession, merge_record

from tests.store.test_stores import edited, seed


@pytest.fixture(scope="module")
def bundled():
    return load_directory()


AGENCY = "ee-invest-in-estonia"


def without(directory, agency_id):
    return directory_from_records([r for r in records_by_id(directory).values() if r["id"] != agency_id])


def test_a_conflict_settled_field_by_field_is_saved_against_the_stores_version(open_session, bundled):
    seed(open_session(), bundled)
    mine, theirs = EditSession(open_session()), EditSession(open_session())
    theirs.save(edited(theirs.snapshot, AGENCY, phone="+372 666 0000", city="Tartu"))
    my_directory = edited(mine.snapshot, AGENCY, city="Narva", description="Checked at the fair.")
    with pytest.raises(ConflictError) as refused:
        mine.save(my_directory)
    conflict, = refused.value.conflicts
    assert set(conflict.differing_fields()) == {"phone", "city", "description"}
    merged = merge_record(conflict, {"phone": THEIRS, "city": MINE, "description": MINE})
    assert (merged["phone"], merged["city"], merged["description"]) == ("+372 666 0000", "Narva",
                                                                         "Checked at the fair.")
    records = records_by_id(my_directory)
    records[AGENCY] = merged
    saved = records_by_id(mine.save(directory_from_records(list(records.values())), refused.value.conflicts))
    stored = records_by_id(open_session().load().directory)[AGENCY]
    assert (stored["phone"], stored["city"], stored["description"]) == ("+372 666 0000", "Narva",
                                                                         "Checked at the fair.")
    assert saved[AGENCY]["city"] == "Narva" and len(saved) == len(bundled)


def test_keeping_my_edit_of_an_agency_someone_deleted_brings_it_back(open_session, bundled):
    seed(open_session(), bundled)
    mine, theirs = EditSession(open_session()), EditSession(open_session())
    theirs.save(without(theirs.directory, AGENCY))
    my_directory = edited(mine.snapshot, AGENCY, phone="+372 123 4567")
    with pytest.raises(ConflictError) as refused:
        mine.save(my_directory)
    conflict, = refused.value.conflicts
    assert conflict.theirs is None and conflict.mine["phone"] == "+372 123 4567"
    assert merge_record(conflict, THEIRS) is None  # accepting the deletion
    mine.save(my_directory, refused.value.conflicts)  # keeping mine
    store = open_session()
    assert records_by_id(store.load().directory)[AGENCY]["phone"] == "+372 123 4567"
    assert AGENCY not in {d.record["id"] for d in store.deleted()}
    assert [e.action for e in store.history(AGENCY)][-2:] == ["delete", "restore"]


def test_accepting_their_change_over_my_deletion_saves_nothing_and_keeps_theirs(open_session, bundled):
    seed(open_session(), bundled)
    mine, theirs = EditSession(open_session()), EditSession(open_session())
    theirs.save(edited(theirs.snapshot, AGENCY, phone="+372 666 0000"))
    my_directory = without(mine.directory, AGENCY)
    with pytest.raises(ConflictError) as refused:
        mine.save(my_directory)
    conflict, = refused.value.conflicts
    assert conflict.mine is None
    kept = merge_record(conflict, THEIRS)
    assert kept["phone"] == "+372 666 0000"
    assert not mine.changes(directory_from_records([*records_by_id(my_directory).values(), kept]),
                            refused.value.conflicts)  # nothing left to save


def test_a_settlement_undone_is_checked_again_not_saved_over_theirs(open_session, bundled):
    """Settling makes the store's version the base only when the save succeeds."""
    seed(open_session(), bundled)
    mine, theirs = EditSession(open_session()), EditSession(open_session())
    theirs.save(edited(theirs.snapshot, AGENCY, email="info@example.ee"))
    my_directory = edited(mine.snapshot, AGENCY, city="Narva")
    with pytest.raises(ConflictError) as refused:
        mine.save(my_directory)
    # The person settles (their e-mail, my city) but the save does not happen; then they undo the settlement.
    assert mine.changes(my_directory).upserts[0][1] == mine.snapshot.versions[AGENCY]
    with pytest.raises(ConflictError):
        mine.save(my_directory)  # my original edit, against the old version: refused again, not saved over theirs
    assert records_by_id(open_session().load().directory)[AGENCY]["email"] == "info@example.ee"
    assert refused.value.conflicts[0].theirs["email"] == "info@example.ee"


def test_a_new_agency_with_a_live_agencys_id_is_still_refused(open_session, bundled):
    from bsr_map.store import ChangeSet

    store = open_session()
    seed(store, bundled)
    copy = {**records_by_id(store.load().directory)[AGENCY], "phone": "+372 000 0000"}
    with pytest.raises(ConflictError) as refused:
        store.apply(ChangeSet(upserts=[(copy, None)]))
    assert refused.value.conflicts[0].theirs["phone"] != "+372 000 0000"
    assert records_by_id(open_session().load().directory)[AGENCY]["phone"] != "+372 000 0000"


def test_merging_an_offline_copy_with_conflicts_settled_field_by_field(open_session, bundled, tmp_path):
    from bsr_map.store.gpkg_store import GeoPackageStore
    from bsr_map.store.offline import offline_changes, sync, take_offline

    store = open_session()
    seed(store, bundled)
    copy = take_offline(store, tmp_path / "fair.gpkg")
    offline = GeoPackageStore(copy)
    snap = offline.load()
    offline.apply(EditSession(offline).changes(edited(snap, AGENCY, description="Said at the fair.",
                                                      phone="+372 555 0000")))
    online = EditSession(store)
    online.save(edited(online.snapshot, AGENCY, description="Said in the office."))
    conflict, = sync(copy, store).conflicts
    merged = merge_record(conflict, {"description": THEIRS, "phone": MINE})
    report = sync(copy, store, settled={AGENCY: merged}, seen=[conflict])
    assert report.ok and report.sent == [AGENCY] and report.copy_error == ""
    stored = records_by_id(store.load().directory)[AGENCY]
    assert (stored["description"], stored["phone"]) == ("Said in the office.", "+372 555 0000")
    assert not offline_changes(copy)


def test_a_change_made_while_the_person_chose_stops_the_merge(open_session, bundled, tmp_path):
    from bsr_map.store.gpkg_store import GeoPackageStore
    from bsr_map.store.offline import offline_changes, sync, take_offline

    store = open_session()
    seed(store, bundled)
    copy = take_offline(store, tmp_path / "fair.gpkg")
    offline = GeoPackageStore(copy)
    offline.apply(EditSession(offline).changes(edited(offline.load(), AGENCY, description="Said at the fair.")))
    online = EditSession(store)
    online.save(edited(online.snapshot, AGENCY, description="Said in the office."))
    conflict, = sync(copy, store).conflicts
    online.save(edited(online.snapshot, AGENCY, phone="+372 555 1234"))  # while the dialog is open
    report = sync(copy, store, settled={AGENCY: merge_record(conflict, MINE)}, seen=[conflict])
    assert not report.ok and report.sent == [] and report.conflicts[0].theirs["phone"] == "+372 555 1234"
    stored = records_by_id(store.load().directory)[AGENCY]
    assert (stored["description"], stored["phone"]) == ("Said in the office.", "+372 555 1234")
    assert offline_changes(copy)  # the offline edit is still there to merge


def test_a_copy_that_cannot_be_refreshed_after_a_merge_is_reported(open_session, bundled, tmp_path, monkeypatch):
    from bsr_map.util.atomic import SaveError
    from bsr_map.store import offline
    from bsr_map.store.gpkg_store import GeoPackageStore

    store = open_session()
    seed(store, bundled)
    copy = offline.take_offline(store, tmp_path / "fair.gpkg")
    fair = GeoPackageStore(copy)
    fair.apply(EditSession(fair).changes(edited(fair.load(), AGENCY, description="Said at the fair.")))

    def refuse(*args, **kwargs):
        raise SaveError("fair.gpkg: the USB stick was pulled out")

    monkeypatch.setattr(offline, "_write_copy", refuse)
    report = offline.sync(copy, store)
    assert report.sent == [AGENCY] and "USB stick" in report.copy_error
    assert records_by_id(store.load().directory)[AGENCY]["description"] == "Said at the fair."
