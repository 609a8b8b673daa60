"""XLSX read whatever its <dimension> says; documented limits stop hostile files with a message naming the limit."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from bsr_map.directory import DirectoryReadError, limits, read_directory, readers, text_reader, xlsx_reader

ROOT = Path(__file__).resolve().parents[2]

HEADER = ["id", "name", "type", "country", "city", "lat", "lon", "sectors"]


def agency_row(i: int) -> list:
    return [f"fi-agency-{i}", f"Agency {i}", "national_agency", "FI", "Helsinki", 60.17, 24.94, "ict"]


def write_workbook(path: Path, rows: int, *, extra=None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(agency_row(i))
    if extra:
        extra(sheet)
    workbook.save(path)
    return path


def rewrite_sheet(path: Path, change) -> Path:
    """Rewrite ``xl/worksheets/sheet1.xml`` with ``change(xml) -> xml``."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def set_dimension(path: Path, ref: str) -> Path:
    return rewrite_sheet(path, lambda xml: re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', xml))


def test_a_stale_dimension_does_not_cut_rows(tmp_path):
    path = set_dimension(write_workbook(tmp_path / "stale.xlsx", 67), "A1:H5")
    result = read_directory(path)
    assert result.total_rows == 67 and len(result.agencies) == 67 and result.problems == []


def test_a_dimension_narrower_than_the_header_keeps_every_column(tmp_path):
    path = set_dimension(write_workbook(tmp_path / "narrow.xlsx", 3), "A1:B4")
    result = read_directory(path)
    assert result.problems == [] and list(result.agencies["sectors"]) == [["ict"]] * 3


def test_a_huge_declared_dimension_reads_the_real_rows(tmp_path):
    path = set_dimension(write_workbook(tmp_path / "huge.xlsx", 5), "A1:XFD1048576")
    assert path.stat().st_size < 10_000
    result = read_directory(path)
    assert result.total_rows == 5 and len(result.agencies) == 5


def test_a_value_beyond_the_column_limit_is_refused_by_name(tmp_path):
    path = write_workbook(
        tmp_path / "wide.xlsx", 3, extra=lambda s: s.cell(row=3, column=limits.MAX_COLUMNS + 5, value="x")
    )
    with pytest.raises(
        DirectoryReadError, match=r"wide\.xlsx, row 3, has more than 256 columns; bsr-map reads at most 256"
    ):
        read_directory(path)


def test_too_many_rows_is_refused_naming_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_reader, "MAX_ROWS", 10)
    monkeypatch.setattr(text_reader, "MAX_ROWS", 10)
    with pytest.raises(DirectoryReadError, match="more than 10 data rows"):
        read_directory(write_workbook(tmp_path / "many.xlsx", 11))
    csv_path = tmp_path / "many.csv"
    csv_path.write_text("\n".join([",".join(HEADER)] + [",".join(map(str, agency_row(i))) for i in range(11)]))
    with pytest.raises(DirectoryReadError, match="more than 10 data rows"):
        read_directory(csv_path)
    monkeypatch.setattr(xlsx_reader, "MAX_ROWS", 11)
    assert read_directory(write_workbook(tmp_path / "enough.xlsx", 11)).total_rows == 11


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_over_long_value_names_file_row_column_and_limit(tmp_path, suffix):
    long = "x" * (limits.MAX_FIELD_CHARS + 1)
    if suffix == ".csv":
        path = tmp_path / "long.csv"
        path.write_text(
            ",".join(HEADER) + "\n" + ",".join(map(str, agency_row(0))) + "\n" + f"b,{long},x,FI,Oulu,65,25,ict\n"
        )
    else:
        # openpyxl cuts what it writes at 32,767 characters; Excel files from elsewhere need not.
        row = f'<row r="3"><c r="A3" t="inlineStr"><is><t>b</t></is></c><c r="B3" t="inlineStr"><is><t>{long}</t></is></c></row>'
        path = rewrite_sheet(
            write_workbook(tmp_path / "long.xlsx", 1), lambda xml: xml.replace("</sheetData>", row + "</sheetData>")
        )
    with pytest.raises(DirectoryReadError) as caught:
        read_directory(path)
    assert str(caught.value) == (
        f"long{suffix}, row 3, column 'name': the value has 32,768 characters; "
        "bsr-map reads at most 32,767 in one value (Excel's limit for a cell)."
    )


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1024)
    path = tmp_path / "big.csv"
    path.write_text(",".join(HEADER) + "\n" + "x" * 2048)
    with pytest.raises(DirectoryReadError, match=r"big\.csv has 0 MiB; bsr-map imports files of at most 0 MiB"):
        read_directory(path)


