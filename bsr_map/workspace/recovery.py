"""Crash recovery: unsaved edits are written aside regularly and offered back after a crash.

The recovery copy is a GeoJSON directory plus a small JSON note (which file it
belongs to, when, which process) in the user's data folder. A copy whose
process no longer runs was left by a crash or a killed process.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from bsr_map.util.atomic import atomic_write
from bsr_map.directory.writers import write_directory


def user_data_dir() -> Path:
    """bsr-map's folder for per-user data (``BSR_MAP_SETTINGS_DIR`` overrides it, as in tests)."""
    override = os.environ.get("BSR_MAP_SETTINGS_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home())) / "bsr-map"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "bsr-map"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "bsr-map"


def _folder() -> Path:
    return user_data_dir() / "recovery"


@dataclass(frozen=True)
class Recovery:
    """A recovery copy on disk."""

    directory_file: Path
    source: str  # the file or shared directory the edits belong to ("" for the bundled directory)
    saved_at: str
    pid: int
    count: int
    #: For a shared directory: agency id -> [version, fingerprint] as loaded, so that only the
    #: edits are restored and saved against the versions they were made from.
    base: dict | None = None

    @property
    def note_file(self) -> Path:
        return self.directory_file.with_suffix(".json")


def write_recovery(directory: gpd.GeoDataFrame, source: str | Path | None, base: dict | None = None) -> Path:
    """Write the unsaved directory aside (atomically) and note what it belongs to.

    Parameters
    ----------
    directory : GeoDataFrame
    source : str or Path or None
        The file or shared directory (URL without password) being edited.
    base : dict, optional
        For a shared directory, agency id -> [version, fingerprint] of the records as loaded.
    """
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    data = write_directory(directory, folder / "unsaved.geojson", name="bsr-map unsaved edits")
    note = {"source": str(source or ""), "saved_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "pid": os.getpid(), "count": len(directory)}
    if base is not None:
        note["base"] = base
    atomic_write(folder / "unsaved.json", lambda tmp: tmp.write_text(json.dumps(note), encoding="utf-8"),
                 keep_backup=False)
    return data


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _read(directory_file: Path) -> Recovery | None:
    try:
        note = json.loads(directory_file.with_suffix(".json").read_text(encoding="utf-8"))
        return Recovery(directory_file, str(note["source"]), str(note["saved_at"]), int(note["pid"]),
                        int(note["count"]), note.get("base"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def pending_recovery() -> Recovery | None:
    """A recovery copy left by a process that is gone (a crash), or None.

    The copy of the last run comes first, then copies set aside earlier (oldest first).
    """
    folder = _folder()
    for candidate in [folder / "unsaved.geojson", *sorted((folder / "kept").glob("unsaved-*.geojson"))]:
        recovery = _read(candidate)
        if recovery is not None and recovery.directory_file.is_file() and not _alive(recovery.pid):
            return recovery
    return None


def set_aside(recovery: Recovery) -> Path:
    """Keep a recovery copy that cannot be restored now (its database is away) for a later start.

    Returns the GeoJSON file it is kept in (it also opens as an ordinary directory file).
    """
    if recovery.directory_file.parent.name == "kept":
        return recovery.directory_file
    kept = _folder() / "kept"
    kept.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = kept / f"unsaved-{stamp}.geojson"
    recovery.note_file.replace(target.with_suffix(".json"))
    recovery.directory_file.replace(target)
    return target


def discard_recovery(recovery: Recovery | None = None) -> None:
    """Remove a recovery copy: ``recovery``, or this run's (after a save, or when the user declines it)."""
    if recovery is not None:
        for path in (recovery.directory_file, recovery.note_file, recovery.directory_file.with_suffix(".geojson.bak")):
            path.unlink(missing_ok=True)
        return
    folder = _folder()
    for name in ("unsaved.json", "unsaved.geojson", "unsaved.geojson.bak"):
        (folder / name).unlink(missing_ok=True)
