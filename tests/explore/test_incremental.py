"""Edits applied to the explore model in place: records by id, rows patched, filters and counts kept right."""

from __future__ import annotations

import numpy as np
import pytest

from bsr_map.devtools.synthetic_directory import synthetic_directory
from bsr_map.directory import load_directory, load_taxonomy
from bsr_map.directory.model import directory_from_records, directory_records
from bsr_map.explore.filtering import SECTOR_ALL, AgencyIndex, FilterState
from bsr_map.explore.model import ExploreModel
from bsr_map.geo.projection import from_lonlat

EVENTS = ("directory_changed", "agencies_changed", "filters_changed", "selection_changed")


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="module")
def directory():
    return load_directory()


@pytest.fixture
def model(directory, taxonomy):
    return ExploreModel(directory, taxonomy)


def record_events(model):
    seen = []
    for name in EVENTS:
        getattr(model, name).connect(lambda *args, name=name: seen.append((name, *args)))
    return seen


def names(seen):
    return [event[0] for event in seen]


def same_as_rebuilt(model):
    """The patched index gives what an index built afresh from the patched directory gives."""
    fresh = AgencyIndex.build(model.directory, model.taxonomy.sectors.codes)
    states = [
        FilterState(),
        model.filters,
        FilterState(countries=frozenset({"FI", "SE"})),
        FilterState(sectors=frozenset({"ict", "maritime"}), sector_mode=SECTOR_ALL),
        FilterState(types=frozenset({"network"}), text="invest"),
    ]
    for state in states:
        assert np.array_equal(fresh.mask(state), model.index.mask(state)), state
        assert fresh.counts(state) == model.index.counts(state), state
    assert fresh.shown(model.mask) == model.index.shown(model.mask)
    assert np.array_equal(model.mask, fresh.mask(model.filters))


# -- records ---------------------------------------------------------------------------
def test_record_equals_directory_records_for_every_row(model):
    expected = directory_records(model.directory)
    assert [model.record(r["id"]) for r in expected] == expected


def test_record_equals_directory_records_for_unrounded_synthetic_points(basemap, taxonomy):
    """Synthetic points are random metres, not rounded degrees: record() rounds exactly as the files do."""
    model = ExploreModel(synthetic_directory(300, basemap, taxonomy, seed=7), taxonomy)
    expected = directory_records(model.directory)
    assert [model.record(r["id"]) for r in expected] == expected


def test_records_come_in_directory_order_both_row_by_row_and_by_column(model):
    expected = directory_records(model.directory)
    few = [expected[i]["id"] for i in (40, 3, 17)]
    assert model.records(few) == [expected[3], expected[17], expected[40]]
    many = [r["id"] for r in reversed(expected)]  # more than the row-by-row limit
    assert len(many) > 64 and model.records(many) == expected
    assert model.records([few[0], few[0]]) == [expected[40]]
    assert model.records([]) == []


def test_unknown_ids_raise_key_error(model):
    with pytest.raises(KeyError):
        model.record("no-such-agency")
    with pytest.raises(KeyError, match="no-such-agency"):
        model.records([model.directory["id"].iloc[0], "no-such-agency"])


# -- edits in place ----------------------------------------------------------------------
def test_an_edit_in_place_keeps_rows_and_emits_agencies_changed_only(model):
    ids_before = list(model.directory["id"])
    old_frame = model.directory
    target = ids_before[5]
    record = {**model.record(target), "city": "Zzyzx"}
    seen = record_events(model)
    model.apply_changes({target: record})
    assert seen == [("agencies_changed", [target])]
    assert list(model.directory["id"]) == ids_before
    assert model.directory["city"].iloc[5] == "Zzyzx"
    assert model.record(target) == record
    assert old_frame["city"].iloc[5] != "Zzyzx"  # a frame taken before keeps its values
    same_as_rebuilt(model)


def test_an_edit_moves_the_projected_point(model):
    target = model.directory["id"].iloc[8]
    record = {**model.record(target), "lon": 19.5, "lat": 57.25}
    model.apply_changes({target: record})
    x, y = from_lonlat(19.5, 57.25)
    point = model.directory.geometry.iloc[8]
    assert (point.x, point.y) == (pytest.approx(float(x), abs=1e-6), pytest.approx(float(y), abs=1e-6))
    assert model.record(target)["lon"] == 19.5 and model.record(target)["lat"] == 57.25


