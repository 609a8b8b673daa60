"""bsr-map directory validate | import | export, run as a user runs them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bsr_map.directory import read_directory

HEADER = "id,name,type,country,city,lat,lon,sectors\n"
GOOD = "fi-bf,Business Finland,national_agency,FI,Helsinki,60.1699,24.9384,ict\n"
BAD = "se-x,Bad Agency,national_agency,Sverige,Stockholm,59.33,18.07,mining\n"


def bsr(*args):
    return subprocess.run(
        [sys.executable, "-m", "bsr_map", *map(str, args)], capture_output=True, text=True, timeout=120
    )


def test_validate_clean_file_exits_0(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text(HEADER + GOOD)
    result = bsr("directory", "validate", path)
    assert result.returncode == 0 and "1 agencies, no problems" in result.stdout


def test_validate_prints_file_row_and_column_and_exits_1(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + GOOD + BAD)
    result = bsr("directory", "validate", path)
    assert result.returncode == 1
    assert "bad.csv, row 3, column 'sectors': unknown sector 'mining'" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_with_a_bad_row_writes_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + GOOD + BAD)
    out = tmp_path / "out.gpkg"
    result = bsr("directory", "import", path, "-o", out)
    assert result.returncode == 1 and not out.exists()
    assert "Nothing was written" in result.stderr


def test_import_skip_bad_rows_writes_the_good_ones(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + GOOD + BAD)
    out = tmp_path / "out.geojson"
    result = bsr("directory", "import", path, "-o", out, "--skip-bad-rows")
    assert result.returncode == 0, result.stderr
    assert list(read_directory(out).agencies.id) == ["fi-bf"]
    assert "1 bad rows skipped" in result.stdout


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".csv", ".xlsx"])
def test_export_the_bundled_directory(tmp_path, bundled, suffix):
    out = tmp_path / f"directory{suffix}"
    result = bsr("directory", "export", "-o", out)
    assert result.returncode == 0, result.stderr
    assert len(read_directory(out).agencies) == len(bundled)


def test_export_a_given_directory_file(tmp_path):
    source = tmp_path / "one.csv"
    source.write_text(HEADER + GOOD)
    out = tmp_path / "one.xlsx"
    assert bsr("directory", "export", "--directory", source, "-o", out).returncode == 0
    assert list(read_directory(out).agencies.name) == ["Business Finland"]


@pytest.mark.parametrize(("output", "words"), [("d.kml", "cannot write '.kml'"), ("missing/d.csv", "does not exist")])
def test_bad_output_is_a_usage_error(tmp_path, output, words):
    result = bsr("directory", "export", "-o", tmp_path / output)
    assert result.returncode == 2 and words in result.stderr


def test_unreadable_input_is_one_clear_message(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = bsr("directory", "validate", path)
    assert result.returncode == 1
    assert result.stderr.strip() == "bsr-map: error: empty.csv is empty."
