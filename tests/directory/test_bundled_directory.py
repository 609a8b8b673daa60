"""The bundled agency directory: real, complete, valid and private."""

from __future__ import annotations

import re

import pytest

from bsr_map.directory import bundled_directory_path, read_directory, write_directory
from bsr_map.directory.location import CountryLocator
from bsr_map.directory.model import directory_records
from bsr_map.geo.basemap import load_basemap

TEN = {"DE", "DK", "EE", "FI", "IS", "LT", "LV", "NO", "PL", "SE"}


def test_bundled_file_is_valid_with_no_problem():
    result = read_directory(bundled_directory_path())
    assert result.problems == []
    assert len(result.agencies) >= 45


def test_all_ten_countries_and_a_national_agency_in_each(bundled):
    assert set(bundled.country) == TEN
    national = set(bundled.country[bundled["type"] == "national_agency"])
    assert national == TEN


def test_no_agencies_in_russia_or_belarus(bundled):
    assert not set(bundled.country) & {"RU", "BY"}


@pytest.mark.parametrize(
    "city",
    [
        "Hamburg",
        "Berlin",
        "Copenhagen",
        "Aarhus",
        "Malmö",
        "Gothenburg",
        "Stockholm",
        "Helsinki",
        "Tampere",
        "Turku",
        "Oulu",
        "Tallinn",
        "Tartu",
        "Riga",
        "Vilnius",
        "Kaunas",
        "Klaipėda",
        "Warsaw",
        "Gdańsk",
        "Szczecin",
        "Oslo",
        "Bergen",
        "Reykjavík",
    ],
)
def test_main_metropolitan_areas_are_covered(bundled, city):
    assert city in set(bundled.city)


def test_schleswig_holstein_and_mecklenburg_vorpommern_agencies(bundled):
    names = " ".join(bundled.name)
    assert "Schleswig-Holstein" in names and "Mecklenburg-Vorpommern" in names


def test_every_point_lies_inside_its_own_country(bundled):
    locator = CountryLocator(load_basemap())
    wrong = []
    for record in directory_records(bundled):
        found, distance = locator.country_at(record["lon"], record["lat"])
        if found != record["country"] or distance != 0.0:
            wrong.append((record["id"], found, distance))
    assert wrong == []


def test_contacts_are_organisational_not_personal(bundled):
    personal_email = re.compile(r"^[a-z]+[._-][a-z]+@", re.IGNORECASE)
    assert not [e for e in bundled.email if e and personal_email.match(e)]
    assert all(w.startswith("https://") for w in bundled.website)
    assert all(len(d) <= 600 for d in bundled.description)
    assert all(bundled.source.str.len() > 0) and all(bundled.last_verified.str.match(r"^\d{4}-\d{2}-\d{2}$"))


def test_ids_are_unique_and_the_file_is_sorted_for_reviewable_diffs(bundled, tmp_path):
    assert bundled.id.is_unique and list(bundled.id) == sorted(bundled.id)
    rewritten = write_directory(bundled, tmp_path / "agencies.geojson")
    assert rewritten.read_bytes() == bundled_directory_path().read_bytes()
