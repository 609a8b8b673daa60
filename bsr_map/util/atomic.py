"""Save files so that a failure never leaves a half-written or lost file.

The new content is written to a temporary file beside the target, flushed to
disk, and renamed over the target in one step. The previous version is kept
as ``<name>.bak``. If anything fails, the target is untouched and the
temporary file is removed.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

#: Files SQLite (GeoPackage) may leave beside a database while writing.
_SIDE_SUFFIXES = ("-journal", "-wal", "-shm")


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
    temp = folder / f".{target.stem}.saving-{uuid.uuid4().hex[:8]}{target.suffix}"
    try:
        write(temp)
        if not temp.is_file():
            raise OSError("nothing was written")
        if target.is_file():
            shutil.copymode(target, temp)  # the saved file keeps the permissions it had
        _fsync_path(temp)
        if keep_backup and target.is_file():
            backup = backup_path(target)
            backup_temp = folder / f".{backup.name}.saving-{uuid.uuid4().hex[:8]}"
            shutil.copy2(target, backup_temp)
            os.replace(backup_temp, backup)
        os.replace(temp, target)
        _fsync_dir(folder)
    except Exception as exc:
        _remove(temp)
        for leftover in folder.glob(f".{target.name}.bak.saving-*"):
            _remove(leftover)
        if isinstance(exc, Cancelled):
            raise
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        raise SaveError(f"Could not save {target}: {reason}. The previous file is unchanged.") from exc
    return target
