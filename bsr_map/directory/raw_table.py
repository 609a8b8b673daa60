"""The rows a reader found, before validation: :class:`RawTable` and :class:`RawRows`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

from bsr_map.directory.columns import _column_warnings, map_columns
from bsr_map.directory.limits import MAX_FIELD_CHARS, too_long


class DirectoryReadError(Exception):
    """The file cannot be read as a directory at all (not a table, empty, corrupt)."""


class ImportCancelled(Exception):
    """Raised by an import's ``progress`` callback to stop it; nothing is kept of the import."""


class RawRows(Sequence[tuple[int, dict]]):
    """A file's rows as ``(row number, {field: value})``, each dict made when the row is read.

    Rows are kept as lists of values in :attr:`fields` order: a dict per row
    costs several times the memory, which for a file of 100,000 agencies is
    more than a hundred megabytes. A reader of a large file may hold only one
    chunk of rows at a time and pass ``refill``, which :meth:`drain` calls for
    the next chunk; the sequence methods then see the current chunk only.
    """

    def __init__(self, fields=(), refill: Callable[[], bool] | None = None):
        self.fields = list(fields)
        self.refill = refill  # adds the next chunk of rows; False when the file has no more
        self._position = {name: i for i, name in enumerate(self.fields)}
        self._rows: list[tuple[int, list]] = []
        self._shared: dict[str, str] = {}

    def add(self, number: int, values: list) -> None:
        """Append a row: ``values`` in :attr:`fields` order (shorter lists are padded with None).

        Equal texts are kept once: a directory repeats its cities, types and sectors on every row.
        """
        shared = self._shared
        values = [shared.setdefault(v, v) if type(v) is str else v for v in values]
        self._rows.append((number, values + [None] * (len(self.fields) - len(values))))

    def set(self, index: int, name: str, value) -> None:
        """Set field ``name`` of the ``index``-th row (a field added with :meth:`add_field`)."""
        self._rows[index][1][self._position[name]] = value

    def add_field(self, name: str) -> None:
        """Make sure rows have a ``name`` field (before rows are added)."""
        if name not in self._position:
            self._position[name] = len(self.fields)
            self.fields.append(name)

    def numbers(self, start: int = 0) -> list[int]:
        """The numbers (as the user counts rows) of the rows from the ``start``-th on, in order."""
        return [number for number, _ in self._rows[start:]]

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> tuple[int, dict]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, dict]]: ...
    def __getitem__(self, index: int | slice) -> tuple[int, dict] | list[tuple[int, dict]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        number, values = self._rows[index]
        return number, dict(zip(self.fields, values, strict=False))

    def __iter__(self) -> Iterator[tuple[int, dict]]:
        fields = self.fields
        for number, values in self._rows:
            yield number, dict(zip(fields, values, strict=False))

    def drain(self) -> Iterator[tuple[int, dict]]:
        """Iterate over the rows once, letting go of each as it is handed out (the table is empty afterwards).

        Validating a large file this way needs memory for the file's rows or
        for the directory made of them, not for both at once; with ``refill``
        the next chunk is read when one is used up.
        """
        fields = self.fields
        while True:
            rows, self._rows = self._rows, []
            self._shared = {}  # the rows hold the texts; the lookup of equal texts is not needed any more
            rows.reverse()
            while rows:
                number, values = rows.pop()
                yield number, dict(zip(fields, values, strict=False))
            if self.refill is None or not self.refill():
                return


@dataclass
class RawTable:
    """Rows of a file, keyed by schema field, with user-facing row numbers."""

    source: str
    rows: RawRows = field(default_factory=RawRows)
    columns: dict[str, str] = field(default_factory=dict)  # schema field -> column name in the file
    unknown_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # things the user should know; they do not block an import
    row_problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)
    encoding: str | None = None  # the text encoding a text file was read in


def _table(source: str, headers: list, records, first_row: int, extra_fields=()) -> RawTable:
    table, by_index = _new_table(source, headers, extra_fields)
    _add_records(table, by_index, len(headers), records, first_row)
    return table


def _new_table(source: str, headers: list, extra_fields=()) -> tuple[RawTable, dict[int, str]]:
    by_index, columns, unknown, duplicates = map_columns([str(h) if h is not None else "" for h in headers])
    table = RawTable(
        source,
        rows=RawRows(by_index.values()),
        columns=columns,
        unknown_columns=unknown,
        warnings=_column_warnings(source, columns, unknown, duplicates),
    )
    for name in extra_fields:
        table.rows.add_field(name)
    return table, by_index


def _add_records(table: RawTable, by_index: dict[int, str], width: int, records, first_row: int) -> None:
    for number, values in enumerate(records, start=first_row):
        if all(v is None or str(v).strip() == "" for v in values):
            continue  # blank line
        extra = [v for v in values[width:] if v is not None and str(v).strip() != ""]
        if extra:
            # Usually an unquoted separator inside a value: the row's columns have shifted.
            table.row_problems.append(
                (
                    number,
                    "",
                    (
                        f"the row has {width + len(extra)} values but the header has "
                        f"{width} columns (a separator inside an unquoted value?)"
                    ),
                )
            )
        row = [values[i] if i < len(values) else None for i in by_index]
        for i, value in zip(by_index, row, strict=True):
            if type(value) is str and len(value) > MAX_FIELD_CHARS:
                column = table.columns.get(by_index[i], by_index[i])
                raise DirectoryReadError(too_long(table.source, number, column, len(value)))
        table.rows.add(number, row)


def _checked(path: Path, table: RawTable) -> RawTable:
    if not table.rows:
        raise DirectoryReadError(f"{path.name} has a header but no data rows.")
    if "name" not in table.columns and "lat" not in table.columns:
        raise DirectoryReadError(
            f"{path.name} does not look like an agency directory: no column is a name or a location "
            f"(columns found: {', '.join(table.unknown_columns[:8]) or 'none'})."
        )
    return table
