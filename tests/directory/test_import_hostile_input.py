"""Issue 17: truncated CSVs, legacy encodings, objects for names, bad .prj, formula cells, line breaks, synonyms."""

from __future__ import annotations

import csv
import json
import re

import pytest
from openpyxl import load_workbook

from bsr_map.directory import DirectoryReadError, read_directory, write_directory
from bsr_map.directory.model import directory_records
from bsr_map.export.vcard import agency_vcard

HEADER = "id,name,type,country,city,lat,lon,sectors\n"
ROW = "fi-a,Agency A,national_agency,FI,Helsinki,60.17,24.94,ict\n"
LAST = 'fi-b,Agency B,national_agency,FI,Oulu,65.01,25.47,"ict; cleantech"\n'


@pytest.mark.parametrize(
    "cut",
    [
        len(LAST) - 5,  # inside the closing quoted value
        len(LAST) - 10,  # inside the quoted value: the quote never closes
        LAST.index("Oulu") + 2,  # inside an unquoted value
        LAST.index("Oulu"),  # right after a separator
        LAST.index(",65") + 3,  # inside a number
        LAST.index('"'),  # before the opening quote
    ],
)
def test_a_csv_cut_short_names_its_last_row(write_csv, cut):
    result = read_directory(write_csv(HEADER + ROW + LAST[:cut]))
    assert len(result.agencies) == 1
    assert [(p.row, "cut short" in p.message) for p in result.problems if "cut short" in p.message] == [(3, True)]


def test_a_quote_left_open_says_the_row_holds_the_rest_of_the_file(write_csv):
    result = read_directory(write_csv(HEADER + 'fi-b,"Agency B\n' + ROW))
    assert any(p.row == 2 and "never closed" in p.message for p in result.problems)


def test_a_csv_cut_inside_a_utf8_character_is_cut_short_not_another_encoding(write_csv):
    path = write_csv((HEADER + "fi-b,Agency B,national_agency,FI,Łódź").encode()[:-1])
    result = read_directory(path)
    assert result.encoding == "utf-8" and any("middle of a character" in p.message for p in result.problems)


@pytest.mark.parametrize(
    ("encoding", "city", "label"),
    [
        ("iso8859-2", "Łódź", "ISO-8859-2"),
        ("cp1250", "Łódź", "Windows-1250"),
        ("mac-roman", "Köln", "Mac Roman"),
        ("cp1257", "Klaipėda", "Windows-1257"),
    ],
)
def test_legacy_encodings_are_detected_and_named(write_csv, encoding, city, label):
    text = HEADER + f"x-1,Agency of {city},national_agency,FI,{city},60.17,24.94,ict\n"
    result = read_directory(write_csv(text, encoding=encoding))
    assert result.encoding == encoding.replace("-", "_") or result.encoding == encoding
    assert result.agencies.iloc[0]["city"] == city if len(result.agencies) else True
    assert any(f"read as {label}" in w for w in result.warnings)


def test_shift_jis_is_detected(write_csv):
    result = read_directory(
        write_csv(HEADER + "fi-j,日本貿易振興機構,national_agency,FI,Helsinki,60.17,24.94,ict\n", encoding="shift_jis")
    )
    assert result.agencies.iloc[0]["name"] == "日本貿易振興機構"


def test_the_user_may_name_the_encoding(write_csv):
    path = write_csv(HEADER + "fi-b,Agency,national_agency,FI,Łódź,60.17,24.94,ict\n", encoding="iso8859-2")
    assert read_directory(path, encoding="cp1250").agencies.iloc[0]["city"] == "ŁódĽ"  # what the user asked for
    with pytest.raises(DirectoryReadError, match="not a known text encoding"):
        read_directory(path, encoding="klingon")


def test_a_json_object_as_a_name_is_refused_not_turned_into_text(tmp_path):
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [24.94, 60.17]},
        "properties": {
            "id": "fi-x",
            "name": {"en": "x"},
            "type": "network",
            "country": "FI",
            "city": "Helsinki",
            "sectors": ["ict"],
        },
    }
    path = tmp_path / "o.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    result = read_directory(path)
    assert len(result.agencies) == 0
    assert any(p.field == "name" and "JSON object" in p.message for p in result.problems)


