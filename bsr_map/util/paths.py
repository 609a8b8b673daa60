"""Where the bundled geodata and resources live.

In a source checkout (and an editable install) they are the top-level
``geodata/`` and ``resources/`` folders; a built wheel carries them inside the
package as ``bsr_map/_bundled/``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def _bundled(name: str) -> Path:
    inside = _PACKAGE / "_bundled" / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def geodata_dir() -> Path:
    """Return the folder of the bundled geodata."""
    return _bundled("geodata")


def resources_dir() -> Path:
    """Return the folder of the bundled resources (fonts, icons, taxonomy)."""
    return _bundled("resources")


def user_data_dir() -> Path:
    """bsr-map's folder for per-user data and settings (``BSR_MAP_SETTINGS_DIR`` overrides it, as in tests)."""
    override = os.environ.get("BSR_MAP_SETTINGS_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home())) / "bsr-map"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "bsr-map"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "bsr-map"


def settings_file() -> Path | None:
    """The settings file when ``BSR_MAP_SETTINGS_DIR`` sets it, else None (the platform's own place)."""
    override = os.environ.get("BSR_MAP_SETTINGS_DIR")
    return Path(override) / "bsr-map.ini" if override else None


def process_alive(pid: int) -> bool:
    """True when a process with this id runs on this machine (this process counts)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


def programs_using(path: str | Path) -> list[str]:
    """The other programs on this machine that have ``path`` open, as "name (process N)".

    Read from ``/proc`` where the system has it (Linux); elsewhere, and for
    processes of other users that cannot be inspected, nothing is known.
    """
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    target = os.path.realpath(path)
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if any(os.path.realpath(fd) == target for fd in (entry / "fd").iterdir()):
                name = (entry / "comm").read_text(encoding="utf-8", errors="replace").strip()
                found.append(f"{name} (process {entry.name})")
        except OSError:
            continue  # gone meanwhile, or not ours to look at
    return found
