"""Read and validate a directory file: the good rows and every problem found."""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pycountry

from bsr_map.directory.limits import MAX_PROBLEMS, too_many_problems
from bsr_map.directory.location import CountryLocator, check_locations
from bsr_map.directory.model import make_directory
from bsr_map.directory.raw_table import DirectoryReadError, ImportCancelled
from bsr_map.directory.readers import read_table
from bsr_map.directory.schema import FIELD_NAMES, FIELDS, LIST_FIELDS, Problem, country_name, validate_record
from bsr_map.directory.taxonomy import Taxonomy, load_taxonomy
from bsr_map.geo.basemap import Basemap, load_basemap
from bsr_map.util.paths import geodata_dir

__all__ = [
    "DEFAULT_AGENCY_TYPE",
    "DirectoryError",
    "ImportCancelled",
    "ImportResult",
    "Progress",
    "bundled_directory_path",
    "load_directory",
    "read_directory",
    "validate_rows",
]


def bundled_directory_path() -> Path:
    """The directory shipped with the app (its reviewable source of truth)."""
    return geodata_dir() / "agencies.geojson"


@dataclass
class ImportResult:
    """What reading a directory file gave.

    Attributes
    ----------
    source : str
        The file's name, as used in messages.
    agencies : GeoDataFrame
        The valid rows only.
    problems : list of Problem
        Every problem, with row and column.
    total_rows : int
        Data rows in the file.
    columns : dict
        Schema field -> column name found in the file.
    unknown_columns : list of str
        Columns that match no field; they are not imported.
    warnings : list of str
        What the user should know that does not make a row bad (columns not
        imported, the code page a file was read in).
    encoding : str or None
        The text encoding a CSV file was read in (Python's name), None for other formats.
    notes : list of str
        How values written as people write them were read (``sector 'Energy' read as …``).
    """

    source: str
    agencies: gpd.GeoDataFrame
    problems: list[Problem] = field(default_factory=list)
    total_rows: int = 0
    columns: dict = field(default_factory=dict)
    unknown_columns: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    encoding: str | None = None
    notes: list = field(default_factory=list)

    @property
    def bad_rows(self) -> list[int]:
        """Numbers of the rows that have at least one problem."""
        return sorted({p.row for p in self.problems if p.row is not None})

    @property
    def ok(self) -> bool:
        """True when every row is valid."""
        return not self.problems

    def summary(self) -> str:
        """One line for the user: how many rows are good and bad."""
        bad = len(self.bad_rows)
        return (
            f"{self.source}: {self.total_rows} rows, {self.total_rows - bad} valid, "
            f"{bad} with problems ({len(self.problems)} problems)"
        )


#: Rows validated before their locations are checked together.
LOCATION_BATCH = 5_000
#: The agency type of every row of a file that has no type column (said once, as a warning).
DEFAULT_AGENCY_TYPE = "national_agency"
#: How often (in rows) :func:`validate_rows` calls its ``progress``.
PROGRESS_EVERY = 1_000

#: ``progress(phase, rows)``: rows read or validated so far; it may raise :class:`ImportCancelled` to stop.
Progress = Callable[[str, int], None]


