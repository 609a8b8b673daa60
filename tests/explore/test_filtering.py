"""Filter semantics and facet counts, on the bundled directory."""

from __future__ import annotations

import pytest

from bsr_map.directory import load_directory, load_taxonomy
from bsr_map.explore.filtering import SECTOR_ALL, AgencyIndex, FilterState, search_key
from bsr_map.explore.model import ExploreModel


@pytest.fixture(scope="module")
def directory():
    return load_directory()


@pytest.fixture(scope="module")
def index(directory):
    return AgencyIndex.build(directory, load_taxonomy().sectors.codes)


def ids(directory, mask):
    return set(directory.id[mask])


def test_empty_state_passes_everything(directory, index):
    assert index.mask(FilterState()).all()


def test_any_of_within_a_facet_and_of_across(directory, index):
    state = FilterState(countries=frozenset({"FI", "EE"}), sectors=frozenset({"life_sciences"}))
    expected = {r.id for r in directory.itertuples() if r.country in ("FI", "EE") and "life_sciences" in r.sectors}
    assert ids(directory, index.mask(state)) == expected and expected


def test_all_of_sectors(directory, index):
    state = FilterState(sectors=frozenset({"ict", "cleantech"}), sector_mode=SECTOR_ALL)
    expected = {r.id for r in directory.itertuples() if {"ict", "cleantech"} <= set(r.sectors)}
    assert ids(directory, index.mask(state)) == expected
    assert len(expected) < len(ids(directory, index.mask(FilterState(sectors=frozenset({"ict", "cleantech"})))))


@pytest.mark.parametrize(
    ("query", "city"),
    [
        ("gdansk", "Gdańsk"),
        ("GDAŃSK", "Gdańsk"),
        ("malmo", "Malmö"),
        ("klaipeda", "Klaipėda"),
        ("reykjavik", "Reykjavík"),
    ],
)
def test_search_ignores_case_and_accents(directory, index, query, city):
    found = directory[index.mask(FilterState(text=query))]
    assert set(directory.id[directory.city == city]) <= set(found.id)


def test_search_words_must_all_match(directory, index):
    found = ids(directory, index.mask(FilterState(text="Science Park Tartu")))
    expected = {
        r.id
        for r in directory.itertuples()
        if all(
            w in " ".join([r.name, r.local_name, r.city, r.description]).lower() for w in ("science", "park", "tartu")
        )
    }
    assert "ee-tartu-science-park" in found and found == expected
    assert len(found) < len(ids(directory, index.mask(FilterState(text="science park"))))


def test_search_key():
    assert search_key("Łódź Ørestad Straße") == "lodz orestad strasse"


def test_counts_say_what_each_choice_would_leave(directory, index):
    state = FilterState(countries=frozenset({"FI"}), sectors=frozenset({"ict"}))
    counts = index.counts(state)
    # country counts: other facets (ict) applied, country facet ignored
    assert counts["countries"]["SE"] == sum(
        1 for r in directory.itertuples() if r.country == "SE" and "ict" in r.sectors
    )
    # sector counts (any-of): countries applied
    assert counts["sectors"]["life_sciences"] == sum(
        1 for r in directory.itertuples() if r.country == "FI" and "life_sciences" in r.sectors
    )
    assert counts["types"]["national_agency"] == sum(
        1 for r in directory.itertuples() if r.country == "FI" and "ict" in r.sectors and r.type == "national_agency"
    )


def test_all_of_counts_show_the_narrowing(directory, index):
    state = FilterState(sectors=frozenset({"ict"}), sector_mode=SECTOR_ALL)
    counts = index.counts(state)
    assert counts["sectors"]["maritime"] == sum(
        1 for r in directory.itertuples() if {"ict", "maritime"} <= set(r.sectors)
    )


def test_model_deselects_an_agency_that_is_filtered_out(directory):
    model = ExploreModel(directory, load_taxonomy())
    seen = []
    model.selection_changed.connect(seen.append)
    model.select("se-business-sweden")
    model.toggle("countries", "FI")
    assert model.selected_id is None and seen == ["se-business-sweden", None]
    model.clear_filters()
    assert model.count == len(directory)


def test_filter_state_round_trips_through_settings():
    state = FilterState(frozenset({"DE"}), frozenset({"ict"}), SECTOR_ALL, frozenset({"network"}), "berlin")
    assert FilterState.from_dict(state.to_dict()) == state
    assert FilterState.from_dict({"sector_mode": "nonsense"}).sector_mode == "any"


def test_search_finds_words_spread_over_fields_and_repeated_values(directory, index):
    """One word in the city, another in the name: the agency is found; a shared city finds all who share it."""
    row = directory[directory.city == "Tartu"].iloc[0]
    word_in_name = next(w for w in row["name"].split() if w.lower() not in "tartu")
    found = ids(directory, index.mask(FilterState(text=f"tartu {word_in_name}")))
    assert row.id in found
    same_city = set(directory.id[directory.city == "Gdańsk"])
    assert len(same_city) > 1 and same_city <= ids(directory, index.mask(FilterState(text="gdansk")))
    assert ids(directory, index.mask(FilterState(text="tartu gdansk"))) == {
        r.id
        for r in directory.itertuples()
        if all(w in search_key(" ".join([r.name, r.local_name, r.city, r.description])) for w in ("tartu", "gdansk"))
    }
