"""Importing directory files: formats, encodings, aliases, and every kind of bad row."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from openpyxl import Workbook
from shapely.geometry import Point

from bsr_map.directory import DirectoryReadError, read_directory

GOOD = "fi-bf,Business Finland,national agency,FI,Helsinki,60.1699,24.9384,ICT & digital; cleantech,https://www.businessfinland.fi,info@example.fi\n"
HEADER = "id,name,type,country,city,lat,lon,sectors,website,email\n"


def problems_by_row(result):
    return {(p.row, p.field or p.column): p.message for p in result.problems}


def test_semicolon_cp1252_decimal_comma_and_german_headers(write_csv):
    text = (
        "Name;Typ;Land;Stadt;Breite;Länge;Branchen;Webseite\n"
        "Wirtschaftsförderung Lübeck;Regional agency;Deutschland;Lübeck;53,8655;10,6866;Logistics & ports;www.luebeck.org\n"
    )
    result = read_directory(write_csv(text, encoding="cp1252"))
    assert result.problems == []
    row = result.agencies.iloc[0]
    assert (row["name"], row.country, row.city, row.sectors, row.website) == (
        "Wirtschaftsförderung Lübeck",
        "DE",
        "Lübeck",
        ["logistics"],
        "https://www.luebeck.org",
    )
    assert row.id == "de-wirtschaftsforderung-lubeck"
    assert row.geometry.distance(gpd.GeoSeries([Point(10.6866, 53.8655)], crs=4326).to_crs(3035)[0]) < 0.5


def test_polish_headers_tab_separated_utf8_with_bom(write_csv):
    text = (
        "\ufeffNazwa\tTyp\tKraj\tMiasto\tSzerokość\tDługość\tSektory\n"
        "Invest in Pomerania\tRegional agency\tPolska\tGdańsk\t54.352\t18.6466\tICT & digital|Maritime & offshore\n"
    )
    result = read_directory(write_csv(text, name="pomorze.tsv"))
    assert result.problems == []
    assert list(result.agencies.iloc[0].sectors) == ["ict", "maritime"]
    assert result.columns["lat"] == "Szerokość"


def test_xlsx_with_numbers_and_dates(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Name", "Country", "City", "Latitude", "Longitude", "Sector", "Type", "Phone", "Last verified"])
    import datetime as dt

    ws.append(
        [
            "Business Tampere",
            "Finland",
            "Tampere",
            61.4978,
            23.761,
            "Advanced manufacturing",
            "city_agency",
            "+358 40 123 4567",
            dt.datetime(2026, 3, 1),
        ]
    )
    path = tmp_path / "fi.xlsx"
    wb.save(path)
    result = read_directory(path)
    assert result.problems == []
    row = result.agencies.iloc[0]
    assert (row.country, row.last_verified, row.sectors) == ("FI", "2026-03-01", ["manufacturing"])


def test_geopackage_in_another_crs(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "name": ["Invest Lithuania"],
            "type": ["national_agency"],
            "country": ["LT"],
            "city": ["Vilnius"],
            "sectors": ["business_services"],
        },
        geometry=[Point(25.2797, 54.6872)],
        crs="EPSG:4326",
    ).to_crs("EPSG:3346")  # LKS-94, Lithuania's national grid
    path = tmp_path / "lt.gpkg"
    frame.to_file(path)
    result = read_directory(path)
    assert result.problems == []
    lon, lat = gpd.GeoSeries(result.agencies.geometry).to_crs(4326).iloc[0].coords[0]
    assert lon == pytest.approx(25.2797, abs=1e-5) and lat == pytest.approx(54.6872, abs=1e-5)


def test_shapefile(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "name": ["Riga Investment Agency"],
            "type": ["city_agency"],
            "country": ["Latvia"],
            "city": ["Riga"],
            "sectors": ["ict"],
        },
        geometry=[Point(24.1052, 56.9496)],
        crs="EPSG:4326",
    ).to_crs("EPSG:3059")
    path = tmp_path / "lv.shp"
    frame.to_file(path)
    result = read_directory(path)
    assert result.problems == [] and result.agencies.iloc[0].country == "LV"


BAD_ROWS = [
    # (row text after the header, column the problem names, words in the message)
    ("x0,,national_agency,FI,Helsinki,60.17,24.94,ict,,", "name", "Name is missing"),
    ("x1,Business X,national_agency,FI,Helsinki,160.17,24.94,ict,,", "lat", "out of range"),
    ("x2,Business X,national_agency,FI,Helsinki,40.0,-40.0,ict,,", "lat", "outside the Baltic Sea Region"),
    ("x3,Business X,national_agency,Atlantis,Helsinki,60.17,24.94,ict,,", "country", "unknown country 'Atlantis'"),
    ("x4,Business X,national_agency,FI,Helsinki,60.17,24.94,mining,,", "sectors", "unknown sector 'mining'"),
    ("x5,Business X,national_agency,FI,Helsinki,60.17,24.94,ict,htp:/bad,", "website", "not a web address"),
    ("x6,Business X,national_agency,FI,Helsinki,60.17,24.94,ict,,info@@example", "email", "not an e-mail"),
    ("fi-bf,Business X,national_agency,FI,Helsinki,60.17,24.94,ict,,", "id", "duplicate id 'fi-bf'"),
    ("x8,Business X,national_agency,FI,Stockholm,59.33,18.07,ict,,", "lat", "lies in Sweden, not in Finland"),
    ("x9,Business X,national_agency,RU,Moscow,55.75,37.62,ict,,", "country", "suspended since 2022"),
    ("x10,Business X,national_agency,FI,Helsinki,sixty,24.94,ict,,", "lat", "not a number"),
]


@pytest.mark.parametrize(("row", "column", "words"), BAD_ROWS)
def test_every_bad_row_is_reported_with_row_column_and_reason(write_csv, row, column, words):
    result = read_directory(write_csv(HEADER + GOOD + row + "\n"))
    found = problems_by_row(result)
    assert (3, column) in found, found
    assert words in found[(3, column)]
    assert result.bad_rows == [3]
    assert list(result.agencies.id) == ["fi-bf"]  # the good row survives, the bad one is not dropped silently
    text = str(next(p for p in result.problems if p.row == 3))
    assert text.startswith("agencies.csv, row 3, column ")


def test_problem_names_the_column_as_the_file_does(write_csv):
    text = "Nazwa;Kraj;Miasto;Szerokość;Długość;Sektory;Typ\nX;Polska;Gdańsk;54,35;18,65;Górnictwo;network\n"
    result = read_directory(write_csv(text))
    assert [str(p).split(";")[0] for p in result.problems] == [
        "agencies.csv, row 2, column 'Sektory' (sectors): unknown sector 'Górnictwo'"
    ]
    assert "known sectors: ict (ICT & digital)" in result.problems[0].message


def test_missing_required_column_is_one_file_level_problem(write_csv):
    result = read_directory(write_csv("name,city,lat,lon\nX,Riga,56.95,24.1\n"))
    # The type has a documented default (a warning), the other required fields do not.
    assert result.problems[0].row is None and "no column for country, sectors" in result.problems[0].message


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"   \n\n", "empty"),
        ("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text table"),
        ("broken.xlsx", b"PK\x03\x04 this is not really a workbook", "not a readable Excel workbook"),
        ("broken.gpkg", b"SQLite format 3\x00 garbage garbage", "cannot be read"),
        ("broken.geojson", b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
        ("notes.csv", b"hello,world\nfoo,bar\n", "does not look like an agency directory"),
        ("data.docx", b"PK\x03\x04", "unsupported file type"),
    ],
)
def test_unreadable_files_get_one_clear_message(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DirectoryReadError, match=words) as info:
        read_directory(path)
    assert name in str(info.value)


def test_geojson_in_a_named_crs(tmp_path):
    x, y = gpd.GeoSeries([Point(21.0122, 52.2297)], crs=4326).to_crs(3035).iloc[0].coords[0]
    data = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3035"}},
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [x, y]},
                "properties": {
                    "name": "PAIH",
                    "type": "national_agency",
                    "country": "PL",
                    "city": "Warsaw",
                    "sectors": ["manufacturing"],
                },
            }
        ],
    }
    path = tmp_path / "pl.geojson"
    path.write_text(json.dumps(data))
    result = read_directory(path)
    assert result.problems == []


def test_large_gis_file_is_read_in_chunks_with_every_row_numbered_by_feature(tmp_path, monkeypatch, bundled):
    """A GeoPackage read a few features at a time gives the same agencies, and problems name the right feature."""
    from bsr_map.directory import gis_readers as readers
    from bsr_map.directory import write_directory

    path = write_directory(bundled, tmp_path / "all.gpkg")
    whole = read_directory(path)
    monkeypatch.setattr(readers, "OGR_CHUNK", 7)  # the bundled directory spans ten chunks
    chunked = read_directory(path)
    assert chunked.problems == [] and chunked.total_rows == len(bundled)
    assert chunked.agencies.drop(columns="geometry").equals(whole.agencies.drop(columns="geometry"))
    assert chunked.agencies.geometry.geom_equals_exact(whole.agencies.geometry, 1e-6).all()

    broken = bundled.copy()
    broken.loc[broken.index[17], "type"] = "consulate"  # feature 18, in the third chunk
    broken.loc[broken.index[40], "country"] = "Narnia"  # feature 41, in the sixth
    result = read_directory(write_directory(broken, tmp_path / "broken.gpkg"))
    assert {(p.row, p.field) for p in result.problems} == {(18, "type"), (41, "country")}
    assert len(result.agencies) == len(bundled) - 2


def test_locations_checked_in_batches_give_the_same_problems_as_one_by_one(tmp_path, monkeypatch, bundled):
    """Batches of rows are located together: row numbers, duplicates and messages still match the row."""
    from bsr_map.directory import importing

    broken = bundled.copy()
    broken.loc[broken.index[3], "id"] = broken.loc[broken.index[12], "id"]  # a duplicate two batches later
    frame = broken.drop(columns="geometry")
    frame["lon"] = bundled.to_crs(4326).geometry.x
    frame["lat"] = bundled.to_crs(4326).geometry.y.astype(object)
    frame.loc[frame.index[8], ["lon", "lat"]] = (19.5, 56.0)  # in the open Baltic, far from any country
    frame.loc[frame.index[9], "lat"] = "north"
    path = tmp_path / "broken.csv"
    frame.assign(
        sectors=frame.sectors.str.join(";"),
        services=frame.services.str.join(";"),
        languages=frame.languages.str.join(";"),
    ).to_csv(path, index=False)
    monkeypatch.setattr(importing, "LOCATION_BATCH", 4)
    batched = read_directory(path)
    monkeypatch.setattr(importing, "LOCATION_BATCH", 1)
    one_by_one = read_directory(path)
    assert [str(p) for p in batched.problems] == [str(p) for p in one_by_one.problems]
    rows = {(p.row, p.field) for p in batched.problems}
    assert rows == {(14, "id"), (10, "lat"), (11, "lat")}  # header is row 1: index 12 -> row 14
    assert "not a number of degrees" in next(p.message for p in batched.problems if p.row == 11)
    assert len(batched.agencies) == len(bundled) - 3
