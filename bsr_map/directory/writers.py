"""Write the directory as GeoPackage, GeoJSON, CSV or XLSX, always atomically.

Tabular formats put the location as ``lat`` and ``lon`` (WGS 84 degrees) after
the postcode, in the schema's field order, and join list fields with ``; ``.
Every file written here reads back through :func:`read_directory` unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

from bsr_map.directory.formula_cells import FORMULA_STARTS, neutralise
from bsr_map.directory.model import directory_records, lonlat_columns
from bsr_map.directory.schema import FIELD_NAMES, LIST_FIELDS
from bsr_map.util.atomic import atomic_write

WRITE_SUFFIXES = (".gpkg", ".geojson", ".csv", ".xlsx")
LIST_SEPARATOR = "; "
#: Column order of tabular files: the schema with the location after the postcode.
TABLE_COLUMNS = (
    *FIELD_NAMES[: FIELD_NAMES.index("postcode") + 1],
    "lat",
    "lon",
    *FIELD_NAMES[FIELD_NAMES.index("postcode") + 1 :],
)
#: Optional fact-check properties that GeoJSON leaves out while blank: the bundled file, written
#: before they existed, stays byte for byte the same until an entry is checked.
GEOJSON_OMITTED_WHEN_BLANK = ("verification", "location_precision")


def flat_record(record: dict) -> dict:
    """The record with its list fields joined by ``; ``, as files store them."""
    return {k: LIST_SEPARATOR.join(v) if k in LIST_FIELDS else v for k, v in record.items()}


def _write_geojson(directory: gpd.GeoDataFrame, path: Path, name: str) -> None:
    features = []
    # Sorted by id, one property per line: a change to the directory shows as a small diff.
    for record in sorted(directory_records(directory), key=lambda r: r["id"]):
        lon, lat = record.pop("lon"), record.pop("lat")
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {k: record[k] for k in FIELD_NAMES if record[k] or k not in GEOJSON_OMITTED_WHEN_BLANK},
            }
        )
    collection = {"type": "FeatureCollection", "name": name, "features": features}
    path.write_text(json.dumps(collection, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_csv(directory: gpd.GeoDataFrame, path: Path) -> None:
    # UTF-8 with a byte-order mark, so Excel shows "Gdańsk" and "Malmö" correctly.
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=TABLE_COLUMNS)
        writer.writeheader()
        for record in directory_records(directory):
            # Any text a spreadsheet would run as a formula is quoted (see formula_cells).
            writer.writerow({k: neutralise(v) if isinstance(v, str) else v for k, v in flat_record(record).items()})


def _write_xlsx(directory: gpd.GeoDataFrame, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Agencies"
    sheet.append(list(TABLE_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for record in directory_records(directory):
        flat = flat_record(record)
        sheet.append([flat[c] for c in TABLE_COLUMNS])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"  # text, never a formula: a name may start with "="
    sheet.freeze_panes = "B2"
    widths = {
        "name": 40,
        "local_name": 40,
        "description": 60,
        "source": 40,
        "website": 32,
        "sectors": 30,
        "services": 30,
        "street_address": 28,
    }
    for i, column in enumerate(TABLE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = widths.get(column, 14)
    # Into memory first: openpyxl leaves its zip archive open when the disk fills, and the
    # interpreter then prints "Exception ignored" when it is collected.
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())


def write_gpkg_layer(directory: gpd.GeoDataFrame, path: Path) -> None:
    """Write the directory as the ``agencies`` layer of a new GeoPackage at ``path`` (not atomic by itself)."""
    import pyogrio

    frame = pd.DataFrame(
        [flat_record({k: r[k] for k in FIELD_NAMES}) for r in directory_records(directory)], columns=list(FIELD_NAMES)
    )
    lon, lat = lonlat_columns(directory)
    layer = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    pyogrio.write_dataframe(
        layer, path, layer="agencies", driver="GPKG", layer_options={"DESCRIPTION": "bsr-map agency directory"}
    )


def write_directory(directory: gpd.GeoDataFrame, path: str | Path, *, name: str = "bsr-map agency directory") -> Path:
    """Save the directory; the format comes from the file's extension.

    Parameters
    ----------
    directory : GeoDataFrame
        The agencies (as from :func:`bsr_map.directory.read_directory`).
    path : str or Path
        Target file: ``.gpkg``, ``.geojson``, ``.csv`` or ``.xlsx``.
    name : str
        Collection name written into GeoJSON.

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        For an unsupported extension.
    bsr_map.util.atomic.SaveError
        When the file cannot be written; an existing file is left intact.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    writers = {
        ".geojson": lambda tmp: _write_geojson(directory, tmp, name),
        ".csv": lambda tmp: _write_csv(directory, tmp),
        ".xlsx": lambda tmp: _write_xlsx(directory, tmp),
        ".gpkg": lambda tmp: write_gpkg_layer(directory, tmp),
    }
    if suffix not in writers:
        raise ValueError(f"Cannot write '{suffix}' files; use one of {', '.join(WRITE_SUFFIXES)}.")
    return atomic_write(path, writers[suffix])
