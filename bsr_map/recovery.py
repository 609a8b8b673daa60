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

from bsr_map.atomic import atomic_write
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
    source: str  # the file the edits belong to ("" for the bundled directory)
    saved_at: str
    pid: int
    count: int


def write_recovery(directory: gpd.GeoDataFrame, source: str | Path | None) -> Path:
    """Write the unsaved directory aside (atomically) and note what it belongs to."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    data = write_directory(directory, folder / "unsaved.geojson", name="bsr-map unsaved edits")
    note = {"source": str(source or ""), "saved_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "pid": os.getpid(), "count": len(directory)}
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


def pending_recovery() -> Recovery | None:
    """A recovery copy left by a process that is gone (a crash), or None."""
    folder = _folder()
    try:
        note = json.loads((folder / "unsaved.json").read_text(encoding="utf-8"))
        recovery = Recovery(folder / "unsaved.geojson", str(note["source"]), str(note["saved_at"]),
                            int(note["pid"]), int(note["count"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not recovery.directory_file.is_file() or _alive(recovery.pid):
        return None
    return recovery


def discard_recovery() -> None:
    """Remove the recovery copy (after a save, or when the user declines it)."""
    folder = _folder()
    for name in ("unsaved.json", "unsaved.geojson", "unsaved.geojson.bak"):
        (folder / name).unlink(missing_ok=True)