def test_an_unchanged_position_keeps_its_point(basemap, taxonomy):
    model = ExploreModel(synthetic_directory(50, basemap, taxonomy, seed=3), taxonomy)
    before = model.directory.geometry.iloc[4]
    target = model.directory["id"].iloc[4]
    model.apply_changes({target: {**model.record(target), "city": "Elsewhere"}})
    assert model.directory.geometry.iloc[4].equals_exact(before, 0.0)


def test_a_country_edit_leaves_and_enters_a_country_filter(model):
    model.toggle("countries", "FI")
    finnish = model.count
    target = model.directory["id"][model.mask].iloc[0]
    seen = record_events(model)
    model.apply_changes({target: {**model.record(target), "country": "SE"}})
    assert names(seen) == ["agencies_changed", "filters_changed"]
    assert model.count == finnish - 1 and not model.mask[model.row_of(target)]
    assert model.counts()["countries"]["SE"] == int((model.directory["country"] == "SE").sum())
    same_as_rebuilt(model)
    seen.clear()
    model.apply_changes({target: {**model.record(target), "country": "FI"}})
    assert names(seen) == ["agencies_changed", "filters_changed"]
    assert model.count == finnish and model.mask[model.row_of(target)]
    same_as_rebuilt(model)


def test_filters_changed_is_emitted_only_when_the_result_changes(model):
    model.toggle("countries", "FI")
    target = model.directory["id"][model.mask].iloc[0]
    seen = record_events(model)
    model.apply_changes({target: {**model.record(target), "city": "Still in Finland"}})
    assert names(seen) == ["agencies_changed"]


def test_a_sector_edit_changes_sector_counts_and_the_primary_sector(model):
    row = next(i for i, s in enumerate(model.directory["sectors"]) if "maritime" not in s and s[0] != "cleantech")
    target = model.directory["id"].iloc[row]
    before = model.counts()["sectors"]
    model.apply_changes({target: {**model.record(target), "sectors": ["cleantech", "maritime"]}})
    after = model.counts()["sectors"]
    assert after["maritime"] == before["maritime"] + 1
    assert model.index.sector_codes[model.index.primary[row]] == "cleantech"
    model.set_filters(FilterState(sectors=frozenset({"cleantech", "maritime"}), sector_mode=SECTOR_ALL))
    assert model.mask[row]
    same_as_rebuilt(model)


def test_a_renamed_agency_is_found_by_its_new_name_not_its_old(model):
    target = "fi-businessoulu"
    model.set_text("businessoulu")  # the search is cached: the edit must patch it
    assert model.count == 1
    seen = record_events(model)
    renamed = {"name": "Qwertyville Growth", "local_name": "", "description": "Growth services of Oulu."}
    model.apply_changes({target: {**model.record(target), **renamed}})
    assert names(seen) == ["agencies_changed", "filters_changed"]
    assert not model.mask[model.row_of(target)] and model.count == 0
    model.set_text("qwertyville")
    assert list(model.directory["id"][model.mask]) == [target]
    same_as_rebuilt(model)


def test_values_never_seen_before_become_filterable(directory, taxonomy):
    model = ExploreModel(directory[directory["country"] == "FI"], taxonomy)
    assert "EE" not in model.counts()["countries"]
    target = model.directory["id"].iloc[2]
    model.apply_changes({target: {**model.record(target), "country": "EE", "city": "Ülemiste", "type": "network"}})
    assert model.counts()["countries"]["EE"] == 1
    model.toggle("countries", "EE")
    assert list(model.directory["id"][model.mask]) == [target]
    model.set_filters(FilterState(text="ulemiste"))
    assert list(model.directory["id"][model.mask]) == [target]
    same_as_rebuilt(model)


