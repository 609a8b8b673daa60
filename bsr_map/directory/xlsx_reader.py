"""Read the first worksheet of an Excel workbook, streaming, whatever size the sheet declares.

A worksheet's ``<dimension>`` element is written by the program that saved
it and is often stale (it says ``A1:J5`` over 67 rows) or absurd
(``A1:XFD1048576`` in a file of 5 kB). openpyxl's read-only mode trusts it,
cutting rows off or padding every row to 16,384 columns, so it is reset and
the rows are read as they are in the file, with :mod:`bsr_map.directory.limits`
checked as they stream.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from bsr_map.directory.limits import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_RATIO,
    too_many_columns,
    too_many_rows,
)
from bsr_map.directory.raw_table import DirectoryReadError, RawTable, _add_records, _checked, _new_table

#: Rows handed to the table at a time while the worksheet streams.
_CHUNK = 2_000


def check_workbook_parts(path: Path) -> None:
    """Refuse a workbook whose worksheets or shared strings unpack to more than the limits allow.

    Raises
    ------
    DirectoryReadError
        Naming the part and the limit.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise DirectoryReadError(f"{path.name} is not a readable Excel workbook ({exc}).") from None
    for info in infos:
        if not info.filename.startswith("xl/") or not info.filename.endswith(".xml"):
            continue
        if info.file_size > MAX_XLSX_PART_BYTES:
            raise DirectoryReadError(
                f"{path.name}: its part {info.filename} unpacks to {info.file_size / 2**20:,.0f} MiB; "
                f"bsr-map reads at most {MAX_XLSX_PART_BYTES // 2**20:,} MiB per part."
            )
        if info.file_size > 1_000_000 and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1):
            raise DirectoryReadError(
                f"{path.name}: its part {info.filename} unpacks {info.file_size // max(info.compress_size, 1):,} "
                f"times its packed size (real workbooks stay under {MAX_XLSX_RATIO}); it is not read."
            )


def read_xlsx(path: Path, progress=None) -> RawTable:
    """Read the first worksheet of an Excel workbook; row 1 is the header.

    Every row in the file is read, whatever the worksheet's ``<dimension>``
    says; cells are strings, numbers and dates as stored (never formulas).
    ``progress("reading", rows)`` is called as the rows stream (it may raise to stop).
    """
    from openpyxl import load_workbook

    check_workbook_parts(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise DirectoryReadError(
            f"{path.name} is not a readable Excel workbook ({exc or type(exc).__name__})."
        ) from None
    try:
        if not workbook.worksheets:
            raise DirectoryReadError(f"{path.name} has no worksheet.")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the declared size is not to be trusted (see the module's docstring)
        table = _stream(path, sheet, progress)
    finally:
        workbook.close()
    return _checked(path, table)


def _stream(path: Path, sheet, progress) -> RawTable:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise DirectoryReadError(f"{path.name} is empty: its first worksheet has no header row.")
    _check_width(path, header, 1)
    headers = _trimmed(header)
    if not headers:
        raise DirectoryReadError(f"{path.name} is empty: its first worksheet has no header row.")
    table, by_index = _new_table(path.name, headers)
    width, chunk, count = len(headers), [], 0
    for number, row in enumerate(rows, start=2):
        if len(row) > width:
            _check_width(path, row, number)
        if row.count(None) != len(row):
            count += 1
            if count > MAX_ROWS:
                raise DirectoryReadError(too_many_rows(path.name, MAX_ROWS))
            chunk.append((number, row[:width] if row[width:].count(None) == len(row) - width else row))
        if len(chunk) == _CHUNK:
            _add_chunk(table, by_index, width, chunk)
            chunk = []
        if progress is not None and number % _CHUNK == 0:
            progress("reading", number)
    _add_chunk(table, by_index, width, chunk)
    return table


def _add_chunk(table: RawTable, by_index: dict[int, str], width: int, chunk: list) -> None:
    # Blank rows are left out of chunks (a sheet may declare a million); each row keeps its number.
    for number, row in chunk:
        _add_records(table, by_index, width, (row,), number)


def _check_width(path: Path, row: tuple, number: int) -> None:
    if len(row) > MAX_COLUMNS and row[MAX_COLUMNS:].count(None) != len(row) - MAX_COLUMNS:
        raise DirectoryReadError(too_many_columns(path.name, MAX_COLUMNS, number))


def _trimmed(header: tuple) -> list:
    values = list(header)
    while values and (values[-1] is None or str(values[-1]).strip() == ""):
        values.pop()
    return values
