"""Export: every format reads back to the same records and opens in GDAL."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from bsr_map.directory import read_directory, write_directory
from bsr_map.directory.model import directory_records
from bsr_map.directory.writers import TABLE_COLUMNS

FORMATS = [".gpkg", ".geojson", ".csv", ".xlsx"]


@pytest.mark.parametrize("suffix", FORMATS)
def test_round_trip_gives_back_the_same_records(bundled, tmp_path, suffix):
    path = write_directory(bundled, tmp_path / f"directory{suffix}")
    result = read_directory(path)
    assert result.problems == []
    assert directory_records(result.agencies) == directory_records(bundled)


def test_csv_has_a_header_in_schema_order_and_lists_joined(bundled, tmp_path):
    path = write_directory(bundled, tmp_path / "d.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to show "Gdańsk"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == TABLE_COLUMNS
    assert TABLE_COLUMNS[:11] == (
        "id",
        "name",
        "local_name",
        "type",
        "country",
        "region",
        "city",
        "street_address",
        "postcode",
        "lat",
        "lon",
    )
    berlin = next(r for r in rows if r[0] == "de-berlin-partner")
    assert berlin[TABLE_COLUMNS.index("sectors")].split("; ")[0] == "ict"
    assert len(rows) == len(bundled) + 1


def test_xlsx_has_a_bold_header_and_one_row_per_agency(bundled, tmp_path):
    path = write_directory(bundled, tmp_path / "d.xlsx")
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == list(TABLE_COLUMNS) and sheet["A1"].font.bold
    assert sheet.max_row == len(bundled) + 1


def test_geojson_is_rfc7946_points_in_wgs84(bundled, tmp_path):
    data = json.loads(write_directory(bundled, tmp_path / "d.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and "crs" not in data
    lon, lat = data["features"][0]["geometry"]["coordinates"]
    assert -25 < lon < 35 and 50 < lat < 72


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL's ogrinfo is not installed")
@pytest.mark.parametrize("suffix", FORMATS[:3])
def test_files_open_in_ogrinfo(bundled, tmp_path, suffix):
    path = write_directory(bundled, tmp_path / f"d{suffix}")
    out = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert f"Feature Count: {len(bundled)}" in out.stdout


def test_unknown_extension_is_refused(bundled, tmp_path):
    with pytest.raises(ValueError, match=".kml"):
        write_directory(bundled, tmp_path / "d.kml")
    assert list(tmp_path.iterdir()) == []
