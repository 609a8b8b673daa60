"""A lock file beside a directory file, so a second instance is warned before editing it.

The lock file is held with an OS lock for as long as its holder runs, and
says who holds it (process id, host, user, time). A lock left by a
process that no longer runs on this host is stale and may be taken over; a
lock from another host is trusted for a day, since its process cannot be seen
from here.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bsr_map.util.paths import process_alive

#: A lock from another machine older than this is treated as stale.
FOREIGN_LOCK_MAX_AGE = dt.timedelta(days=1)
#: How long a taker waits for a new holder to write who it is.
HOLDER_WRITE_WAIT_S = 2.0

_held: dict[Path, int] = {}  # lock file -> its descriptor, held (with the OS lock) while the lock is ours


@dataclass(frozen=True)
class LockInfo:
    """Who holds a lock."""

    pid: int
    host: str
    user: str
    since: str

    def describe(self) -> str:
        """For the warning a user sees."""
        return f"{self.user} on {self.host} (process {self.pid}) since {self.since}"


def lock_path(path: str | Path) -> Path:
    """The lock file of a directory file: ``.name.lock`` beside it."""
    path = Path(path)
    return path.with_name(f".{path.name}.lock")


def read_lock(path: str | Path) -> LockInfo | None:
    """The lock on ``path``, or None when there is none (or it is unreadable)."""
    try:
        return _parse(lock_path(path).read_bytes())
    except OSError:
        return None


def is_stale(info: LockInfo, now: dt.datetime | None = None) -> bool:
    """True when the holder has gone: its process is dead here, or a foreign lock is old."""
    if info.host == socket.gethostname():
        return not process_alive(info.pid)
    try:
        since = dt.datetime.fromisoformat(info.since)
    except ValueError:
        return True
    now = now or dt.datetime.now(since.tzinfo)
    return now - since > FOREIGN_LOCK_MAX_AGE


def _try_lock(fd: int) -> bool:
    """Take the OS lock on the open lock file without waiting; False when another process has it."""
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _is_file_at(fd: int, target: Path) -> bool:
    """True when ``fd`` is still the file at ``target`` (not one a releasing holder has just removed)."""
    try:
        here = os.stat(target)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)


def _read_fd(fd: int) -> LockInfo | None:
    os.lseek(fd, 0, os.SEEK_SET)
    return _parse(os.read(fd, 4096))


def _parse(raw: bytes) -> LockInfo | None:
    try:
        data = json.loads(raw.decode("utf-8"))
        return LockInfo(int(data["pid"]), str(data["host"]), str(data["user"]), str(data["since"]))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def _mine() -> LockInfo:
    return LockInfo(
        os.getpid(),
        socket.gethostname(),
        getpass.getuser(),
        dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    )


def acquire_lock(path: str | Path, *, take_over: bool = False) -> LockInfo | None:
    """Take the lock on ``path`` for this process, for as long as it runs or until :func:`release_lock`.

    The lock file is held with an OS lock (``flock``), so exactly one process
    holds it however many start at once, and a holder that dies (even killed)
    lets go of it; a stale lock is taken over by overwriting it under that OS
    lock, never by removing it. The JSON inside says who holds it, for the
    warning, and guards against holders the OS lock cannot see (another
    machine on a shared drive).

    Parameters
    ----------
    path : str or Path
        The directory file whose lock to take.
    take_over : bool
        Take the lock even from a live holder (the person chose to).

    Returns
    -------
    LockInfo or None
        None when the lock is now ours; otherwise the live holder's info (the
        caller warns the user, who may choose to open read-only or ``take_over``).
    """
    target = lock_path(path)
    key = _key(target)
    if key in _held:
        return None
    if take_over:
        target.unlink(missing_ok=True)  # the holder keeps its OS lock on the old file; ours is a new one
    deadline = time.monotonic() + HOLDER_WRITE_WAIT_S
    while True:
        fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            holder = read_lock(path)
            if holder is not None and not is_stale(holder):
                return holder
            if time.monotonic() > deadline:
                return holder or LockInfo(0, "?", "another program", "")
            time.sleep(0.01)  # the new holder has not written who it is yet
            continue
        if not _is_file_at(fd, target):
            os.close(fd)
            continue
        holder = _read_fd(fd)
        if holder is not None and not take_over and not _is_mine(holder) and not is_stale(holder):
            os.close(fd)  # alive where the OS lock does not reach (another machine)
            return holder
        mine = json.dumps(_mine().__dict__).encode("utf-8")
        os.ftruncate(fd, 0)
        os.pwrite(fd, mine, 0)
        os.fsync(fd)
        _held[key] = fd
        return None


def _is_mine(info: LockInfo) -> bool:
    return info.pid == os.getpid() and info.host == socket.gethostname()


def _key(target: Path) -> Path:
    return target.parent.resolve() / target.name


def release_lock(path: str | Path) -> None:
    """Let go of our lock on ``path`` and remove its file (a lock held by another process is left alone)."""
    target = lock_path(path)
    fd = _held.pop(_key(target), None)
    if fd is None:
        return
    try:
        if _is_file_at(fd, target):
            target.unlink(missing_ok=True)
    finally:
        os.close(fd)
