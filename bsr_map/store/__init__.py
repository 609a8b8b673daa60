"""Where the directory lives: a GeoPackage file (the default) or a shared PostGIS database.

Both stores offer the same :class:`~bsr_map.store.base.DirectoryStore`
interface, so the window and every command work the same with either.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bsr_map.store.base import (
    ChangeSet,
    Conflict,
    ConflictError,
    DirectoryStore,
    Snapshot,
    StoreError,
    changes_between,
    fingerprint,
)
from bsr_map.store.postgis_store import display_url, is_database_url

__all__ = [
    "ChangeSet",
    "Conflict",
    "ConflictError",
    "DirectoryStore",
    "Snapshot",
    "StoreError",
    "changes_between",
    "display_url",
    "fingerprint",
    "is_database_url",
    "open_store",
]


def open_store(location: str | Path, *, ask_password: Callable[[str], str | None] | None = None) -> DirectoryStore:
    """The store at ``location``: a ``postgresql://`` URL or the path of a ``.gpkg`` file.

    Parameters
    ----------
    location : str or Path
    ask_password : callable, optional
        For a database that wants a password libpq did not find (``PGPASSWORD``, ``.pgpass``).

    Raises
    ------
    StoreError
        The database cannot be reached, or the file is not a GeoPackage.
    """
    if is_database_url(str(location)):
        from bsr_map.store.postgis_store import PostgisStore

        return PostgisStore(str(location), ask_password=ask_password)
    path = Path(location)
    if path.suffix.lower() != ".gpkg":
        raise StoreError(f"{path.name}: a shared directory is a GeoPackage (.gpkg) file or a postgresql:// URL.")
    from bsr_map.store.gpkg_store import GeoPackageStore

    return GeoPackageStore(path)