def test_a_garbage_prj_is_not_reported_as_missing(tmp_path, bundled):
    path = write_directory(bundled.head(3), tmp_path / "a.geojson")
    import geopandas as gpd

    shp = tmp_path / "a.shp"
    gpd.read_file(path).to_file(shp)
    shp.with_suffix(".prj").write_text("this is not a projection at all")
    try:
        said = "; ".join(read_directory(shp).warnings)
    except DirectoryReadError as exc:
        said = str(exc)
    assert "no .prj file" not in said and "a.prj" in said


PAYLOADS = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "'=already quoted", "-cmd"]


def test_csv_export_neutralises_formulas_and_reads_back_losslessly(bundled, tmp_path):
    directory = bundled.head(len(PAYLOADS)).copy()
    directory["name"] = PAYLOADS
    directory["city"] = ["=1+1"] * len(PAYLOADS)
    directory["postcode"] = ["@x"] * len(PAYLOADS)
    path = write_directory(directory, tmp_path / "d.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    numbers = re.compile(r"[+\-][0-9 ()./+\-]*")  # phone numbers: no letters, nothing a spreadsheet can run
    assert not any(c[:1] in ("=", "+", "@", "\t") and not numbers.fullmatch(c) for c in cells)
    assert any(numbers.fullmatch(c) for c in cells if c.startswith("+"))  # and they are written as they are
    back = read_directory(path)
    assert directory_records(back.agencies) == directory_records(directory)


def test_xlsx_export_writes_formula_payloads_as_strings(bundled, tmp_path):
    directory = bundled.head(4).copy()
    directory["name"] = PAYLOADS[:4]
    path = write_directory(directory, tmp_path / "d.xlsx")
    sheet = load_workbook(path).active
    names = list(sheet["B"][1:])
    assert [c.value for c in names] == PAYLOADS[:4] and all(c.data_type == "s" for c in names)


@pytest.mark.parametrize("breaker", ["\r", "\u2028", "\u0085"])
def test_line_breaks_in_single_line_fields_are_refused_by_row_and_field(write_csv, breaker):
    result = read_directory(
        write_csv(HEADER + ROW + f'fi-b,"Agency{breaker}B",national_agency,FI,Oulu,65.01,25.47,ict\n')
    )
    assert any(p.row == 3 and p.field == "name" and "line break" in p.message for p in result.problems)


@pytest.mark.parametrize("breaker", ["\r", "\u2028", "\u0085", "\r\n"])
def test_vcard_escapes_every_line_break(bundled, breaker):
    record = directory_records(bundled.head(1))[0]
    record["name"] = f"Agency{breaker}B"
    from bsr_map.directory import load_taxonomy

    card = agency_vcard(record, load_taxonomy())
    lines = card.split("\r\n")
    assert not any(ch in card.replace("\r\n", "") for ch in "\r\n\u2028\u0085")
    assert any(line.startswith("FN:Agency\\nB") for line in lines)


def test_a_file_without_a_type_column_gets_the_default_and_one_warning(write_csv):
    text = "id,name,country,city,lat,lon,sectors\n" + "".join(
        f"fi-{i},A{i},FI,Helsinki,60.17,24.94,ict\n" for i in range(3)
    )
    result = read_directory(write_csv(text))
    assert result.problems == [] and set(result.agencies["type"]) == {"national_agency"}
    assert sum("no agency type column" in w for w in result.warnings) == 1


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Energy", "cleantech"),
        ("Fintech", "business_services"),
        ("IT", "ict"),
        ("Logistik", "logistics"),
        ("Energetyka", "cleantech"),
        ("Meri", "maritime"),
    ],
)
def test_sector_synonyms_map_with_a_note(write_csv, written, code):
    result = read_directory(write_csv(HEADER + f"fi-a,Agency A,national_agency,FI,Helsinki,60.17,24.94,{written}\n"))
    assert result.problems == [] and result.agencies.iloc[0]["sectors"] == [code]
    assert any(written in n and code in n for n in result.notes)
