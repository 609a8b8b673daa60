"""Files as people really have them: legacy code pages, shifted rows, stray columns, odd GIS files."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import geopandas as gpd
import pytest
from openpyxl import load_workbook
from shapely.geometry import Point, Polygon

from bsr_map.directory import DirectoryReadError, read_directory, write_directory
from bsr_map.directory.importing import validate_rows

HEADER = "id,name,type,country,city,lat,lon,sectors\n"


def test_a_date_of_tomorrow_is_accepted_but_not_the_day_after():
    today = dt.date(2026, 11, 20)
    base = {
        "name": "X",
        "type": "network",
        "country": "FI",
        "city": "Helsinki",
        "lat": 60.17,
        "lon": 24.94,
        "sectors": "ict",
    }
    ok = validate_rows("t", [(2, {**base, "last_verified": "2026-11-21"})], today=today)
    late = validate_rows("t", [(2, {**base, "last_verified": "2026-11-22"})], today=today)
    assert ok.problems == [] and "in the future" in late.problems[0].message


@pytest.mark.parametrize(
    ("encoding", "city", "country", "lat", "lon"),
    [
        ("cp1250", "Łódź", "PL", 51.7592, 19.4560),
        ("cp1257", "Šiauliai", "LT", 55.9349, 23.3137),
        ("utf-16", "Gdańsk", "PL", 54.352, 18.6466),
    ],
)
def test_legacy_code_pages_and_utf16_decode_to_the_right_letters(write_csv, encoding, city, country, lat, lon):
    text = f"name;type;country;city;lat;lon;sectors\nAgency;network;{country};{city};{lat};{lon};ict\n"
    result = read_directory(write_csv(text, encoding=encoding))
    assert result.problems == [] and result.agencies.iloc[0].city == city


def test_a_row_with_more_values_than_the_header_is_reported(write_csv):
    text = HEADER + "x1,Agency,network,FI,Helsinki,60.17,24.94,ict,helps investors, founders\n"
    result = read_directory(write_csv(text))
    assert result.bad_rows == [2] and "has 10 values but the header has 8 columns" in result.problems[0].message


def test_unknown_and_repeated_columns_are_reported_as_warnings(write_csv):
    text = "name,type,country,city,lat,lon,sectors,Employees,name\nX,network,FI,Helsinki,60.17,24.94,ict,12,Y\n"
    result = read_directory(write_csv(text))
    assert result.problems == []
    assert any("'Employees' is not part of the directory schema" in w for w in result.warnings)
    assert any("'name' repeats a field" in w for w in result.warnings)


def test_semicolon_file_whose_header_contains_commas(write_csv):
    text = (
        "Name;Typ;Land;Stadt;Adresse (Straße, Nr.);Breite;Länge;Branchen\n"
        "Rostock Business;City agency;DE;Rostock;Am Vögenteich 26;54,0887;12,1407;Maritime & offshore\n"
    )
    result = read_directory(write_csv(text))
    assert result.problems == [] and result.agencies.iloc[0].city == "Rostock"
    assert any("'Adresse (Straße, Nr.)'" in w for w in result.warnings)


def test_border_town_offices_are_accepted_but_a_wrong_country_is_not():
    base = {"type": "city_agency", "sectors": "ict"}
    rows = [
        (2, {**base, "name": "Görlitz", "country": "DE", "city": "Görlitz", "lat": 51.1526, "lon": 14.9872}),
        (3, {**base, "name": "Narva", "country": "EE", "city": "Narva", "lat": 59.3797, "lon": 28.1791}),
        (4, {**base, "name": "Wrong", "country": "FI", "city": "Stockholm", "lat": 59.33, "lon": 18.07}),
    ]
    result = validate_rows("t", rows)
    assert result.bad_rows == [4]


def test_geometry_wins_over_stale_lat_lon_columns(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "name": ["Business Finland"],
            "type": ["national_agency"],
            "country": ["FI"],
            "city": ["Helsinki"],
            "sectors": ["ict"],
            "lat": [59.0],
            "lon": [10.0],
        },
        geometry=[Point(24.9384, 60.1699)],
        crs=4326,
    )
    frame.to_file(tmp_path / "fi.gpkg")
    result = read_directory(tmp_path / "fi.gpkg")
    assert result.problems == []
    point = result.agencies.to_crs(4326).geometry.iloc[0]
    assert point.x == pytest.approx(24.9384) and point.y == pytest.approx(60.1699)


def test_shapefile_without_prj_in_degrees_is_read_as_wgs84_with_a_warning(tmp_path):
    frame = gpd.GeoDataFrame(
        {"name": ["LIAA"], "type": ["national_agency"], "country": ["LV"], "city": ["Riga"], "sectors": ["ict"]},
        geometry=[Point(24.1052, 56.9496)],
        crs=4326,
    )
    frame.to_file(tmp_path / "lv.shp")
    (tmp_path / "lv.prj").unlink()
    result = read_directory(tmp_path / "lv.shp")
    assert result.problems == [] and any("no .prj" in w for w in result.warnings)


def test_mixed_geometries_are_row_problems_not_a_crash(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "name": ["A", "B"],
            "type": ["network"] * 2,
            "country": ["FI"] * 2,
            "city": ["Helsinki"] * 2,
            "sectors": ["ict"] * 2,
        },
        geometry=[Point(24.94, 60.17), Polygon([(24, 60), (25, 60), (25, 61)])],
        crs=4326,
    )
    frame.to_file(tmp_path / "mixed.gpkg")
    result = read_directory(tmp_path / "mixed.gpkg")
    assert result.bad_rows == [2] and "not a point (Polygon)" in result.problems[0].message


@pytest.mark.parametrize(
    "content",
    [
        {"type": "FeatureCollection", "features": [1, 2]},
        {"type": "FeatureCollection", "features": [{"geometry": "x"}]},
        {
            "type": "FeatureCollection",
            "crs": {"properties": {"name": "EPSG:99999"}},
            "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}}],
        },
    ],
)
def test_malformed_geojson_is_one_clear_message(tmp_path, content):
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(content))
    with pytest.raises(DirectoryReadError, match="bad.geojson"):
        read_directory(path)


def test_values_people_type(write_csv):
    text = (
        "id,name,type,country,city,lat,lon,sectors,website,email\n"
        "FI-001,A,network,Åland,Mariehamn,60.0973,19.9348,ict,https://münchen.de/?lang=en#top,info@förde.de\n"
        "7,B,network,Russia,Moscow,55.75,37.62,ict,,\n"
    )
    result = read_directory(write_csv(text))
    assert result.agencies.iloc[0].id == "fi-001" and result.agencies.iloc[0].country == "FI"
    assert next(p.message for p in result.problems if p.row == 3).endswith("suspended since 2022")


def test_control_characters_are_refused(write_csv):
    result = read_directory(
        write_csv(
            HEADER.replace("sectors", "sectors,description") + "x,A,network,FI,Helsinki,60.17,24.94,ict,bad\x0bvalue\n"
        )
    )
    assert "control characters" in result.problems[0].message


def test_xlsx_keeps_text_that_looks_like_a_formula(bundled, tmp_path):
    directory = bundled.iloc[:2].copy()
    directory.loc[directory.index[0], "description"] = "=1+1 is not a formula here"
    path = write_directory(directory, tmp_path / "d.xlsx")
    assert load_workbook(path).active["P2"].data_type == "s"
    assert read_directory(path).agencies.iloc[0].description == "=1+1 is not a formula here"


def test_geojson_is_written_sorted_by_id(bundled, tmp_path):
    path = write_directory(bundled.iloc[::-1], tmp_path / "d.geojson")
    ids = [f["properties"]["id"] for f in json.loads(path.read_text())["features"]]
    assert ids == sorted(ids)


def bsr(*args):
    return subprocess.run(
        [sys.executable, "-m", "bsr_map", *map(str, args)], capture_output=True, text=True, timeout=120
    )


def test_importing_a_file_onto_itself_is_refused(write_csv):
    path = write_csv(HEADER + "x,A,network,FI,Helsinki,60.17,24.94,ict\n")
    before = path.read_bytes()
    result = bsr("directory", "import", path, "-o", path, "--skip-bad-rows")
    assert result.returncode == 2 and "also the file the command reads" in result.stderr
    assert path.read_bytes() == before


def test_no_valid_row_means_nothing_written(write_csv, tmp_path):
    path = write_csv(HEADER + "x,A,network,FI,Helsinki,60.17,24.94,mining\n")
    result = bsr("directory", "import", path, "-o", tmp_path / "out.csv", "--skip-bad-rows")
    assert result.returncode == 1 and "no row is valid" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_cli_prints_warnings(write_csv):
    result = bsr(
        "directory",
        "validate",
        write_csv("name,type,country,city,lat,lon,sectors,Staff\nX,network,FI,Helsinki,60.17,24.94,ict,3\n"),
    )
    assert result.returncode == 0 and "warning: agencies.csv: column 'Staff'" in result.stderr
