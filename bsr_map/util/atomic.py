"""Save files so that a failure never leaves a half-written or lost file.

The new content is written to a temporary file beside the target, flushed to
disk, and renamed over the target in one step. The previous version is kept
as ``<name>.bak``. If anything fails, the target is untouched and the
temporary file is removed. The renamed file keeps the owner, group and mode
the target had.

A save killed outright (kill -9, a power cut) leaves its temporary file; the
temporaries are named after the host and process that wrote them, so the next
save (or open) of the same file removes those whose writer has gone, and never
one that a live save, perhaps from another machine on a shared drive, is still
writing.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import socket
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from bsr_map.util.paths import process_alive

#: Files SQLite (GeoPackage) may leave beside a database while writing.
_SIDE_SUFFIXES = ("-journal", "-wal", "-shm")
#: A temporary file from another machine (whose process cannot be seen) older than this is a leftover.
FOREIGN_TEMP_MAX_AGE_S = 24 * 3600
_TEMP = re.compile(r"\.saving-(?:(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-)?[0-9a-f]{8}")


class SaveError(Exception):
    """A save failed; the message says why and that the old file is intact."""


class Cancelled(Exception):
    """The user stopped the work; :func:`atomic_write` removes its temporary file and re-raises it as is."""


def _fsync_path(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    for candidate in (path, *(path.with_name(path.name + s) for s in _SIDE_SUFFIXES)):
        try:
            candidate.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            pass  # best effort: a leftover temporary file is harmless


def _host_tag() -> str:
    return hashlib.sha1(socket.gethostname().encode("utf-8")).hexdigest()[:6]


def _temporary(folder: Path, name: str) -> Path:
    """A new temporary name beside ``name``, saying which host and process writes it."""
    stem, dot, suffix = name.partition(".") if not name.startswith(".") else (name, "", "")
    tag = f"saving-{_host_tag()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    return folder / (f".{stem}.{tag}.{suffix}" if dot else f".{name}.{tag}")


def _abandoned(candidate: Path) -> bool:
    match = _TEMP.search(candidate.name)
    if match is None:
        return False
    if match["pid"] is not None and match["host"] == _host_tag():
        return not process_alive(int(match["pid"]))
    try:  # another machine's, or from a version that did not name its writer: judged by age
        return time.time() - candidate.stat().st_mtime > FOREIGN_TEMP_MAX_AGE_S
    except OSError:
        return False


def remove_leftovers(target: str | Path) -> list[Path]:
    """Remove the temporary files that killed saves of ``target`` left beside it.

    Returns
    -------
    list of Path
        The files removed.
    """
    target = Path(target)
    stem = target.name.partition(".")[0]
    removed = []
    try:
        candidates = [p for p in target.parent.glob(f".{stem}.*saving-*") if _abandoned(p)]
    except OSError:
        return []
    for candidate in candidates:
        _remove(candidate)
        removed.append(candidate)
    return removed


def _keep_owner(target: Path, temp: Path) -> None:
    """Give ``temp`` the mode, owner and group of ``target`` (owner and group where allowed)."""
    info = target.stat()
    os.chmod(temp, info.st_mode & 0o7777)
    if hasattr(os, "chown"):
        # Only root (or the owner, for a group it is in) may; otherwise the file becomes the saver's, as with any editor.
        with suppress(PermissionError):
            os.chown(temp, info.st_uid, info.st_gid)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full (free some space, or save to another drive)"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc)
    if "database or disk is full" in text:
        return "the disk is full (free some space, or save to another drive)"
    return text or type(exc).__name__


def backup_path(target: str | Path) -> Path:
    """Where the previous version of ``target`` is kept."""
    target = Path(target)
    return target.with_name(target.name + ".bak")


def atomic_write(target: str | Path, write: Callable[[Path], object], *, keep_backup: bool = True) -> Path:
    """Write a file atomically.

    Parameters
    ----------
    target : str or Path
        The file to create or replace.
    write : callable
        Called with a temporary path (same folder, same suffix) to write the
        full content to; what it returns is ignored.
    keep_backup : bool
        Keep the file being replaced as ``<name>.bak``.

    Returns
    -------
    Path
        The target.

    Raises
    ------
    SaveError
        When the folder is missing or read-only, the disk is full, or ``write``
        fails; the target is unchanged.
    """
    target = Path(target).absolute()
    if target.is_symlink():
        target = target.resolve()  # save through a link to the file it points to, keeping the link
    folder = target.parent
    try:
        folder_exists = folder.is_dir()
    except OSError as exc:
        raise SaveError(f"Could not save {target}: {exc.strerror}. The previous file is unchanged.") from exc
    if not folder_exists:
        raise SaveError(f"Could not save {target}: the folder {folder} does not exist.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SaveError(
            f"Could not save {target}: Permission denied (the folder {folder} cannot be written to). "
            "The previous file is unchanged."
        )
    if target.is_file() and not os.access(target, os.W_OK):
        raise SaveError(f"Could not save {target}: the file is read-only. The previous file is unchanged.")
    remove_leftovers(target)
    temp = _temporary(folder, target.name)
    backup_temp = None
    try:
        write(temp)
        if not temp.is_file():
            raise OSError("nothing was written")
        if target.is_file():
            _keep_owner(target, temp)
        _fsync_path(temp)
        if keep_backup and target.is_file():
            backup = backup_path(target)
            backup_temp = _temporary(folder, backup.name)
            shutil.copy2(target, backup_temp)
            _keep_owner(target, backup_temp)
            os.replace(backup_temp, backup)
        os.replace(temp, target)
        _fsync_dir(folder)
    except Exception as exc:
        _remove(temp)
        if backup_temp is not None:
            _remove(backup_temp)
        if isinstance(exc, Cancelled):
            raise
        raise SaveError(f"Could not save {target}: {_reason(exc)}. The previous file is unchanged.") from exc
    return target
