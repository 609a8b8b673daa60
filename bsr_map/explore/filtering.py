"""Filtering the directory by country, sector, type and free text, with facet counts.

Semantics: within a facet any-of (sectors can switch to all-of), across facets
and-of; an empty facet does not filter. A facet's counts say how many agencies
each choice would leave, given the other facets (the usual faceted-search rule).

:class:`AgencyIndex` turns the directory into numpy arrays once, so a filter
change over 100,000 agencies costs milliseconds.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

SECTOR_ANY, SECTOR_ALL = "any", "all"
#: Fields the free-text search looks in.
SEARCH_FIELDS = ("name", "local_name", "city", "description")


def search_key(text: str) -> str:
    """Lower case without accents, for search: ``"Gdańsk"`` -> ``"gdansk"``.

    Examples
    --------
    >>> search_key("Malmö Łódź Straße")
    'malmo lodz strasse'
    """
    text = str(text).replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O").replace("æ", "ae")
    text = text.replace("Æ", "Ae").replace("đ", "d").replace("ð", "d").replace("þ", "th")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@dataclass(frozen=True)
class FilterState:
    """What the user has chosen; empty sets mean "no restriction"."""

    countries: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    sector_mode: str = SECTOR_ANY
    types: frozenset[str] = frozenset()
    text: str = ""

    @property
    def is_empty(self) -> bool:
        """True when nothing is filtered."""
        return not (self.countries or self.sectors or self.types or self.text.strip())

    def toggled(self, facet: str, value: str) -> FilterState:
        """A copy with ``value`` added to or removed from ``facet`` (countries, sectors or types)."""
        chosen = set(getattr(self, facet))
        chosen.symmetric_difference_update({value})
        changes: dict[str, Any] = {facet: frozenset(chosen)}
        return replace(self, **changes)

    def to_dict(self) -> dict:
        """Plain data, for saving in settings."""
        return {
            "countries": sorted(self.countries),
            "sectors": sorted(self.sectors),
            "sector_mode": self.sector_mode,
            "types": sorted(self.types),
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict) -> FilterState:
        """The inverse of :meth:`to_dict`, tolerant of missing keys."""
        mode = data.get("sector_mode", SECTOR_ANY)
        return cls(
            frozenset(data.get("countries") or ()),
            frozenset(data.get("sectors") or ()),
            mode if mode in (SECTOR_ANY, SECTOR_ALL) else SECTOR_ANY,
            frozenset(data.get("types") or ()),
            str(data.get("text") or ""),
        )


@dataclass
class AgencyIndex:
    """Column arrays of a directory, prepared for fast filtering.

    The arrays are the index's own copies, so :meth:`update_rows` can patch
    the rows an edit changed instead of indexing the whole directory again.
    """

    countries: np.ndarray
    types: np.ndarray
    sector_codes: list[str]
    sector_matrix: np.ndarray  # bool, agencies × sectors
    #: Per search field: its distinct values folded for search, and each agency's index into them.
    #: Searching the distinct values once is faster and lighter than a joined text per agency:
    #: cities and descriptions repeat.
    search_columns: list[tuple[np.ndarray, np.ndarray]]
    #: Index into sector_codes of each agency's first sector, -1 for none (or an unknown code).
    primary: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.countries = np.array(self.countries, dtype=object)
        self.types = np.array(self.types, dtype=object)
        self.sector_matrix = np.array(self.sector_matrix, dtype=bool)
        self.search_columns = [
            (np.array(folded, dtype=object), np.array(codes, dtype=np.int32)) for folded, codes in self.search_columns
        ]
        if len(self.primary) != len(self.countries):
            self.primary = np.full(len(self.countries), -1, dtype=np.intp)
        else:
            self.primary = np.array(self.primary, dtype=np.intp)
        self._sector_column = {code: i for i, code in enumerate(self.sector_codes)}
        # Integer codes make counting a bincount instead of a sort of strings. The distinct
        # values stay sorted (an edit inserts a new one in its place) and are objects, so a
        # longer new value is not cut to the longest old one.
        self._country_values, self._country_codes = self._factorize(self.countries)
        self._type_values, self._type_codes = self._factorize(self.types)

    @staticmethod
    def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        distinct, codes = np.unique(values.astype(str), return_inverse=True)
        return distinct.astype(object), codes.astype(np.intp).reshape(-1)

    @classmethod
    def build(cls, directory: gpd.GeoDataFrame, sector_codes: list[str]) -> AgencyIndex:
        """Index ``directory``; ``sector_codes`` fixes the matrix's column order."""
        column = {code: i for i, code in enumerate(sector_codes)}
        matrix = np.zeros((len(directory), len(sector_codes)), dtype=bool)
        for row, sectors in enumerate(directory["sectors"]):
            for code in sectors:
                if code in column:
                    matrix[row, column[code]] = True
        search_columns = []
        for name in SEARCH_FIELDS:
            codes, distinct = pd.factorize(directory[name].to_numpy(dtype=object, na_value=""))
            folded = np.array([search_key(value) for value in distinct], dtype=object)
            search_columns.append((folded, codes.astype(np.int32)))
        primary = np.array([column.get(s[0], -1) if len(s) else -1 for s in directory["sectors"]], dtype=np.intp)
        return cls(
            countries=directory["country"].to_numpy(dtype=object),
            types=directory["type"].to_numpy(dtype=object),
            sector_codes=list(sector_codes),
            sector_matrix=matrix,
            search_columns=search_columns,
            primary=primary,
        )

    def update_rows(self, rows: Sequence[int] | np.ndarray, records: Sequence[dict]) -> None:
        """Make ``rows`` hold ``records`` (directory records), e.g. after an edit.

        The cost is proportional to the number of rows, plus one pass over a
        field's distinct values for each changed search text; a value not seen
        before becomes a new distinct value. The latest text search is patched
        rather than forgotten.

        Parameters
        ----------
        rows : sequence of int
            Positions in the directory.
        records : sequence of dict
            One record per row, with at least ``country``, ``type``, ``sectors``
            and the :data:`SEARCH_FIELDS`.
        """
        rows = np.asarray(rows, dtype=np.intp).reshape(-1)
        if len(rows) != len(records):
            raise ValueError(f"{len(rows)} rows but {len(records)} records")
        column = self._sector_column
        for row, record in zip(rows.tolist(), records, strict=True):
            self.countries[row] = record["country"]
            self.types[row] = record["type"]
            sectors = record["sectors"]
            self.sector_matrix[row] = False
            for code in sectors:
                if code in column:
                    self.sector_matrix[row, column[code]] = True
            self.primary[row] = column.get(sectors[0], -1) if len(sectors) else -1
        self._country_values = _recode(self._country_values, self._country_codes, rows, self.countries[rows])
        self._type_values = _recode(self._type_values, self._type_codes, rows, self.types[rows])
        for i, name in enumerate(SEARCH_FIELDS):
            folded, codes = self.search_columns[i]
            for row, record in zip(rows.tolist(), records, strict=True):
                key = search_key(_text(record[name]))
                if folded[codes[row]] == key:
                    continue
                found = np.flatnonzero(folded == key)
                if len(found):
                    codes[row] = found[0]
                else:  # the old value may now be unused: harmless, no row points to it
                    folded = np.append(folded, np.array([key], dtype=object))
                    codes[row] = len(folded) - 1
            self.search_columns[i] = (folded, codes)
        for key, mask in list(self._cache.items()):
            patched = mask.copy()
            patched[rows] = self._text_rows(key[1], rows)
            self._cache[key] = patched

    def shown(self, mask: np.ndarray) -> tuple[set[str], set[str]]:
        """Primary sectors and types among the agencies in ``mask`` (what a legend lists)."""
        # Counting small integers is a tenth of the cost of sorting them (np.unique): the map's
        # legend asks again after every edit.
        primary = np.flatnonzero(np.bincount(self.primary[mask] + 1, minlength=len(self.sector_codes) + 1)[1:])
        types = np.flatnonzero(np.bincount(self._type_codes[mask], minlength=len(self._type_values)))
        return ({self.sector_codes[i] for i in primary}, {str(self._type_values[i]) for i in types})

    def __len__(self) -> int:
        return len(self.countries)

    # -- masks per facet -----------------------------------------------------
    # Each takes the rows to look at (None for all), so an edit re-filters only its rows.
    def _count(self, rows: np.ndarray | None) -> int:
        return len(self) if rows is None else len(rows)

    def _isin(self, values: np.ndarray, chosen: frozenset[str], rows: np.ndarray | None = None) -> np.ndarray:
        if rows is not None:
            values = values[rows]
        if not chosen:
            return np.ones(len(values), dtype=bool)
        return np.isin(values, list(chosen))

    def _sector_mask(self, state: FilterState, rows: np.ndarray | None = None) -> np.ndarray:
        columns = [self._sector_column[c] for c in state.sectors if c in self._sector_column]
        if not state.sectors:
            return np.ones(self._count(rows), dtype=bool)
        if not columns:
            return np.zeros(self._count(rows), dtype=bool)
        matrix = self.sector_matrix if rows is None else self.sector_matrix[rows]
        picked = matrix[:, columns]
        return np.asarray(picked.all(axis=1) if state.sector_mode == SECTOR_ALL else picked.any(axis=1))

    def _text_rows(self, words: tuple[str, ...], rows: np.ndarray) -> np.ndarray:
        """Whether each of ``rows`` contains every word (in any field), looking at those rows only."""
        values = [folded[codes[rows]] for folded, codes in self.search_columns]
        mask = np.ones(len(rows), dtype=bool)
        for word in words:
            found = np.zeros(len(rows), dtype=bool)
            for column in values:
                found |= np.fromiter((word in value for value in column), dtype=bool, count=len(column))
            mask &= found
        return mask

    def _text_mask(self, text: str, rows: np.ndarray | None = None) -> np.ndarray:
        words = tuple(search_key(text).split())
        if not words:
            return np.ones(self._count(rows), dtype=bool)
        key = ("text", words)
        if rows is not None:
            return self._cache[key][rows] if key in self._cache else self._text_rows(words, rows)
        if key not in self._cache:
            mask = np.ones(len(self), dtype=bool)
            for word in words:  # every word, each in any of the fields
                found = np.zeros(len(self), dtype=bool)
                for folded, codes in self.search_columns:
                    hit = np.fromiter((word in value for value in folded), dtype=bool, count=len(folded))
                    found |= hit[codes]
                mask &= found
            self._cache.clear()  # keep only the latest search: typing refines it letter by letter
            self._cache[key] = mask
        return self._cache[key]

    def facet_masks(self, state: FilterState, rows: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """The mask of each facet on its own, over every agency or over ``rows`` only."""
        return {
            "countries": self._isin(self.countries, state.countries, rows),
            "sectors": self._sector_mask(state, rows),
            "types": self._isin(self.types, state.types, rows),
            "text": self._text_mask(state.text, rows),
        }

    def mask(self, state: FilterState, rows: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
        """Which agencies pass every facet of ``state``.

        Parameters
        ----------
        state : FilterState
        rows : sequence of int, optional
            Look at these rows only; the result then has one value per row.

        Returns
        -------
        ndarray of bool
        """
        picked = None if rows is None else np.asarray(rows, dtype=np.intp).reshape(-1)
        masks = self.facet_masks(state, picked)
        return masks["countries"] & masks["sectors"] & masks["types"] & masks["text"]

    def counts(self, state: FilterState) -> dict[str, dict[str, int]]:
        """For each facet option, how many agencies choosing it would leave.

        For countries, types and any-of sectors: the agencies that match the
        other facets and have that value. For all-of sectors, the agencies that
        would remain with that sector added to the selection.
        """
        masks = self.facet_masks(state)
        without = {
            facet: np.logical_and.reduce([m for other, m in masks.items() if other != facet])
            for facet in ("countries", "sectors", "types")
        }
        result: dict[str, dict[str, int]] = {"countries": {}, "types": {}, "sectors": {}}
        for facet, codes, values in (
            ("countries", self._country_codes, self._country_values),
            ("types", self._type_codes, self._type_values),
        ):
            counts = np.bincount(codes[without[facet]], minlength=len(values))
            result[facet] = {str(v): int(n) for v, n in zip(values.tolist(), counts, strict=False) if n}
        base = without["sectors"]
        if state.sector_mode == SECTOR_ALL and state.sectors:
            base = base & masks["sectors"]
        sums = self.sector_matrix[base].sum(axis=0)
        result["sectors"] = {code: int(n) for code, n in zip(self.sector_codes, sums, strict=False)}
        return result


def _text(value: object) -> str:
    """A search field's value as text; a missing value (None, NaN) is empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _recode(values: np.ndarray, codes: np.ndarray, rows: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Point ``codes[rows]`` at ``new`` in the sorted distinct ``values``; returns the values, one inserted if new.

    ``codes`` is changed in place: after an insertion every code at or past
    the new value's place moves up by one.
    """
    for row, value in zip(rows.tolist(), new.astype(str).tolist(), strict=True):
        place = int(np.searchsorted(values, value))
        if place == len(values) or values[place] != value:
            values = np.insert(values, place, value)
            codes[codes >= place] += 1
        codes[row] = place
    return values
