"""The filter options shared by every command that selects agencies.

``--countries``, ``--sectors``, ``--types`` and ``--search`` mean the same in
``export-map``, ``export-directory`` and ``export-brochure``: they build the
same :class:`~bsr_map.explore.filtering.FilterState` as the filter panel.
"""

from __future__ import annotations

import argparse

from bsr_map.directory.schema import DIRECTORY_COUNTRIES, country_code
from bsr_map.directory.taxonomy import Taxonomy
from bsr_map.explore.filtering import SECTOR_ALL, SECTOR_ANY, FilterState


class OptionError(Exception):
    """A command-line option has a value the command cannot use (exit status 2)."""


def _codes(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def add_filter_arguments(parser: argparse.ArgumentParser, *, directory: bool = True) -> None:
    """Add ``--directory`` (unless the command names its source otherwise) and the filter options to a parser."""
    if directory:
        parser.add_argument(
            "--directory", help="directory file or postgresql:// URL to use (default: the bundled directory)"
        )
    parser.add_argument("--countries", metavar="CC,CC", help="ISO codes (or names) of countries, e.g. DE,PL")
    parser.add_argument("--sectors", metavar="CODE,CODE", help="sector codes, e.g. ict,maritime (any of them)")
    parser.add_argument("--all-sectors", action="store_true", help="require all of --sectors instead of any")
    parser.add_argument("--types", metavar="TYPE,TYPE", help="agency type codes, e.g. national_agency,city_agency")
    parser.add_argument("--search", metavar="TEXT", default="", help="free text in name, city or description")


def filter_state_from_args(args: argparse.Namespace, taxonomy: Taxonomy) -> FilterState:
    """The filter state the options describe.

    Raises
    ------
    OptionError
        Naming an unknown country, sector or type code.
    """

    def resolve(option: str, what: str, text: str | None, lookup, choices) -> frozenset[str]:
        codes = []
        for item in _codes(text):
            code = lookup(item)
            if code is None or code not in choices:
                raise OptionError(f"unknown {what} '{item}' in {option}; use one of {', '.join(choices)}")
            codes.append(code)
        return frozenset(codes)

    return FilterState(
        resolve("--countries", "country", args.countries, country_code, DIRECTORY_COUNTRIES),
        resolve("--sectors", "sector", args.sectors, taxonomy.sectors.code_for, taxonomy.sectors.codes),
        SECTOR_ALL if args.all_sectors else SECTOR_ANY,
        resolve("--types", "type", args.types, taxonomy.agency_types.code_for, taxonomy.agency_types.codes),
        args.search or "",
    )
