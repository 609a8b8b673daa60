"""Crash recovery: unsaved edits are written aside regularly and offered back after a crash.

A recovery copy is one JSON file per running bsr-map in the user's data
folder: which directory the edits belong to, when, which process, and for
each edited agency its record now (None: deleted), its record before the
edits and the version that had in the store. Only the edits are kept, so the
copy stays small for any directory, and restoring saves each edit against
the version it was made from. A copy whose process no longer runs was left
by a crash or a killed process.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from bsr_map.util.atomic import atomic_write
from bsr_map.util.paths import process_alive, user_data_dir

FORMAT = "bsr-map recovery 2"


def _folder() -> Path:
    return user_data_dir() / "recovery"


_NUMBERS = itertools.count(1)


def new_name() -> str:
    """A name for one open document's recovery copy: the process and a number (a process may edit several)."""
    return f"{os.getpid()}-{next(_NUMBERS)}"


def _own_file(name: str) -> Path:
    return _folder() / f"unsaved-{name}.json"


@dataclass(frozen=True)
class Recovery:
    """A recovery copy on disk."""

    file: Path
    source: str  # the file or shared directory (URL without password) the edits belong to
    saved_at: str
    pid: int
    count: int  # agencies in the directory when it was written
    entries: list[dict] = field(default_factory=list)  # {"id", "record", "original", "version"}

    @property
    def edited(self) -> int:
        """How many agencies the edits touch."""
        return len(self.entries)


def write_recovery(source: str, entries: list[dict], count: int, name: str = "") -> Path:
    """Write a document's unsaved edits aside (atomically).

    Parameters
    ----------
    source : str
        The file or shared directory (URL without password) being edited.
    entries : list of dict
        Per edited agency: ``id``, ``record`` (None when deleted), ``original``
        (None when new) and ``version`` (of the original in the store).
    count : int
        Agencies in the directory, for the question shown after a crash.
    name : str
        The document's copy (see :func:`new_name`); this process's first by default.
    """
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    note = {
        "format": FORMAT,
        "source": source,
        "saved_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "pid": os.getpid(),
        "count": count,
        "entries": entries,
    }
    text = json.dumps(note, ensure_ascii=False, default=str)
    return atomic_write(
        _own_file(name or f"{os.getpid()}-0"), lambda tmp: tmp.write_text(text, encoding="utf-8"), keep_backup=False
    )


def _read(file: Path) -> Recovery | None:
    try:
        note = json.loads(file.read_text(encoding="utf-8"))
        if note.get("format") != FORMAT:
            return None
        return Recovery(
            file,
            str(note["source"]),
            str(note["saved_at"]),
            int(note["pid"]),
            int(note["count"]),
            list(note["entries"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def pending_recovery() -> Recovery | None:
    """A recovery copy left by a process that is gone (a crash), or None.

    Copies of the latest runs come first, then copies set aside earlier (oldest first).
    """
    folder = _folder()
    candidates = sorted(folder.glob("unsaved-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for candidate in [*candidates, *sorted((folder / "kept").glob("unsaved-*.json"))]:
        recovery = _read(candidate)
        if recovery is not None and recovery.entries and not process_alive(recovery.pid):
            return recovery
    return None


def set_aside(recovery: Recovery) -> Path:
    """Keep a recovery copy that cannot be restored now (its database is away) for a later start."""
    if recovery.file.parent.name == "kept":
        return recovery.file
    kept = _folder() / "kept"
    kept.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = kept / f"unsaved-{stamp}-{recovery.pid}.json"
    recovery.file.replace(target)
    return target


def discard_recovery(recovery: Recovery | None = None, name: str = "") -> None:
    """Remove a recovery copy: ``recovery``, or the document's named ``name`` (after a save)."""
    (recovery.file if recovery is not None else _own_file(name or f"{os.getpid()}-0")).unlink(missing_ok=True)
