"""The fact-check fields: ``verification`` and ``location_precision`` are optional, checked and round-tripped."""

from __future__ import annotations

import pytest

from bsr_map.directory import read_directory, write_directory
from bsr_map.directory.model import directory_records
from bsr_map.directory.schema import CHOICES, FIELD_NAMES

FORMATS = [".gpkg", ".geojson", ".csv", ".xlsx"]


def test_the_schema_has_both_optional_fields():
    assert {"verification", "location_precision"} <= set(FIELD_NAMES)
    assert CHOICES["verification"] == ("confirmed", "partly confirmed", "unconfirmed")
    assert CHOICES["location_precision"] == ("address", "district", "city")


@pytest.mark.parametrize("suffix", FORMATS)
def test_values_and_blanks_round_trip_in_every_format(bundled, tmp_path, suffix):
    directory = bundled.copy()
    values = ["confirmed", "partly confirmed", "unconfirmed", ""]
    precisions = ["address", "district", "city", ""]
    directory["verification"] = [values[i % 4] for i in range(len(directory))]
    directory["location_precision"] = [precisions[(i + 1) % 4] for i in range(len(directory))]
    result = read_directory(write_directory(directory, tmp_path / f"d{suffix}"))
    assert result.problems == []
    assert directory_records(result.agencies) == directory_records(directory)


def test_spellings_are_normalised_and_unknown_values_named(write_csv):
    path = write_csv(
        "id,name,type,country,city,lat,lon,sectors,verification,location precision\n"
        "a,A,national_agency,FI,Helsinki,60.17,24.94,ict,Partly_Confirmed,City\n"
        "b,B,national_agency,FI,Helsinki,60.17,24.94,ict,maybe,\n"
        "c,C,national_agency,FI,Helsinki,60.17,24.94,ict,,street\n"
    )
    result = read_directory(path)
    assert result.agencies.iloc[0]["verification"] == "partly confirmed"
    assert result.agencies.iloc[0]["location_precision"] == "city"
    messages = [str(p) for p in result.problems]
    assert any("row 3, column 'verification'" in m and "'maybe'" in m and "partly confirmed" in m for m in messages)
    assert any("row 4, column 'location precision' (location_precision)" in m and "'street'" in m for m in messages)
