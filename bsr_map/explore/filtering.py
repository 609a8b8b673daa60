"""Filtering the directory by country, sector, type and free text, with facet counts.

Semantics: within a facet any-of (sectors can switch to all-of), across facets
and-of; an empty facet does not filter. A facet's counts say how many agencies
each choice would leave, given the other facets (the usual faceted-search rule).

:class:`AgencyIndex` turns the directory into numpy arrays once, so a filter
change over 100,000 agencies costs milliseconds.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace

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

    def toggled(self, facet: str, value: str) -> "FilterState":
        """A copy with ``value`` added to or removed from ``facet`` (countries, sectors or types)."""
        chosen = set(getattr(self, facet))
        chosen.symmetric_difference_update({value})
        return replace(self, **{facet: frozenset(chosen)})

    def to_dict(self) -> dict:
        """Plain data, for saving in settings."""
        return {"countries": sorted(self.countries), "sectors": sorted(self.sectors),
                "sector_mode": self.sector_mode, "types": sorted(self.types), "text": self.text}

    @classmethod
    def from_dict(cls, data: dict) -> "FilterState":
        """The inverse of :meth:`to_dict`, tolerant of missing keys."""
        mode = data.get("sector_mode", SECTOR_ANY)
        return cls(frozenset(data.get("countries") or ()), frozenset(data.get("sectors") or ()),
                   mode if mode in (SECTOR_ANY, SECTOR_ALL) else SECTOR_ANY,
                   frozenset(data.get("types") or ()), str(data.get("text") or ""))


@dataclass
class AgencyIndex:
    """Column arrays of a directory, prepared for fast filtering."""

    countries: np.ndarray
    types: np.ndarray
    sector_codes: list[str]
    sector_matrix: np.ndarray  # bool, agencies × sectors
    #: Per search field: its distinct values folded for search, and each agency's index into them.
    #: Searching the distinct values once is faster and lighter than a joined text per agency:
    #: cities and descriptions repeat.
    search_columns: list[tuple[np.ndarray, np.ndarray]]
    primary: np.ndarray = None  # index into sector_codes of each agency's first sector, -1 for none
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # Integer codes make counting a bincount instead of a sort of strings.
        self._country_values, self._country_codes = np.unique(self.countries.astype(str), return_inverse=True)
        self._type_values, self._type_codes = np.unique(self.types.astype(str), return_inverse=True)

    @classmethod
    def build(cls, directory: gpd.GeoDataFrame, sector_codes: list[str]) -> "AgencyIndex":
        """Index ``directory``; ``sector_codes`` fixes the matrix's column order."""
        column = {code: i for i, code in enumerate(sector_codes)}
        matrix = np.zeros((len(directory), len(sector_codes)), dtype=bool)
        for row, sectors in enumerate(directory["sectors"]):
            for code in sectors:
                if code in column:
                    matrix[row, column[code]] = True
        search_columns = []
        for name in SEARCH_FIELDS:
            codes, distinct = pd.factorize(directory[name].astype(str).to_numpy(dtype=object))
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

    def shown(self, mask: np.ndarray) -> tuple[set[str], set[str]]:
        """Primary sectors and types among the agencies in ``mask`` (what a legend lists)."""
        primary = np.unique(self.primary[mask])
        types = np.unique(self._type_codes[mask])
        return ({self.sector_codes[i] for i in primary if i >= 0}, {str(self._type_values[i]) for i in types})

    def __len__(self) -> int:
        return len(self.countries)

    # -- masks per facet -----------------------------------------------------
    def _isin(self, values: np.ndarray, chosen: frozenset[str]) -> np.ndarray:
        if not chosen:
            return np.ones(len(values), dtype=bool)
        return np.isin(values, list(chosen))

    def _sector_mask(self, state: FilterState) -> np.ndarray:
        columns = [self.sector_codes.index(c) for c in state.sectors if c in self.sector_codes]
        if not state.sectors:
            return np.ones(len(self), dtype=bool)
        if not columns:
            return np.zeros(len(self), dtype=bool)
        picked = self.sector_matrix[:, columns]
        return picked.all(axis=1) if state.sector_mode == SECTOR_ALL else picked.any(axis=1)

    def _text_mask(self, text: str) -> np.ndarray:
        words = search_key(text).split()
        if not words:
            return np.ones(len(self), dtype=bool)
        key = ("text", tuple(words))
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

    def facet_masks(self, state: FilterState) -> dict[str, np.ndarray]:
        """The mask of each facet on its own."""
        return {
            "countries": self._isin(self.countries, state.countries),
            "sectors": self._sector_mask(state),
            "types": self._isin(self.types, state.types),
            "text": self._text_mask(state.text),
        }

    def mask(self, state: FilterState) -> np.ndarray:
        """Which agencies pass every facet of ``state``."""
        masks = self.facet_masks(state)
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
        result = {"countries": {}, "types": {}, "sectors": {}}
        for facet, codes, values in (("countries", self._country_codes, self._country_values),
                                     ("types", self._type_codes, self._type_values)):
            counts = np.bincount(codes[without[facet]], minlength=len(values))
            result[facet] = {v: int(n) for v, n in zip(values.tolist(), counts) if n}
        base = without["sectors"]
        if state.sector_mode == SECTOR_ALL and state.sectors:
            base = base & masks["sectors"]
        sums = self.sector_matrix[base].sum(axis=0)
        result["sectors"] = {code: int(n) for code, n in zip(self.sector_codes, sums)}
        return result
