"""Limits on what an import reads, far beyond any real directory, checked while a file is read.

A directory of the region has hundreds of agencies in about twenty columns;
bsr-map must still open 100,000 (``bench/run.py``). The limits stop a damaged
or hostile file (a worksheet that declares a million rows, a zip bomb, a
value of megabytes) with a message that names the limit, before it uses the
machine's memory or minutes of its time.
"""

from __future__ import annotations

#: Bytes of a file on disk (any format): 100,000 agencies take about 30 MB as CSV.
MAX_FILE_BYTES = 256 * 1024 * 1024
#: Data rows (or features) of one file: twice the largest directory bsr-map is tested with (``bench/run.py``).
MAX_ROWS = 200_000
#: Columns of a table: the schema has 23, spreadsheets add a few of their own.
MAX_COLUMNS = 256
#: Characters of one value: Excel's own limit for a cell (a description may have 600).
MAX_FIELD_CHARS = 32_767
#: Problems in one file before the import stops: a file where every row is wrong is not a directory
#: (or has one mistake repeated, which the first problems show); listing millions would take minutes.
MAX_PROBLEMS = 20_000
#: Uncompressed bytes of one part of a workbook (a worksheet, the shared strings).
MAX_XLSX_PART_BYTES = 1024 * 1024 * 1024
#: How much a workbook part may grow when unpacked: real worksheets grow 10–40 times, zip bombs a thousand.
MAX_XLSX_RATIO = 200

LIMITS_DOC = (
    f"at most {MAX_FILE_BYTES // 2**20} MiB, {MAX_ROWS:,} rows, {MAX_COLUMNS} columns "
    f"and {MAX_FIELD_CHARS:,} characters per value"
)


def too_many_problems(source: str, row: int, first: list[str]) -> str:
    """The message for a file that reached :data:`MAX_PROBLEMS` at ``row``; ``first`` are the first problems."""
    listed = "".join(f"\n  {p}" for p in first)
    return (
        f"{source} has more than {MAX_PROBLEMS:,} problems by row {row:,}, the most bsr-map lists for one file; "
        f"the import stopped there. The first ones:{listed}"
    )


def too_many_rows(source: str, limit: int = MAX_ROWS) -> str:
    """The message for a file over :data:`MAX_ROWS`."""
    return f"{source} has more than {limit:,} data rows, the most bsr-map imports from one file; split it."


def too_many_columns(source: str, columns: int, row: int | None = None) -> str:
    """The message for a table over :data:`MAX_COLUMNS` (``columns`` of them, or more when it is the limit)."""
    where = f", row {row}," if row is not None else ""
    count = f"more than {columns:,}" if columns <= MAX_COLUMNS else f"{columns:,}"
    return (
        f"{source}{where} has {count} columns; bsr-map reads at most {MAX_COLUMNS} "
        "(is something written far to the right of the table?)."
    )


def too_long(source: str, row: int, column: str, length: int) -> str:
    """The message for a value over :data:`MAX_FIELD_CHARS`."""
    return (
        f"{source}, row {row}, column '{column}': the value has {length:,} characters; "
        f"bsr-map reads at most {MAX_FIELD_CHARS:,} in one value (Excel's limit for a cell)."
    )
