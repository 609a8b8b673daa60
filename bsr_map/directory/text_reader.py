"""Read CSV and tab-separated directories: encoding detected, delimiter detected, truncation found."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bsr_map.directory.columns import map_columns
from bsr_map.directory.encoding import Decoded, decode_text, encoding_label
from bsr_map.directory.formula_cells import restore
from bsr_map.directory.limits import MAX_COLUMNS, MAX_FIELD_CHARS, MAX_ROWS, too_many_columns, too_many_rows
from bsr_map.directory.raw_table import DirectoryReadError, RawTable, _checked, _table

__all__ = ["decode_text", "read_csv"]


def read_csv(path: Path, encoding: str | None = None) -> RawTable:
    """Read a CSV or tab-separated file; the delimiter (``,``, ``;`` or tab) and the encoding are detected.

    Parameters
    ----------
    path : Path
    encoding : str, optional
        The file's encoding, when the user knows it better than the detection.

    Returns
    -------
    RawTable
        Its ``warnings`` name the encoding when it was detected rather than UTF-8; a file that ends
        inside a row or a quoted value has a problem for that row.
    """
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) and encoding is None:
        raise DirectoryReadError(f"{path.name} is not a text table (it contains binary data).")
    try:
        decoded = decode_text(data, encoding)
    except LookupError:
        raise DirectoryReadError(f"{path.name}: '{encoding}' is not a known text encoding.") from None
    except UnicodeDecodeError as exc:
        raise DirectoryReadError(
            f"{path.name} is not in {encoding_label(exc.encoding)}: byte {exc.start + 1} cannot be decoded ({exc.reason})."
        ) from None
    text = decoded.text
    if not text.strip():
        raise DirectoryReadError(f"{path.name} is empty.")
    header_line = text.lstrip("\ufeff").split("\n", 1)[0]
    # The delimiter is the one under which the header names the most known columns.
    delimiter = max(
        ",;\t", key=lambda d: (len(map_columns(next(csv.reader([header_line], delimiter=d)))[1]), header_line.count(d))
    )
    rows, unclosed_quote = _parse(path.name, text, delimiter)
    headers, records = rows[0], [[restore(v) if v[:1] == "'" else v for v in row] for row in rows[1:]]
    if len(headers) > MAX_COLUMNS:
        raise DirectoryReadError(too_many_columns(path.name, len(headers)))
    table = _checked(path, _table(path.name, headers, records, first_row=2))
    _report_truncation(table, text, headers, records, decoded, unclosed_quote)
    if decoded.detected:
        table.warnings.append(
            f"{path.name} is not UTF-8; it was read as {encoding_label(decoded.encoding)} "
            "(detected; name another with --encoding if names look wrong)"
        )
    table.encoding = decoded.encoding
    return table


def _parse(source: str, text: str, delimiter: str) -> tuple[list[list[str]], bool]:
    """The file's records, and whether it ends inside a quoted value (strict parsing finds that)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise DirectoryReadError(too_many_rows(source, MAX_ROWS))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            start = _line_of_record(text, delimiter, len(rows))
            hint = " (a quote opened there and never closed?)" if start < reader.line_num - 1 else ""
            raise DirectoryReadError(
                f"{source}, row {len(rows) + 1}: a value starting on line {start:,} has more than "
                f"{csv.field_size_limit():,} characters{hint}; bsr-map reads at most {MAX_FIELD_CHARS:,} "
                "in one value (Excel's limit for a cell)."
            ) from None
        raise
    # Python's reader closes a quote left open at the end of the file without a word; strict mode says so.
    unclosed = text.count('"') % 2 == 1 and _ends_inside_quote(text, delimiter)
    return rows, unclosed


def _line_of_record(text: str, delimiter: str, index: int) -> int:
    """The line on which the ``index``-th record (0: the header) starts."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for _ in range(index):
        next(reader)
    return reader.line_num + 1


def _ends_inside_quote(text: str, delimiter: str) -> bool:
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _report_truncation(
    table: RawTable, text: str, headers: list[str], records: list[list[str]], decoded: Decoded, unclosed_quote: bool
) -> None:
    """Add a problem for the last row when the file was cut in the middle of it."""
    if not records:
        return
    # The last non-blank record is the one a cut file ends in.
    index = max((i for i, r in enumerate(records) if any(v.strip() for v in r)), default=None)
    if index is None or (index != len(records) - 1 and not unclosed_quote):
        return
    number = table.rows.numbers()[-1] if len(table.rows) else index + 2
    ends_with_newline = text.endswith(("\n", "\r"))
    if unclosed_quote:
        message = (
            "the file ends inside a quoted value that is never closed: it looks cut short, "
            "and this row holds the rest of the file"
        )
    elif decoded.cut_character:
        message = "the file ends in the middle of a character: it looks cut short, and this row is incomplete"
    elif not ends_with_newline and (len(records[index]) < len(headers) or text.endswith((",", ";", "\t"))):
        message = (
            f"the file ends in the middle of this row ({len(records[index])} of {len(headers)} values, "
            "the last one cut or empty): "
            "it looks cut short"
        )
    else:
        return
    table.row_problems.append((number, "", message))
