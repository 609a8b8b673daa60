"""Generated hostile and damaged files (seeded): never a traceback, a partial file or a row lost without a word.

Each case starts from a valid directory written as CSV, XLSX or GeoJSON and
damages it the ways files arrive from others: cut short, re-encoded, bytes
flipped, a column missing, formulas, objects and line breaks in values, a stale
worksheet size. Every import must end in an :class:`ImportResult` or a
:class:`DirectoryReadError` that names the file; every data row must be either
an agency or a reported bad row; nothing may be written beside the file; and
the whole run stays inside the time and memory budget (in a subprocess).
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = 17
CASES = 300

RUNNER = r"""
import json, random, resource, sys, time, traceback
from pathlib import Path
from bsr_map.directory import DirectoryReadError, read_directory

cases = json.loads(Path(sys.argv[1]).read_text())
slowest, failures, outcomes = 0.0, [], {"imported": 0, "refused": 0}
for case in cases:
    path = Path(case["path"])
    before = sorted(p.name for p in path.parent.iterdir())
    started = time.perf_counter()
    try:
        result = read_directory(path)
    except DirectoryReadError as exc:
        outcomes["refused"] += 1
        if not str(exc).strip() or path.name not in str(exc):
            failures.append(f"{case['what']}: refused without naming the file: {exc!r}")
    except Exception:
        failures.append(f"{case['what']}: traceback\n{traceback.format_exc()}")
    else:
        outcomes["imported"] += 1
        lost = result.total_rows - len(result.agencies) - len(result.bad_rows)
        if lost:
            failures.append(f"{case['what']}: {lost} rows neither imported nor reported")
        if case["rows"] is not None and result.total_rows != case["rows"]:
            failures.append(f"{case['what']}: {result.total_rows} rows read, the file has {case['rows']}")
        if any(not str(p).startswith(result.source) for p in result.problems):
            failures.append(f"{case['what']}: a problem does not name the file")
    slowest = max(slowest, time.perf_counter() - started)
    if sorted(p.name for p in path.parent.iterdir()) != before:
        failures.append(f"{case['what']}: the import wrote beside the file")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"slowest": slowest, "peak_mb": peak, "failures": failures, **outcomes}))
