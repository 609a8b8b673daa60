"""Forgiving where a person expects it (no type column, sectors as people write them), strict elsewhere."""

from __future__ import annotations

import json

import pytest

from bsr_map.cli.main import main
from bsr_map.directory import DirectoryReadError, limits, load_taxonomy, read_directory
from bsr_map.directory import importing as importing_module

HEADER = "id,name,type,country,city,lat,lon,sectors\n"


def row(i: int, sectors: str = "ict", kind: str = "network") -> str:
    return f"fi-{i},Agency {i},{kind},FI,Helsinki,60.17,24.94,{sectors}\n"


def test_no_type_column_imports_every_row_with_the_default_and_one_warning(write_csv):
    text = "id,name,country,city,lat,lon,sectors\n" + "".join(
        f"fi-{i},A{i},FI,Helsinki,60.17,24.94,ict\n" for i in range(5)
    )
    result = read_directory(write_csv(text))
    assert result.problems == [] and len(result.agencies) == 5
    assert set(result.agencies["type"]) == {importing_module.DEFAULT_AGENCY_TYPE}
    assert [w for w in result.warnings if "type" in w] == [
        (
            "agencies.csv has no agency type column: every agency was given the type 'national_agency'; "
            "correct the others after the import"
        )
    ]


def test_an_empty_type_in_a_file_with_a_type_column_is_still_an_error(write_csv):
    result = read_directory(write_csv(HEADER + row(1, kind="")))
    assert [str(p) for p in result.problems] == ["agencies.csv, row 2, column 'type': Type is missing"]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Energy", "cleantech"),
        ("Renewable energy", "cleantech"),
        ("Finance", "business_services"),
        ("Fintech", "business_services"),
        ("IT", "ict"),
        ("Software", "ict"),
        ("Logistik", "logistics"),
        ("Energetyka", "cleantech"),
        ("Meri", "maritime"),
    ],
)
def test_sectors_as_people_write_them_map_through_synonyms_with_a_note(write_csv, written, code):
    result = read_directory(write_csv(HEADER + row(1, written) + row(2, written) + row(3)))
    assert result.problems == [] and list(result.agencies["sectors"]) == [[code], [code], ["ict"]]
    label = load_taxonomy().sectors.label(code)
    assert result.notes == [f"sector '{written}' read as '{label}' ({code}) in rows 2, 3"]


def test_an_unknown_sector_stays_an_error_that_lists_the_known_ones(write_csv):
    result = read_directory(write_csv(HEADER + row(1, "Basket weaving")))
    (problem,) = result.problems
    assert "unknown sector 'Basket weaving'; known sectors: ict (ICT & digital), " in problem.message
    assert all(term.code in problem.message for term in load_taxonomy().sectors)


def test_the_synonyms_are_data_beside_the_taxonomy_and_never_ambiguous(tmp_path):
    folder = tmp_path / "taxonomy"
    folder.mkdir()
    source = load_taxonomy.__wrapped__  # not the cached bundled one
    (folder / "taxonomy.json").write_text(
        json.dumps(
            {
                "agency_types": [{"code": "network", "label": "Network"}],
                "sectors": [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}],
                "services": [],
            }
        )
    )
    (folder / "synonyms.json").write_text(json.dumps({"sectors": {"a": ["Alpha"], "b": ["alpha"]}}))
    with pytest.raises(ValueError, match="'alpha' names both a and b"):
        source(folder / "taxonomy.json")


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ({"en": "x"}, 'is a JSON object ({"en": "x"}), not text'),
        (["a", "b"], 'is a list (["a", "b"]), not one value'),
        (True, "is true, not text"),
    ],
)
def test_a_json_value_that_is_not_text_is_named_not_turned_into_text(tmp_path, value, said):
    properties = {"id": "fi-x", "name": value, "type": "network", "country": "FI", "city": "Helsinki", "sectors": "ict"}
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [24.94, 60.17]},
        "properties": properties,
    }
    path = tmp_path / "o.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    result = read_directory(path)
    assert len(result.agencies) == 0
    (problem,) = result.problems
    assert str(problem).startswith(f"o.geojson, row 1, column 'name': {said}")


def test_a_geojson_feature_with_100000_properties_is_refused_quickly(tmp_path):
    import time

    properties = {f"p{i}": i for i in range(100_000)} | {"name": "x"}
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [24.94, 60.17]},
        "properties": properties,
    }
    path = tmp_path / "wide.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    started = time.perf_counter()
    with pytest.raises(
        DirectoryReadError, match=r"wide\.geojson, feature 1, has 100,001 properties; bsr-map reads at most 256"
    ):
        read_directory(path)
    assert time.perf_counter() - started < 2


def test_a_file_with_more_problems_than_the_limit_stops_naming_the_limit_and_the_first_problems(write_csv, monkeypatch):
    monkeypatch.setattr(importing_module, "MAX_PROBLEMS", 5)
    monkeypatch.setattr(limits, "MAX_PROBLEMS", 5)
    path = write_csv(HEADER + "".join(row(i, "nothing") for i in range(20)))
    with pytest.raises(DirectoryReadError) as caught:
        read_directory(path)
    message = str(caught.value)
    assert message.startswith("agencies.csv has more than 5 problems by row 7, the most bsr-map lists for one file")
    assert "agencies.csv, row 2, column 'sectors': unknown sector 'nothing'" in message


def test_progress_is_reported_and_a_cancel_stops_the_import(write_csv, monkeypatch):
    monkeypatch.setattr(importing_module, "PROGRESS_EVERY", 2)
    path = write_csv(HEADER + "".join(row(i) for i in range(7)))
    seen = []
    read_directory(path, progress=lambda phase, rows: seen.append((phase, rows)))
    assert seen == [("validating", 2), ("validating", 4), ("validating", 6)]

    def cancel(phase, rows):
        raise importing_module.ImportCancelled

    with pytest.raises(importing_module.ImportCancelled):
        read_directory(path, progress=cancel)


def test_the_import_commands_take_an_encoding(write_csv, tmp_path, capsys):
    path = write_csv(
        "name;type;country;city;lat;lon;sectors\nAgencja Łódź;network;PL;Łódź;51.7592;19.4560;ict\n",
        encoding="iso8859-2",
    )
    assert main(["directory", "validate", str(path)]) == 0
    assert "read as ISO-8859-2" in capsys.readouterr().err
    out = tmp_path / "out.geojson"
    assert main(["directory", "import", str(path), "--encoding", "cp1250", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["features"][0]["properties"]["city"] == "ŁódĽ"
    assert main(["directory", "validate", str(path), "--encoding", "klingon"]) == 1
    assert "'klingon' is not a known text encoding" in capsys.readouterr().err
