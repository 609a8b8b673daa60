"""What kind of document a location is: decided here, once, for the window, the command line and recovery."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from bsr_map.directory.importing import bundled_directory_path
from bsr_map.store.postgis_store import display_url, is_database_url

#: What exports name as the source of the bundled agencies.
BUNDLED_NAME = "bsr-map bundled directory"


class Kind(enum.Enum):
    """The kinds of document bsr-map opens."""

    BUNDLED = "bundled"  # the directory shipped with the app: read-only, saved as a new GeoPackage
    FILE = "file"  # an imported CSV, XLSX, GeoJSON or Shapefile: never written, saved as a new GeoPackage
    GEOPACKAGE = "geopackage"  # a GeoPackage store, changed in place
    OFFLINE = "offline"  # a GeoPackage taken offline from a shared directory, merged back later
    DATABASE = "database"  # a shared PostgreSQL/PostGIS directory


@dataclass(frozen=True)
class Source:
    """Where the open directory comes from.

    Attributes
    ----------
    kind : Kind
    location : str
        A file's absolute path, or a database URL without its password.
    """

    kind: Kind
    location: str

    @classmethod
    def of(cls, location: str | Path | None) -> Source:
        """The source at ``location`` (None: the bundled directory).

        A ``.gpkg`` file is an offline copy when it has the sync table that
        "take offline" writes; a GeoPackage that does not exist yet is a
        new store.
        """
        if location is None:
            return cls(Kind.BUNDLED, str(bundled_directory_path()))
        if isinstance(location, str) and is_database_url(location):
            return cls(Kind.DATABASE, display_url(location))
        path = Path(location).absolute()
        if path.resolve() == bundled_directory_path().resolve():
            return cls(Kind.BUNDLED, str(path))
        if path.suffix.lower() == ".gpkg":
            from bsr_map.store.offline import copy_source

            try:
                offline = path.is_file() and copy_source(path) is not None
            except Exception:  # not a readable GeoPackage: opening it says why
                offline = False
            return cls(Kind.OFFLINE if offline else Kind.GEOPACKAGE, str(path))
        return cls(Kind.FILE, str(path))

    @property
    def is_store(self) -> bool:
        """True when saving changes the source itself (a GeoPackage, an offline copy, a database)."""
        return self.kind in (Kind.GEOPACKAGE, Kind.OFFLINE, Kind.DATABASE)

    @property
    def path(self) -> Path | None:
        """The file, or None for a database."""
        return None if self.kind is Kind.DATABASE else Path(self.location)

    @property
    def name(self) -> str:
        """For titles and messages: a file's name, a database's URL (no password)."""
        return self.location if self.kind is Kind.DATABASE else Path(self.location).name

    @property
    def credit_name(self) -> str:
        """What exported maps and directories name as the source of the agencies."""
        return BUNDLED_NAME if self.kind is Kind.BUNDLED else self.name


def latest_verified(agencies: gpd.GeoDataFrame) -> str:
    """The latest "last verified" date among ``agencies`` (ISO text), or "" when none has one."""
    dates = [str(d) for d in agencies["last_verified"] if d]
    return max(dates) if dates else ""
