"""Read a directory file of any supported format into plain rows.

A reader returns :class:`RawTable`: the file's rows as dictionaries keyed by
schema field (columns already mapped from their aliases), each with the row
number a user would look for. Nothing is validated here. One module per
family: :mod:`~bsr_map.directory.text_reader` (CSV),
:mod:`~bsr_map.directory.xlsx_reader` (Excel) and
:mod:`~bsr_map.directory.gis_readers` (GeoJSON, GeoPackage, Shapefile); the
limits every reader keeps are in :mod:`~bsr_map.directory.limits`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from bsr_map.directory import gis_readers
from bsr_map.directory.columns import COLUMN_ALIASES, map_columns
from bsr_map.directory.encoding import decode_text
from bsr_map.directory.gis_readers import read_geojson, read_ogr
from bsr_map.directory.limits import MAX_FILE_BYTES
from bsr_map.directory.raw_table import DirectoryReadError, ImportCancelled, RawRows, RawTable
from bsr_map.directory.text_reader import read_csv
from bsr_map.directory.xlsx_reader import read_xlsx

__all__ = [
    "COLUMN_ALIASES",
    "SPATIAL_SUFFIXES",
    "TABULAR_SUFFIXES",
    "DirectoryReadError",
    "ImportCancelled",
    "RawRows",
    "RawTable",
    "decode_text",
    "gis_readers",
    "map_columns",
    "read_csv",
    "read_geojson",
    "read_ogr",
    "read_table",
    "read_xlsx",
]

TABULAR_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
SPATIAL_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip")
#: Formats whose encoding the user may name (the others say their own).
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


def read_table(path: str | Path, *, encoding: str | None = None, progress=None) -> RawTable:
    """Read any supported directory file into a :class:`RawTable`.

    Parameters
    ----------
    path : str or Path
    encoding : str, optional
        The text encoding of a CSV file, instead of the detected one.
    progress : callable, optional
        ``progress("reading", rows)`` while a worksheet streams; it may raise to stop the import.

    Raises
    ------
    DirectoryReadError
        The file is missing, of an unsupported type, empty, corrupt or over a limit.
    """
    path = Path(path)
    if not path.is_file():
        raise DirectoryReadError(f"{path} does not exist.")
    size = path.stat().st_size
    if size == 0:
        raise DirectoryReadError(f"{path.name} is empty.")
    if size > MAX_FILE_BYTES:
        raise DirectoryReadError(
            f"{path.name} has {size / 2**20:,.0f} MiB; bsr-map imports files of at most {MAX_FILE_BYTES // 2**20} MiB."
        )
    suffix = path.suffix.lower()
    try:
        if suffix in TEXT_SUFFIXES:
            return read_csv(path, encoding)
        if suffix == ".xlsx":
            return read_xlsx(path, progress)
        if suffix in (".geojson", ".json"):
            return read_geojson(path)
        if suffix in (".gpkg", ".shp", ".zip"):
            return read_ogr(path)
    except (DirectoryReadError, ImportCancelled):
        raise
    except Exception as exc:  # a damaged file surfaces as many exception types; the user gets one message
        raise _unreadable(path, exc) from None
    raise DirectoryReadError(
        f"{path.name}: unsupported file type '{suffix}'. Use CSV, XLSX, GeoJSON, GeoPackage or Shapefile."
    )


def _unreadable(path: Path, exc: Exception) -> DirectoryReadError:
    """The message for an error no reader expected: always with a reason, never "cannot be read: "."""
    if isinstance(exc, MemoryError):
        return DirectoryReadError(f"{path.name} cannot be read: it needs more memory than this computer has.")
    if isinstance(exc, UnicodeDecodeError):
        return DirectoryReadError(f"{path.name} cannot be decoded as text ({exc.reason}).")
    if isinstance(exc, csv.Error):
        return DirectoryReadError(f"{path.name} is not a valid CSV table ({exc}).")
    reason = str(exc).strip() or "no reason given"
    return DirectoryReadError(f"{path.name} cannot be read ({type(exc).__name__}: {reason}).")