def test_several_edits_match_a_directory_rebuilt_from_records(model, taxonomy):
    records = directory_records(model.directory)
    rng = np.random.default_rng(5)
    codes = taxonomy.sectors.codes
    model.toggle("countries", "DE")
    model.set_text("invest")
    for step in range(6):
        changes = {}
        for i in rng.choice(len(records), 4, replace=False):
            r = dict(records[i])
            r["country"] = ["DE", "PL", "SE"][(step + i) % 3]
            r["sectors"] = list(rng.choice(codes, 1 + step % 3, replace=False))
            r["name"] = f"{r['name']} Invest {step}" if step % 2 else r["name"].replace("Invest", "")
            r["lon"] = round(float(r["lon"]) + 0.01, 6)
            records[i] = r
            changes[r["id"]] = r
        model.apply_changes(changes)
        same_as_rebuilt(model)
    assert directory_records(model.directory) == directory_records(directory_from_records(records))
    assert [model.record(r["id"]) for r in records] == directory_records(model.directory)


def test_an_edited_agency_that_leaves_the_filters_is_deselected(model):
    model.toggle("countries", "FI")
    target = model.directory["id"][model.mask].iloc[0]
    other = model.directory["id"][model.mask].iloc[1]
    model.select(target)
    model.apply_changes({target: {**model.record(target), "city": "Kemi"}})
    assert model.selected_id == target
    seen = record_events(model)
    model.apply_changes({target: {**model.record(target), "country": "NO"}})
    assert names(seen) == ["agencies_changed", "filters_changed", "selection_changed"]
    assert model.selected_id is None and seen[-1] == ("selection_changed", None)
    model.select(other)
    model.apply_changes({target: {**model.record(target), "country": "FI"}})
    assert model.selected_id == other


def test_a_record_under_another_id_is_refused(model):
    first, second = model.directory["id"].iloc[:2]
    with pytest.raises(ValueError, match="has the id"):
        model.apply_changes({first: model.record(second)})


# -- adding, removing, reordering -------------------------------------------------------
def test_an_added_agency_goes_last_and_rebuilds(model):
    count = len(model.directory)
    model.select("fi-businessoulu")
    new = {**model.record("fi-businessoulu"), "id": "fi-new-agency", "name": "New Agency"}
    seen = record_events(model)
    model.apply_changes({"fi-new-agency": new})
    assert "directory_changed" in names(seen) and "agencies_changed" not in names(seen)
    assert "selection_changed" not in names(seen)
    assert len(model.directory) == count + 1 and model.directory["id"].iloc[-1] == "fi-new-agency"
    assert model.record("fi-new-agency") == new
    assert model.selected_id == "fi-businessoulu" and model.count == count + 1
    same_as_rebuilt(model)


def test_a_deleted_agency_goes_and_is_deselected(model):
    model.select("fi-businessoulu")
    seen = record_events(model)
    model.apply_changes({"fi-businessoulu": None, "no-such-agency": None})
    assert names(seen) == ["directory_changed", "filters_changed", "selection_changed"]
    assert "fi-businessoulu" not in set(model.directory["id"]) and model.selected_id is None
    with pytest.raises(KeyError):
        model.record("fi-businessoulu")
    same_as_rebuilt(model)


def test_removing_nothing_that_is_there_changes_nothing(model):
    seen = record_events(model)
    model.apply_changes({"no-such-agency": None})
    model.apply_changes({})
    assert seen == []


def test_order_puts_deleted_agencies_back_where_they_were(model):
    original = directory_records(model.directory)
    order = [r["id"] for r in original]
    deleted = {order[3]: None, order[10]: None}
    model.apply_changes(deleted)
    assert len(model.directory) == len(original) - 2
    model.apply_changes({order[3]: original[3], order[10]: original[10]}, order=order)
    assert list(model.directory["id"]) == order
    assert directory_records(model.directory) == original
    same_as_rebuilt(model)


def test_order_alone_reorders_and_ids_left_out_keep_their_order_after(model):
    order = list(model.directory["id"])
    wanted = [order[5], order[0], "no-such-agency"]
    seen = record_events(model)
    model.apply_changes({}, order=wanted)
    assert names(seen)[0] == "directory_changed"
    assert list(model.directory["id"]) == [order[5], order[0]] + [i for i in order if i not in wanted]
    same_as_rebuilt(model)


def test_the_current_order_with_edits_in_place_stays_incremental(model):
    order = list(model.directory["id"])
    seen = record_events(model)
    model.apply_changes({order[2]: {**model.record(order[2]), "city": "Sopot"}}, order=order)
    assert names(seen) == ["agencies_changed"]