def test_a_zip_bomb_worksheet_is_refused_naming_the_ratio(tmp_path):
    path = write_workbook(tmp_path / "bomb.xlsx", 1)
    padding = '<row r="3"><c r="A3" t="inlineStr"><is><t>' + " " * 20_000_000 + "</t></is></c></row>"
    rewrite_sheet(path, lambda xml: xml.replace("</sheetData>", padding + "</sheetData>"))
    with pytest.raises(DirectoryReadError, match=r"sheet1\.xml unpacks .* times its packed size"):
        read_directory(path)


PROBE = """
import resource, sys, time
from bsr_map.directory import DirectoryReadError, read_directory
started = time.perf_counter()
try:
    result = read_directory(sys.argv[1])
    outcome = f"{result.total_rows} rows"
except DirectoryReadError as exc:
    outcome = f"refused: {exc}"
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, outcome, sep="\\t")
"""


def _make_budget_files(folder: Path) -> dict[str, Path]:
    ten_mb = 10 * 1024 * 1024
    files = {}
    files["csv, 10 MB of agencies"] = folder / "rows.csv"
    line = "fi-x{},Agency {},national_agency,FI,Helsinki,60.17,24.94,ict; cleantech\n"
    with open(files["csv, 10 MB of agencies"], "w") as fh:
        fh.write(",".join(HEADER) + "\n")
        i = 0
        while fh.tell() < ten_mb:
            fh.write(line.format(i, i))
            i += 1
    files["csv, one 10 MB value"] = folder / "value.csv"
    files["csv, one 10 MB value"].write_text(",".join(HEADER) + "\n" + '"' + "x" * ten_mb + '"\n')
    files["csv, unclosed quote at the top"] = folder / "quote.csv"
    files["csv, unclosed quote at the top"].write_text(",".join(HEADER) + '\n"' + "a,b\n" * (ten_mb // 4))
    files["geojson, 10 MB"] = folder / "points.geojson"
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [24.94, 60.17]},
        "properties": dict(zip(HEADER, agency_row(0), strict=True)),
    }
    count = ten_mb // len(json.dumps(feature))
    files["geojson, 10 MB"].write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {**feature, "properties": {**feature["properties"], "id": f"fi-{i}"}} for i in range(count)
                ],
            }
        )
    )
    files["xlsx, A1:XFD1048576 declared"] = set_dimension(write_workbook(folder / "declared.xlsx", 5), "A1:XFD1048576")
    files["xlsx, cells at row 1,048,576 and column XFD"] = rewrite_sheet(
        write_workbook(folder / "far.xlsx", 5),
        lambda xml: xml.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'),
    )
    bomb = folder / "bomb.xlsx"
    write_workbook(bomb, 1)
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(3, 400_000))
    files["xlsx, 400,000 rows packed 100:1"] = rewrite_sheet(
        bomb, lambda xml: xml.replace("</sheetData>", rows + "</sheetData>")
    )
    for name, path in files.items():
        assert path.stat().st_size <= ten_mb + 1024, name
    return files


def test_any_input_up_to_10_mb_is_accepted_or_refused_within_10_s_and_500_mb(tmp_path):
    measured = {}
    for name, path in _make_budget_files(tmp_path).items():
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
        )
        assert done.returncode == 0 and "Traceback" not in done.stderr, (name, done.stderr[-2000:])
        seconds, megabytes, outcome = done.stdout.strip().split("\t", 2)
        measured[name] = (float(seconds), float(megabytes), outcome[:100])
    print("\n".join(f"{k}: {v[0]:.2f} s, {v[1]:.0f} MB, {v[2]}" for k, v in measured.items()))
    for name, (seconds, megabytes, _) in measured.items():
        assert seconds < 10 and megabytes < 500, (name, measured[name])