"""

CITIES = [("Helsinki", "FI", 60.17, 24.94), ("Łódź", "PL", 51.7592, 19.456), ("Malmö", "SE", 55.605, 13.0038)]
NAMES = ["Business Finland", "Łódzka Agencja Rozwoju", "Malmö Näringsliv", "Invest in Kärnten", "Agency"]
HEADER = ["id", "name", "type", "country", "city", "lat", "lon", "sectors", "website"]
NASTY = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(1)", "A\rB", "A\u2028B", "A\u0085B", "'=x", "-1"]


def agency_rows(rng: random.Random, count: int) -> list[list]:
    rows = []
    for i in range(count):
        city, country, lat, lon = rng.choice(CITIES)
        name = rng.choice(NAMES) if rng.random() > 0.1 else rng.choice(NASTY)
        sectors = rng.choice(["ict", "Energy; Fintech", "Logistik", "Meri", "unknown stuff", ""])
        rows.append([f"x-{i}", name, "network", country, city, lat, lon, sectors, "https://example.com"])
    return rows


def csv_case(rng: random.Random, folder: Path, n: int) -> dict:
    rows = agency_rows(rng, rng.randint(1, 30))
    header = list(HEADER)
    delimiter = rng.choice([",", ";", "\t"])
    if rng.random() < 0.2:  # no type column
        header.remove("type")
        rows = [r[:2] + r[3:] for r in rows]

    def cell(v) -> str:
        text = str(v)
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in f'"{delimiter}\r\n\u2028\u0085') else text

    lines = [delimiter.join(header)] + [delimiter.join(cell(v) for v in r) for r in rows]
    text = "\n".join(lines) + "\n"
    what, expected = "csv", len(rows)
    encoding = rng.choice(["utf-8", "utf-8-sig", "cp1250", "iso8859-2", "utf-16", "mac-roman"])
    data = text.encode(encoding, errors="replace")
    roll = rng.random()
    if roll < 0.3 and not any("\r" in str(v) or "\u2028" in str(v) or "\u0085" in str(v) for r in rows for v in r):
        cut = rng.randint(1, len(text) - 1)
        data = text[:cut].encode("utf-8")
        complete = text[:cut].split("\n")
        expected = len([line for line in complete[1:] if line.strip(delimiter + " ")]) if len(complete) > 1 else None
        what = f"csv cut at {cut}"
    elif roll < 0.5:
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 5)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        data, expected, what = bytes(flipped), None, "csv with flipped bytes"
    elif roll < 0.6:
        data, expected, what = data + b'"' + b"x,y\n" * rng.randint(1, 50), None, "csv with an unclosed quote"
    else:
        what = f"csv in {encoding}"
        if any(v in NASTY for r in rows for v in r) or encoding == "mac-roman":
            expected = None  # line breaks split rows; a guessed code page may read a separator differently
    path = folder / f"case{n}.csv"
    path.write_bytes(data)
    return {"path": str(path), "what": f"{path.name}: {what}", "rows": expected}


def xlsx_case(rng: random.Random, folder: Path, n: int) -> dict:
    from openpyxl import Workbook

    rows = agency_rows(rng, rng.randint(1, 30))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for r in rows:
        sheet.append(r)
    path = folder / f"case{n}.xlsx"
    workbook.save(path)
    expected: int | None = len(rows)
    roll, what = rng.random(), "xlsx"
    parts = {}
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    if roll < 0.3:
        ref = rng.choice(["A1:B2", "A1:XFD1048576", "A1:I3", "A1"])
        sheet_xml = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', sheet_xml)
        what = f"xlsx declaring {ref}"
    elif roll < 0.45:
        far = rng.choice(["Z40", "IV2", "XFD1048576", "A100000"])
        row_number = int(re.sub(r"\D", "", far))
        sheet_xml = sheet_xml.replace(
            "</sheetData>", f'<row r="{row_number}"><c r="{far}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        )
        expected, what = None, f"xlsx with a cell at {far}"
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    if 0.45 <= roll < 0.6:
        data = path.read_bytes()
        path.write_bytes(data[: rng.randint(10, len(data) - 1)])
        expected, what = None, "xlsx cut short"
    return {"path": str(path), "what": f"{path.name}: {what}", "rows": expected}


def geojson_case(rng: random.Random, folder: Path, n: int) -> dict:
    rows = agency_rows(rng, rng.randint(1, 30))
    features = []
    for r in rows:
        properties = dict(zip(HEADER, r, strict=True))
        del properties["lat"], properties["lon"]
        if rng.random() < 0.1:
            properties[rng.choice(["name", "city", "sectors"])] = rng.choice([{"en": "x"}, [1, [2]], True, None, 5])
        geometry = {"type": "Point", "coordinates": [r[6], r[5]]}
        if rng.random() < 0.05:
            geometry = rng.choice([None, {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}])
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=rng.random() < 0.5)
    expected: int | None = len(rows)
    what = "geojson"
    if rng.random() < 0.2:
        text = text[: rng.randint(1, len(text) - 1)]
        expected, what = None, "geojson cut short"
    path = folder / f"case{n}.geojson"
    path.write_text(text, encoding="utf-8")
    return {"path": str(path), "what": f"{path.name}: {what}", "rows": expected}


def test_generated_damaged_files_never_crash_lose_rows_or_write(tmp_path):
    rng = random.Random(SEED)
    makers = [csv_case, xlsx_case, geojson_case]
    cases = []
    for n in range(CASES):
        folder = tmp_path / f"c{n}"
        folder.mkdir()
        cases.append(makers[n % 3](rng, folder, n))
    listing = tmp_path / "cases.json"
    listing.write_text(json.dumps(cases))
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(listing)], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["failures"] == [], "\n".join(report["failures"][:20])
    assert report["imported"] + report["refused"] == CASES and report["imported"] > CASES // 2, report
    assert report["slowest"] < 10 and report["peak_mb"] < 500, report
    print({k: v for k, v in report.items() if k != "failures"})