@lru_cache(maxsize=1)
def _default_locator() -> CountryLocator:
    return CountryLocator(load_basemap())


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO code -> English name of every country, for messages."""
    return {c.alpha_2: country_name(c.alpha_2) for c in pycountry.countries}


def validate_rows(
    source: str,
    rows: Iterable[tuple[int, dict]],
    *,
    taxonomy: Taxonomy | None = None,
    basemap: Basemap | None = None,
    today: dt.date | None = None,
    extra_problems: Sequence[Problem] = (),
    progress: Progress | None = None,
) -> ImportResult:
    """Validate raw rows (schema field -> value, plus ``lat`` and ``lon``).

    Parameters
    ----------
    source : str
        Name of the file, for messages.
    rows : iterable of (row number, dict)
        Drained as it is read when it is a :class:`~bsr_map.directory.readers.RawRows`
        (which may read its file a chunk at a time).
    taxonomy : Taxonomy, optional
    basemap : Basemap, optional
        Country polygons for the point-in-country check; the bundled basemap by default.
    today : datetime.date, optional
    extra_problems : sequence of Problem
        Problems a reader found in rows (e.g. shifted columns); those rows are bad too.
    progress : callable, optional
        Called as ``progress("validating", rows)`` every :data:`PROGRESS_EVERY` rows.

    Returns
    -------
    ImportResult
        With a note for each way of writing a sector, service or type that a synonym matched.

    Raises
    ------
    DirectoryReadError
        When the file has more than :data:`~bsr_map.directory.limits.MAX_PROBLEMS` problems.
    """
    taxonomy = taxonomy or load_taxonomy()
    locator = CountryLocator(basemap) if basemap is not None else _default_locator()
    names = country_names()
    # The valid records are gathered column by column: 100,000 rows as dicts or tuples would cost
    # more memory than the finished directory.
    good_columns: dict[str, list] = {name: [] for name in FIELD_NAMES}
    good_points, problems = array("d"), []  # lon, lat, lon, lat, …
    total = 0
    first_row_of_id: dict[str, int] = {}
    found_by_reader: dict[int | None, list[Problem]] = {}
    for problem in extra_problems:
        found_by_reader.setdefault(problem.row, []).append(problem)
    batch: list = []  # (row number, record, problems so far, lat, lon)
    shared_lists: dict[tuple, list] = {}

    def settle() -> None:
        # Locations are checked a batch at a time: one vectorised query instead of one per row.
        located = check_locations(
            [b[3] for b in batch],
            [b[4] for b in batch],
            [b[1]["country"] if not any(p.column == "country" for p in b[2]) else "" for b in batch],
            locator,
            names,
        )
        for (number, record, row_problems, _, _), (point, location_problems) in zip(batch, located, strict=False):
            row_problems += [Problem(source, number, column, message) for column, message in location_problems]
            if record["id"]:
                if record["id"] in first_row_of_id:
                    row_problems.append(
                        Problem(
                            source,
                            number,
                            "id",
                            f"duplicate id '{record['id']}' (already used in row {first_row_of_id[record['id']]})",
                        )
                    )
                else:
                    first_row_of_id[record["id"]] = number
            if row_problems:
                problems.extend(row_problems)
            else:
                for name in LIST_FIELDS:  # equal lists are kept once (see make_directory)
                    record[name] = shared_lists.setdefault((name, *record[name]), record[name])
                for name in FIELD_NAMES:
                    good_columns[name].append(record[name])
                good_points.extend(point)
        batch.clear()

    synonyms: dict[tuple[str, str, str], list[int]] = {}  # (field, as written, code) -> rows
    pending = 0  # problems in the batch not yet settled
    for number, raw in rows.drain() if hasattr(rows, "drain") else rows:
        total += 1
        record, row_problems = validate_record(raw, taxonomy, source=source, row=number, today=today, synonyms=synonyms)
        row_problems = found_by_reader.get(number, []) + row_problems
        pending += len(row_problems)
        if len(problems) + pending > MAX_PROBLEMS:
            settle()
            first = [str(p) for p in (problems or row_problems)[:10]]
            raise DirectoryReadError(too_many_problems(source, number, first))
        batch.append((number, record, row_problems, raw.get("lat"), raw.get("lon")))
        if len(batch) == LOCATION_BATCH:
            settle()
            pending = 0
        if progress is not None and total % PROGRESS_EVERY == 0:
            progress("validating", total)
    settle()
    points = np.frombuffer(good_points, dtype=float).reshape(-1, 2)
    result = ImportResult(source, make_directory(good_columns, points), problems, total)
    result.notes = [synonym_note(taxonomy, *key, rows) for key, rows in synonyms.items()]
    return result


def synonym_note(taxonomy: Taxonomy, field_name: str, written: str, code: str, rows: list[int]) -> str:
    """The note for a value matched through a synonym: ``sector 'Energy' read as 'Clean energy & cleantech' …``."""
    vocabulary = {"sectors": taxonomy.sectors, "services": taxonomy.services, "type": taxonomy.agency_types}
    what = {"sectors": "sector", "services": "service", "type": "agency type"}[field_name]
    shown = ", ".join(map(str, rows[:5])) + (f" and {len(rows) - 5:,} more" if len(rows) > 5 else "")
    label = vocabulary[field_name].label(code)
    return f"{what} '{written}' read as '{label}' ({code}) in row{'s' if len(rows) > 1 else ''} {shown}"


def read_directory(
    path: str | Path, *, encoding: str | None = None, progress: Progress | None = None, **kwargs
) -> ImportResult:
    """Read and validate a directory file of any supported format.

    Parameters
    ----------
    path : str or Path
        CSV (comma, semicolon or tab; UTF-8, or a legacy encoding detected), XLSX, GeoJSON,
        GeoPackage or Shapefile, in any CRS.
    encoding : str, optional
        The text encoding of a CSV file; detected when not given (the result says which was used).
    progress : callable, optional
        Called as ``progress(phase, rows)`` while the file is read and validated; it may raise
        :class:`ImportCancelled` to stop the import.
    **kwargs
        Passed to :func:`validate_rows`.

    Returns
    -------
    ImportResult

    Raises
    ------
    bsr_map.directory.readers.DirectoryReadError
        The file is not a table at all, is empty or is corrupt.
    """
    table = read_table(path, encoding=encoding, progress=progress)
    extra = [Problem(table.source, row, column or None, message) for row, column, message in table.row_problems]
    rows: Iterable[tuple[int, dict]] = table.rows
    warnings = list(table.warnings)
    if "type" not in table.columns:
        # A list of agencies without their kind is common; one warning, not "Type is missing" on every row.
        rows = ((number, {**raw, "type": DEFAULT_AGENCY_TYPE}) for number, raw in table.rows.drain())
        warnings.append(
            f"{table.source} has no agency type column: every agency was given the type "
            f"'{DEFAULT_AGENCY_TYPE}'; correct the others after the import"
        )
    result = validate_rows(table.source, rows, extra_problems=extra, progress=progress, **kwargs)
    result.warnings = warnings
    result.encoding = table.encoding
    missing = [f.name for f in FIELDS if f.required and f.name not in ("id", "type") and f.name not in table.columns]
    if missing:
        result.problems.insert(0, Problem(table.source, None, None, f"no column for {', '.join(missing)}"))
    result.columns, result.unknown_columns = table.columns, table.unknown_columns
    # Name columns as the file does: "column 'Kraj' (country)".
    result.problems = [
        replace(p, column=table.columns.get(p.column, p.column), field=p.column) if p.column else p
        for p in result.problems
    ]
    return result


class DirectoryError(Exception):
    """A directory that must be valid is not."""


def load_directory(path: str | Path | None = None) -> gpd.GeoDataFrame:
    """Load a directory that must be fully valid (the bundled one by default).

    Raises
    ------
    DirectoryError
        Listing every problem, when any row is invalid.
    """
    result = read_directory(path or bundled_directory_path())
    if not result.ok:
        raise DirectoryError("\n".join([result.summary(), *map(str, result.problems)]))
    return result.agencies
