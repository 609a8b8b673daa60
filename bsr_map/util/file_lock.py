"""A lock file beside a directory file, so a second instance is warned before editing it.

The lock holds who holds it (process id, host, user, time). A lock left by a
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
from dataclasses import dataclass
from pathlib import Path

from bsr_map.util.paths import process_alive

#: A lock from another machine older than this is treated as stale.
FOREIGN_LOCK_MAX_AGE = dt.timedelta(days=1)


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
        data = json.loads(lock_path(path).read_text(encoding="utf-8"))
        return LockInfo(int(data["pid"]), str(data["host"]), str(data["user"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
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


def acquire_lock(path: str | Path, *, take_over: bool = False) -> LockInfo | None:
    """Take the lock on ``path`` for this process.

    Returns
    -------
    LockInfo or None
        None when the lock is now ours; otherwise the live holder's info (the
        caller warns the user, who may choose to open read-only or ``take_over``).
        A stale lock is taken over without asking.
    """
    target = lock_path(path)
    mine = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "user": getpass.getuser(),
        "since": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    for _ in range(2):
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            holder = read_lock(path)
            if holder is not None and holder.pid == os.getpid() and holder.host == mine["host"]:
                return None  # already ours
            if holder is None or is_stale(holder) or take_over:
                target.unlink(missing_ok=True)
                continue
            return holder
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(mine, fh)
        return None
    return read_lock(path)


def release_lock(path: str | Path) -> None:
    """Remove our lock on ``path`` (a lock held by another process is left alone)."""
    holder = read_lock(path)
    if holder is not None and holder.pid == os.getpid() and holder.host == socket.gethostname():
        lock_path(path).unlink(missing_ok=True)
